// Template part of interfaces.h.
#pragma once

#include <string>

#include "common/error.h"

namespace axpod::sc {

template <typename Socket>
void send(Socket&& socket, tlm::tlm_command cmd, std::uint64_t address, Transfer& t) {
  tlm::tlm_generic_payload gp;
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  gp.set_command(cmd);
  gp.set_address(address);
  gp.set_data_ptr(reinterpret_cast<unsigned char*>(&t));
  gp.set_data_length(sizeof(Transfer));
  gp.set_streaming_width(sizeof(Transfer));
  gp.set_byte_enable_ptr(nullptr);
  gp.set_dmi_allowed(false);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  socket->b_transport(gp, delay);
  if (gp.is_response_error())
    throw Error(std::string("SystemC transaction failed: ") + gp.get_response_string());
}

}  // namespace axpod::sc
