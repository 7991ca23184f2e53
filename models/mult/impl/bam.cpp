// Broken-array multiplier (Mahdiani et al., IEEE TCAS-I 2010). In the carry-save array, the
// cell adding partial-product bit a_j * b_i sits in row i and column i + j. Cells in rows above
// the horizontal break level (i < h) and right of the vertical break level (i + j < v) are
// omitted, so their bits never enter the sum; the remaining array adds the rest exactly.
#include "mult/magnitude_multiplier.h"
#include "mult/registry.h"

namespace axpod::mult {
namespace {

class BrokenArray final : public MagnitudeMultiplier {
 public:
  explicit BrokenArray(const Params& p)
      : MagnitudeMultiplier(p.is_signed()), m_h(p.get("h")), m_v(p.get("v")) {}
  static std::vector<ParamDecl> params() {
    return {{"h", "horizontal break level: rows i < h omitted", 1, 0, 7},
            {"v", "vertical break level: columns i + j < v omitted", 6, 0, 15}};
  }

 protected:
  std::uint32_t magnitude(std::uint32_t a, std::uint32_t b) const override {
    std::uint32_t sum = 0;
    for (int i = m_h; i < 8; ++i) {
      if (((b >> i) & 1u) == 0) continue;
      for (int j = 0; j < 8; ++j)
        if (((a >> j) & 1u) && i + j >= m_v) sum += 1u << (i + j);
    }
    return sum;
  }

 private:
  int m_h;  // horizontal break level
  int m_v;  // vertical break level
};

}  // namespace

AXPOD_REGISTER_MULTIPLIER(BrokenArray, "bam",
                          "broken-array multiplier (Mahdiani 2010): cells above row h and "
                          "right of column v omitted")

}  // namespace axpod::mult
