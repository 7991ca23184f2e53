// A timeline of a cycle-level run in the Chrome trace-event format (opens in Perfetto,
// ui.perfetto.dev, or chrome://tracing): one process per pod with an "array" lane (preloads,
// tiles streaming, stalls waiting for operands, vector work) and a "dma" lane (operand transfers
// into its SRAM) and an "outputs" lane (outputs sent back), and an "accelerator" process with the
// layers and DRAM's busy time (a row of each per stage of a layer schedule). Times are in microseconds of the accelerator's clock; each event
// carries its cycles.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace axpod::core {

using cycle_t = std::int64_t;  // core clock cycles

class Timeline {
 public:
  enum Lane { kLayers = 0, kDram = 1, kArray = 0, kDma = 1, kDmaOut = 2 };
  static constexpr int kAccelerator = -1;  // the track of layers and DRAM (pods are 0, 1, ...)

  /// `max_events`: events kept (later ones are dropped and the trace says so).
  explicit Timeline(std::size_t max_events = 2'000'000) : m_max(max_events) {}

  /// An interval [begin, end) of clocks on `track` (a pod, or kAccelerator) and `lane`.
  void add(int track, int lane, std::string name, std::string category, cycle_t begin, cycle_t end);
  std::size_t size() const { return m_events.size(); }
  bool truncated() const { return m_dropped > 0; }

  /// The trace as Chrome trace-event JSON; `pods`: how many pod tracks to name.
  std::string chrome_json(double clock_mhz, std::size_t pods) const;

 private:
  struct Event {
    int track = 0, lane = 0;
    std::string name, category;
    cycle_t begin = 0, end = 0;
  };
  std::vector<Event> m_events;  // in the order added
  std::size_t m_max;            // cap
  std::size_t m_dropped = 0;    // beyond the cap
};

}  // namespace axpod::core
