// DRAM as a SystemC module: each clock (after the tile scheduler's token) its channel
// (core::DramChannel) moves what the bandwidth allows, and it writes each lane's count into the
// global buffer through its TLM-2.0 initiator socket (one transaction per lane that got bytes).
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>

#include "dram.h"
#include "interfaces.h"

namespace axpod::sc {

class DramModule : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<DramModule> to_buffer;  // writes arrivals
  sc_core::sc_in<long long> go;                              // the scheduler's token
  sc_core::sc_out<long long> done;                           // wakes the interconnect

  SC_HAS_PROCESS(DramModule);
  DramModule(sc_core::sc_module_name name, double bytes_per_cycle, cycle_t latency);
  core::DramChannel& core() { return m_core; }

 private:
  void clock();
  core::DramChannel m_core;  // the behaviour
};

}  // namespace axpod::sc
