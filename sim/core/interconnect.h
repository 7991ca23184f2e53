// The interconnect between the global buffer and the pods' SRAM ports. Each clock every port
// that has a transfer in progress asks for bytes; the topology decides how many it gets
// (contention) and how many hops they travel (latency and energy). One implementation per
// topology, registered by name (noc/*.cpp), as the multipliers are. Layers of a schedule's
// stages (lanes) run at once on disjoint pods: the ports of every lane contend in one
// arbitration.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "accel/accelerator.h"

namespace axpod::core {

using cycle_t = std::int64_t;  // core clock cycles
class EnergySink;

/// What the interconnect sees of a pod's SRAM port (a PodCore, or a SystemC pod module).
class PodPort {
 public:
  virtual ~PodPort() = default;
  /// The accelerator index of the pod (energy is charged to it).
  virtual int pod_id() const = 0;
  /// The tile it fetches next (index into the layer's tiles), or -1.
  virtual int next_fetch() const = 0;
  /// Bytes it asks for this clock (-1: none, as starting a tile needs room in its SRAM).
  virtual double request() = 0;
  /// `bytes` arrived; a completed tile is usable `latency` clocks later.
  virtual void receive(double bytes, cycle_t now, int latency) = 0;
  /// Output bytes it has ready to send back to the global buffer.
  virtual double outputs_pending() const = 0;
  /// `bytes` of its outputs left this clock.
  virtual void send_outputs(double bytes, cycle_t now) = 0;
};

/// What the interconnect sees of the global buffer.
class BufferPort {
 public:
  virtual ~BufferPort() = default;
  /// Whether tile `t` of lane `lane`'s layer has arrived from DRAM.
  virtual bool holds(std::size_t lane, std::size_t t) const = 0;
  /// Reads `bytes` of lane `lane`'s operands out for accelerator pod `pod` (the buffer charges
  /// its energy to `energy`).
  virtual void read(std::size_t lane, int pod, double bytes, EnergySink& energy) = 0;
};

class Interconnect {
 public:
  explicit Interconnect(const accel::Interconnect& cfg, std::size_t ports)
      : m_cfg(cfg), m_ports(ports) {}
  virtual ~Interconnect() = default;

  /// Hops between the global buffer and a pod.
  virtual int hops() const = 0;
  /// This clock's grants: `sent[p]` <= `want[p]` bytes for each port, served in round-robin
  /// order from port `first` (the same port does not always win a shared link), on what is
  /// left of the links after `busy[p]` bytes each already moved this clock.
  virtual void arbitrate(std::size_t first, const std::vector<double>& want,
                         const std::vector<double>& busy, std::vector<double>& sent) const = 0;
  /// Bytes per clock over `ports` of the ports together (the rate of a bulk transfer to them).
  virtual double aggregate_bandwidth(std::size_t ports) const = 0;
  double aggregate_bandwidth() const { return aggregate_bandwidth(m_ports); }

  /// A MAC layer starts on lane `lane`: its tiles go to the pods at positions `used` of the
  /// ports (`ideal`: they are there already, nothing moves); `pj_per_byte_hop` is the transfer
  /// energy.
  void begin_tiles(std::size_t lane, std::vector<int> used, bool ideal, double pj_per_byte_hop);
  void begin_tiles(std::vector<int> used, bool ideal, double pj_per_byte_hop) {
    begin_tiles(0, std::move(used), ideal, pj_per_byte_hop);
  }
  /// A layer without tiles starts on lane `lane`: `bytes` move in bulk to its `ports` pods at
  /// their aggregate bandwidth (their energy is the pods' vector path's).
  void begin_bulk(std::size_t lane, double bytes, std::size_t ports);
  void begin_bulk(double bytes) { begin_bulk(0, bytes, m_ports); }
  /// Lane `lane`'s layer is over: its ports leave the arbitration (they may serve another
  /// lane's layer next).
  void end_layer(std::size_t lane) {
    if (lane < m_lanes.size()) m_lanes[lane] = Lane{};
  }
  /// Bytes of lane `lane`'s bulk transfer still to move.
  double bulk_left(std::size_t lane = 0) const {
    return lane < m_lanes.size() ? m_lanes[lane].bulk_left : 0.0;
  }

  /// One clock, before the pods step (`pods`: every port, in order). Tiles: every pod of a
  /// lane's layer whose next tile is in the global buffer asks for its bytes, the topology grants
  /// them (round robin from the `now % n`-th of the n ports in tile transfers), the pods receive
  /// them; the interconnect's and the global buffer's energy go to `energy`. Bulk: each lane's
  /// aggregate bandwidth's worth of bytes moves.
  void clock(cycle_t now, const std::vector<PodPort*>& pods, BufferPort& buffer,
             EnergySink& energy);
  /// The same clock, after the pods stepped: the outputs they completed go back to the global
  /// buffer on what the operand transfers left of the links.
  void clock_outputs(cycle_t now, const std::vector<PodPort*>& pods, EnergySink& energy);

  /// A link per port (crossbar, butterfly): each port gets what its own link has left.
  void grant_per_port(const std::vector<double>& want, const std::vector<double>& busy,
                      std::vector<double>& sent) const;

  /// Cycles from a transfer's last byte to the operands being usable in the pod.
  int latency() const { return hops() * m_cfg.hop_latency; }
  const accel::Interconnect& config() const { return m_cfg; }
  std::size_t ports() const { return m_ports; }

 protected:
  accel::Interconnect m_cfg;  // bandwidth, hop latency
  std::size_t m_ports;        // pods attached
  enum class Mode { idle, tiles, bulk };
  struct Lane {
    Mode mode = Mode::idle;      // what its layer moves
    double pj_per_byte_hop = 0;  // transfer energy (tiles)
    double bulk_left = 0;        // bytes of the bulk transfer to go
    double bulk_rate = 0;        // its bytes per clock
    std::vector<int> used;       // ports of the layer's pods
  };
  struct Port {
    int index;         // into the ports
    std::size_t lane;  // whose layer
  };
  std::vector<Lane> m_lanes;              // one layer per lane
  std::vector<Port> m_now;                // ports in tile transfers this clock, lane by lane
  std::vector<double> m_want, m_sent;     // scratch of clock()
  std::vector<char> m_active;             // pods with an operand transfer this clock
  std::vector<double> m_out, m_out_sent;  // output bytes each pod wants to send, may send
};

using InterconnectFactory =
    std::function<std::unique_ptr<Interconnect>(const accel::Interconnect&, std::size_t ports)>;

/// Registers a topology's implementation (called from static initialisers in noc/*.cpp).
bool register_interconnect(accel::Topology topology, InterconnectFactory make);
/// The implementation of `cfg.topology` for `ports` pods; axpod::Error when none is registered.
std::unique_ptr<Interconnect> make_interconnect(const accel::Interconnect& cfg, std::size_t ports);

}  // namespace axpod::core
