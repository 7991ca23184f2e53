#include "schedule.h"

#include <algorithm>
#include <optional>
#include <set>

#include "common/error.h"
#include "common/text.h"
#include "config/yaml_node.h"

namespace axpod::accel {

int Schedule::stage_of(std::size_t layer) const {
  for (std::size_t s = 0; s < stages.size(); ++s)
    if (std::binary_search(stages[s].layers.begin(), stages[s].layers.end(), layer))
      return static_cast<int>(s);
  return -1;
}

namespace {

/// A layer name's index, or an error on `at` (with a guess).
std::optional<std::size_t> layer_index(const config::Node& at, const std::string& name,
                                       const workload::Network& net) {
  const int i = net.find(name);
  if (i >= 0) return static_cast<std::size_t>(i);
  std::vector<std::string> names;
  for (const auto& l : net.layers) names.push_back(l.name);
  std::string msg = "no layer '" + name + "' in network '" + net.name + "'";
  const std::string guess = text::closest(name, names);
  if (!guess.empty()) msg += " (did you mean '" + guess + "'?)";
  at.error(msg);
  return std::nullopt;
}

/// "a..b" split in two; nullopt when the text has no "..".
std::optional<std::pair<std::string, std::string>> range_of(const std::string& s) {
  const auto dots = s.find("..");
  if (dots == std::string::npos) return std::nullopt;
  return std::make_pair(text::trim(s.substr(0, dots)), text::trim(s.substr(dots + 2)));
}

/// `one` on each element of a sequence (or on a lone value), which appends to `out`; then `out`
/// sorted, a value named twice reported on `node`.
template <typename T, typename One>
void each_sorted(const config::Node& node, const One& one, std::vector<T>& out, const char* what) {
  if (node.is_sequence())
    for (const auto& e : node.elements()) one(e);
  else
    one(node);
  std::sort(out.begin(), out.end());
  if (std::adjacent_find(out.begin(), out.end()) != out.end())
    node.error(std::string("a ") + what + " is named twice");
}

std::vector<int> read_pods(const config::Node& node, const Accelerator& acc) {
  std::vector<int> out;
  const int n = static_cast<int>(acc.pods.size());
  const auto add = [&](const config::Node& at, std::int64_t first, std::int64_t last) {
    if (first < 0 || last >= n || first > last) {
      at.error("pods " + std::to_string(first) + ".." + std::to_string(last) + ": '" + acc.name +
               "' has pods 0.." + std::to_string(n - 1));
      return;
    }
    for (std::int64_t p = first; p <= last; ++p) out.push_back(static_cast<int>(p));
  };
  const auto one = [&](const config::Node& e) {
    const std::string s = e.as_string();
    if (const auto r = range_of(s)) {
      try {
        add(e, std::stoll(r->first), std::stoll(r->second));
      } catch (const std::exception&) {
        e.error("'" + s + "' is not a pod range (write it as first..last, e.g. 0..3)");
      }
      return;
    }
    const std::int64_t p = e.as_int(0, n - 1, 0);
    add(e, p, p);
  };
  each_sorted(node, one, out, "pod");
  if (out.empty()) node.error("a stage needs at least one pod");
  return out;
}

std::vector<std::size_t> read_layers(const config::Node& node, const workload::Network& net) {
  std::vector<std::size_t> out;
  const auto one = [&](const config::Node& e) {
    const std::string s = e.as_string();
    if (const auto r = range_of(s)) {
      const auto a = layer_index(e, r->first, net), b = layer_index(e, r->second, net);
      if (!a || !b) return;
      if (*a > *b) {
        e.error("'" + s + "': '" + r->first + "' comes after '" + r->second + "' in the network");
        return;
      }
      for (std::size_t i = *a; i <= *b; ++i) out.push_back(i);
      return;
    }
    if (const auto i = layer_index(e, s, net)) out.push_back(*i);
  };
  each_sorted(node, one, out, "layer");
  return out;
}

Schedule read_schedule(const config::Document& doc, const std::string& name, const Accelerator& acc,
                       const workload::Network& net) {
  const auto root = doc.root();
  Schedule s;
  s.source = name;
  if (const auto b = root.optional("batch")) s.batch = static_cast<int>(b->as_int(1, 1 << 20, 1));
  const auto stages = root.required("stages");
  std::vector<int> pod_stage(acc.pods.size(), -1);
  std::vector<int> layer_stage(net.layers.size(), -1);
  for (const auto& st : stages.elements()) {
    Stage stage;
    const int idx = static_cast<int>(s.stages.size());
    stage.name = "stage" + std::to_string(idx);
    if (const auto n = st.optional("name")) stage.name = n->as_string(stage.name);
    const auto pods = st.required("pods");
    stage.pods = read_pods(pods, acc);
    for (int p : stage.pods) {
      if (pod_stage[static_cast<std::size_t>(p)] >= 0)
        pods.error("pod " + std::to_string(p) + " is already in stage '" +
                   s.stages[static_cast<std::size_t>(pod_stage[static_cast<std::size_t>(p)])].name +
                   "' (stages run on disjoint pods)");
      pod_stage[static_cast<std::size_t>(p)] = idx;
    }
    const auto layers = st.required("layers");
    stage.layers = read_layers(layers, net);
    for (std::size_t l : stage.layers) {
      if (layer_stage[l] >= 0)
        layers.error("layer '" + net.layers[l].name + "' is already in stage '" +
                     s.stages[static_cast<std::size_t>(layer_stage[l])].name + "'");
      layer_stage[l] = idx;
    }
    s.stages.push_back(std::move(stage));
  }
  if (s.stages.empty() && stages.is_sequence()) stages.error("a schedule needs at least one stage");
  doc.finish();
  return s;
}

}  // namespace

Schedule load_schedule(const std::string& path, const Accelerator& acc,
                       const workload::Network& net) {
  return read_schedule(config::Document::load(path), path, acc, net);
}

Schedule parse_schedule(const std::string& text, const std::string& name, const Accelerator& acc,
                        const workload::Network& net) {
  return read_schedule(config::Document::parse(text, name), name, acc, net);
}

Schedule default_schedule(const Accelerator& acc, const std::vector<std::size_t>& selected) {
  Schedule s;
  Stage all;
  all.name = "all";
  for (std::size_t p = 0; p < acc.pods.size(); ++p) all.pods.push_back(static_cast<int>(p));
  all.layers = selected;
  std::sort(all.layers.begin(), all.layers.end());
  s.stages.push_back(std::move(all));
  return s;
}

std::vector<ScheduledJob> expand_schedule(const Schedule& s, const workload::Network& net,
                                          const std::vector<std::size_t>& selected) {
  std::vector<std::string> missing;
  std::vector<int> stage(selected.size());
  for (std::size_t j = 0; j < selected.size(); ++j) {
    stage[j] = s.stage_of(selected[j]);
    if (stage[j] < 0) missing.push_back(net.layers.at(selected[j]).name);
  }
  if (!missing.empty()) {
    std::string list;
    for (std::size_t i = 0; i < missing.size() && i < 8; ++i) list += (i ? ", " : "") + missing[i];
    if (missing.size() > 8) list += ", ... (" + std::to_string(missing.size()) + " in all)";
    throw Error("schedule " + s.source + ": no stage runs layer(s) " + list +
                "; every layer of the run needs a stage");
  }
  std::vector<ScheduledJob> jobs;
  for (int b = 0; b < s.batch; ++b)
    for (std::size_t j = 0; j < selected.size(); ++j) {
      ScheduledJob job;
      job.item = b;
      job.layer = selected[j];
      job.stage = stage[j];
      job.after = j > 0 ? static_cast<int>(jobs.size()) - 1 : -1;
      jobs.push_back(job);
    }
  return jobs;
}

}  // namespace axpod::accel
