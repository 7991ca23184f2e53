#include "cycle_model.h"

#include <algorithm>
#include <cmath>

#include "common/error.h"
#include "mult/registry.h"

namespace axpod::core {

CycleModel::CycleModel(accel::Accelerator acc, analytical::MultiplierEnergies energies,
                       cycle_t window)
    : m_acc(std::move(acc)),
      m_energies(std::move(energies)),
      m_monitor(m_acc.pods.size(), window),
      m_dram(m_acc.dram_bytes_per_cycle(), m_acc.dram.latency_cycles),
      m_noc(make_interconnect(m_acc.noc, m_acc.pods.size())) {
  for (std::size_t i = 0; i < m_acc.pods.size(); ++i)
    m_pods.emplace_back(static_cast<int>(i), m_acc.pods[i], m_acc.energy);
}

CycleModel::~CycleModel() = default;

LayerPlan CycleModel::plan(const LayerJob& job) const {
  const workload::Layer& layer = *job.layer;
  const std::string mult =
      layer.is_mac() ? analytical::layer_pods(m_acc, layer, job.multiplier).multiplier : "";
  const double fj =
      layer.is_mac() && !m_acc.energy.catalog.empty() ? m_energies.fj(mult, layer.name) : 0.0;
  return plan_layer(m_acc, layer, job.multiplier, fj, job.input_on_chip, job.weights_on_chip);
}

void CycleModel::begin_layer(const workload::Layer& layer, const engine::LayerTensors* tensors,
                             const std::string& mult, bool input_on_chip, bool weights_on_chip) {
  LayerJob job;
  job.layer = &layer;
  job.tensors = tensors;
  job.multiplier = mult;
  job.input_on_chip = input_on_chip;
  job.weights_on_chip = weights_on_chip;
  begin_job(job);
}

void CycleModel::begin_job(const LayerJob& job) {
  const workload::Layer& layer = *job.layer;
  if (layer.is_mac() && job.tensors == nullptr)
    throw Error("layer '" + layer.name + "' needs tensors");
  m_job = job;
  m_plan = plan(job);
  m_start = m_now;
  m_active = true;
  m_finished = false;
  m_monitor.take_layer();
  m_monitor.begin_cycle(m_now);
  const auto& E = m_acc.energy;
  const LayerPlan& p = m_plan;
  // With stall-free memory (SCALE-Sim timing) nothing waits for DRAM or the interconnect; what
  // they move is charged when the layer starts.
  m_dram.begin(p.ideal_memory ? 0.0 : p.dram_bytes);
  if (p.ideal_memory) charge_traffic_upfront();
  if (!layer.is_mac()) {
    m_gbuf.begin({}, {p.pod_ids.front()}, 0.0, E.dram_pj_per_byte);
    m_vector_noc_left = p.ideal_memory ? 0.0 : p.vector_noc_bytes;
    double pj[kComponents];
    std::copy(std::begin(p.vector_pj), std::end(p.vector_pj), std::begin(pj));
    if (p.ideal_memory) pj[kGbuf] = pj[kNoc] = 0;
    for (int id : p.pod_ids) m_pods[static_cast<std::size_t>(id)].begin_vector(pj, p.vector_cycles);
    m_y.clear();
    return;
  }
  const TileSchedule& ts = p.schedule;
  std::vector<int> tile_pods;
  for (const auto& t : ts.tiles) tile_pods.push_back(p.pod_ids[static_cast<std::size_t>(t.pod)]);
  m_gbuf.begin(ts.dram_prefix, std::move(tile_pods), p.gbuf_pj_per_byte, E.dram_pj_per_byte);
  const auto& g = job.tensors->g;
  m_y.assign(static_cast<std::size_t>(g.groups * g.m * g.n), 0);
  PodLayer pl;
  pl.tensors = job.tensors;
  pl.tiles = &ts.tiles;
  pl.y = &m_y;
  pl.table = &table(p.multiplier);
  pl.dataflow = p.dataflow;
  pl.timing = m_acc.timing;
  pl.ideal_memory = p.ideal_memory;
  pl.mult_pj = p.mult_pj;
  for (std::size_t i = 0; i < p.pod_ids.size(); ++i)
    m_pods[static_cast<std::size_t>(p.pod_ids[i])].begin_mac(pl, ts.queues[i]);
}

void CycleModel::charge_traffic_upfront() {
  const auto& E = m_acc.energy;
  const LayerPlan& p = m_plan;
  const int hops = m_noc->hops();
  const int first = p.pod_ids.front();
  m_monitor.charge(first, kDram, p.dram_bytes * E.dram_pj_per_byte);
  if (!p.layer->is_mac()) {
    for (int id : p.pod_ids)
      for (int c : {kGbuf, kNoc})
        m_monitor.charge(id, c, p.vector_pj[c] * static_cast<double>(p.vector_cycles));
    return;
  }
  for (const auto& t : p.schedule.tiles) {
    const int id = p.pod_ids[static_cast<std::size_t>(t.pod)];
    m_monitor.charge(id, kNoc, t.noc_bytes * hops * E.noc_pj_per_byte_hop);
    m_monitor.charge(id, kGbuf, t.noc_bytes * p.gbuf_pj_per_byte);
  }
}

void CycleModel::dram_clock() {
  m_gbuf.fill(m_dram.step(), m_monitor);
}

void CycleModel::noc_clock() {
  if (!m_plan.layer->is_mac()) {
    m_vector_noc_left = std::max(0.0, m_vector_noc_left - m_noc->aggregate_bandwidth());
    return;
  }
  if (m_plan.ideal_memory) return;
  thread_local std::vector<PodPort*> ports;
  ports.clear();
  for (int id : m_plan.pod_ids) ports.push_back(&m_pods[static_cast<std::size_t>(id)]);
  m_noc->clock(m_now, ports, m_gbuf, m_acc.energy.noc_pj_per_byte_hop, m_monitor);
}

void CycleModel::pods_clock() {
  for (int id : m_plan.pod_ids) m_pods[static_cast<std::size_t>(id)].step(m_now, m_monitor);
  for (std::size_t id = 0; id < m_acc.pods.size(); ++id)
    m_monitor.charge(static_cast<int>(id), kLeak,
                     static_cast<double>(m_acc.pods[id].rows) * m_acc.pods[id].cols *
                         m_acc.energy.leakage_pj_per_pe_cycle);
}

bool CycleModel::tick() {
  if (!m_active || m_finished) return false;
  m_monitor.begin_cycle(m_now);
  dram_clock();
  noc_clock();
  pods_clock();
  ++m_now;
  bool pods_done = true;
  for (int id : m_plan.pod_ids)
    pods_done = pods_done && m_pods[static_cast<std::size_t>(id)].done();
  if (!m_plan.layer->is_mac()) {
    const cycle_t elapsed = m_now - m_start;
    m_finished = pods_done && m_dram.done() && m_vector_noc_left <= 0 &&
                 elapsed >= static_cast<cycle_t>(m_noc->latency());
  } else if (pods_done && m_dram.done()) {
    m_finished = true;
    // Output return traffic over the interconnect, charged to the pods used.
    if (!m_plan.ideal_memory)
      for (int id : m_plan.pod_ids)
        m_monitor.charge(id, kNoc,
                         m_plan.output_noc_pj / static_cast<double>(m_plan.pod_ids.size()));
  }
  return !m_finished;
}

LayerSim CycleModel::end_layer() {
  const LayerPlan& p = m_plan;
  const workload::Layer& layer = *p.layer;
  if (p.ideal_memory && layer.is_mac())
    for (int id : p.pod_ids)
      m_monitor.charge(id, kNoc, p.output_noc_pj / static_cast<double>(p.pod_ids.size()));
  LayerSim r;
  r.layer = layer.name;
  r.kind = workload::to_string(layer.kind);
  r.multiplier = layer.is_mac() ? p.multiplier : "";
  r.macs = layer.is_mac() ? layer.gemm().macs() : 0;
  r.pods = static_cast<int>(p.pod_ids.size());
  r.start = m_start;
  r.cycles = m_now - m_start;
  // SCALE-Sim v2 reports the index of a layer's last cycle counted from 0, one less than the
  // clocks it takes; its timing reports the same.
  if (m_acc.timing == accel::Timing::scalesim && layer.is_mac()) r.cycles -= 1;
  r.stall_free = p.stall_free;
  r.stall_cycles = r.cycles - r.stall_free;
  if (r.stall_cycles < 0)
    throw Error("cycle model: layer '" + layer.name + "' took " + std::to_string(r.cycles) +
                " cycles, fewer than its stall-free schedule (" + std::to_string(r.stall_free) +
                "): the model and the tile plan disagree (a bug)");
  r.energy = m_monitor.take_layer();
  std::uint64_t gated = 0;
  for (int id : p.pod_ids) gated += m_pods[static_cast<std::size_t>(id)].gated();
  r.gated = static_cast<std::int64_t>(gated);
  r.y = std::move(m_y);
  r.index = m_job.index;
  r.input_on_chip = m_job.input_on_chip;
  r.weights_on_chip = m_job.weights_on_chip;
  m_job = {};
  m_active = false;
  return r;
}

std::vector<LayerJob> CycleModel::plan_network(const accel::Accelerator& acc,
                                               const workload::Network& net,
                                               const accel::Assignment& assign,
                                               const TensorSource& tensors,
                                               const std::vector<std::size_t>& selected) {
  std::vector<LayerJob> jobs;
  for (const auto& p : analytical::place_layers(acc, net, selected)) {
    const auto& layer = net.layers[p.index];
    LayerJob j;
    j.index = p.index;
    j.layer = &layer;
    j.input_on_chip = p.input_on_chip;
    j.weights_on_chip = p.weights_on_chip;
    if (layer.is_mac()) {
      j.multiplier = assign.for_layer(layer.name);
      j.tensors = tensors ? tensors(p.index) : nullptr;
    }
    jobs.push_back(std::move(j));
  }
  return jobs;
}

LayerSim CycleModel::run_job(const LayerJob& job) {
  begin_job(job);
  while (tick()) {
  }
  return end_layer();
}

std::vector<LayerSim> CycleModel::run_network(
    const workload::Network& net, const accel::Assignment& assign, const TensorSource& tensors,
    const std::vector<std::size_t>& selected,
    const std::function<void(const LayerSim&)>& on_layer) {
  std::vector<LayerSim> out;
  for (const auto& job : plan_network(m_acc, net, assign, tensors, selected)) {
    out.push_back(run_job(job));
    if (on_layer) on_layer(out.back());
  }
  return out;
}

LayerSim CycleModel::run_layer(const workload::Layer& layer, const engine::LayerTensors* tensors,
                               const std::string& mult, bool input_on_chip, bool weights_on_chip) {
  begin_layer(layer, tensors, mult, input_on_chip, weights_on_chip);
  while (tick()) {
  }
  return end_layer();
}

const mult::Table& CycleModel::table(const std::string& name) {
  auto it = m_tables.find(name);
  if (it == m_tables.end())
    it = m_tables
             .emplace(name,
                      std::make_unique<mult::Table>(*mult::Registry::instance().create(name).model))
             .first;
  return *it->second;
}

}  // namespace axpod::core
