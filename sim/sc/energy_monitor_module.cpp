#include "energy_monitor_module.h"

#include <string>

namespace axpod::sc {

EnergyMonitorModule::EnergyMonitorModule(sc_core::sc_module_name name, std::size_t pods,
                                         cycle_t window, double clock_mhz)
    : sc_core::sc_module(name), energy("energy"), m_core(pods, window) {
  energy.bind(*this);
  for (std::size_t p = 0; p < pods; ++p)
    pod_power_mw.push_back(std::make_unique<sc_core::sc_signal<double>>(
        ("pod" + std::to_string(p) + "_power_mw").c_str()));
  const double w = static_cast<double>(m_core.window());
  m_core.on_window = [this, clock_mhz, w](const core::WindowEnergy& we) {
    double pj = 0;
    for (double v : we.pj) pj += v;
    // pJ per window / (window cycles / f) = pJ * f / window; pJ * MHz = uW.
    pod_power_mw[static_cast<std::size_t>(we.pod)]->write(pj * clock_mhz / w / 1000.0);
  };
}

}  // namespace axpod::sc
