#include "engine/gemm.h"

#include <algorithm>

namespace axpod::engine {

void gemm_table(const std::int8_t* x, const std::int8_t* w, std::int32_t* y, std::int64_t m,
                std::int64_t n, std::int64_t k, const mult::Table& table) {
  const std::int32_t* t = table.products().data();
  std::vector<std::uint8_t> wrow(static_cast<std::size_t>(n));
  std::fill(y, y + m * n, 0);
  for (std::int64_t kk = 0; kk < k; ++kk) {
    for (std::int64_t j = 0; j < n; ++j) wrow[j] = static_cast<std::uint8_t>(w[kk * n + j]);
    for (std::int64_t i = 0; i < m; ++i) {
      const std::int32_t* row =
          t + (static_cast<std::size_t>(static_cast<std::uint8_t>(x[i * k + kk])) << 8);
      std::int32_t* out = y + i * n;
      for (std::int64_t j = 0; j < n; ++j) out[j] += row[wrow[j]];
    }
  }
}

void gemm_exact(const std::int8_t* x, const std::int8_t* w, std::int32_t* y, std::int64_t m,
                std::int64_t n, std::int64_t k) {
  std::fill(y, y + m * n, 0);
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t kk = 0; kk < k; ++kk) {
      const std::int32_t a = x[i * k + kk];
      const std::int8_t* wr = w + kk * n;
      std::int32_t* out = y + i * n;
      for (std::int64_t j = 0; j < n; ++j) out[j] += a * wr[j];
    }
}

}  // namespace axpod::engine
