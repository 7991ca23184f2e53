#include "systolic_array.h"

#include <algorithm>
#include <cstring>

#include "parallel.h"
#include "pe_row.h"

namespace axpod::core {

SystolicArray::SystolicArray(int rows, int cols, const mult::Table* table, bool stationary_first)
    : m_rows(rows),
      m_cols(cols),
      m_table(table->products().data()),
      m_stationary_first(stationary_first) {
  const std::size_t n = static_cast<std::size_t>(rows) * cols;
  m_zero_sums.assign(static_cast<std::size_t>(cols), 0);
  m_stat.assign(n, 0);
  m_stat_v.assign(n, 0);
  m_shadow.assign(n, 0);
  m_shadow_v.assign(n, 0);
  for (int b = 0; b < 2; ++b) {
    m_flow[b].assign(n, 0);
    m_flow_v[b].assign(n, 0);
    m_sum[b].assign(n, 0);
    m_sum_v[b].assign(n, 0);
    m_down[b].assign(n, 0);
    m_down_v[b].assign(n, 0);
  }
  m_lo.assign(static_cast<std::size_t>(rows), 0);
  m_hi.assign(static_cast<std::size_t>(rows), 0);
  m_stat_rows.assign(static_cast<std::size_t>(rows), 0);
  m_shadow_rows.assign(static_cast<std::size_t>(rows), 0);
}

void SystolicArray::load_shadow_row(int row, const std::int8_t* values, int n) {
  std::int8_t* dst = &m_shadow[static_cast<std::size_t>(row) * m_cols];
  std::uint8_t* dv = &m_shadow_v[static_cast<std::size_t>(row) * m_cols];
  std::memcpy(dst, values, static_cast<std::size_t>(n));
  std::memset(dst + n, 0, static_cast<std::size_t>(m_cols - n));
  std::memset(dv, 1, static_cast<std::size_t>(n));
  std::memset(dv + n, 0, static_cast<std::size_t>(m_cols - n));
  m_shadow_rows[static_cast<std::size_t>(row)] = n;
  m_act.stationary_writes += static_cast<std::uint64_t>(n);
}

void SystolicArray::clear_shadow_rows(int rows_used) {
  for (int r = rows_used; r < m_rows; ++r) {
    std::memset(&m_shadow_v[static_cast<std::size_t>(r) * m_cols], 0,
                static_cast<std::size_t>(m_cols));
    m_shadow_rows[static_cast<std::size_t>(r)] = 0;
  }
}

void SystolicArray::swap() {
  m_stat.swap(m_shadow);
  m_stat_v.swap(m_shadow_v);
  m_stat_rows.swap(m_shadow_rows);
}

void SystolicArray::tick(const std::int8_t* left, const std::uint8_t* left_valid,
                         std::int32_t* bottom, std::uint8_t* bottom_valid) {
  // Large arrays split their rows over the simulator's threads (rows are independent within a
  // clock: each reads the clock before's registers and writes its own).
  const int parts =
      m_rows * m_cols >= 64 * 64 ? std::min(sim_threads(), std::max(1, m_rows / 16)) : 1;
  RowCounts counts[64];
  if (parts <= 1) {
    counts[0] = tick_rows(0, m_rows, left, left_valid);
  } else {
    struct Ctx {
      SystolicArray* self;
      const std::int8_t* left;
      const std::uint8_t* left_valid;
      RowCounts* counts;
      int parts;
    } ctx{this, left, left_valid, counts, parts};
    run_parts(
        parts,
        [](void* p, int part) {
          auto& c = *static_cast<Ctx*>(p);
          const int rows = c.self->m_rows;
          c.counts[part] = c.self->tick_rows(rows * part / c.parts, rows * (part + 1) / c.parts,
                                             c.left, c.left_valid);
        },
        &ctx);
  }
  std::uint64_t slots = 0, gated = 0, reads = 0;
  std::int64_t in_flight = 0;
  for (int p = 0; p < std::max(1, parts); ++p) {  // in part order: the same sums on any count
    slots += counts[p].slots;
    gated += counts[p].gated;
    reads += counts[p].reads;
    in_flight += counts[p].in_flight;
  }
  const int nxt = 1 - m_cur;
  const int C = m_cols;
  const std::size_t last = static_cast<std::size_t>(m_rows - 1) * C;
  std::memcpy(bottom, m_sum[nxt].data() + last, sizeof(std::int32_t) * static_cast<std::size_t>(C));
  std::memcpy(bottom_valid, m_sum_v[nxt].data() + last, static_cast<std::size_t>(C));
  for (int c = 0; c < C; ++c) m_act.outputs += m_sum_v[nxt][last + c];
  m_act.mac_slots += slots;
  m_act.gated += gated;
  m_act.edge_reads += reads;
  m_in_flight = in_flight;
  m_cur = nxt;
}

SystolicArray::RowCounts SystolicArray::tick_rows(int r0, int r1, const std::int8_t* left,
                                                  const std::uint8_t* left_valid) {
  const int nxt = 1 - m_cur;
  const std::int8_t* fa = m_flow[m_cur].data();
  const std::uint8_t* fav = m_flow_v[m_cur].data();
  std::int8_t* na = m_flow[nxt].data();
  std::uint8_t* nav = m_flow_v[nxt].data();
  const std::int32_t* ps = m_sum[m_cur].data();
  const std::uint8_t* psv = m_sum_v[m_cur].data();
  std::int32_t* ns = m_sum[nxt].data();
  std::uint8_t* nsv = m_sum_v[nxt].data();
  const int C = m_cols;
  const detail::PeRowFn kernel = detail::pe_row_kernel();
  RowCounts rc;
  for (int r = r0; r < r1; ++r) {
    const std::size_t base = static_cast<std::size_t>(r) * C;
    // Moving operands shift one PE to the right; the edge value enters PE(r, 0).
    na[base] = left[r];
    nav[base] = left_valid[r];
    rc.reads += left_valid[r];
    std::memcpy(na + base + 1, fa + base, static_cast<std::size_t>(C - 1));
    std::memcpy(nav + base + 1, fav + base, static_cast<std::size_t>(C - 1));
    int& lo = m_lo[static_cast<std::size_t>(r)];
    int& hi = m_hi[static_cast<std::size_t>(r)];
    if (lo >= hi) {  // nothing was valid: only the new edge value can be
      lo = 0;
      hi = left_valid[r] ? 1 : 0;
    } else {
      lo = left_valid[r] ? 0 : lo + 1;
      hi = std::min(hi + 1, C);
    }
    // The PEs that may multiply (none in a row without weights).
    const int plo = lo, phi = m_stat_rows[static_cast<std::size_t>(r)] == 0 ? lo : hi;
    const std::int8_t* s = &m_stat[base];
    const std::uint8_t* sv = &m_stat_v[base];
    // Row 0 adds to zero and takes its validity from its own operands.
    const std::int32_t* above = r > 0 ? ps + base - C : m_zero_sums.data();
    const std::uint8_t* above_v = r > 0 ? psv + base - C : nullptr;
    const std::int8_t* a_row = na + base;
    const std::uint8_t* av_row = nav + base;
    std::int32_t* out = ns + base;
    std::uint8_t* out_v = nsv + base;
    // Outside [plo, phi) no PE multiplies: the sums pass down unchanged.
    if (plo < phi) {
      std::memcpy(out, above, sizeof(std::int32_t) * static_cast<std::size_t>(plo));
      std::memcpy(out + phi, above + phi, sizeof(std::int32_t) * static_cast<std::size_t>(C - phi));
    } else {
      std::memcpy(out, above, sizeof(std::int32_t) * static_cast<std::size_t>(C));
    }
    const detail::PeRowCounts n = kernel(detail::PeRow{a_row, av_row, s, sv, above, out}, plo, phi,
                                         m_table, m_stationary_first);
    std::uint32_t row_flight = 0;
    if (r > 0) {
      std::memcpy(out_v, above_v, static_cast<std::size_t>(C));
    } else {
      for (int c = 0; c < C; ++c) out_v[c] = static_cast<std::uint8_t>(av_row[c] & sv[c]);
    }
    for (int c = 0; c < C; ++c) row_flight += av_row[c] | out_v[c];
    rc.slots += n.slots;
    rc.gated += n.gated;
    rc.in_flight += row_flight;
  }
  return rc;
}

void SystolicArray::tick_os(const std::int8_t* left, const std::uint8_t* left_valid,
                            const std::int8_t* top, const std::uint8_t* top_valid) {
  const int nxt = 1 - m_cur;
  const int C = m_cols;
  std::int32_t* acc = m_sum[0].data();  // os keeps its accumulators in buffer 0
  std::uint64_t slots = 0, gated = 0, reads = 0;
  std::int64_t in_flight = 0;
  for (int r = 0; r < m_rows; ++r) {
    const std::size_t base = static_cast<std::size_t>(r) * C;
    m_flow[nxt][base] = left[r];
    m_flow_v[nxt][base] = left_valid[r];
    reads += left_valid[r];
    std::memcpy(&m_flow[nxt][base + 1], &m_flow[m_cur][base], static_cast<std::size_t>(C - 1));
    std::memcpy(&m_flow_v[nxt][base + 1], &m_flow_v[m_cur][base], static_cast<std::size_t>(C - 1));
    if (r == 0) {
      std::memcpy(&m_down[nxt][0], top, static_cast<std::size_t>(C));
      std::memcpy(&m_down_v[nxt][0], top_valid, static_cast<std::size_t>(C));
      for (int c = 0; c < C; ++c) reads += top_valid[c];
    } else {
      std::memcpy(&m_down[nxt][base], &m_down[m_cur][base - C], static_cast<std::size_t>(C));
      std::memcpy(&m_down_v[nxt][base], &m_down_v[m_cur][base - C], static_cast<std::size_t>(C));
    }
    for (int c = 0; c < C; ++c) {
      const auto a = static_cast<std::uint8_t>(m_flow[nxt][base + c]);
      const auto w = static_cast<std::uint8_t>(m_down[nxt][base + c]);
      const std::uint32_t valid = m_flow_v[nxt][base + c] & m_down_v[nxt][base + c];
      acc[base + c] +=
          m_table[(static_cast<std::size_t>(a) << 8) | w] & -static_cast<std::int32_t>(valid);
      slots += valid;
      gated += valid & static_cast<std::uint32_t>((a == 0) | (w == 0));
      in_flight += m_flow_v[nxt][base + c] | m_down_v[nxt][base + c];
    }
  }
  m_act.mac_slots += slots;
  m_act.gated += gated;
  m_act.edge_reads += reads;
  m_in_flight = in_flight;
  m_cur = nxt;
  // The moving operands went through this clock without tick(): any column may hold one.
  std::fill(m_lo.begin(), m_lo.end(), 0);
  std::fill(m_hi.begin(), m_hi.end(), m_cols);
}

void SystolicArray::read_os(std::int32_t* out, int rows_used, int cols_used, bool clear) {
  std::int32_t* acc = m_sum[0].data();
  for (int r = 0; r < rows_used; ++r)
    for (int c = 0; c < cols_used; ++c)
      out[r * cols_used + c] = acc[static_cast<std::size_t>(r) * m_cols + c];
  m_act.outputs += static_cast<std::uint64_t>(rows_used) * cols_used;
  if (clear) std::fill(m_sum[0].begin(), m_sum[0].end(), 0);
}

void SystolicArray::reset() {
  for (int b = 0; b < 2; ++b) {
    std::fill(m_flow[b].begin(), m_flow[b].end(), 0);
    std::fill(m_flow_v[b].begin(), m_flow_v[b].end(), 0);
    std::fill(m_sum[b].begin(), m_sum[b].end(), 0);
    std::fill(m_sum_v[b].begin(), m_sum_v[b].end(), 0);
    std::fill(m_down[b].begin(), m_down[b].end(), 0);
    std::fill(m_down_v[b].begin(), m_down_v[b].end(), 0);
  }
  std::fill(m_lo.begin(), m_lo.end(), 0);
  std::fill(m_hi.begin(), m_hi.end(), 0);
  m_in_flight = 0;
}

bool SystolicArray::empty() const {
  return m_in_flight == 0;
}

}  // namespace axpod::core
