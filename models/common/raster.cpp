// Rasterizes a plot::Figure: every shape is painted on a supersampled canvas (anti-aliasing by
// box filtering), text with a built-in 5x7 bitmap font (axpod's own drawing) scaled to the size
// and rotated about its anchor as SVG does, so the PNG matches the SVG's layout.
#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include "common/plot.h"

namespace axpod::plot {

namespace {

// A glyph is 5 dots wide and 9 tall: rows 0-6 stand on the baseline (capitals and digits fill
// them), rows 7-8 hold descenders. Missing rows are blank.
struct Glyph {
  char c;
  const char* rows[9];
};

constexpr int kGlyphW = 5, kGlyphH = 9, kBaseline = 7, kAdvance = 6;

// clang-format off
constexpr Glyph kFont[] = {
    {'!', {"  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "     ", "  #  "}},
    {'"', {" # # ", " # # "}},
    {'#', {" # # ", " # # ", "#####", " # # ", "#####", " # # ", " # # "}},
    {'$', {"  #  ", " ####", "# #  ", " ### ", "  # #", "#### ", "  #  "}},
    {'%', {"##   ", "##  #", "   # ", "  #  ", " #   ", "#  ##", "   ##"}},
    {'&', {" #   ", "# #  ", "# #  ", " #   ", "# # #", "#  # ", " ## #"}},
    {'\'', {"  #  ", "  #  "}},
    {'(', {"   # ", "  #  ", " #   ", " #   ", " #   ", "  #  ", "   # "}},
    {')', {" #   ", "  #  ", "   # ", "   # ", "   # ", "  #  ", " #   "}},
    {'*', {"     ", "  #  ", "# # #", " ### ", "# # #", "  #  "}},
    {'+', {"     ", "  #  ", "  #  ", "#####", "  #  ", "  #  "}},
    {',', {"     ", "     ", "     ", "     ", "     ", "  #  ", "  #  ", " #   "}},
    {'-', {"     ", "     ", "     ", " ### "}},
    {'.', {"     ", "     ", "     ", "     ", "     ", "     ", "  #  "}},
    {'/', {"    #", "    #", "   # ", "  #  ", " #   ", "#    ", "#    "}},
    {'0', {" ### ", "#   #", "#  ##", "# # #", "##  #", "#   #", " ### "}},
    {'1', {"  #  ", " ##  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "}},
    {'2', {" ### ", "#   #", "    #", "   # ", "  #  ", " #   ", "#####"}},
    {'3', {" ### ", "#   #", "    #", "  ## ", "    #", "#   #", " ### "}},
    {'4', {"   # ", "  ## ", " # # ", "#  # ", "#####", "   # ", "   # "}},
    {'5', {"#####", "#    ", "#### ", "    #", "    #", "#   #", " ### "}},
    {'6', {"  ## ", " #   ", "#    ", "#### ", "#   #", "#   #", " ### "}},
    {'7', {"#####", "    #", "   # ", "  #  ", " #   ", " #   ", " #   "}},
    {'8', {" ### ", "#   #", "#   #", " ### ", "#   #", "#   #", " ### "}},
    {'9', {" ### ", "#   #", "#   #", " ####", "    #", "   # ", " ##  "}},
    {':', {"     ", "     ", "  #  ", "     ", "     ", "  #  "}},
    {';', {"     ", "     ", "  #  ", "     ", "     ", "  #  ", "  #  ", " #   "}},
    {'<', {"   # ", "  #  ", " #   ", "#    ", " #   ", "  #  ", "   # "}},
    {'=', {"     ", "     ", "#####", "     ", "#####"}},
    {'>', {" #   ", "  #  ", "   # ", "    #", "   # ", "  #  ", " #   "}},
    {'?', {" ### ", "#   #", "    #", "   # ", "  #  ", "     ", "  #  "}},
    {'@', {" ### ", "#   #", "# ###", "# # #", "# ###", "#    ", " ### "}},
    {'A', {" ### ", "#   #", "#   #", "#####", "#   #", "#   #", "#   #"}},
    {'B', {"#### ", "#   #", "#   #", "#### ", "#   #", "#   #", "#### "}},
    {'C', {" ### ", "#   #", "#    ", "#    ", "#    ", "#   #", " ### "}},
    {'D', {"#### ", "#   #", "#   #", "#   #", "#   #", "#   #", "#### "}},
    {'E', {"#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#####"}},
    {'F', {"#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#    "}},
    {'G', {" ### ", "#   #", "#    ", "# ###", "#   #", "#   #", " ####"}},
    {'H', {"#   #", "#   #", "#   #", "#####", "#   #", "#   #", "#   #"}},
    {'I', {" ### ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "}},
    {'J', {"  ###", "   # ", "   # ", "   # ", "   # ", "#  # ", " ##  "}},
    {'K', {"#   #", "#  # ", "# #  ", "##   ", "# #  ", "#  # ", "#   #"}},
    {'L', {"#    ", "#    ", "#    ", "#    ", "#    ", "#    ", "#####"}},
    {'M', {"#   #", "## ##", "# # #", "# # #", "#   #", "#   #", "#   #"}},
    {'N', {"#   #", "#   #", "##  #", "# # #", "#  ##", "#   #", "#   #"}},
    {'O', {" ### ", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "}},
    {'P', {"#### ", "#   #", "#   #", "#### ", "#    ", "#    ", "#    "}},
    {'Q', {" ### ", "#   #", "#   #", "#   #", "# # #", "#  # ", " ## #"}},
    {'R', {"#### ", "#   #", "#   #", "#### ", "# #  ", "#  # ", "#   #"}},
    {'S', {" ####", "#    ", "#    ", " ### ", "    #", "    #", "#### "}},
    {'T', {"#####", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  "}},
    {'U', {"#   #", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "}},
    {'V', {"#   #", "#   #", "#   #", "#   #", "#   #", " # # ", "  #  "}},
    {'W', {"#   #", "#   #", "#   #", "# # #", "# # #", "# # #", " # # "}},
    {'X', {"#   #", "#   #", " # # ", "  #  ", " # # ", "#   #", "#   #"}},
    {'Y', {"#   #", "#   #", " # # ", "  #  ", "  #  ", "  #  ", "  #  "}},
    {'Z', {"#####", "    #", "   # ", "  #  ", " #   ", "#    ", "#####"}},
    {'[', {" ### ", " #   ", " #   ", " #   ", " #   ", " #   ", " ### "}},
    {'\\', {"#    ", "#    ", " #   ", "  #  ", "   # ", "    #", "    #"}},
    {']', {" ### ", "   # ", "   # ", "   # ", "   # ", "   # ", " ### "}},
    {'^', {"  #  ", " # # ", "#   #"}},
    {'_', {"     ", "     ", "     ", "     ", "     ", "     ", "     ", "#####"}},
    {'`', {" #   ", "  #  "}},
    {'a', {"     ", "     ", " ### ", "    #", " ####", "#   #", " ####"}},
    {'b', {"#    ", "#    ", "#### ", "#   #", "#   #", "#   #", "#### "}},
    {'c', {"     ", "     ", " ####", "#    ", "#    ", "#    ", " ####"}},
    {'d', {"    #", "    #", " ####", "#   #", "#   #", "#   #", " ####"}},
    {'e', {"     ", "     ", " ### ", "#   #", "#####", "#    ", " ####"}},
    {'f', {"  ## ", " #   ", "#### ", " #   ", " #   ", " #   ", " #   "}},
    {'g', {"     ", "     ", " ####", "#   #", "#   #", "#   #", " ####", "    #", " ### "}},
    {'h', {"#    ", "#    ", "#### ", "#   #", "#   #", "#   #", "#   #"}},
    {'i', {"  #  ", "     ", " ##  ", "  #  ", "  #  ", "  #  ", " ### "}},
    {'j', {"   # ", "     ", "  ## ", "   # ", "   # ", "   # ", "   # ", "#  # ", " ##  "}},
    {'k', {"#    ", "#    ", "#  # ", "# #  ", "##   ", "# #  ", "#  # "}},
    {'l', {" ##  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "}},
    {'m', {"     ", "     ", "## # ", "# # #", "# # #", "# # #", "# # #"}},
    {'n', {"     ", "     ", "#### ", "#   #", "#   #", "#   #", "#   #"}},
    {'o', {"     ", "     ", " ### ", "#   #", "#   #", "#   #", " ### "}},
    {'p', {"     ", "     ", "#### ", "#   #", "#   #", "#   #", "#### ", "#    ", "#    "}},
    {'q', {"     ", "     ", " ####", "#   #", "#   #", "#   #", " ####", "    #", "    #"}},
    {'r', {"     ", "     ", "# ## ", "##   ", "#    ", "#    ", "#    "}},
    {'s', {"     ", "     ", " ####", "#    ", " ### ", "    #", "#### "}},
    {'t', {" #   ", " #   ", "#### ", " #   ", " #   ", " #  #", "  ## "}},
    {'u', {"     ", "     ", "#   #", "#   #", "#   #", "#  ##", " ## #"}},
    {'v', {"     ", "     ", "#   #", "#   #", "#   #", " # # ", "  #  "}},
    {'w', {"     ", "     ", "#   #", "#   #", "# # #", "# # #", " # # "}},
    {'x', {"     ", "     ", "#   #", " # # ", "  #  ", " # # ", "#   #"}},
    {'y', {"     ", "     ", "#   #", "#   #", "#   #", "#   #", " ####", "    #", " ### "}},
    {'z', {"     ", "     ", "#####", "   # ", "  #  ", " #   ", "#####"}},
    {'{', {"   ##", "  #  ", "  #  ", " #   ", "  #  ", "  #  ", "   ##"}},
    {'|', {"  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  "}},
    {'}', {"##   ", "  #  ", "  #  ", "   # ", "  #  ", "  #  ", "##   "}},
    {'~', {"     ", "     ", " #   ", "# # #", "   # "}},
};
// clang-format on

/// Dot rows of every ASCII character (bit 4 = leftmost dot); unknown characters draw as '?'.
using Bitmap = std::array<std::uint8_t, kGlyphH>;

const std::array<Bitmap, 128>& font() {
  static const std::array<Bitmap, 128> table = [] {
    std::array<Bitmap, 128> t{};
    for (const Glyph& g : kFont)
      for (int r = 0; r < kGlyphH; ++r)
        if (g.rows[r])
          for (int c = 0; c < kGlyphW; ++c)
            if (g.rows[r][c] == '#') t[static_cast<unsigned char>(g.c)][r] |= 1u << (4 - c);
    return t;
  }();
  return table;
}

const Bitmap& glyph(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u == ' ') return font()[' '];
  return u < 128 && u > ' ' && u != 127 ? font()[u] : font()['?'];
}

/// The supersampled canvas: coordinates of the figure times `s`.
class Canvas {
 public:
  Canvas(double w, double h, int s)
      : m_s(s),
        m_w(static_cast<int>(std::ceil(w)) * s),
        m_h(static_cast<int>(std::ceil(h)) * s),
        m_px(static_cast<std::size_t>(m_w) * m_h * 3, 1.0f) {}

  /// Blends `c` at `alpha` into every sample whose centre (in figure units) passes `inside`.
  template <class Inside>
  void paint(double x0, double y0, double x1, double y1, Color c, double alpha, Inside inside) {
    // Bounds are clamped as doubles first: a NaN or far-off shape (a NaN value in a series)
    // paints nothing instead of overflowing an int.
    if (!(std::isfinite(x0) && std::isfinite(x1) && std::isfinite(y0) && std::isfinite(y1))) return;
    auto clampi = [](double v, int hi) { return static_cast<int>(std::clamp(v, 0.0, double(hi))); };
    const int i0 = clampi(std::floor(x0 * m_s), m_w - 1), i1 = clampi(std::ceil(x1 * m_s), m_w - 1);
    const int j0 = clampi(std::floor(y0 * m_s), m_h - 1), j1 = clampi(std::ceil(y1 * m_s), m_h - 1);
    const float a = static_cast<float>(alpha);
    const float rgb[3] = {c.r / 255.0f, c.g / 255.0f, c.b / 255.0f};
    for (int j = j0; j <= j1; ++j)
      for (int i = i0; i <= i1; ++i) {
        const double x = (i + 0.5) / m_s, y = (j + 0.5) / m_s;
        if (!inside(x, y)) continue;
        float* p = &m_px[(static_cast<std::size_t>(j) * m_w + i) * 3];
        for (int k = 0; k < 3; ++k) p[k] = p[k] * (1 - a) + rgb[k] * a;
      }
  }

  png::Image downsample() const {
    png::Image img(m_w / m_s, m_h / m_s);
    const float n = static_cast<float>(m_s * m_s);
    for (int y = 0; y < img.height; ++y)
      for (int x = 0; x < img.width; ++x) {
        float sum[3] = {0, 0, 0};
        for (int j = 0; j < m_s; ++j)
          for (int i = 0; i < m_s; ++i) {
            const float* p =
                &m_px[(static_cast<std::size_t>(y * m_s + j) * m_w + (x * m_s + i)) * 3];
            for (int k = 0; k < 3; ++k) sum[k] += p[k];
          }
        img.set(x, y, to_byte(sum[0] / n), to_byte(sum[1] / n), to_byte(sum[2] / n));
      }
    return img;
  }

 private:
  static std::uint8_t to_byte(float v) {  // round half up; lround was a third of the time
    return static_cast<std::uint8_t>(std::clamp(v, 0.0f, 1.0f) * 255.0f + 0.5f);
  }
  int m_s;                  // samples per pixel along each axis
  int m_w, m_h;             // canvas size, samples
  std::vector<float> m_px;  // linear RGB in 0..1, row-major
};

/// Distance from (x, y) to the segment (x1, y1)-(x2, y2).
double segment_distance(double x, double y, double x1, double y1, double x2, double y2) {
  const double dx = x2 - x1, dy = y2 - y1, len2 = dx * dx + dy * dy;
  const double t = len2 > 0 ? std::clamp(((x - x1) * dx + (y - y1) * dy) / len2, 0.0, 1.0) : 0;
  return std::hypot(x - (x1 + t * dx), y - (y1 + t * dy));
}

struct Painter {
  Canvas& cv;

  void line(double x1, double y1, double x2, double y2, Color c) const {
    constexpr double kHalf = 0.5;  // 1 px wide
    cv.paint(std::min(x1, x2) - 1, std::min(y1, y2) - 1, std::max(x1, x2) + 1, std::max(y1, y2) + 1,
             c, 1.0,
             [&](double x, double y) { return segment_distance(x, y, x1, y1, x2, y2) <= kHalf; });
  }
  void operator()(const Rect& r) const {
    if (r.filled) {
      cv.paint(r.x, r.y, r.x + r.w, r.y + r.h, r.fill, 1.0, [&](double x, double y) {
        return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
      });
      return;
    }
    line(r.x, r.y, r.x + r.w, r.y, r.fill);
    line(r.x + r.w, r.y, r.x + r.w, r.y + r.h, r.fill);
    line(r.x + r.w, r.y + r.h, r.x, r.y + r.h, r.fill);
    line(r.x, r.y + r.h, r.x, r.y, r.fill);
  }
  void operator()(const Line& l) const { line(l.x1, l.y1, l.x2, l.y2, l.stroke); }
  void operator()(const Circle& c) const {
    cv.paint(c.cx - c.r, c.cy - c.r, c.cx + c.r, c.cy + c.r, c.fill, c.opacity,
             [&](double x, double y) { return std::hypot(x - c.cx, y - c.cy) <= c.r; });
  }
  void operator()(const Text& t) const {
    if (t.s.empty()) return;
    // One dot is size/8 pixels: 12 px text has 1.5 px dots, capitals 10.5 px tall.
    const double dot = t.size / 8.0;
    const double width = (static_cast<double>(t.s.size()) * kAdvance - 1) * dot;
    const double left = t.anchor == Anchor::start    ? 0
                        : t.anchor == Anchor::middle ? -width / 2
                                                     : -width;
    const double top = -kBaseline * dot, bottom = (kGlyphH - kBaseline) * dot;
    // The text box in local coordinates (origin at the anchor, y down), rotated clockwise by
    // the angle about the anchor: bound its corners, then test each sample in local terms.
    const double a = t.rotate_deg * std::numbers::pi / 180.0, ca = std::cos(a), sa = std::sin(a);
    double bx0 = 1e300, by0 = 1e300, bx1 = -1e300, by1 = -1e300;
    for (double u : {left, left + width})
      for (double v : {top, bottom}) {
        const double x = t.x + u * ca - v * sa, y = t.y + u * sa + v * ca;
        bx0 = std::min(bx0, x), by0 = std::min(by0, y), bx1 = std::max(bx1, x),
        by1 = std::max(by1, y);
      }
    cv.paint(bx0, by0, bx1, by1, Color{0, 0, 0}, 1.0, [&](double x, double y) {
      const double dx = x - t.x, dy = y - t.y;
      const double u = dx * ca + dy * sa - left, v = -dx * sa + dy * ca - top;
      if (u < 0 || v < 0) return false;
      const int col = static_cast<int>(u / dot), row = static_cast<int>(v / dot);
      const std::size_t ch = static_cast<std::size_t>(col / kAdvance);
      const int dc = col % kAdvance;
      if (ch >= t.s.size() || dc >= kGlyphW || row >= kGlyphH) return false;
      return ((glyph(t.s[ch])[row] >> (4 - dc)) & 1) != 0;
    });
  }
};

}  // namespace

png::Image Figure::raster(int supersample) const {
  Canvas cv(width, height, std::max(1, supersample));
  const Painter painter{cv};
  for (const auto& s : shapes) std::visit(painter, s);
  for (const auto& t : texts) painter(t);
  return cv.downsample();
}

}  // namespace axpod::plot
