// XAI-NAS: an architecture search for approximate int8 CNNs (models/nas/arch.h space) that is
// steered by explainable AI, against an NSGA-II baseline over the same space, the same proxy
// training and the same wall time.
//
// What XAI guides, and how (everything else is the same for both methods):
// - Multipliers: each XAI-NAS candidate's multipliers are its XAI-Gen assignment (layer
//   conductance orders the layers, least important per MAC first; each takes the cheapest
//   common candidate that keeps the validation loss within the accuracy budget). The baseline
//   carries one multiplier gene per MAC layer, mutated at random.
// - Mutation: an XAI-NAS child applies one move to its parent's least important layer (halve
//   its width, or remove the block when it is a conv block and others remain) and one to its
//   most important layer (widen it 1.5x, or give a 3x3 conv a 5x5 kernel); with probability
//   0.3 a random move on a random layer follows. The baseline crosses two tournament parents
//   (probability 0.9: the first's conv blocks up to a cut, the second's from a cut, the hidden
//   layers of one of them, each layer with its multiplier gene), then applies one random move
//   (widen, shrink, kernel, pool, residual, add/remove a block or a layer) to a random layer.
// Candidates are trained briefly (a subset of the training images, few epochs; a child starts
// from its parent's float weights wherever a parameter's name and shape match, unless
// `inherit` is off), quantized to int8 and scored on engine accuracy with their multipliers,
// robust accuracy (FGSM on the float model), energy and latency (analytical model) and weight
// memory. Selection (both): non-dominated sorting with crowding over accuracy, robust accuracy
// and energy.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "accel/accelerator.h"
#include "common/json.h"
#include "data/idx.h"
#include "gen.h"
#include "workers.h"

namespace axpod::host {

struct NasOptions {
  double budget_minutes = 15;  // wall time for both methods together (half each)
  long generations = 0;        // > 0: stop each method after this many (reproducible)
  int population = 6;          // candidates per generation
  int train_images = 6000;     // proxy training subset
  int epochs = 1;
  int val_images = 1000;         // validation images scored (held-out end of the training split)
  double robust_eps = 0.05;      // FGSM eps for robust accuracy (0: not scored)
  int robust_images = 300;       // validation images attacked
  double accuracy_budget = 1.0;  // pp, for XAI-NAS's XAI-Gen assignments
  int multiplier_choices = 6;    // common candidate multipliers (spread over the catalog's)
  std::uint64_t seed = 1;
  int threads = 2;
  std::vector<std::string> methods{"xai-nas", "nsga2"};
  bool inherit = true;  // children start from their parent's weights where shapes allow
};

/// Throws axpod::Error naming the setting when one is out of range.
void check_options(const NasOptions& o);

struct NasCandidate {
  int id = 0;                      // per method, in evaluation order
  std::string method;              // "xai-nas" or "nsga2"
  int generation = 0;              // 0: the initial population
  std::string arch;                // architecture name (nas_...)
  Assignment assign;               // MAC layer -> multiplier (absent: exact)
  double accuracy = 0;             // int8 engine with its multipliers, validation (0..1)
  double exact_accuracy = 0;       // int8 engine, exact multipliers
  double robust_accuracy = 0;      // on FGSM images (0 when not scored)
  double energy_pj = 0;            // analytical, one inference
  double latency_cycles = 0;       // analytical
  long long memory_bytes = 0;      // int8 weights
  double seconds = 0;              // the method's search time when it was done
  std::string files;               // PREFIX of PREFIX.pt / PREFIX.axq in the run folder
  std::vector<std::string> order;  // XAI-NAS: its layers, least important first
  std::vector<int> genes;          // NSGA-II: per MAC layer, 0 exact or 1 + common candidate
};

struct NasMethod {
  std::string method;
  std::vector<NasCandidate> evaluated;  // every candidate, in order
  std::vector<int> population;          // ids of the current population
  int generation = 0;                   // generations done
  double seconds = 0;                   // search time spent
  bool done = false;
};

struct NasState {
  json::Json fingerprint;          // what the run was started with (resume checks it)
  std::vector<NasMethod> methods;  // in NasOptions::methods order
};

struct NasSummary {
  std::string method;
  double hypervolume = 0;                // accuracy x energy, normalised (larger is better)
  double efficiency_inf_per_uj = 0;      // at the accuracy of the baseline's best (0: not reached)
  double seconds_to_baseline_best = -1;  // -1: never reached
  int evaluations = 0;
  double seconds = 0;
  std::vector<NasCandidate> front;  // non-dominated over accuracy, robust accuracy, energy
};

/// Runs (or continues, from `state`) the search; calls `checkpoint` after every generation of
/// every method with the state to save. Candidate files go to `work`/cands/ (a folder every
/// rank sees). A generation, once started, is evaluated whole: the time budget is checked
/// between generations. The candidates of a generation are `workers`' units (null: this
/// process evaluates them in turn). Every rank calls `checkpoint`; the caller writes on rank 0.
void run_nas(const NasOptions& o, const accel::Accelerator& acc, const data::Split& train,
             const data::Split& test, const std::string& work, NasState& state,
             const std::function<void(const NasState&)>& checkpoint,
             const std::function<void(const std::string&, double)>& progress,
             Workers* workers = nullptr);

/// Hypervolume, efficiency and time-to-target per method (the last method is the baseline).
std::vector<NasSummary> summarize(const NasState& s);

/// A NAS state as JSON and back (the checkpoint; the state every rank shares).
json::Json to_json(const NasState& s);
/// Writes the run's outputs into `dir`: pareto.csv/png/svg, report.md (returned), summary.json,
/// the best design of the first method (best.axq/.pt, best_network.yaml, assignment.yaml), and
/// removes the candidate files that are on no front.
std::string write_nas_outputs(const NasState& state, const NasOptions& o,
                              const accel::Accelerator& acc, const std::string& dir);

/// An architecture as an axpod YAML network (analyze, simulate and validate read it).
std::string network_yaml(const std::string& arch_name);
NasState state_from_json(const json::Json& j);

}  // namespace axpod::host
