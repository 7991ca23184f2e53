// Gradient x activation: per layer the mean over samples of sum_j |dF/dy_j * y_j| per unit, at
// the image itself (one backward pass; conductance with a single path step from zero output).
#include "ranker.h"
#include "zoo.h"

namespace axpod::host {
namespace {

class GradXAct final : public Ranker {
 public:
  std::vector<LayerScore> rank(const RankInput& in) const override {
    return rank_layers(in.qnet->name, in.weights_pt, RankMethod::grad_x_act, *in.split, in.begin,
                       in.count, in.steps, in.threads);
  }
};

}  // namespace
}  // namespace axpod::host

AXPOD_REGISTER_RANKER(GradXAct, "grad_x_act", "gradient x activation of each layer's output", true)
