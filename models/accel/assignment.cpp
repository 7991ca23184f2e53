#include "accel/assignment.h"

#include "common/error.h"
#include "common/text.h"
#include "config/yaml_node.h"
#include "mult/registry.h"

namespace axpod::accel {

std::string Assignment::for_layer(const std::string& layer) const {
  const auto it = layers.find(layer);
  return it != layers.end() ? it->second : fallback;
}

Assignment load_assignment(const std::string& path, const workload::Network& net) {
  const auto doc = config::Document::load(path);
  const auto root = doc.root();
  Assignment a;
  const auto canon = [](const config::Node& n) {
    const std::string s = n.as_string();
    try {
      return mult::Registry::instance().canonical(s);
    } catch (const Error& e) {
      n.error(e.what());
      return std::string();
    }
  };
  if (auto d = root.optional("default")) a.fallback = canon(*d);
  std::vector<std::string> names;
  for (const auto& l : net.layers) names.push_back(l.name);
  if (auto layers = root.optional("layers")) {
    for (const auto& key : layers->keys()) {
      const auto node = layers->required(key);
      const int idx = net.find(key);
      if (idx < 0) {
        std::string msg = "no layer '" + key + "' in network '" + net.name + "'";
        const std::string guess = text::closest(key, names);
        if (!guess.empty()) msg += " (did you mean '" + guess + "'?)";
        node.error(msg);
        continue;
      }
      if (!net.layers[idx].is_mac()) {
        node.error("layer '" + key + "' has no multiplications (" +
                   workload::to_string(net.layers[idx].kind) + ")");
        continue;
      }
      a.layers[key] = canon(node);
    }
  }
  doc.finish();
  return a;
}

}  // namespace axpod::accel
