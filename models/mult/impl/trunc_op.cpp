// Operand truncation: the k least significant bits of both operands are forced to zero before
// an exact multiply (the narrowed datapath of precision-scaled designs).
#include "mult/magnitude_multiplier.h"
#include "mult/registry.h"

namespace axpod::mult {
namespace {

class TruncOperand final : public MagnitudeMultiplier {
 public:
  explicit TruncOperand(const Params& p)
      : MagnitudeMultiplier(p.is_signed()), m_mask(0xFFu << p.get("k")) {}
  static std::vector<ParamDecl> params() {
    return {{"k", "operand LSBs dropped from each operand", 2, 0, 7}};
  }

 protected:
  std::uint32_t magnitude(std::uint32_t a, std::uint32_t b) const override {
    return (a & m_mask) * (b & m_mask);
  }

 private:
  std::uint32_t m_mask;  // keeps the 8 - k upper operand bits
};

}  // namespace

AXPOD_REGISTER_MULTIPLIER(TruncOperand, "trunc_op",
                          "operand truncation: k LSBs of each operand forced to 0")

}  // namespace axpod::mult
