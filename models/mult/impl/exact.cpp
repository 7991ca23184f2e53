// Exact 8x8 multiplier: the reference every error metric is measured against.
#include "mult/magnitude_multiplier.h"
#include "mult/registry.h"

namespace axpod::mult {
namespace {

class Exact final : public MagnitudeMultiplier {
 public:
  explicit Exact(const Params& p) : MagnitudeMultiplier(p.is_signed()) {}
  static std::vector<ParamDecl> params() { return {}; }

 protected:
  std::uint32_t magnitude(std::uint32_t a, std::uint32_t b) const override { return a * b; }
};

}  // namespace

AXPOD_REGISTER_MULTIPLIER(Exact, "exact", "exact 8x8 product")

}  // namespace axpod::mult
