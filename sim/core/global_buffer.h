// The global buffer of the cycle-level model: it fills from DRAM in tile order (tile t's
// operands are resident once the bytes up to and including its share have arrived) and is read
// by the interconnect, which pays its energy per byte read.
#pragma once

#include <cstddef>
#include <vector>

#include "energy_monitor.h"
#include "interconnect.h"

namespace axpod::core {

class GlobalBuffer : public BufferPort {
 public:
  /// Starts a layer: `dram_prefix[t]` = DRAM bytes up to and including tile t, `tile_pods[t]`
  /// = the accelerator pod that computes it (DRAM energy is charged to it; a layer without
  /// tiles charges `tile_pods[0]`); `pj_per_byte_read`: energy per operand byte read out;
  /// `dram_pj_per_byte`: energy per byte that arrives from DRAM.
  void begin(std::vector<double> dram_prefix, std::vector<int> tile_pods, double pj_per_byte_read,
             double dram_pj_per_byte);
  /// `bytes` arrived from DRAM this clock (their DRAM energy goes to `energy`).
  void fill(double bytes, EnergySink& energy);
  /// Whether tile `t`'s operands are in the buffer.
  bool holds(std::size_t t) const override { return m_prefix[t] <= m_arrived + 1e-6; }
  void read(int pod, double bytes, EnergySink& energy) override {
    energy.charge(pod, kGbuf, bytes * m_pj_per_byte);
  }
  /// The first tile whose DRAM share is not complete (the one `fill` is writing).
  std::size_t tile_filling() const;
  double arrived() const { return m_arrived; }

 private:
  std::vector<double> m_prefix;  // cumulative DRAM bytes per tile
  std::vector<int> m_tile_pods;  // pod of each tile
  double m_pj_per_byte = 0;      // read energy
  double m_dram_pj = 0;          // DRAM energy per byte in
  double m_arrived = 0;          // bytes in from DRAM
};

}  // namespace axpod::core
