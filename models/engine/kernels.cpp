#include "engine/kernels.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "common/error.h"

namespace axpod::engine {

PreparedTable::PreparedTable(const mult::Table& t) : m_products(t.products()) {
  m_zero_row_zero = std::all_of(m_products.begin(), m_products.begin() + 256,
                                [](std::int32_t v) { return v == 0; });
  m_fits16 = std::all_of(m_products.begin(), m_products.end(), [](std::int32_t v) {
    return v >= std::numeric_limits<std::int16_t>::min() &&
           v <= std::numeric_limits<std::int16_t>::max();
  });
  if (!m_fits16) return;
  m_lo.resize(65536);
  m_hi.resize(65536);
  m_row_lo.resize(65536);
  m_row_hi.resize(65536);
  for (int a = 0; a < 256; ++a)
    for (int w = 0; w < 256; ++w) {
      const auto v =
          static_cast<std::uint16_t>(static_cast<std::int16_t>(m_products[mult::table_index(
              static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(w))]));
      m_lo[static_cast<std::size_t>(w) * 256 + static_cast<std::size_t>(a)] =
          static_cast<std::uint8_t>(v & 0xFF);
      m_hi[static_cast<std::size_t>(w) * 256 + static_cast<std::size_t>(a)] =
          static_cast<std::uint8_t>(v >> 8);
      m_row_lo[static_cast<std::size_t>(a) * 256 + static_cast<std::size_t>(w)] =
          static_cast<std::uint8_t>(v & 0xFF);
      m_row_hi[static_cast<std::size_t>(a) * 256 + static_cast<std::size_t>(w)] =
          static_cast<std::uint8_t>(v >> 8);
    }
}

ExactWeights::ExactWeights(const std::int8_t* weights, std::int64_t k_, std::int64_t n_)
    : w(weights, weights + k_ * n_), shift_comp(static_cast<std::size_t>(n_), 0), k(k_), n(n_) {
  if (detail::avx512_vnni_available()) vnni = detail::pack_vnni(weights, k_, n_);
  if (n_ <= 8 && detail::avx512_vnni_narrow_available())
    vnni_narrow = detail::pack_vnni_narrow(weights, k_, n_);
  for (std::int64_t kk = 0; kk < k; ++kk)
    for (std::int64_t j = 0; j < n; ++j)
      shift_comp[static_cast<std::size_t>(j)] -= 128 * w[kk * n + j];
}

Requantizer::Requantizer(const std::vector<std::int32_t>& bias,
                         const std::vector<FixedMultiplier>& mult, bool relu)
    : m_n(static_cast<std::int64_t>(mult.size())), m_relu(relu), m_mult(mult) {
  if (bias.size() != mult.size()) throw Error("requantizer: bias and multipliers differ in count");
  m_simple = true;
  for (std::size_t c = 0; c < mult.size(); ++c) {
    const int s = 31 - mult[c].shift;
    m_simple = m_simple && s >= 1 && s <= 62;
    m_bias.push_back(bias[c]);
    m_m0.push_back(mult[c].m0);
    m_shift.push_back(s);
    m_half.push_back(s >= 1 && s <= 62 ? std::int64_t{1} << (s - 1) : 0);
  }
}

void Requantizer::run_portable(const std::int32_t* acc, std::int64_t m, std::int8_t* dst) const {
  const std::int32_t lo = m_relu ? 0 : -128;
  for (std::int64_t r = 0; r < m; ++r)
    for (std::int64_t c = 0; c < m_n; ++c) {
      const std::int32_t v =
          apply_multiplier(static_cast<std::int64_t>(acc[r * m_n + c]) + m_bias[c], m_mult[c]);
      dst[r * m_n + c] = static_cast<std::int8_t>(std::clamp(v, lo, 127));
    }
}

namespace {

std::atomic<bool>& forced_portable() {
  static std::atomic<bool> f{[] {
    const char* e = std::getenv("AXPOD_GEMM");
    return e != nullptr && std::strcmp(e, "portable") == 0;
  }()};
  return f;
}

bool use_avx512() {
  static const bool ok = detail::avx512_vbmi_available();
  return ok && !forced_portable().load(std::memory_order_relaxed);
}

bool use_vnni() {
  static const bool ok = detail::avx512_vnni_available();
  return ok && !forced_portable().load(std::memory_order_relaxed);
}

}  // namespace

void set_portable_kernels(bool portable) {
  forced_portable().store(portable);
}

const char* table_kernel_name() {
  return use_avx512() ? "avx512-vbmi" : "portable";
}

const char* exact_kernel_name() {
  return use_vnni() ? "avx512-vnni" : "portable";
}

void gemm_table_kernel(const std::int8_t* x, const std::uint8_t* wu, std::int32_t* acc,
                       std::int64_t m, std::int64_t n, std::int64_t k, const PreparedTable& t) {
  if (use_avx512() && t.fits_int16()) {
    detail::gemm_table_avx512(x, wu, acc, m, n, k, t);
    return;
  }
  gemm_table_portable(x, wu, acc, m, n, k, t.products(), t.zero_row_zero());
}

void Requantizer::run(const std::int32_t* acc, std::int64_t m, std::int8_t* dst) const {
  if (m_simple && use_avx512()) {
    detail::requantize_avx512(acc, m, m_n, m_bias.data(), m_m0.data(), m_shift.data(),
                              m_half.data(), m_relu, dst);
    return;
  }
  run_portable(acc, m, dst);
}

void gemm_exact_kernel(const std::int8_t* x, const ExactWeights& w, std::int32_t* acc,
                       std::int64_t m) {
  if (use_vnni() && !w.vnni.empty()) {
    detail::gemm_exact_vnni(x, w, acc, m);
    return;
  }
  gemm_exact_portable(x, w.w.data(), acc, m, w.n, w.k);
}

void gemm_exact_portable(const std::int8_t* x, const std::int8_t* w, std::int32_t* acc,
                         std::int64_t m, std::int64_t n, std::int64_t k) {
  for (std::int64_t i = 0; i < m; ++i) {
    std::int32_t* out = acc + i * n;
    std::fill(out, out + n, 0);
    const std::int8_t* xr = x + i * k;
    for (std::int64_t kk = 0; kk < k; ++kk) {
      const std::int32_t a = xr[kk];
      if (a == 0) continue;  // an exact product with 0 is 0
      const std::int8_t* wr = w + kk * n;
      for (std::int64_t j = 0; j < n; ++j) out[j] += a * wr[j];
    }
  }
}

// A zero activation is skipped only when the table's row 0 is all zeros (true of every built-in
// family; a user table may differ). Four activations of a row are taken at once, so each output
// is loaded and stored once per four table lookups (integer sums: the order does not change the
// result).
void gemm_table_portable(const std::int8_t* x, const std::uint8_t* wu, std::int32_t* acc,
                         std::int64_t m, std::int64_t n, std::int64_t k, const std::int32_t* table,
                         bool skip_zero) {
  std::vector<std::int64_t> live(static_cast<std::size_t>(k));  // the k indices taken
  auto row_of = [&](const std::int8_t* xr, std::int64_t kk) {
    return table + (static_cast<std::size_t>(static_cast<std::uint8_t>(xr[kk])) << 8);
  };
  for (std::int64_t i = 0; i < m; ++i) {
    std::int32_t* out = acc + i * n;
    std::fill(out, out + n, 0);
    const std::int8_t* xr = x + i * k;
    std::size_t nl = 0;
    for (std::int64_t kk = 0; kk < k; ++kk)
      if (!skip_zero || xr[kk] != 0) live[nl++] = kk;
    std::size_t q = 0;
    for (; q + 4 <= nl; q += 4) {
      const std::int32_t *r0 = row_of(xr, live[q]), *r1 = row_of(xr, live[q + 1]),
                         *r2 = row_of(xr, live[q + 2]), *r3 = row_of(xr, live[q + 3]);
      const std::uint8_t *w0 = wu + live[q] * n, *w1 = wu + live[q + 1] * n,
                         *w2 = wu + live[q + 2] * n, *w3 = wu + live[q + 3] * n;
      for (std::int64_t j = 0; j < n; ++j)
        out[j] += (r0[w0[j]] + r1[w1[j]]) + (r2[w2[j]] + r3[w3[j]]);
    }
    for (; q < nl; ++q) {
      const std::int32_t* r = row_of(xr, live[q]);
      const std::uint8_t* w = wu + live[q] * n;
      for (std::int64_t j = 0; j < n; ++j) out[j] += r[w[j]];
    }
  }
}

}  // namespace axpod::engine
