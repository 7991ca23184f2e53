// The energy monitor as a SystemC module: every module charges it through `energy`; it keeps
// the layer totals and the per-window energy of each pod (core::EnergyMonitor) and drives one
// real-valued power signal per pod (mW over the last closed window) for tracing.
#pragma once

#include <systemc>

#include <memory>
#include <vector>

#include "energy_monitor.h"
#include "interfaces.h"

namespace axpod::sc {

class EnergyMonitorModule : public sc_core::sc_module, public energy_if {
 public:
  sc_core::sc_export<energy_if> energy;                                   // charges come in here
  std::vector<std::unique_ptr<sc_core::sc_signal<double>>> pod_power_mw;  // per pod

  EnergyMonitorModule(sc_core::sc_module_name name, std::size_t pods, cycle_t window,
                      double clock_mhz);

  void begin_cycle(cycle_t now) override { m_core.begin_cycle(now); }
  void charge(int pod, int comp, double pj) override { m_core.charge(pod, comp, pj); }
  core::EnergyMonitor& core() { return m_core; }

 private:
  core::EnergyMonitor m_core;  // the behaviour
};

}  // namespace axpod::sc
