// What the SystemC modules of an accelerator say to each other.
//
// Data moves through TLM-2.0 blocking transport: DRAM writes what arrived into the global
// buffer, the interconnect reads operands out of the global buffer and writes them into a pod's
// SRAM, and reads a pod's finished outputs out of its SRAM. The model moves byte counts, not bytes:
// a transaction's data is one `Transfer`. Questions that move no data (which tile a pod fetches
// next, whether the global buffer holds it) and energy go through SystemC interfaces (sc_port /
// sc_export).
//
// Within a clock the modules run in the order of the plain-C++ model (CycleModel::tick): the
// tile scheduler on the clock edge, then DRAM, the interconnect (operands in), the pods, the
// interconnect again (outputs out), each woken by a token signal that the one before writes
// (one delta cycle apart), then the scheduler again to close the clock. Both therefore give the
// same cycles and outputs, and the same energy but for the rounding of its sums (the kernel may
// wake the pods of one delta in another order).
#pragma once

#include <systemc>
#include <tlm>

#include <cstdint>
#include <functional>

#include "energy_monitor.h"

namespace axpod::sc {

using core::cycle_t;

/// The data of a transaction: a byte count, the clock it happens in, (pod SRAM writes) the
/// clocks until a completed tile is usable, and (DRAM and the global buffer) the lane whose
/// layer it serves (a layer schedule's stage; 0 without one).
struct Transfer {
  double bytes = 0;
  cycle_t now = 0;
  int latency = 0;
  std::size_t lane = 0;
};

/// Sends `t` through `socket` as a TLM-2.0 generic payload (`address`: the target's meaning);
/// throws axpod::Error when the target does not answer OK.
template <typename Socket>
void send(Socket&& socket, tlm::tlm_command cmd, std::uint64_t address, Transfer& t);

/// A transaction's Transfer (checks its length).
Transfer& transfer_of(tlm::tlm_generic_payload& gp);

/// The energy monitor, as the modules see it.
class energy_if : public virtual sc_core::sc_interface, public core::EnergySink {
 public:
  /// Starts clock `now` (closes a window when it is beyond it).
  virtual void begin_cycle(cycle_t now) = 0;
};

/// A pod's DMA, as the interconnect sees it.
class pod_dma_if : public virtual sc_core::sc_interface {
 public:
  virtual int pod_id() const = 0;
  /// The tile it fetches next, or -1.
  virtual int next_fetch() const = 0;
  /// Bytes it asks for this clock (-1: none).
  virtual double request() = 0;
  /// Output bytes it has ready to send back.
  virtual double outputs_pending() const = 0;
};

/// The global buffer, as the interconnect sees it.
class buffer_if : public virtual sc_core::sc_interface {
 public:
  /// Whether tile `t` of lane `lane`'s layer has its operands in the buffer.
  virtual bool holds(std::size_t lane, std::size_t t) const = 0;
};

/// Runs `body` in a SystemC process: an exception stops the simulation and is kept for
/// rethrow_process_error().
void guarded(const std::function<void()>& body);
/// Rethrows the exception a process stopped the simulation with, if any (and forgets it).
void rethrow_process_error();

/// The token signals that order the modules within a clock (the value is the clock + 1).
using Token = sc_core::sc_signal<long long>;

}  // namespace axpod::sc

#include "interfaces.inl"
