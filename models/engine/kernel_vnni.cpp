// The exact int8 GEMM on AVX-512 VNNI. `vpdpbusd` adds four u8 x s8 products into each of 16
// int32 lanes with no intermediate rounding or saturation. Lanes are 16 output columns; the
// weights are packed once per layer (ExactWeights) as groups of four reductions x 16 columns, a
// row's four activations are broadcast to every lane, shifted from int8 to u8 (x ^ 0x80 = x +
// 128), and the shift comes back out at the end: sum (x + 128) w - 128 sum w = sum x w. Four rows
// and up to 64 columns are summed in registers at a time.
//
// Narrow layers (at most 8 columns, as LeNet-5's conv1 with 6) would leave most of the 16 lanes
// idle, so two rows share a vector there: row i in lanes 0-7, row i + 1 in lanes 8-15, the
// weights repeated in both halves. A pair's activations come in with one 64-byte load (both rows
// when k <= 32) or two 32-byte loads per 32 reductions, and one byte permutation (AVX-512 VBMI
// `vpermb`) per group of four hands each half its row's four bytes.
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "engine/kernels.h"

#define AXPOD_VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))
#define AXPOD_VNNI_LAMBDA \
  __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni"), always_inline))

namespace axpod::engine::detail {

bool avx512_vnni_available() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
}

std::vector<std::int8_t> pack_vnni(const std::int8_t* w, std::int64_t k, std::int64_t n) {
  const std::int64_t groups = (k + 3) / 4, blocks = (n + 15) / 16;
  std::vector<std::int8_t> p(static_cast<std::size_t>(blocks * groups * 64), 0);
  for (std::int64_t b = 0; b < blocks; ++b)
    for (std::int64_t g = 0; g < groups; ++g)
      for (std::int64_t l = 0; l < 16 && b * 16 + l < n; ++l)
        for (std::int64_t q = 0; q < 4 && g * 4 + q < k; ++q)
          p[static_cast<std::size_t>(((b * groups + g) * 16 + l) * 4 + q)] =
              w[(g * 4 + q) * n + b * 16 + l];
  return p;
}

bool avx512_vnni_narrow_available() {
  __builtin_cpu_init();
  return avx512_vnni_available() && __builtin_cpu_supports("avx512vbmi");
}

std::vector<std::int8_t> pack_vnni_narrow(const std::int8_t* w, std::int64_t k, std::int64_t n) {
  const std::int64_t groups = (k + 3) / 4;
  std::vector<std::int8_t> p(static_cast<std::size_t>(groups * 64), 0);
  for (std::int64_t g = 0; g < groups; ++g)
    for (std::int64_t half = 0; half < 2; ++half)
      for (std::int64_t l = 0; l < n; ++l)
        for (std::int64_t q = 0; q < 4 && g * 4 + q < k; ++q)
          p[static_cast<std::size_t>(g * 64 + (half * 8 + l) * 4 + q)] = w[(g * 4 + q) * n + l];
  return p;
}

namespace {

// GCC 12 warns that the unspecified input of _mm512_undefined_epi32 (inside vpermb, vpermd and
// vinserti64x4's intrinsics) may be used uninitialized (GCC bug 105593); it is not used.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#define AXPOD_NARROW \
  __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx512vbmi"), always_inline))

constexpr int kNarrowPairs = 8;  // pairs of rows summed at a time

// What a pass over the rows of a narrow layer needs, set up once per call.
struct Narrow {
  std::int64_t m, k, n, chunks;
  bool joint;       // k <= 32: a pair of rows (2k bytes, contiguous) in one load
  __m512i pick[8];  // group g of a chunk: half h's lanes take bytes h * (joint ? k : 32) + 4g..
  __m512i comp;     // the shift compensation, in both halves
  __m512i out;      // lanes 0..n-1 and 8..8+n-1 to lanes 0..2n-1
  __m512i shift;    // 0x80 in every byte
  __mmask64 pair;   // joint: the 2k bytes of two rows
  __mmask16 store;  // the 2n sums of two rows
};

// Rows [r0, r0 + 2P) of a narrow layer; rows past m are left out (only when !Full).
template <int P, bool Full>
AXPOD_NARROW inline void narrow_pairs(const std::int8_t* x, const ExactWeights& w,
                                      std::int32_t* acc, const Narrow& s, std::int64_t r0) {
  const auto rows = [&](int p) {
    return Full ? std::int64_t{2} : std::clamp<std::int64_t>(s.m - r0 - 2 * p, 0, 2);
  };
  __m512i sum[P];
  for (int p = 0; p < P; ++p) sum[p] = _mm512_setzero_si512();
  const std::int8_t* packed = w.vnni_narrow.data();
  for (std::int64_t c = 0; c < s.chunks; ++c) {
    const std::int64_t len = s.joint ? s.k : std::min<std::int64_t>(32, s.k - 32 * c);
    const __mmask32 chunk = len >= 32 ? ~__mmask32{0} : (__mmask32{1} << len) - 1;
    __m512i v[P];
    for (int p = 0; p < P; ++p) {
      const std::int8_t* row = x + (r0 + 2 * p) * s.k;
      if (s.joint) {
        const std::int64_t bytes = rows(p) * s.k;  // at most 64
        v[p] = _mm512_maskz_loadu_epi8(
            Full ? s.pair : (bytes >= 64 ? ~__mmask64{0} : (__mmask64{1} << bytes) - 1), row);
      } else {
        const __m256i lo = _mm256_maskz_loadu_epi8(rows(p) > 0 ? chunk : 0, row + 32 * c);
        const __m256i hi = _mm256_maskz_loadu_epi8(rows(p) > 1 ? chunk : 0, row + s.k + 32 * c);
        v[p] = _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
      }
      v[p] = _mm512_xor_si512(v[p], s.shift);
    }
    const std::int64_t groups = (len + 3) / 4;
    for (std::int64_t g = 0; g < groups; ++g) {
      const __m512i wv = _mm512_loadu_si512(packed + (c * 8 + g) * 64);
      for (int p = 0; p < P; ++p)
        sum[p] = _mm512_dpbusd_epi32(sum[p], _mm512_permutexvar_epi8(s.pick[g], v[p]), wv);
    }
  }
  for (int p = 0; p < P; ++p) {
    const __m512i res = _mm512_permutexvar_epi32(s.out, _mm512_add_epi32(sum[p], s.comp));
    _mm512_mask_storeu_epi32(acc + (r0 + 2 * p) * s.n,
                             Full ? s.store : static_cast<__mmask16>((1u << (rows(p) * s.n)) - 1u),
                             res);
  }
}

// Rows [i0, i0 + R) and column blocks [b0, b0 + C) of acc.
template <int R, int C>
AXPOD_VNNI inline void tile(const std::int8_t* x, std::int64_t m, std::int64_t k,
                            const ExactWeights& w, std::int32_t* acc, std::int64_t i0,
                            std::int64_t b0) {
  const std::int64_t groups = (k + 3) / 4, n = w.n;
  const __m512i shift = _mm512_set1_epi32(static_cast<int>(0x80808080u));
  __m512i sum[R][C];
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < C; ++c) sum[r][c] = _mm512_setzero_si512();
  const std::int8_t* packed = w.vnni.data();
  const auto step = [&](std::int64_t g, const std::int32_t(&four)[R]) AXPOD_VNNI_LAMBDA {
    __m512i wv[C];
    for (int c = 0; c < C; ++c) wv[c] = _mm512_loadu_si512(packed + ((b0 + c) * groups + g) * 64);
    for (int r = 0; r < R; ++r) {
      const __m512i a = _mm512_xor_si512(_mm512_set1_epi32(four[r]), shift);
      for (int c = 0; c < C; ++c) sum[r][c] = _mm512_dpbusd_epi32(sum[r][c], a, wv[c]);
    }
  };
  const std::int64_t whole = k / 4;
  for (std::int64_t g = 0; g < whole; ++g) {
    std::int32_t four[R];
    for (int r = 0; r < R; ++r) std::memcpy(&four[r], x + (i0 + r) * k + g * 4, 4);
    step(g, four);
  }
  if (whole < groups) {
    // The last group: the weights of the missing reductions are zero, so whatever follows a
    // row's bytes (the next rows') adds nothing; only where four bytes would run past the
    // matrix's end are the row's own bytes taken one by one.
    std::int32_t four[R] = {};
    for (int r = 0; r < R; ++r) {
      const std::int8_t* p = x + (i0 + r) * k + whole * 4;
      if ((i0 + r) * k + whole * 4 + 4 <= m * k)
        std::memcpy(&four[r], p, 4);
      else
        for (std::int64_t q = 0; q < k - whole * 4; ++q)
          four[r] |= static_cast<std::int32_t>(static_cast<std::uint8_t>(p[q])) << (8 * q);
    }
    step(whole, four);
  }
  for (int c = 0; c < C; ++c) {
    const std::int64_t j0 = (b0 + c) * 16, cols = std::min<std::int64_t>(16, n - j0);
    const __mmask16 mask = static_cast<__mmask16>((1u << cols) - 1u);
    const __m512i comp = _mm512_maskz_loadu_epi32(mask, w.shift_comp.data() + j0);
    for (int r = 0; r < R; ++r)
      _mm512_mask_storeu_epi32(acc + (i0 + r) * n + j0, mask, _mm512_add_epi32(sum[r][c], comp));
  }
}

template <int R>
AXPOD_VNNI void rows(const std::int8_t* x, std::int64_t m, std::int64_t k, const ExactWeights& w,
                     std::int32_t* acc, std::int64_t i0) {
  const std::int64_t blocks = (w.n + 15) / 16;
  std::int64_t b = 0;
  for (; b + 4 <= blocks; b += 4) tile<R, 4>(x, m, k, w, acc, i0, b);
  switch (blocks - b) {
    case 3:
      tile<R, 3>(x, m, k, w, acc, i0, b);
      break;
    case 2:
      tile<R, 2>(x, m, k, w, acc, i0, b);
      break;
    case 1:
      tile<R, 1>(x, m, k, w, acc, i0, b);
      break;
    default:
      break;
  }
}

}  // namespace

__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx512vbmi"))) void
gemm_exact_vnni_narrow(const std::int8_t* x, const ExactWeights& w, std::int32_t* acc,
                       std::int64_t m) {
  Narrow s{};
  s.m = m;
  s.k = w.k;
  s.n = w.n;
  s.joint = w.k <= 32;
  s.chunks = s.joint ? 1 : (w.k + 31) / 32;
  const std::int64_t half = s.joint ? w.k : 32;
  alignas(64) std::uint8_t bytes[64];
  for (int g = 0; g < 8; ++g) {
    for (int b = 0; b < 64; ++b)
      bytes[b] = static_cast<std::uint8_t>((b >= 32 ? half : 0) + 4 * g + (b % 4));
    s.pick[g] = _mm512_load_si512(bytes);
  }
  alignas(64) std::int32_t lanes[16] = {};
  for (std::int64_t l = 0; l < w.n; ++l)
    lanes[l] = lanes[8 + l] = w.shift_comp[static_cast<std::size_t>(l)];
  s.comp = _mm512_load_si512(lanes);
  for (int l = 0; l < 16; ++l)
    lanes[l] = l < w.n ? l : (l < 2 * w.n ? static_cast<std::int32_t>(8 + l - w.n) : 0);
  s.out = _mm512_load_si512(lanes);
  s.shift = _mm512_set1_epi8(static_cast<char>(0x80));
  s.pair = s.joint ? (w.k == 32 ? ~__mmask64{0} : (__mmask64{1} << (2 * w.k)) - 1) : 0;
  s.store = static_cast<__mmask16>((1u << (2 * w.n)) - 1u);
  std::int64_t r = 0;
  for (; r + 2 * kNarrowPairs <= m; r += 2 * kNarrowPairs)
    narrow_pairs<kNarrowPairs, true>(x, w, acc, s, r);
  for (; r < m; r += 2) narrow_pairs<1, false>(x, w, acc, s, r);
}
#pragma GCC diagnostic pop

AXPOD_VNNI void gemm_exact_vnni(const std::int8_t* x, const ExactWeights& w, std::int32_t* acc,
                                std::int64_t m) {
  if (!w.vnni_narrow.empty()) {
    gemm_exact_vnni_narrow(x, w, acc, m);
    return;
  }
  std::int64_t i = 0;
  for (; i + 4 <= m; i += 4) rows<4>(x, m, w.k, w, acc, i);
  for (; i < m; ++i) rows<1>(x, m, w.k, w, acc, i);
}

}  // namespace axpod::engine::detail
