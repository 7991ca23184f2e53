#include "layer_sequencer.h"

#include <algorithm>

#include "common/error.h"
#include "mult/registry.h"

namespace axpod::core {

LayerSequencer::LayerSequencer(const accel::Accelerator& acc,
                               analytical::MultiplierEnergies energies, Blocks blocks,
                               TableCache* tables)
    : m_acc(acc),
      m_energies(std::move(energies)),
      m_b(std::move(blocks)),
      m_tables(tables != nullptr ? tables : &m_own_tables) {}

LayerPlan LayerSequencer::plan(const LayerJob& job) const {
  const workload::Layer& layer = *job.layer;
  const std::string mult =
      layer.is_mac() ? analytical::layer_pods(m_acc, layer, job.multiplier).multiplier : "";
  const double fj =
      layer.is_mac() && !m_acc.energy.catalog.empty() ? m_energies.fj(mult, layer.name) : 0.0;
  return plan_layer(m_acc, layer, job.multiplier, fj, job.input_on_chip, job.weights_on_chip,
                    job.pods);
}

const mult::Table& TableCache::get(const std::string& name) {
  auto it = m_tables.find(name);
  if (it == m_tables.end())
    it = m_tables
             .emplace(name,
                      std::make_unique<mult::Table>(*mult::Registry::instance().create(name).model))
             .first;
  return *it->second;
}

const mult::Table& LayerSequencer::table(const std::string& name) {
  return m_tables->get(name);
}

void LayerSequencer::begin(const LayerJob& job, cycle_t now) {
  const workload::Layer& layer = *job.layer;
  if (layer.is_mac() && job.tensors == nullptr)
    throw Error("layer '" + layer.name + "' needs tensors");
  m_job = job;
  m_plan = plan(job);
  m_start = now;
  m_active = true;
  const std::size_t lane = static_cast<std::size_t>(job.stage);
  const auto& E = m_acc.energy;
  const LayerPlan& p = m_plan;
  // What the lane's pods spent since its last layer ended (idle leakage while it waited for
  // this one's input) stays in the lane's total: it is this layer's.
  // With stall-free memory (SCALE-Sim timing) nothing waits for DRAM or the interconnect; what
  // they move is charged when the layer starts.
  m_b.dram->begin(lane, p.ideal_memory ? 0.0 : p.dram_bytes);
  if (p.ideal_memory) charge_traffic_upfront();
  if (!layer.is_mac()) {
    m_b.buffer->begin(lane, {}, {p.pod_ids.front()}, 0.0, E.dram_pj_per_byte);
    m_b.noc->begin_bulk(lane, p.ideal_memory ? 0.0 : p.vector_noc_bytes, p.pod_ids.size());
    double pj[kComponents];
    std::copy(std::begin(p.vector_pj), std::end(p.vector_pj), std::begin(pj));
    if (p.ideal_memory) pj[kGbuf] = pj[kNoc] = 0;
    for (int id : p.pod_ids)
      m_b.pods[static_cast<std::size_t>(id)]->begin_vector(pj, p.vector_cycles);
    m_y.clear();
    return;
  }
  const TileSchedule& ts = p.schedule;
  std::vector<int> tile_pods;
  for (const auto& t : ts.tiles) tile_pods.push_back(p.pod_ids[static_cast<std::size_t>(t.pod)]);
  m_b.buffer->begin(lane, ts.dram_prefix, std::move(tile_pods), p.gbuf_pj_per_byte,
                    E.dram_pj_per_byte);
  m_b.noc->begin_tiles(lane, p.pod_ids, p.ideal_memory, E.noc_pj_per_byte_hop);
  const auto& g = job.tensors->g;
  m_y.assign(static_cast<std::size_t>(g.groups * g.m * g.n), 0);
  PodLayer pl;
  pl.tensors = job.tensors;
  pl.tiles = &ts.tiles;
  pl.y = &m_y;
  pl.table = &table(p.multiplier);
  pl.multiplier = p.multiplier;
  pl.dataflow = p.dataflow;
  pl.timing = m_acc.timing;
  pl.ideal_memory = p.ideal_memory;
  pl.mult_pj = p.mult_pj;
  for (std::size_t i = 0; i < p.pod_ids.size(); ++i)
    m_b.pods[static_cast<std::size_t>(p.pod_ids[i])]->begin_mac(pl, ts.queues[i]);
}

void LayerSequencer::charge_traffic_upfront() {
  const auto& E = m_acc.energy;
  const LayerPlan& p = m_plan;
  EnergySink& e = *m_b.monitor;
  const int hops = m_b.noc->hops();
  e.charge(p.pod_ids.front(), kDram, p.dram_bytes * E.dram_pj_per_byte);
  if (!p.layer->is_mac()) {
    for (int id : p.pod_ids)
      for (int c : {kGbuf, kNoc})
        e.charge(id, c, p.vector_pj[c] * static_cast<double>(p.vector_cycles));
    return;
  }
  for (const auto& t : p.schedule.tiles) {
    const int id = p.pod_ids[static_cast<std::size_t>(t.pod)];
    e.charge(id, kNoc, t.noc_bytes * hops * E.noc_pj_per_byte_hop);
    e.charge(id, kGbuf, t.noc_bytes * p.gbuf_pj_per_byte);
  }
}

bool LayerSequencer::end_of_clock(cycle_t now) {
  if (!m_active) return false;
  bool pods_done = true;
  for (int id : m_plan.pod_ids)
    pods_done = pods_done && m_b.pods[static_cast<std::size_t>(id)]->done();
  const std::size_t lane = static_cast<std::size_t>(m_job.stage);
  if (!pods_done || !m_b.dram->done(lane)) return false;
  if (!m_plan.layer->is_mac())
    return m_b.noc->bulk_left(lane) <= 0 &&
           now - m_start >= static_cast<cycle_t>(m_b.noc->latency());
  return true;
}

LayerSim LayerSequencer::end(cycle_t now) {
  const LayerPlan& p = m_plan;
  const std::size_t lane = static_cast<std::size_t>(m_job.stage);
  const workload::Layer& layer = *p.layer;
  // With stall-free memory the outputs' return is charged here (else as it happens).
  if (layer.is_mac() && p.ideal_memory)
    for (int id : p.pod_ids)
      m_b.monitor->charge(id, kNoc, p.output_noc_pj / static_cast<double>(p.pod_ids.size()));
  LayerSim r;
  r.layer = layer.name;
  r.kind = workload::to_string(layer.kind);
  r.multiplier = layer.is_mac() ? p.multiplier : "";
  r.macs = layer.is_mac() ? layer.gemm().macs() : 0;
  r.pods = static_cast<int>(p.pod_ids.size());
  r.start = m_start;
  r.end = now;
  r.cycles = now - m_start;
  // SCALE-Sim v2 reports the index of a layer's last cycle counted from 0, one less than the
  // clocks it takes; its timing reports the same.
  if (m_acc.timing == accel::Timing::scalesim && layer.is_mac()) r.cycles -= 1;
  r.stall_free = p.stall_free;
  r.stall_cycles = r.cycles - r.stall_free;
  if (r.stall_cycles < 0)
    throw Error("cycle model: layer '" + layer.name + "' took " + std::to_string(r.cycles) +
                " cycles, fewer than its stall-free schedule (" + std::to_string(r.stall_free) +
                "): the model and the tile plan disagree (a bug)");
  if (m_b.timeline) {
    const std::string name =
        m_job.item > 0 ? layer.name + " #" + std::to_string(m_job.item) : layer.name;
    const int row = 2 * m_job.stage;  // each stage's layers and DRAM on rows of their own
    m_b.timeline->add(Timeline::kAccelerator, row + Timeline::kLayers, name, "layer", m_start, now);
    m_b.timeline->add(Timeline::kAccelerator, row + Timeline::kDram, "DRAM " + name, "dram",
                      m_start, m_start + m_b.dram->busy_clocks(lane));
  }
  r.energy = m_b.monitor->take_layer(lane);
  m_b.noc->end_layer(lane);
  std::uint64_t gated = 0;
  for (int id : p.pod_ids) gated += m_b.pods[static_cast<std::size_t>(id)]->gated();
  r.gated = static_cast<std::int64_t>(gated);
  r.y = std::move(m_y);
  r.index = m_job.index;
  r.item = m_job.item;
  r.stage = m_job.stage;
  r.input_on_chip = m_job.input_on_chip;
  r.weights_on_chip = m_job.weights_on_chip;
  m_job = {};
  m_active = false;
  return r;
}

}  // namespace axpod::core
