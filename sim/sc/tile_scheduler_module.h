// The tile scheduler as a SystemC module: on each rising clock edge it starts the layers that
// are ready (core::Dispatcher: one per free stage of a layer schedule, or the next layer without
// one; core::LayerSequencer plans the tiles and hands DRAM, the global buffer, the interconnect
// and the pods their part of it, through their cores: configuration, not per-clock behaviour)
// and wakes DRAM; once the interconnect has sent back the outputs of the clock it closes the
// clock and collects the layers that finished. After the last layer it stops the simulation.
#pragma once

#include <systemc>

#include <exception>
#include <functional>
#include <vector>

#include "dispatcher.h"
#include "interfaces.h"

namespace axpod::sc {

class TileSchedulerModule : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;              // core clock
  sc_core::sc_out<long long> go;         // wakes DRAM (clock + 1)
  sc_core::sc_in<long long> clock_done;  // the interconnect's last token
  sc_core::sc_port<energy_if> energy;    // the monitor's clock

  SC_HAS_PROCESS(TileSchedulerModule);
  TileSchedulerModule(sc_core::sc_module_name name, const accel::Accelerator& acc,
                      analytical::MultiplierEnergies energies, core::Blocks blocks,
                      std::vector<core::LayerJob> jobs);

  /// Called after the last layer (before the simulation stops).
  std::function<void()> on_finish;
  bool finished() const { return m_finished; }
  core::Dispatcher& dispatcher() { return m_dispatch; }

 private:
  void clock();
  void close_clock();

  core::Dispatcher m_dispatch;  // starts, ends and collects layers
  cycle_t m_now = 0;            // the clock
  bool m_finished = false;      // every layer done
};

}  // namespace axpod::sc
