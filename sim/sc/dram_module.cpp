#include "dram_module.h"

namespace axpod::sc {

DramModule::DramModule(sc_core::sc_module_name name, double bytes_per_cycle, cycle_t latency)
    : sc_core::sc_module(name),
      to_buffer("to_buffer"),
      go("go"),
      done("done"),
      m_core(bytes_per_cycle, latency) {
  SC_METHOD(clock);
  sensitive << go;
  dont_initialize();
}

void DramModule::clock() {
  guarded([&] {
    m_core.step();
    for (std::size_t l = 0; l < m_core.lanes(); ++l) {
      Transfer t;
      t.now = go.read() - 1;
      t.bytes = m_core.arrived(l);
      t.lane = l;
      if (t.bytes > 0) send(to_buffer, tlm::TLM_WRITE_COMMAND, l, t);
    }
    done.write(go.read());
  });
}

}  // namespace axpod::sc
