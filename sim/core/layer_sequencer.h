// The layer sequencer of the cycle-level model: it starts a layer on the blocks (plans its
// tiles, hands DRAM, the global buffer, the interconnect and the pods their part), decides after
// each clock whether the layer is done, and collects its result. One sequencer drives one lane
// (a stage of a layer schedule: its pods, its share of DRAM, the global buffer and the
// interconnect); the Dispatcher runs one per stage. The blocks themselves step in
// CycleModel::tick, or each in its own SystemC module (sim/sc/); both drive them through here,
// so they agree cycle for cycle.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "accel/accelerator.h"
#include "analytical/model.h"
#include "dram.h"
#include "energy_monitor.h"
#include "engine/tensors.h"
#include "global_buffer.h"
#include "interconnect.h"
#include "mult/table.h"
#include "pod.h"
#include "tile_scheduler.h"
#include "timeline.h"
#include "workload/layer.h"

namespace axpod::core {

struct LayerSim {
  std::string layer, kind, multiplier;
  std::size_t index = 0;       // the layer's index in the network (run_network)
  int item = 0;                // the sample (a schedule with batch > 1)
  int stage = 0;               // the schedule's stage (lane) that ran it
  bool input_on_chip = false;  // how the run placed it (analytical::place_layers)
  bool weights_on_chip = false;
  std::int64_t macs = 0;
  std::int64_t gated = 0;  // MAC slots with a zero operand
  int pods = 0;
  cycle_t start = 0;            // first cycle of the layer in the run
  cycle_t end = 0;              // the clock after its last
  cycle_t cycles = 0;           // cycles the layer took (SCALE-Sim timing: end - start - 1)
  cycle_t stall_free = 0;       // the schedule's length without memory stalls (same timing)
  cycle_t stall_cycles = 0;     // cycles - stall_free (never negative)
  analytical::Energy energy;    // pJ
  std::vector<std::int32_t> y;  // int32 outputs (groups x M x N); empty for non-MAC layers
};

/// One layer of a network run.
struct LayerJob {
  std::size_t index = 0;                          // the layer's index in the network
  const workload::Layer* layer = nullptr;         // the layer
  const engine::LayerTensors* tensors = nullptr;  // its data (null for non-MAC layers)
  std::string multiplier;                         // "" = the pods' own
  bool input_on_chip = false;                     // previous output kept in the global buffer
  bool weights_on_chip = false;                   // the network's weights are resident
  int item = 0;                                   // the sample (schedules with batch > 1)
  int stage = 0;                                  // the stage (lane) that runs it
  int after = -1;                                 // the job it waits for (-1: none)
  std::vector<int> pods;                          // the stage's pods (empty: every pod)
};

/// The blocks of one accelerator, wherever they live.
struct Blocks {
  DramChannel* dram = nullptr;
  GlobalBuffer* buffer = nullptr;
  Interconnect* noc = nullptr;
  std::vector<PodCore*> pods;  // every pod, in accelerator order
  EnergyMonitor* monitor = nullptr;
  Timeline* timeline = nullptr;  // layers and DRAM time go here when set
};

/// Multiplier tables by canonical name, each made once (a table of 65,536 products takes up to
/// milliseconds): shared by the sequencers of a model and by its successive runs.
class TableCache {
 public:
  const mult::Table& get(const std::string& name);

 private:
  std::map<std::string, std::unique_ptr<mult::Table>> m_tables;  // by canonical name
};

class LayerSequencer {
 public:
  /// `tables`: where multiplier tables are kept (null: a cache of its own).
  LayerSequencer(const accel::Accelerator& acc, analytical::MultiplierEnergies energies,
                 Blocks blocks, TableCache* tables = nullptr);

  /// Starts `job` on its stage's lane at clock `now` (the energy monitor's clock must be `now`).
  void begin(const LayerJob& job, cycle_t now);
  /// After the clock `now - 1` ran: whether the layer is done (then end() collects it).
  bool end_of_clock(cycle_t now);
  /// The finished layer (`now`: the clock after its last).
  LayerSim end(cycle_t now);
  bool active() const { return m_active; }
  /// Records layers and DRAM's busy time into `t` (and the pods' work: set theirs too).
  void set_timeline(Timeline* t) { m_b.timeline = t; }

  /// The multiplier table of a canonical name (made once per name).
  const mult::Table& table(const std::string& name);
  /// A job's plan with this accelerator's multiplier energies.
  LayerPlan plan(const LayerJob& job) const;

 private:
  void charge_traffic_upfront();

  const accel::Accelerator& m_acc;            // the machine
  analytical::MultiplierEnergies m_energies;  // fJ per multiplication
  Blocks m_b;                                 // what it drives
  TableCache m_own_tables;                    // when given none
  TableCache* m_tables;                       // the tables it uses
  LayerJob m_job;                             // the layer in progress
  LayerPlan m_plan;                           // its pods, tiles, traffic
  std::vector<std::int32_t> m_y;              // its int32 outputs
  cycle_t m_start = 0;                        // its first clock
  bool m_active = false;                      // a layer is in progress
};

}  // namespace axpod::core
