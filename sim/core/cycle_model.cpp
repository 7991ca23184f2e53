#include "cycle_model.h"

#include <algorithm>
#include <cmath>

#include "common/error.h"
#include "mult/registry.h"

namespace axpod::core {

const char* component_name(int c) {
  static const char* kNames[kComponents] = {"mult", "add", "reg",  "sram",
                                            "gbuf", "noc", "dram", "leak"};
  return c >= 0 && c < kComponents ? kNames[c] : "?";
}

namespace {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
  return (a + b - 1) / b;
}

struct Tile {
  std::int64_t group = 0;
  std::int64_t row0 = 0, rows = 0;  // spatial rows of the mapping (ws/is: k; os: m)
  std::int64_t col0 = 0, cols = 0;  // spatial columns (ws: n; is: m; os: n)
  std::int64_t t0 = 0, len = 0;     // temporal range (ws: m; is: n; os: k)
  int pod = 0;
  double noc_bytes = 0;   // operands delivered to the pod
  double dram_bytes = 0;  // share of the layer's DRAM traffic
};

enum class Phase { wait_first, preload, stream, load_next, done };

}  // namespace

struct CycleModel::Impl {
  // Layer description.
  const workload::Layer* layer = nullptr;
  const engine::LayerTensors* tensors = nullptr;
  std::string mult;
  accel::Dataflow df = accel::Dataflow::ws;
  int a = 0, b = 0;  // array rows, cols
  std::vector<Tile> tiles;
  std::vector<int> pod_ids;  // accelerator pod index of each eligible pod
  analytical::TilePlan plan;
  std::int64_t macs = 0;
  double mult_pj = 0;  // per non-gated multiplication
  int hops = 1;
  double noc_port_bw = 0;  // bytes per cycle per pod port (bus: shared)
  bool bus = false;
  double gbuf_per_noc_byte = 0;  // global-buffer energy per delivered byte, pJ
  double extra_noc_pj = 0;       // output return traffic, charged at the end
  // Memory state.
  double dram_total = 0, dram_done = 0;
  cycle_t dram_latency_left = 0;
  std::vector<double> dram_prefix;  // cumulative DRAM bytes up to and including tile t
  // Per pod.
  struct Pod {
    int id = 0;
    std::unique_ptr<SystolicArray> array;
    std::vector<int> tiles;  // tile indices in order
    std::size_t cur = 0;     // position of the tile streaming (or next to start)
    Phase phase = Phase::wait_first;
    std::int64_t tick = 0;          // clock within the phase
    int shadow_loaded = 0;          // load cycles done for the next tile's stationary operand
    std::size_t fetch = 0;          // position of the tile being delivered
    double fetch_left = -1;         // its bytes still to deliver (-1: not started)
    double buffer_bytes = 0;        // input + filter SRAM: how much it may hold ahead
    double held = 0;                // bytes of the tiles delivered or arriving, not yet done
    std::vector<cycle_t> ready_at;  // per position: cycle its operands are in the pod
    ArrayActivity last;             // activity at the previous clock
    cycle_t finished = -1;          // last busy cycle
  };
  std::vector<Pod> pods;
  std::vector<std::int32_t> y;
  // Non-MAC layers.
  cycle_t simple_len = 0;
  double simple_noc_left = 0;  // bytes the interconnect still has to move
  double simple_pj_per_cycle[kComponents] = {};
  // Scratch.
  std::vector<std::int8_t> left, top;
  std::vector<std::uint8_t> left_v, top_v, bottom_v;
  std::vector<std::int32_t> bottom, os_out;
  cycle_t start = 0;
  analytical::Energy energy;
  bool finished = false;
};

CycleModel::CycleModel(accel::Accelerator acc, analytical::MultiplierEnergies energies,
                       cycle_t window)
    : m_acc(std::move(acc)),
      m_energies(std::move(energies)),
      m_window(std::max<cycle_t>(1, window)) {
  m_open_pj.assign(m_acc.pods.size(), {});
}

CycleModel::~CycleModel() = default;

void CycleModel::begin_layer(const workload::Layer& layer, const engine::LayerTensors* tensors,
                             const std::string& mult, bool input_on_chip, bool weights_on_chip) {
  m_impl = std::make_unique<Impl>();
  m_job = {};
  m_job.input_on_chip = input_on_chip;
  m_job.weights_on_chip = weights_on_chip;
  Impl& s = *m_impl;
  s.layer = &layer;
  s.tensors = tensors;
  s.start = m_now;
  const auto& A = m_acc;
  const auto& E = A.energy;
  s.hops = analytical::interconnect_hops(A);
  s.bus = A.noc.topology == accel::Topology::bus;
  s.noc_port_bw = A.noc.bytes_per_cycle;

  // Eligible pods: the same rule as the analytical model.
  const analytical::LayerPods lp = analytical::layer_pods(A, layer, mult);
  s.mult = lp.multiplier;
  s.pod_ids = lp.pods;
  const accel::Pod& pod0 = A.pods[s.pod_ids.front()];
  s.a = pod0.rows;
  s.b = pod0.cols;
  s.df = pod0.dataflow;

  const std::int64_t in_b = layer.input_bytes(), w_b = layer.weight_bytes(),
                     out_b = layer.output_bytes();
  s.dram_total =
      static_cast<double>(analytical::layer_dram_bytes(A, layer, input_on_chip, weights_on_chip));
  s.dram_latency_left = s.dram_total > 0 ? A.dram.latency_cycles : 0;
  const double gbuf_pj = static_cast<double>(in_b + w_b + out_b) * E.global_buffer_pj_per_byte;

  if (!layer.is_mac()) {
    const std::int64_t ops =
        layer.kind == workload::LayerKind::add ? out_b : out_b * layer.k_h * layer.k_w;
    std::int64_t lanes = 0;
    for (int id : s.pod_ids) lanes += A.pods[id].cols;
    s.simple_len = std::max<cycle_t>(1, ceil_div(ops, lanes));
    const double per =
        1.0 / static_cast<double>(s.simple_len) / static_cast<double>(s.pod_ids.size());
    s.simple_pj_per_cycle[kAdd] = static_cast<double>(ops) * E.add8_pj * per;
    s.simple_pj_per_cycle[kSram] = static_cast<double>(in_b + out_b) * E.pod_sram_pj_per_byte * per;
    s.simple_pj_per_cycle[kGbuf] = gbuf_pj * per;
    s.simple_pj_per_cycle[kNoc] =
        static_cast<double>((in_b + out_b) * s.hops) * E.noc_pj_per_byte_hop * per;
    s.simple_noc_left = static_cast<double>(in_b + out_b);
    s.dram_prefix = {s.dram_total};
    return;
  }
  if (tensors == nullptr) throw Error("layer '" + layer.name + "' needs tensors");
  const auto g = layer.gemm();
  s.macs = g.macs();
  s.mult_pj = A.energy.catalog.empty() ? 0.0 : m_energies.fj(s.mult, layer.name) / 1000.0;
  s.plan = analytical::plan_tiles(g, s.df, s.a, s.b, static_cast<int>(s.pod_ids.size()), A.timing);
  const analytical::Mapping mp = analytical::map_gemm(g, s.df, s.a);
  const std::int64_t fr = ceil_div(mp.rows, s.a), fc = ceil_div(mp.cols, s.b);
  const std::int64_t chunks = s.plan.chunks;
  const std::int64_t base = mp.temporal / chunks, extra = mp.temporal % chunks;
  // Tile order: group, column fold, row fold, chunk (the K-folds of a column block adjacent).
  for (std::int64_t gi = 0; gi < g.groups; ++gi)
    for (std::int64_t j = 0; j < fc; ++j)
      for (std::int64_t i = 0; i < fr; ++i) {
        std::int64_t t0 = 0;
        for (std::int64_t c = 0; c < chunks; ++c) {
          Tile t;
          t.group = gi;
          t.row0 = i * s.a;
          t.rows = std::min<std::int64_t>(s.a, mp.rows - t.row0);
          t.col0 = j * s.b;
          t.cols = std::min<std::int64_t>(s.b, mp.cols - t.col0);
          t.len = base + (c < extra ? 1 : 0);
          t.t0 = t0;
          t0 += t.len;
          const double stationary =
              s.df == accel::Dataflow::os ? 0.0 : static_cast<double>(t.rows * t.cols);
          const double streamed =
              static_cast<double>(t.len * t.rows) +
              (s.df == accel::Dataflow::os ? static_cast<double>(t.len * t.cols) : 0.0);
          t.noc_bytes = stationary + streamed;
          s.tiles.push_back(t);
        }
      }
  double noc_total = 0;
  for (const auto& t : s.tiles) noc_total += t.noc_bytes;
  double acc = 0;
  for (auto& t : s.tiles) {
    t.dram_bytes = noc_total > 0 ? s.dram_total * t.noc_bytes / noc_total : 0;
    acc += t.dram_bytes;
    s.dram_prefix.push_back(acc);
  }
  s.gbuf_per_noc_byte = noc_total > 0 ? gbuf_pj / noc_total : 0;
  s.extra_noc_pj = static_cast<double>(out_b * s.hops) * E.noc_pj_per_byte_hop;

  // Pods and their tile queues (tile t -> pod t % P, as in the analytical plan).
  const mult::Table* tab = &table(s.mult);
  s.pods.resize(s.pod_ids.size());
  for (std::size_t p = 0; p < s.pods.size(); ++p) {
    s.pods[p].id = s.pod_ids[p];
    const accel::Pod& cfg = A.pods[s.pod_ids[p]];
    s.pods[p].buffer_bytes = 1024.0 * (cfg.ifmap_sram_kb + cfg.filter_sram_kb);
    s.pods[p].array = std::make_unique<SystolicArray>(s.a, s.b, tab, s.df == accel::Dataflow::is);
  }
  for (std::size_t t = 0; t < s.tiles.size(); ++t) {
    const int p = static_cast<int>(t % s.pods.size());
    s.tiles[t].pod = p;
    s.pods[p].tiles.push_back(static_cast<int>(t));
  }
  for (auto& p : s.pods) {
    p.ready_at.assign(p.tiles.size(), -1);
    if (p.tiles.empty()) p.phase = Phase::done;
  }
  s.y.assign(static_cast<std::size_t>(g.groups * g.m * g.n), 0);
  s.left.assign(s.a, 0);
  s.left_v.assign(s.a, 0);
  s.top.assign(s.b, 0);
  s.top_v.assign(s.b, 0);
  s.bottom.assign(s.b, 0);
  s.bottom_v.assign(s.b, 0);
  s.os_out.assign(static_cast<std::size_t>(s.a) * s.b, 0);
}

bool CycleModel::tick() {
  Impl& s = *m_impl;
  if (s.finished) return false;
  const auto& E = m_acc.energy;
  const std::int64_t widx = m_now / m_window;
  if (m_open_index != widx) {
    close_window();
    m_open_index = widx;
  }
  auto charge = [&](int pod_id, int comp, double pj) {
    m_open_pj[pod_id][comp] += pj;
    switch (comp) {
      case kMult:
        s.energy.mult += pj;
        break;
      case kAdd:
        s.energy.add += pj;
        break;
      case kReg:
        s.energy.reg += pj;
        break;
      case kSram:
        s.energy.sram += pj;
        break;
      case kGbuf:
        s.energy.gbuf += pj;
        break;
      case kNoc:
        s.energy.noc += pj;
        break;
      case kDram:
        s.energy.dram += pj;
        break;
      default:
        s.energy.leak += pj;
        break;
    }
  };

  // --- DRAM: after the first-byte latency, bandwidth-limited, in tile order.
  double dram_now = 0;
  if (s.dram_latency_left > 0) {
    --s.dram_latency_left;
  } else if (s.dram_done < s.dram_total) {
    dram_now = std::min(m_acc.dram_bytes_per_cycle(), s.dram_total - s.dram_done);
    s.dram_done += dram_now;
  }

  if (!s.layer->is_mac()) {
    const cycle_t elapsed = m_now - s.start;
    const bool compute_done = elapsed >= s.simple_len;
    if (dram_now > 0) charge(s.pod_ids.front(), kDram, dram_now * E.dram_pj_per_byte);
    for (int id : s.pod_ids) {
      if (!compute_done)
        for (int c = 0; c < kComponents; ++c)
          if (s.simple_pj_per_cycle[c] > 0) charge(id, c, s.simple_pj_per_cycle[c]);
      charge(id, kLeak,
             static_cast<double>(m_acc.pods[id].rows) * m_acc.pods[id].cols *
                 E.leakage_pj_per_pe_cycle);
    }
    const double agg_bw =
        m_acc.noc.bytes_per_cycle * (s.bus ? 1.0 : static_cast<double>(m_acc.pods.size()));
    s.simple_noc_left = std::max(0.0, s.simple_noc_left - agg_bw);
    ++m_now;
    if (elapsed + 1 >= s.simple_len && s.dram_done >= s.dram_total && s.simple_noc_left <= 0 &&
        elapsed + 1 >= static_cast<cycle_t>(s.hops) * m_acc.noc.hop_latency)
      s.finished = true;
    return !s.finished;
  }
  if (dram_now > 0) {
    // Attribute DRAM energy to the pod of the first tile not yet fully fetched from DRAM.
    const auto it =
        std::lower_bound(s.dram_prefix.begin(), s.dram_prefix.end(), s.dram_done - 1e-9);
    const std::size_t t = std::min<std::size_t>(
        static_cast<std::size_t>(it - s.dram_prefix.begin()), s.tiles.size() - 1);
    charge(s.pods[s.tiles[t].pod].id, kDram, dram_now * E.dram_pj_per_byte);
  }

  // --- Interconnect: each pod receives its next tiles: always the one after the current
  // (double buffering), further ones while its input and filter SRAM hold them beside the tiles
  // it has not finished.
  double bus_budget = s.noc_port_bw;
  const std::size_t np = s.pods.size();
  const std::size_t first = np ? static_cast<std::size_t>(m_now % static_cast<cycle_t>(np)) : 0;
  for (std::size_t k = 0; k < np; ++k) {
    auto& p = s.pods[(first + k) % np];
    if (p.fetch >= p.tiles.size()) continue;
    const Tile& t = s.tiles[p.tiles[p.fetch]];
    if (s.dram_prefix[p.tiles[p.fetch]] > s.dram_done + 1e-6) continue;  // not yet from DRAM
    if (p.fetch_left < 0) {
      if (p.fetch > p.cur + 1 && p.held + t.noc_bytes > p.buffer_bytes) continue;
      p.fetch_left = t.noc_bytes;
      p.held += t.noc_bytes;
    }
    double bw = s.bus ? bus_budget : s.noc_port_bw;
    const double sent = std::min(bw, p.fetch_left);
    if (s.bus) bus_budget -= sent;
    p.fetch_left -= sent;
    charge(p.id, kNoc, sent * s.hops * E.noc_pj_per_byte_hop);
    charge(p.id, kGbuf, sent * s.gbuf_per_noc_byte);
    if (p.fetch_left <= 1e-9) {
      p.ready_at[p.fetch] = m_now + static_cast<cycle_t>(s.hops) * m_acc.noc.hop_latency;
      ++p.fetch;
      p.fetch_left = -1;
    }
  }

  // --- Pods.
  const auto& T = *s.tensors;
  const auto& g = T.g;
  bool all_done = true;
  for (auto& p : s.pods) {
    const auto ready = [&](std::size_t pos) {
      return p.ready_at[pos] >= 0 && p.ready_at[pos] <= m_now;
    };
    const auto load_row = [&](const Tile& t, int r) {
      SystolicArray& arr = *p.array;
      if (r >= t.rows) return;
      thread_local std::vector<std::int8_t> row;
      row.resize(static_cast<std::size_t>(t.cols));
      if (s.df == accel::Dataflow::ws) {
        const std::int8_t* src = T.w.data() + (t.group * g.k + t.row0 + r) * g.n + t.col0;
        std::copy(src, src + t.cols, row.begin());
      } else {  // is: the stationary operand is x^T: row = k, column = m
        for (std::int64_t c = 0; c < t.cols; ++c)
          row[c] = T.x[static_cast<std::size_t>((t.group * g.m + t.col0 + c) * g.k + t.row0 + r)];
      }
      arr.load_shadow_row(r, row.data(), static_cast<int>(t.cols));
      if (r == 0) arr.clear_shadow_rows(static_cast<int>(t.rows));
    };
    bool busy = false;
    if (p.phase == Phase::wait_first && ready(p.cur)) {
      p.phase = s.df == accel::Dataflow::os ? Phase::stream : Phase::preload;
      p.tick = 0;
    }
    if (p.phase == Phase::preload) {
      busy = true;
      load_row(s.tiles[p.tiles[p.cur]], static_cast<int>(p.tick));
      if (++p.tick == s.a) {
        p.array->swap();
        p.phase = Phase::stream;
        p.tick = -1;  // streaming starts next clock
      }
    } else if (p.phase == Phase::load_next) {
      busy = true;
      if (ready(p.cur)) {
        load_row(s.tiles[p.tiles[p.cur]], p.shadow_loaded);
        if (++p.shadow_loaded == s.a) {
          p.array->swap();
          p.shadow_loaded = 0;
          p.phase = Phase::stream;
          p.tick = -1;
        }
      }
    } else if (p.phase == Phase::stream && p.tick >= 0) {
      busy = true;
      const Tile& t = s.tiles[p.tiles[p.cur]];
      const std::int64_t L = s.a + s.b + t.len - 2;
      const std::int64_t k = p.tick;
      if (s.df == accel::Dataflow::os) {
        for (int r = 0; r < s.a; ++r) {
          const std::int64_t idx = k - r;
          const bool v = r < t.rows && idx >= 0 && idx < t.len;
          s.left_v[r] = v;
          s.left[r] =
              v ? T.x[static_cast<std::size_t>((t.group * g.m + t.row0 + r) * g.k + t.t0 + idx)]
                : 0;
        }
        for (int c = 0; c < s.b; ++c) {
          const std::int64_t idx = k - c;
          const bool v = c < t.cols && idx >= 0 && idx < t.len;
          s.top_v[c] = v;
          s.top[c] =
              v ? T.w[static_cast<std::size_t>((t.group * g.k + t.t0 + idx) * g.n + t.col0 + c)]
                : 0;
        }
        p.array->tick_os(s.left.data(), s.left_v.data(), s.top.data(), s.top_v.data());
        if (k == L - 1) {
          p.array->read_os(s.os_out.data(), static_cast<int>(t.rows), static_cast<int>(t.cols),
                           true);
          for (std::int64_t r = 0; r < t.rows; ++r)
            for (std::int64_t c = 0; c < t.cols; ++c)
              s.y[static_cast<std::size_t>((t.group * g.m + t.row0 + r) * g.n + t.col0 + c)] +=
                  s.os_out[r * t.cols + c];
        }
      } else {
        for (int r = 0; r < s.a; ++r) {
          const std::int64_t idx = k - r;
          const bool v = r < t.rows && idx >= 0 && idx < t.len;
          s.left_v[r] = v;
          if (!v) {
            s.left[r] = 0;
          } else if (s.df == accel::Dataflow::ws) {
            s.left[r] =
                T.x[static_cast<std::size_t>((t.group * g.m + t.t0 + idx) * g.k + t.row0 + r)];
          } else {
            s.left[r] =
                T.w[static_cast<std::size_t>((t.group * g.k + t.row0 + r) * g.n + t.t0 + idx)];
          }
        }
        p.array->tick(s.left.data(), s.left_v.data(), s.bottom.data(), s.bottom_v.data());
        for (int c = 0; c < s.b; ++c) {
          if (!s.bottom_v[c]) continue;
          const std::int64_t i = k - (s.a - 1) - c;  // stream index of this column's sum
          const std::int64_t out_row = s.df == accel::Dataflow::ws ? t.t0 + i : t.col0 + c;
          const std::int64_t out_col = s.df == accel::Dataflow::ws ? t.col0 + c : t.t0 + i;
          s.y[static_cast<std::size_t>((t.group * g.m + out_row) * g.n + out_col)] += s.bottom[c];
        }
        // Double buffering: the next tile's stationary operand loads during this tile.
        if (p.cur + 1 < p.tiles.size() && p.shadow_loaded < s.a && ready(p.cur + 1)) {
          load_row(s.tiles[p.tiles[p.cur + 1]], p.shadow_loaded);
          ++p.shadow_loaded;
        }
      }
      if (k == L - 1) {
        p.held -= t.noc_bytes;  // its buffer space is free again
        ++p.cur;
        if (p.cur >= p.tiles.size()) {
          p.phase = Phase::done;
        } else if (s.df == accel::Dataflow::os) {
          p.phase = Phase::wait_first;  // the next tile starts as soon as its operands are in
        } else if (p.shadow_loaded == s.a) {
          p.array->swap();
          p.shadow_loaded = 0;
          p.tick = -1;
        } else {
          p.phase = Phase::load_next;
        }
      }
    }
    if (p.phase == Phase::stream) ++p.tick;
    if (p.phase != Phase::done) all_done = false;
    if (busy) p.finished = m_now;
    // Energy of this pod's clock.
    const ArrayActivity& a = p.array->activity();
    const double slots = static_cast<double>(a.mac_slots - p.last.mac_slots);
    const double gated = static_cast<double>(a.gated - p.last.gated);
    const double stat = static_cast<double>(a.stationary_writes - p.last.stationary_writes);
    const double reads = static_cast<double>(a.edge_reads - p.last.edge_reads);
    const double outs = static_cast<double>(a.outputs - p.last.outputs);
    if (slots > 0) {
      charge(p.id, kMult, (slots - gated) * s.mult_pj);
      charge(p.id, kAdd, slots * E.add32_pj);
    }
    if (slots + stat > 0) charge(p.id, kReg, (slots + stat) * E.reg_write_pj);
    if (reads + stat + outs > 0)
      charge(p.id, kSram, (reads + stat + 8.0 * outs) * E.pod_sram_pj_per_byte);
    p.last = a;
  }
  for (std::size_t id = 0; id < m_acc.pods.size(); ++id)
    charge(
        static_cast<int>(id), kLeak,
        static_cast<double>(m_acc.pods[id].rows) * m_acc.pods[id].cols * E.leakage_pj_per_pe_cycle);
  ++m_now;
  if (all_done && s.dram_done >= s.dram_total - 1e-6) {
    s.finished = true;
    // Output return traffic over the interconnect, charged to the pods used.
    for (auto& p : s.pods) charge(p.id, kNoc, s.extra_noc_pj / static_cast<double>(s.pods.size()));
  }
  return !s.finished;
}

LayerSim CycleModel::end_layer() {
  Impl& s = *m_impl;
  LayerSim r;
  r.layer = s.layer->name;
  r.kind = workload::to_string(s.layer->kind);
  r.multiplier = s.layer->is_mac() ? s.mult : "";
  r.macs = s.macs;
  r.pods = static_cast<int>(s.pod_ids.size());
  r.start = s.start;
  r.cycles = m_now - s.start;
  r.stall_free = s.layer->is_mac() ? s.plan.makespan : s.simple_len;
  r.stall_cycles = r.cycles - r.stall_free;
  r.energy = s.energy;
  std::uint64_t gated = 0;
  for (auto& p : s.pods) gated += p.array->activity().gated;
  r.gated = static_cast<std::int64_t>(gated);
  r.y = std::move(s.y);
  r.index = m_job.index;
  r.input_on_chip = m_job.input_on_chip;
  r.weights_on_chip = m_job.weights_on_chip;
  m_job = {};
  m_impl.reset();
  return r;
}

std::vector<LayerJob> CycleModel::plan_network(const accel::Accelerator& acc,
                                               const workload::Network& net,
                                               const accel::Assignment& assign,
                                               const TensorSource& tensors,
                                               const std::vector<std::size_t>& selected) {
  std::vector<LayerJob> jobs;
  for (const auto& p : analytical::place_layers(acc, net, selected)) {
    const auto& layer = net.layers[p.index];
    LayerJob j;
    j.index = p.index;
    j.layer = &layer;
    j.input_on_chip = p.input_on_chip;
    j.weights_on_chip = p.weights_on_chip;
    if (layer.is_mac()) {
      j.multiplier = assign.for_layer(layer.name);
      j.tensors = tensors ? tensors(p.index) : nullptr;
    }
    jobs.push_back(std::move(j));
  }
  return jobs;
}

void CycleModel::begin_job(const LayerJob& job) {
  begin_layer(*job.layer, job.tensors, job.multiplier, job.input_on_chip, job.weights_on_chip);
  m_job.index = job.index;
}

LayerSim CycleModel::run_job(const LayerJob& job) {
  begin_job(job);
  while (tick()) {
  }
  return end_layer();
}

std::vector<LayerSim> CycleModel::run_network(
    const workload::Network& net, const accel::Assignment& assign, const TensorSource& tensors,
    const std::vector<std::size_t>& selected,
    const std::function<void(const LayerSim&)>& on_layer) {
  std::vector<LayerSim> out;
  for (const auto& job : plan_network(m_acc, net, assign, tensors, selected)) {
    out.push_back(run_job(job));
    if (on_layer) on_layer(out.back());
  }
  return out;
}

LayerSim CycleModel::run_layer(const workload::Layer& layer, const engine::LayerTensors* tensors,
                               const std::string& mult, bool input_on_chip, bool weights_on_chip) {
  begin_layer(layer, tensors, mult, input_on_chip, weights_on_chip);
  while (tick()) {
  }
  return end_layer();
}

void CycleModel::close_window() {
  if (m_open_index >= 0) {
    for (std::size_t p = 0; p < m_open_pj.size(); ++p) {
      WindowEnergy we;
      we.window = m_open_index;
      we.pod = static_cast<int>(p);
      for (int c = 0; c < kComponents; ++c) we.pj[c] = m_open_pj[p][c];
      m_windows.push_back(we);
      if (on_window) on_window(we);
    }
  }
  for (auto& a : m_open_pj) a.fill(0.0);
  m_open_index = -1;
}

void CycleModel::finish() {
  close_window();
}

const mult::Table& CycleModel::table(const std::string& name) {
  auto it = m_tables.find(name);
  if (it == m_tables.end())
    it = m_tables
             .emplace(name,
                      std::make_unique<mult::Table>(*mult::Registry::instance().create(name).model))
             .first;
  return *it->second;
}

}  // namespace axpod::core
