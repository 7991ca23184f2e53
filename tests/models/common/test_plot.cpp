#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>

#include "common/fs.h"
#include "common/plot.h"

namespace axpod::plot {
namespace {

struct Px {
  int r, g, b;
};

Px at(const png::Image& img, int x, int y) {
  const auto* p = &img.rgb[(static_cast<std::size_t>(y) * img.width + x) * 3];
  return {p[0], p[1], p[2]};
}

/// Bounding box of the pixels darker than mid-grey: {x0, y0, x1, y1}, or all -1 when none.
std::array<int, 4> dark_box(const png::Image& img) {
  std::array<int, 4> box{-1, -1, -1, -1};
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      const Px p = at(img, x, y);
      if (p.r + p.g + p.b >= 3 * 128) continue;
      if (box[0] < 0) box = {x, y, x, y};
      box = {std::min(box[0], x), std::min(box[1], y), std::max(box[2], x), std::max(box[3], y)};
    }
  return box;
}

Figure page(double w, double h) {
  Figure f;
  f.width = w;
  f.height = h;
  return f;
}

TEST(Plot, RasterPaintsShapesWhereTheSvgPutsThem) {
  Figure f = page(100, 60);
  f.add(Rect{10, 10, 20, 20, {200, 0, 0}, true});
  f.add(Circle{70, 30, 10, {0, 0, 255}, 0.5});
  f.add(Line{0, 55, 100, 55, {0, 0, 0}});
  const png::Image img = f.raster();
  ASSERT_EQ(img.width, 100);
  ASSERT_EQ(img.height, 60);
  const Px inside = at(img, 20, 20), outside = at(img, 40, 5);
  EXPECT_EQ(inside.r, 200);
  EXPECT_EQ(inside.g, 0);
  EXPECT_EQ(outside.r + outside.g + outside.b, 3 * 255);
  // Half-opaque blue over white: (255 + 0) / 2 in red and green, full blue.
  const Px blend = at(img, 70, 30);
  EXPECT_NEAR(blend.r, 128, 1);
  EXPECT_EQ(blend.b, 255);
  // A 1 px line at y = 55 covers row 54 and 55 half each (it straddles their border).
  EXPECT_LT(at(img, 50, 55).r, 255);
  EXPECT_EQ(at(img, 50, 52).r, 255);

  const std::string svg = f.svg();
  EXPECT_NE(
      svg.find("<rect x=\"10.0\" y=\"10.0\" width=\"20.0\" height=\"20.0\" fill=\"#c80000\"/>"),
      std::string::npos);
  EXPECT_NE(svg.find("<circle cx=\"70.0\" cy=\"30.0\" r=\"10.0\" fill-opacity=\"0.50\""),
            std::string::npos);
  EXPECT_NE(svg.find("<line x1=\"0.0\" x2=\"100.0\" y1=\"55.0\" y2=\"55.0\""), std::string::npos);
}

TEST(Plot, NonFiniteOrFarOffShapesPaintNothing) {
  Figure f = page(40, 30);
  const double nan = std::nan("");
  f.add(Circle{nan, 10, 5, {0, 0, 0}, 1});
  f.add(Rect{-1e300, -1e300, 2e300, 10, {0, 0, 0}, true});  // page-wide, far above it
  f.add(Line{1e12, 1e12, 2e12, 2e12, {0, 0, 0}});
  const png::Image img = f.raster();
  EXPECT_EQ(dark_box(img)[0], -1);
}

TEST(Plot, TextIsAnchoredAndRotatedAsInSvg) {
  auto box_of = [](Anchor anchor, double rotate) {
    Figure f = page(200, 200);
    f.add(Text{100, 100, "axpod 42", anchor, 16, rotate});
    return dark_box(f.raster());
  };
  const auto start = box_of(Anchor::start, 0), end = box_of(Anchor::end, 0),
             mid = box_of(Anchor::middle, 0);
  // 8 characters of 6 dots (the last without its gap), 2 px dots: 94 px wide.
  EXPECT_NEAR(start[2] - start[0], 94, 2);
  EXPECT_NEAR(start[0], 100, 1);
  EXPECT_NEAR(end[2], 100, 1);
  EXPECT_NEAR((mid[0] + mid[2]) / 2.0, 100, 1.5);
  // Capitals and digits stand on the baseline (7 dots above it); 'p' descends below it.
  EXPECT_NEAR(start[1], 100 - 14, 1);
  EXPECT_GT(start[3], 100);
  // Rotated by -90 degrees (SVG: counter-clockwise) the text runs upwards from the anchor.
  const auto up = box_of(Anchor::start, -90);
  EXPECT_NEAR(up[3] - up[1], 94, 2);
  EXPECT_LT(up[2] - up[0], 20);
  EXPECT_NEAR(up[3], 100, 1);
  // Rotated by -60 degrees with the end anchor (the bar charts' category labels) the text rises
  // from below and left of the anchor and ends there.
  const auto slant = box_of(Anchor::end, -60);
  EXPECT_NEAR(slant[2], 100, 8);
  EXPECT_NEAR(slant[0], 100 - 94 / 2, 12);
  EXPECT_NEAR(slant[3], 100 + 94 * 0.866, 8);
  EXPECT_GT(slant[1], 100 - 20);
}

TEST(Plot, EveryPrintableCharacterHasItsOwnGlyph) {
  auto draw = [](char c) {
    Figure f = page(20, 20);
    f.add(Text{5, 14, std::string(1, c), Anchor::start, 8, 0});
    return f.raster(1).rgb;
  };
  const auto blank = page(20, 20).raster(1).rgb;
  const auto unknown = draw('?');
  EXPECT_EQ(draw(' '), blank);
  EXPECT_EQ(draw('\x7f'), unknown);  // not printable: drawn as '?'
  std::vector<std::vector<std::uint8_t>> seen;
  for (char c = '!'; c <= '~'; ++c) {
    const auto img = draw(c);
    EXPECT_NE(img, blank) << "'" << c << "' draws nothing";
    if (c != '?') {
      EXPECT_NE(img, unknown) << "'" << c << "' has no glyph";
    }
    EXPECT_EQ(std::count(seen.begin(), seen.end(), img), 0) << "'" << c << "' repeats a glyph";
    seen.push_back(img);
  }
}

TEST(Plot, ChartsWriteSvgAndPngOfTheSameLayout) {
  const Figure bars =
      stacked_bars("energy", "nJ", {"conv1", "fc"}, {{"mult", {}, {1, 2}}, {"sram", {}, {3, 1}}});
  const Figure dots = scatter("front", "uJ", "%", {{"a", {1, 10}, {80, 90}}}, true, false);
  for (const Figure* f : {&bars, &dots}) {
    EXPECT_EQ(f->width, 900);
    EXPECT_EQ(f->height, 520);
  }
  const std::string dir =
      (std::filesystem::temp_directory_path() /
       ("axpod_plot_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed())))
          .string();
  std::filesystem::create_directories(dir);
  write(bars, dir + "/bars");
  EXPECT_EQ(fs::read_file(dir + "/bars.svg"), bars.svg());
  const std::string png = fs::read_file(dir + "/bars.png");
  EXPECT_EQ(png.substr(1, 3), "PNG");
  EXPECT_EQ(png, png::encode(bars.raster()));
  // The first category's bar: 'mult' (1 nJ, blue) under 'sram' (3 nJ, orange), 4 nJ in all.
  const png::Image img = bars.raster();
  int blue = 0, orange = 0;
  for (int y = 0; y < img.height; ++y) {
    const Px p = at(img, 90 + 153, y);  // the middle of the first of two 305 px slots
    blue += p.r == 0x1f && p.g == 0x77 && p.b == 0xb4;
    orange += p.r == 0xff && p.g == 0x7f && p.b == 0x0e;
  }
  EXPECT_GT(blue, 10);
  EXPECT_NEAR(orange, 3 * blue, 3);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace axpod::plot
