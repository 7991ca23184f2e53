// DRAM of the cycle-level model: one channel that serves a transfer per lane (a lane is a stage
// of a layer schedule: layers on disjoint pods that run at the same time; a run without a
// schedule has one). Each transfer pays a first-byte latency, then the channel's bytes per clock
// are shared equally among the transfers that are moving (what one does not need goes to the
// others) until each lane's bytes are moved. Bytes are fractional: a channel of 12.8 GB/s at
// 500 MHz moves 25.6 bytes per clock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace axpod::core {

using cycle_t = std::int64_t;  // core clock cycles

class DramChannel {
 public:
  DramChannel() = default;
  DramChannel(double bytes_per_cycle, cycle_t latency)
      : m_bytes_per_cycle(bytes_per_cycle), m_latency(latency) {}

  /// Starts lane `lane`'s transfer of `bytes` for its layer (the latency is paid when there is
  /// anything to move).
  void begin(std::size_t lane, double bytes);
  void begin(double bytes) { begin(0, bytes); }
  /// One clock; returns the bytes that arrived in it over all lanes (arrived(lane): each one's).
  double step();
  /// Bytes that arrived for `lane` in the last clock.
  double arrived(std::size_t lane) const { return lane < m_lanes.size() ? m_lanes[lane].now : 0; }
  /// Lanes begun so far.
  std::size_t lanes() const { return m_lanes.size(); }

  double total(std::size_t lane = 0) const { return stream(lane).total; }
  double delivered(std::size_t lane = 0) const { return stream(lane).done; }
  bool done(std::size_t lane = 0) const { return delivered(lane) >= total(lane) - 1e-6; }
  /// Clocks from begin() to the lane's last byte (0 when nothing moved).
  cycle_t busy_clocks(std::size_t lane = 0) const { return stream(lane).busy; }

 private:
  struct Stream {
    double total = 0;          // bytes of the lane's layer
    double done = 0;           // bytes delivered so far
    double now = 0;            // bytes delivered in the last clock
    cycle_t latency_left = 0;  // latency still to wait
    cycle_t clocks = 0;        // clocks since begin()
    cycle_t busy = 0;          // clocks up to the last byte
  };
  const Stream& stream(std::size_t lane) const;

  double m_bytes_per_cycle = 0;       // bandwidth
  cycle_t m_latency = 0;              // first-byte latency, cycles
  std::vector<Stream> m_lanes;        // one transfer per lane
  std::vector<std::size_t> m_moving;  // scratch of step()
};

}  // namespace axpod::core
