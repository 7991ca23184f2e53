// The global buffer of the cycle-level model: per lane (a stage of a layer schedule; one without
// a schedule) it fills from DRAM in the lane's tile order (tile t's operands are resident once
// the lane's bytes up to and including its share have arrived) and is read by the interconnect,
// which pays its energy per byte read.
#pragma once

#include <cstddef>
#include <vector>

#include "energy_monitor.h"
#include "interconnect.h"

namespace axpod::core {

class GlobalBuffer : public BufferPort {
 public:
  /// Starts a layer on lane `lane`: `dram_prefix[t]` = DRAM bytes up to and including tile t,
  /// `tile_pods[t]` = the accelerator pod that computes it (DRAM energy is charged to it; a
  /// layer without tiles charges `tile_pods[0]`); `pj_per_byte_read`: energy per operand byte
  /// read out; `dram_pj_per_byte`: energy per byte that arrives from DRAM.
  void begin(std::size_t lane, std::vector<double> dram_prefix, std::vector<int> tile_pods,
             double pj_per_byte_read, double dram_pj_per_byte);
  void begin(std::vector<double> dram_prefix, std::vector<int> tile_pods, double pj_per_byte_read,
             double dram_pj_per_byte) {
    begin(0, std::move(dram_prefix), std::move(tile_pods), pj_per_byte_read, dram_pj_per_byte);
  }
  /// `bytes` arrived from DRAM for lane `lane` this clock (their DRAM energy goes to `energy`).
  void fill(std::size_t lane, double bytes, EnergySink& energy);
  void fill(double bytes, EnergySink& energy) { fill(0, bytes, energy); }
  /// Whether tile `t` of lane `lane`'s layer has its operands in the buffer.
  bool holds(std::size_t lane, std::size_t t) const override {
    const Lane& l = m_lanes[lane];
    return l.prefix[t] <= l.arrived + 1e-6;
  }
  bool holds(std::size_t t) const { return holds(0, t); }
  void read(std::size_t lane, int pod, double bytes, EnergySink& energy) override {
    energy.charge(pod, kGbuf, bytes * m_lanes[lane].pj_per_byte);
  }
  /// The first tile of lane `lane` whose DRAM share is not complete (the one `fill` is writing).
  std::size_t tile_filling(std::size_t lane = 0) const;
  double arrived(std::size_t lane = 0) const { return m_lanes[lane].arrived; }

 private:
  struct Lane {
    std::vector<double> prefix;  // cumulative DRAM bytes per tile
    std::vector<int> tile_pods;  // pod of each tile
    double pj_per_byte = 0;      // read energy
    double dram_pj = 0;          // DRAM energy per byte in
    double arrived = 0;          // bytes in from DRAM
  };
  std::vector<Lane> m_lanes;  // one layer per lane
};

}  // namespace axpod::core
