#include "mult/verilog_import.h"

#include <sys/stat.h>

#include <cstring>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/fs.h"
#include "common/paths.h"
#include "common/text.h"
#include "mult/registry.h"
#include "mult/table.h"

namespace axpod::mult {

namespace {

struct Port {
  std::string name;
  bool input = false;
  int width = 0;
};

/// The ports of the top module, as Yosys elaborates them (declaration order).
std::vector<Port> read_ports(const VerilogSpec& s, std::string& top) {
  TempDir tmp;
  const std::string script = tmp.path() + "/ports.ys";
  fs::write_file_atomic(script, "read_verilog " + yosys_path(s.path) + "\n" +
                                    (s.top.empty() ? std::string("hierarchy -auto-top\n")
                                                   : "hierarchy -top " + s.top + "\n") +
                                    "proc\nwrite_json " + yosys_path(tmp.path() + "/d.json") +
                                    "\n");
  run_yosys(script, tmp.path() + "/yosys.log", s.path);
  try {
    const auto doc = nlohmann::ordered_json::parse(fs::read_file(tmp.path() + "/d.json"));
    for (const auto& [name, mod] : doc.at("modules").items()) {
      const bool is_top = s.top.empty()
                              ? mod.contains("attributes") && mod["attributes"].contains("top")
                              : name == s.top;
      if (!is_top) continue;
      top = name;
      std::vector<Port> ports;
      for (const auto& [pname, p] : mod.at("ports").items())
        ports.push_back(
            {pname, p.at("direction") == "input", static_cast<int>(p.at("bits").size())});
      return ports;
    }
  } catch (const nlohmann::ordered_json::exception& e) {
    throw Error(s.path + ": Yosys' description of the design could not be read (" +
                std::string(e.what()) + ")");
  }
  throw Error(s.path + ": Yosys found no top module" +
              (s.top.empty() ? std::string() : " named '" + s.top + "'"));
}

std::string describe(const std::vector<Port>& ports) {
  std::string out;
  for (const auto& p : ports)
    out += (out.empty() ? "" : ", ") + std::string(p.input ? "input " : "output ") + p.name + "[" +
           std::to_string(p.width) + "]";
  return out;
}

/// Resolves top and port names; checks widths.
int resolve_ports(VerilogSpec& s) {
  std::string top;
  const auto ports = read_ports(s, top);
  s.top = top;
  const auto find = [&](const std::string& n) -> const Port* {
    for (const auto& p : ports)
      if (p.name == n) return &p;
    return nullptr;
  };
  std::vector<const Port*> ins, outs;
  for (const auto& p : ports) (p.input ? ins : outs).push_back(&p);
  const auto fail = [&](const std::string& why) {
    throw Error(s.path + ": module '" + top + "' has " + describe(ports) + "; " + why +
                " (name them: verilog:" + s.path + ":top=M,a=A,b=B,out=O)");
  };
  if (s.a.empty() || s.b.empty()) {
    std::vector<const Port*> eight;
    for (const auto* p : ins)
      if (p->width == 8 && p->name != s.a && p->name != s.b) eight.push_back(p);
    if (s.a.empty() && s.b.empty() && eight.size() == 2 && ins.size() == 2) {
      s.a = eight[0]->name;
      s.b = eight[1]->name;
    } else if (s.a.empty() != s.b.empty() && eight.size() == 1) {
      (s.a.empty() ? s.a : s.b) = eight[0]->name;
    } else {
      fail("expected exactly two 8-bit inputs");
    }
  }
  if (s.out.empty()) {
    if (outs.size() != 1) fail("expected exactly one output");
    s.out = outs[0]->name;
  }
  for (const auto* name : {&s.top, &s.a, &s.b, &s.out})
    if (!verilog_identifier(*name))
      fail("'" + *name + "' is not a plain Verilog identifier (escaped names are not supported)");
  const Port* pa = find(s.a);
  const Port* pb = find(s.b);
  const Port* po = find(s.out);
  if (!pa || !pa->input || pa->width != 8) fail("'" + s.a + "' is not an 8-bit input");
  if (!pb || !pb->input || pb->width != 8) fail("'" + s.b + "' is not an 8-bit input");
  if (!po || po->input || (po->width != 16 && po->width != 17))
    fail("'" + s.out + "' is not a 16- or 17-bit output");
  for (const auto* p : ins)
    if (p != pa && p != pb) fail("input '" + p->name + "' would be left unconnected");
  return po->width;
}

std::string wrapper(const VerilogSpec& s, int out_width) {
  const std::string ext = out_width == 17 ? "o" : s.is_signed ? "{o[15], o}" : "{1'b0, o}";
  return "module axpod_verilog_wrap(input wire [7:0] a, input wire [7:0] b, output wire [16:0] "
         "p);\n"
         "  wire [" +
         std::to_string(out_width - 1) + ":0] o;\n  " + s.top + " u_dut (." + s.a + "(a), ." + s.b +
         "(b), ." + s.out + "(o));\n  assign p = " + ext + ";\nendmodule\n";
}

class NetlistTable final : public IMultiplier {
 public:
  explicit NetlistTable(std::shared_ptr<const VerilogMultiplier> v) : m_v(std::move(v)) {}
  product_t multiply(std::uint8_t a, std::uint8_t b) const override {
    return m_v->products[(static_cast<std::size_t>(a) << 8) | b];
  }

 private:
  std::shared_ptr<const VerilogMultiplier> m_v;  // the synthesized circuit
};

}  // namespace

VerilogSpec parse_verilog_name(const std::string& name) {
  if (name.rfind("verilog:", 0) != 0) throw Error("not a verilog: name: '" + name + "'");
  const std::string rest = name.substr(8);
  std::size_t end = std::string::npos;
  for (const char* ext : {".sv:", ".v:"})
    if (const auto at = rest.find(ext); at != std::string::npos)
      end = std::min(end, at + std::strlen(ext) - 1);
  VerilogSpec s;
  s.path = rest.substr(0, end);
  if (s.path.empty()) throw Error("multiplier '" + name + "': no file after 'verilog:'");
  if (!s.path.ends_with(".v") && !s.path.ends_with(".sv"))
    throw Error("multiplier '" + name + "': the file must end in .v or .sv");
  if (end != std::string::npos) {
    std::map<std::string, bool> seen;
    for (const auto& field : text::split(rest.substr(end + 1), ',')) {
      const auto eq = field.find('=');
      const std::string key = text::trim(field.substr(0, eq));
      const std::string val = eq == std::string::npos ? "" : text::trim(field.substr(eq + 1));
      if (eq == std::string::npos || val.empty())
        throw Error("multiplier '" + name + "': option '" + field + "' is not key=value");
      if (seen[key]) throw Error("multiplier '" + name + "': option '" + key + "' given twice");
      seen[key] = true;
      if (key == "signed") {
        if (val != "0" && val != "1")
          throw Error("multiplier '" + name + "': signed must be 0 or 1, got '" + val + "'");
        s.is_signed = val == "1";
        continue;
      }
      std::string* dst = key == "top"   ? &s.top
                         : key == "a"   ? &s.a
                         : key == "b"   ? &s.b
                         : key == "out" ? &s.out
                                        : nullptr;
      if (dst == nullptr)
        throw Error("multiplier '" + name + "': unknown option '" + key +
                    "' (top, a, b, out, signed)");
      if (!verilog_identifier(val))
        throw Error("multiplier '" + name + "': " + key + " must be a Verilog identifier, got '" +
                    val + "'");
      *dst = val;
    }
  }
  return s;
}

std::shared_ptr<const VerilogMultiplier> load_verilog(const std::string& name) {
  VerilogSpec s = parse_verilog_name(name);
  struct stat st {};
  if (::stat(s.path.c_str(), &st) != 0) throw Error("cannot read Verilog file '" + s.path + "'");
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const VerilogMultiplier>> cache;
  const std::string key = name + "|" + std::to_string(st.st_mtim.tv_sec) + "." +
                          std::to_string(st.st_mtim.tv_nsec) + "|" + std::to_string(st.st_size);
  std::lock_guard lock(mu);
  if (const auto it = cache.find(key); it != cache.end()) return it->second;
  const int width = resolve_ports(s);
  s.canonical = "verilog:" + s.path + ":top=" + s.top + ",a=" + s.a + ",b=" + s.b +
                ",out=" + s.out + ",signed=" + (s.is_signed ? "1" : "0");
  TempDir tmp;
  fs::write_file_atomic(tmp.path() + "/wrap.v", wrapper(s, width));
  auto syn = synthesize_files({s.path, tmp.path() + "/wrap.v"}, "axpod_verilog_wrap", {}, name,
                              shipped_gate_library());
  const auto all = exhaustive_stream();
  auto v = std::make_shared<VerilogMultiplier>(VerilogMultiplier{s, std::move(syn.netlist), {}});
  v->products = v->netlist.simulate(all.a, all.b).products;
  cache[key] = v;
  return v;
}

std::unique_ptr<IMultiplier> verilog_model(std::shared_ptr<const VerilogMultiplier> v) {
  return std::make_unique<NetlistTable>(std::move(v));
}

std::optional<Netlist> gate_netlist(const std::string& canonical, const GateLibrary& lib) {
  if (canonical.rfind("verilog:", 0) == 0) return load_verilog(canonical)->netlist;
  if (const RtlInfo* twin = Registry::instance().verilog_twin(canonical))
    return synthesize(*twin, paths::shipped("rtl/multipliers"), lib).netlist;
  return std::nullopt;
}

double verilog_energy_fj(const std::string& name) {
  const auto v = load_verilog(name);
  static std::mutex mu;
  static std::map<const VerilogMultiplier*, double> cache;  // by loaded circuit
  std::lock_guard lock(mu);
  const auto it = cache.find(v.get());
  if (it != cache.end()) return it->second;
  const double fj =
      hardware_cost(v->netlist, shipped_gate_library(), uniform_stream(20000, 1)).energy_fj;
  cache[v.get()] = fj;
  return fj;
}

}  // namespace axpod::mult
