// Functional (bit-exact) int8 GEMM through a multiplier table: y[m][n] = sum_k T(x[m][k], w[k][n])
// accumulated exactly in int32. The reference every other model (cycle-level, RTL) must match.
#pragma once

#include <cstdint>
#include <vector>

#include "mult/table.h"

namespace axpod::engine {

/// y (m x n) = x (m x k) * w (k x n) with products from `table` (index (x << 8) | w on raw bytes).
void gemm_table(const std::int8_t* x, const std::int8_t* w, std::int32_t* y, std::int64_t m,
                std::int64_t n, std::int64_t k, const mult::Table& table);

/// The same with the exact product (no table), for the exact fast path and for tests.
void gemm_exact(const std::int8_t* x, const std::int8_t* w, std::int32_t* y, std::int64_t m,
                std::int64_t n, std::int64_t k);

}  // namespace axpod::engine
