#include "accel/accelerator.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "common/error.h"
#include "common/fs.h"
#include "common/names.h"
#include "common/paths.h"
#include "common/text.h"
#include "config/yaml_node.h"
#include "mult/registry.h"

namespace axpod::accel {

namespace {
constexpr Names<Dataflow, 3> kDataflows{
    {{Dataflow::ws, "ws"}, {Dataflow::os, "os"}, {Dataflow::is, "is"}}};
constexpr Names<Topology, 3> kTopologies{
    {{Topology::butterfly, "butterfly"}, {Topology::crossbar, "crossbar"}, {Topology::bus, "bus"}}};
}  // namespace

const char* to_string(Dataflow d) {
  return name_of(kDataflows, d);
}

const char* to_string(Topology t) {
  return name_of(kTopologies, t);
}

std::int64_t Accelerator::total_pes() const {
  std::int64_t n = 0;
  for (const auto& p : pods) n += static_cast<std::int64_t>(p.rows) * p.cols;
  return n;
}

namespace {

bool parse_dataflow(const std::string& s, Dataflow& d) {
  return parse_name(kDataflows, s, d);
}

std::string resolve(const std::string& base_file, const std::string& rel) {
  if (rel.empty() || rel[0] == '/') return rel;
  const auto dir = std::filesystem::path(base_file).parent_path();
  return (dir / rel).lexically_normal().string();
}

EnergyTable read_energy(const config::Node& e, const std::string& path) {
  EnergyTable t;
  t.source = e.required("source").as_string();
  t.add32_pj = e.required("add32_pj").as_double(0, 1e3);
  t.add8_pj = e.required("add8_pj").as_double(0, 1e3);
  t.reg_write_pj = e.required("reg_write_pj").as_double(0, 1e3);
  t.pod_sram_pj_per_byte = e.required("pod_sram_pj_per_byte").as_double(0, 1e4);
  t.global_buffer_pj_per_byte = e.required("global_buffer_pj_per_byte").as_double(0, 1e4);
  t.noc_pj_per_byte_hop = e.required("noc_pj_per_byte_hop").as_double(0, 1e4);
  t.dram_pj_per_byte = e.required("dram_pj_per_byte").as_double(0, 1e6);
  t.leakage_pj_per_pe_cycle = e.required("leakage_pj_per_pe_cycle").as_double(0, 1e3);
  t.catalog = resolve(path, e.required("catalog").as_string());
  t.file = path;
  return t;
}

}  // namespace

EnergyTable default_energy_table() {
  EnergyTable t;
  t.source =
      "axpod default (the accelerator names no energy table): Horowitz, ISSCC 2014, 45 nm "
      "(REFERENCE.md section 4); register write, interconnect and leakage are unconfirmed "
      "defaults";
  t.add32_pj = 0.1;
  t.add8_pj = 0.03;
  t.reg_write_pj = 0.03;
  t.pod_sram_pj_per_byte = 1.25;      // 10 pJ per 64-bit read of an 8 KB SRAM
  t.global_buffer_pj_per_byte = 2.5;  // 20 pJ per 64-bit read of a 32 KB SRAM
  t.noc_pj_per_byte_hop = 0.5;        // unconfirmed
  t.dram_pj_per_byte = 162.5;         // 1.3 nJ per 64-bit DRAM access
  t.leakage_pj_per_pe_cycle = 0.001;  // unconfirmed
  t.catalog = paths::shipped("configs/catalog.csv");
  t.is_default = true;
  return t;
}

EnergyTable load_energy_table(const std::string& path) {
  const auto doc = config::Document::load(path);
  const auto root = doc.root();
  // Either an accelerator's `energy:` block on its own or a file with such a block.
  const auto block = root.optional("energy");
  EnergyTable t = read_energy(block ? *block : root, path);
  // Beside an `energy:` block the rest of an accelerator file may be there (not read); a bare
  // table must not hold keys that are not read (a typo would fall back silently).
  if (!block) doc.finish();
  return t;
}

Accelerator load_accelerator(const std::string& path) {
  const auto doc = config::Document::load(path);
  const auto root = doc.root();
  Accelerator a;
  a.file = path;
  a.name = root.required("name").as_string();
  a.clock_mhz = root.required("clock_mhz").as_double(1.0, 1e5, 1000);
  if (auto t = root.optional("timing")) {
    const std::string s = t->as_string();
    if (s == "double_buffered")
      a.timing = Timing::double_buffered;
    else if (s == "scalesim")
      a.timing = Timing::scalesim;
    else
      t->error("expected double_buffered or scalesim, got \"" + s + "\"");
  }
  if (auto r = root.optional("reconfigurable")) a.reconfigurable = r->as_bool(true);
  for (const auto& g : root.required("pods").elements()) {
    Pod p;
    const int count =
        g.optional("count") ? static_cast<int>(g.required("count").as_int(1, 4096, 1)) : 1;
    p.rows = static_cast<int>(g.required("rows").as_int(1, 4096, 1));
    p.cols = static_cast<int>(g.required("cols").as_int(1, 4096, 1));
    const auto df = g.required("dataflow");
    const std::string dfs = df.as_string("ws");
    if (!parse_dataflow(dfs, p.dataflow)) df.error("expected ws, os or is, got \"" + dfs + "\"");
    const auto mnode = g.required("multiplier");
    const std::string m = mnode.as_string("exact");
    try {
      p.multiplier = mult::Registry::instance().canonical(m);
    } catch (const Error& e) {
      mnode.error(e.what());
    }
    if (auto m = g.optional("model")) {
      const std::string ms = m->as_string("cpp");
      if (ms == "rtl") {
        p.model = PodModel::rtl;
        if (p.dataflow != Dataflow::ws)
          m->error("an RTL pod (the Verilated golden pod) is weight-stationary: set dataflow: ws");
      } else if (ms != "cpp") {
        m->error("expected cpp or rtl, got \"" + ms + "\"");
      }
    }
    p.ifmap_sram_kb = static_cast<int>(g.required("ifmap_sram_kb").as_int(0, 1 << 20, 0));
    p.filter_sram_kb = static_cast<int>(g.required("filter_sram_kb").as_int(0, 1 << 20, 0));
    p.ofmap_sram_kb = static_cast<int>(g.required("ofmap_sram_kb").as_int(0, 1 << 20, 0));
    for (int i = 0; i < count; ++i) a.pods.push_back(p);
  }
  if (a.pods.empty()) root.required("pods").error("at least one pod is needed");
  a.global_buffer_kb = static_cast<int>(root.required("global_buffer_kb").as_int(0, 1 << 24, 0));
  if (auto w = root.optional("weights_resident")) a.weights_resident = w->as_bool(false);
  const auto noc = root.required("interconnect");
  const auto topo = noc.required("topology");
  const std::string ts = topo.as_string("crossbar");
  if (!parse_name(kTopologies, ts, a.noc.topology))
    topo.error("expected " + name_list(kTopologies) + ", got \"" + ts + "\"");
  a.noc.bytes_per_cycle = noc.required("bytes_per_cycle").as_double(1e-3, 1e9, 64);
  a.noc.hop_latency = static_cast<int>(noc.required("hop_latency").as_int(0, 1000, 1));
  const auto dram = root.required("dram");
  a.dram.bandwidth_gbps = dram.required("bandwidth_gbps").as_double(1e-3, 1e6, 100);
  a.dram.latency_cycles = static_cast<int>(dram.required("latency_cycles").as_int(0, 1000000, 100));
  a.energy = read_energy(root.required("energy"), path);
  doc.finish();
  return a;
}

Accelerator load_scalesim_config(const std::string& path) {
  const std::string content = fs::read_file(path);
  Accelerator a;
  a.file = path;
  a.name = path.substr(path.find_last_of('/') + 1);
  a.timing = Timing::scalesim;
  a.clock_mhz = 1000;
  Pod p;
  p.multiplier = "exact:signed=1";
  bool have_h = false, have_w = false;
  // SCALE-Sim v2's keys of [architecture_presets] (those that do not change cycles are read
  // and ignored); anything else there is a typo that would silently fall back to a default.
  static const std::vector<std::string> kArchKeys = {
      "ArrayHeight", "ArrayWidth",        "IfmapSramSzkB",     "FilterSramSzkB", "OfmapSramSzkB",
      "IfmapOffset", "FilterOffset",      "OfmapOffset",       "Bandwidth",      "Dataflow",
      "MemoryBanks", "ReadRequestBuffer", "WriteRequestBuffer"};
  std::map<std::string, std::size_t> seen;  // "section\nkey" -> line
  std::string section;
  std::size_t line_no = 0;
  for (std::string raw : text::split(content, '\n')) {
    ++line_no;
    if (line_no == 1 && raw.rfind("\xEF\xBB\xBF", 0) == 0) raw = raw.substr(3);  // UTF-8 BOM
    const std::string line = text::trim(raw.substr(0, raw.find_first_of("#;")));
    if (line.empty()) continue;
    const std::string where = path + ":" + std::to_string(line_no);
    if (line.front() == '[') {
      if (line.back() != ']') throw Error(where + ": unterminated section header '" + line + "'");
      section = text::trim(line.substr(1, line.size() - 2));
      continue;
    }
    const std::size_t eq = line.find_first_of(":=");
    if (eq == std::string::npos)
      throw Error(where + ": expected `Key : value`, got '" + line + "'");
    const std::string key = text::trim(line.substr(0, eq));
    const std::string val = text::trim(line.substr(eq + 1));
    const auto [it, fresh] = seen.emplace(section + "\n" + key, line_no);
    if (!fresh)
      throw Error(where + ": " + key + " is set twice in [" + section + "] (first on line " +
                  std::to_string(it->second) + ")");
    if (section != "architecture_presets")
      continue;  // general, run_presets, ...: no effect on cycles
    if (std::find(kArchKeys.begin(), kArchKeys.end(), key) == kArchKeys.end()) {
      const std::string near = text::closest(key, kArchKeys);
      throw Error(where + ": unknown key '" + key + "' in [architecture_presets]" +
                  (near.empty() ? "" : " (did you mean '" + near + "'?)"));
    }
    const auto as_int = [&](long long lo, long long hi = 1 << 24) {
      long long v = 0;
      if (!text::parse_int(val, v) || v < lo || v > hi)
        throw Error(where + ": " + key + ": expected an integer in [" + std::to_string(lo) + ", " +
                    std::to_string(hi) + "], got '" + val + "'");
      return static_cast<int>(v);
    };
    if (key == "ArrayHeight") {
      p.rows = as_int(1, 4096);  // as an axpod YAML pod: 16M PEs at most
      have_h = true;
    } else if (key == "ArrayWidth") {
      p.cols = as_int(1, 4096);
      have_w = true;
    } else if (key == "IfmapSramSzkB") {
      p.ifmap_sram_kb = as_int(0);
    } else if (key == "FilterSramSzkB") {
      p.filter_sram_kb = as_int(0);
    } else if (key == "OfmapSramSzkB") {
      p.ofmap_sram_kb = as_int(0);
    } else if (key == "Dataflow") {
      if (!parse_dataflow(val, p.dataflow))
        throw Error(where + ": Dataflow: expected ws, os or is, got '" + val + "'");
    }
  }
  if (!have_h || !have_w)
    throw Error(path + ": [architecture_presets] needs ArrayHeight and ArrayWidth");
  a.pods.push_back(p);
  a.global_buffer_kb = p.ifmap_sram_kb + p.filter_sram_kb + p.ofmap_sram_kb;
  a.noc = Interconnect{Topology::crossbar, 1e9, 0};
  a.dram = Dram{1e9, 0};
  // A .cfg carries no energies: the documented default table (named in every output).
  a.energy = default_energy_table();
  return a;
}

std::vector<std::string> shipped_accelerators() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e :
       std::filesystem::directory_iterator(paths::shipped("configs/accelerators"), ec))
    if (e.path().extension() == ".yaml") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

Accelerator load_any_accelerator(const std::string& path, const std::string& energy_yaml) {
  Accelerator a = load_any_accelerator(path);
  if (!energy_yaml.empty()) a.energy = load_energy_table(energy_yaml);
  return a;
}

Accelerator load_any_accelerator(const std::string& path) {
  if (path.ends_with(".cfg")) return load_scalesim_config(path);
  // A bare name (no folder, no extension) that is not a file names a shipped accelerator.
  if (path.find('/') == std::string::npos && path.find('.') == std::string::npos &&
      !std::filesystem::exists(path)) {
    const auto names = shipped_accelerators();
    if (std::find(names.begin(), names.end(), path) != names.end())
      return load_accelerator(paths::shipped("configs/accelerators/" + path + ".yaml"));
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    const std::string g = text::closest(path, names);
    throw Error("--accel: no accelerator '" + path + "'" +
                (g.empty() ? "" : " (did you mean '" + g + "'?)") + "; shipped: " + list +
                "; or give an axpod YAML or a SCALE-Sim .cfg file");
  }
  return load_accelerator(path);
}

}  // namespace axpod::accel
