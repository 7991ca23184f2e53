// Iterative logarithmic multiplier (Babic, Avramovic, Bulic, 2011), the improved Mitchell
// variant. With x = 2^k + r (r the residue below the leading one),
//   a * b = 2^(ka+kb) + ra * 2^kb + rb * 2^ka + ra * rb,
// the basic block keeps the first three terms (shifts and adds only); each of the `iter`
// correction iterations approximates the dropped ra * rb with the same block.
#include "mult/magnitude_multiplier.h"
#include "mult/registry.h"

namespace axpod::mult {
namespace {

std::uint32_t ilm_product(std::uint32_t a, std::uint32_t b, int corrections) {
  if (a == 0 || b == 0) return 0;
  const int ka = leading_one(a);
  const int kb = leading_one(b);
  const std::uint32_t ra = a - (1u << ka);
  const std::uint32_t rb = b - (1u << kb);
  const std::uint32_t p0 = (1u << (ka + kb)) + (ra << kb) + (rb << ka);
  return corrections == 0 ? p0 : p0 + ilm_product(ra, rb, corrections - 1);
}

class Ilm final : public MagnitudeMultiplier {
 public:
  explicit Ilm(const Params& p) : MagnitudeMultiplier(p.is_signed()), m_iter(p.get("iter")) {}
  static std::vector<ParamDecl> params() {
    return {{"iter", "correction iterations after the basic block", 1, 0, 7}};
  }

 protected:
  std::uint32_t magnitude(std::uint32_t a, std::uint32_t b) const override {
    return ilm_product(a, b, m_iter);
  }

 private:
  int m_iter;  // correction iterations
};

}  // namespace

AXPOD_REGISTER_MULTIPLIER(Ilm, "ilm",
                          "iterative logarithmic (Babic 2011): Mitchell-like block plus "
                          "iter error corrections")

}  // namespace axpod::mult
