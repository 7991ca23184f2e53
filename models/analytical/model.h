// The analytical model of a multi-pod systolic accelerator: per layer, the GEMM is folded onto
// the pods' arrays, tiles are spread over the eligible pods (SOSA-style), and cycles, traffic and
// energy follow in closed form from the same energy table the cycle-level model uses.
//
// Timing of one fold on an A x B array (REFERENCE.md section 2): the dataflow maps the GEMM to
// spatial rows / spatial columns / temporal extent T (ws: K/N/M, os: M/N/K, is: K/M/N) and
//   tau = preload + A + B + T - 2     (preload = A for ws and is, 0 for os).
// Timing::scalesim charges every fold its preload and reports F * tau - 1 (SCALE-Sim v2).
// Timing::double_buffered (axpod) loads the next fold's stationary operand while the current
// fold computes, so a pod pays the preload once: preload + sum over its tiles of (A + B + T_t - 2).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "accel/accelerator.h"
#include "accel/assignment.h"
#include "accel/schedule.h"
#include "workload/layer.h"

namespace axpod::analytical {

using cycle_t = std::int64_t;  // core clock cycles

/// The spatial/temporal mapping of a GEMM on one array.
struct Mapping {
  std::int64_t rows = 0;      // extent mapped on array rows
  std::int64_t cols = 0;      // extent mapped on array columns
  std::int64_t temporal = 0;  // extent streamed in time (T)
  int preload = 0;            // cycles to load the stationary operand of a fold
};

Mapping map_gemm(const workload::GemmShape& g, accel::Dataflow df, int array_rows);

/// Folds of one group: ceil(rows / A) * ceil(cols / B).
std::int64_t folds(const Mapping& m, int a, int b);

/// SCALE-Sim v2 total cycles of a GEMM on one A x B array (all groups): F * tau - 1.
cycle_t scalesim_cycles(const workload::GemmShape& g, accel::Dataflow df, int a, int b);

/// How a layer's folds become tiles on pods.
struct TilePlan {
  std::int64_t folds = 0;   // folds over all groups
  std::int64_t chunks = 1;  // splits of the temporal extent (to keep more pods busy)
  std::int64_t tiles = 0;   // folds * chunks
  int pods = 0;             // eligible pods
  cycle_t makespan = 0;     // compute cycles of the busiest pod (incl. its preload)
  std::int64_t max_tiles_per_pod = 0;
};

TilePlan plan_tiles(const workload::GemmShape& g, accel::Dataflow df, int a, int b, int pods,
                    accel::Timing timing);

/// The pods a layer runs on and the multiplier it uses; shared by the analytical and the
/// cycle-level models.
struct LayerPods {
  std::string multiplier;  // canonical name ("" for non-MAC layers)
  std::vector<int> pods;   // indices into Accelerator::pods, all of one shape and dataflow
};

/// A MAC layer runs on every pod when the accelerator is reconfigurable, else on the pods that
/// carry its multiplier (`mult`, or the first pod's when empty); other layers on every pod.
/// `stage_pods` (a layer schedule's stage; empty: every pod) limits the choice to those pods.
/// Throws axpod::Error when no pod qualifies or the pods differ in shape or dataflow.
LayerPods layer_pods(const accel::Accelerator& acc, const workload::Layer& layer,
                     const std::string& mult, const std::vector<int>& stage_pods = {});

/// Interconnect hops between the global buffer and a pod: ceil(log2 P) on a butterfly, else 1.
int interconnect_hops(const accel::Accelerator& acc);
/// Stages of a butterfly over `ports` pods: ceil(log2 P), at least 1.
int butterfly_hops(std::size_t ports);

/// Whether a network's weights stay on chip (Accelerator::weights_resident and they fit in half
/// the global buffer).
bool weights_fit(const accel::Accelerator& acc, const workload::Network& net);

/// Whether a layer's output stays in the global buffer (it fits in half of it).
bool output_on_chip(const accel::Accelerator& acc, const workload::Layer& layer);

/// How one layer of a run meets the memory. The one rule that both the analytical and the
/// cycle-level model use to decide what is on chip between layers.
struct LayerPlacement {
  std::size_t index = 0;         // the layer's index in the network
  bool input_on_chip = false;    // the previous layer of the run left its output on chip
  bool weights_on_chip = false;  // the network's weights are resident (weights_fit)
};

/// Placement of the layers `selected` (network indices, ascending; empty: every layer). A
/// layer's input is on chip when the layer run just before it is its predecessor in the network
/// and that layer's output stays in the global buffer; the first layer run reads from DRAM.
std::vector<LayerPlacement> place_layers(const accel::Accelerator& acc,
                                         const workload::Network& net,
                                         const std::vector<std::size_t>& selected = {});

/// DRAM bytes of a layer: its input unless on chip, its weights unless resident, its output
/// unless it stays on chip.
std::int64_t layer_dram_bytes(const accel::Accelerator& acc, const workload::Layer& layer,
                              bool input_on_chip, bool weights_on_chip);

/// Energy of a layer by component, pJ.
struct Energy {
  double mult = 0, add = 0, reg = 0, sram = 0, gbuf = 0, noc = 0, dram = 0, leak = 0;
  double total() const { return mult + add + reg + sram + gbuf + noc + dram + leak; }
  Energy& operator+=(const Energy& o);
};

struct LayerResult {
  std::string layer;       // name
  std::string kind;        // conv, fc, ...
  std::string multiplier;  // canonical name ("" for non-MAC layers)
  std::int64_t macs = 0;
  std::int64_t m = 0, n = 0, k = 0, groups = 0;  // GEMM shape
  int pods = 0;                                  // pods used
  TilePlan plan;                                 // tiling
  cycle_t compute_cycles = 0;                    // array busy time of the slowest pod
  cycle_t memory_cycles = 0;                     // DRAM / interconnect transfer time
  cycle_t cycles = 0;                            // max(compute, memory)
  cycle_t stall_cycles = 0;                      // cycles - compute
  double utilization_pct = 0;                    // MACs / (cycles * PEs of all pods)
  double mapping_pct = 0;                        // MACs / (compute cycles * PEs of the pods used)
  std::int64_t sram_bytes = 0, gbuf_bytes = 0, noc_byte_hops = 0, dram_bytes = 0;
  Energy energy;  // pJ
};

struct NetworkResult {
  std::string network, accelerator;
  std::vector<LayerResult> layers;
  cycle_t cycles = 0;
  std::int64_t macs = 0;
  Energy energy;  // pJ
  double clock_mhz = 0;
  double latency_ms() const { return static_cast<double>(cycles) / (clock_mhz * 1e3); }
};

/// One job of a scheduled run: a layer of one sample on its stage's pods.
struct ScheduledLayer {
  LayerResult result;  // the layer on its stage (energy.leak: its stage's pods from the end of
                       // the stage's previous job to its own end)
  int item = 0;        // the sample
  int stage = 0;       // the stage that runs it
  cycle_t start = 0;   // its first clock
  cycle_t end = 0;     // the clock after its last
};

struct ScheduleResult {
  std::string network, accelerator;
  std::vector<ScheduledLayer> jobs;  // in (sample, layer) order
  cycle_t cycles = 0;                // first clock to last: the makespan
  std::int64_t macs = 0;
  Energy energy;  // pJ, every pod for the whole run
  double clock_mhz = 0;
};

/// The stage whose layers each pod's energy counts in: its own stage's when that stage runs any
/// job, else (pods of no stage, or of a stage with no job in the run) the first job's stage.
std::vector<int> stage_of_pods(std::size_t pods, const std::vector<int>& job_stages,
                               const std::vector<std::vector<int>>& stage_pods);

/// Multiplier energy per operation (fJ) by canonical name, from a catalog CSV.
class MultiplierEnergies {
 public:
  MultiplierEnergies() = default;
  /// Reads the catalog (missing or unreadable file: axpod::Error).
  explicit MultiplierEnergies(const std::string& catalog_csv);
  /// The catalog an accelerator names; empty (no energies) when it names none, as a SCALE-Sim
  /// config does.
  static MultiplierEnergies of(const accel::Accelerator& acc);
  /// Energy of a multiplier; throws axpod::Error naming the catalog when it has no cost.
  double fj(const std::string& canonical) const;
  /// Energy of a multiplier in one layer: the layer's own figure when set (operand-aware
  /// energies), else fj(canonical).
  double fj(const std::string& canonical, const std::string& layer) const;
  void set(const std::string& canonical, double fj) { m_fj[canonical] = fj; }
  /// Sets a multiplier's energy in one layer (e.g. from toggles on that layer's operands).
  void set_for_layer(const std::string& layer, const std::string& canonical, double fj) {
    m_layer_fj[layer + "\n" + canonical] = fj;
  }
  /// Whether no multiplier has a cost (an accelerator without a catalog).
  bool empty() const { return m_fj.empty(); }

 private:
  std::map<std::string, double> m_fj;        // fJ per operation
  std::map<std::string, double> m_layer_fj;  // fJ per operation by "layer\nmultiplier"
  std::string m_source;                      // catalog path, for messages
};

class Model {
 public:
  Model(accel::Accelerator acc, MultiplierEnergies energies);

  /// One layer; `mult` = "" uses the pods' own multiplier; `input_on_chip` when the previous
  /// layer's output stayed in the global buffer.
  /// `stage_pods`: the pods of its schedule's stage (empty: every pod).
  LayerResult evaluate(const workload::Layer& layer, const std::string& mult, bool input_on_chip,
                       bool weights_on_chip = false, const std::vector<int>& stage_pods = {}) const;
  NetworkResult run(const workload::Network& net, const accel::Assignment& assign = {}) const;
  /// Layers `selected` (empty: all) under schedule `s`: each job's cycles are evaluate()'s on
  /// its stage's pods, and a job starts once its stage is free and the same sample's previous
  /// layer is done (the cycle-level model's rule). DRAM and the interconnect are not shared
  /// between stages here: where stages that overlap both stream from DRAM, the cycle-level model
  /// is slower.
  ScheduleResult run_schedule(const workload::Network& net, const accel::Assignment& assign,
                              const accel::Schedule& s,
                              const std::vector<std::size_t>& selected = {}) const;
  const accel::Accelerator& accelerator() const { return m_acc; }
  const MultiplierEnergies& energies() const { return m_energies; }

 private:
  accel::Accelerator m_acc;       // the machine
  MultiplierEnergies m_energies;  // fJ per multiplication
};

}  // namespace axpod::analytical
