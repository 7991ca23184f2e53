// Shared bus: one link of `bytes_per_cycle` for all pods, one hop; in a clock the ports are
// served in round-robin order until the link's bytes are spent.
#include <algorithm>

#include "interconnect.h"

namespace axpod::core {
namespace {

class Bus : public Interconnect {
 public:
  using Interconnect::Interconnect;
  int hops() const override { return 1; }
  void arbitrate(std::size_t first, const std::vector<double>& want,
                 const std::vector<double>& busy, std::vector<double>& sent) const override {
    double budget = m_cfg.bytes_per_cycle;
    for (double b : busy) budget -= b;
    budget = std::max(0.0, budget);
    const std::size_t n = want.size();
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t p = (first + k) % n;
      sent[p] = std::min(budget, want[p]);
      budget -= sent[p];
    }
  }
  double aggregate_bandwidth(std::size_t) const override { return m_cfg.bytes_per_cycle; }
};

}  // namespace

std::unique_ptr<Interconnect> make_bus(const accel::Interconnect& cfg, std::size_t ports) {
  return std::make_unique<Bus>(cfg, ports);
}
}  // namespace axpod::core
