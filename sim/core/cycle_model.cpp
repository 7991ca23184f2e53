#include "cycle_model.h"

#include <algorithm>
#include <cmath>

#include "common/error.h"
#include "mult/registry.h"

namespace axpod::core {

CycleModel::CycleModel(accel::Accelerator acc, analytical::MultiplierEnergies energies,
                       cycle_t window)
    : m_acc(std::move(acc)),
      m_monitor(m_acc.pods.size(), window),
      m_dram(m_acc.dram_bytes_per_cycle(), m_acc.dram.latency_cycles),
      m_noc(make_interconnect(m_acc.noc, m_acc.pods.size())),
      m_energies(std::move(energies)) {
  m_pods.reserve(m_acc.pods.size());
  for (std::size_t i = 0; i < m_acc.pods.size(); ++i) {
    m_pods.emplace_back(static_cast<int>(i), m_acc.pods[i], m_acc.energy);
    m_ports.push_back(&m_pods.back());
  }
  m_seq = std::make_unique<LayerSequencer>(m_acc, m_energies, blocks(), &m_tables);
}

Blocks CycleModel::blocks() {
  Blocks b{&m_dram, &m_gbuf, m_noc.get(), {}, &m_monitor, m_timeline};
  for (auto& p : m_pods) b.pods.push_back(&p);
  return b;
}

CycleModel::~CycleModel() = default;

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
  m_monitor.begin_cycle(m_now);
  m_seq->begin(job, m_now);
  m_finished = false;
}

bool CycleModel::tick() {
  if (!m_seq->active() || m_finished) return false;
  m_monitor.begin_cycle(m_now);
  clock();
  ++m_now;
  m_finished = m_seq->end_of_clock(m_now);
  return !m_finished;
}

void CycleModel::clock() {
  m_dram.step();
  for (std::size_t l = 0; l < m_dram.lanes(); ++l) m_gbuf.fill(l, m_dram.arrived(l), m_monitor);
  m_noc->clock(m_now, m_ports, m_gbuf, m_monitor);
  for (auto& p : m_pods) p.step(m_now, m_monitor);
  m_noc->clock_outputs(m_now, m_ports, m_monitor);
}

std::vector<LayerSim> CycleModel::run_jobs(std::vector<LayerJob> jobs,
                                           const std::function<void(const LayerSim&)>& on_layer) {
  Dispatcher d(m_acc, m_energies, blocks(), std::move(jobs), &m_tables);
  d.on_layer = on_layer;
  while (!d.finished()) {
    m_monitor.begin_cycle(m_now);
    d.start_ready(m_now);
    clock();
    ++m_now;
    d.end_of_clock(m_now);
  }
  return d.take_results();
}

LayerSim CycleModel::end_layer() {
  m_finished = false;
  return m_seq->end(m_now);
}

std::vector<LayerJob> CycleModel::plan_network(const accel::Accelerator& acc,
                                               const workload::Network& net,
                                               const accel::Assignment& assign,
                                               const TensorSource& tensors,
                                               const std::vector<std::size_t>& selected,
                                               const accel::Schedule* s) {
  std::vector<LayerJob> layers;
  std::vector<std::size_t> run;
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
    j.after = layers.empty() ? -1 : static_cast<int>(layers.size()) - 1;
    layers.push_back(std::move(j));
    run.push_back(p.index);
  }
  if (s == nullptr || s->is_default()) return layers;
  std::vector<LayerJob> jobs;
  for (const auto& sj : accel::expand_schedule(*s, net, run)) {
    const auto pos =
        static_cast<std::size_t>(std::find(run.begin(), run.end(), sj.layer) - run.begin());
    LayerJob j = layers[pos];
    j.item = sj.item;
    j.stage = sj.stage;
    j.after = sj.after;
    j.pods = s->stages[static_cast<std::size_t>(sj.stage)].pods;
    jobs.push_back(std::move(j));
  }
  return jobs;
}

LayerSim CycleModel::run_to_end() {
  while (tick()) {
  }
  return end_layer();
}

LayerSim CycleModel::run_job(const LayerJob& job) {
  begin_job(job);
  return run_to_end();
}

std::vector<LayerSim> CycleModel::run_network(const workload::Network& net,
                                              const accel::Assignment& assign,
                                              const TensorSource& tensors,
                                              const std::vector<std::size_t>& selected,
                                              const std::function<void(const LayerSim&)>& on_layer,
                                              const accel::Schedule* s) {
  return run_jobs(plan_network(m_acc, net, assign, tensors, selected, s), on_layer);
}

LayerSim CycleModel::run_layer(const workload::Layer& layer, const engine::LayerTensors* tensors,
                               const std::string& mult, bool input_on_chip, bool weights_on_chip) {
  begin_layer(layer, tensors, mult, input_on_chip, weights_on_chip);
  return run_to_end();
}

}  // namespace axpod::core
