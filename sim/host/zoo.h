// The model zoo of the host controller: float models trained with libtorch on Fashion-MNIST,
// then post-training int8 quantization (calibration on training images) into an engine::QNet.
// No torch type appears here: only the torch module (torch/zoo_torch.cpp) includes libtorch; the
// functions below forward to it (torch_backend.h), loading it on first use.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "data/idx.h"
#include "engine/qnet.h"

namespace axpod::host {

/// lenet5, vgg6 (six 3x3 conv layers), resnet8 (three residual blocks with adds).
inline std::vector<std::string> zoo_models() {
  return {"lenet5", "resnet8", "vgg6"};
}

struct TrainOptions {
  std::string model = "lenet5";
  int epochs = 3;
  std::uint64_t seed = 1;
  int threads = 1;
  int batch = 64;
  double lr = 1e-3;         // Adam
  int train_limit = 0;      // use only the first N training images (0: all but the validation)
  int validation = 5000;    // the last N training images are held out as the validation split
  int calib_images = 2000;  // training images for activation ranges
  std::string weights_out;  // float weights (torch::save) written here when not empty
  std::string init_model;   // when set: start from this model's float weights (init_pt) in
  std::string init_pt;      // every parameter whose name and shape match (NAS inheritance)
};

/// Approximation-aware fine-tuning of a trained zoo model (host::finetune in xai_gen.h).
struct FinetuneOptions {
  std::string model = "lenet5";  // zoo architecture
  std::string weights_pt;        // float weights to start from
  std::string weights_out;       // fine-tuned float weights written here when not empty
  int epochs = 1;
  std::uint64_t seed = 1;
  int threads = 1;
  int batch = 64;
  double lr = 1e-4;       // Adam
  int train_limit = 0;    // use only the first N training images (0: all but the validation)
  int validation = 5000;  // the held-out end of the training images, never trained on
};

/// An adversarial attack on images (pixels stay on the 0..255 grid the engine reads).
struct AttackOptions {
  std::string model = "lenet5";   // zoo architecture
  std::string weights_pt;         // float weights whose gradients drive the attack
  std::string method = "fgsm";    // "fgsm" (one signed-gradient step of eps) or "pgd"
  double eps = 0.1;               // L-infinity bound, in [0, 1] pixel units
  int steps = 10;                 // pgd: steps of 2.5 eps / steps, projected to the eps ball
  bool approx_gradients = false;  // gradients through the int8 approximate forward
                                  // (straight-through) instead of the float model's
  int threads = 1;
  int batch = 256;
};

struct AttackResult {
  std::vector<std::uint8_t> pixels;  // count x rows x cols adversarial images
  double loss_clean = 0;             // mean cross-entropy of the gradient model, clean images
  double loss_adv = 0;               // the same on the adversarial images
};

struct TrainProgress {
  int epoch = 0, epochs = 0;  // 1-based epoch
  int step = 0, steps = 0;    // batches in this epoch
  double loss = 0;            // running mean loss of the epoch
};

struct TrainResult {
  double float_test_accuracy = 0;  // on the 10,000 test images
  double seconds = 0;              // training wall time
  engine::QNet qnet;               // the quantized network
};

/// First image of the validation split (the held-out end of the training images).
inline int validation_begin(const data::Split& train_set, int validation = 5000) {
  return train_set.images.count - validation;
}

/// Trains (deterministic for a seed and thread count), evaluates the float model and quantizes.
TrainResult train(const TrainOptions& opt, const data::Split& train_set,
                  const data::Split& test_set,
                  const std::function<void(const TrainProgress&)>& progress = {});

/// Layer-importance methods of `axpod rank`.
enum class RankMethod { conductance, grad_x_act };

struct LayerScore {
  std::string layer;  // MAC layer name
  double score = 0;   // importance (larger: more important)
};

/// Importance of every MAC layer of a trained zoo model (float weights from `weights_pt`,
/// architecture from `model`): layer conductance with `steps` path steps from a black image
/// (REFERENCE.md section 7), aggregated as the mean over samples of sum_j |Cond_j| divided by
/// the layer's unit count; or gradient x activation. Samples: images [begin, begin + count) of
/// `split`, explained for their true label.
std::vector<LayerScore> rank_layers(const std::string& model, const std::string& weights_pt,
                                    RankMethod method, const data::Split& split, int begin,
                                    int count, int steps, int threads);

/// Ablation helper: copies float weights with one layer's weights and bias set to zero.
void zero_layer_weights(const std::string& model, const std::string& pt_in,
                        const std::string& pt_out, const std::string& layer);

}  // namespace axpod::host
