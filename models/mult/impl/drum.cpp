// DRUM, dynamic range unbiased multiplier (Hashemi, Bahar, Reda, ICCAD 2015). Each operand of
// k or more significant bits is cut to the k bits starting at its leading one, the lowest kept
// bit is forced to 1 (which centres the truncation error on zero), the k x k product is
// computed exactly and shifted back. Operands below 2^k pass unchanged.
#include "mult/magnitude_multiplier.h"
#include "mult/registry.h"

namespace axpod::mult {
namespace {

class Drum final : public MagnitudeMultiplier {
 public:
  explicit Drum(const Params& p) : MagnitudeMultiplier(p.is_signed()), m_k(p.get("k")) {}
  static std::vector<ParamDecl> params() {
    return {{"k", "bits kept from each operand's leading one", 4, 2, 8}};
  }

 protected:
  std::uint32_t magnitude(std::uint32_t a, std::uint32_t b) const override {
    return reduce(a) * reduce(b);
  }

 private:
  std::uint32_t reduce(std::uint32_t x) const {
    if ((x >> m_k) == 0) return x;
    const int shift = leading_one(x) - m_k + 1;
    return ((x >> shift) | 1u) << shift;
  }

  int m_k;  // kept bits per operand
};

}  // namespace

AXPOD_REGISTER_MULTIPLIER(Drum, "drum",
                          "DRUM (Hashemi 2015): k bits from the leading one, LSB forced to 1")

}  // namespace axpod::mult
