// Small SVG charts (scatter and stacked bars) with axes, ticks and legends: the plots of
// `axpod analyze` and `axpod sweep` open in any browser.
#pragma once

#include <string>
#include <vector>

namespace axpod::svg {

struct Series {
  std::string label;      // legend text
  std::vector<double> x;  // scatter: x values
  std::vector<double> y;  // scatter: y values; bars: one value per category
};

/// Scatter plot; `log_x` / `log_y` use decade axes (values must be > 0).
std::string scatter(const std::string& title, const std::string& x_label,
                    const std::string& y_label, const std::vector<Series>& series, bool log_x,
                    bool log_y);

/// Stacked bar chart: one bar per category, one stacked segment per series.
std::string stacked_bars(const std::string& title, const std::string& y_label,
                         const std::vector<std::string>& categories,
                         const std::vector<Series>& series);

}  // namespace axpod::svg
