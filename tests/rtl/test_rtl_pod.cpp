// The C++ systolic array (sim/core) against the golden Verilog pod (rtl/pod/axpod_ws_pod.v),
// Verilated: random tiles, partial rows and columns, bubbles in the input stream, double-
// buffered weight loads during streaming; bottom-edge sums and valid bits must be identical at
// every clock.
#include <gtest/gtest.h>

#include <random>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"  // Verilator's runtime headers
#include "Vaxpod_pod16_exact.h"
#include "Vaxpod_pod8_drum4.h"
#include "Vaxpod_pod8_exact.h"
#pragma GCC diagnostic pop
#include "mult/registry.h"
#include "systolic_array.h"

namespace {

using axpod::core::SystolicArray;

template <class Port>
void put_byte(Port& port, int i, std::uint8_t v) {
  if constexpr (std::is_integral_v<Port>) {
    port = (port & ~(static_cast<Port>(0xFF) << (8 * i))) | (static_cast<Port>(v) << (8 * i));
  } else {
    port[i / 4] = (port[i / 4] & ~(0xFFu << (8 * (i % 4)))) |
                  (static_cast<std::uint32_t>(v) << (8 * (i % 4)));
  }
}

template <class V>
void run(const std::string& mult, int R, int C, std::uint64_t seed, int tiles) {
  const axpod::mult::Table table(*axpod::mult::Registry::instance().create(mult).model);
  SystolicArray ref(R, C, &table);
  V rtl;
  std::mt19937_64 rng(seed);
  auto byte = [&] { return static_cast<std::int8_t>(rng() & 0xFF); };
  auto clock = [&](const std::vector<std::int8_t>& left, const std::vector<std::uint8_t>& lv,
                   int load_row, const std::vector<std::int8_t>& wrow, int ncols, int nrows,
                   bool swap, long cycle) {
    rtl.a_valid = 0;
    for (int r = 0; r < R; ++r) {
      put_byte(rtl.a_in, r, static_cast<std::uint8_t>(left[r]));
      using Valid = std::remove_reference_t<decltype(rtl.a_valid)>;
      rtl.a_valid = static_cast<Valid>(rtl.a_valid | (static_cast<Valid>(lv[r]) << r));
    }
    rtl.w_we = load_row >= 0;
    rtl.w_row = load_row >= 0 ? load_row : 0;
    rtl.w_ncols = ncols;
    rtl.w_nrows = nrows;
    for (int c = 0; c < C; ++c) put_byte(rtl.w_in, c, static_cast<std::uint8_t>(wrow[c]));
    rtl.swap = swap;
    rtl.clk = 0;
    rtl.eval();
    rtl.clk = 1;
    rtl.eval();
    std::vector<std::int32_t> bottom(C);
    std::vector<std::uint8_t> bv(C);
    ref.tick(left.data(), lv.data(), bottom.data(), bv.data());
    if (load_row >= 0) {
      ref.load_shadow_row(load_row, wrow.data(), ncols);
      if (load_row == 0) ref.clear_shadow_rows(nrows);
    }
    if (swap) ref.swap();
    for (int c = 0; c < C; ++c) {
      ASSERT_EQ(static_cast<int>((rtl.p_valid >> c) & 1), bv[c])
          << "cycle " << cycle << " col " << c;
      if (bv[c]) {
        ASSERT_EQ(static_cast<std::int32_t>(rtl.p_out[c]), bottom[c])
            << "cycle " << cycle << " col " << c;
      }
    }
  };
  long cycle = 0;
  std::vector<std::int8_t> left(R), wrow(C);
  std::vector<std::uint8_t> lv(R);
  // Preload the first tile: one row per clock, no input.
  int rows = 1 + static_cast<int>(rng() % R), cols = 1 + static_cast<int>(rng() % C);
  // The last row is written in the clock of the swap (as a pod that preloads does).
  for (int r = 0; r < R; ++r) {
    for (auto& w : wrow) w = byte();
    std::fill(lv.begin(), lv.end(), 0);
    clock(left, lv, r < rows ? r : -1, wrow, cols, rows, r == R - 1, cycle++);
  }
  for (int t = 0; t < tiles; ++t) {
    const int len = 1 + static_cast<int>(rng() % 20);
    const int next_rows = 1 + static_cast<int>(rng() % R),
              next_cols = 1 + static_cast<int>(rng() % C);
    const int L = R + C + len - 2;
    for (int k = 0; k < L; ++k) {
      for (int r = 0; r < R; ++r) {
        const int i = k - r;
        lv[r] = (r < rows && i >= 0 && i < len && (rng() % 8 != 0)) ? 1 : 0;  // bubbles too
        left[r] = lv[r] ? byte() : 0;
      }
      // The next tile's rows load from the end of this one, the last in the clock of the swap.
      const int row = k - (L - R);
      const bool load = row >= 0 && row < next_rows;
      for (auto& w : wrow) w = byte();
      clock(left, lv, load ? row : -1, wrow, next_cols, next_rows, k == L - 1, cycle++);
      if (::testing::Test::HasFatalFailure()) return;
    }
    rows = next_rows;
    cols = next_cols;
  }
}

TEST(RtlPod, Exact8x8MatchesTheCppArrayEveryCycle) {
  run<Vaxpod_pod8_exact>("exact:signed=1", 8, 8, 1, 30);
}
TEST(RtlPod, Drum8x8MatchesTheCppArrayEveryCycle) {
  run<Vaxpod_pod8_drum4>("drum:k=4,signed=1", 8, 8, 2, 30);
}
TEST(RtlPod, Exact16x16MatchesTheCppArrayEveryCycle) {
  run<Vaxpod_pod16_exact>("exact:signed=1", 16, 16, 3, 15);
}

}  // namespace
