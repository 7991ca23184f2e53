// Base of the behavioural families: a family defines the unsigned 8x8 kernel M(a, b), and the
// signed form is its sign-magnitude use, sign(a) * sign(b) * M(|a|, |b|) (DESIGN.md, numeric
// contract). |a| <= 128 for int8, so the kernel always sees 8-bit magnitudes.
#pragma once

#include <cstdint>

#include "mult/i_multiplier.h"

namespace axpod::mult {

class MagnitudeMultiplier : public IMultiplier {
 public:
  explicit MagnitudeMultiplier(bool is_signed) : m_signed(is_signed) {}

  product_t multiply(std::uint8_t a, std::uint8_t b) const final {
    if (!m_signed) return static_cast<product_t>(magnitude(a, b));
    const int sa = static_cast<std::int8_t>(a);
    const int sb = static_cast<std::int8_t>(b);
    const auto ma = static_cast<std::uint32_t>(sa < 0 ? -sa : sa);
    const auto mb = static_cast<std::uint32_t>(sb < 0 ? -sb : sb);
    const auto p = static_cast<product_t>(magnitude(ma, mb));
    return ((sa < 0) != (sb < 0)) ? -p : p;
  }

 protected:
  /// The unsigned kernel, a and b in [0, 255]; result below 2^16.
  virtual std::uint32_t magnitude(std::uint32_t a, std::uint32_t b) const = 0;

 private:
  bool m_signed;  // sign-magnitude use of the kernel on int8 operands
};

/// Position of the leading one of x (x > 0): floor(log2(x)).
inline int leading_one(std::uint32_t x) {
  return 31 - __builtin_clz(x);
}

}  // namespace axpod::mult
