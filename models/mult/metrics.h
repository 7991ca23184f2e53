// Exhaustive error metrics of an 8x8 multiplier (REFERENCE.md section 6). ED = approximate
// product - exact product over all 65,536 operand pairs; signed multipliers take operands in
// [-128, 127], unsigned in [0, 255].
#pragma once

#include <cstdint>

#include "mult/table.h"

namespace axpod::mult {

struct ErrorMetrics {
  double mae = 0;          // mean |ED|
  double mae_pct = 0;      // 100 * mae / 2^16
  double wce = 0;          // max |ED|
  double wce_pct = 0;      // 100 * wce / 2^16
  double mred_pct = 0;     // 100 * mean |ED| / |exact| over pairs with exact != 0
  double ep_pct = 0;       // 100 * share of pairs with ED != 0
  double bias = 0;         // mean ED
  double max_red_pct = 0;  // 100 * max |ED| / |exact| over pairs with exact != 0
};

ErrorMetrics compute_metrics(const Table& table, bool is_signed);

}  // namespace axpod::mult
