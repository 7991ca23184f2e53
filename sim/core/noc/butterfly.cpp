// Butterfly: a log2(P)-stage network; each pod's port has the link bandwidth (the network is
// non-blocking for the one-to-one global-buffer-to-pod pattern), and every byte crosses
// ceil(log2 P) hops (analytical::interconnect_hops), which costs latency and energy.
#include <algorithm>

#include "analytical/model.h"
#include "interconnect.h"

namespace axpod::core {
namespace {

class Butterfly : public Interconnect {
 public:
  Butterfly(const accel::Interconnect& cfg, std::size_t ports)
      : Interconnect(cfg, ports), m_hops(analytical::butterfly_hops(ports)) {}
  int hops() const override { return m_hops; }
  void arbitrate(std::size_t, const std::vector<double>& want, const std::vector<double>& busy,
                 std::vector<double>& sent) const override {
    grant_per_port(want, busy, sent);
  }
  double aggregate_bandwidth(std::size_t ports) const override {
    return m_cfg.bytes_per_cycle * static_cast<double>(ports);
  }

 private:
  int m_hops;  // stages crossed
};

}  // namespace

std::unique_ptr<Interconnect> make_butterfly(const accel::Interconnect& cfg, std::size_t ports) {
  return std::make_unique<Butterfly>(cfg, ports);
}
}  // namespace axpod::core
