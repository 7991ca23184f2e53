// Direct approximation sensitivity: the validation accuracy drop (percentage points) of the
// bit-exact int8 engine with only that layer on the probe multiplier. No torch: any quantized
// network can be ranked this way, at one accuracy evaluation per layer.
#include <algorithm>

#include "analytical/model.h"
#include "common/error.h"
#include "gen.h"
#include "ranker.h"

namespace axpod::host {
namespace {

class Sensitivity final : public Ranker {
 public:
  std::vector<LayerScore> rank(const RankInput& in) const override {
    if (in.acc == nullptr || in.probe.empty())
      throw Error("rank: the sensitivity method needs an accelerator and a probe multiplier");
    Evaluator ev(*in.qnet, *in.acc, analytical::MultiplierEnergies::of(*in.acc), *in.split,
                 in.begin, in.count, in.threads, in.exact);
    std::vector<LayerScore> out;
    for (const auto& [layer, drop] : sensitivity_drops(ev, in.probe)) out.push_back({layer, drop});
    return out;
  }
};

}  // namespace
}  // namespace axpod::host

AXPOD_REGISTER_RANKER(Sensitivity, "sensitivity",
                      "accuracy drop with only that layer on the cheapest multiplier (no torch)",
                      false)
