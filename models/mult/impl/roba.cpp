// RoBA, rounding-based approximate multiplier (Zendegani et al., IEEE TVLSI 2017). Each operand
// is rounded to the nearest power of two, Ar (a tie such as 3 or 6 rounds up: the bit below
// the leading one decides), and
//   a * b ~ Ar * b + a * Br - Ar * Br,
// which drops the term (a - Ar)(b - Br); every product is shifts and adds.
#include "mult/magnitude_multiplier.h"
#include "mult/registry.h"

namespace axpod::mult {
namespace {

std::int64_t round_pow2(std::uint32_t x) {
  if (x == 0) return 0;
  const int p = leading_one(x);
  const bool up = p > 0 && ((x >> (p - 1)) & 1u);
  return std::int64_t{1} << (up ? p + 1 : p);
}

class Roba final : public MagnitudeMultiplier {
 public:
  explicit Roba(const Params& p) : MagnitudeMultiplier(p.is_signed()) {}
  static std::vector<ParamDecl> params() { return {}; }

 protected:
  std::uint32_t magnitude(std::uint32_t a, std::uint32_t b) const override {
    const std::int64_t ar = round_pow2(a);
    const std::int64_t br = round_pow2(b);
    const std::int64_t p = ar * b + a * br - ar * br;
    return static_cast<std::uint32_t>(p);  // never negative: |a - Ar| <= a / 3
  }
};

}  // namespace

AXPOD_REGISTER_MULTIPLIER(Roba, "roba",
                          "RoBA (Zendegani 2017): operands rounded to powers of two, "
                          "Ar*b + a*Br - Ar*Br")

}  // namespace axpod::mult
