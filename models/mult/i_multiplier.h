// The approximate-multiplier interface. Every model (behavioural C++, Verilated RTL, truth-table
// file) is an 8x8-bit multiplier: a total function of two raw operand bytes. Hot paths never
// call it per product; they use the 256x256 table it materialises (see table.h).
#pragma once

#include <cstdint>
#include <string>

namespace axpod::mult {

using product_t = std::int32_t;  // a product; always within the 17-bit signed range

inline constexpr product_t kProductMin = -65536;  // smallest representable product (-2^16)
inline constexpr product_t kProductMax = 65535;   // largest representable product (2^16 - 1)

/// Where a multiplier's function comes from.
enum class Source { behavioural, rtl, lut, verilog };

const char* to_string(Source s);

/// An 8x8-bit multiplier.
class IMultiplier {
 public:
  virtual ~IMultiplier() = default;

  /// Product of two raw 8-bit operand encodings: two's complement in [-128, 127] when the
  /// multiplier is signed, plain [0, 255] otherwise. Pure and total.
  virtual product_t multiply(std::uint8_t a, std::uint8_t b) const = 0;
};

/// What a created multiplier is: its canonical name and provenance.
struct MultiplierInfo {
  std::string name;        // canonical name, e.g. "drum:k=4" or "rtl:drum:k=4,signed=1"
  std::string family;      // "drum", "lut", ...
  bool is_signed = false;  // operands are two's complement int8
  Source source = Source::behavioural;
  std::string description;  // one line, from the family's registration
};

/// Signed integer value of a raw operand byte.
inline int operand_value(std::uint8_t raw, bool is_signed) {
  return is_signed ? static_cast<int>(static_cast<std::int8_t>(raw)) : static_cast<int>(raw);
}

}  // namespace axpod::mult
