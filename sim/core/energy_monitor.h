// The energy monitor of the cycle-level model: every block charges what it did in a clock
// (pJ, by component, to a pod); the monitor keeps the layer's totals (per lane: the pods of a
// schedule's stage, whose layers overlap with other stages'; one lane of every pod without a
// schedule) and closes one window of `window` cycles per pod for the traces (power.csv,
// power.vcd).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "analytical/model.h"

namespace axpod::core {

using cycle_t = std::int64_t;  // core clock cycles

enum Component { kMult, kAdd, kReg, kSram, kGbuf, kNoc, kDram, kLeak, kComponents };
const char* component_name(int c);

/// Energy of one pod over one window of cycles, pJ per component.
struct WindowEnergy {
  std::int64_t window = 0;  // index (cycle / window size)
  int pod = 0;
  double pj[kComponents] = {};
};

/// What a block charges its energy to (the monitor, or a test's recorder).
class EnergySink {
 public:
  virtual ~EnergySink() = default;
  /// `pj` of component `comp` spent by (or for) accelerator pod `pod` in the current clock.
  virtual void charge(int pod, int comp, double pj) = 0;
};

class EnergyMonitor : public EnergySink {
 public:
  EnergyMonitor(std::size_t pods, cycle_t window);

  /// Starts clock `now`: closes the open window when `now` lies beyond it.
  void begin_cycle(cycle_t now);
  void charge(int pod, int comp, double pj) override;
  /// Puts pod p's charges into lane `lane_of_pod[p]`'s total (default: every pod in lane 0).
  void set_lanes(std::vector<int> lane_of_pod);
  /// Returns the energy charged to lane `lane`'s pods since the last call (one layer's) and
  /// starts that lane again from zero.
  analytical::Energy take_layer(std::size_t lane = 0);
  /// Closes the open window.
  void finish();

  const std::vector<WindowEnergy>& windows() const { return m_windows; }
  cycle_t window() const { return m_window; }
  /// Live callback per closed window (e.g. the SystemC power signals); may be empty.
  std::function<void(const WindowEnergy&)> on_window;

 private:
  void close_window();

  cycle_t m_window;                                        // cycles per window
  std::vector<WindowEnergy> m_windows;                     // closed windows
  std::int64_t m_open_index = -1;                          // open window (-1: none)
  std::vector<std::array<double, kComponents>> m_open_pj;  // its energy per pod
  std::vector<int> m_lane_of;                              // per pod
  std::vector<analytical::Energy> m_layer;                 // per lane, since take_layer()
};

}  // namespace axpod::core
