#include "global_buffer.h"

#include <algorithm>

namespace axpod::core {

void GlobalBuffer::begin(std::vector<double> dram_prefix, std::vector<int> tile_pods,
                         double pj_per_byte_read, double dram_pj_per_byte) {
  m_prefix = std::move(dram_prefix);
  m_tile_pods = std::move(tile_pods);
  m_pj_per_byte = pj_per_byte_read;
  m_dram_pj = dram_pj_per_byte;
  m_arrived = 0;
}

void GlobalBuffer::fill(double bytes, EnergySink& energy) {
  if (bytes <= 0) return;
  m_arrived += bytes;
  // Charged to the pod of the first tile not yet complete in the buffer.
  energy.charge(m_tile_pods[std::min(tile_filling(), m_tile_pods.size() - 1)], kDram,
                bytes * m_dram_pj);
}

std::size_t GlobalBuffer::tile_filling() const {
  if (m_prefix.empty()) return 0;
  const auto it = std::lower_bound(m_prefix.begin(), m_prefix.end(), m_arrived - 1e-9);
  return std::min<std::size_t>(static_cast<std::size_t>(it - m_prefix.begin()),
                               m_prefix.size() - 1);
}

}  // namespace axpod::core
