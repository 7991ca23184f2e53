// Mitchell's logarithmic multiplier (Mitchell 1962). log2(x) ~ k + f with k the leading-one
// position and f = x / 2^k - 1; the logs are added and the antilog is piecewise linear:
//   f_a + f_b <  1: P = 2^(ka+kb)     * (1 + f_a + f_b)
//   f_a + f_b >= 1: P = 2^(ka+kb+1)   * (f_a + f_b)
// Fractions are 7-bit fixed point (exact for 8-bit operands) and may be truncated to w bits;
// the final shift truncates. Always under-estimates; the maximum relative error is 1/9 (11.1 %).
#include "mult/magnitude_multiplier.h"
#include "mult/registry.h"

namespace axpod::mult {
namespace {

class Mitchell final : public MagnitudeMultiplier {
 public:
  explicit Mitchell(const Params& p)
      : MagnitudeMultiplier(p.is_signed()), m_frac_mask((0x7Fu << (7 - p.get("w"))) & 0x7Fu) {}
  static std::vector<ParamDecl> params() {
    return {{"w", "fraction bits kept of each logarithm (7 = exact fractions)", 7, 1, 7}};
  }

 protected:
  std::uint32_t magnitude(std::uint32_t a, std::uint32_t b) const override {
    if (a == 0 || b == 0) return 0;
    const int ka = leading_one(a);
    const int kb = leading_one(b);
    const std::uint32_t fa = ((a - (1u << ka)) << (7 - ka)) & m_frac_mask;  // Q0.7
    const std::uint32_t fb = ((b - (1u << kb)) << (7 - kb)) & m_frac_mask;
    const std::uint32_t s = fa + fb;                   // Q1.7
    const std::uint32_t mant = s < 128 ? 128 + s : s;  // Q1.7 mantissa in [1, 2)
    const int e = ka + kb + (s < 128 ? 0 : 1);
    return (mant << e) >> 7;
  }

 private:
  std::uint32_t m_frac_mask;  // keeps the w upper bits of a 7-bit fraction
};

}  // namespace

AXPOD_REGISTER_MULTIPLIER(Mitchell, "mitchell",
                          "Mitchell logarithmic (1962): log add, piecewise-linear antilog")

}  // namespace axpod::mult
