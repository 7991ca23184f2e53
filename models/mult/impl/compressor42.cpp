// Partial-product tree with approximate 4:2 compressors (after Momeni et al., IEEE TC 2015,
// their simplified design without carry-in/carry-out). The eight partial-product rows form two
// groups of four (rows 0-3 and 4-7). In each column c < k of a group the four bits
// x1..x4 are compressed approximately to
//   sum   = (x1 ^ x2) | (x3 ^ x4)            (weight 2^c)
//   carry = (x1 & x2) | (x3 & x4)            (weight 2^(c+1))
// which is wrong (by -1, or -2 when all four are 1) exactly when both pairs differ or all
// bits are set; columns >= k and the final addition are exact.
#include "mult/magnitude_multiplier.h"
#include "mult/registry.h"

namespace axpod::mult {
namespace {

class Compressor42 final : public MagnitudeMultiplier {
 public:
  explicit Compressor42(const Params& p) : MagnitudeMultiplier(p.is_signed()), m_k(p.get("k")) {}
  static std::vector<ParamDecl> params() {
    return {{"k", "columns (from the LSB) reduced with approximate compressors", 8, 0, 15}};
  }

 protected:
  std::uint32_t magnitude(std::uint32_t a, std::uint32_t b) const override {
    std::uint32_t total = 0;
    for (int g = 0; g < 8; g += 4) {
      for (int c = 0; c < 16; ++c) {
        std::uint32_t x[4];
        for (int r = 0; r < 4; ++r) {
          const int i = g + r;  // row = bit of b
          const int j = c - i;  // bit of a
          x[r] = (j >= 0 && j < 8) ? ((a >> j) & (b >> i) & 1u) : 0u;
        }
        if (c < m_k) {
          const std::uint32_t sum = (x[0] ^ x[1]) | (x[2] ^ x[3]);
          const std::uint32_t carry = (x[0] & x[1]) | (x[2] & x[3]);
          total += (sum << c) + (carry << (c + 1));
        } else {
          total += (x[0] + x[1] + x[2] + x[3]) << c;
        }
      }
    }
    return total;
  }

 private:
  int m_k;  // approximate columns
};

}  // namespace

AXPOD_REGISTER_MULTIPLIER(Compressor42, "compressor42",
                          "approximate 4:2 compressors (after Momeni 2015) in the k LSB "
                          "columns of the partial-product tree")

}  // namespace axpod::mult
