#include "mult/metrics.h"

#include <gtest/gtest.h>

namespace axpod::mult {
namespace {

// A table equal to the exact product except for a single chosen pair.
Table exact_but(std::uint8_t a, std::uint8_t b, product_t value, bool is_signed) {
  std::vector<product_t> p(kTableSize);
  for (std::size_t i = 0; i < kTableSize; ++i)
    p[i] = operand_value(static_cast<std::uint8_t>(i >> 8), is_signed) *
           operand_value(static_cast<std::uint8_t>(i & 255), is_signed);
  p[table_index(a, b)] = value;
  return Table(std::move(p));
}

TEST(Metrics, SingleErrorGivesHandComputedFigures) {
  // 10 x 20 = 200 reported as 150: ED = -50 on one pair of 65,536.
  const auto m = compute_metrics(exact_but(10, 20, 150, false), false);
  EXPECT_DOUBLE_EQ(m.mae, 50.0 / 65536);
  EXPECT_DOUBLE_EQ(m.mae_pct, 100.0 * (50.0 / 65536) / 65536);
  EXPECT_DOUBLE_EQ(m.wce, 50);
  EXPECT_DOUBLE_EQ(m.wce_pct, 100.0 * 50 / 65536);
  EXPECT_DOUBLE_EQ(m.ep_pct, 100.0 / 65536);
  EXPECT_DOUBLE_EQ(m.bias, -50.0 / 65536);
  // 65,025 pairs have a non-zero exact product (both operands non-zero).
  EXPECT_DOUBLE_EQ(m.mred_pct, 100.0 * 0.25 / 65025);
  EXPECT_DOUBLE_EQ(m.max_red_pct, 25.0);
}

TEST(Metrics, SignedOperandsAreTwosComplement) {
  // (-1) x 3 = -3 reported as 0: ED = +3.
  const auto m = compute_metrics(exact_but(0xFF, 3, 0, true), true);
  EXPECT_DOUBLE_EQ(m.wce, 3);
  EXPECT_DOUBLE_EQ(m.bias, 3.0 / 65536);
}

TEST(Metrics, ErrorOnAZeroProductIsLeftOutOfMred) {
  const auto m = compute_metrics(exact_but(0, 7, 5, false), false);
  EXPECT_DOUBLE_EQ(m.mred_pct, 0);
  EXPECT_DOUBLE_EQ(m.wce, 5);
}

}  // namespace
}  // namespace axpod::mult
