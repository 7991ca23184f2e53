#include "accelerator_top.h"

#include <string>

namespace axpod::sc {

AcceleratorTop::AcceleratorTop(sc_core::sc_module_name name, const accel::Accelerator& acc,
                               analytical::MultiplierEnergies energies, cycle_t window,
                               std::vector<core::LayerJob> jobs)
    : sc_core::sc_module(name), clk("clk") {
  const std::size_t n = acc.pods.size();
  m_monitor = std::make_unique<EnergyMonitorModule>("monitor", n, window, acc.clock_mhz);
  m_dram =
      std::make_unique<DramModule>("dram", acc.dram_bytes_per_cycle(), acc.dram.latency_cycles);
  m_buffer = std::make_unique<GlobalBufferModule>("global_buffer");
  m_noc = std::make_unique<InterconnectModule>("interconnect", acc.noc, n);
  core::Blocks blocks{&m_dram->core(), &m_buffer->core(), &m_noc->core(), {}, &m_monitor->core()};
  for (std::size_t i = 0; i < n; ++i) {
    m_pods.push_back(std::make_unique<PodModule>(("pod" + std::to_string(i)).c_str(),
                                                 static_cast<int>(i), acc.pods[i], acc.energy));
    blocks.pods.push_back(&m_pods.back()->core());
  }
  m_scheduler = std::make_unique<TileSchedulerModule>("tile_scheduler", acc, std::move(energies),
                                                      std::move(blocks), std::move(jobs));
  // Data: DRAM -> global buffer -> interconnect -> pods.
  m_dram->to_buffer.bind(m_buffer->from_dram);
  m_noc->to_buffer.bind(m_buffer->from_noc);
  m_noc->buffer.bind(m_buffer->query);
  for (auto& p : m_pods) {
    m_noc->to_pods.bind(p->sram);
    m_noc->pods.bind(p->dma);
  }
  // Energy.
  m_buffer->energy.bind(m_monitor->energy);
  m_noc->energy.bind(m_monitor->energy);
  m_scheduler->energy.bind(m_monitor->energy);
  for (auto& p : m_pods) p->energy.bind(m_monitor->energy);
  // The order within a clock.
  m_scheduler->clk.bind(clk);
  m_scheduler->go.bind(m_dram_go);
  m_dram->go.bind(m_dram_go);
  m_dram->done.bind(m_noc_go);
  m_noc->go.bind(m_noc_go);
  m_noc->done.bind(m_pods_go);
  for (std::size_t i = 0; i < n; ++i) {
    m_pod_done.push_back(std::make_unique<Token>(("pod" + std::to_string(i) + "_done").c_str()));
    m_pods[i]->go.bind(m_pods_go);
    m_pods[i]->done.bind(*m_pod_done[i]);
    m_noc->pods_done[i].bind(*m_pod_done[i]);
  }
  m_noc->outputs_done.bind(m_clock_done);
  m_scheduler->clock_done.bind(m_clock_done);
}

void AcceleratorTop::set_timeline(core::Timeline* t) {
  m_scheduler->dispatcher().set_timeline(t);
  for (auto& p : m_pods) p->core().set_timeline(t);
}

ScRun run_systemc(const accel::Accelerator& acc, analytical::MultiplierEnergies energies,
                  cycle_t window, std::vector<core::LayerJob> jobs,
                  const std::function<void(const core::LayerSim&)>& progress,
                  core::Timeline* timeline) {
  ScRun out;
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                          sc_core::SC_DO_NOTHING);
  const double period_ns = 1000.0 / acc.clock_mhz;
  sc_core::sc_clock clock("clock", sc_core::sc_time(period_ns, sc_core::SC_NS));
  AcceleratorTop top("accelerator", acc, std::move(energies), window, std::move(jobs));
  top.clk(clock);
  top.set_timeline(timeline);
  top.scheduler().dispatcher().on_layer = [&](const core::LayerSim& l) {
    if (progress) progress(l);
  };
  top.scheduler().on_finish = [&] { top.monitor().core().finish(); };
  sc_core::sc_start();
  rethrow_process_error();
  out.layers = top.scheduler().dispatcher().take_results();
  out.windows = top.monitor().core().windows();
  return out;
}

}  // namespace axpod::sc
