#include "dram.h"

#include <algorithm>

namespace axpod::core {

const DramChannel::Stream& DramChannel::stream(std::size_t lane) const {
  static const Stream kNone;
  return lane < m_lanes.size() ? m_lanes[lane] : kNone;
}

void DramChannel::begin(std::size_t lane, double bytes) {
  if (lane >= m_lanes.size()) m_lanes.resize(lane + 1);
  Stream& s = m_lanes[lane];
  s = {};
  s.total = bytes;
  s.latency_left = bytes > 0 ? m_latency : 0;
}

double DramChannel::step() {
  m_moving.clear();
  for (std::size_t l = 0; l < m_lanes.size(); ++l) {
    Stream& s = m_lanes[l];
    s.now = 0;
    ++s.clocks;
    if (s.latency_left > 0) {
      --s.latency_left;
      continue;
    }
    if (s.done < s.total) m_moving.push_back(l);
  }
  // Equal shares; a lane that needs less than its share leaves the rest to the others (the
  // ones needing least are served first).
  std::sort(m_moving.begin(), m_moving.end(), [&](std::size_t a, std::size_t b) {
    return m_lanes[a].total - m_lanes[a].done < m_lanes[b].total - m_lanes[b].done;
  });
  double left = m_bytes_per_cycle, sum = 0;
  for (std::size_t i = 0; i < m_moving.size(); ++i) {
    Stream& s = m_lanes[m_moving[i]];
    const double share = left / static_cast<double>(m_moving.size() - i);
    s.now = std::min(share, s.total - s.done);
    s.done += s.now;
    s.busy = s.clocks;
    left -= s.now;
    sum += s.now;
  }
  return sum;
}

}  // namespace axpod::core
