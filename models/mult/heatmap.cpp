#include "mult/heatmap.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/png.h"

namespace axpod::mult {

namespace {

/// Raw byte of the operand at display position `i` (0..255, by value).
std::uint8_t raw_at(int i, bool is_signed) {
  return static_cast<std::uint8_t>(is_signed ? (i - 128) & 0xFF : i);
}

long long error_at(const Table& t, int ia, int ib, bool is_signed) {
  const std::uint8_t a = raw_at(ia, is_signed);
  const std::uint8_t b = raw_at(ib, is_signed);
  const long long exact =
      static_cast<long long>(operand_value(a, is_signed)) * operand_value(b, is_signed);
  return t(a, b) - exact;
}

void colour(double x, std::uint8_t& r, std::uint8_t& g, std::uint8_t& b) {
  // x in [-1, 1]: blue .. white .. red
  const double m = std::clamp(std::fabs(x), 0.0, 1.0);
  const auto fade = static_cast<std::uint8_t>(std::lround(255.0 * (1.0 - m)));
  if (x >= 0) {
    r = 255;
    g = fade;
    b = fade;
  } else {
    r = fade;
    g = fade;
    b = 255;
  }
}

}  // namespace

void write_error_heatmap(const Table& table, bool is_signed, const std::string& path) {
  long long worst = 0;
  for (int ia = 0; ia < 256; ++ia)
    for (int ib = 0; ib < 256; ++ib)
      worst = std::max(worst, std::llabs(error_at(table, ia, ib, is_signed)));
  const double scale = worst == 0 ? 1.0 : static_cast<double>(worst);
  constexpr int kMap = 512;
  constexpr int kBarX = kMap + 12;
  png::Image img(kMap + 40, kMap);
  for (int y = 0; y < kMap; ++y) {
    for (int x = 0; x < kMap; ++x) {
      std::uint8_t r, g, b;
      colour(static_cast<double>(error_at(table, y / 2, x / 2, is_signed)) / scale, r, g, b);
      img.set(x, y, r, g, b);
    }
    // Colour bar: +max at the top, -max at the bottom.
    std::uint8_t r, g, b;
    colour(1.0 - 2.0 * y / (kMap - 1), r, g, b);
    for (int x = kBarX; x < kBarX + 20; ++x) img.set(x, y, r, g, b);
  }
  png::write(img, path);
}

std::string ascii_error_map(const Table& table, bool is_signed) {
  static const char kShades[] = " .:-=+*#%@";
  double block[16][16] = {};
  double worst = 0;
  for (int ia = 0; ia < 256; ++ia)
    for (int ib = 0; ib < 256; ++ib)
      block[ia / 16][ib / 16] +=
          static_cast<double>(std::llabs(error_at(table, ia, ib, is_signed)));
  for (auto& row : block)
    for (double& v : row) {
      v /= 256.0;
      worst = std::max(worst, v);
    }
  std::string out;
  char buf[128];
  const int lo = is_signed ? -128 : 0;
  std::snprintf(buf, sizeof buf,
                "mean |ED| per 16x16 block (a down, b across, from %d), '@' = %.1f\n", lo, worst);
  out += buf;
  for (int r = 0; r < 16; ++r) {
    std::snprintf(buf, sizeof buf, "%5d |", lo + 16 * r);
    out += buf;
    for (int c = 0; c < 16; ++c) {
      const int shade = worst == 0 ? 0 : static_cast<int>(std::lround(9.0 * block[r][c] / worst));
      out += kShades[shade];
      out += kShades[shade];
    }
    out += "|\n";
  }
  return out;
}

}  // namespace axpod::mult
