// XAI-Gen's search and its baselines (no torch here): per-layer multiplier assignments are
// scored for accuracy by the bit-exact int8 engine on a validation split and for energy by the
// analytical model of the accelerator.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "accel/accelerator.h"
#include "analytical/model.h"
#include "data/idx.h"
#include "engine/infer.h"

namespace axpod::host {

using Assignment = std::map<std::string, std::string>;  // MAC layer -> multiplier ("" = exact)

/// The accelerator-side form of an assignment: listed layers, the rest on `exact`.
accel::Assignment to_accel(const Assignment& a, const std::string& exact);

/// Seconds since `t0` (steady clock).
double seconds_since(std::chrono::steady_clock::time_point t0);

struct Evaluation {
  Assignment assign;
  double accuracy = 0;        // validation accuracy (0..1)
  double energy_pj = 0;       // analytical energy of one inference
  double mult_energy_pj = 0;  // of which multipliers
  std::int64_t cycles = 0;    // analytical latency of one inference
};

/// Scores assignments; caches them (a repeated assignment is not re-evaluated or counted).
class Evaluator {
 public:
  Evaluator(const engine::QNet& net, accel::Accelerator acc,
            analytical::MultiplierEnergies energies, const data::Split& split, int begin, int count,
            int threads, std::string exact = "exact:signed=1");
  const Evaluation& evaluate(const Assignment& a);
  /// Accuracy and energy of the all-exact design.
  const Evaluation& exact() { return evaluate({}); }
  int evaluations() const { return m_evals; }
  void reset_count() { m_evals = 0; }
  const std::vector<std::string>& mac_layers() const { return m_layers; }
  /// Every evaluation so far (for the Pareto front).
  std::vector<Evaluation> history() const;
  /// Energy only (no accuracy evaluation).
  Evaluation energy(const Assignment& a) const;
  /// `candidates` cheapest first for one layer (per-layer energies, e.g. operand-aware, may
  /// order them differently from the catalog).
  std::vector<std::string> ordered(const std::string& layer,
                                   const std::vector<std::string>& candidates) const;
  /// Multipliers that only one layer may take (e.g. evolved for its operands); ordered() offers
  /// them beside the common candidates.
  void set_layer_candidates(std::map<std::string, std::vector<std::string>> per_layer) {
    m_layer_candidates = std::move(per_layer);
  }
  const std::string& exact_name() const { return m_exact; }
  /// The accuracy that budgets are counted from: the exact design's, unless set (a fine-tuned
  /// network is held to the budget of the network it came from).
  double reference() { return m_reference >= 0 ? m_reference : exact().accuracy; }
  void set_reference(double accuracy) { m_reference = accuracy; }

 private:
  static std::string key(const Assignment& a);
  const engine::QNet& m_net;
  workload::Network m_workload;
  analytical::Model m_model;
  const data::Split& m_split;
  int m_begin, m_count, m_threads;
  std::string m_exact;                        // multiplier name of exact pods
  std::vector<std::string> m_layers;          // MAC layers in order
  std::map<std::string, Evaluation> m_cache;  // by assignment key
  int m_evals = 0;                            // distinct evaluations
  double m_reference = -1;                    // budget reference (-1: the exact accuracy)
  std::map<std::string, std::vector<std::string>> m_layer_candidates;  // by layer
};

struct SearchResult {
  std::string method;
  Evaluation best;      // the chosen assignment
  int evaluations = 0;  // accuracy evaluations spent
  double seconds = 0;   // wall time
  std::string note;     // e.g. why a method was skipped
};

/// Least important layers first, cheapest multiplier (candidates sorted cheapest first) that
/// keeps the validation accuracy loss within `budget_pct` percentage points; a second pass in the
/// same order tries cheaper multipliers again with what the later layers left of the budget.
/// From `start` (e.g. the result of an earlier round), each layer only tries multipliers cheaper
/// than the one it has.
SearchResult greedy_by_order(Evaluator& ev, const std::vector<std::string>& order,
                             const std::vector<std::string>& candidates, double budget_pct,
                             const std::string& method, const Assignment& start = {});
/// From `start` (possibly over budget): one layer at a time, the change to a more accurate
/// multiplier (exact included) that buys the most accuracy per unit of energy, until the budget
/// holds or no change gains accuracy; then greedy_by_order from there for what is left. The
/// result may be over budget: callers check it.
SearchResult repair_search(Evaluator& ev, const std::vector<std::string>& order,
                           const std::vector<std::string>& candidates, double budget_pct,
                           const std::string& method, const Assignment& start);
/// One multiplier for every layer: the cheapest within budget.
SearchResult uniform_search(Evaluator& ev, const std::vector<std::string>& candidates,
                            double budget_pct);
/// `tries` random assignments (seeded); the lowest energy within budget.
SearchResult random_search(Evaluator& ev, const std::vector<std::string>& candidates,
                           double budget_pct, int tries, std::uint64_t seed);
/// Every assignment over the `subset` cheapest candidates when there are at most `limit`.
SearchResult exhaustive_search(Evaluator& ev, const std::vector<std::string>& candidates,
                               double budget_pct, std::size_t subset, std::size_t limit);
/// ALWANN-like NSGA-II over (energy, accuracy loss); the lowest-energy result within budget.
SearchResult nsga2_search(Evaluator& ev, const std::vector<std::string>& candidates,
                          double budget_pct, int population, int generations, std::uint64_t seed);
/// Direct approximation sensitivity: accuracy drop (percentage points, against ev.reference())
/// with only layer L on `probe`, per MAC layer in network order; counts its evaluations in `ev`.
std::vector<std::pair<std::string, double>> sensitivity_drops(Evaluator& ev,
                                                              const std::string& probe);
/// The layers least sensitive first (sensitivity_drops).
std::vector<std::string> sensitivity_order(Evaluator& ev, const std::string& probe);

/// Non-dominated evaluations (energy down, accuracy up), sorted by energy.
std::vector<Evaluation> pareto_front(const std::vector<Evaluation>& all);

}  // namespace axpod::host
