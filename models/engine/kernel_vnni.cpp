// The exact int8 GEMM on AVX-512 VNNI. `vpdpbusd` adds four u8 x s8 products into each of 16
// int32 lanes with no intermediate rounding or saturation. Lanes are 16 output columns; the
// weights are packed once per layer (ExactWeights) as groups of four reductions x 16 columns, a
// row's four activations are broadcast to every lane, shifted from int8 to u8 (x ^ 0x80 = x +
// 128), and the shift comes back out at the end: sum (x + 128) w - 128 sum w = sum x w. Four rows
// and up to 64 columns are summed in registers at a time.
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

namespace {

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

AXPOD_VNNI void gemm_exact_vnni(const std::int8_t* x, const ExactWeights& w, std::int32_t* acc,
                                std::int64_t m) {
  std::int64_t i = 0;
  for (; i + 4 <= m; i += 4) rows<4>(x, m, w.k, w, acc, i);
  for (; i < m; ++i) rows<1>(x, m, w.k, w, acc, i);
}

}  // namespace axpod::engine::detail
