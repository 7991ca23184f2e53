// The engine's fast GEMM kernels against the portable reference: every table (random ones that
// fit int16, ones that do not, one whose row 0 is not zero), edge shapes around the 64-row chunks,
// zero rows and zero chunks, and exact products at the extremes of int8 over long reductions.
#include "engine/kernels.h"

#include <gtest/gtest.h>

#include <sys/mman.h>
#include <unistd.h>

#include <limits>
#include <random>

#include "common/error.h"
#include "engine/gemm.h"
#include "mult/registry.h"

namespace axpod::engine {
namespace {

mult::Table random_table(std::uint64_t seed, std::int32_t lo, std::int32_t hi, bool zero_row) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int32_t> d(lo, hi);
  std::vector<mult::product_t> p(mult::kTableSize);
  for (auto& v : p) v = d(rng);
  if (zero_row) std::fill(p.begin(), p.begin() + 256, 0);
  return mult::Table(std::move(p));
}

std::vector<std::int8_t> random_bytes(std::size_t n, std::uint64_t seed, double zeros = 0.0) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<std::int8_t> v(n);
  for (auto& b : v) b = u(rng) < zeros ? 0 : static_cast<std::int8_t>(rng() & 0xFF);
  return v;
}

struct Shape {
  std::int64_t m, n, k;
};

const Shape kShapes[] = {{1, 1, 1},     {1, 120, 400}, {31, 6, 25},    {32, 6, 25},   {63, 16, 150},
                         {64, 16, 150}, {65, 7, 9},    {127, 3, 33},   {128, 64, 72}, {129, 5, 17},
                         {192, 2, 1},   {784, 6, 25},  {100, 16, 150}, {300, 9, 40},  {520, 3, 7}};

void check_table(const mult::Table& table, double zeros, std::uint64_t seed) {
  const PreparedTable prep(table);
  for (const auto& s : kShapes) {
    SCOPED_TRACE(std::to_string(s.m) + "x" + std::to_string(s.n) + "x" + std::to_string(s.k));
    auto x = random_bytes(static_cast<std::size_t>(s.m * s.k), seed + 1, zeros);
    if (s.m > 2) std::fill(x.begin() + s.k, x.begin() + 2 * s.k, 0);  // a zero row
    const auto w = random_bytes(static_cast<std::size_t>(s.k * s.n), seed + 2);
    std::vector<std::uint8_t> wu(w.begin(), w.end());
    std::vector<std::int32_t> want(static_cast<std::size_t>(s.m * s.n)), got(want.size(), 12345);
    gemm_table(x.data(), w.data(), want.data(), s.m, s.n, s.k, table);  // the reference
    gemm_table_kernel(x.data(), wu.data(), got.data(), s.m, s.n, s.k, prep);
    ASSERT_EQ(got, want);
    std::fill(got.begin(), got.end(), -1);
    gemm_table_portable(x.data(), wu.data(), got.data(), s.m, s.n, s.k, prep.products(),
                        prep.zero_row_zero());
    ASSERT_EQ(got, want);
  }
}

TEST(Kernels, TableGemmEqualsTheReferenceOnEveryShape) {
  std::printf("table kernel: %s, exact kernel: %s\n", table_kernel_name(), exact_kernel_name());
  check_table(random_table(1, -32768, 32767, true), 0.0, 10);
  check_table(random_table(2, -300, 300, true), 0.5, 20);      // ReLU-like zeros: whole zero chunks
  check_table(random_table(3, -5, 5, false), 0.9, 30);         // row 0 not zero: zeros still count
  check_table(random_table(4, -60000, 60000, true), 0.0, 40);  // beyond int16: portable path
}

TEST(Kernels, EveryBuiltInFamilyTableAgrees) {
  for (const char* name :
       {"exact:signed=1", "drum:k=4,signed=1", "mitchell:signed=1", "trunc_op:k=3,signed=1"}) {
    SCOPED_TRACE(name);
    const mult::Table t(*mult::Registry::instance().create(name).model);
    EXPECT_TRUE(PreparedTable(t).fits_int16());
    check_table(t, 0.3, 50);
  }
}

TEST(Kernels, ExactGemmIsExactAtTheExtremes) {
  for (const auto& s : kShapes) {
    SCOPED_TRACE(std::to_string(s.m) + "x" + std::to_string(s.n) + "x" + std::to_string(s.k));
    const auto x = random_bytes(static_cast<std::size_t>(s.m * s.k), 7, 0.3);
    const auto w = random_bytes(static_cast<std::size_t>(s.k * s.n), 8);
    const ExactWeights ew(w.data(), s.k, s.n);
    std::vector<std::int32_t> want(static_cast<std::size_t>(s.m * s.n)), got(want.size(), 99);
    gemm_exact(x.data(), w.data(), want.data(), s.m, s.n, s.k);
    gemm_exact_kernel(x.data(), ew, got.data(), s.m);
    ASSERT_EQ(got, want);
  }
  // Every narrow width (fewer than 16 columns: part of a 16-lane block idle; up to 8, two rows
  // per vector) on row counts around the 4-row and 8-row tiles, with reductions that end inside
  // a group of four, fill one load of two rows (32) or take several 32-byte chunks (33 to 70).
  for (std::int64_t n = 1; n < 16; ++n)
    for (std::int64_t m : {1, 7, 15, 16, 17, 47, 100})
      for (std::int64_t k : {1, 4, 25, 30, 32, 33, 64, 70}) {
        SCOPED_TRACE(std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k));
        const auto x = random_bytes(static_cast<std::size_t>(m * k), 11 + k, 0.2);
        const auto w = random_bytes(static_cast<std::size_t>(k * n), 12 + n);
        const ExactWeights ew(w.data(), k, n);
        std::vector<std::int32_t> want(static_cast<std::size_t>(m * n)), got(want.size(), 7);
        gemm_exact(x.data(), w.data(), want.data(), m, n, k);
        gemm_exact_kernel(x.data(), ew, got.data(), m);
        ASSERT_EQ(got, want);
      }
  // Sums beyond float's 24-bit mantissa: -128 x -128 over K = 4608 is 75,497,472, and a mix of
  // extremes that differs from it by odd amounts.
  const std::int64_t m = 5, n = 3, k = 4608;
  std::vector<std::int8_t> x(static_cast<std::size_t>(m * k), -128),
      w(static_cast<std::size_t>(k * n), -128);
  x[1] = 127;
  w[4] = 127;
  x[static_cast<std::size_t>(3 * k + 17)] = 1;
  const ExactWeights ew(w.data(), k, n);
  std::vector<std::int32_t> want(static_cast<std::size_t>(m * n)), got(want.size());
  gemm_exact(x.data(), w.data(), want.data(), m, n, k);
  gemm_exact_kernel(x.data(), ew, got.data(), m);
  EXPECT_EQ(got, want);
  EXPECT_EQ(want[static_cast<std::size_t>(n + 2)], 128 * 128 * k);
}

// Operands that end right before a page the process may not read: a kernel that reads past the
// end of its activations (four bytes of a short last row) crashes here. (The VNNI kernel did, on
// k = 1 to 3; ASan caught it.) k = 33 and 40 take the narrow exact kernel's 32-byte chunks.
TEST(Kernels, NoKernelReadsPastItsOperands) {
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  void* mem = ::mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(mem, MAP_FAILED);
  auto* guard = static_cast<std::int8_t*>(mem) + page;
  ASSERT_EQ(::mprotect(guard, page, PROT_NONE), 0);
  const mult::Table table(*mult::Registry::instance().create("drum:k=4,signed=1").model);
  const PreparedTable prep(table);
  for (std::int64_t k : {1, 2, 3, 5, 6, 7, 33, 40})
    for (std::int64_t m : {1, 2, 3, 4, 5, 9, 33, 70})
      for (std::int64_t n : {1, 17}) {
        SCOPED_TRACE(std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k));
        std::int8_t* x = guard - m * k;  // the last byte is the last readable one
        const auto src = random_bytes(static_cast<std::size_t>(m * k), 70 + k);
        std::copy(src.begin(), src.end(), x);
        const auto w = random_bytes(static_cast<std::size_t>(k * n), 80);
        const std::vector<std::uint8_t> wu(w.begin(), w.end());
        std::vector<std::int32_t> want(static_cast<std::size_t>(m * n)), got(want.size());
        gemm_exact(x, w.data(), want.data(), m, n, k);
        gemm_exact_kernel(x, ExactWeights(w.data(), k, n), got.data(), m);
        EXPECT_EQ(got, want);
        gemm_table(x, w.data(), want.data(), m, n, k, table);
        gemm_table_kernel(x, wu.data(), got.data(), m, n, k, prep);
        EXPECT_EQ(got, want);
      }
  ::munmap(mem, 2 * page);
}

// The vectorized output stage against the portable one (apply_multiplier, clamp8): sums at the
// int32 extremes, biases, multipliers from 1e-7 to 3 (right shifts from 1 to 54), rounding ties,
// widths around the 8-lane vectors, with and without ReLU; a column whose shift is out of the
// kernel's range (a multiplier below 2^-32) sends the layer to the portable version.
TEST(Kernels, RequantizerEqualsThePortableOutputStage) {
  std::mt19937_64 rng(21);
  for (std::int64_t n : {1, 5, 8, 9, 16, 23})
    for (bool relu : {false, true})
      for (bool tiny : {false, true}) {
        SCOPED_TRACE(std::to_string(n) + (relu ? " relu" : "") + (tiny ? " tiny" : ""));
        std::vector<std::int32_t> bias(static_cast<std::size_t>(n));
        std::vector<FixedMultiplier> mult;
        const double scales[] = {1e-7, 3e-5, 0.0042, 0.5, 0.999, 1.0, 3.0};
        for (std::int64_t c = 0; c < n; ++c) {
          bias[static_cast<std::size_t>(c)] = static_cast<std::int32_t>(rng() % 20001) - 10000;
          mult.push_back(quantize_multiplier(scales[rng() % 7] * (1 + 0.001 * (rng() % 100))));
        }
        if (tiny) mult[0] = quantize_multiplier(1e-11);
        const std::int64_t m = 37;
        std::vector<std::int32_t> acc(static_cast<std::size_t>(m * n));
        for (auto& a : acc) a = static_cast<std::int32_t>(rng());
        acc[0] = std::numeric_limits<std::int32_t>::max();
        acc[1 % acc.size()] = std::numeric_limits<std::int32_t>::min();
        for (std::size_t i = 2; i < acc.size(); i += 5) acc[i] = static_cast<std::int32_t>(i) - 40;
        const Requantizer q(bias, mult, relu);
        std::vector<std::int8_t> want(acc.size(), 99), got(acc.size(), 99);
        q.run_portable(acc.data(), m, want.data());
        q.run(acc.data(), m, got.data());
        ASSERT_EQ(got, want);
        // The reference itself: apply_multiplier and the clamp, output by output.
        for (std::int64_t r = 0; r < m; ++r)
          for (std::int64_t c = 0; c < n; ++c) {
            const std::int32_t v = apply_multiplier(
                static_cast<std::int64_t>(acc[static_cast<std::size_t>(r * n + c)]) +
                    bias[static_cast<std::size_t>(c)],
                mult[static_cast<std::size_t>(c)]);
            ASSERT_EQ(want[static_cast<std::size_t>(r * n + c)],
                      std::clamp(v, relu ? 0 : -128, 127));
          }
      }
  EXPECT_THROW(Requantizer({1, 2}, {quantize_multiplier(0.5)}, false), Error);
}

TEST(Kernels, PortableKernelsCanBeForced) {
  set_portable_kernels(true);
  EXPECT_STREQ(table_kernel_name(), "portable");
  EXPECT_STREQ(exact_kernel_name(), "portable");
  check_table(random_table(5, -1000, 1000, true), 0.2, 60);
  set_portable_kernels(false);
}

}  // namespace
}  // namespace axpod::engine
