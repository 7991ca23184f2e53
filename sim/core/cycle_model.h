// The cycle-level model of a multi-pod accelerator (plain C++; sim/sc/ builds the same blocks
// into SystemC modules). One layer at a time per stage of a layer schedule (without one, one
// layer at a time; dispatcher.h overlaps the stages' layers): the tile scheduler (tile_scheduler.h)
// spreads the GEMM's tiles over the eligible pods with the same plan as the analytical model; every
// clock, in this order, DRAM (dram.h) fills the global buffer (global_buffer.h), the interconnect
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
#include "dispatcher.h"
#include "dram.h"
#include "energy_monitor.h"
#include "engine/tensors.h"
#include "global_buffer.h"
#include "interconnect.h"
#include "layer_sequencer.h"
#include "mult/table.h"
#include "pod.h"
#include "tile_scheduler.h"
#include "workload/layer.h"

namespace axpod::core {

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
  /// analytical::place_layers, the rule the analytical model's run() uses; with a schedule `s`
  /// (null: none) every sample of its batch, each layer on its stage's pods (the samples share
  /// the layers' data). Every caller that runs more than one layer (simulate, validate, the
  /// SystemC top, XAI-Gen's confirmation, the demo) goes through here, so they agree cycle for
  /// cycle.
  static std::vector<LayerJob> plan_network(const accel::Accelerator& acc,
                                            const workload::Network& net,
                                            const accel::Assignment& assign,
                                            const TensorSource& tensors,
                                            const std::vector<std::size_t>& selected = {},
                                            const accel::Schedule* s = nullptr);
  /// Runs one job (begin_layer, tick until done, end_layer).
  LayerSim run_job(const LayerJob& job);
  /// Runs jobs through a Dispatcher (stages overlap); results in job order, `on_layer` sees
  /// each as it finishes.
  std::vector<LayerSim> run_jobs(std::vector<LayerJob> jobs,
                                 const std::function<void(const LayerSim&)>& on_layer = {});
  /// Runs a network (plan_network, then run_jobs); `on_layer` sees each finished layer.
  std::vector<LayerSim> run_network(const workload::Network& net, const accel::Assignment& assign,
                                    const TensorSource& tensors,
                                    const std::vector<std::size_t>& selected = {},
                                    const std::function<void(const LayerSim&)>& on_layer = {},
                                    const accel::Schedule* s = nullptr);

  /// Closed windows so far (each pod, each window); the open window is flushed by finish().
  const std::vector<WindowEnergy>& windows() const { return m_monitor.windows(); }
  void finish() { m_monitor.finish(); }
  cycle_t now() const { return m_now; }
  cycle_t window() const { return m_monitor.window(); }
  const accel::Accelerator& accelerator() const { return m_acc; }
  /// The energy monitor (set its on_window for live power, as the SystemC top does).
  EnergyMonitor& monitor() { return m_monitor; }
  /// Records the run into `t` (layers, DRAM, every pod's array and transfers); null: nothing.
  void set_timeline(Timeline* t) {
    m_timeline = t;
    m_seq->set_timeline(t);
    for (auto& p : m_pods) p.set_timeline(t);
  }
  /// The multiplier table of a canonical name (made once per name).
  const mult::Table& table(const std::string& name) { return m_seq->table(name); }
  /// A layer's plan with this accelerator's multiplier energies.
  LayerPlan plan(const LayerJob& job) const { return m_seq->plan(job); }

 private:
  LayerSim run_to_end();  // ticks the layer in progress to its end and collects it
  void clock();           // one clock of every block (DRAM, interconnect, pods, outputs)
  Blocks blocks();        // the blocks, for a sequencer or dispatcher

  accel::Accelerator m_acc;                   // the machine
  cycle_t m_now = 0;                          // global clock
  EnergyMonitor m_monitor;                    // energy by pod, window, layer
  DramChannel m_dram;                         // off-chip memory
  GlobalBuffer m_gbuf;                        // shared buffer
  std::unique_ptr<Interconnect> m_noc;        // global buffer -> pods
  std::vector<PodCore> m_pods;                // every pod of the accelerator
  std::vector<PodPort*> m_ports;              // their SRAM ports, for the interconnect
  analytical::MultiplierEnergies m_energies;  // fJ per multiplication
  TableCache m_tables;                        // multiplier tables, made once for every run
  std::unique_ptr<LayerSequencer> m_seq;      // starts, ends and collects single layers
  bool m_finished = false;                    // the layer in progress is done
  Timeline* m_timeline = nullptr;             // where runs are recorded (null: nowhere)
};

}  // namespace axpod::core
