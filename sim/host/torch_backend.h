// The libtorch side of the host controller (training, quantization, gradient-based
// attribution) as an interface. Its one implementation lives in the shared module
// libaxpod_torch.so (sim/host/torch/), opened with dlopen on first use, so that commands
// which neither train nor explain never load libtorch and its ~290 shared libraries.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "mult/table.h"
#include "zoo.h"

namespace axpod::host {

/// What the torch module offers. Bumped whenever this interface or a type it passes changes.
inline constexpr int kTorchBackendAbi = 4;

class TorchBackend {
 public:
  virtual ~TorchBackend() = default;
  virtual TrainResult train(const TrainOptions& opt, const data::Split& train_set,
                            const data::Split& test_set,
                            const std::function<void(const TrainProgress&)>& progress) const = 0;
  virtual std::vector<LayerScore> rank_layers(const std::string& model,
                                              const std::string& weights_pt, RankMethod method,
                                              const data::Split& split, int begin, int count,
                                              int steps, int threads) const = 0;
  virtual void zero_layer_weights(const std::string& model, const std::string& pt_in,
                                  const std::string& pt_out, const std::string& layer) const = 0;
  /// Approximation-aware fine-tuning: the forward pass of every tensor is the bit-exact int8
  /// engine's with `tables` (MAC layer -> table; absent: exact), gradients are the float
  /// model's (straight-through). Activation scales stay those of `from`; returns the network
  /// of the fine-tuned weights.
  virtual engine::QNet finetune(
      const FinetuneOptions& opt, const engine::QNet& from,
      const std::map<std::string, const mult::Table*>& tables, const data::Split& train_set,
      const std::function<void(const TrainProgress&)>& progress) const = 0;
  /// The fine-tuning forward's logits for images [begin, begin + count) of `split`, on the
  /// output tensor's int8 grid (a test checks them against the engine).
  /// Adversarial versions of images [begin, begin + count) of `split` (labels from the split)
  /// by FGSM or PGD on the float model's loss, or with `opt.approx_gradients` on the loss of
  /// the bit-exact int8 forward with `tables` (straight-through gradients). Deterministic.
  virtual AttackResult attack(const AttackOptions& opt, const engine::QNet& from,
                              const std::map<std::string, const mult::Table*>& tables,
                              const data::Split& split, int begin, int count) const = 0;
  virtual std::vector<std::vector<std::int8_t>> finetune_logits(
      const std::string& model, const std::string& weights_pt, const engine::QNet& from,
      const std::map<std::string, const mult::Table*>& tables, const data::Split& split, int begin,
      int count) const = 0;
};

/// The torch module, loaded on the first call: $AXPOD_TORCH_MODULE when set, else
/// libaxpod_torch.so in `<executable dir>/../lib/axpod/` (installed) or beside the executable
/// (build tree). Throws axpod::Error naming every place looked at when it cannot be loaded.
const TorchBackend& torch_backend();

/// The torch module that torch_backend() would load (the first candidate that exists), or ""
/// when there is none; loads nothing.
std::string torch_module_path();

/// Whether the torch module has been loaded in this process (for tests of instant startup).
bool torch_backend_loaded();

}  // namespace axpod::host

/// The module's entry point (extern "C", looked up by name): the backend for `abi`, or null
/// when the module was built for another interface version.
extern "C" const axpod::host::TorchBackend* axpod_torch_backend(int abi);
