// Energy traces for hardware teams: power.csv (window, pod, component, energy_pj, power_mw) and
// power.vcd (real-valued per-pod power signals, total and by component; opens in GTKWave).
#pragma once

#include <string>
#include <vector>

#include "cycle_model.h"

namespace axpod::core {

std::string power_csv(const std::vector<WindowEnergy>& windows, cycle_t window, double clock_mhz);
std::string power_vcd(const std::vector<WindowEnergy>& windows, cycle_t window, double clock_mhz,
                      int pods);

}  // namespace axpod::core
