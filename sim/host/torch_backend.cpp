#include "torch_backend.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "common/error.h"
#include "common/module.h"

namespace axpod::host {

namespace {

const TorchBackend* g_backend = nullptr;  // set once by torch_backend()

std::vector<std::string> module_candidates() {
  return module::candidates("libaxpod_torch.so", "AXPOD_TORCH_MODULE");
}

const TorchBackend* load() {
  std::string tried;
  const TorchBackend* b = nullptr;
  using Entry = const TorchBackend* (*)(int);
  if (module::open(
          module_candidates(), "axpod_torch_backend", false,
          [&](void* sym) {
            return (b = reinterpret_cast<Entry>(sym)(kTorchBackendAbi)) != nullptr;
          },
          tried))
    return b;
  throw Error("axpod's libtorch module could not be loaded (train, rank, gen and demo need it);" +
              tried + "\nbuild the target axpod_torch or set AXPOD_TORCH_MODULE");
}

}  // namespace

const TorchBackend& torch_backend() {
  static std::once_flag once;
  std::call_once(once, [] { g_backend = load(); });
  return *g_backend;
}

std::string torch_module_path() {
  for (const auto& path : module_candidates())
    if (std::filesystem::exists(path))
      return std::filesystem::path(path).lexically_normal().string();
  return {};
}

bool torch_backend_loaded() {
  return g_backend != nullptr;
}

// ---- zoo.h, forwarded to the module
TrainResult train(const TrainOptions& opt, const data::Split& train_set,
                  const data::Split& test_set,
                  const std::function<void(const TrainProgress&)>& progress) {
  return torch_backend().train(opt, train_set, test_set, progress);
}

std::vector<LayerScore> rank_layers(const std::string& model, const std::string& weights_pt,
                                    RankMethod method, const data::Split& split, int begin,
                                    int count, int steps, int threads) {
  return torch_backend().rank_layers(model, weights_pt, method, split, begin, count, steps,
                                     threads);
}

void zero_layer_weights(const std::string& model, const std::string& pt_in,
                        const std::string& pt_out, const std::string& layer) {
  torch_backend().zero_layer_weights(model, pt_in, pt_out, layer);
}

}  // namespace axpod::host
