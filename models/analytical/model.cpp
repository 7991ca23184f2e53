#include "analytical/model.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "common/error.h"
#include "common/text.h"
#include "mult/characterize.h"
#include "mult/registry.h"
#include "mult/verilog_import.h"

namespace axpod::analytical {

using accel::Dataflow;
using accel::Timing;
using workload::GemmShape;

namespace {
std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
  return (a + b - 1) / b;
}
}  // namespace

Energy& Energy::operator+=(const Energy& o) {
  mult += o.mult;
  add += o.add;
  reg += o.reg;
  sram += o.sram;
  gbuf += o.gbuf;
  noc += o.noc;
  dram += o.dram;
  leak += o.leak;
  return *this;
}

Mapping map_gemm(const GemmShape& g, Dataflow df, int array_rows) {
  switch (df) {
    case Dataflow::ws:
      return {g.k, g.n, g.m, array_rows};
    case Dataflow::os:
      return {g.m, g.n, g.k, 0};
    case Dataflow::is:
      return {g.k, g.m, g.n, array_rows};
  }
  return {};
}

std::int64_t folds(const Mapping& m, int a, int b) {
  return ceil_div(m.rows, a) * ceil_div(m.cols, b);
}

cycle_t scalesim_cycles(const GemmShape& g, Dataflow df, int a, int b) {
  const Mapping m = map_gemm(g, df, a);
  const std::int64_t f = folds(m, a, b) * g.groups;
  const cycle_t tau = m.preload + a + b + m.temporal - 2;
  return f * tau - 1;
}

TilePlan plan_tiles(const GemmShape& g, Dataflow df, int a, int b, int pods, Timing timing) {
  TilePlan p;
  const Mapping m = map_gemm(g, df, a);
  p.folds = folds(m, a, b) * g.groups;
  p.pods = pods;
  if (timing == Timing::scalesim) {
    // Folds spread evenly; each fold pays its preload; the -1 of SCALE-Sim's report.
    p.tiles = p.folds;
    p.max_tiles_per_pod = ceil_div(p.folds, pods);
    p.makespan = p.max_tiles_per_pod * (m.preload + a + b + m.temporal - 2) - 1;
    return p;
  }
  // Too few folds for the pods: split the temporal extent into chunks (weights replicate).
  p.chunks = p.folds >= pods ? 1 : std::min<std::int64_t>(ceil_div(pods, p.folds), m.temporal);
  p.tiles = p.folds * p.chunks;
  p.max_tiles_per_pod = ceil_div(p.tiles, pods);
  const cycle_t fill = a + b - 2;
  if (p.chunks == 1) {
    p.makespan = m.preload + p.max_tiles_per_pod * (fill + m.temporal);
    return p;
  }
  // Tile t (fold t / chunks, chunk t % chunks) goes to pod t % pods; chunk c has
  // floor(T / chunks) + (c < T % chunks) rows. At most two tiles per pod here.
  const std::int64_t base = m.temporal / p.chunks, extra = m.temporal % p.chunks;
  cycle_t worst = 0;
  for (std::int64_t pod = 0; pod < std::min<std::int64_t>(pods, p.tiles); ++pod) {
    cycle_t busy = m.preload;
    for (std::int64_t t = pod; t < p.tiles; t += pods) {
      const std::int64_t c = t % p.chunks;
      busy += fill + base + (c < extra ? 1 : 0);
    }
    worst = std::max(worst, busy);
  }
  p.makespan = worst;
  return p;
}

MultiplierEnergies::MultiplierEnergies(const std::string& catalog_csv) : m_source(catalog_csv) {
  for (const auto& row : mult::read_catalog(catalog_csv)) {
    const auto it = row.find("energy_fj");
    if (it == row.end() || it->second == "n/a") continue;
    double fj = 0;
    text::parse_double(it->second, fj);  // read_catalog checked it
    m_fj[row.at("name")] = fj;
  }
}

MultiplierEnergies MultiplierEnergies::of(const accel::Accelerator& acc) {
  return acc.energy.catalog.empty() ? MultiplierEnergies() : MultiplierEnergies(acc.energy.catalog);
}

double MultiplierEnergies::fj(const std::string& canonical) const {
  // A Verilated RTL model costs what its behavioural twin costs (they are proven equal).
  if (canonical.rfind("rtl:", 0) == 0 && !m_fj.count(canonical)) return fj(canonical.substr(4));
  const auto it = m_fj.find(canonical);
  if (it != m_fj.end()) return it->second;
  // A Verilog multiplier costs what its gate netlist costs, with the catalog's gate library
  // and operands.
  if (canonical.rfind("verilog:", 0) == 0) return mult::verilog_energy_fj(canonical);
  if (canonical.rfind("lut:", 0) == 0) {
    std::string file = canonical.substr(4);
    if (file.rfind("signed:", 0) == 0) file = file.substr(7);
    if (!std::filesystem::exists(file))
      throw Error("multiplier '" + canonical + "': no truth-table file '" + file + "'");
    throw Error("multiplier '" + canonical +
                "' is a truth table without a circuit, so it has no energy: add a row for it to "
                "the catalog" +
                (m_source.empty() ? std::string() : " '" + m_source + "'") +
                ", or load the circuit as verilog:FILE.v");
  }
  throw Error("multiplier '" + canonical + "' has no energy in the catalog" +
              (m_source.empty() ? std::string() : " '" + m_source + "'") +
              ": add it to configs/multipliers.yaml and run `axpod mult characterize` (a "
              "multiplier without RTL has no cost)");
}

double MultiplierEnergies::fj(const std::string& canonical, const std::string& layer) const {
  const auto it = m_layer_fj.find(layer + "\n" + canonical);
  return it != m_layer_fj.end() ? it->second : fj(canonical);
}

Model::Model(accel::Accelerator acc, MultiplierEnergies energies)
    : m_acc(std::move(acc)), m_energies(std::move(energies)) {}

LayerPods layer_pods(const accel::Accelerator& acc, const workload::Layer& layer,
                     const std::string& mult, const std::vector<int>& stage_pods) {
  LayerPods lp;
  if (layer.is_mac()) lp.multiplier = mult.empty() ? acc.pods.front().multiplier : mult;
  const auto in_stage = [&](int i) {
    return stage_pods.empty() ||
           std::find(stage_pods.begin(), stage_pods.end(), i) != stage_pods.end();
  };
  for (std::size_t i = 0; i < acc.pods.size(); ++i)
    if (in_stage(static_cast<int>(i)) &&
        (!layer.is_mac() || acc.reconfigurable || acc.pods[i].multiplier == lp.multiplier))
      lp.pods.push_back(static_cast<int>(i));
  if (lp.pods.empty() && !stage_pods.empty()) {
    std::string pods;
    for (int p : stage_pods) pods += (pods.empty() ? "" : ",") + std::to_string(p);
    throw Error("layer '" + layer.name + "' is assigned '" + lp.multiplier +
                "' but no pod of its stage (pods " + pods + ") carries it");
  }
  if (lp.pods.empty())
    throw Error("layer '" + layer.name + "' is assigned '" + lp.multiplier + "' but no pod of '" +
                acc.name + "' carries it (set reconfigurable: true, or add such a pod)");
  const accel::Pod& first = acc.pods[lp.pods.front()];
  for (int i : lp.pods) {
    const accel::Pod& p = acc.pods[i];
    if (p.rows != first.rows || p.cols != first.cols || p.dataflow != first.dataflow)
      throw Error("layer '" + layer.name +
                  "': its pods differ in shape or dataflow; a layer runs on pods of one shape "
                  "(split them into separate accelerators)");
  }
  return lp;
}

bool weights_fit(const accel::Accelerator& acc, const workload::Network& net) {
  if (!acc.weights_resident) return false;
  std::int64_t w = 0;
  for (const auto& l : net.layers) w += l.weight_bytes();
  return static_cast<double>(w) <= acc.global_buffer_kb * 1024.0 / 2;
}

int butterfly_hops(std::size_t ports) {
  return std::max(1, static_cast<int>(std::ceil(std::log2(std::max<std::size_t>(2, ports)))));
}

int interconnect_hops(const accel::Accelerator& acc) {
  return acc.noc.topology == accel::Topology::butterfly ? butterfly_hops(acc.pods.size()) : 1;
}

bool output_on_chip(const accel::Accelerator& acc, const workload::Layer& layer) {
  return static_cast<double>(layer.output_bytes()) <= acc.global_buffer_kb * 1024.0 / 2;
}

std::int64_t layer_dram_bytes(const accel::Accelerator& acc, const workload::Layer& layer,
                              bool input_on_chip, bool weights_on_chip) {
  return (input_on_chip ? 0 : layer.input_bytes()) +
         (layer.is_mac() && !weights_on_chip ? layer.weight_bytes() : 0) +
         (output_on_chip(acc, layer) ? 0 : layer.output_bytes());
}

LayerResult Model::evaluate(const workload::Layer& layer, const std::string& mult,
                            bool input_on_chip, bool weights_on_chip,
                            const std::vector<int>& stage_pods) const {
  const auto& A = m_acc;
  const auto& E = A.energy;
  LayerResult r;
  r.layer = layer.name;
  r.kind = workload::to_string(layer.kind);
  const std::int64_t total_pes = A.total_pes();
  const int hops = interconnect_hops(A);

  // Pods that run this layer.
  const LayerPods lp = layer_pods(A, layer, mult, stage_pods);
  r.multiplier = lp.multiplier;
  const accel::Pod& pod = A.pods[lp.pods.front()];
  r.pods = static_cast<int>(lp.pods.size());
  const int a = pod.rows, b = pod.cols;

  const std::int64_t in_b = layer.input_bytes(), w_b = layer.weight_bytes(),
                     out_b = layer.output_bytes();
  const std::int64_t dram = layer_dram_bytes(A, layer, input_on_chip, weights_on_chip);

  if (layer.is_mac()) {
    const GemmShape g = layer.gemm();
    r.m = g.m;
    r.n = g.n;
    r.k = g.k;
    r.groups = g.groups;
    r.macs = g.macs();
    r.plan = plan_tiles(g, pod.dataflow, a, b, r.pods, A.timing);
    r.compute_cycles = r.plan.makespan;
    // Traffic: per fold the stationary tile is loaded once into the array and the streaming
    // operand flows through it; outputs leave as int32 partial sums into the accumulators.
    const Mapping mp = map_gemm(g, pod.dataflow, a);
    const std::int64_t fr = ceil_div(mp.rows, a), fc = ceil_div(mp.cols, b);
    std::int64_t stationary = 0, streamed = 0, psums = 0;
    switch (pod.dataflow) {
      case Dataflow::ws:  // weights K x N stationary, inputs M x K streamed per column fold
        stationary = g.k * g.n;
        streamed = g.m * g.k * fc;
        psums = g.m * g.n * fr;
        break;
      case Dataflow::os:  // outputs stationary; inputs per column fold, weights per row fold
        stationary = g.m * g.n;
        streamed = g.m * g.k * fc + g.k * g.n * fr;
        psums = g.m * g.n;
        break;
      case Dataflow::is:  // inputs K x M stationary, weights N x K streamed per column fold
        stationary = g.k * g.m;
        streamed = g.n * g.k * fc;
        psums = g.m * g.n * fr;
        break;
    }
    stationary *= g.groups;
    streamed *= g.groups;
    psums *= g.groups;
    // Temporal chunks replicate the stationary tile on each pod that takes a chunk.
    stationary *= r.plan.chunks;
    r.sram_bytes = stationary + streamed + 4 * psums * 2;  // read + write of int32 accumulators
    r.gbuf_bytes = in_b + w_b + out_b;
    // The interconnect delivers the operands (an os array's stationary outputs are made in
    // place) and returns the outputs.
    const std::int64_t delivered = (pod.dataflow == Dataflow::os ? 0 : stationary) + streamed;
    r.noc_byte_hops = (delivered + out_b) * hops;
    r.energy.mult = static_cast<double>(r.macs) *
                    (A.energy.catalog.empty() ? 0.0 : m_energies.fj(r.multiplier, layer.name)) /
                    1000.0;
    r.energy.add = static_cast<double>(r.macs) * E.add32_pj;
    r.energy.reg = static_cast<double>(r.macs + stationary) * E.reg_write_pj;
  } else {
    // Residual add / pooling on the pods' output path: one element per column per cycle.
    const std::int64_t ops =
        layer.kind == workload::LayerKind::add ? out_b : out_b * layer.k_h * layer.k_w;
    std::int64_t lanes = 0;
    for (int p : lp.pods) lanes += A.pods[p].cols;
    r.compute_cycles = ceil_div(ops, lanes);
    r.sram_bytes = in_b + out_b;
    r.gbuf_bytes = in_b + out_b;
    r.noc_byte_hops = (in_b + out_b) * hops;
    r.energy.add = static_cast<double>(ops) * E.add8_pj;
  }
  r.dram_bytes = dram;
  if (A.timing == Timing::scalesim) {
    r.memory_cycles = 0;  // SCALE-Sim's compute report assumes a stall-free interface
  } else {
    const bool bus = A.noc.topology == accel::Topology::bus;
    const double port_bw = A.noc.bytes_per_cycle;
    const cycle_t latency = static_cast<cycle_t>(hops) * A.noc.hop_latency;
    const auto clocks = [](double bytes, double bw) {
      return static_cast<cycle_t>(std::ceil(bytes / bw));
    };
    const cycle_t dram_c = clocks(static_cast<double>(dram), A.dram_bytes_per_cycle()) +
                           (dram > 0 ? A.dram.latency_cycles : 0);
    const double moved = static_cast<double>(r.noc_byte_hops) / hops;  // bytes over the links
    if (!layer.is_mac()) {
      // A bulk transfer over every pod's port (a bus: the one link); the latency overlaps it.
      const double all = bus ? port_bw : port_bw * static_cast<double>(lp.pods.size());
      r.memory_cycles = std::max(dram_c, std::max(clocks(moved, all), latency));
    } else if (r.noc_byte_hops > 0) {
      // The busiest link: a crossbar or butterfly port carries its pod's tiles (the pod with the
      // most), a bus everything. Operands come in before the tiles that use them; a tile's
      // outputs go back as they leave the array, on what the operands leave of the link.
      const double share = bus ? 1.0
                               : static_cast<double>(r.plan.max_tiles_per_pod) /
                                     static_cast<double>(std::max<std::int64_t>(1, r.plan.tiles));
      const double in_bytes = moved - static_cast<double>(out_b);
      const cycle_t noc_all = clocks(moved * share, port_bw);
      // Pipeline fill and drain. The pod with the most tiles (n of them) runs its k-th tile
      // once the operands of the first k rounds of tiles are in (a crossbar or butterfly port
      // carries its own k tiles, a bus every pod's, served round robin), then pays a preload
      // (it waited, so nothing hid it) and the rest of its tiles: it is done at
      //   arrival(k) + preload + (n - k + 1) * L,   L = A + B + T_tile - 2.
      const GemmShape g = layer.gemm();
      const Mapping mp = map_gemm(g, pod.dataflow, a);
      const std::int64_t n = std::max<std::int64_t>(1, r.plan.max_tiles_per_pod);
      const std::int64_t tiles = std::max<std::int64_t>(1, r.plan.tiles);
      // The first tiles are whole ones (the last of a fold may be partial).
      const std::int64_t rows0 = std::min<std::int64_t>(a, mp.rows),
                         cols0 = std::min<std::int64_t>(b, mp.cols);
      const std::int64_t len0 = ceil_div(mp.temporal, r.plan.chunks);
      const double tile_bytes = pod.dataflow == Dataflow::os
                                    ? static_cast<double>(len0 * (rows0 + cols0))
                                    : static_cast<double>(rows0 * cols0 + len0 * rows0);
      // A transfer of x bytes that starts at cycle 0 completes within cycle ceil(x / bw) - 1.
      const auto wait = [&](double bytes, double bw) {
        return bytes > 0 ? clocks(bytes, bw) - 1 : cycle_t{0};
      };
      // The first transfer starts once the first tile is in the global buffer.
      const double dram_share =
          in_bytes > 0 ? static_cast<double>(dram) * tile_bytes / in_bytes : 0.0;
      const cycle_t first_in =
          dram > 0 ? A.dram.latency_cycles + wait(dram_share, A.dram_bytes_per_cycle()) : 0;
      // Operand bytes of the first t tiles in the tile order (group, column fold, row fold,
      // chunk); only the last row fold, column fold and the chunks' lengths differ in size.
      const std::int64_t fr = ceil_div(mp.rows, a), fc = ceil_div(mp.cols, b);
      const std::int64_t chunks = r.plan.chunks;
      const std::int64_t base = mp.temporal / chunks, extra = mp.temporal % chunks;
      const std::int64_t last_rows = mp.rows - a * (fr - 1), last_cols = mp.cols - b * (fc - 1);
      const auto chunk_bytes = [&](std::int64_t rows, std::int64_t cols, std::int64_t c) {
        const std::int64_t len = c * base + std::min(c, extra);  // rows streamed by c chunks
        return pod.dataflow == Dataflow::os ? len * (rows + cols) : rows * cols * c + rows * len;
      };
      const auto fold_bytes = [&](std::int64_t cols, std::int64_t folds) {  // first row folds
        return std::min(folds, fr - 1) * chunk_bytes(a, cols, chunks) +
               (folds == fr ? chunk_bytes(last_rows, cols, chunks) : 0);
      };
      const auto cols_of = [&](std::int64_t j) { return j < fc - 1 ? b : last_cols; };
      const std::int64_t group_bytes = (fc - 1) * fold_bytes(b, fr) + fold_bytes(last_cols, fr);
      const auto prefix = [&](std::int64_t t) {
        const std::int64_t per_col = fr * chunks, per_group = fc * per_col;
        std::int64_t bytes = (t / per_group) * group_bytes;
        t %= per_group;
        const std::int64_t j = t / per_col;
        bytes += std::min(j, fc - 1) * fold_bytes(b, fr);
        t %= per_col;
        const std::int64_t i = t / chunks, c = t % chunks;
        bytes += fold_bytes(cols_of(j), i);
        if (c > 0) bytes += chunk_bytes(i < fr - 1 ? a : last_rows, cols_of(j), c);
        return static_cast<double>(bytes);
      };
      // Tile t runs on pod t % P: pods 0 .. full - 1 have n tiles, the others n - 1.
      const std::int64_t pods_used = std::min<std::int64_t>(r.pods, tiles);
      const std::int64_t full = tiles % pods_used == 0 ? pods_used : tiles % pods_used;
      const auto arrival = [&](std::int64_t pod_index, std::int64_t k) {
        // A bus serves every pod's k-th tiles together; a port its pod's own (the first pod's
        // tiles are whole ones). DRAM fills the global buffer in tile order: the pod's k-th
        // tile crosses the interconnect only once DRAM has brought it and the tiles before it.
        const double bytes =
            bus ? prefix(std::min(k * pods_used, tiles)) : tile_bytes * static_cast<double>(k);
        const std::int64_t upto = std::min((k - 1) * pods_used + pod_index + 1, tiles);
        const cycle_t dram_k = dram > 0 && in_bytes > 0
                                   ? A.dram.latency_cycles +
                                         wait(static_cast<double>(dram) * prefix(upto) / in_bytes,
                                              A.dram_bytes_per_cycle()) +
                                         wait(tile_bytes, port_bw)
                                   : 0;
        return std::max(first_in + wait(bytes, port_bw), dram_k) + latency;
      };
      const cycle_t L = a + b + ceil_div(mp.temporal, r.plan.chunks) - 2;
      // The last pod with n tiles, and the last pod (n - 1 tiles) when the tiles do not divide.
      const auto done_after = [&](std::int64_t k) {
        cycle_t t = arrival(full - 1, k) + mp.preload + (n - k + 1) * L;
        if (full < pods_used && k < n)
          t = std::max(t, arrival(pods_used - 1, k) + mp.preload + (n - k) * L);
        return t;
      };
      // After DRAM's last byte the last tile still crosses the interconnect and runs.
      const cycle_t after_dram =
          dram > 0 ? dram_c - 2 + clocks(tile_bytes, port_bw) + latency + mp.preload + L
                   : cycle_t{0};
      r.memory_cycles = std::max({after_dram, first_in + noc_all, done_after(n)});
      // Small tiles at the end of a fold can make a middle k the latest: every k up to 32
      // tiles per pod, else 32 evenly spaced ones and the last two.
      const std::int64_t step = std::max<std::int64_t>(1, n / 32);
      for (std::int64_t k = 1; k < n; k += step)
        r.memory_cycles = std::max(r.memory_cycles, done_after(k));
      r.memory_cycles = std::max(r.memory_cycles, done_after(std::max<std::int64_t>(1, n - 1)));
    } else {
      r.memory_cycles = dram_c;
    }
  }
  r.cycles = std::max(r.compute_cycles, r.memory_cycles);
  r.stall_cycles = r.cycles - r.compute_cycles;
  if (r.macs > 0) {
    r.utilization_pct =
        100.0 * static_cast<double>(r.macs) / (static_cast<double>(r.cycles) * total_pes);
    r.mapping_pct = 100.0 * static_cast<double>(r.macs) /
                    (static_cast<double>(r.compute_cycles) * r.pods * a * b);
  }
  r.energy.sram = static_cast<double>(r.sram_bytes) * E.pod_sram_pj_per_byte;
  r.energy.gbuf = static_cast<double>(r.gbuf_bytes) * E.global_buffer_pj_per_byte;
  r.energy.noc = static_cast<double>(r.noc_byte_hops) * E.noc_pj_per_byte_hop;
  r.energy.dram = static_cast<double>(r.dram_bytes) * E.dram_pj_per_byte;
  r.energy.leak =
      static_cast<double>(r.cycles) * static_cast<double>(total_pes) * E.leakage_pj_per_pe_cycle;
  return r;
}

NetworkResult Model::run(const workload::Network& net, const accel::Assignment& assign) const {
  NetworkResult out;
  out.network = net.name;
  out.accelerator = m_acc.name;
  out.clock_mhz = m_acc.clock_mhz;
  for (const auto& p : place_layers(m_acc, net)) {
    const auto& layer = net.layers[p.index];
    const std::string mult = layer.is_mac() ? assign.for_layer(layer.name) : "";
    out.layers.push_back(evaluate(layer, mult, p.input_on_chip, p.weights_on_chip));
    const auto& r = out.layers.back();
    out.cycles += r.cycles;
    out.macs += r.macs;
    out.energy += r.energy;
  }
  return out;
}

std::vector<int> stage_of_pods(std::size_t pods, const std::vector<int>& job_stages,
                               const std::vector<std::vector<int>>& stage_pods) {
  const int fallback = job_stages.empty() ? 0 : job_stages.front();
  std::vector<int> out(pods, fallback);
  for (int s : job_stages)
    for (int p : stage_pods[static_cast<std::size_t>(s)]) out[static_cast<std::size_t>(p)] = s;
  return out;
}

ScheduleResult Model::run_schedule(const workload::Network& net, const accel::Assignment& assign,
                                   const accel::Schedule& s,
                                   const std::vector<std::size_t>& selected) const {
  std::vector<std::size_t> run = selected;
  if (run.empty())
    for (std::size_t i = 0; i < net.layers.size(); ++i) run.push_back(i);
  ScheduleResult out;
  out.network = net.name;
  out.accelerator = m_acc.name;
  out.clock_mhz = m_acc.clock_mhz;
  std::map<std::size_t, LayerPlacement> place;
  for (const auto& p : place_layers(m_acc, net, run)) place[p.index] = p;
  const auto jobs = accel::expand_schedule(s, net, run);
  std::vector<std::vector<int>> stage_pods;
  for (const auto& st : s.stages)
    stage_pods.push_back(s.is_default() ? std::vector<int>{} : st.pods);
  std::vector<int> job_stages;
  for (const auto& j : jobs) job_stages.push_back(j.stage);
  // Leakage: every pod leaks every clock, into the layers of the stage it counts in.
  std::vector<std::vector<int>> full = stage_pods;
  for (auto& f : full)
    if (f.empty())
      for (std::size_t p = 0; p < m_acc.pods.size(); ++p) f.push_back(static_cast<int>(p));
  const auto lane = stage_of_pods(m_acc.pods.size(), job_stages, full);
  std::vector<double> leak_per_clock(s.stages.size(), 0.0);
  for (std::size_t p = 0; p < m_acc.pods.size(); ++p)
    leak_per_clock[static_cast<std::size_t>(lane[p])] +=
        static_cast<double>(m_acc.pods[p].rows * m_acc.pods[p].cols) *
        m_acc.energy.leakage_pj_per_pe_cycle;
  // The same evaluation for every sample: a layer's result depends on its stage only.
  std::map<std::size_t, LayerResult> per_layer;
  const bool bus = m_acc.noc.topology == accel::Topology::bus;
  const int hops = interconnect_hops(m_acc);
  // Stages that overlap share DRAM (and a bus): a fluid estimate. A job has two activities:
  // its DRAM transfer (after the first-byte latency, `dram` clocks of the whole channel alone;
  // the channel is split equally among the jobs transferring) and its work (`alone` clocks of
  // its own pace; on a bus, slowed when the jobs running with it need more of the link than it
  // has, shared max-min fairly by their average needs). It ends when its work is done and, when
  // DRAM was late, `tail` clocks (its last tile's work) after its last byte.
  struct Job {
    double alone = 0, work = 0;    // clocks alone; of those, still to go
    double latency = 0, dram = 0;  // DRAM: first-byte wait, full-channel clocks to go
    double tail = 0;               // work after the last byte arrives
    double link = 0;               // a bus: link clocks alone still to go
    double link_done = -1;         // when its last operand crossed the bus
    double dram_done = -1;         // when its last byte arrived
    double start = -1, end = -1;
  };
  std::vector<Job> state(jobs.size());
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const auto& j = jobs[i];
    const auto& layer = net.layers[j.layer];
    auto it = per_layer.find(j.layer);
    if (it == per_layer.end()) {
      const auto& p = place.at(j.layer);
      it = per_layer
               .emplace(j.layer, evaluate(layer, layer.is_mac() ? assign.for_layer(layer.name) : "",
                                          p.input_on_chip, p.weights_on_chip,
                                          stage_pods[static_cast<std::size_t>(j.stage)]))
               .first;
    }
    ScheduledLayer sl;
    sl.result = it->second;
    sl.item = j.item;
    sl.stage = j.stage;
    out.jobs.push_back(std::move(sl));
    const LayerResult& r = it->second;
    // SCALE-Sim reports the index of a layer's last cycle: it ends a clock after it.
    const bool last_index = m_acc.timing == Timing::scalesim && layer.is_mac();
    Job& st = state[i];
    st.alone = st.work = static_cast<double>(r.cycles + (last_index ? 1 : 0));
    if (m_acc.timing != Timing::scalesim && st.alone > 0) {
      if (r.dram_bytes > 0) {
        st.latency = static_cast<double>(m_acc.dram.latency_cycles);
        st.dram = static_cast<double>(r.dram_bytes) / m_acc.dram_bytes_per_cycle();
      }
      if (bus && layer.is_mac())  // bulk transfers of other layers use their own ports
        st.link = static_cast<double>(r.noc_byte_hops) / hops / m_acc.noc.bytes_per_cycle;
      const double per_tile =
          layer.is_mac()
              ? static_cast<double>(r.compute_cycles) /
                    static_cast<double>(std::max<std::int64_t>(1, r.plan.max_tiles_per_pod))
              : st.alone;
      st.tail = std::clamp(st.alone - std::max(st.latency + st.dram, st.link), 0.0, per_tile);
    }
  }
  std::vector<std::size_t> next(s.stages.size(), 0);  // per stage: its position in its jobs
  std::vector<std::vector<std::size_t>> queue(s.stages.size());
  for (std::size_t i = 0; i < jobs.size(); ++i)
    queue[static_cast<std::size_t>(jobs[i].stage)].push_back(i);
  std::vector<int> running(s.stages.size(), -1);
  std::size_t done = 0;
  double now = 0;
  constexpr double kEps = 1e-9;
  while (done < jobs.size()) {
    for (std::size_t st = 0; st < s.stages.size(); ++st) {
      if (running[st] >= 0 || next[st] >= queue[st].size()) continue;
      const std::size_t i = queue[st][next[st]];
      const int after = jobs[i].after;
      if (after >= 0 && state[static_cast<std::size_t>(after)].end < 0) continue;
      state[i].start = now;
      running[st] = static_cast<int>(i);
      ++next[st];
    }
    std::vector<std::size_t> act;
    std::size_t transferring = 0, crossing = 0;
    for (int r : running)
      if (r >= 0) {
        const Job& st = state[static_cast<std::size_t>(r)];
        act.push_back(static_cast<std::size_t>(r));
        transferring += st.latency <= kEps && st.dram > kEps;
        crossing += st.link > kEps;
      }
    const double share = transferring ? 1.0 / static_cast<double>(transferring) : 1.0;
    const double link_share = crossing ? 1.0 / static_cast<double>(crossing) : 1.0;
    // The next event: a latency, a transfer, a job's work or its tail ends.
    double step = 1e300;
    for (std::size_t k = 0; k < act.size(); ++k) {
      const Job& st = state[act[k]];
      if (st.work > kEps) step = std::min(step, st.work);
      if (st.link > kEps) step = std::min(step, st.link / link_share);
      if (st.latency > kEps)
        step = std::min(step, st.latency);
      else if (st.dram > kEps)
        step = std::min(step, st.dram / share);
      for (double d : {st.dram_done, st.link_done})
        if (d >= 0 && d + st.tail > now + kEps) step = std::min(step, d + st.tail - now);
    }
    now += step;
    for (std::size_t k = 0; k < act.size(); ++k) {
      Job& st = state[act[k]];
      st.work = std::max(0.0, st.work - step);
      if (st.link > kEps) {
        st.link = std::max(0.0, st.link - step * link_share);
        if (st.link <= kEps) st.link_done = now;
      }
      if (st.latency > kEps) {
        st.latency = std::max(0.0, st.latency - step);
      } else if (st.dram > kEps) {
        st.dram = std::max(0.0, st.dram - step * share);
        if (st.dram <= kEps) st.dram_done = now;
      }
      const auto over = [&](double d) { return d < 0 || d + st.tail <= now + kEps; };
      const bool moved = st.dram <= kEps && st.latency <= kEps && st.link <= kEps &&
                         over(st.dram_done) && over(st.link_done);
      if (st.work > kEps || !moved) continue;
      now = std::round(now);  // whole clocks, as the cycle-level model counts
      st.end = now;
      running[static_cast<std::size_t>(jobs[act[k]].stage)] = -1;
      ++done;
    }
  }
  std::vector<cycle_t> stage_free(s.stages.size(), 0);
  std::vector<int> stage_last(s.stages.size(), -1);
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    ScheduledLayer& sl = out.jobs[i];
    const auto st = static_cast<std::size_t>(sl.stage);
    sl.start = static_cast<cycle_t>(std::llround(state[i].start));
    sl.end = static_cast<cycle_t>(std::llround(state[i].end));
    const bool last_index = m_acc.timing == Timing::scalesim && net.layers[jobs[i].layer].is_mac();
    sl.result.cycles = sl.end - sl.start - (last_index ? 1 : 0);
    sl.result.stall_cycles = sl.result.cycles - sl.result.compute_cycles;
    sl.result.memory_cycles = std::max(sl.result.memory_cycles, sl.result.cycles);
    sl.result.energy.leak = static_cast<double>(sl.end - stage_free[st]) * leak_per_clock[st];
    stage_free[st] = sl.end;
    stage_last[st] = static_cast<int>(i);
    out.cycles = std::max(out.cycles, sl.end);
  }
  // A stage's pods leak on after its last job while others still run: that is its last job's.
  for (std::size_t st = 0; st < s.stages.size(); ++st)
    if (stage_last[st] >= 0)
      out.jobs[static_cast<std::size_t>(stage_last[st])].result.energy.leak +=
          static_cast<double>(out.cycles - stage_free[st]) * leak_per_clock[st];
  for (const auto& j : out.jobs) {
    out.macs += j.result.macs;
    out.energy += j.result.energy;
  }
  return out;
}

std::vector<LayerPlacement> place_layers(const accel::Accelerator& acc,
                                         const workload::Network& net,
                                         const std::vector<std::size_t>& selected) {
  std::vector<std::size_t> run = selected;
  if (run.empty())
    for (std::size_t i = 0; i < net.layers.size(); ++i) run.push_back(i);
  const bool resident = weights_fit(acc, net);
  std::vector<LayerPlacement> out;
  for (std::size_t k = 0; k < run.size(); ++k) {
    if (run[k] >= net.layers.size() || (k > 0 && run[k] <= run[k - 1]))
      throw Error("place_layers: layer indices must be ascending and inside the network");
    const bool after_predecessor = k > 0 && run[k - 1] + 1 == run[k];
    out.push_back(
        {run[k], after_predecessor && output_on_chip(acc, net.layers[run[k - 1]]), resident});
  }
  return out;
}

}  // namespace axpod::analytical
