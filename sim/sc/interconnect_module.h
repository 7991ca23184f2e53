// The interconnect as a SystemC module: each clock (after DRAM's token) the topology's model
// (core::Interconnect, from the registry) asks every pod's DMA what it wants, grants bytes with
// contention, reads them out of the global buffer and writes them into the pods' SRAM, all
// through TLM-2.0 sockets, and wakes the pods; once they have stepped, it reads the outputs they
// completed out of their SRAM on what is left of the links, and lets the scheduler close the
// clock.
#pragma once

#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>

#include <memory>
#include <vector>

#include "interconnect.h"
#include "interfaces.h"

namespace axpod::sc {

class InterconnectModule : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<InterconnectModule> to_buffer;           // operand reads
  tlm_utils::multi_passthrough_initiator_socket<InterconnectModule> to_pods;  // SRAM writes
  sc_core::sc_port<pod_dma_if, 0> pods;                     // every pod's DMA, in accelerator order
  sc_core::sc_port<buffer_if> buffer;                       // what the global buffer holds
  sc_core::sc_port<energy_if> energy;                       // to the monitor
  sc_core::sc_in<long long> go;                             // DRAM's token
  sc_core::sc_out<long long> done;                          // wakes the pods
  sc_core::sc_vector<sc_core::sc_in<long long>> pods_done;  // every pod has stepped
  sc_core::sc_out<long long> outputs_done;                  // outputs sent: the clock can close

  SC_HAS_PROCESS(InterconnectModule);
  InterconnectModule(sc_core::sc_module_name name, const accel::Interconnect& cfg,
                     std::size_t ports);
  ~InterconnectModule() override;
  core::Interconnect& core() { return *m_core; }

 private:
  class PodLink;
  class BufferLink;
  void end_of_elaboration() override;
  void clock();
  void clock_outputs();

  std::unique_ptr<core::Interconnect> m_core;     // the topology's behaviour
  std::vector<std::unique_ptr<PodLink>> m_links;  // the pods, as the core sees them
  std::vector<core::PodPort*> m_ports;            // the same, for clock()
  std::unique_ptr<BufferLink> m_buffer;           // the global buffer, as the core sees it
  cycle_t m_now = 0;                              // the clock in progress
};

}  // namespace axpod::sc
