#include "energy_monitor.h"

#include <algorithm>

namespace axpod::core {

const char* component_name(int c) {
  static const char* kNames[kComponents] = {"mult", "add", "reg",  "sram",
                                            "gbuf", "noc", "dram", "leak"};
  return c >= 0 && c < kComponents ? kNames[c] : "?";
}

EnergyMonitor::EnergyMonitor(std::size_t pods, cycle_t window)
    : m_window(std::max<cycle_t>(1, window)) {
  m_open_pj.assign(pods, {});
  set_lanes(std::vector<int>(pods, 0));
}

void EnergyMonitor::set_lanes(std::vector<int> lane_of_pod) {
  m_lane_of = std::move(lane_of_pod);
  int lanes = 1;
  for (int l : m_lane_of) lanes = std::max(lanes, l + 1);
  m_layer.assign(static_cast<std::size_t>(lanes), {});
}

void EnergyMonitor::begin_cycle(cycle_t now) {
  const std::int64_t widx = now / m_window;
  if (m_open_index != widx) {
    close_window();
    m_open_index = widx;
  }
}

void EnergyMonitor::charge(int pod, int comp, double pj) {
  // The layer total's field of each component, in Component order.
  static constexpr double analytical::Energy::*kField[kComponents] = {
      &analytical::Energy::mult, &analytical::Energy::add,  &analytical::Energy::reg,
      &analytical::Energy::sram, &analytical::Energy::gbuf, &analytical::Energy::noc,
      &analytical::Energy::dram, &analytical::Energy::leak};
  m_open_pj[static_cast<std::size_t>(pod)][comp] += pj;
  m_layer[static_cast<std::size_t>(m_lane_of[static_cast<std::size_t>(pod)])].*kField[comp] += pj;
}

analytical::Energy EnergyMonitor::take_layer(std::size_t lane) {
  const analytical::Energy e = m_layer.at(lane);
  m_layer[lane] = {};
  return e;
}

void EnergyMonitor::close_window() {
  if (m_open_index >= 0) {
    for (std::size_t p = 0; p < m_open_pj.size(); ++p) {
      WindowEnergy we;
      we.window = m_open_index;
      we.pod = static_cast<int>(p);
      for (int c = 0; c < kComponents; ++c) we.pj[c] = m_open_pj[p][c];
      m_windows.push_back(we);
      if (on_window) on_window(we);
    }
  }
  for (auto& a : m_open_pj) a.fill(0.0);
  m_open_index = -1;
}

void EnergyMonitor::finish() {
  close_window();
}

}  // namespace axpod::core
