#include "pod.h"

#include <algorithm>

namespace axpod::core {

namespace {
enum Mark { kPreload, kStream, kLoad, kStall, kVector };
constexpr const char* kMarkName[] = {"preload", "tile", "load", "stall", "vector"};
constexpr const char* kMarkCategory[] = {"preload", "compute", "preload", "stall", "vector"};
}  // namespace

PodCore::PodCore(int id, const accel::Pod& cfg, const accel::EnergyTable& energy)
    : m_id(id),
      m_cfg(cfg),
      m_e(energy),
      m_buffer_bytes(1024.0 * (cfg.ifmap_sram_kb + cfg.filter_sram_kb)),
      m_leak_pj(static_cast<double>(cfg.rows) * cfg.cols * energy.leakage_pj_per_pe_cycle) {}

void PodCore::begin_mac(const PodLayer& layer, std::vector<int> queue) {
  m_layer = layer;
  m_queue = std::move(queue);
  m_array = std::make_unique<SystolicArray>(m_cfg.rows, m_cfg.cols, layer.table,
                                            layer.dataflow == accel::Dataflow::is);
  m_rtl.reset();
  if (m_cfg.model == accel::PodModel::rtl && !m_queue.empty())
    m_rtl = make_array_model(m_id, m_cfg.rows, m_cfg.cols, layer.multiplier, layer.dataflow);
  m_model = m_rtl ? m_rtl.get() : m_array.get();
  m_clk = {};
  m_cur = m_fetch = 0;
  m_mark_what = -1;
  m_out_pending = 0;
  m_out_begin = -1;
  m_tick = 0;
  m_shadow_loaded = 0;
  m_fetch_left = -1;
  m_held = 0;
  m_last = {};
  m_last_busy = -1;
  m_vector_left = 0;
  m_ready_at.assign(m_queue.size(), layer.ideal_memory ? 0 : -1);
  if (layer.ideal_memory) m_fetch = m_queue.size();
  m_phase = m_queue.empty() ? Phase::done : Phase::wait_first;
  const auto a = static_cast<std::size_t>(m_cfg.rows), b = static_cast<std::size_t>(m_cfg.cols);
  m_left.assign(a, 0);
  m_left_v.assign(a, 0);
  m_top.assign(b, 0);
  m_top_v.assign(b, 0);
  m_bottom.assign(b, 0);
  m_bottom_v.assign(b, 0);
  m_row.assign(b, 0);
  m_os_out.assign(a * b, 0);
}

void PodCore::begin_vector(const double (&pj)[kComponents], cycle_t cycles) {
  m_array.reset();
  m_rtl.reset();
  m_model = nullptr;
  m_queue.clear();
  m_ready_at.clear();
  m_cur = m_fetch = 0;
  m_mark_what = -1;
  m_last_busy = -1;
  std::copy(std::begin(pj), std::end(pj), std::begin(m_vector_pj));
  m_vector_left = cycles;
  m_phase = cycles > 0 ? Phase::vector : Phase::done;
}

int PodCore::next_fetch() const {
  return m_fetch < m_queue.size() ? m_queue[m_fetch] : -1;
}

double PodCore::request() {
  if (m_fetch >= m_queue.size()) return -1;
  if (m_fetch_left < 0) {
    const Tile& t = (*m_layer.tiles)[static_cast<std::size_t>(m_queue[m_fetch])];
    // The tile after the current one is always fetched (double buffering); further ones only
    // while the SRAM holds them beside the tiles not yet done.
    if (m_fetch > m_cur + 1 && m_held + t.noc_bytes > m_buffer_bytes) return -1;
    m_fetch_left = t.noc_bytes;
    m_held += t.noc_bytes;
    m_fetch_begin = -1;  // set by the first receive()
  }
  return m_fetch_left;
}

void PodCore::receive(double bytes, cycle_t now, int latency) {
  if (m_fetch >= m_queue.size() || m_fetch_left < 0) return;
  if (m_fetch_begin < 0 && bytes > 0) m_fetch_begin = now;
  m_fetch_left -= bytes;
  if (m_fetch_left <= 1e-9) {
    m_ready_at[m_fetch] = now + latency;
    if (m_timeline)
      m_timeline->add(m_id, Timeline::kDma, "operands t" + std::to_string(m_queue[m_fetch]),
                      "transfer", m_fetch_begin < 0 ? now : m_fetch_begin, now + 1);
    ++m_fetch;
    m_fetch_left = -1;
  }
}

bool PodCore::ready(std::size_t pos, cycle_t now) const {
  return m_ready_at[pos] >= 0 && m_ready_at[pos] <= now;
}

void PodCore::load_row(const Tile& t, int r) {
  if (r >= t.rows) return;
  const auto& T = *m_layer.tensors;
  const auto& g = T.g;
  if (m_layer.dataflow == accel::Dataflow::ws) {
    const std::int8_t* src = T.w.data() + (t.group * g.k + t.row0 + r) * g.n + t.col0;
    std::copy(src, src + t.cols, m_row.begin());
  } else {  // is: the stationary operand is x^T: row = k, column = m
    for (std::int64_t c = 0; c < t.cols; ++c)
      m_row[static_cast<std::size_t>(c)] =
          T.x[static_cast<std::size_t>((t.group * g.m + t.col0 + c) * g.k + t.row0 + r)];
  }
  m_clk.row = r;
  m_clk.values = m_row.data();
  m_clk.ncols = static_cast<int>(t.cols);
  m_clk.nrows = static_cast<int>(t.rows);
}

void PodCore::stream_clock(const Tile& t, std::int64_t k) {
  const auto& T = *m_layer.tensors;
  const auto& g = T.g;
  auto& y = *m_layer.y;
  const int a = m_cfg.rows, b = m_cfg.cols;
  const std::int64_t L = a + b + t.len - 2;
  if (m_layer.dataflow == accel::Dataflow::os) {
    for (int r = 0; r < a; ++r) {
      const std::int64_t idx = k - r;
      const bool v = r < t.rows && idx >= 0 && idx < t.len;
      m_left_v[r] = v;
      m_left[r] =
          v ? T.x[static_cast<std::size_t>((t.group * g.m + t.row0 + r) * g.k + t.t0 + idx)] : 0;
    }
    for (int c = 0; c < b; ++c) {
      const std::int64_t idx = k - c;
      const bool v = c < t.cols && idx >= 0 && idx < t.len;
      m_top_v[c] = v;
      m_top[c] =
          v ? T.w[static_cast<std::size_t>((t.group * g.k + t.t0 + idx) * g.n + t.col0 + c)] : 0;
    }
    m_array->tick_os(m_left.data(), m_left_v.data(), m_top.data(), m_top_v.data());
    if (k == L - 1) {
      m_array->read_os(m_os_out.data(), static_cast<int>(t.rows), static_cast<int>(t.cols), true);
      for (std::int64_t r = 0; r < t.rows; ++r)
        for (std::int64_t c = 0; c < t.cols; ++c)
          y[static_cast<std::size_t>((t.group * g.m + t.row0 + r) * g.n + t.col0 + c)] +=
              m_os_out[static_cast<std::size_t>(r * t.cols + c)];
      // An output-stationary array's results leave once read out, at the fold's end.
      if (!m_layer.ideal_memory) m_out_pending += t.out_bytes;
    }
    return;
  }
  const bool ws = m_layer.dataflow == accel::Dataflow::ws;
  for (int r = 0; r < a; ++r) {
    const std::int64_t idx = k - r;
    const bool v = r < t.rows && idx >= 0 && idx < t.len;
    m_left_v[r] = v;
    if (!v)
      m_left[r] = 0;
    else if (ws)
      m_left[r] = T.x[static_cast<std::size_t>((t.group * g.m + t.t0 + idx) * g.k + t.row0 + r)];
    else
      m_left[r] = T.w[static_cast<std::size_t>((t.group * g.k + t.row0 + r) * g.n + t.t0 + idx)];
  }
  m_clk.tick = true;
  m_clk.left = m_left.data();
  m_clk.left_valid = m_left_v.data();
  m_out_tile = &t;
  m_out_k = k;
}

void PodCore::take_outputs(const Tile& t, std::int64_t k) {
  const auto& g = m_layer.tensors->g;
  auto& y = *m_layer.y;
  const int a = m_cfg.rows, b = m_cfg.cols;
  const bool ws = m_layer.dataflow == accel::Dataflow::ws;
  // The last fold of a reduction sends its sums back as they leave the bottom edge.
  const bool sends = t.out_bytes > 0 && !m_layer.ideal_memory;
  for (int c = 0; c < b; ++c) {
    if (!m_bottom_v[c]) continue;
    if (sends) m_out_pending += 1;
    const std::int64_t i = k - (a - 1) - c;  // stream index of this column's sum
    const std::int64_t out_row = ws ? t.t0 + i : t.col0 + c;
    const std::int64_t out_col = ws ? t.col0 + c : t.t0 + i;
    y[static_cast<std::size_t>((t.group * g.m + out_row) * g.n + out_col)] += m_bottom[c];
  }
}

void PodCore::step(cycle_t now, EnergySink& energy) {
  if (m_phase == Phase::vector) {
    for (int c = 0; c < kComponents; ++c)
      if (m_vector_pj[c] > 0) energy.charge(m_id, c, m_vector_pj[c]);
    m_last_busy = now;
    if (m_timeline) mark(now, kVector, -1);
    if (--m_vector_left <= 0) m_phase = Phase::done;
  } else if (m_phase != Phase::done) {
    step_array(now, energy);
  }
  if (m_timeline && m_phase == Phase::done) close_mark(now + 1);
  energy.charge(m_id, kLeak, m_leak_pj);
}

void PodCore::step_array(cycle_t now, EnergySink& energy) {
  const int a = m_cfg.rows;
  const auto& tiles = *m_layer.tiles;
  const auto tile = [&](std::size_t pos) -> const Tile& {
    return tiles[static_cast<std::size_t>(m_queue[pos])];
  };
  if (m_timeline) {
    const int cur = m_cur < m_queue.size() ? m_queue[m_cur] : -1;
    const bool in = m_cur < m_queue.size() && ready(m_cur, now);
    switch (m_phase) {
      case Phase::wait_first:
        mark(now, !in ? kStall : m_layer.dataflow == accel::Dataflow::os ? kStream : kPreload, cur);
        break;
      case Phase::preload:
        mark(now, kPreload, cur);
        break;
      case Phase::load_next:
        mark(now, in ? kLoad : kStall, cur);
        break;
      default:
        mark(now, kStream, cur);
        break;
    }
  }
  bool busy = false;
  if (m_phase == Phase::wait_first && ready(m_cur, now)) {
    m_phase = m_layer.dataflow == accel::Dataflow::os ? Phase::stream : Phase::preload;
    m_tick = 0;
  }
  if (m_phase == Phase::preload) {
    busy = true;
    load_row(tile(m_cur), static_cast<int>(m_tick));
    if (++m_tick == a) {
      m_clk.swap = true;
      m_phase = Phase::stream;
      m_tick = -1;  // streaming starts next clock
    }
  } else if (m_phase == Phase::load_next) {
    busy = true;
    if (ready(m_cur, now)) {
      load_row(tile(m_cur), m_shadow_loaded);
      if (++m_shadow_loaded == a) {
        m_clk.swap = true;
        m_shadow_loaded = 0;
        m_phase = Phase::stream;
        m_tick = -1;
      }
    }
  } else if (m_phase == Phase::stream && m_tick >= 0) {
    busy = true;
    const Tile& t = tile(m_cur);
    const std::int64_t k = m_tick;
    stream_clock(t, k);
    // Double buffering: the next tile's stationary operand loads during this tile.
    if (m_layer.dataflow != accel::Dataflow::os &&
        m_layer.timing == accel::Timing::double_buffered && m_cur + 1 < m_queue.size() &&
        m_shadow_loaded < a && ready(m_cur + 1, now)) {
      load_row(tile(m_cur + 1), m_shadow_loaded);
      ++m_shadow_loaded;
    }
    if (k == a + m_cfg.cols + t.len - 3) end_tile(t);
  }
  if (m_phase == Phase::stream) ++m_tick;
  if (busy) m_last_busy = now;
  // The clock of a stationary array: its edge, shadow write and swap at once.
  if (m_clk.any()) {
    m_model->clock(m_clk, m_bottom.data(), m_bottom_v.data());
    if (m_clk.tick) take_outputs(*m_out_tile, m_out_k);
    m_clk = {};
  }
  charge_activity(energy);
}

void PodCore::mark(cycle_t now, int what, int tile) {
  if (what == m_mark_what && tile == m_mark_tile) return;
  close_mark(now);
  m_mark_what = what;
  m_mark_tile = tile;
  m_mark_begin = now;
}

void PodCore::close_mark(cycle_t end) {
  if (m_mark_what < 0) return;
  std::string name = kMarkName[m_mark_what];
  if (m_mark_tile >= 0) name += " t" + std::to_string(m_mark_tile);
  m_timeline->add(m_id, Timeline::kArray, std::move(name), kMarkCategory[m_mark_what], m_mark_begin,
                  end);
  m_mark_what = -1;
}

void PodCore::send_outputs(double bytes, cycle_t now) {
  if (m_out_begin < 0) m_out_begin = now;
  m_out_pending -= bytes;
  if (m_out_pending <= 1e-9) {
    m_out_pending = 0;
    if (m_timeline)
      m_timeline->add(m_id, Timeline::kDmaOut, "outputs", "transfer", m_out_begin, now + 1);
    m_out_begin = -1;
  }
}

void PodCore::end_tile(const Tile& t) {
  m_held -= t.noc_bytes;  // its buffer space is free again
  ++m_cur;
  if (m_cur >= m_queue.size()) {
    m_phase = Phase::done;
  } else if (m_layer.dataflow == accel::Dataflow::os) {
    m_phase = Phase::wait_first;  // the next tile starts as soon as its operands are in
  } else if (m_shadow_loaded == m_cfg.rows) {
    m_clk.swap = true;
    m_shadow_loaded = 0;
    m_tick = -1;
  } else {
    m_phase = Phase::load_next;
  }
}

void PodCore::charge_activity(EnergySink& energy) {
  const ArrayActivity& a = m_model->activity();
  const double slots = static_cast<double>(a.mac_slots - m_last.mac_slots);
  const double gated = static_cast<double>(a.gated - m_last.gated);
  const double stat = static_cast<double>(a.stationary_writes - m_last.stationary_writes);
  const double reads = static_cast<double>(a.edge_reads - m_last.edge_reads);
  const double outs = static_cast<double>(a.outputs - m_last.outputs);
  if (slots > 0) {
    energy.charge(m_id, kMult, (slots - gated) * m_layer.mult_pj);
    energy.charge(m_id, kAdd, slots * m_e.add32_pj);
  }
  if (slots + stat > 0) energy.charge(m_id, kReg, (slots + stat) * m_e.reg_write_pj);
  if (reads + stat + outs > 0)
    energy.charge(m_id, kSram, (reads + stat + 8.0 * outs) * m_e.pod_sram_pj_per_byte);
  m_last = a;
}

}  // namespace axpod::core
