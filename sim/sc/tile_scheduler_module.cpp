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
      m_dispatch(acc, energies, std::move(blocks), std::move(jobs)) {
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
    if (m_dispatch.finished()) {
      m_finished = true;
      if (on_finish) on_finish();
      sc_core::sc_stop();
      return;
    }
    energy->begin_cycle(m_now);
    m_dispatch.start_ready(m_now);
    go.write(m_now + 1);
  });
}

void TileSchedulerModule::close_clock() {
  guarded([&] {
    ++m_now;
    m_dispatch.end_of_clock(m_now);
  });
}

}  // namespace axpod::sc
