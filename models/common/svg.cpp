#include "common/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace axpod::svg {

namespace {

constexpr const char* kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
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

std::string num(double v) {
  char b[32];
  const double a = std::fabs(v);
  if (a != 0 && (a >= 1e5 || a < 1e-2))
    std::snprintf(b, sizeof b, "%.2g", v);
  else
    std::snprintf(b, sizeof b, "%.4g", v);
  return b;
}

std::string text(double x, double y, const std::string& s, const char* anchor = "middle",
                 int size = 12, double rotate = 0) {
  char b[160];
  std::snprintf(b, sizeof b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\"", x,
                y, size, anchor);
  std::string o = b;
  if (rotate != 0) {
    std::snprintf(b, sizeof b, " transform=\"rotate(%.0f %.1f %.1f)\"", rotate, x, y);
    o += b;
  }
  return o + ">" + esc(s) + "</text>\n";
}

std::string header(const std::string& title) {
  char b[256];
  std::snprintf(b, sizeof b,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                "font-family=\"sans-serif\">\n<rect width=\"100%%\" height=\"100%%\" "
                "fill=\"white\"/>\n",
                kW, kH);
  return b + text(kW / 2, 28, title, "middle", 16);
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

std::string frame(const Axis& xa, const Axis& ya, const std::string& xl, const std::string& yl,
                  bool x_ticks) {
  std::string o;
  char b[200];
  std::snprintf(b, sizeof b,
                "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" "
                "stroke=\"black\"/>\n",
                kL, kT, kW - kL - kR, kH - kT - kB);
  o += b;
  for (double t : ya.ticks()) {
    const double y = ya.map(t, kH - kB, kT);
    std::snprintf(b, sizeof b,
                  "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", kL,
                  kW - kR, y, y);
    o += b + text(kL - 6, y + 4, num(t), "end", 11);
  }
  if (x_ticks)
    for (double t : xa.ticks()) {
      const double x = xa.map(t, kL, kW - kR);
      std::snprintf(b, sizeof b,
                    "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.0f\" y2=\"%.0f\" stroke=\"#ddd\"/>\n", x,
                    x, kT, kH - kB);
      o += b + text(x, kH - kB + 16, num(t), "middle", 11);
    }
  o += text((kL + kW - kR) / 2, kH - 20, xl, "middle", 13);
  o += text(22, (kT + kH - kB) / 2, yl, "middle", 13, -90);
  return o;
}

std::string legend(const std::vector<Series>& series) {
  std::string o;
  char b[200];
  for (std::size_t i = 0; i < series.size(); ++i) {
    const double y = kT + 10 + 20.0 * static_cast<double>(i);
    std::snprintf(b, sizeof b,
                  "<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"12\" fill=\"%s\"/>\n",
                  kW - kR + 12, y - 10, kPalette[i % 10]);
    o += b + text(kW - kR + 30, y, series[i].label, "start", 12);
  }
  return o;
}

}  // namespace

std::string scatter(const std::string& title, const std::string& x_label,
                    const std::string& y_label, const std::vector<Series>& series, bool log_x,
                    bool log_y) {
  std::vector<double> xs, ys;
  for (const auto& s : series) {
    xs.insert(xs.end(), s.x.begin(), s.x.end());
    ys.insert(ys.end(), s.y.begin(), s.y.end());
  }
  const Axis xa = make_axis(xs, log_x, false), ya = make_axis(ys, log_y, false);
  std::string o = header(title) + frame(xa, ya, x_label, y_label, true);
  char b[200];
  for (std::size_t i = 0; i < series.size(); ++i)
    for (std::size_t k = 0; k < series[i].x.size() && k < series[i].y.size(); ++k) {
      if ((log_x && !(series[i].x[k] > 0)) || (log_y && !(series[i].y[k] > 0))) continue;
      std::snprintf(b, sizeof b,
                    "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\" fill-opacity=\"0.8\"/>\n",
                    xa.map(series[i].x[k], kL, kW - kR), ya.map(series[i].y[k], kH - kB, kT),
                    kPalette[i % 10]);
      o += b;
    }
  return o + legend(series) + "</svg>\n";
}

std::string stacked_bars(const std::string& title, const std::string& y_label,
                         const std::vector<std::string>& categories,
                         const std::vector<Series>& series) {
  std::vector<double> totals(categories.size(), 0.0);
  for (const auto& s : series)
    for (std::size_t c = 0; c < categories.size() && c < s.y.size(); ++c) totals[c] += s.y[c];
  totals.push_back(0);
  const Axis ya = make_axis(totals, false, true);
  const Axis xa{0, 1, false};
  std::string o = header(title) + frame(xa, ya, "", y_label, false);
  const double slot = (kW - kL - kR) / std::max<std::size_t>(1, categories.size());
  char b[256];
  for (std::size_t c = 0; c < categories.size(); ++c) {
    double base = 0;
    const double x = kL + slot * static_cast<double>(c) + slot * 0.15;
    for (std::size_t i = 0; i < series.size(); ++i) {
      const double v = c < series[i].y.size() ? series[i].y[c] : 0;
      const double y0 = ya.map(base, kH - kB, kT), y1 = ya.map(base + v, kH - kB, kT);
      std::snprintf(b, sizeof b,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n", x,
                    y1, slot * 0.7, std::max(0.0, y0 - y1), kPalette[i % 10]);
      o += b;
      base += v;
    }
    if (categories.size() <= 60)
      o += text(x + slot * 0.35, kH - kB + 10, categories[c], "end", 10, -60);
  }
  return o + legend(series) + "</svg>\n";
}

}  // namespace axpod::svg
