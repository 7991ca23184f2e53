// One row of a stationary systolic array's PEs in one clock, the part that multiplies: for the
// columns c in [lo, hi), out[c] = above[c] + T[index(a[c], w[c])] where both operands are valid,
// else above[c]. The AVX-512 version takes 16 PEs at a time (their products gathered from the
// table in one instruction); the portable one is the reference, and both give the same sums and
// counts (tested). The choice is made once, at run time, for this CPU.
#pragma once

#include <cstdint>

namespace axpod::core::detail {

/// What one row of PEs did in one clock.
struct PeRowCounts {
  std::uint32_t slots = 0;  // PEs with both operands valid
  std::uint32_t gated = 0;  // of which an operand was zero
};

/// The operands of one row: moving (a, av) and stationary (w, wv) values and validity (0 or 1),
/// the sums from the row above and the row's sums (cols entries each).
struct PeRow {
  const std::int8_t* a;
  const std::uint8_t* av;
  const std::int8_t* w;
  const std::uint8_t* wv;
  const std::int32_t* above;
  std::int32_t* out;
};

using PeRowFn = PeRowCounts (*)(const PeRow& row, int lo, int hi, const std::int32_t* table,
                                bool stationary_first);

PeRowCounts pe_row_portable(const PeRow& row, int lo, int hi, const std::int32_t* table,
                            bool stationary_first);
/// Whether this CPU has the instructions of pe_row_avx512 (AVX-512 F and BW).
bool pe_row_avx512_available();
PeRowCounts pe_row_avx512(const PeRow& row, int lo, int hi, const std::int32_t* table,
                          bool stationary_first);
/// pe_row_avx512 where the CPU has it and AXPOD_SIM_KERNEL is not "portable", else the portable
/// one; `force_portable` overrides (tests and benchmarks).
PeRowFn pe_row_kernel();
void set_pe_row_portable(bool force_portable);
const char* pe_row_kernel_name();

}  // namespace axpod::core::detail
