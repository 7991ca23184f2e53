// Behaviour of each multiplier family: exact corner cases, published error figures, and the
// numeric contract (range, sign-magnitude symmetry) over every parameter value.
#include <gtest/gtest.h>

#include <functional>

#include "mult/metrics.h"
#include "mult/registry.h"
#include "mult/table.h"

namespace axpod::mult {
namespace {

Table table_of(const std::string& name) {
  return Table(*Registry::instance().create(name).model);
}
ErrorMetrics metrics_of(const std::string& name) {
  const auto m = Registry::instance().create(name);
  return compute_metrics(Table(*m.model), m.info.is_signed);
}

TEST(Families, ExactHasEveryErrorMetricZero) {
  for (const char* name : {"exact", "exact:signed=1"}) {
    const auto e = metrics_of(name);
    EXPECT_EQ(e.mae, 0);
    EXPECT_EQ(e.mae_pct, 0);
    EXPECT_EQ(e.wce, 0);
    EXPECT_EQ(e.wce_pct, 0);
    EXPECT_EQ(e.mred_pct, 0);
    EXPECT_EQ(e.ep_pct, 0);
    EXPECT_EQ(e.bias, 0);
  }
}

TEST(Families, SignedExactIsTheInt8Product) {
  const auto t = table_of("exact:signed=1");
  EXPECT_EQ(t(0x80, 0x80), 16384);   // -128 * -128
  EXPECT_EQ(t(0x80, 0x7F), -16256);  // -128 * 127
  EXPECT_EQ(t(0xFF, 0x02), -2);      // -1 * 2
}

// Parameter values at which a family degenerates to the exact multiplier.
TEST(Families, DegenerateParametersAreExact) {
  for (const char* name : {"trunc_op:k=0", "trunc_col:k=0", "bam:h=0,v=0", "drum:k=8",
                           "compressor42:k=0", "ilm:iter=7", "drum:k=8,signed=1"}) {
    EXPECT_EQ(metrics_of(name).ep_pct, 0) << name;
  }
}

// Mitchell 1962: the approximation never over-estimates, and its worst relative error is 1/9
// (at fractions 0.5 + 0.5, e.g. 3 x 3 -> 8); the average relative error is about 3.8 %.
TEST(Families, MitchellReproducesPublishedErrorFigures) {
  const auto e = metrics_of("mitchell");
  EXPECT_NEAR(e.max_red_pct, 100.0 / 9.0, 1e-9);
  EXPECT_NEAR(e.mred_pct, 3.8, 0.2);
  EXPECT_LT(e.bias, 0);
  const auto t = table_of("mitchell");
  EXPECT_EQ(t(3, 3), 8);
  for (int a = 0; a < 256; ++a)
    for (int b = 0; b < 256; ++b) ASSERT_LE(t(a, b), a * b) << a << "x" << b;
}

// Babic et al. 2011: the basic ILM block drops the residue product ra * rb, so its relative
// error approaches but never reaches 25 % (operands 2^(k+1) - 1); one correction iteration brings
// the bound to 6.25 %. With 8-bit operands the worst cases come close to those limits.
TEST(Families, IterativeLogarithmicReproducesPublishedBounds) {
  const double basic = metrics_of("ilm:iter=0").max_red_pct;
  EXPECT_LT(basic, 25.0);
  EXPECT_GT(basic, 24.0);
  const double one = metrics_of("ilm:iter=1").max_red_pct;
  EXPECT_LT(one, 6.25);
  EXPECT_GT(one, 5.0);
}

// Kulkarni 2011: the 2x2 block is wrong only for 3 x 3 (7 instead of 9): 1 of 16 inputs.
TEST(Families, KulkarniBlockIsWrongOnlyForThreeTimesThree) {
  const auto t = table_of("kulkarni");
  int wrong = 0;
  for (int a = 0; a < 4; ++a)
    for (int b = 0; b < 4; ++b) wrong += t(a, b) != a * b;
  EXPECT_EQ(wrong, 1);
  EXPECT_EQ(t(3, 3), 7);
  EXPECT_EQ(t(255, 255), 7 * (1 + 4 + 4 + 16) * (1 + 16 + 16 + 256));  // every block 3 x 3
}

TEST(Families, DrumKeepsSmallOperandsAndForcesTheLowestKeptBit) {
  const auto t = table_of("drum:k=4");
  EXPECT_EQ(t(15, 15), 225);  // both below 2^4: exact
  // 200 = 1100_1000b: keep 1100, force the LSB -> 1101 << 4 = 208.
  EXPECT_EQ(t(200, 1), 208);
}

// DRUM's unbiasing: forcing the lowest kept bit to 1 replaces the dropped bits by their expected
// value, so the mean error is a tiny share of the mean product (Hashemi 2015 calls the design
// unbiased), whereas leading-one truncation without it always rounds down.
TEST(Families, DrumIsNearlyUnbiased) {
  constexpr double kMeanProduct = 127.5 * 127.5;  // uniform unsigned operands
  const auto drum = metrics_of("drum:k=6");
  EXPECT_LT(std::abs(drum.bias), 0.01 * kMeanProduct);
  // The same truncation without the forced bit: a DRUM whose kept LSB is kept as it is.
  const auto t = table_of("drum:k=6");
  double truncated_bias = 0;
  for (unsigned a = 0; a < 256; ++a)
    for (unsigned b = 0; b < 256; ++b) {
      const auto cut = [](unsigned x) {
        if ((x >> 6) == 0) return x;
        const int s = 31 - __builtin_clz(x) - 5;
        return (x >> s) << s;
      };
      truncated_bias += static_cast<double>(cut(a) * cut(b)) - a * b;
    }
  truncated_bias /= 65536;
  EXPECT_LT(truncated_bias, -0.01 * kMeanProduct);
  EXPECT_LT(std::abs(drum.bias), std::abs(truncated_bias) / 2);
  EXPECT_GT(t(255, 255), 0);
}

TEST(Families, RobaIsExactWhenAnOperandIsAPowerOfTwo) {
  const auto t = table_of("roba");
  for (int a = 0; a < 256; ++a)
    for (int p : {1, 2, 4, 8, 16, 32, 64, 128}) ASSERT_EQ(t(a, p), a * p) << a << "x" << p;
  EXPECT_EQ(t(3, 3), 8);  // 4*3 + 3*4 - 4*4
}

TEST(Families, Compressor42UnderEstimatesOnlyInApproximateColumns) {
  const auto t = table_of("compressor42:k=4");
  for (int a = 0; a < 256; ++a)
    for (int b = 0; b < 256; ++b) {
      ASSERT_LE(t(a, b), a * b);
      ASSERT_LE(a * b - t(a, b), 2 * (1 + 2 + 4 + 8));  // at most -2 per approximate column
    }
}

TEST(Families, OperandTruncationDropsLowBits) {
  const auto t = table_of("trunc_op:k=2");
  EXPECT_EQ(t(7, 7), 16);  // 4 * 4
  EXPECT_EQ(t(3, 200), 0);
}

TEST(Families, ColumnTruncationCorrectionReducesBias) {
  const auto plain = metrics_of("trunc_col:k=8");
  const auto corrected = metrics_of("trunc_col:k=8,corr=1");
  EXPECT_LT(plain.bias, 0);
  EXPECT_LT(std::abs(corrected.bias), std::abs(plain.bias) / 4);
}

// Every parameter value of every family keeps the numeric contract: products in the 17-bit
// range, unsigned products non-negative, and the signed form exactly sign(a)sign(b)M(|a|,|b|).
TEST(Families, EveryParameterValueKeepsTheNumericContract) {
  for (const auto& [fname, fam] : Registry::instance().families()) {
    std::vector<std::vector<std::pair<std::string, int>>> combos{{}};
    for (const auto& d : fam.params) {
      std::vector<std::vector<std::pair<std::string, int>>> next;
      for (const auto& c : combos)
        for (int v = d.lo; v <= d.hi; ++v) {
          auto e = c;
          e.emplace_back(d.name, v);
          next.push_back(e);
        }
      combos = next;
    }
    for (const auto& c : combos) {
      std::string name = fname;
      char sep = ':';
      for (const auto& [k, v] : c) {
        name += sep + k + "=" + std::to_string(v);
        sep = ',';
      }
      const Table u(*fam.factory(Params(c, false)));  // the Table constructor checks the range
      const Table s(*fam.factory(Params(c, true)));
      for (int a = -128; a < 128; ++a) {
        for (int b = -128; b < 128; ++b) {
          const auto ra = static_cast<std::uint8_t>(a & 0xFF);
          const auto rb = static_cast<std::uint8_t>(b & 0xFF);
          const int m = static_cast<int>(
              u(static_cast<std::uint8_t>(std::abs(a)), static_cast<std::uint8_t>(std::abs(b))));
          ASSERT_EQ(s(ra, rb), ((a < 0) != (b < 0)) ? -m : m) << name << " " << a << "x" << b;
        }
      }
      for (auto p : u.products()) ASSERT_GE(p, 0) << name;
    }
  }
}

// Perforating rows j .. j+m-1 of b removes exactly those partial products.
TEST(Families, PerforationDropsThePartialProductRows) {
  const auto m = Registry::instance().create("perf:j=0,m=4");
  EXPECT_EQ(m.model->multiply(200, 0x0F), 0);           // only perforated rows
  EXPECT_EQ(m.model->multiply(200, 0x1F), 200 * 0x10);  // row 4 kept
  const auto mid = Registry::instance().create("perf:j=2,m=3,signed=1");
  EXPECT_EQ(mid.model->multiply(0xFD, 0x7F), -3 * 0x63);  // b = 127 keeps bits 0, 1, 5, 6
}

}  // namespace
}  // namespace axpod::mult
