// Crossbar: every pod has its own link from the global buffer at the full link bandwidth, one
// hop away; ports never contend.
#include <algorithm>

#include "interconnect.h"

namespace axpod::core {
namespace {

class Crossbar : public Interconnect {
 public:
  using Interconnect::Interconnect;
  int hops() const override { return 1; }
  void arbitrate(std::size_t, const std::vector<double>& want, const std::vector<double>& busy,
                 std::vector<double>& sent) const override {
    grant_per_port(want, busy, sent);
  }
  double aggregate_bandwidth(std::size_t ports) const override {
    return m_cfg.bytes_per_cycle * static_cast<double>(ports);
  }
};

}  // namespace

std::unique_ptr<Interconnect> make_crossbar(const accel::Interconnect& cfg, std::size_t ports) {
  return std::make_unique<Crossbar>(cfg, ports);
}
}  // namespace axpod::core
