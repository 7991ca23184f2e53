// Small charts (scatter and stacked bars) with axes, ticks and legends, drawn once into a list
// of shapes and written as SVG (opens in any browser) and as PNG (Markdown reports, viewers
// without SVG): the plots of `axpod analyze`, `sweep`, `rank`, `gen` and `demo`.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "common/png.h"

namespace axpod::plot {

struct Color {
  std::uint8_t r = 0, g = 0, b = 0;  // sRGB
};

struct Rect {
  double x, y, w, h;  // top-left corner and size, pixels
  Color fill;         // interior
  bool filled;        // false: outline only (1 px stroke)
};

struct Line {
  double x1, y1, x2, y2;  // end points, pixels
  Color stroke;           // 1 px wide
};

struct Circle {
  double cx, cy, r;  // centre and radius, pixels
  Color fill;        // interior
  double opacity;    // 0..1
};

enum class Anchor { start, middle, end };

struct Text {
  double x, y;        // anchor point on the baseline, pixels
  std::string s;      // ASCII (other bytes draw as '?' in PNG)
  Anchor anchor;      // horizontal alignment at (x, y), before rotation
  int size;           // font size, pixels
  double rotate_deg;  // clockwise about (x, y), as SVG's rotate()
};

using Shape = std::variant<Rect, Line, Circle>;

/// A drawing: a white page, shapes painted in order, and text above them all.
struct Figure {
  double width = 0, height = 0;  // pixels
  std::vector<Shape> shapes;     // back to front
  std::vector<Text> texts;       // over every shape

  void add(const Shape& s) { shapes.push_back(s); }
  void add(Text t) { texts.push_back(std::move(t)); }

  /// The figure as an SVG document.
  std::string svg() const;
  /// The figure rasterized (`supersample`^2 samples per pixel, box-filtered).
  png::Image raster(int supersample = 3) const;
};

/// Writes `stem.svg` and `stem.png`, each atomically.
void write(const Figure& fig, const std::string& stem);

struct Series {
  std::string label;      // legend text
  std::vector<double> x;  // scatter: x values
  std::vector<double> y;  // scatter: y values; bars: one value per category
  bool joined = false;    // scatter: consecutive points joined by lines (a front, a limit)
};

/// Scatter plot; `log_x` / `log_y` use decade axes (values must be > 0).
Figure scatter(const std::string& title, const std::string& x_label, const std::string& y_label,
               const std::vector<Series>& series, bool log_x, bool log_y);

/// Stacked bar chart: one bar per category, one stacked segment per series.
Figure stacked_bars(const std::string& title, const std::string& y_label,
                    const std::vector<std::string>& categories, const std::vector<Series>& series);

}  // namespace axpod::plot
