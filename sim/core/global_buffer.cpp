#include "global_buffer.h"

#include <algorithm>

namespace axpod::core {

void GlobalBuffer::begin(std::size_t lane, std::vector<double> dram_prefix,
                         std::vector<int> tile_pods, double pj_per_byte_read,
                         double dram_pj_per_byte) {
  if (lane >= m_lanes.size()) m_lanes.resize(lane + 1);
  Lane& l = m_lanes[lane];
  l.prefix = std::move(dram_prefix);
  l.tile_pods = std::move(tile_pods);
  l.pj_per_byte = pj_per_byte_read;
  l.dram_pj = dram_pj_per_byte;
  l.arrived = 0;
}

void GlobalBuffer::fill(std::size_t lane, double bytes, EnergySink& energy) {
  if (bytes <= 0) return;
  Lane& l = m_lanes[lane];
  l.arrived += bytes;
  // Charged to the pod of the first tile not yet complete in the buffer.
  energy.charge(l.tile_pods[std::min(tile_filling(lane), l.tile_pods.size() - 1)], kDram,
                bytes * l.dram_pj);
}

std::size_t GlobalBuffer::tile_filling(std::size_t lane) const {
  const Lane& l = m_lanes[lane];
  if (l.prefix.empty()) return 0;
  const auto it = std::lower_bound(l.prefix.begin(), l.prefix.end(), l.arrived - 1e-9);
  return std::min<std::size_t>(static_cast<std::size_t>(it - l.prefix.begin()),
                               l.prefix.size() - 1);
}

}  // namespace axpod::core
