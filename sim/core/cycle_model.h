// The cycle-level model of a multi-pod accelerator (plain C++; sim/sc/ builds the same blocks
// into SystemC modules). One layer at a time: the tile scheduler (tile_scheduler.h) spreads the
// GEMM's tiles over the eligible pods with the same plan as the analytical model; every clock,
// in this order, DRAM (dram.h) fills the global buffer (global_buffer.h), the interconnect
// (interconnect.h, one implementation per topology) delivers each pod's next tile, and each pod
// (pod.h) steps its systolic array with real int8 data, stalling when its next tile has not
// arrived; the energy monitor (energy_monitor.h) takes every block's charges per clock.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "accel/accelerator.h"
#include "analytical/model.h"
#include "dram.h"
#include "energy_monitor.h"
#include "engine/tensors.h"
#include "global_buffer.h"
#include "interconnect.h"
#include "mult/table.h"
#include "pod.h"
#include "tile_scheduler.h"
#include "workload/layer.h"

namespace axpod::core {

struct LayerSim {
  std::string layer, kind, multiplier;
  std::size_t index = 0;       // the layer's index in the network (run_network)
  bool input_on_chip = false;  // how the run placed it (analytical::place_layers)
  bool weights_on_chip = false;
  std::int64_t macs = 0;
  std::int64_t gated = 0;  // MAC slots with a zero operand
  int pods = 0;
  cycle_t start = 0;            // first cycle of the layer in the run
  cycle_t cycles = 0;           // cycles the layer took
  cycle_t stall_free = 0;       // the schedule's length without memory stalls (same timing)
  cycle_t stall_cycles = 0;     // cycles - stall_free (never negative)
  analytical::Energy energy;    // pJ
  std::vector<std::int32_t> y;  // int32 outputs (groups x M x N); empty for non-MAC layers
};

/// One layer of a network run: what CycleModel::begin_layer needs.
struct LayerJob {
  std::size_t index = 0;                          // the layer's index in the network
  const workload::Layer* layer = nullptr;         // the layer
  const engine::LayerTensors* tensors = nullptr;  // its data (null for non-MAC layers)
  std::string multiplier;                         // "" = the pods' own
  bool input_on_chip = false;                     // previous output kept in the global buffer
  bool weights_on_chip = false;                   // the network's weights are resident
};

/// The int8 data of a MAC layer of a run, by network index (null: none, for other layers).
using TensorSource = std::function<const engine::LayerTensors*(std::size_t index)>;

class CycleModel {
 public:
  /// `window`: cycles per energy window of the traces.
  CycleModel(accel::Accelerator acc, analytical::MultiplierEnergies energies, cycle_t window);
  ~CycleModel();

  /// Starts a layer of a job (keeps its index and placement in the LayerSim).
  void begin_job(const LayerJob& job);
  /// Starts a layer; `tensors` may be null for non-MAC layers. `mult` "" = the pods' own.
  void begin_layer(const workload::Layer& layer, const engine::LayerTensors* tensors,
                   const std::string& mult, bool input_on_chip, bool weights_on_chip = false);
  /// One clock of every pod, DRAM and the interconnect; false once the layer is finished.
  bool tick();
  /// Collects the finished layer.
  LayerSim end_layer();

  /// Runs a whole layer (begin, tick until done, end).
  LayerSim run_layer(const workload::Layer& layer, const engine::LayerTensors* tensors,
                     const std::string& mult, bool input_on_chip, bool weights_on_chip = false);

  /// The jobs of a network run: layers `selected` (ascending indices; empty: all), each MAC
  /// layer with its multiplier from `assign` and its tensors from `tensors`, placed in memory by
  /// analytical::place_layers, the rule the analytical model's run() uses. Every caller that
  /// runs more than one layer (simulate, validate, the SystemC top, XAI-Gen's confirmation, the
  /// demo) goes through here, so they agree cycle for cycle.
  static std::vector<LayerJob> plan_network(const accel::Accelerator& acc,
                                            const workload::Network& net,
                                            const accel::Assignment& assign,
                                            const TensorSource& tensors,
                                            const std::vector<std::size_t>& selected = {});
  /// Runs one job (begin_layer, tick until done, end_layer).
  LayerSim run_job(const LayerJob& job);
  /// Runs a network (plan_network, then each job in order); `on_layer` sees each finished layer.
  std::vector<LayerSim> run_network(const workload::Network& net, const accel::Assignment& assign,
                                    const TensorSource& tensors,
                                    const std::vector<std::size_t>& selected = {},
                                    const std::function<void(const LayerSim&)>& on_layer = {});

  /// Closed windows so far (each pod, each window); the open window is flushed by finish().
  const std::vector<WindowEnergy>& windows() const { return m_monitor.windows(); }
  void finish() { m_monitor.finish(); }
  cycle_t now() const { return m_now; }
  cycle_t window() const { return m_monitor.window(); }
  const accel::Accelerator& accelerator() const { return m_acc; }
  /// The energy monitor (set its on_window for live power, as the SystemC top does).
  EnergyMonitor& monitor() { return m_monitor; }
  /// The multiplier table of a canonical name (made once per name).
  const mult::Table& table(const std::string& name);
  /// A layer's plan with this accelerator's multiplier energies.
  LayerPlan plan(const LayerJob& job) const;

 private:
  void dram_clock();
  void noc_clock();
  void pods_clock();
  void charge_traffic_upfront();

  accel::Accelerator m_acc;                                      // the machine
  analytical::MultiplierEnergies m_energies;                     // fJ per multiplication
  cycle_t m_now = 0;                                             // global clock
  EnergyMonitor m_monitor;                                       // energy by pod, window, layer
  DramChannel m_dram;                                            // off-chip memory
  GlobalBuffer m_gbuf;                                           // shared buffer
  std::unique_ptr<Interconnect> m_noc;                           // global buffer -> pods
  std::vector<PodCore> m_pods;                                   // every pod of the accelerator
  std::map<std::string, std::unique_ptr<mult::Table>> m_tables;  // multiplier tables by name
  // The layer in progress.
  LayerJob m_job;                      // index and placement
  LayerPlan m_plan;                    // pods, tiles, traffic
  std::vector<std::int32_t> m_y;       // its int32 outputs
  cycle_t m_start = 0;                 // its first clock
  double m_vector_noc_left = 0;        // vector layers: bytes the interconnect still moves
  bool m_active = false;               // a layer is in progress
  bool m_finished = false;             // it is done (end_layer collects it)
  std::vector<double> m_want, m_sent;  // interconnect scratch
};

}  // namespace axpod::core
