// The XAI-Gen flow as a library (REFERENCE.md section 7; DESIGN.md "Host controller"): a
// trained model and its data, the candidate multipliers, XAI's layer order, the assignment
// search with its baselines, and the confirmation on the cycle-level model. The CLI only parses
// options and prints; reports are written by report.h.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "accel/accelerator.h"
#include "analytical/model.h"
#include "cycle_model.h"
#include "data/idx.h"
#include "engine/qnet.h"
#include "gen.h"
#include "mult/table.h"
#include "workers.h"
#include "zoo.h"

namespace axpod::host {

/// A trained zoo model (PREFIX.axq, PREFIX.pt) and the Fashion-MNIST splits.
struct TrainedModel {
  std::string prefix;  // PREFIX of PREFIX.axq / PREFIX.pt
  engine::QNet qnet;
  data::Split train, test;
};

/// PREFIX, PREFIX.axq or PREFIX.pt -> PREFIX.
std::string model_prefix(std::string model);

/// Loads PREFIX.axq and the data; PREFIX.pt must exist (the gradient rankers read it).
TrainedModel load_trained(const std::string& model, const std::string& data_dir);

/// Refuses to replace PREFIX.pt or PREFIX.axq unless `force`; creates PREFIX's folder.
void prepare_output(const std::string& prefix, bool force);

/// Trains a zoo model and writes PREFIX.pt and PREFIX.axq (refusing to replace them unless
/// `force`); returns the result with the quantized network.
TrainResult train_and_save(const TrainOptions& opt, const std::string& prefix,
                           const data::Split& train_set, const data::Split& test_set, bool force,
                           const std::function<void(const TrainProgress&)>& progress = {});

/// Multiplier tables of an assignment for the engine, by MAC layer (exact layers: none).
struct LayerTables {
  std::map<std::string, const mult::Table*> by_layer;
  std::map<std::string, std::unique_ptr<mult::Table>> owned;  // by multiplier name
};
LayerTables layer_tables(const engine::QNet& qnet, const Assignment& a, const std::string& exact);

/// Approximation-aware fine-tuning of `m` for the assignment `a` (torch module): writes
/// OUT.pt and OUT.axq and returns the fine-tuned model (same data, prefix OUT).
TrainedModel finetune(const TrainedModel& m, const Assignment& a, const std::string& exact,
                      FinetuneOptions opt, const std::string& out_prefix,
                      const std::function<void(const TrainProgress&)>& progress = {});

/// The multiplier the exact pods of an accelerator carry (its first pod's).
std::string exact_multiplier(const accel::Accelerator& acc);

/// Candidate multipliers, cheapest first: the ';'-separated names of `list`, or (empty list)
/// every signed multiplier of the accelerator's catalog that is cheaper than `exact`.
std::vector<std::string> candidate_multipliers(const accel::Accelerator& acc,
                                               const std::string& exact,
                                               const std::string& list = {});

/// XAI-Gen's layer order: least important per unit of energy at stake first (score / MACs).
std::vector<std::string> xai_order(const std::vector<LayerScore>& scores,
                                   const workload::Network& net);

/// The cycle-level model's run of one image: every layer of the network (CycleModel::
/// run_network), the MAC layers with the int8 data the engine saw for it.
struct ImageRun {
  std::vector<core::LayerSim> layers;
  std::vector<engine::MacTrace> traces;  // the engine's, by MAC layer
};
ImageRun simulate_image(core::CycleModel& sim, const engine::QNet& qnet, const Assignment& a,
                        const std::string& exact, const std::uint8_t* pixels);

struct Confirmation {
  int images = 0, layers = 0, bit_exact = 0;  // MAC layer outputs checked / equal to the engine
  std::int64_t cycles = 0;                    // all layers, all images
  double energy_pj = 0;                       // all layers, all images
};

/// Runs an assignment on the cycle-level model for the first `images` test images and checks
/// every MAC layer's int32 outputs against the engine; multiplier energies from `energies`
/// (null: the accelerator's catalog).
Confirmation confirm(const engine::QNet& qnet, const data::Split& test, const Assignment& a,
                     const accel::Accelerator& acc, int images, const std::string& exact,
                     const analytical::MultiplierEnergies* energies = nullptr);

struct GenOptions {
  double budget = 1.0;  // accuracy loss allowed, percentage points
  double guard = 0.5;   // searches hold the validation loss within budget - guard (<= budget/2)
  int val = 5000;       // validation images (the held-out end of the training split)
  int threads = 2;
  bool baselines = true;
  int random_tries = 60;
  std::size_t exhaustive_subset = 2, exhaustive_limit = 400;
  int nsga_pop = 16, nsga_gens = 8;
  std::uint64_t seed = 1;   // random and evolutionary baselines
  int confirm_images = 2;   // test images run on the cycle-level model
  int finetune_epochs = 0;  // > 0: rounds of fine-tuning, then a search for cheaper ones
  int finetune_rounds = 3;  // fine-tune + search rounds after XAI-Gen's first search
  double finetune_lr = 5e-4;
  int finetune_limit = 0;      // fine-tune on the first N training images only (0: all)
  double finetune_relax = 2;   // a round tunes for the assignment of budget x relax
  bool operand_aware = false;  // multiplier energy from toggles on each layer's own operands
  int operand_images = 8;      // training images whose operands are streamed
  std::string finetune_dir;    // where fine-tuned models are written (FOLDER/finetuned_R.*)
  double evolve_minutes = 0;   // > 0: CGP multipliers for the least important layers (implies
                               // operand-aware energies: they are evolved for those operands)
  int evolve_layers = 2;       // how many layers, in XAI order, get evolved multipliers
  std::string evolve_error = "wmae:0.1%";  // the bound of each layer's loosest evolved one
  std::string evolve_dir;                  // where they are written (FOLDER/evolved/LAYER/)
  std::string evolve_final;  // that folder's final name (for the names in its own files)
};

/// Throws axpod::Error naming the option when a setting is out of range (NaN and infinities
/// included); run_gen calls it, and a CLI can call it before any slow work.
void check_options(const GenOptions& o);

/// A multiplier evolved for one layer and offered to that layer only.
struct EvolvedCandidate {
  std::string layer;
  std::string name;      // verilog:... (in the run folder)
  double error_pct = 0;  // on the layer's operands, in the bound's measure
  double energy_fj = 0;  // on the layer's operands (Yosys netlist)
  double seed_fj = 0;    // the exact multiplier on the same operands
};

struct GenReport {
  double budget = 0;
  double guard = 0;                   // searches held the validation loss within budget - guard
  int val = 0;                        // validation images
  std::string energy_model;           // where multiplier energies came from (for the report)
  std::size_t chosen = 0;             // the result confirmed and written as the assignment
  std::optional<TrainedModel> tuned;  // the fine-tuned model the chosen result runs on
  std::vector<SearchResult> results;  // xai-gen first, then the baselines
  std::vector<double> test_acc;       // per result (0 for skipped ones)
  double exact_val = 0, exact_test = 0;
  Evaluation exact_eval;
  Confirmation conf;
  std::vector<Evaluation> pareto;  // non-dominated over XAI-Gen's and NSGA-II's evaluations
  std::map<std::string, std::vector<Evaluation>> fronts;  // each method's own front
  std::vector<EvolvedCandidate> evolved;                  // gen --evolve
  std::string evolve_measure;                             // e.g. "wmae"
};

/// Replaces the folder `from` by `to` in every multiplier name of the report (evolved circuits
/// are named by their path in the run folder being written, which is renamed at the end).
void relocate_multipliers(GenReport& r, const std::string& from, const std::string& to);

/// The network the chosen result runs on: the fine-tuned one for "xai-gen+ft", else `m`'s.
inline const engine::QNet& chosen_net(const GenReport& r, const TrainedModel& m) {
  return r.tuned && r.results[r.chosen].method == "xai-gen+ft" ? r.tuned->qnet : m.qnet;
}

/// Whether a search result was skipped (e.g. exhaustive on a large space).
inline bool skipped(const SearchResult& r) {
  return r.note.rfind("skipped", 0) == 0;
}

/// XAI-Gen (greedy over xai_order(scores)); with fine-tuning, `finetune_rounds` rounds of
/// fine-tuning for the current assignment then a search for cheaper multipliers on the tuned
/// network (held to the original exact accuracy), as the result "xai-gen+ft", chosen; and, when
/// asked, the baselines (uniform, random,
/// exhaustive, NSGA-II, sensitivity), each on its own evaluator; test accuracy of every result;
/// the cycle-level confirmation of XAI-Gen's. `progress(stage)` names each baseline as it ends.
/// XAI-Gen's search and the baselines are `workers`' units (null: in turn, here). With more than
/// one rank, fine-tuning and evolving are refused (they write files and evolving is timed), and
/// the ranks other than rank 0 return after the searches (their report is not complete: rank 0
/// scores on the test split, confirms and writes).
GenReport run_gen(
    const TrainedModel& m, const accel::Accelerator& acc,
    const std::vector<std::string>& candidates, const std::vector<LayerScore>& scores,
    const GenOptions& opt, const std::string& exact,
    const std::function<void(const std::string& stage, int done, int total)>& progress = {},
    Workers* workers = nullptr);

}  // namespace axpod::host
