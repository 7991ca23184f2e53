// The global buffer as a SystemC module: DRAM writes arrivals into `from_dram`, the
// interconnect reads operands for a pod through `from_noc` (the address is the pod), and asks
// through `query` whether a tile is in. It charges DRAM energy for what arrives and its own
// read energy (core::GlobalBuffer).
#pragma once

#include <tlm_utils/simple_target_socket.h>
#include <systemc>

#include "global_buffer.h"
#include "interfaces.h"

namespace axpod::sc {

class GlobalBufferModule : public sc_core::sc_module, public buffer_if {
 public:
  tlm_utils::simple_target_socket<GlobalBufferModule> from_dram;  // arrivals (write)
  tlm_utils::simple_target_socket<GlobalBufferModule> from_noc;   // operand reads
  sc_core::sc_export<buffer_if> query;                            // holds(lane, tile)
  sc_core::sc_port<energy_if> energy;                             // to the monitor

  explicit GlobalBufferModule(sc_core::sc_module_name name);
  bool holds(std::size_t lane, std::size_t t) const override { return m_core.holds(lane, t); }
  core::GlobalBuffer& core() { return m_core; }

 private:
  void dram_write(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void noc_read(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  core::GlobalBuffer m_core;  // the behaviour
};

}  // namespace axpod::sc
