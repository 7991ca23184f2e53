#include "tile_scheduler_module.h"

namespace axpod::sc {

TileSchedulerModule::TileSchedulerModule(sc_core::sc_module_name name,
                                         const accel::Accelerator& acc,
                                         analytical::MultiplierEnergies energies,
                                         core::Blocks blocks, std::vector<core::LayerJob> jobs)
    : sc_core::sc_module(name),
      clk("clk"),
      go("go"),
      clock_done("clock_done"),
      energy("energy"),
      m_seq(acc, std::move(energies), std::move(blocks)),
      m_jobs(std::move(jobs)) {
  SC_METHOD(clock);
  sensitive << clk.pos();
  dont_initialize();
  SC_METHOD(close_clock);
  sensitive << clock_done;
  dont_initialize();
}

void TileSchedulerModule::clock() {
  guarded([&] {
    if (m_finished) return;
    energy->begin_cycle(m_now);
    if (!m_seq.active()) {
      if (m_next >= m_jobs.size()) {
        m_finished = true;
        if (on_finish) on_finish();
        sc_core::sc_stop();
        return;
      }
      m_seq.begin(m_jobs[m_next++], m_now);
    }
    go.write(m_now + 1);
  });
}

void TileSchedulerModule::close_clock() {
  guarded([&] {
    ++m_now;
    if (m_seq.end_of_clock(m_now)) {
      core::LayerSim l = m_seq.end(m_now);
      if (on_layer) on_layer(std::move(l));
    }
  });
}

}  // namespace axpod::sc
