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

void Interconnect::begin_tiles(std::size_t lane, std::vector<int> used, bool ideal,
                               double pj_per_byte_hop) {
  if (lane >= m_lanes.size()) m_lanes.resize(lane + 1);
  Lane& l = m_lanes[lane];
  l.used = std::move(used);
  l.mode = ideal ? Mode::idle : Mode::tiles;
  l.pj_per_byte_hop = pj_per_byte_hop;
  l.bulk_left = 0;
}

void Interconnect::begin_bulk(std::size_t lane, double bytes, std::size_t ports) {
  if (lane >= m_lanes.size()) m_lanes.resize(lane + 1);
  Lane& l = m_lanes[lane];
  l.used.clear();
  l.mode = Mode::bulk;
  l.bulk_left = bytes;
  l.bulk_rate = aggregate_bandwidth(ports);
}

void Interconnect::clock(cycle_t now, const std::vector<PodPort*>& pods, BufferPort& buffer,
                         EnergySink& energy) {
  m_now.clear();
  for (std::size_t l = 0; l < m_lanes.size(); ++l) {
    Lane& lane = m_lanes[l];
    if (lane.mode == Mode::bulk) lane.bulk_left = std::max(0.0, lane.bulk_left - lane.bulk_rate);
    if (lane.mode == Mode::tiles)
      for (int p : lane.used) m_now.push_back({p, l});
  }
  const std::size_t n = m_now.size();
  if (n == 0) return;
  m_want.assign(n, 0.0);
  m_sent.assign(n, 0.0);
  m_active.assign(n, 0);
  m_out.assign(n, 0.0);  // nothing moved yet this clock
  const auto port = [&](std::size_t p) { return pods[static_cast<std::size_t>(m_now[p].index)]; };
  for (std::size_t p = 0; p < n; ++p) {
    const int t = port(p)->next_fetch();
    if (t < 0 || !buffer.holds(m_now[p].lane, static_cast<std::size_t>(t)))
      continue;  // not yet from DRAM
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
    energy.charge(id, kNoc, m_sent[p] * h * m_lanes[m_now[p].lane].pj_per_byte_hop);
    buffer.read(m_now[p].lane, id, m_sent[p], energy);
    port(p)->receive(m_sent[p], now, latency());
  }
}

void Interconnect::clock_outputs(cycle_t now, const std::vector<PodPort*>& pods,
                                 EnergySink& energy) {
  const std::size_t n = m_now.size();  // the ports clock() served, in its order
  if (n == 0) return;
  const auto port = [&](std::size_t p) { return pods[static_cast<std::size_t>(m_now[p].index)]; };
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
    energy.charge(port(p)->pod_id(), kNoc,
                  m_out_sent[p] * h * m_lanes[m_now[p].lane].pj_per_byte_hop);
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
