// Underdesigned multiplier (Kulkarni, Gupta, Ercegovac, VLSI Design 2011): a 2x2 block that
// returns 7 (3 output bits) for 3 x 3 and is exact otherwise; 4x4 and 8x8 multipliers are built
// recursively from four half-size blocks whose partial products are added exactly.
#include "mult/magnitude_multiplier.h"
#include "mult/registry.h"

namespace axpod::mult {
namespace {

std::uint32_t block2(std::uint32_t a, std::uint32_t b) {
  return (a == 3 && b == 3) ? 7 : a * b;
}

std::uint32_t block(std::uint32_t a, std::uint32_t b, int width) {
  if (width == 2) return block2(a, b);
  const int half = width / 2;
  const std::uint32_t mask = (1u << half) - 1;
  const std::uint32_t al = a & mask, ah = a >> half, bl = b & mask, bh = b >> half;
  return block(al, bl, half) + ((block(ah, bl, half) + block(al, bh, half)) << half) +
         (block(ah, bh, half) << width);
}

class Kulkarni final : public MagnitudeMultiplier {
 public:
  explicit Kulkarni(const Params& p) : MagnitudeMultiplier(p.is_signed()) {}
  static std::vector<ParamDecl> params() { return {}; }

 protected:
  std::uint32_t magnitude(std::uint32_t a, std::uint32_t b) const override {
    return block(a, b, 8);
  }
};

}  // namespace

AXPOD_REGISTER_MULTIPLIER(Kulkarni, "kulkarni",
                          "underdesigned 2x2 blocks (3x3=7), built recursively (Kulkarni 2011)")

}  // namespace axpod::mult
