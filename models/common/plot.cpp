#include "common/plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/fs.h"

namespace axpod::plot {

namespace {

constexpr Color kPalette[] = {{0x1f, 0x77, 0xb4}, {0xff, 0x7f, 0x0e}, {0x2c, 0xa0, 0x2c},
                              {0xd6, 0x27, 0x28}, {0x94, 0x67, 0xbd}, {0x8c, 0x56, 0x4b},
                              {0xe3, 0x77, 0xc2}, {0x7f, 0x7f, 0x7f}, {0xbc, 0xbd, 0x22},
                              {0x17, 0xbe, 0xcf}};
constexpr Color kBlack{0, 0, 0}, kGrid{0xdd, 0xdd, 0xdd};
constexpr double kW = 900, kH = 520, kL = 90, kR = 200, kT = 50, kB = 110;

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '<')
      o += "&lt;";
    else if (c == '>')
      o += "&gt;";
    else if (c == '&')
      o += "&amp;";
    else
      o += c;
  }
  return o;
}

std::string hex(Color c) {
  char b[8];
  std::snprintf(b, sizeof b, "#%02x%02x%02x", c.r, c.g, c.b);
  return b;
}

std::string num(double v) {
  char b[32];
  const double a = std::fabs(v);
  if (a != 0 && (a >= 1e5 || a < 1e-2))
    std::snprintf(b, sizeof b, "%.2g", v);
  else
    std::snprintf(b, sizeof b, "%.4g", v);
  return b;
}

Figure page(const std::string& title) {
  Figure f;
  f.width = kW;
  f.height = kH;
  f.add(Text{kW / 2, 28, title, Anchor::middle, 16, 0});
  return f;
}

struct Axis {
  double lo, hi;
  bool log;
  double map(double v, double a, double b) const {
    const double t = log ? (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo))
                         : (v - lo) / (hi - lo);
    return a + t * (b - a);
  }
  std::vector<double> ticks() const {
    std::vector<double> t;
    if (log) {
      for (double d = std::pow(10, std::floor(std::log10(lo))); d <= hi * 1.0001; d *= 10)
        if (d >= lo * 0.9999) t.push_back(d);
      if (t.size() < 2) t = {lo, hi};
      return t;
    }
    const double span = hi - lo;
    const double step0 = std::pow(10, std::floor(std::log10(span / 5)));
    double step = step0;
    for (double m : {1.0, 2.0, 5.0, 10.0})
      if (span / (step0 * m) <= 6) {
        step = step0 * m;
        break;
      }
    for (double v = std::ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step) t.push_back(v);
    return t;
  }
};

Axis make_axis(std::vector<double> v, bool log, bool from_zero) {
  if (log) {
    v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !(x > 0); }), v.end());
    if (v.empty()) return {1, 10, true};
  }
  if (v.empty()) return {0, 1, false};
  double lo = *std::min_element(v.begin(), v.end());
  double hi = *std::max_element(v.begin(), v.end());
  if (log) {
    lo = std::pow(10, std::floor(std::log10(lo)));
    hi = std::pow(10, std::ceil(std::log10(hi)));
    if (hi <= lo) hi = lo * 10;
    return {lo, hi, true};
  }
  if (from_zero) lo = std::min(lo, 0.0);
  if (hi <= lo) hi = lo + 1;
  const double pad = 0.05 * (hi - lo);
  return {from_zero && lo == 0 ? 0 : lo - pad, hi + pad, false};
}

void frame(Figure& f, const Axis& xa, const Axis& ya, const std::string& xl, const std::string& yl,
           bool x_ticks) {
  f.add(Rect{kL, kT, kW - kL - kR, kH - kT - kB, kBlack, false});
  for (double t : ya.ticks()) {
    const double y = ya.map(t, kH - kB, kT);
    f.add(Line{kL, y, kW - kR, y, kGrid});
    f.add(Text{kL - 6, y + 4, num(t), Anchor::end, 11, 0});
  }
  if (x_ticks)
    for (double t : xa.ticks()) {
      const double x = xa.map(t, kL, kW - kR);
      f.add(Line{x, kT, x, kH - kB, kGrid});
      f.add(Text{x, kH - kB + 16, num(t), Anchor::middle, 11, 0});
    }
  f.add(Text{(kL + kW - kR) / 2, kH - 20, xl, Anchor::middle, 13, 0});
  f.add(Text{22, (kT + kH - kB) / 2, yl, Anchor::middle, 13, -90});
}

void legend(Figure& f, const std::vector<Series>& series) {
  for (std::size_t i = 0; i < series.size(); ++i) {
    const double y = kT + 10 + 20.0 * static_cast<double>(i);
    f.add(Rect{kW - kR + 12, y - 10, 12, 12, kPalette[i % 10], true});
    f.add(Text{kW - kR + 30, y, series[i].label, Anchor::start, 12, 0});
  }
}

struct SvgWriter {
  std::string& o;
  void put(const char* fmt, auto... args) const {
    char b[256];
    std::snprintf(b, sizeof b, fmt, args...);
    o += b;
  }
  void operator()(const Rect& r) const {
    put("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" %s=\"%s\"%s/>\n", r.x, r.y, r.w,
        r.h, r.filled ? "fill" : "stroke", hex(r.fill).c_str(), r.filled ? "" : " fill=\"none\"");
  }
  void operator()(const Line& l) const {
    put("<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", l.x1, l.x2, l.y1,
        l.y2, hex(l.stroke).c_str());
  }
  void operator()(const Circle& c) const {
    put("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill-opacity=\"%.2f\" fill=\"%s\"/>\n", c.cx,
        c.cy, c.r, c.opacity, hex(c.fill).c_str());
  }
  void operator()(const Text& t) const {
    static constexpr const char* kAnchor[] = {"start", "middle", "end"};
    put("<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\"", t.x, t.y, t.size,
        kAnchor[static_cast<int>(t.anchor)]);
    if (t.rotate_deg != 0) put(" transform=\"rotate(%.0f %.1f %.1f)\"", t.rotate_deg, t.x, t.y);
    o += '>';
    o += esc(t.s);
    o += "</text>\n";
  }
};

}  // namespace

std::string Figure::svg() const {
  char b[256];
  std::snprintf(b, sizeof b,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                "font-family=\"sans-serif\">\n<rect width=\"100%%\" height=\"100%%\" "
                "fill=\"white\"/>\n",
                width, height);
  std::string o = b;
  const SvgWriter writer{o};
  for (const auto& s : shapes) std::visit(writer, s);
  for (const auto& t : texts) writer(t);
  return o + "</svg>\n";
}

void write(const Figure& fig, const std::string& stem) {
  fs::write_file_atomic(stem + ".svg", fig.svg());
  png::write(fig.raster(), stem + ".png");
}

Figure scatter(const std::string& title, const std::string& x_label, const std::string& y_label,
               const std::vector<Series>& series, bool log_x, bool log_y) {
  std::vector<double> xs, ys;
  for (const auto& s : series) {
    xs.insert(xs.end(), s.x.begin(), s.x.end());
    ys.insert(ys.end(), s.y.begin(), s.y.end());
  }
  const Axis xa = make_axis(xs, log_x, false), ya = make_axis(ys, log_y, false);
  Figure f = page(title);
  frame(f, xa, ya, x_label, y_label, true);
  for (std::size_t i = 0; i < series.size(); ++i) {
    bool have_prev = false;
    double px = 0, py = 0;
    for (std::size_t k = 0; k < series[i].x.size() && k < series[i].y.size(); ++k) {
      if ((log_x && !(series[i].x[k] > 0)) || (log_y && !(series[i].y[k] > 0))) continue;
      const double x = xa.map(series[i].x[k], kL, kW - kR), y = ya.map(series[i].y[k], kH - kB, kT);
      if (series[i].joined && have_prev) f.add(Line{px, py, x, y, kPalette[i % 10]});
      f.add(Circle{x, y, series[i].joined ? 3.0 : 4.0, kPalette[i % 10], 0.8});
      px = x;
      py = y;
      have_prev = true;
    }
  }
  legend(f, series);
  return f;
}

Figure stacked_bars(const std::string& title, const std::string& y_label,
                    const std::vector<std::string>& categories, const std::vector<Series>& series) {
  std::vector<double> totals(categories.size(), 0.0);
  for (const auto& s : series)
    for (std::size_t c = 0; c < categories.size() && c < s.y.size(); ++c) totals[c] += s.y[c];
  totals.push_back(0);
  const Axis ya = make_axis(totals, false, true);
  const Axis xa{0, 1, false};
  Figure f = page(title);
  frame(f, xa, ya, "", y_label, false);
  const double slot =
      (kW - kL - kR) / static_cast<double>(std::max<std::size_t>(1, categories.size()));
  for (std::size_t c = 0; c < categories.size(); ++c) {
    double base = 0;
    const double x = kL + slot * static_cast<double>(c) + slot * 0.15;
    for (std::size_t i = 0; i < series.size(); ++i) {
      const double v = c < series[i].y.size() ? series[i].y[c] : 0;
      const double y0 = ya.map(base, kH - kB, kT), y1 = ya.map(base + v, kH - kB, kT);
      f.add(Rect{x, y1, slot * 0.7, std::max(0.0, y0 - y1), kPalette[i % 10], true});
      base += v;
    }
    if (categories.size() <= 60)
      f.add(Text{x + slot * 0.35, kH - kB + 10, categories[c], Anchor::end, 10, -60});
  }
  legend(f, series);
  return f;
}

}  // namespace axpod::plot
