// The vectorized row of PEs against the portable one: random operands with invalid ones mixed
// in, zeros (gated), every start and end column around the 16-PE vectors, both operand orders,
// on a random table (so a swapped index or a missed lane shows).
#include "pe_row.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace axpod::core::detail {
namespace {

TEST(PeRow, VectorizedRowEqualsThePortableOne) {
  if (!pe_row_avx512_available()) GTEST_SKIP() << "no AVX-512 here";
  std::mt19937_64 rng(5);
  std::vector<std::int32_t> table(65536);
  // Products in the 17-bit signed range and sums well inside int32, as in the array.
  for (auto& t : table) t = static_cast<std::int32_t>(rng() % 131071) - 65535;
  constexpr int kCols = 70;
  std::vector<std::int8_t> a(kCols), w(kCols);
  std::vector<std::uint8_t> av(kCols), wv(kCols);
  std::vector<std::int32_t> above(kCols);
  for (int trial = 0; trial < 20; ++trial) {
    for (int c = 0; c < kCols; ++c) {
      a[c] = rng() % 5 == 0 ? 0 : static_cast<std::int8_t>(rng());
      w[c] = rng() % 7 == 0 ? 0 : static_cast<std::int8_t>(rng());
      av[c] = rng() % 4 != 0;
      wv[c] = rng() % 6 != 0;
      above[c] = static_cast<std::int32_t>(rng() % 2000001) - 1000000;
    }
    for (bool first : {false, true})
      for (int lo : {0, 1, 15, 16, 17, 40})
        for (int hi : {lo, lo + 1, 31, 32, 33, 48, 69, 70}) {
          if (hi < lo) continue;
          SCOPED_TRACE(std::to_string(lo) + ".." + std::to_string(hi) + (first ? " is" : " ws"));
          std::vector<std::int32_t> want(kCols, -1), got(kCols, -1);
          const auto n0 =
              pe_row_portable({a.data(), av.data(), w.data(), wv.data(), above.data(), want.data()},
                              lo, hi, table.data(), first);
          const auto n1 =
              pe_row_avx512({a.data(), av.data(), w.data(), wv.data(), above.data(), got.data()},
                            lo, hi, table.data(), first);
          ASSERT_EQ(got, want);  // columns outside [lo, hi) untouched by both
          ASSERT_EQ(n1.slots, n0.slots);
          ASSERT_EQ(n1.gated, n0.gated);
        }
  }
}

TEST(PeRow, PortableKernelCanBeForced) {
  set_pe_row_portable(true);
  EXPECT_STREQ(pe_row_kernel_name(), "portable");
  set_pe_row_portable(false);
  EXPECT_STREQ(pe_row_kernel_name(), pe_row_avx512_available() ? "avx512" : "portable");
}

}  // namespace
}  // namespace axpod::core::detail
