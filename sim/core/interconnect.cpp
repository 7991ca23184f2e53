#include "interconnect.h"

#include <map>

#include "common/error.h"
#include "energy_monitor.h"

namespace axpod::core {

// The built-in topologies (noc/*.cpp).
std::unique_ptr<Interconnect> make_crossbar(const accel::Interconnect& cfg, std::size_t ports);
std::unique_ptr<Interconnect> make_bus(const accel::Interconnect& cfg, std::size_t ports);
std::unique_ptr<Interconnect> make_butterfly(const accel::Interconnect& cfg, std::size_t ports);

namespace {
std::map<accel::Topology, InterconnectFactory>& registry() {
  static std::map<accel::Topology, InterconnectFactory> r = {
      {accel::Topology::crossbar, make_crossbar},
      {accel::Topology::bus, make_bus},
      {accel::Topology::butterfly, make_butterfly},
  };
  return r;
}
}  // namespace

bool register_interconnect(accel::Topology topology, InterconnectFactory make) {
  registry()[topology] = std::move(make);
  return true;
}

void Interconnect::clock(cycle_t now, const std::vector<PodPort*>& pods, BufferPort& buffer,
                         double pj_per_byte_hop, EnergySink& energy) {
  const std::size_t n = pods.size();
  if (n == 0) return;
  m_want.assign(n, 0.0);
  m_sent.assign(n, 0.0);
  m_active.assign(n, 0);
  for (std::size_t p = 0; p < n; ++p) {
    const int t = pods[p]->next_fetch();
    if (t < 0 || !buffer.holds(static_cast<std::size_t>(t))) continue;  // not yet from DRAM
    const double want = pods[p]->request();
    if (want < 0) continue;  // no room in its SRAM yet
    m_want[p] = want;
    m_active[p] = 1;
  }
  arbitrate(static_cast<std::size_t>(now % static_cast<cycle_t>(n)), m_want, m_sent);
  const int h = hops();
  for (std::size_t p = 0; p < n; ++p) {
    if (!m_active[p]) continue;
    const double sent = m_sent[p];
    const int id = pods[p]->pod_id();
    energy.charge(id, kNoc, sent * h * pj_per_byte_hop);
    energy.charge(id, kGbuf, buffer.read(sent));
    pods[p]->receive(sent, now, latency());
  }
}

std::unique_ptr<Interconnect> make_interconnect(const accel::Interconnect& cfg, std::size_t ports) {
  const auto it = registry().find(cfg.topology);
  if (it == registry().end())
    throw Error(std::string("no interconnect model is registered for topology '") +
                accel::to_string(cfg.topology) + "'");
  return it->second(cfg, ports);
}

}  // namespace axpod::core
