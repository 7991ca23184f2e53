// The accelerator as a SystemC design, built from an accelerator description: a tile
// scheduler, DRAM, a global buffer, the interconnect of the configured topology, one module per
// pod and an energy monitor, wired by TLM-2.0 sockets (data), sc_port/sc_export (questions and
// energy) and token signals (the order within a clock; see interfaces.h).
#pragma once

#include <systemc>

#include <functional>
#include <memory>
#include <vector>

#include "dram_module.h"
#include "energy_monitor_module.h"
#include "global_buffer_module.h"
#include "interconnect_module.h"
#include "pod_module.h"
#include "tile_scheduler_module.h"

namespace axpod::sc {

class AcceleratorTop : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;  // core clock

  AcceleratorTop(sc_core::sc_module_name name, const accel::Accelerator& acc,
                 analytical::MultiplierEnergies energies, cycle_t window,
                 std::vector<core::LayerJob> jobs);

  TileSchedulerModule& scheduler() { return *m_scheduler; }
  EnergyMonitorModule& monitor() { return *m_monitor; }
  DramModule& dram() { return *m_dram; }
  GlobalBufferModule& buffer() { return *m_buffer; }
  InterconnectModule& interconnect() { return *m_noc; }
  PodModule& pod(std::size_t i) { return *m_pods[i]; }
  std::size_t pods() const { return m_pods.size(); }
  /// Records the run into `t` (layers, DRAM, every pod's array and transfers).
  void set_timeline(core::Timeline* t);

 private:
  std::unique_ptr<EnergyMonitorModule> m_monitor;
  std::unique_ptr<DramModule> m_dram;
  std::unique_ptr<GlobalBufferModule> m_buffer;
  std::unique_ptr<InterconnectModule> m_noc;
  std::vector<std::unique_ptr<PodModule>> m_pods;
  std::unique_ptr<TileSchedulerModule> m_scheduler;
  Token m_dram_go{"dram_go"}, m_noc_go{"noc_go"}, m_pods_go{"pods_go"}, m_clock_done{"clock_done"};
  std::vector<std::unique_ptr<Token>> m_pod_done;  // per pod
};

/// What a SystemC run produced.
struct ScRun {
  std::vector<core::LayerSim> layers;       // in order
  std::vector<core::WindowEnergy> windows;  // energy per pod and window
};

/// Elaborates the accelerator and a clock, runs `jobs` (core::CycleModel::plan_network makes
/// them), and returns the layers; `progress` sees each finished layer; `timeline` (may be
/// null) records the run. One call per process (SystemC elaborates once).
ScRun run_systemc(const accel::Accelerator& acc, analytical::MultiplierEnergies energies,
                  cycle_t window, std::vector<core::LayerJob> jobs,
                  const std::function<void(const core::LayerSim&)>& progress,
                  core::Timeline* timeline = nullptr);

}  // namespace axpod::sc
