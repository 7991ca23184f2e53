#include "global_buffer_module.h"

namespace axpod::sc {

GlobalBufferModule::GlobalBufferModule(sc_core::sc_module_name name)
    : sc_core::sc_module(name),
      from_dram("from_dram"),
      from_noc("from_noc"),
      query("query"),
      energy("energy") {
  from_dram.register_b_transport(this, &GlobalBufferModule::dram_write);
  from_noc.register_b_transport(this, &GlobalBufferModule::noc_read);
  query.bind(*this);
}

void GlobalBufferModule::dram_write(tlm::tlm_generic_payload& gp, sc_core::sc_time&) {
  if (!gp.is_write()) {
    gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  const Transfer& t = transfer_of(gp);
  m_core.fill(t.lane, t.bytes, *energy[0]);
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

void GlobalBufferModule::noc_read(tlm::tlm_generic_payload& gp, sc_core::sc_time&) {
  if (!gp.is_read()) {
    gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  const Transfer& t = transfer_of(gp);
  m_core.read(t.lane, static_cast<int>(gp.get_address()), t.bytes, *energy[0]);
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace axpod::sc
