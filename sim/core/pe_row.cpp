#include "pe_row.h"

#include <immintrin.h>

#include <atomic>
#include <bit>
#include <cstdlib>
#include <cstring>

namespace axpod::core::detail {

namespace {

template <bool StationaryFirst>
PeRowCounts portable(const PeRow& row, int lo, int hi, const std::int32_t* table) {
  PeRowCounts n;
  for (int c = lo; c < hi; ++c) {
    const auto a = static_cast<std::uint8_t>(row.a[c]);
    const auto w = static_cast<std::uint8_t>(row.w[c]);
    const std::uint32_t valid = row.av[c] & row.wv[c];
    const std::size_t idx = StationaryFirst ? (static_cast<std::size_t>(w) << 8) | a
                                            : (static_cast<std::size_t>(a) << 8) | w;
    row.out[c] = row.above[c] + (table[idx] & -static_cast<std::int32_t>(valid));
    n.slots += valid;
    n.gated += valid & static_cast<std::uint32_t>((a == 0) | (w == 0));
  }
  return n;
}

// GCC 12 warns that the unspecified input of _mm512_undefined_epi32 (inside the widening and
// shift intrinsics) may be used uninitialized (GCC bug 105593); it is not used.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#define AXPOD_PE_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,popcnt")))

template <bool StationaryFirst>
AXPOD_PE_AVX512 PeRowCounts avx512(const PeRow& row, int lo, int hi, const std::int32_t* table) {
  PeRowCounts n;
  const __m128i zero8 = _mm_setzero_si128();
  for (int c = lo; c < hi; c += 16) {
    const int left = hi - c;
    const __mmask16 in = left >= 16 ? __mmask16{0xFFFF} : static_cast<__mmask16>((1u << left) - 1u);
    const __m128i a = _mm_maskz_loadu_epi8(in, row.a + c);
    const __m128i w = _mm_maskz_loadu_epi8(in, row.w + c);
    const __m128i both =
        _mm_and_si128(_mm_maskz_loadu_epi8(in, row.av + c), _mm_maskz_loadu_epi8(in, row.wv + c));
    const __mmask16 valid = _mm_test_epi8_mask(both, both);
    const __m512i ai = _mm512_cvtepu8_epi32(a), wi = _mm512_cvtepu8_epi32(w);
    const __m512i idx = StationaryFirst ? _mm512_or_si512(_mm512_slli_epi32(wi, 8), ai)
                                        : _mm512_or_si512(_mm512_slli_epi32(ai, 8), wi);
    const __m512i product =
        _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), valid, idx, table, 4);
    const __m512i sum = _mm512_add_epi32(_mm512_maskz_loadu_epi32(in, row.above + c), product);
    _mm512_mask_storeu_epi32(row.out + c, in, sum);
    const __mmask16 zero = _mm_cmpeq_epi8_mask(a, zero8) | _mm_cmpeq_epi8_mask(w, zero8);
    n.slots += static_cast<std::uint32_t>(std::popcount(static_cast<unsigned>(valid)));
    n.gated += static_cast<std::uint32_t>(std::popcount(static_cast<unsigned>(valid & zero)));
  }
  return n;
}
#pragma GCC diagnostic pop

std::atomic<bool>& forced_portable() {
  static std::atomic<bool> f{[] {
    const char* e = std::getenv("AXPOD_SIM_KERNEL");
    return e != nullptr && std::strcmp(e, "portable") == 0;
  }()};
  return f;
}

}  // namespace

PeRowCounts pe_row_portable(const PeRow& row, int lo, int hi, const std::int32_t* table,
                            bool stationary_first) {
  return stationary_first ? portable<true>(row, lo, hi, table)
                          : portable<false>(row, lo, hi, table);
}

bool pe_row_avx512_available() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("popcnt");
}

PeRowCounts pe_row_avx512(const PeRow& row, int lo, int hi, const std::int32_t* table,
                          bool stationary_first) {
  return stationary_first ? avx512<true>(row, lo, hi, table) : avx512<false>(row, lo, hi, table);
}

PeRowFn pe_row_kernel() {
  static const bool fast = pe_row_avx512_available();
  return fast && !forced_portable().load(std::memory_order_relaxed) ? &pe_row_avx512
                                                                    : &pe_row_portable;
}

void set_pe_row_portable(bool force_portable) {
  forced_portable().store(force_portable);
}

const char* pe_row_kernel_name() {
  return pe_row_kernel() == &pe_row_avx512 ? "avx512" : "portable";
}

}  // namespace axpod::core::detail
