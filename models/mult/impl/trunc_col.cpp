// Product-column truncation (fixed-width multiplier): partial-product bits in the k least
// significant columns are never generated; with corr=1 a constant equal to their expected
// value under uniform operands (each partial-product bit is 1 with probability 1/4) is added,
// rounded to the nearest integer.
#include "mult/magnitude_multiplier.h"
#include "mult/registry.h"

namespace axpod::mult {
namespace {

class TruncColumn final : public MagnitudeMultiplier {
 public:
  explicit TruncColumn(const Params& p)
      : MagnitudeMultiplier(p.is_signed()), m_k(p.get("k")), m_correction(0) {
    if (p.get("corr") != 0) {
      // Column c of an 8x8 array holds min(c + 1, 15 - c) partial-product bits.
      double expected = 0;
      for (int c = 0; c < m_k; ++c) {
        const int bits = c < 8 ? c + 1 : 15 - c;
        expected += bits * static_cast<double>(1u << c) / 4.0;
      }
      m_correction = static_cast<std::uint32_t>(expected + 0.5);
    }
  }
  static std::vector<ParamDecl> params() {
    return {{"k", "least significant partial-product columns dropped", 6, 0, 15},
            {"corr", "add the expected value of the dropped bits (0 or 1)", 0, 0, 1}};
  }

 protected:
  std::uint32_t magnitude(std::uint32_t a, std::uint32_t b) const override {
    if (a == 0 || b == 0) return 0;  // a zero operand gates the multiplier: no correction
    std::uint32_t sum = m_correction;
    for (int i = 0; i < 8; ++i) {
      if (((b >> i) & 1u) == 0) continue;
      for (int j = 0; j < 8; ++j)
        if (((a >> j) & 1u) && i + j >= m_k) sum += 1u << (i + j);
    }
    return sum;
  }

 private:
  int m_k;                     // columns dropped
  std::uint32_t m_correction;  // constant added (0 without correction)
};

}  // namespace

AXPOD_REGISTER_MULTIPLIER(TruncColumn, "trunc_col",
                          "fixed-width: k LSB partial-product columns dropped, optional "
                          "constant correction")

}  // namespace axpod::mult
