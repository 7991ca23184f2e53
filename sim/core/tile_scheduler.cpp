#include "tile_scheduler.h"

#include <algorithm>

namespace axpod::core {

namespace {
std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
  return (a + b - 1) / b;
}
}  // namespace

TileSchedule schedule_tiles(const workload::GemmShape& g, accel::Dataflow df, int a, int b,
                            int pods, accel::Timing timing, double dram_bytes) {
  TileSchedule s;
  s.plan = analytical::plan_tiles(g, df, a, b, pods, timing);
  const analytical::Mapping mp = analytical::map_gemm(g, df, a);
  const std::int64_t fr = ceil_div(mp.rows, a), fc = ceil_div(mp.cols, b);
  const std::int64_t chunks = s.plan.chunks;
  const std::int64_t base = mp.temporal / chunks, extra = mp.temporal % chunks;
  // The K-folds of a column block are adjacent, so one pod's partial sums of an output block
  // follow each other.
  for (std::int64_t gi = 0; gi < g.groups; ++gi)
    for (std::int64_t j = 0; j < fc; ++j)
      for (std::int64_t i = 0; i < fr; ++i) {
        std::int64_t t0 = 0;
        for (std::int64_t c = 0; c < chunks; ++c) {
          Tile t;
          t.group = gi;
          t.row0 = i * a;
          t.rows = std::min<std::int64_t>(a, mp.rows - t.row0);
          t.col0 = j * b;
          t.cols = std::min<std::int64_t>(b, mp.cols - t.col0);
          t.len = base + (c < extra ? 1 : 0);
          t.t0 = t0;
          t0 += t.len;
          const bool os = df == accel::Dataflow::os;
          const double stationary = os ? 0.0 : static_cast<double>(t.rows * t.cols);
          const double streamed = static_cast<double>(t.len * t.rows) +
                                  (os ? static_cast<double>(t.len * t.cols) : 0.0);
          t.noc_bytes = stationary + streamed;
          // The tile that completes a block of outputs (the last fold of the reduction: the
          // last row fold for ws and is, the last chunk for os) sends them back, one byte each.
          if (os ? c == chunks - 1 : i == fr - 1)
            t.out_bytes = static_cast<double>(os ? t.rows * t.cols : t.len * t.cols);
          s.tiles.push_back(t);
        }
      }
  for (const auto& t : s.tiles) s.noc_bytes += t.noc_bytes;
  double acc = 0;
  for (auto& t : s.tiles) {
    t.dram_bytes = s.noc_bytes > 0 ? dram_bytes * t.noc_bytes / s.noc_bytes : 0;
    acc += t.dram_bytes;
    s.dram_prefix.push_back(acc);
  }
  // The sum of the shares may round above the layer's bytes (a last tile never "held" would
  // hang the layer): the last prefix is the total exactly.
  if (!s.dram_prefix.empty()) s.dram_prefix.back() = dram_bytes;
  // Tile t goes to pod t % P, as in the analytical plan.
  s.queues.resize(static_cast<std::size_t>(pods));
  for (std::size_t t = 0; t < s.tiles.size(); ++t) {
    const int p = static_cast<int>(t % static_cast<std::size_t>(pods));
    s.tiles[t].pod = p;
    s.queues[static_cast<std::size_t>(p)].push_back(static_cast<int>(t));
  }
  return s;
}

LayerPlan plan_layer(const accel::Accelerator& acc, const workload::Layer& layer,
                     const std::string& mult, double mult_fj, bool input_on_chip,
                     bool weights_on_chip, const std::vector<int>& stage_pods) {
  LayerPlan p;
  p.layer = &layer;
  const auto& E = acc.energy;
  const analytical::LayerPods lp = analytical::layer_pods(acc, layer, mult, stage_pods);
  p.multiplier = lp.multiplier;
  p.pod_ids = lp.pods;
  const accel::Pod& pod0 = acc.pods[static_cast<std::size_t>(p.pod_ids.front())];
  p.rows = pod0.rows;
  p.cols = pod0.cols;
  p.dataflow = pod0.dataflow;
  p.ideal_memory = acc.timing == accel::Timing::scalesim;
  const int hops = analytical::interconnect_hops(acc);
  const std::int64_t in_b = layer.input_bytes(), w_b = layer.weight_bytes(),
                     out_b = layer.output_bytes();
  p.dram_bytes =
      static_cast<double>(analytical::layer_dram_bytes(acc, layer, input_on_chip, weights_on_chip));
  const double gbuf_pj = static_cast<double>(in_b + w_b + out_b) * E.global_buffer_pj_per_byte;
  if (!layer.is_mac()) {
    const std::int64_t ops =
        layer.kind == workload::LayerKind::add ? out_b : out_b * layer.k_h * layer.k_w;
    std::int64_t lanes = 0;
    for (int id : p.pod_ids) lanes += acc.pods[static_cast<std::size_t>(id)].cols;
    p.vector_cycles = std::max<cycle_t>(1, ceil_div(ops, lanes));
    p.stall_free = p.vector_cycles;
    const double per =
        1.0 / static_cast<double>(p.vector_cycles) / static_cast<double>(p.pod_ids.size());
    p.vector_pj[kAdd] = static_cast<double>(ops) * E.add8_pj * per;
    p.vector_pj[kSram] = static_cast<double>(in_b + out_b) * E.pod_sram_pj_per_byte * per;
    p.vector_pj[kGbuf] = gbuf_pj * per;
    p.vector_pj[kNoc] = static_cast<double>((in_b + out_b) * hops) * E.noc_pj_per_byte_hop * per;
    p.vector_noc_bytes = static_cast<double>(in_b + out_b);
    return p;
  }
  const auto g = layer.gemm();
  p.mult_pj = mult_fj / 1000.0;
  p.schedule = schedule_tiles(g, p.dataflow, p.rows, p.cols, static_cast<int>(p.pod_ids.size()),
                              acc.timing, p.dram_bytes);
  p.stall_free = p.schedule.plan.makespan;
  p.gbuf_pj_per_byte = p.schedule.noc_bytes > 0 ? gbuf_pj / p.schedule.noc_bytes : 0;
  p.output_noc_pj = static_cast<double>(out_b * hops) * E.noc_pj_per_byte_hop;
  return p;
}

}  // namespace axpod::core
