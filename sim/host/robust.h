// Adversarial robustness of the int8 approximate engine: adversarial test images made by FGSM
// or PGD (torch module: gradients of the float model, or straight-through gradients of the
// approximate int8 forward), then classified by the bit-exact engine with the assignment's
// multipliers.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/infer.h"
#include "gen.h"
#include "xai_gen.h"
#include "zoo.h"

namespace axpod::host {

struct RobustOptions {
  std::string method = "fgsm";    // fgsm | pgd
  std::vector<double> eps{0.1};   // L-infinity bounds, [0, 1] pixel units
  int steps = 10;                 // pgd
  bool approx_gradients = false;  // gradients through the approximate int8 forward
  int begin = 0, images = 1000;   // test images attacked
  int threads = 2;
};

/// Throws axpod::Error naming the option when a setting is out of range (before any loading).
void check_options(const RobustOptions& o);

struct RobustPoint {
  double eps = 0;
  double accuracy = 0;    // engine accuracy on the adversarial images (0..1)
  double loss_clean = 0;  // mean cross-entropy of the gradient model on the clean images
  double loss_adv = 0;    // ... and on the adversarial ones
};

struct RobustReport {
  std::string gradients;                // "float" or "approximate int8 (straight-through)"
  double clean_accuracy = 0;            // engine accuracy on the clean images
  std::vector<RobustPoint> points;      // one per eps
  std::vector<std::uint8_t> first_adv;  // adversarial pixels of the largest eps (for pictures)
};

/// Attacks images [begin, begin + count) of `split` with `ao` (torch module) and classifies the
/// adversarial images with `eng` (the engine carrying the multipliers the attack used).
struct Attacked {
  double accuracy = 0;  // engine accuracy on the adversarial images (0..1)
  AttackResult attack;  // the images and the gradient model's losses
};
Attacked attack_and_classify(const engine::Engine& eng,
                             const std::map<std::string, const mult::Table*>& tables,
                             const AttackOptions& ao, const data::Split& split, int begin,
                             int count, int threads);

/// Attacks test images [o.begin, o.begin + o.images) of `m` and classifies them with the int8
/// engine carrying the assignment `a` (layers not in it: `exact`). Deterministic.
RobustReport robust_accuracy(const TrainedModel& m, const Assignment& a, const std::string& exact,
                             const RobustOptions& o);

}  // namespace axpod::host
