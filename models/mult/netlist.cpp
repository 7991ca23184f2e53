#include "mult/netlist.h"

#include <algorithm>
#include <bit>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/text.h"

namespace axpod::mult {

const char* gate_name(GateType t) {
  switch (t) {
    case GateType::kBuf:
      return "BUF";
    case GateType::kNot:
      return "NOT";
    case GateType::kAnd:
      return "AND";
    case GateType::kNand:
      return "NAND";
    case GateType::kOr:
      return "OR";
    case GateType::kNor:
      return "NOR";
    case GateType::kXor:
      return "XOR";
    case GateType::kXnor:
      return "XNOR";
    case GateType::kAndNot:
      return "ANDNOT";
    case GateType::kOrNot:
      return "ORNOT";
    case GateType::kMux:
      return "MUX";
  }
  return "?";
}

int Netlist::net(const std::string& name) {
  const auto [it, inserted] = m_net_ids.emplace(name, static_cast<int>(m_net_ids.size()));
  return it->second;
}

namespace {

std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  for (const auto& w : text::split(line, ' '))
    if (!w.empty()) out.push_back(w);
  return out;
}

bool gate_type(const std::string& cell, GateType& t) {
  static const std::map<std::string, GateType> kCells = {
      {"$_BUF_", GateType::kBuf},       {"$_NOT_", GateType::kNot},
      {"$_AND_", GateType::kAnd},       {"$_NAND_", GateType::kNand},
      {"$_OR_", GateType::kOr},         {"$_NOR_", GateType::kNor},
      {"$_XOR_", GateType::kXor},       {"$_XNOR_", GateType::kXnor},
      {"$_ANDNOT_", GateType::kAndNot}, {"$_ORNOT_", GateType::kOrNot},
      {"$_MUX_", GateType::kMux}};
  const auto it = kCells.find(cell);
  if (it == kCells.end()) return false;
  t = it->second;
  return true;
}

}  // namespace

Netlist Netlist::parse_blif(const std::string& text_in, const std::string& name) {
  Netlist nl;
  nl.m_const0 = nl.net("$false");
  nl.m_const1 = nl.net("$true");
  // Join continuation lines, drop comments.
  std::vector<std::string> lines;
  std::string pending;
  for (const std::string& raw : text::split(text_in, '\n')) {
    std::string line = text::trim(raw.substr(0, raw.find('#')));
    if (!line.empty() && line.back() == '\\') {
      pending += line.substr(0, line.size() - 1) + " ";
      continue;
    }
    line = text::trim(pending + line);
    pending.clear();
    if (!line.empty()) lines.push_back(line);
  }
  if (!text::trim(pending).empty()) lines.push_back(text::trim(pending));
  std::vector<Gate> unordered;
  std::vector<int> const_nets0, const_nets1;
  const auto fail = [&](const std::string& what) {
    throw Error("netlist '" + name + "': " + what);
  };
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto w = words(lines[i]);
    if (w.empty()) continue;
    if (w[0] == ".subckt") {
      GateType t{};
      if (w.size() < 3 || !gate_type(w[1], t)) fail("unsupported cell '" + lines[i] + "'");
      Gate g{t, -1, -1, -1, -1};
      for (std::size_t k = 2; k < w.size(); ++k) {
        const std::size_t eq = w[k].find('=');
        if (eq == std::string::npos) fail("bad pin '" + w[k] + "'");
        const std::string pin = w[k].substr(0, eq);
        const int n = nl.net(w[k].substr(eq + 1));
        if (pin == "A")
          g.in0 = n;
        else if (pin == "B")
          g.in1 = n;
        else if (pin == "S")
          g.sel = n;
        else if (pin == "Y")
          g.out = n;
        else
          fail("unknown pin '" + pin + "'");
      }
      if (g.in0 < 0 || g.out < 0) fail("cell without A or Y: '" + lines[i] + "'");
      const bool unary = t == GateType::kBuf || t == GateType::kNot;
      if (!unary && g.in1 < 0) fail("two-input cell without B: '" + lines[i] + "'");
      if (unary && g.in1 >= 0) fail("one-input cell with a B pin: '" + lines[i] + "'");
      if ((t == GateType::kMux) != (g.sel >= 0))
        fail(std::string(t == GateType::kMux ? "MUX without" : "cell other than MUX with") +
             " an S pin: '" + lines[i] + "'");
      unordered.push_back(g);
    } else if (w[0] == ".names") {
      // Constants (.names n) and single-input buffers/inverters (.names x y + "1 1"/"0 1").
      std::vector<std::string> rows;
      while (i + 1 < lines.size() && lines[i + 1][0] != '.') rows.push_back(lines[++i]);
      if (w.size() == 2) {
        const bool one = !rows.empty() && text::trim(rows[0]) == "1";
        (one ? const_nets1 : const_nets0).push_back(nl.net(w[1]));
      } else if (w.size() == 3 && rows.empty()) {  // no on-set: constant 0
        unordered.push_back(Gate{GateType::kBuf, nl.m_const0, -1, -1, nl.net(w[2])});
      } else if (w.size() == 3 && rows.size() == 1 && (rows[0] == "1 1" || rows[0] == "0 1")) {
        unordered.push_back(Gate{rows[0] == "1 1" ? GateType::kBuf : GateType::kNot, nl.net(w[1]),
                                 -1, -1, nl.net(w[2])});
      } else {
        fail("unsupported .names block '" + lines[i] + "'");
      }
    }
  }
  for (int n : const_nets0)
    if (n != nl.m_const0) unordered.push_back(Gate{GateType::kBuf, nl.m_const0, -1, -1, n});
  for (int n : const_nets1)
    if (n != nl.m_const1) unordered.push_back(Gate{GateType::kBuf, nl.m_const1, -1, -1, n});

  for (int k = 0; k < 8; ++k) {
    nl.m_inputs[k] = nl.net("a[" + std::to_string(k) + "]");
    nl.m_inputs[8 + k] = nl.net("b[" + std::to_string(k) + "]");
  }
  for (int k = 0; k < 17; ++k) {
    const auto it = nl.m_net_ids.find("p[" + std::to_string(k) + "]");
    nl.m_outputs[k] = it == nl.m_net_ids.end() ? -1 : it->second;
  }
  if (nl.m_outputs[0] < 0) fail("no output p[0]: not an axpod multiplier netlist");

  // Topological order (Kahn) over nets driven by gates.
  const std::size_t n_nets = nl.m_net_ids.size();
  std::vector<int> driver(n_nets, -1);
  for (std::size_t g = 0; g < unordered.size(); ++g) {
    if (driver[unordered[g].out] >= 0) fail("net driven twice");
    driver[unordered[g].out] = static_cast<int>(g);
  }
  for (int k = 0; k < 16; ++k)
    if (driver[nl.m_inputs[k]] >= 0)
      fail("a cell drives the input " + std::string(k < 8 ? "a" : "b") + "[" +
           std::to_string(k % 8) + "]");
  for (int c : {nl.m_const0, nl.m_const1})
    if (driver[c] >= 0) fail("a cell drives a constant net");
  // Depth-first, with an explicit stack: a chain of any length (a hostile netlist may be one
  // long chain) must not exhaust the call stack.
  std::vector<int> state(unordered.size(), 0);  // 0 new, 1 visiting, 2 done
  std::vector<std::pair<int, int>> stack;       // gate, next input pin to look at
  for (std::size_t root = 0; root < unordered.size(); ++root) {
    if (state[root] != 0) continue;
    stack.emplace_back(static_cast<int>(root), 0);
    state[root] = 1;
    while (!stack.empty()) {
      auto& [g, pin] = stack.back();
      const Gate& gate = unordered[g];
      if (pin < 3) {
        const int in = pin == 0 ? gate.in0 : pin == 1 ? gate.in1 : gate.sel;
        ++pin;
        const int d = in >= 0 ? driver[in] : -1;
        if (d < 0 || state[d] == 2) continue;
        if (state[d] == 1) fail("combinational loop");
        state[d] = 1;
        stack.emplace_back(d, 0);
        continue;
      }
      state[g] = 2;
      nl.m_gates.push_back(gate);
      stack.pop_back();
    }
  }
  return nl;
}

std::map<GateType, int> Netlist::gate_counts() const {
  std::map<GateType, int> counts;
  for (const auto& g : m_gates)
    if (g.type != GateType::kBuf) ++counts[g.type];
  return counts;
}

int Netlist::depth() const {
  std::vector<int> level(m_net_ids.size(), 0);
  int deepest = 0;
  for (const auto& g : m_gates) {
    int l = level[g.in0];
    if (g.in1 >= 0) l = std::max(l, level[g.in1]);
    if (g.sel >= 0) l = std::max(l, level[g.sel]);
    level[g.out] = l + (g.type == GateType::kBuf ? 0 : 1);
  }
  for (int o : m_outputs)
    if (o >= 0) deepest = std::max(deepest, level[o]);
  return deepest;
}

namespace {

std::uint64_t eval_gate(GateType t, std::uint64_t a, std::uint64_t b, std::uint64_t s) {
  switch (t) {
    case GateType::kBuf:
      return a;
    case GateType::kNot:
      return ~a;
    case GateType::kAnd:
      return a & b;
    case GateType::kNand:
      return ~(a & b);
    case GateType::kOr:
      return a | b;
    case GateType::kNor:
      return ~(a | b);
    case GateType::kXor:
      return a ^ b;
    case GateType::kXnor:
      return ~(a ^ b);
    case GateType::kAndNot:
      return a & ~b;
    case GateType::kOrNot:
      return a | ~b;
    case GateType::kMux:
      return (s & b) | (~s & a);
  }
  return 0;
}

}  // namespace

Netlist::Activity Netlist::simulate(const std::vector<std::uint8_t>& a,
                                    const std::vector<std::uint8_t>& b) const {
  if (a.size() != b.size()) throw Error("simulate: operand streams differ in length");
  Activity act;
  act.products.resize(a.size());
  act.toggles.assign(m_gates.size(), 0);
  std::vector<std::uint64_t> value(m_net_ids.size(), 0);
  std::vector<std::uint64_t> last(m_gates.size(), 0);  // previous word's outputs (bit 63)
  value[m_const1] = ~std::uint64_t{0};
  for (std::size_t base = 0; base < a.size(); base += 64) {
    const std::size_t n = std::min<std::size_t>(64, a.size() - base);
    const std::uint64_t valid = n == 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << n) - 1);
    for (int k = 0; k < 16; ++k) value[m_inputs[k]] = 0;
    for (std::size_t v = 0; v < n; ++v) {
      for (int k = 0; k < 8; ++k) {
        value[m_inputs[k]] |= std::uint64_t{(a[base + v] >> k) & 1u} << v;
        value[m_inputs[8 + k]] |= std::uint64_t{(b[base + v] >> k) & 1u} << v;
      }
    }
    // Vector 0 of the stream has no predecessor: its bit does not count as a toggle.
    const std::uint64_t counted = base == 0 ? (valid & ~std::uint64_t{1}) : valid;
    for (std::size_t gi = 0; gi < m_gates.size(); ++gi) {
      const Gate& g = m_gates[gi];
      const std::uint64_t y = eval_gate(g.type, value[g.in0], g.in1 >= 0 ? value[g.in1] : 0,
                                        g.sel >= 0 ? value[g.sel] : 0);
      value[g.out] = y;
      const std::uint64_t prev = (y << 1) | (last[gi] >> 63);
      act.toggles[gi] += static_cast<std::uint64_t>(std::popcount((y ^ prev) & counted));
      last[gi] = n == 64 ? y : (y << (64 - n));  // move vector n-1 to bit 63
    }
    for (std::size_t v = 0; v < n; ++v) {
      std::uint32_t p = 0;
      for (int k = 0; k < 17; ++k)
        if (m_outputs[k] >= 0)
          p |= static_cast<std::uint32_t>((value[m_outputs[k]] >> v) & 1u) << k;
      act.products[base + v] =
          (p & 0x10000u) ? static_cast<product_t>(p) - 0x20000 : static_cast<product_t>(p);
    }
  }
  return act;
}

}  // namespace axpod::mult
