// The 256x256 product table every hot path uses. Index = (a_byte << 8) | b_byte with the raw
// 8-bit operand encodings.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "mult/i_multiplier.h"

namespace axpod::mult {

inline constexpr std::size_t kTableSize = 65536;  // 256 x 256 operand pairs

inline constexpr std::size_t table_index(std::uint8_t a, std::uint8_t b) {
  return (static_cast<std::size_t>(a) << 8) | b;
}

class Table {
 public:
  /// Evaluates the model on all 65,536 operand pairs.
  explicit Table(const IMultiplier& model);
  /// Takes a ready table; throws axpod::Error unless it has 65,536 in-range entries.
  explicit Table(std::vector<product_t> products);

  product_t operator()(std::uint8_t a, std::uint8_t b) const {
    return m_products[table_index(a, b)];
  }
  const std::vector<product_t>& products() const { return m_products; }

 private:
  std::vector<product_t> m_products;  // 65,536 products, row-major in a
};

/// A multiplier whose function is a table (truth-table files, cached models).
class TableMultiplier : public IMultiplier {
 public:
  explicit TableMultiplier(Table table) : m_table(std::move(table)) {}
  product_t multiply(std::uint8_t a, std::uint8_t b) const override { return m_table(a, b); }
  const Table& table() const { return m_table; }

 private:
  Table m_table;  // the whole function
};

}  // namespace axpod::mult
