// Cartesian Genetic Programming (CGP) of 8x8 multiplier netlists for a given operand
// distribution (the "data-aware" approximation of Mrazek et al., ICCAD 2016).
//
// A genome is a row of gates from the gate library (levels-back unlimited), seeded from a
// multiplier's Yosys netlist. A (1 + lambda) strategy with point mutations (at least one gene
// that the circuit uses changes) minimises switching energy (toggles on the operand stream x
// gate area, the characterization's model) under an error bound weighted by the operand-pair
// histogram. Candidates are simulated bit-parallel, 64 operand pairs per machine word, and only
// the gates downstream of a mutation are re-simulated; the error of a child is computed only
// when its energy could make it the next parent.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "mult/characterize.h"
#include "mult/netlist.h"

namespace axpod::mult::cgp {

/// Which weighted error an evolved multiplier is held to.
enum class Measure {
  kWmae,  // weighted mean |approx - exact|
  kMred,  // weighted mean |approx - exact| / |exact| over pairs with exact != 0
  kWce,   // worst |approx - exact| over the pairs that occur
};

struct ErrorBound {
  Measure measure = Measure::kWmae;
  double limit = 0;  // wmae, wce: product units; mred: a fraction
  std::string spec;  // as given, e.g. "wmae:0.5%"
};

/// Parses `wmae:V`, `mred:V` or `wce:V`; V is a number, or a percentage (`0.5%`: of 2^16 for
/// wmae and wce, as the catalog's mae_pct and wce_pct; of 1 for mred). axpod::Error on anything
/// else (unknown measure, negative, NaN or infinite value, missing colon).
ErrorBound parse_error_bound(const std::string& spec);

/// The measure's name ("wmae", "mred", "wce").
const char* measure_name(Measure m);
/// An error in the measure's percentage scale (of 2^16, or of 1 for mred).
double error_pct(Measure m, double error);

/// The operands a multiplier is evolved for.
struct Operands {
  bool is_signed = true;       // operand bytes are two's complement
  std::vector<double> weight;  // 65,536 pair weights in table order ((a << 8) | b), >= 0
  OperandStream stream;        // the order a PE sees them in (toggle energy), >= 2 pairs
  std::string description;     // for reports
};

/// Every pair equally likely; `stream_pairs` uniform random pairs for the energy.
Operands uniform_operands(bool is_signed, std::size_t stream_pairs, std::uint64_t seed);
/// Weights = how often each pair occurs in `stream` (which also gives the energy).
Operands operands_from_stream(OperandStream stream, bool is_signed);
/// Checks sizes and values (axpod::Error naming `what`).
void check_operands(const Operands& ops, const std::string& what);

/// The weighted error of a multiplier given by its 65,536-entry table, computed pair by pair
/// (the reference the bit-parallel evaluator is tested against; comparisons use it too).
double table_error(const std::vector<product_t>& table, const Operands& ops, Measure m);

/// Signals 0..7 are a[0..7], 8..15 b[0..7], 16 constant 0, 17 constant 1; node i is signal
/// kInputs + i.
constexpr int kInputs = 18;
constexpr int kOutputs = 17;  // p[0..16], two's complement when p[16] is driven

struct Node {
  GateType fn = GateType::kAnd;
  std::array<std::int32_t, 3> in{};  // A, B, S (MUX); unused inputs hold any earlier signal
};

struct Genome {
  std::vector<Node> nodes;                   // in signal order: node i reads signals < kInputs + i
  std::array<std::int32_t, kOutputs> out{};  // signal driving p[k]
};

/// Number of inputs `fn` reads (1, 2 or 3).
int arity(GateType fn);

/// The netlist's gates (buffers folded away) as a genome, followed by `extra_nodes` unused
/// random gates of `fns` (room for the search to grow into).
Genome from_netlist(const Netlist& netlist, int extra_nodes, const std::vector<GateType>& fns,
                    std::uint64_t seed);
/// An unsigned 8x8 array multiplier (AND partial products, rows of ripple-carry full adders,
/// 344 gates) built directly as a genome: a seed, test and benchmark subject without Yosys.
Genome array_multiplier_genome();
/// Which nodes the outputs depend on.
std::vector<char> active_nodes(const Genome& g);
/// The used part of the genome as a BLIF netlist (parses with Netlist::parse_blif).
std::string to_blif(const Genome& g, const std::string& model);
Netlist to_netlist(const Genome& g, const std::string& name);
/// The used part of the genome as a Verilog module with ports a[7:0], b[7:0], p[16:0].
std::string to_verilog(const Genome& g, const std::string& module, const std::string& comment);
/// Throws axpod::Error when a node reads a later signal or an index is out of range.
void check_genome(const Genome& g);

/// The gate functions a search may use: the library's gates (buffers excepted).
std::vector<GateType> library_functions(const GateLibrary& lib);

struct Fitness {
  double energy_fj = 0;   // switching energy per operation on the stream
  double area_ge = 0;     // active gates' area
  double error = 0;       // in the bound's units
  int gates = 0;          // active gates
  bool feasible = false;  // error <= bound
};

/// Packed operands, exact products and weights for evaluating genomes.
class Evaluator {
 public:
  Evaluator(const Operands& ops, const GateLibrary& lib, ErrorBound bound);

  /// Simulates a genome from scratch.
  Fitness evaluate(const Genome& g) const;

  const ErrorBound& bound() const { return m_bound; }
  const GateLibrary& library() const { return m_lib; }
  /// Pairs with nonzero weight (simulated for the error) and stream pairs.
  std::size_t error_pairs() const { return m_error_pairs; }
  std::size_t stream_pairs() const { return m_stream_pairs; }

 private:
  friend class Search;
  std::size_t stride() const { return m_error_words + m_stream_words; }

  GateLibrary m_lib;
  ErrorBound m_bound;
  std::array<double, 16> m_area{};  // by GateType
  std::size_t m_error_pairs = 0, m_stream_pairs = 0;
  std::size_t m_error_words = 0, m_stream_words = 0;
  std::vector<std::uint64_t> m_inputs;  // kInputs rows of stride() words
  std::vector<std::uint64_t> m_exact;   // 18 two's-complement planes x m_error_words
  std::vector<float> m_weight;          // per error pair (64 per word), normalised
  std::vector<std::uint64_t> m_valid;   // per error word: lanes that hold a pair
  std::uint64_t m_stream_last = 0;      // valid lanes of the last stream word
};

struct Options {
  int lambda = 4;          // offspring per generation
  int max_mutations = 5;   // genes changed per offspring: 1..max_mutations (>= 1 used)
  std::uint64_t seed = 1;  // mutations
  long generations = 0;    // stop after this many (0: no limit)
  double seconds = 60;     // stop after this wall time (0: no limit)
  int front_bins = 50;     // the front keeps the cheapest candidate per error bin
  /// Called about twice a second and at the end.
  std::function<void(long generation, long evaluations, double seconds, const Fitness& best)>
      progress;
};

/// One row of the evolution's history.
struct Step {
  long generation = 0;
  long evaluations = 0;
  double seconds = 0;
  Fitness best;
};

struct FrontPoint {
  Fitness fitness;
  Genome genome;
};

struct Result {
  Genome best;
  Fitness best_fitness;
  Fitness seed_fitness;
  std::vector<Step> history;      // the seed, every improvement, the end
  std::vector<FrontPoint> front;  // non-dominated (error, energy), error ascending
  long generations = 0;
  long evaluations = 0;        // offspring simulated
  long error_evaluations = 0;  // of which had their error computed
  double seconds = 0;
};

/// Evolves `seed` (which must meet the bound) under `ev`; deterministic for a seed and a
/// generation count (a wall-time stop depends on the machine's speed).
Result evolve(const Genome& seed, const Evaluator& ev, const Options& opt);

/// A chain of `points` + 1 evolutions under the bounds limit / 2^points, ..., limit / 2, limit,
/// each starting from the previous one's result and given an equal share of the generations
/// and time: the last one is the result, and every stage adds its best to the front (one run
/// alone drifts to the bound within seconds and leaves the lower-error part of the front
/// empty). Stages under bounds the seed exceeds are skipped. History and counts run over all
/// stages (error in the final bound's units).
Result evolve_front(const Genome& seed, const Operands& ops, const GateLibrary& lib,
                    const ErrorBound& bound, const Options& opt, int points);

}  // namespace axpod::mult::cgp
