// Layer conductance (Dhamdhere et al., ICLR 2019; REFERENCE.md section 7): the integrated-
// gradients path from a black image, n steps, per layer the mean over samples of sum_j |Cond_j|
// divided by the layer's unit count. Computed by the torch module on the float model.
#include "ranker.h"
#include "zoo.h"

namespace axpod::host {
namespace {

class Conductance final : public Ranker {
 public:
  std::vector<LayerScore> rank(const RankInput& in) const override {
    return rank_layers(in.qnet->name, in.weights_pt, RankMethod::conductance, *in.split, in.begin,
                       in.count, in.steps, in.threads);
  }
};

}  // namespace
}  // namespace axpod::host

AXPOD_REGISTER_RANKER(Conductance, "conductance",
                      "layer conductance, integrated-gradients path from a black image (default)",
                      true)
