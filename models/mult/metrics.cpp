#include "mult/metrics.h"

#include <algorithm>
#include <cstdlib>

namespace axpod::mult {

ErrorMetrics compute_metrics(const Table& table, bool is_signed) {
  double sum_abs = 0;
  double sum_ed = 0;
  double sum_red = 0;
  double max_red = 0;
  long long max_abs = 0;
  std::size_t nonzero = 0;
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < kTableSize; ++i) {
    const int a = operand_value(static_cast<std::uint8_t>(i >> 8), is_signed);
    const int b = operand_value(static_cast<std::uint8_t>(i & 255), is_signed);
    const long long exact = static_cast<long long>(a) * b;
    const long long ed = table.products()[i] - exact;
    const long long abs_ed = ed < 0 ? -ed : ed;
    sum_abs += static_cast<double>(abs_ed);
    sum_ed += static_cast<double>(ed);
    max_abs = std::max(max_abs, abs_ed);
    if (ed != 0) ++wrong;
    if (exact != 0) {
      const double red = static_cast<double>(abs_ed) / static_cast<double>(std::llabs(exact));
      sum_red += red;
      max_red = std::max(max_red, red);
      ++nonzero;
    }
  }
  const double n = static_cast<double>(kTableSize);
  ErrorMetrics m;
  m.mae = sum_abs / n;
  m.mae_pct = 100.0 * m.mae / 65536.0;
  m.wce = static_cast<double>(max_abs);
  m.wce_pct = 100.0 * m.wce / 65536.0;
  m.mred_pct = nonzero ? 100.0 * sum_red / static_cast<double>(nonzero) : 0.0;
  m.ep_pct = 100.0 * static_cast<double>(wrong) / n;
  m.bias = sum_ed / n;
  m.max_red_pct = 100.0 * max_red;
  return m;
}

}  // namespace axpod::mult
