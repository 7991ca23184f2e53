// The table GEMM on AVX-512 VBMI. For an output column j and a weight w = w[kk][j], the products
// T(a, w) of every activation a form a 256-entry column; when every product fits in int16 the
// column is two byte planes (low and high bytes), four zmm registers each. `vpermi2b` looks up
// 64 bytes at once in 128 of them (index bits 0-6), a blend on bit 7 picks the half, and the two
// planes interleave into int16 products that widen into int32 sums. Activations are transposed
// (k x rows) so 64 rows of one kk are one load; each column's sums stay in registers over the
// whole reduction, up to 256 rows at a time (the planes of all 256 weights take 128 KB, more
// than L1: each weight's planes are loaded once for as many rows as the registers hold, and
// prefetched a few reductions ahead), and are un-permuted into acc at the end (the interleave
// and widening put row r of a 64-row chunk in lane kLane[r]).
// GCC 12's intrinsics pass an "undefined" vector through casts and widenings, which
// -Wmaybe-uninitialized reports once they are inlined here (a false positive).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <array>
#include <vector>

#include "engine/kernels.h"

#define AXPOD_AVX512 __attribute__((target("avx512f,avx512bw,avx512vbmi,avx512vl,avx512dq")))

namespace axpod::engine::detail {

namespace {

constexpr std::int64_t kChunk = 64;  // rows per lookup

// Lane of the four int32 accumulators (4 x 16) that holds row r of a chunk: unpacklo/hi_epi8
// interleave the planes per 128-bit lane (rows 16L + t and 16L + 8 + t), and each 256-bit half
// of the result widens into one accumulator.
std::array<int, kChunk> lane_of_row() {
  std::array<int, kChunk> lane{};
  for (int a = 0; a < 4; ++a)
    for (int q = 0; q < 16; ++q) {
      const int hi = a / 2, p = (a % 2) * 16 + q, L = p / 8, t = p % 8;
      lane[static_cast<std::size_t>(L * 16 + hi * 8 + t)] = a * 16 + q;
    }
  return lane;
}

AXPOD_AVX512 inline __m512i widen(__m256i v) {
  return _mm512_cvtepi16_epi32(v);
}
AXPOD_AVX512 inline __m256i upper_half(__m512i v) {
  return _mm512_extracti64x4_epi64(v, 1);
}

AXPOD_AVX512 inline void lookup_add(const __m512i idx, const __m512i (&lo)[4],
                                    const __m512i (&hi)[4], __m512i* sum) {
  const __mmask64 upper = _mm512_movepi8_mask(idx);  // bit 7: the column's upper half
  const __m512i l = _mm512_mask_blend_epi8(upper, _mm512_permutex2var_epi8(lo[0], idx, lo[1]),
                                           _mm512_permutex2var_epi8(lo[2], idx, lo[3]));
  const __m512i h = _mm512_mask_blend_epi8(upper, _mm512_permutex2var_epi8(hi[0], idx, hi[1]),
                                           _mm512_permutex2var_epi8(hi[2], idx, hi[3]));
  const __m512i u0 = _mm512_unpacklo_epi8(l, h), u1 = _mm512_unpackhi_epi8(l, h);
  sum[0] = _mm512_add_epi32(sum[0], widen(_mm512_castsi512_si256(u0)));
  sum[1] = _mm512_add_epi32(sum[1], widen(upper_half(u0)));
  sum[2] = _mm512_add_epi32(sum[2], widen(_mm512_castsi512_si256(u1)));
  sum[3] = _mm512_add_epi32(sum[3], widen(upper_half(u1)));
}

// Planes are fetched into L1 this many reductions ahead of their lookups.
constexpr std::int64_t kPrefetch = 4;
AXPOD_AVX512 inline void prefetch_planes(const std::uint8_t* lo, const std::uint8_t* hi) {
  for (int b = 0; b < 256; b += 64) {
    _mm_prefetch(reinterpret_cast<const char*>(lo) + b, _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(hi) + b, _MM_HINT_T0);
  }
}

// Chunks [c, c + G) of one output column: each weight's planes are loaded once for G x 64 rows
// (the planes of all 256 weights, 128 KB, live in L2, not L1). w: the column's weights, stride n.
constexpr std::int64_t kColumnChunks = 4;
template <int G>
AXPOD_AVX512 inline void column_chunks(const std::uint8_t* xt, std::int64_t mp, std::int64_t c,
                                       std::int64_t k, const std::uint8_t* w, std::int64_t n,
                                       const PreparedTable& t, bool skip_zero, std::int32_t* col) {
  __m512i sum[4 * G];
  for (auto& s : sum) s = _mm512_setzero_si512();
  for (std::int64_t kk = 0; kk < k; ++kk) {
    const std::uint8_t* row = xt + kk * mp + c * kChunk;
    __m512i idx[G];
    __m512i any = _mm512_setzero_si512();
    for (int g = 0; g < G; ++g) {
      idx[g] = _mm512_loadu_si512(row + g * kChunk);
      any = _mm512_or_si512(any, idx[g]);
    }
    // Chunks of zero activations add T(0, w) = 0 when row 0 of the table is zero.
    if (skip_zero && _mm512_test_epi8_mask(any, _mm512_set1_epi8(-1)) == 0) continue;
    if (kk + kPrefetch < k) {
      const std::uint8_t next = w[(kk + kPrefetch) * n];
      prefetch_planes(t.lo(next), t.hi(next));
    }
    const std::uint8_t wv = w[kk * n];
    const std::uint8_t *pl = t.lo(wv), *ph = t.hi(wv);
    const __m512i lo[4] = {_mm512_loadu_si512(pl), _mm512_loadu_si512(pl + 64),
                           _mm512_loadu_si512(pl + 128), _mm512_loadu_si512(pl + 192)};
    const __m512i hi[4] = {_mm512_loadu_si512(ph), _mm512_loadu_si512(ph + 64),
                           _mm512_loadu_si512(ph + 128), _mm512_loadu_si512(ph + 192)};
    for (int g = 0; g < G; ++g) lookup_add(idx[g], lo, hi, sum + 4 * g);
  }
  for (int a = 0; a < 4 * G; ++a) _mm512_storeu_si512(col + c * kChunk + a * 16, sum[a]);
}

// xt (k x ld) = the raw bytes of x (m x k) transposed, 8 x 8 blocks through byte unpacks.
AXPOD_AVX512 void transpose_bytes(const std::int8_t* x, std::int64_t m, std::int64_t k,
                                  std::uint8_t* xt, std::int64_t ld) {
  const std::int64_t m8 = m / 8 * 8, k8 = k / 8 * 8;
  for (std::int64_t i = 0; i < m8; i += 8)
    for (std::int64_t kk = 0; kk < k8; kk += 8) {
      __m128i r[8];
      for (int q = 0; q < 8; ++q)
        r[q] = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(x + (i + q) * k + kk));
      const __m128i t0 = _mm_unpacklo_epi8(r[0], r[1]), t1 = _mm_unpacklo_epi8(r[2], r[3]),
                    t2 = _mm_unpacklo_epi8(r[4], r[5]), t3 = _mm_unpacklo_epi8(r[6], r[7]);
      const __m128i u0 = _mm_unpacklo_epi16(t0, t1), u1 = _mm_unpackhi_epi16(t0, t1),
                    u2 = _mm_unpacklo_epi16(t2, t3), u3 = _mm_unpackhi_epi16(t2, t3);
      const __m128i v[4] = {_mm_unpacklo_epi32(u0, u2), _mm_unpackhi_epi32(u0, u2),
                            _mm_unpacklo_epi32(u1, u3), _mm_unpackhi_epi32(u1, u3)};
      for (int c = 0; c < 4; ++c) {  // v[c] holds columns 2c and 2c + 1 of the block
        _mm_storel_epi64(reinterpret_cast<__m128i*>(xt + (kk + 2 * c) * ld + i), v[c]);
        _mm_storel_epi64(reinterpret_cast<__m128i*>(xt + (kk + 2 * c + 1) * ld + i),
                         _mm_unpackhi_epi64(v[c], v[c]));
      }
    }
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t kk = i < m8 ? k8 : 0; kk < k; ++kk)
      xt[kk * ld + i] = static_cast<std::uint8_t>(x[i * k + kk]);
}

}  // namespace

bool avx512_vbmi_available() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512dq");
}

AXPOD_AVX512 void requantize_avx512(const std::int32_t* acc, std::int64_t m, std::int64_t n,
                                    const std::int64_t* bias, const std::int64_t* m0,
                                    const std::int64_t* shift, const std::int64_t* half, bool relu,
                                    std::int8_t* dst) {
  // round_half_away(x * m0 / 2^s) as apply_multiplier: on |x * m0| with the sign put back.
  const __m512i lo = _mm512_set1_epi64(relu ? 0 : -128), hi = _mm512_set1_epi64(127);
  for (std::int64_t r = 0; r < m; ++r)
    for (std::int64_t c = 0; c < n; c += 8) {
      const std::int64_t left = n - c;
      const auto mask = static_cast<__mmask8>(left >= 8 ? 0xFF : (1u << left) - 1u);
      const __m512i x =
          _mm512_add_epi64(_mm512_cvtepi32_epi64(_mm256_maskz_loadu_epi32(mask, acc + r * n + c)),
                           _mm512_maskz_loadu_epi64(mask, bias + c));
      const __m512i prod = _mm512_mullo_epi64(x, _mm512_maskz_loadu_epi64(mask, m0 + c));
      const __m512i sign = _mm512_srai_epi64(prod, 63);
      const __m512i mag = _mm512_sub_epi64(_mm512_xor_si512(prod, sign), sign);
      const __m512i q =
          _mm512_srlv_epi64(_mm512_add_epi64(mag, _mm512_maskz_loadu_epi64(mask, half + c)),
                            _mm512_maskz_loadu_epi64(mask, shift + c));
      const __m512i v = _mm512_sub_epi64(_mm512_xor_si512(q, sign), sign);
      _mm512_mask_cvtepi64_storeu_epi8(dst + r * n + c, mask,
                                       _mm512_min_epi64(_mm512_max_epi64(v, lo), hi));
    }
}

// Few rows (a fully connected layer of one image): per row, each activation's row of the table
// T(a, .) is looked up with 64 weight bytes at a time, the row's sums of 128 columns in
// registers.
AXPOD_AVX512 void gemm_table_rows(const std::int8_t* x, const std::uint8_t* wu, std::int32_t* acc,
                                  std::int64_t m, std::int64_t n, std::int64_t k,
                                  const PreparedTable& t) {
  static const std::array<int, kChunk> kLane = lane_of_row();
  const std::int64_t chunks = (n + kChunk - 1) / kChunk, np = chunks * kChunk;
  thread_local std::vector<std::uint8_t> wp;  // k x np, the weights' raw bytes, zero-padded
  thread_local std::vector<std::int32_t> sums;
  wp.assign(static_cast<std::size_t>(k * np), 0);
  sums.resize(static_cast<std::size_t>(np));
  for (std::int64_t kk = 0; kk < k; ++kk)
    std::copy(wu + kk * n, wu + kk * n + n, wp.begin() + kk * np);
  const bool skip_zero = t.zero_row_zero();
  for (std::int64_t i = 0; i < m; ++i) {
    const std::int8_t* xr = x + i * k;
    for (std::int64_t c = 0; c < chunks; c += 2) {
      const bool two = c + 1 < chunks;
      __m512i sum[8];
      for (auto& s : sum) s = _mm512_setzero_si512();
      for (std::int64_t kk = 0; kk < k; ++kk) {
        if (kk + kPrefetch < k) {
          const auto next = static_cast<std::uint8_t>(xr[kk + kPrefetch]);
          prefetch_planes(t.row_lo(next), t.row_hi(next));
        }
        const auto a = static_cast<std::uint8_t>(xr[kk]);
        if (skip_zero && a == 0) continue;
        const std::uint8_t *pl = t.row_lo(a), *ph = t.row_hi(a);
        const __m512i lo[4] = {_mm512_loadu_si512(pl), _mm512_loadu_si512(pl + 64),
                               _mm512_loadu_si512(pl + 128), _mm512_loadu_si512(pl + 192)};
        const __m512i hi[4] = {_mm512_loadu_si512(ph), _mm512_loadu_si512(ph + 64),
                               _mm512_loadu_si512(ph + 128), _mm512_loadu_si512(ph + 192)};
        const std::uint8_t* wrow = wp.data() + kk * np + c * kChunk;
        lookup_add(_mm512_loadu_si512(wrow), lo, hi, sum);
        if (two) lookup_add(_mm512_loadu_si512(wrow + kChunk), lo, hi, sum + 4);
      }
      for (int s = 0; s < (two ? 8 : 4); ++s)
        _mm512_storeu_si512(sums.data() + c * kChunk + s * 16, sum[s]);
    }
    for (std::int64_t j = 0; j < n; ++j)
      acc[i * n + j] = sums[static_cast<std::size_t>((j / kChunk) * kChunk +
                                                     kLane[static_cast<std::size_t>(j % kChunk)])];
  }
}

AXPOD_AVX512 void gemm_table_avx512(const std::int8_t* x, const std::uint8_t* wu, std::int32_t* acc,
                                    std::int64_t m, std::int64_t n, std::int64_t k,
                                    const PreparedTable& t) {
  // Down the rows or across the columns, whichever fills more of its lookups (or, with few
  // rows and few columns, the portable kernel).
  const auto filled = [](std::int64_t e) {
    return static_cast<double>(e) / static_cast<double>((e + kChunk - 1) / kChunk * kChunk);
  };
  if (m < 32 && n < 16) {
    gemm_table_portable(x, wu, acc, m, n, k, t.products(), t.zero_row_zero());
    return;
  }
  if (m < 32 || filled(n) > filled(m) + 0.1) {
    gemm_table_rows(x, wu, acc, m, n, k, t);
    return;
  }
  static const std::array<int, kChunk> kLane = lane_of_row();
  const std::int64_t chunks = (m + kChunk - 1) / kChunk, mp = chunks * kChunk;
  thread_local std::vector<std::uint8_t> xt;   // k x mp, the activations' raw bytes
  thread_local std::vector<std::int32_t> col;  // mp sums of one column, in lane order
  xt.assign(static_cast<std::size_t>(k * mp), 0);
  col.resize(static_cast<std::size_t>(mp));
  transpose_bytes(x, m, k, xt.data(), mp);
  // A chunk of zero activations adds T(0, w) = 0 when row 0 of the table is zero.
  const bool skip_zero = t.zero_row_zero();
  for (std::int64_t j = 0; j < n; ++j) {
    // Groups of at most kColumnChunks chunks, as even as they come (13 chunks: 4, 3, 3, 3).
    const std::int64_t groups = (chunks + kColumnChunks - 1) / kColumnChunks;
    for (std::int64_t g = 0, c = 0; g < groups; ++g) {
      const std::int64_t size = chunks / groups + (g < chunks % groups ? 1 : 0);
      const std::int64_t c0 = c;
      c += size;
      switch (size) {
        case 4:
          column_chunks<4>(xt.data(), mp, c0, k, wu + j, n, t, skip_zero, col.data());
          break;
        case 3:
          column_chunks<3>(xt.data(), mp, c0, k, wu + j, n, t, skip_zero, col.data());
          break;
        case 2:
          column_chunks<2>(xt.data(), mp, c0, k, wu + j, n, t, skip_zero, col.data());
          break;
        default:
          column_chunks<1>(xt.data(), mp, c0, k, wu + j, n, t, skip_zero, col.data());
          break;
      }
    }
    for (std::int64_t i = 0; i < m; ++i)
      acc[i * n + j] = col[static_cast<std::size_t>((i / kChunk) * kChunk +
                                                    kLane[static_cast<std::size_t>(i % kChunk)])];
  }
}

}  // namespace axpod::engine::detail
