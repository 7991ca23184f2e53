// The tile scheduler of the cycle-level model: a MAC layer's GEMM becomes tiles (one fold of
// the array, or a temporal chunk of one when there are fewer folds than pods), dealt to the
// eligible pods round robin, with the same plan as the analytical model
// (analytical::plan_tiles). Each tile knows the operand bytes the interconnect delivers for it
// and its share of the layer's DRAM traffic.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "accel/accelerator.h"
#include "analytical/model.h"
#include "energy_monitor.h"
#include "workload/layer.h"

namespace axpod::core {

struct Tile {
  std::int64_t group = 0;
  std::int64_t row0 = 0, rows = 0;  // spatial rows of the mapping (ws/is: k; os: m)
  std::int64_t col0 = 0, cols = 0;  // spatial columns (ws: n; is: m; os: n)
  std::int64_t t0 = 0, len = 0;     // temporal range (ws: m; is: n; os: k)
  int pod = 0;                      // position of its pod among the layer's pods
  double noc_bytes = 0;             // operands delivered to the pod
  double out_bytes = 0;             // outputs it completes, sent back to the global buffer
  double dram_bytes = 0;            // share of the layer's DRAM traffic
};

struct TileSchedule {
  analytical::TilePlan plan;
  std::vector<Tile> tiles;               // in order: group, column fold, row fold, chunk
  std::vector<std::vector<int>> queues;  // per pod of the layer: its tiles in order
  std::vector<double> dram_prefix;       // DRAM bytes up to and including tile t
  double noc_bytes = 0;                  // operand bytes over all tiles
};

/// Everything the blocks need to run one layer: which pods, which tiles, what DRAM and the
/// interconnect move and what it costs. Built by plan_layer, applied by CycleModel (and the
/// SystemC modules, each to its own block).
struct LayerPlan {
  const workload::Layer* layer = nullptr;
  std::string multiplier;    // canonical name ("" for layers without MACs)
  std::vector<int> pod_ids;  // accelerator pods that run it
  accel::Dataflow dataflow = accel::Dataflow::ws;
  int rows = 0, cols = 0;       // array shape of those pods
  TileSchedule schedule;        // MAC layers: the tiles
  double dram_bytes = 0;        // DRAM traffic of the layer
  bool ideal_memory = false;    // Timing::scalesim: operands are in the pods from the start
  double mult_pj = 0;           // per non-gated multiplication
  double gbuf_pj_per_byte = 0;  // global-buffer energy per operand byte delivered
  double output_noc_pj = 0;     // outputs returned over the interconnect
  // Layers without MACs: the pods' vector path.
  cycle_t vector_cycles = 0;           // clocks of the vector path
  double vector_pj[kComponents] = {};  // per pod per clock
  double vector_noc_bytes = 0;         // bytes the interconnect moves (inputs and outputs)
  cycle_t stall_free = 0;              // the layer's length with stall-free memory
};

/// Plans layer `layer` with multiplier `mult` ("" = the pods' own) on accelerator `acc`;
/// `mult_fj` is the multiplier's energy per operation (0 when the accelerator has no catalog);
/// `stage_pods`: the pods its schedule's stage may use (empty: every pod).
LayerPlan plan_layer(const accel::Accelerator& acc, const workload::Layer& layer,
                     const std::string& mult, double mult_fj, bool input_on_chip,
                     bool weights_on_chip, const std::vector<int>& stage_pods = {});

/// The tiles of GEMM `g` on `pods` arrays of a x b with dataflow `df`, whose DRAM traffic is
/// `dram_bytes` (spread over the tiles by their operand bytes).
TileSchedule schedule_tiles(const workload::GemmShape& g, accel::Dataflow df, int a, int b,
                            int pods, accel::Timing timing, double dram_bytes);

}  // namespace axpod::core
