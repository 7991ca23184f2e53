// Thin SystemC shell over the plain-C++ cycle model (STYLE.md point 8): a clock, one
// SC_METHOD per rising edge that advances every pod, DRAM and the interconnect by one cycle
// (CycleModel::tick), a layer queue, and the energy monitor's per-window power as real-valued
// signals per pod for tracing. Nothing of the model's behaviour lives here.
#pragma once

#include <systemc>

#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cycle_model.h"

namespace axpod::sc {

/// One queued layer (CycleModel::plan_network makes them).
using LayerJob = core::LayerJob;

SC_MODULE(AcceleratorModule) {
 public:
  sc_core::sc_in<bool> clk;                                               // core clock
  std::vector<std::unique_ptr<sc_core::sc_signal<double>>> pod_power_mw;  // per pod, per window

  SC_HAS_PROCESS(AcceleratorModule);
  AcceleratorModule(sc_core::sc_module_name name, core::CycleModel & model,
                    std::vector<LayerJob> jobs);

  /// Called after each finished layer (in simulation order).
  std::function<void(core::LayerSim &&)> on_layer;
  bool done() const {
    return m_done;
  }
  std::exception_ptr error;  // set when a layer failed inside the clock process

 private:
  void on_clock();
  void step();

  core::CycleModel& m_model;     // the plain-C++ core
  std::vector<LayerJob> m_jobs;  // layers in order
  std::size_t m_next = 0;        // next layer to start
  bool m_running = false;        // a layer is in progress
  bool m_done = false;           // every layer finished
};

/// Elaborates a clock and the module, runs until every layer is done, and returns the layers.
/// One call per process (SystemC elaborates once).
std::vector<core::LayerSim> run_systemc(core::CycleModel& model, std::vector<LayerJob> jobs,
                                        const std::function<void(const core::LayerSim&)>& progress);

}  // namespace axpod::sc
