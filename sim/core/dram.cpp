#include "dram.h"

#include <algorithm>

namespace axpod::core {

void DramChannel::begin(double bytes) {
  m_total = bytes;
  m_done = 0;
  m_latency_left = bytes > 0 ? m_latency : 0;
  m_clocks = m_busy = 0;
}

double DramChannel::step() {
  ++m_clocks;
  if (m_latency_left > 0) {
    --m_latency_left;
    return 0;
  }
  if (m_done >= m_total) return 0;
  const double now = std::min(m_bytes_per_cycle, m_total - m_done);
  m_done += now;
  m_busy = m_clocks;
  return now;
}

}  // namespace axpod::core
