#include "interconnect.h"

#include <algorithm>
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

void Interconnect::grant_per_port(const std::vector<double>& want, const std::vector<double>& busy,
                                  std::vector<double>& sent) const {
  for (std::size_t p = 0; p < want.size(); ++p)
    sent[p] = std::clamp(m_cfg.bytes_per_cycle - busy[p], 0.0, want[p]);
}

void Interconnect::begin_tiles(std::vector<int> used, bool ideal, double pj_per_byte_hop) {
  m_used = std::move(used);
  m_mode = ideal ? Mode::idle : Mode::tiles;
  m_pj_per_byte_hop = pj_per_byte_hop;
  m_bulk_left = 0;
}

void Interconnect::begin_bulk(double bytes) {
  m_mode = Mode::bulk;
  m_bulk_left = bytes;
}

void Interconnect::clock(cycle_t now, const std::vector<PodPort*>& pods, BufferPort& buffer,
                         EnergySink& energy) {
  if (m_mode == Mode::bulk) {
    m_bulk_left = std::max(0.0, m_bulk_left - aggregate_bandwidth());
    return;
  }
  const std::size_t n = m_used.size();
  if (m_mode == Mode::idle || n == 0) return;
  m_want.assign(n, 0.0);
  m_sent.assign(n, 0.0);
  m_active.assign(n, 0);
  m_out.assign(n, 0.0);  // nothing moved yet this clock
  const auto port = [&](std::size_t p) { return pods[static_cast<std::size_t>(m_used[p])]; };
  for (std::size_t p = 0; p < n; ++p) {
    const int t = port(p)->next_fetch();
    if (t < 0 || !buffer.holds(static_cast<std::size_t>(t))) continue;  // not yet from DRAM
    const double want = port(p)->request();
    if (want < 0) continue;  // no room in its SRAM yet
    m_want[p] = want;
    m_active[p] = 1;
  }
  arbitrate(static_cast<std::size_t>(now % static_cast<cycle_t>(n)), m_want, m_out, m_sent);
  const int h = hops();
  for (std::size_t p = 0; p < n; ++p) {
    if (!m_active[p]) continue;
    const int id = port(p)->pod_id();
    energy.charge(id, kNoc, m_sent[p] * h * m_pj_per_byte_hop);
    buffer.read(id, m_sent[p], energy);
    port(p)->receive(m_sent[p], now, latency());
  }
}

void Interconnect::clock_outputs(cycle_t now, const std::vector<PodPort*>& pods,
                                 EnergySink& energy) {
  const std::size_t n = m_used.size();
  if (m_mode != Mode::tiles || n == 0) return;
  const auto port = [&](std::size_t p) { return pods[static_cast<std::size_t>(m_used[p])]; };
  bool any = false;
  m_out.assign(n, 0.0);
  for (std::size_t p = 0; p < n; ++p) {
    m_out[p] = port(p)->outputs_pending();
    any = any || m_out[p] > 0;
  }
  if (!any) return;
  m_out_sent.assign(n, 0.0);
  arbitrate(static_cast<std::size_t>(now % static_cast<cycle_t>(n)), m_out, m_sent, m_out_sent);
  const int h = hops();
  for (std::size_t p = 0; p < n; ++p) {
    if (m_out_sent[p] <= 0) continue;
    energy.charge(port(p)->pod_id(), kNoc, m_out_sent[p] * h * m_pj_per_byte_hop);
    port(p)->send_outputs(m_out_sent[p], now);
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
