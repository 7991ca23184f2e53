// A pod as a SystemC module: its systolic array, tile queue and DMA (core::PodCore) step once
// per clock after the interconnect's token; operand bytes arrive in its SRAM through a TLM-2.0
// target socket, and the interconnect asks its DMA what to fetch through `dma`.
#pragma once

#include <tlm_utils/simple_target_socket.h>
#include <systemc>

#include "interfaces.h"
#include "pod.h"

namespace axpod::sc {

class PodModule : public sc_core::sc_module, public pod_dma_if {
 public:
  tlm_utils::simple_target_socket<PodModule> sram;  // operands in (write), outputs out (read)
  sc_core::sc_export<pod_dma_if> dma;               // what it fetches
  sc_core::sc_port<energy_if> energy;               // to the monitor
  sc_core::sc_in<long long> go;                     // the interconnect's token
  sc_core::sc_out<long long> done;                  // tells the scheduler

  SC_HAS_PROCESS(PodModule);
  PodModule(sc_core::sc_module_name name, int id, const accel::Pod& cfg,
            const accel::EnergyTable& energy_table);

  int pod_id() const override { return m_core.pod_id(); }
  int next_fetch() const override { return m_core.next_fetch(); }
  double request() override { return m_core.request(); }
  double outputs_pending() const override { return m_core.outputs_pending(); }
  core::PodCore& core() { return m_core; }

 private:
  void clock();
  void sram_access(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  core::PodCore m_core;  // the behaviour
};

}  // namespace axpod::sc
