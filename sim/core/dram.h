// DRAM of the cycle-level model: one channel per layer's traffic, a first-byte latency, then
// a fixed number of bytes per clock until the layer's DRAM bytes are moved. Bytes are
// fractional: a channel of 12.8 GB/s at 500 MHz moves 25.6 bytes per clock.
#pragma once

#include <cstdint>

namespace axpod::core {

using cycle_t = std::int64_t;  // core clock cycles

class DramChannel {
 public:
  DramChannel() = default;
  DramChannel(double bytes_per_cycle, cycle_t latency)
      : m_bytes_per_cycle(bytes_per_cycle), m_latency(latency) {}

  /// Starts a layer's transfer of `bytes` (the latency is paid when there is anything to move).
  void begin(double bytes);
  /// One clock; returns the bytes that arrived in it.
  double step();

  double total() const { return m_total; }
  double delivered() const { return m_done; }
  bool done() const { return m_done >= m_total - 1e-6; }
  /// Clocks from begin() to the last byte (0 when nothing moved).
  cycle_t busy_clocks() const { return m_busy; }

 private:
  double m_bytes_per_cycle = 0;  // bandwidth
  cycle_t m_latency = 0;         // first-byte latency, cycles
  double m_total = 0;            // bytes of the layer
  double m_done = 0;             // bytes delivered so far
  cycle_t m_latency_left = 0;    // latency still to wait
  cycle_t m_clocks = 0;          // clocks since begin()
  cycle_t m_busy = 0;            // clocks up to the last byte
};

}  // namespace axpod::core
