// One pod of the cycle-level model (plain C++): its systolic array stepped per clock with real
// int8 data, its tile queue, the DMA side of its SRAM (which tile it fetches next, how far
// ahead its input and filter buffers let it fetch) and the energy of what it did each clock.
// The vector path for residual adds and pooling (one element per column per clock) is here too.
//
// Timing of a stationary dataflow (ws, is): a tile streams for A + B + T - 2 clocks; its
// stationary operand is loaded row by row (A clocks) into the shadow registers. With
// Timing::double_buffered the next tile's rows load while the current tile streams (the pod
// pays one preload per layer); with Timing::scalesim every tile waits for its own preload, as
// SCALE-Sim v2 counts.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "accel/accelerator.h"
#include "array_registry.h"
#include "energy_monitor.h"
#include "engine/tensors.h"
#include "interconnect.h"
#include "mult/table.h"
#include "systolic_array.h"
#include "tile_scheduler.h"
#include "timeline.h"

namespace axpod::core {

/// What every pod of a MAC layer shares.
struct PodLayer {
  const engine::LayerTensors* tensors = nullptr;  // the layer's operands
  const std::vector<Tile>* tiles = nullptr;       // all tiles of the layer
  std::vector<std::int32_t>* y = nullptr;         // int32 outputs (groups x M x N), accumulated
  const mult::Table* table = nullptr;             // the multiplier's products
  std::string multiplier;                         // its canonical name
  accel::Dataflow dataflow = accel::Dataflow::ws;
  accel::Timing timing = accel::Timing::double_buffered;
  bool ideal_memory = false;  // operands are in the pod from the start (stall-free memory)
  double mult_pj = 0;         // per non-gated multiplication
};

class PodCore : public PodPort {
 public:
  /// Pod `id` of the accelerator (its position in Accelerator::pods) with configuration `cfg`.
  PodCore(int id, const accel::Pod& cfg, const accel::EnergyTable& energy);

  int id() const { return m_id; }
  int pod_id() const override { return m_id; }

  // ---- a MAC layer --------------------------------------------------------------------
  /// Starts a layer with this pod's tiles (`queue`: indices into the layer's tiles).
  void begin_mac(const PodLayer& layer, std::vector<int> queue);

  // DMA side, driven by the interconnect each clock.
  /// The tile this pod fetches next (index into the layer's tiles), or -1 when all are in.
  int next_fetch() const override;
  /// Bytes the pod asks for this clock: the rest of the tile being fetched; a new tile is
  /// started only when it is the next one needed or the SRAM holds it beside the tiles not yet
  /// done (else -1).
  double request() override;
  /// `bytes` arrived this clock; a finished tile is usable `latency` clocks later.
  void receive(double bytes, cycle_t now, int latency) override;
  double outputs_pending() const override { return m_out_pending; }
  void send_outputs(double bytes, cycle_t now) override;

  // ---- a layer without MACs (residual add, pooling) ------------------------------------
  /// `pj[c]` per clock for `cycles` clocks.
  void begin_vector(const double (&pj)[kComponents], cycle_t cycles);

  /// One clock: the array (or vector path) steps; the energy it spent, leakage included, goes
  /// to `energy`. Every pod steps every clock, idle or not.
  void step(cycle_t now, EnergySink& energy);
  /// Every tile (or vector clock) of the layer is done and its outputs have left.
  bool done() const { return m_phase == Phase::done && m_out_pending <= 1e-9; }
  /// Last clock the pod was busy (-1: never this layer).
  cycle_t last_busy() const { return m_last_busy; }
  /// Records what the pod does into `t` from now on (null: nothing).
  void set_timeline(Timeline* t) { m_timeline = t; }
  /// Multiplications with a zero operand so far this layer.
  std::uint64_t gated() const { return m_model ? m_model->activity().gated : 0; }

 private:
  enum class Phase { wait_first, preload, stream, load_next, vector, done };
  void step_array(cycle_t now, EnergySink& energy);
  /// Timeline: this clock the array did `what` (tile `tile`); runs of the same merge.
  void mark(cycle_t now, int what, int tile);
  void close_mark(cycle_t end);
  bool ready(std::size_t pos, cycle_t now) const;
  void load_row(const Tile& t, int r);
  void stream_clock(const Tile& t, std::int64_t k);
  void take_outputs(const Tile& t, std::int64_t k);
  void end_tile(const Tile& t);
  void charge_activity(EnergySink& energy);

  int m_id;                                // index in the accelerator
  accel::Pod m_cfg;                        // shape, dataflow, buffers
  accel::EnergyTable m_e;                  // pJ per action
  double m_buffer_bytes = 0;               // input + filter SRAM: how much it may hold ahead
  double m_leak_pj = 0;                    // leakage per clock
  PodLayer m_layer;                        // the layer in progress
  std::unique_ptr<SystolicArray> m_array;  // the C++ array (every dataflow)
  std::unique_ptr<ArrayModel> m_rtl;       // a Verilated pod in its place (ws), when configured
  ArrayModel* m_model = nullptr;           // the one that runs: m_rtl, else m_array
  ArrayClock m_clk;                        // this clock's operations (stationary dataflows)
  const Tile* m_out_tile = nullptr;        // the tile whose sums leave this clock
  std::int64_t m_out_k = 0;                // and its stream clock
  std::vector<int> m_queue;                // its tiles in order
  std::size_t m_cur = 0;                   // position of the tile streaming (or next to start)
  Phase m_phase = Phase::done;             //
  std::int64_t m_tick = 0;                 // clock within the phase
  int m_shadow_loaded = 0;                 // rows of the next tile's stationary operand loaded
  std::size_t m_fetch = 0;                 // position of the tile being delivered
  double m_fetch_left = -1;                // its bytes still to deliver (-1: not started)
  double m_held = 0;                       // bytes of tiles delivered or arriving, not yet done
  std::vector<cycle_t> m_ready_at;         // per position: clock its operands are in the pod
  ArrayActivity m_last;                    // activity at the previous clock
  cycle_t m_last_busy = -1;                // last busy clock
  double m_vector_pj[kComponents] = {};    // vector path: energy per clock
  cycle_t m_vector_left = 0;               // vector path: clocks to go
  // Timeline.
  Timeline* m_timeline = nullptr;  // where events go (null: none)
  int m_mark_what = -1;            // the run in progress (-1: none)
  int m_mark_tile = -1;
  cycle_t m_mark_begin = 0;
  cycle_t m_fetch_begin = 0;  // clock the transfer in progress started
  double m_out_pending = 0;   // output bytes waiting to leave
  cycle_t m_out_begin = -1;   // clock the outputs started leaving (-1: none leaving)
  // Scratch of the edges.
  std::vector<std::int8_t> m_left, m_top, m_row;
  std::vector<std::uint8_t> m_left_v, m_top_v, m_bottom_v;
  std::vector<std::int32_t> m_bottom, m_os_out;
};

}  // namespace axpod::core
