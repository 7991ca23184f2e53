#include "mult/table.h"

#include <string>

#include "common/error.h"

namespace axpod::mult {

Table::Table(const IMultiplier& model) : m_products(kTableSize) {
  for (std::size_t a = 0; a < 256; ++a)
    for (std::size_t b = 0; b < 256; ++b)
      m_products[(a << 8) | b] =
          model.multiply(static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b));
}

Table::Table(std::vector<product_t> products) : m_products(std::move(products)) {
  if (m_products.size() != kTableSize)
    throw Error("a multiplier table needs 65536 entries, got " + std::to_string(m_products.size()));
  for (std::size_t i = 0; i < kTableSize; ++i) {
    const product_t p = m_products[i];
    if (p < kProductMin || p > kProductMax)
      throw Error("product " + std::to_string(p) + " for operands a=" + std::to_string(i >> 8) +
                  ", b=" + std::to_string(i & 255) + " is outside the 17-bit signed range [" +
                  std::to_string(kProductMin) + ", " + std::to_string(kProductMax) + "]");
  }
}

}  // namespace axpod::mult
