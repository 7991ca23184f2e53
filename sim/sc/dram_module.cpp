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
    Transfer t;
    t.now = go.read() - 1;
    t.bytes = m_core.step();
    if (t.bytes > 0) send(to_buffer, tlm::TLM_WRITE_COMMAND, 0, t);
    done.write(go.read());
  });
}

}  // namespace axpod::sc
