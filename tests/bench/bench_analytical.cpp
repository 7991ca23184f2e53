// Layer evaluations per second of the analytical model (target: >= 1 million per core).
#include <benchmark/benchmark.h>

#include "analytical/model.h"
#include "common/paths.h"
#include "workload/layer.h"

namespace {

using namespace axpod;

void BM_EvaluateLayer(benchmark::State& state, const std::string& accel_name,
                      const std::string& net_name) {
  const auto acc =
      accel::load_accelerator(paths::shipped("configs/accelerators/" + accel_name + ".yaml"));
  const analytical::Model model(acc, analytical::MultiplierEnergies(acc.energy.catalog));
  const auto net = workload::builtin_network(net_name);
  std::size_t i = 0;
  for (auto _ : state) {
    const auto r = model.evaluate(net.layers[i], "", true);
    benchmark::DoNotOptimize(r.cycles);
    if (++i == net.layers.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_ScaleSimCycles(benchmark::State& state) {
  const auto net = workload::builtin_network("resnet50");
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        analytical::scalesim_cycles(net.layers[i].gemm(), accel::Dataflow::ws, 128, 128));
    if (++i == net.layers.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK_CAPTURE(BM_EvaluateLayer, tpu_v4_like_resnet18, std::string("tpu_v4_like"),
                  std::string("resnet18"));
BENCHMARK_CAPTURE(BM_EvaluateLayer, sosa_32x32_resnet50, std::string("sosa_32x32"),
                  std::string("resnet50"));
BENCHMARK_CAPTURE(BM_EvaluateLayer, edge_16x16_mobilenet, std::string("edge_16x16"),
                  std::string("mobilenet_v1"));
BENCHMARK(BM_ScaleSimCycles);

BENCHMARK_MAIN();
