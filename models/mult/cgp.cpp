#include "mult/cgp.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <random>

#include "common/error.h"
#include "common/text.h"

namespace axpod::mult::cgp {

// ------------------------------------------------------------------------------ error bounds

const char* measure_name(Measure m) {
  switch (m) {
    case Measure::kWmae:
      return "wmae";
    case Measure::kMred:
      return "mred";
    case Measure::kWce:
      return "wce";
  }
  return "?";
}

double error_pct(Measure m, double error) {
  return m == Measure::kMred ? 100.0 * error : 100.0 * error / 65536.0;
}

ErrorBound parse_error_bound(const std::string& spec) {
  const auto bad = [&](const std::string& why) {
    return Error("--max-error '" + spec + "': " + why +
                 " (expected wmae:V, mred:V or wce:V, V a number or a percentage such as 0.5%)");
  };
  const std::size_t colon = spec.find(':');
  if (colon == std::string::npos) throw bad("no ':'");
  ErrorBound b;
  b.spec = spec;
  const std::string m = text::trim(spec.substr(0, colon));
  if (m == "wmae")
    b.measure = Measure::kWmae;
  else if (m == "mred")
    b.measure = Measure::kMred;
  else if (m == "wce")
    b.measure = Measure::kWce;
  else
    throw bad("unknown measure '" + m + "'");
  std::string v = text::trim(spec.substr(colon + 1));
  const bool pct = !v.empty() && v.back() == '%';
  if (pct) v.pop_back();
  double x = 0;
  if (!text::parse_double(v, x) || !std::isfinite(x)) throw bad("'" + v + "' is not a number");
  if (x < 0) throw bad("the bound is negative");
  if (pct) x = b.measure == Measure::kMred ? x / 100.0 : x / 100.0 * 65536.0;
  if (b.measure == Measure::kMred && x > 100) throw bad("a relative error above 100x");
  b.limit = x;
  return b;
}

// -------------------------------------------------------------------------------- operands

Operands uniform_operands(bool is_signed, std::size_t stream_pairs, std::uint64_t seed) {
  Operands ops;
  ops.is_signed = is_signed;
  ops.weight.assign(65536, 1.0);
  ops.stream = uniform_stream(stream_pairs, seed);
  ops.description =
      "uniform operands (every pair weighs the same); energy on " + ops.stream.description;
  return ops;
}

Operands operands_from_stream(OperandStream stream, bool is_signed) {
  Operands ops;
  ops.is_signed = is_signed;
  ops.weight.assign(65536, 0.0);
  for (std::size_t i = 0; i < stream.a.size() && i < stream.b.size(); ++i)
    ops.weight[(std::size_t{stream.a[i]} << 8) | stream.b[i]] += 1.0;
  ops.description = "operand pairs of " + stream.description + " (weights and energy)";
  ops.stream = std::move(stream);
  return ops;
}

void check_operands(const Operands& ops, const std::string& what) {
  if (ops.weight.size() != 65536)
    throw Error(what + ": " + std::to_string(ops.weight.size()) + " pair weights, expected 65,536");
  double sum = 0;
  for (double w : ops.weight) {
    if (!std::isfinite(w) || w < 0) throw Error(what + ": a pair weight is negative or not finite");
    sum += w;
  }
  if (!(sum > 0)) throw Error(what + ": no operand pair has a weight");
  if (ops.stream.a.size() != ops.stream.b.size())
    throw Error(what + ": the operand stream's two sides differ in length");
  if (ops.stream.a.size() < 2)
    throw Error(what + ": the operand stream needs at least 2 pairs (energy counts toggles)");
}

double table_error(const std::vector<product_t>& t, const Operands& ops, Measure m) {
  if (t.size() != 65536 || ops.weight.size() != 65536)
    throw Error("table_error: 65,536 products and weights expected");
  double num = 0, den = 0, worst = 0;
  for (std::uint32_t idx = 0; idx < 65536; ++idx) {
    const double w = ops.weight[idx];
    if (w <= 0) continue;
    const auto a = static_cast<std::uint8_t>(idx >> 8), b = static_cast<std::uint8_t>(idx);
    const long exact = ops.is_signed
                           ? long{static_cast<std::int8_t>(a)} * static_cast<std::int8_t>(b)
                           : long{a} * b;
    const double d = std::fabs(static_cast<double>(t[idx] - exact));
    worst = std::max(worst, d);
    if (m == Measure::kMred) {
      if (exact == 0) continue;
      num += w * d / static_cast<double>(std::labs(exact));
    } else {
      num += w * d;
    }
    den += w;
  }
  if (m == Measure::kWce) return worst;
  return den > 0 ? num / den : 0.0;
}

// ---------------------------------------------------------------------------------- genomes

int arity(GateType fn) {
  switch (fn) {
    case GateType::kBuf:
    case GateType::kNot:
      return 1;
    case GateType::kMux:
      return 3;
    default:
      return 2;
  }
}

std::vector<GateType> library_functions(const GateLibrary& lib) {
  std::vector<GateType> fns;
  for (const auto& [t, area] : lib.area_ge)
    if (t != GateType::kBuf) fns.push_back(t);
  if (fns.empty()) throw Error("the gate library has no gates");
  return fns;
}

void check_genome(const Genome& g) {
  const auto n = static_cast<std::int32_t>(g.nodes.size());
  for (std::int32_t i = 0; i < n; ++i) {
    const Node& node = g.nodes[i];
    if (node.fn == GateType::kBuf || static_cast<int>(node.fn) < 0 ||
        static_cast<int>(node.fn) > static_cast<int>(GateType::kMux))
      throw Error("genome: node " + std::to_string(i) + " has no gate function");
    for (int k = 0; k < 3; ++k)
      if (node.in[k] < 0 || node.in[k] >= kInputs + i)
        throw Error("genome: node " + std::to_string(i) + " reads signal " +
                    std::to_string(node.in[k]) + ", not an earlier one");
  }
  for (int k = 0; k < kOutputs; ++k)
    if (g.out[k] < 0 || g.out[k] >= kInputs + n)
      throw Error("genome: output p[" + std::to_string(k) + "] reads no signal");
}

Genome from_netlist(const Netlist& netlist, int extra_nodes, const std::vector<GateType>& fns,
                    std::uint64_t seed) {
  if (extra_nodes < 0) throw Error("from_netlist: negative extra nodes");
  if (fns.empty()) throw Error("from_netlist: no gate functions");
  std::vector<std::int32_t> sig(netlist.net_count(), 16);  // undriven nets read as 0
  for (int k = 0; k < 16; ++k) sig[netlist.input_net(k)] = k;
  sig[netlist.const_net(false)] = 16;
  sig[netlist.const_net(true)] = 17;
  Genome g;
  for (const Gate& gate : netlist.gates()) {
    if (gate.type == GateType::kBuf) {
      sig[gate.out] = sig[gate.in0];
      continue;
    }
    Node n;
    n.fn = gate.type;
    n.in[0] = sig[gate.in0];
    n.in[1] = gate.in1 >= 0 ? sig[gate.in1] : n.in[0];
    n.in[2] = gate.sel >= 0 ? sig[gate.sel] : n.in[0];
    sig[gate.out] = kInputs + static_cast<std::int32_t>(g.nodes.size());
    g.nodes.push_back(n);
  }
  for (int k = 0; k < kOutputs; ++k) {
    const int net = netlist.output_net(k);
    g.out[k] = net < 0 ? 16 : sig[net];
  }
  std::mt19937_64 rng(seed);
  for (int e = 0; e < extra_nodes; ++e) {
    const auto here = kInputs + static_cast<std::int32_t>(g.nodes.size());
    Node n;
    n.fn = fns[rng() % fns.size()];
    for (auto& in : n.in) in = static_cast<std::int32_t>(rng() % static_cast<std::uint64_t>(here));
    g.nodes.push_back(n);
  }
  check_genome(g);
  return g;
}

Genome array_multiplier_genome() {
  Genome g;
  const auto add = [&](GateType f, std::int32_t x, std::int32_t y) {
    g.nodes.push_back(Node{f, {x, y, x}});
    return kInputs + static_cast<std::int32_t>(g.nodes.size()) - 1;
  };
  constexpr std::int32_t kZero = 16;
  std::vector<std::int32_t> acc(16, kZero);
  for (int j = 0; j < 8; ++j) acc[j] = add(GateType::kAnd, 0, 8 + j);
  for (int i = 1; i < 8; ++i) {
    std::int32_t carry = kZero;
    for (int pos = i; pos < i + 8; ++pos) {
      const std::int32_t x = acc[pos], y = add(GateType::kAnd, i, 8 + pos - i);
      const std::int32_t h = add(GateType::kXor, x, y);
      acc[pos] = add(GateType::kXor, h, carry);
      carry = add(GateType::kOr, add(GateType::kAnd, x, y), add(GateType::kAnd, carry, h));
    }
    acc[i + 8] = carry;
  }
  for (int k = 0; k < 16; ++k) g.out[k] = acc[k];
  g.out[16] = kZero;
  return g;
}

std::vector<char> active_nodes(const Genome& g) {
  std::vector<char> active(g.nodes.size(), 0);
  for (auto s : g.out)
    if (s >= kInputs) active[s - kInputs] = 1;
  for (std::size_t i = g.nodes.size(); i-- > 0;) {
    if (!active[i]) continue;
    const Node& n = g.nodes[i];
    for (int k = 0; k < arity(n.fn); ++k)
      if (n.in[k] >= kInputs) active[n.in[k] - kInputs] = 1;
  }
  return active;
}

namespace {

std::string blif_signal(std::int32_t s) {
  if (s < 8) return fmt::format("a[{}]", s);
  if (s < 16) return fmt::format("b[{}]", s - 8);
  if (s == 16) return "$false";
  if (s == 17) return "$true";
  return fmt::format("n{}", s);
}

std::string verilog_signal(std::int32_t s) {
  if (s < 8) return fmt::format("a[{}]", s);
  if (s < 16) return fmt::format("b[{}]", s - 8);
  if (s == 16) return "1'b0";
  if (s == 17) return "1'b1";
  return fmt::format("n{}", s);
}

std::string verilog_expr(const Node& n) {
  const std::string a = verilog_signal(n.in[0]), b = verilog_signal(n.in[1]);
  switch (n.fn) {
    case GateType::kBuf:
      return a;
    case GateType::kNot:
      return "~" + a;
    case GateType::kAnd:
      return a + " & " + b;
    case GateType::kNand:
      return "~(" + a + " & " + b + ")";
    case GateType::kOr:
      return a + " | " + b;
    case GateType::kNor:
      return "~(" + a + " | " + b + ")";
    case GateType::kXor:
      return a + " ^ " + b;
    case GateType::kXnor:
      return "~(" + a + " ^ " + b + ")";
    case GateType::kAndNot:
      return a + " & ~" + b;
    case GateType::kOrNot:
      return a + " | ~" + b;
    case GateType::kMux:
      return verilog_signal(n.in[2]) + " ? " + b + " : " + a;
  }
  return a;
}

}  // namespace

std::string to_blif(const Genome& g, const std::string& model) {
  check_genome(g);
  const auto active = active_nodes(g);
  std::string s = ".model " + model + "\n.inputs";
  for (int k = 0; k < 16; ++k) s += fmt::format(" {}", blif_signal(k));
  s += "\n.outputs";
  for (int k = 0; k < kOutputs; ++k) s += fmt::format(" p[{}]", k);
  s += "\n.names $false\n.names $true\n1\n";
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    if (!active[i]) continue;
    const Node& n = g.nodes[i];
    s += fmt::format(".subckt $_{}_ A={}", gate_name(n.fn), blif_signal(n.in[0]));
    if (arity(n.fn) >= 2) s += fmt::format(" B={}", blif_signal(n.in[1]));
    if (arity(n.fn) == 3) s += fmt::format(" S={}", blif_signal(n.in[2]));
    s += fmt::format(" Y={}\n", blif_signal(kInputs + static_cast<std::int32_t>(i)));
  }
  for (int k = 0; k < kOutputs; ++k)
    s += fmt::format(".names {} p[{}]\n1 1\n", blif_signal(g.out[k]), k);
  return s + ".end\n";
}

Netlist to_netlist(const Genome& g, const std::string& name) {
  return Netlist::parse_blif(to_blif(g, name), name);
}

std::string to_verilog(const Genome& g, const std::string& module, const std::string& comment) {
  check_genome(g);
  if (!verilog_identifier(module)) throw Error("'" + module + "' is not a Verilog module name");
  const auto active = active_nodes(g);
  std::string s;
  for (const auto& line : text::split(comment, '\n')) s += "// " + line + "\n";
  s += "module " + module +
       " (\n    input wire [7:0] a,\n    input wire [7:0] b,\n    output wire [16:0] p\n);\n";
  for (std::size_t i = 0; i < g.nodes.size(); ++i)
    if (active[i]) s += fmt::format("  wire n{};\n", kInputs + i);
  for (std::size_t i = 0; i < g.nodes.size(); ++i)
    if (active[i]) s += fmt::format("  assign n{} = {};\n", kInputs + i, verilog_expr(g.nodes[i]));
  for (int k = 0; k < kOutputs; ++k)
    s += fmt::format("  assign p[{}] = {};\n", k, verilog_signal(g.out[k]));
  return s + "endmodule\n";
}

// ------------------------------------------------------------------------- hot loops (SIMD)

namespace {

#if defined(__x86_64__) && defined(__GNUC__)
#define AXPOD_CLONES __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#else
#define AXPOD_CLONES
#endif

using u64 = std::uint64_t;

AXPOD_CLONES void gate_words(GateType fn, const u64* __restrict a, const u64* __restrict b,
                             const u64* __restrict s, u64* __restrict y, std::size_t n) {
  switch (fn) {
    case GateType::kBuf:
      for (std::size_t i = 0; i < n; ++i) y[i] = a[i];
      break;
    case GateType::kNot:
      for (std::size_t i = 0; i < n; ++i) y[i] = ~a[i];
      break;
    case GateType::kAnd:
      for (std::size_t i = 0; i < n; ++i) y[i] = a[i] & b[i];
      break;
    case GateType::kNand:
      for (std::size_t i = 0; i < n; ++i) y[i] = ~(a[i] & b[i]);
      break;
    case GateType::kOr:
      for (std::size_t i = 0; i < n; ++i) y[i] = a[i] | b[i];
      break;
    case GateType::kNor:
      for (std::size_t i = 0; i < n; ++i) y[i] = ~(a[i] | b[i]);
      break;
    case GateType::kXor:
      for (std::size_t i = 0; i < n; ++i) y[i] = a[i] ^ b[i];
      break;
    case GateType::kXnor:
      for (std::size_t i = 0; i < n; ++i) y[i] = ~(a[i] ^ b[i]);
      break;
    case GateType::kAndNot:
      for (std::size_t i = 0; i < n; ++i) y[i] = a[i] & ~b[i];
      break;
    case GateType::kOrNot:
      for (std::size_t i = 0; i < n; ++i) y[i] = a[i] | ~b[i];
      break;
    case GateType::kMux:
      for (std::size_t i = 0; i < n; ++i) y[i] = (s[i] & b[i]) | (~s[i] & a[i]);
      break;
  }
}

/// Output changes between consecutive pairs of a stream row (the first pair does not count).
AXPOD_CLONES u64 toggle_count(const u64* __restrict y, std::size_t n, u64 last_valid) {
  if (n == 0) return 0;
  u64 t = 0;
  t += static_cast<u64>(
      std::popcount((y[0] ^ (y[0] << 1)) & ~u64{1} & (n == 1 ? last_valid : ~u64{0})));
  for (std::size_t i = 1; i < n; ++i) {
    const u64 prev = (y[i] << 1) | (y[i - 1] >> 63);
    const u64 mask = i + 1 == n ? last_valid : ~u64{0};
    t += static_cast<u64>(std::popcount((y[i] ^ prev) & mask));
  }
  return t;
}

/// |approx - exact| of the 64 pairs of one word, one value per lane.
AXPOD_CLONES void abs_error_lanes(const u64* approx, const u64* exact,
                                  std::uint32_t* __restrict v) {
  u64 diff[18];
  u64 borrow = 0;
  for (int k = 0; k < 18; ++k) {
    const u64 p = approx[k < 17 ? k : 16], e = exact[k];
    diff[k] = p ^ e ^ borrow;
    borrow = (~p & e) | (~(p ^ e) & borrow);
  }
  const u64 sign = diff[17];
  u64 carry = sign;
  for (int l = 0; l < 64; ++l) v[l] = 0;
  for (int k = 0; k < 17; ++k) {
    const u64 x = diff[k] ^ sign;
    const u64 r = x ^ carry;
    carry = x & carry;
    if (r == 0) continue;
    const auto lo = static_cast<std::uint32_t>(r), hi = static_cast<std::uint32_t>(r >> 32);
    for (int l = 0; l < 32; ++l) v[l] |= ((lo >> l) & 1u) << k;
    for (int l = 0; l < 32; ++l) v[32 + l] |= ((hi >> l) & 1u) << k;
  }
}

AXPOD_CLONES void weighted_add(const std::uint32_t* __restrict v, const float* __restrict w,
                               float* __restrict acc) {
  for (int l = 0; l < 64; ++l) acc[l] += w[l] * static_cast<float>(v[l]);
}

void lane_max(const std::uint32_t* v, u64 valid, std::uint32_t& mx) {
  for (int l = 0; l < 64; ++l)
    if ((valid >> l) & 1u) mx = std::max(mx, v[l]);
}

}  // namespace

// -------------------------------------------------------------------------------- evaluator

Evaluator::Evaluator(const Operands& ops, const GateLibrary& lib, ErrorBound bound)
    : m_lib(lib), m_bound(std::move(bound)) {
  check_operands(ops, "operands");
  for (const auto& [t, a] : lib.area_ge) m_area[static_cast<int>(t)] = a;
  // Pairs that count for the error (mred ignores exact products of 0).
  std::vector<std::uint32_t> pairs;
  std::vector<double> w;
  const auto exact_of = [&](std::uint32_t idx) {
    const auto a = static_cast<std::uint8_t>(idx >> 8), b = static_cast<std::uint8_t>(idx);
    return ops.is_signed ? std::int32_t{static_cast<std::int8_t>(a)} * static_cast<std::int8_t>(b)
                         : std::int32_t{a} * b;
  };
  double sum = 0;
  for (std::uint32_t idx = 0; idx < 65536; ++idx) {
    double x = ops.weight[idx];
    if (x <= 0) continue;
    if (m_bound.measure == Measure::kMred) {
      const std::int32_t e = exact_of(idx);
      if (e == 0) continue;
      sum += x;
      x /= std::abs(e);
    } else {
      sum += x;
    }
    pairs.push_back(idx);
    w.push_back(x);
  }
  if (pairs.empty()) throw Error("operands: no pair with a nonzero exact product for mred");
  m_error_pairs = pairs.size();
  m_error_words = (m_error_pairs + 63) / 64;
  m_stream_pairs = ops.stream.a.size();
  m_stream_words = (m_stream_pairs + 63) / 64;
  const std::size_t st = stride();
  m_inputs.assign(kInputs * st, 0);
  m_exact.assign(18 * m_error_words, 0);
  m_weight.assign(m_error_words * 64, 0.0f);
  m_valid.assign(m_error_words, 0);
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const std::size_t word = i / 64, lane = i % 64;
    const u64 bit = u64{1} << lane;
    const std::uint32_t idx = pairs[i];
    for (int k = 0; k < 8; ++k) {
      if ((idx >> (8 + k)) & 1u) m_inputs[k * st + word] |= bit;
      if ((idx >> k) & 1u) m_inputs[(8 + k) * st + word] |= bit;
    }
    const auto e = static_cast<std::uint32_t>(exact_of(idx));
    for (int k = 0; k < 18; ++k)
      if ((e >> k) & 1u) m_exact[k * m_error_words + word] |= bit;
    m_weight[i] = m_bound.measure == Measure::kWce ? 1.0f : static_cast<float>(w[i] / sum);
    m_valid[word] |= bit;
  }
  for (std::size_t i = 0; i < m_stream_pairs; ++i) {
    const std::size_t word = m_error_words + i / 64;
    const u64 bit = u64{1} << (i % 64);
    for (int k = 0; k < 8; ++k) {
      if ((ops.stream.a[i] >> k) & 1u) m_inputs[k * st + word] |= bit;
      if ((ops.stream.b[i] >> k) & 1u) m_inputs[(8 + k) * st + word] |= bit;
    }
  }
  for (std::size_t w2 = 0; w2 < st; ++w2) m_inputs[17 * st + w2] = ~u64{0};
  const std::size_t tail = m_stream_pairs % 64;
  m_stream_last = tail == 0 ? ~u64{0} : (u64{1} << tail) - 1;
}

// ------------------------------------------------------------------------------- the search

/// The parent's simulation and the incremental evaluation of offspring.
class Search {
 public:
  /// Simulates `seed` completely; `searching` also prepares the offspring buffers (without it
  /// only the seed's fitness is wanted).
  Search(const Evaluator& ev, Genome seed, bool searching) : m_ev(ev), m_st(ev.stride()) {
    const std::size_t n = seed.nodes.size();
    m_parent.genome = std::move(seed);
    m_valid.assign(n, 0);
    m_tog.assign(n, 0);
    // Rows are written before they are read: no need to clear them.
    if (searching) m_rows = std::make_unique_for_overwrite<u64[]>(n * m_st);
    for (auto* c : {&m_cur, &m_best}) {
      if (c == &m_best && !searching) break;
      c->rows = std::make_unique_for_overwrite<u64[]>(n * m_st);
      c->tog.assign(n, 0);
      c->changed.assign(n, 0);
      c->dirty.assign(n, 0);
      c->needed.assign(n, 0);
    }
    // The seed: every active node computed.
    m_cur.genome = m_parent.genome;
    std::fill(m_cur.changed.begin(), m_cur.changed.end(), 1);
    evaluate_child(m_cur, std::numeric_limits<double>::infinity(), true);
    if (searching)
      commit(m_cur);
    else
      m_parent.fit = m_cur.fit;
  }

  const Fitness& parent_fitness() const { return m_parent.fit; }
  const Genome& parent() const { return m_parent.genome; }

  struct Child {
    Genome genome;
    std::vector<char> active, changed, dirty, needed;
    std::unique_ptr<u64[]> rows;  // per node: value on the error pairs, then on the stream
    std::vector<u64> tog;
    bool error_done = false;
    Fitness fit;
  };

  /// Mutates the parent into `c`: 1..max genes, until at least one used gene changed.
  void mutate(Child& c, std::mt19937_64& rng, const std::vector<GateType>& fns, int max_mut) {
    c.genome = m_parent.genome;
    std::fill(c.changed.begin(), c.changed.end(), 0);
    const auto n = static_cast<std::int64_t>(c.genome.nodes.size());
    const std::uint64_t genes = static_cast<std::uint64_t>(4 * n + kOutputs);
    const int want = 1 + static_cast<int>(rng() % static_cast<std::uint64_t>(max_mut));
    bool used_changed = false;
    for (int m = 0; (m < want || !used_changed) && m < 10000; ++m) {
      const auto gene = static_cast<std::int64_t>(rng() % genes);
      if (gene >= 4 * n) {
        const auto k = static_cast<int>(gene - 4 * n);
        const auto v = static_cast<std::int32_t>(rng() % static_cast<std::uint64_t>(kInputs + n));
        if (v == c.genome.out[k]) continue;
        c.genome.out[k] = v;
        used_changed = true;
        continue;
      }
      const auto i = static_cast<std::size_t>(gene / 4);
      const int slot = static_cast<int>(gene % 4);
      Node& node = c.genome.nodes[i];
      if (slot == 0) {
        const GateType f = fns[rng() % fns.size()];
        if (f == node.fn) continue;
        node.fn = f;
      } else {
        const auto v = static_cast<std::int32_t>(rng() % static_cast<std::uint64_t>(kInputs + i));
        if (v == node.in[slot - 1]) continue;
        node.in[slot - 1] = v;
        if (!m_parent.active[i] || slot > arity(node.fn)) {
          c.changed[i] = 1;
          continue;
        }
      }
      c.changed[i] = 1;
      if (m_parent.active[i]) used_changed = true;
    }
  }

  /// Energy, then (when it could beat `energy_cap`) error; `always_error` forces the error.
  void evaluate_child(Child& c, double energy_cap, bool always_error) {
    c.active = active_nodes(c.genome);
    const std::size_t n = c.genome.nodes.size();
    const std::size_t E = m_ev.m_error_words, S = m_ev.m_stream_words;
    double ge_toggles = 0, area = 0;
    int gates = 0;
    for (std::size_t i = 0; i < n; ++i) {
      c.dirty[i] = c.needed[i] = 0;
      const Node& node = c.genome.nodes[i];
      bool dirty = c.changed[i];
      for (int k = 0; k < arity(node.fn) && !dirty; ++k)
        if (node.in[k] >= kInputs && c.dirty[node.in[k] - kInputs]) dirty = true;
      c.dirty[i] = dirty;
      if (!c.active[i]) continue;
      const double a = m_ev.m_area[static_cast<int>(node.fn)];
      area += a;
      ++gates;
      if (dirty || !m_valid[i]) {
        c.needed[i] = 1;
        u64* y = &c.rows[i * m_st];
        gate_words(node.fn, input(c, node, 0, E), input(c, node, 1, E), input(c, node, 2, E), y + E,
                   S);
        c.tog[i] = toggle_count(y + E, S, m_ev.m_stream_last);
      } else {
        c.tog[i] = m_tog[i];
      }
      ge_toggles += a * static_cast<double>(c.tog[i]);
    }
    c.fit = Fitness{};
    c.fit.energy_fj = ge_toggles * m_ev.m_lib.energy_per_ge_toggle_fj /
                      static_cast<double>(m_ev.m_stream_pairs - 1);
    c.fit.area_ge = area;
    c.fit.gates = gates;
    c.error_done = false;
    if (!always_error && c.fit.energy_fj > energy_cap) return;
    for (std::size_t i = 0; i < n; ++i) {
      if (!c.needed[i]) continue;
      const Node& node = c.genome.nodes[i];
      gate_words(node.fn, input(c, node, 0, 0), input(c, node, 1, 0), input(c, node, 2, 0),
                 &c.rows[i * m_st], E);
    }
    compute_error(c);
    c.error_done = true;
  }

  /// The child becomes the parent.
  void commit(Child& c) {
    const std::size_t n = c.genome.nodes.size();
    for (std::size_t i = 0; i < n; ++i) {
      if (c.needed[i]) {
        std::copy_n(&c.rows[i * m_st], m_st, &m_rows[i * m_st]);
        m_tog[i] = c.tog[i];
        m_valid[i] = 1;
      } else if (c.dirty[i]) {
        m_valid[i] = 0;  // inactive and changed: its row is stale
      }
    }
    m_parent.genome = c.genome;
    m_parent.active = c.active;
    m_parent.fit = c.fit;
  }

  Child m_cur, m_best;

 private:
  // Input k of a gate from word `offset` of its row; null for an input the gate does not use
  // (its gene may name a node that has no row).
  const u64* input(const Child& c, const Node& node, int k, std::size_t offset) const {
    return k < arity(node.fn) ? row(c, node.in[k]) + offset : nullptr;
  }

  const u64* row(const Child& c, std::int32_t s) const {
    if (s < kInputs) return &m_ev.m_inputs[static_cast<std::size_t>(s) * m_st];
    const auto i = static_cast<std::size_t>(s - kInputs);
    return c.needed[i] ? &c.rows[i * m_st] : &m_rows[i * m_st];
  }

  void compute_error(Child& c) {
    const std::size_t E = m_ev.m_error_words;
    const u64* out[kOutputs];
    for (int k = 0; k < kOutputs; ++k) out[k] = row(c, c.genome.out[k]);
    const double limit = m_ev.m_bound.limit;
    alignas(64) std::uint32_t v[64];
    alignas(64) float acc[64] = {};
    std::uint32_t mx = 0;
    u64 ap[17], ex[18];
    bool over = false;
    for (std::size_t w = 0; w < E && !over; ++w) {
      for (int k = 0; k < 17; ++k) ap[k] = out[k][w];
      for (int k = 0; k < 18; ++k) ex[k] = m_ev.m_exact[k * E + w];
      abs_error_lanes(ap, ex, v);
      if (m_ev.m_bound.measure == Measure::kWce) {
        lane_max(v, m_ev.m_valid[w], mx);
        over = mx > limit;
      } else {
        weighted_add(v, &m_ev.m_weight[w * 64], acc);
        if ((w & 31) == 31) {  // partial sums only grow: stop once over the bound
          double s = 0;
          for (float x : acc) s += x;
          over = s > limit;
        }
      }
    }
    double err = mx;
    if (m_ev.m_bound.measure != Measure::kWce) {
      err = 0;
      for (float x : acc) err += x;
    }
    c.fit.error = err;
    c.fit.feasible = !over && err <= limit;
  }

  struct Parent {
    Genome genome;
    std::vector<char> active;
    Fitness fit;
  };

  const Evaluator& m_ev;
  std::size_t m_st;  // words per row
  Parent m_parent;
  std::unique_ptr<u64[]> m_rows;  // per node: its value on the error pairs, then on the stream
  std::vector<char> m_valid;
  std::vector<u64> m_tog;
};

Fitness Evaluator::evaluate(const Genome& g) const {
  check_genome(g);
  const Search s(*this, g, false);
  return s.parent_fitness();
}

Result evolve(const Genome& seed, const Evaluator& ev, const Options& opt) {
  if (opt.lambda < 1) throw Error("evolve: lambda must be at least 1");
  if (opt.max_mutations < 1) throw Error("evolve: at least one mutation per offspring");
  if (opt.generations <= 0 && opt.seconds <= 0)
    throw Error("evolve: give a generation count or a time limit");
  check_genome(seed);
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  Search search(ev, seed, true);
  Result r;
  r.seed_fitness = search.parent_fitness();
  if (!r.seed_fitness.feasible)
    throw Error("the seed multiplier already exceeds the error bound (" +
                std::string(measure_name(ev.bound().measure)) + " " +
                std::to_string(error_pct(ev.bound().measure, r.seed_fitness.error)) + "% > " +
                std::to_string(error_pct(ev.bound().measure, ev.bound().limit)) + "%)");
  const std::vector<GateType> fns = library_functions(ev.library());
  std::mt19937_64 rng(opt.seed);
  const int bins = std::max(1, opt.front_bins);
  std::vector<std::optional<FrontPoint>> front(static_cast<std::size_t>(bins));
  const auto archive = [&](const Fitness& f, const Genome& g) {
    const double limit = ev.bound().limit;
    const int b = limit > 0 ? std::clamp(static_cast<int>(f.error / limit * bins), 0, bins - 1) : 0;
    auto& slot = front[static_cast<std::size_t>(b)];
    if (!slot || f.energy_fj < slot->fitness.energy_fj) slot = FrontPoint{f, g};
  };
  archive(r.seed_fitness, seed);
  r.history.push_back(Step{0, 0, 0, r.seed_fitness});
  double last_progress = 0;
  long gen = 0;
  while (true) {
    if (opt.generations > 0 && gen >= opt.generations) break;
    if (opt.seconds > 0 && (gen & 7) == 0 && elapsed() >= opt.seconds) break;
    ++gen;
    const double parent_energy = search.parent_fitness().energy_fj;
    bool have_best = false;
    for (int k = 0; k < opt.lambda; ++k) {
      auto& c = search.m_cur;
      search.mutate(c, rng, fns, opt.max_mutations);
      // Only a child that could become the next parent has its error computed: no dearer than
      // the parent (equal energy drifts), strictly cheaper than the best child so far.
      const double cap =
          have_best ? std::nextafter(search.m_best.fit.energy_fj, 0.0) : parent_energy;
      search.evaluate_child(c, cap, false);
      ++r.evaluations;
      if (!c.error_done) continue;
      ++r.error_evaluations;
      if (!c.fit.feasible) continue;
      archive(c.fit, c.genome);
      if (have_best && c.fit.energy_fj >= search.m_best.fit.energy_fj) continue;
      std::swap(search.m_cur, search.m_best);
      have_best = true;
    }
    if (have_best) {
      const bool better = search.m_best.fit.energy_fj < parent_energy;
      search.commit(search.m_best);
      if (better) r.history.push_back(Step{gen, r.evaluations, elapsed(), search.parent_fitness()});
    }
    if (opt.progress && (gen & 63) == 0) {
      const double t = elapsed();
      if (t - last_progress >= 0.5) {
        last_progress = t;
        opt.progress(gen, r.evaluations, t, search.parent_fitness());
      }
    }
  }
  r.generations = gen;
  r.seconds = elapsed();
  r.best = search.parent();
  r.best_fitness = search.parent_fitness();
  r.history.push_back(Step{gen, r.evaluations, r.seconds, r.best_fitness});
  if (opt.progress) opt.progress(gen, r.evaluations, r.seconds, r.best_fitness);
  double cheapest = std::numeric_limits<double>::infinity();
  for (auto& slot : front)
    if (slot && slot->fitness.energy_fj < cheapest) {
      cheapest = slot->fitness.energy_fj;
      r.front.push_back(std::move(*slot));
    }
  return r;
}

Result evolve_front(const Genome& seed, const Operands& ops, const GateLibrary& lib,
                    const ErrorBound& bound, const Options& opt, int points) {
  if (points < 0 || points > 30) throw Error("evolve: front points must be in 0..30");
  // Stages under bounds the seed already exceeds are left out (an approximate seed).
  const double seed_error = Evaluator(ops, lib, bound).evaluate(seed).error;
  int first = 0;
  while (first < points && std::ldexp(bound.limit, first - points) < seed_error) ++first;
  const int stages = points + 1 - first;
  Options o = opt;
  o.generations = opt.generations > 0 ? std::max<long>(1, opt.generations / stages) : 0;
  o.seconds = opt.seconds / stages;
  Result all;
  Genome start = seed;
  std::vector<FrontPoint> front;
  for (int s = 0; s < stages; ++s) {
    ErrorBound b = bound;
    b.limit = std::ldexp(bound.limit, first + s - points);
    const Evaluator ev(ops, lib, b);
    o.seed = opt.seed + static_cast<std::uint64_t>(s);
    const long gen0 = all.generations, eval0 = all.evaluations;
    const double sec0 = all.seconds;
    if (opt.progress)
      o.progress = [&](long g, long e, double t, const Fitness& f) {
        opt.progress(gen0 + g, eval0 + e, sec0 + t, f);
      };
    Result r = evolve(start, ev, o);
    if (s == 0) {
      all.seed_fitness = r.seed_fitness;
      all.history.push_back(r.history.front());
    }
    for (std::size_t i = 1; i < r.history.size(); ++i) {
      Step st = r.history[i];
      st.generation += gen0;
      st.evaluations += eval0;
      st.seconds += sec0;
      all.history.push_back(st);
    }
    all.generations += r.generations;
    all.evaluations += r.evaluations;
    all.error_evaluations += r.error_evaluations;
    all.seconds += r.seconds;
    front.insert(front.end(), std::make_move_iterator(r.front.begin()),
                 std::make_move_iterator(r.front.end()));
    start = r.best;
    all.best = std::move(r.best);
    all.best_fitness = r.best_fitness;
  }
  // Non-dominated over every stage's front, error ascending (ties: the cheaper first).
  std::stable_sort(front.begin(), front.end(), [](const FrontPoint& a, const FrontPoint& b) {
    return a.fitness.error != b.fitness.error ? a.fitness.error < b.fitness.error
                                              : a.fitness.energy_fj < b.fitness.energy_fj;
  });
  double cheapest = std::numeric_limits<double>::infinity();
  for (auto& p : front)
    if (p.fitness.energy_fj < cheapest) {
      cheapest = p.fitness.energy_fj;
      all.front.push_back(std::move(p));
    }
  return all;
}

}  // namespace axpod::mult::cgp
