// Partial-product perforation (Zervakis et al., TVLSI 2016): the m partial products of the
// second operand's bits j .. j+m-1 are never generated, removing m rows of the array; the rest
// is an exact multiply. With j = 0 the error is one-sided and bounded by a * (2^m - 1).
#include "mult/magnitude_multiplier.h"
#include "mult/registry.h"

namespace axpod::mult {
namespace {

class Perforation final : public MagnitudeMultiplier {
 public:
  explicit Perforation(const Params& p)
      : MagnitudeMultiplier(p.is_signed()),
        m_keep(~(((1u << p.get("m")) - 1u) << p.get("j")) & 0xFFu) {}  // rows past bit 7: none
  static std::vector<ParamDecl> params() {
    return {{"j", "first perforated partial product (bit of b)", 0, 0, 7},
            {"m", "partial products perforated", 2, 1, 8}};
  }

 protected:
  std::uint32_t magnitude(std::uint32_t a, std::uint32_t b) const override {
    return a * (b & m_keep);
  }

 private:
  std::uint32_t m_keep;  // bits of b whose partial products exist
};

}  // namespace

AXPOD_REGISTER_MULTIPLIER(Perforation, "perf",
                          "partial-product perforation: rows j .. j+m-1 of b never generated")

}  // namespace axpod::mult
