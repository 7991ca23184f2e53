#include "workload/readers.h"

#include <cmath>
#include <set>

#include "common/error.h"
#include "common/fs.h"
#include "common/text.h"
#include "config/yaml_node.h"
#include "engine/qnet.h"

namespace axpod::workload {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

namespace {

/// Why a layer is too large to model (its products past what 64-bit counters hold with room),
/// or "". Computed in double: only the magnitude matters.
std::string size_problem(const Layer& l) {
  double m = 0, n = 0, k = 0;
  if (l.kind == LayerKind::gemm) {
    m = static_cast<double>(l.gemm_m);
    n = static_cast<double>(l.gemm_n);
    k = static_cast<double>(l.gemm_k);
  } else {
    m = static_cast<double>(l.batch) * l.out_h * l.out_w;
    n = l.out_c;
    k = static_cast<double>(l.k_h) * l.k_w * l.in_c;
  }
  const double in = static_cast<double>(l.batch) * l.in_h * l.in_w * l.in_c;
  if (m * n * k > std::ldexp(1.0, 50))
    return "layer '" + l.name + "' has more than 2^50 MACs (counters would overflow)";
  if (in > std::ldexp(1.0, 40) || k * n > std::ldexp(1.0, 40))
    return "layer '" + l.name + "' has a tensor of more than 2^40 bytes";
  return "";
}

}  // namespace

Network read_scalesim_topology(const std::string& path) {
  const std::string content = fs::read_file(path);
  Network net;
  net.name = path.substr(path.find_last_of('/') + 1);
  if (net.name.ends_with(".csv")) net.name.resize(net.name.size() - 4);
  bool header_seen = false;
  bool gemm = false;
  std::size_t line_no = 0;
  std::set<std::string> names;
  for (const std::string& raw : text::split(content, '\n')) {
    ++line_no;
    const std::string line = text::trim(raw);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    for (const auto& x : text::split_csv(line)) f.push_back(text::trim(x));
    while (!f.empty() && f.back().empty()) f.pop_back();  // SCALE-Sim rows end with a comma
    const std::string where = path + ":" + std::to_string(line_no);
    if (!header_seen) {
      header_seen = true;
      const std::string first = f.size() > 1 ? lower(f[1]) : "";
      if (first == "m") {
        gemm = true;
        if (f.size() < 4) throw Error(where + ": a GEMM header is `Layer, M, N, K,`");
        continue;
      }
      if (first.find("ifmap") != std::string::npos) continue;
      throw Error(where +
                  ": expected a SCALE-Sim header (`Layer name, IFMAP Height, ...` or "
                  "`Layer, M, N, K,`), got '" +
                  line + "'");
    }
    static const char* kConvFields[] = {"IFMAP Height", "IFMAP Width", "Filter Height",
                                        "Filter Width", "Channels",    "Num Filter",
                                        "Strides"};
    static const char* kGemmFields[] = {"M", "N", "K"};
    const std::size_t want = gemm ? 4 : 8;
    if (f.size() < want)
      throw Error(where + ": expected " + std::to_string(want) + " fields, got " +
                  std::to_string(f.size()));
    std::vector<long long> v;
    for (std::size_t i = 1; i < want; ++i) {
      long long x = 0;
      const char* field = gemm ? kGemmFields[i - 1] : kConvFields[i - 1];
      if (!text::parse_int(f[i], x) || x < 1 || x > (1LL << 30))
        throw Error(where + ": " + field + ": expected a positive integer, got '" + f[i] + "'");
      v.push_back(x);
    }
    const std::string name = f[0].empty() ? "layer" + std::to_string(net.layers.size()) : f[0];
    if (!names.insert(name).second) throw Error(where + ": layer name '" + name + "' repeats");
    if (gemm) {
      const Layer l = make_gemm(name, v[0], v[1], v[2]);
      if (const std::string why = size_problem(l); !why.empty()) throw Error(where + ": " + why);
      net.layers.push_back(l);
      continue;
    }
    const int h = static_cast<int>(v[0]), w = static_cast<int>(v[1]);
    const int fh = static_cast<int>(v[2]), fw = static_cast<int>(v[3]);
    const int c = static_cast<int>(v[4]), n = static_cast<int>(v[5]), s = static_cast<int>(v[6]);
    if (fh > h || fw > w)
      throw Error(where + ": the filter (" + std::to_string(fh) + "x" + std::to_string(fw) +
                  ") is larger than the input (" + std::to_string(h) + "x" + std::to_string(w) +
                  ")");
    Layer l;
    l.name = name;
    l.kind = LayerKind::conv;
    l.in_h = h;
    l.in_w = w;
    l.in_c = c;
    l.k_h = fh;
    l.k_w = fw;
    l.out_c = n;
    l.stride = s;
    l.out_h = scalesim_out(h, fh, s);
    l.out_w = scalesim_out(w, fw, s);
    if (const std::string why = size_problem(l); !why.empty()) throw Error(where + ": " + why);
    net.layers.push_back(l);
  }
  if (net.layers.empty()) throw Error(path + ": no layers in the topology");
  return net;
}

Network read_network_yaml(const std::string& path) {
  const auto doc = config::Document::load(path);
  const auto root = doc.root();
  Network net;
  net.name = root.required("name").as_string("network");
  const int batch =
      static_cast<int>(root.optional("batch") ? root.required("batch").as_int(1, 4096, 1) : 1);
  int h = 1, w = 1, c = 1;
  if (auto input = root.optional("input")) {
    const auto dims = input->elements();
    if (dims.size() != 3) {
      input->error("expected [height, width, channels]");
    } else {
      h = static_cast<int>(dims[0].as_int(1, 1 << 16, 1));
      w = static_cast<int>(dims[1].as_int(1, 1 << 16, 1));
      c = static_cast<int>(dims[2].as_int(1, 1 << 20, 1));
    }
  }
  std::set<std::string> names;
  for (const auto& node : root.required("layers").elements()) {
    const std::string name = node.required("name").as_string();
    if (!name.empty() && !names.insert(name).second)
      node.required("name").error("repeats an earlier layer name");
    const std::string type = node.required("type").as_string();
    const auto geti = [&](const char* key, int lo, int hi, int def) {
      return node.optional(key) ? static_cast<int>(node.required(key).as_int(lo, hi, def)) : def;
    };
    Layer l;
    if (type == "conv") {
      l = make_conv(name, h, w, c, static_cast<int>(node.required("kernel").as_int(1, 64, 1)),
                    static_cast<int>(node.required("filters").as_int(1, 1 << 20, 1)),
                    geti("stride", 1, 64, 1), geti("pad", 0, 64, 0), batch);
    } else if (type == "depthwise") {
      l = make_depthwise(name, h, w, c, static_cast<int>(node.required("kernel").as_int(1, 64, 1)),
                         geti("stride", 1, 64, 1), geti("pad", 0, 64, 0), batch);
    } else if (type == "pool") {
      l = make_pool(name, h, w, c, static_cast<int>(node.required("kernel").as_int(1, 1 << 16, 1)),
                    geti("stride", 1, 1 << 16, 1), geti("pad", 0, 64, 0), batch);
    } else if (type == "add") {
      l = make_add(name, h, w, c, batch);
    } else if (type == "fc") {
      const long long flat = static_cast<long long>(h) * w * c;
      if (flat > (1LL << 30)) {
        node.error("the fully connected layer's input has " + std::to_string(flat) +
                   " elements (at most 2^30)");
        continue;
      }
      l = make_fc(name, static_cast<int>(flat),
                  static_cast<int>(node.required("out").as_int(1, 1 << 24, 1)), batch);
    } else if (type == "gemm") {
      l = make_gemm(name, node.required("m").as_int(1, 1LL << 30, 1),
                    node.required("n").as_int(1, 1LL << 30, 1),
                    node.required("k").as_int(1, 1LL << 30, 1));
    } else {
      node.required("type").error("expected one of conv, depthwise, pool, add, fc, gemm, got \"" +
                                  type + "\"");
      continue;
    }
    if (const std::string why = size_problem(l); !why.empty()) {
      node.error(why);
      continue;
    }
    if (l.kind != LayerKind::gemm && (l.out_h < 1 || l.out_w < 1)) {
      node.error("the kernel does not fit the " + std::to_string(h) + "x" + std::to_string(w) +
                 " input");
      continue;
    }
    if (l.kind != LayerKind::gemm) {
      h = l.kind == LayerKind::fc ? 1 : l.out_h;
      w = l.kind == LayerKind::fc ? 1 : l.out_w;
      c = l.out_c;
    }
    net.layers.push_back(l);
  }
  doc.finish();
  if (net.layers.empty()) throw ConfigError({path + ": no layers"});
  return net;
}

Network load_network(const std::string& spec, int batch) {
  if (spec.ends_with(".csv")) return read_scalesim_topology(spec);
  if (spec.ends_with(".axq")) return engine::load_qnet(spec).workload(batch);
  if (spec.ends_with(".yaml") || spec.ends_with(".yml")) return read_network_yaml(spec);
  return builtin_network(spec, batch);
}

}  // namespace axpod::workload
