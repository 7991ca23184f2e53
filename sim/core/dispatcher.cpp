#include "dispatcher.h"

#include <algorithm>

#include "common/error.h"

namespace axpod::core {

Dispatcher::Dispatcher(const accel::Accelerator& acc,
                       const analytical::MultiplierEnergies& energies, Blocks blocks,
                       std::vector<LayerJob> jobs, TableCache* tables)
    : m_b(std::move(blocks)), m_jobs(std::move(jobs)) {
  int lanes = 1;
  for (const auto& j : m_jobs) {
    if (j.stage < 0) throw Error("dispatcher: a job has a negative stage (a bug)");
    lanes = std::max(lanes, j.stage + 1);
  }
  m_lanes.resize(static_cast<std::size_t>(lanes));
  std::vector<std::vector<int>> stage_pods(static_cast<std::size_t>(lanes));
  std::vector<int> job_stages;
  for (std::size_t i = 0; i < m_jobs.size(); ++i) {
    const auto& j = m_jobs[i];
    if (j.after >= static_cast<int>(i))
      throw Error("dispatcher: a job waits for a later one (a bug)");
    Lane& l = m_lanes[static_cast<std::size_t>(j.stage)];
    l.queue.push_back(i);
    auto& pods = stage_pods[static_cast<std::size_t>(j.stage)];
    if (j.pods.empty()) {
      pods.clear();
      for (std::size_t p = 0; p < m_b.pods.size(); ++p) pods.push_back(static_cast<int>(p));
    } else {
      pods = j.pods;
    }
    job_stages.push_back(j.stage);
  }
  if (tables == nullptr) tables = &m_own_tables;
  for (auto& l : m_lanes) l.seq = std::make_unique<LayerSequencer>(acc, energies, m_b, tables);
  m_b.monitor->set_lanes(analytical::stage_of_pods(m_b.pods.size(), job_stages, stage_pods));
  m_results.resize(m_jobs.size());
  m_finished.assign(m_jobs.size(), 0);
}

Dispatcher::~Dispatcher() {
  m_b.monitor->set_lanes(std::vector<int>(m_b.pods.size(), 0));
}

void Dispatcher::set_timeline(Timeline* t) {
  for (auto& l : m_lanes) l.seq->set_timeline(t);
}

void Dispatcher::start_ready(cycle_t now) {
  for (auto& l : m_lanes) {
    if (l.running >= 0 || l.next >= l.queue.size()) continue;
    const std::size_t j = l.queue[l.next];
    const int after = m_jobs[j].after;
    if (after >= 0 && !m_finished[static_cast<std::size_t>(after)]) continue;
    l.seq->begin(m_jobs[j], now);
    l.running = static_cast<int>(j);
    ++l.next;
  }
}

bool Dispatcher::end_of_clock(cycle_t now) {
  for (auto& l : m_lanes) {
    if (l.running < 0 || !l.seq->end_of_clock(now)) continue;
    const auto j = static_cast<std::size_t>(l.running);
    m_results[j] = l.seq->end(now);
    m_finished[j] = 1;
    ++m_done;
    l.last = l.running;
    l.running = -1;
    if (on_layer) on_layer(m_results[j]);
  }
  return finished();
}

std::vector<LayerSim> Dispatcher::take_results() {
  if (finished())
    for (std::size_t s = 0; s < m_lanes.size(); ++s)
      if (m_lanes[s].last >= 0)
        m_results[static_cast<std::size_t>(m_lanes[s].last)].energy += m_b.monitor->take_layer(s);
  return std::move(m_results);
}

}  // namespace axpod::core
