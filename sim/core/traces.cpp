#include "traces.h"

#include <cmath>
#include <cstdio>
#include <map>

namespace axpod::core {

namespace {
double power_mw(double pj, cycle_t window, double clock_mhz) {
  return pj * clock_mhz / static_cast<double>(window) / 1000.0;  // pJ * MHz = uW
}

std::string vcd_id(int n) {
  std::string id;
  do {
    id += static_cast<char>('!' + n % 94);
    n /= 94;
  } while (n > 0);
  return id;
}
}  // namespace

std::string power_csv(const std::vector<WindowEnergy>& windows, cycle_t window, double clock_mhz) {
  std::string out = "window,start_cycle,pod,component,energy_pj,power_mw\n";
  char line[160];
  for (const auto& w : windows)
    for (int c = 0; c < kComponents; ++c) {
      std::snprintf(line, sizeof line, "%lld,%lld,%d,%s,%.4f,%.6f\n",
                    static_cast<long long>(w.window), static_cast<long long>(w.window * window),
                    w.pod, component_name(c), w.pj[c], power_mw(w.pj[c], window, clock_mhz));
      out += line;
    }
  return out;
}

std::string power_vcd(const std::vector<WindowEnergy>& windows, cycle_t window, double clock_mhz,
                      int pods) {
  const double period_ps = 1e6 / clock_mhz;
  std::string out = "$date axpod $end\n$version axpod energy monitor $end\n$timescale 1ps $end\n";
  out += "$scope module axpod $end\n";
  // Per pod: total power, then a sub-scope with the components.
  for (int p = 0; p < pods; ++p) {
    const int base = p * (kComponents + 1);
    char decl[128];
    std::snprintf(decl, sizeof decl,
                  "$var real 64 %s pod%d_power_mw $end\n$scope module pod%d $end\n",
                  vcd_id(base).c_str(), p, p);
    out += decl;
    for (int c = 0; c < kComponents; ++c) {
      std::snprintf(decl, sizeof decl, "$var real 64 %s %s_mw $end\n", vcd_id(base + 1 + c).c_str(),
                    component_name(c));
      out += decl;
    }
    out += "$upscope $end\n";
  }
  out += "$upscope $end\n$enddefinitions $end\n";
  std::map<std::int64_t, std::vector<const WindowEnergy*>> by_window;
  for (const auto& w : windows) by_window[w.window].push_back(&w);
  char buf[96];
  for (const auto& [idx, ws] : by_window) {
    std::snprintf(
        buf, sizeof buf, "#%lld\n",
        static_cast<long long>(std::llround(static_cast<double>(idx * window) * period_ps)));
    out += buf;
    for (const auto* w : ws) {
      const int base = w->pod * (kComponents + 1);
      double total = 0;
      for (int c = 0; c < kComponents; ++c) {
        total += w->pj[c];
        std::snprintf(buf, sizeof buf, "r%.6g %s\n", power_mw(w->pj[c], window, clock_mhz),
                      vcd_id(base + 1 + c).c_str());
        out += buf;
      }
      std::snprintf(buf, sizeof buf, "r%.6g %s\n", power_mw(total, window, clock_mhz),
                    vcd_id(base).c_str());
      out += buf;
    }
  }
  if (!by_window.empty()) {
    const double end = static_cast<double>((by_window.rbegin()->first + 1) * window) * period_ps;
    std::snprintf(buf, sizeof buf, "#%lld\n", static_cast<long long>(std::llround(end)));
    out += buf;
  }
  return out;
}

}  // namespace axpod::core
