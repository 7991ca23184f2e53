#include "pod_module.h"

namespace axpod::sc {

PodModule::PodModule(sc_core::sc_module_name name, int id, const accel::Pod& cfg,
                     const accel::EnergyTable& energy_table)
    : sc_core::sc_module(name),
      sram("sram"),
      dma("dma"),
      energy("energy"),
      go("go"),
      done("done"),
      m_core(id, cfg, energy_table) {
  sram.register_b_transport(this, &PodModule::sram_access);
  dma.bind(*this);
  SC_METHOD(clock);
  sensitive << go;
  dont_initialize();
}

void PodModule::sram_access(tlm::tlm_generic_payload& gp, sc_core::sc_time&) {
  const Transfer& t = transfer_of(gp);
  if (gp.is_write()) {
    m_core.receive(t.bytes, t.now, t.latency);
  } else if (gp.is_read()) {
    m_core.send_outputs(t.bytes, t.now);
  } else {
    gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

void PodModule::clock() {
  guarded([&] {
    m_core.step(go.read() - 1, *energy[0]);
    done.write(go.read());
  });
}

}  // namespace axpod::sc
