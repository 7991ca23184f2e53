// The int8 engine's GEMM: approximate (table) path vs the exact int8 path on the same shapes,
// in GMAC/s per core; and LeNet-5-shaped whole-image inference.
#include <benchmark/benchmark.h>

#include <random>

#include "engine/infer.h"
#include "mult/registry.h"

namespace {

using namespace axpod;

// Shapes of LeNet-5's conv2 (M=100, N=16, K=150) and a wider conv (M=196, N=64, K=288).
void BM_Gemm(benchmark::State& state, const std::string& mult) {
  const std::int64_t m = state.range(0), n = state.range(1), k = state.range(2);
  engine::QNet net;
  net.name = "gemm";
  // One fc layer whose input is the M x K matrix seen as M pixels of K channels (1x1 conv).
  net.tensors = {{static_cast<int>(m), 1, static_cast<int>(k), 0.02f},
                 {static_cast<int>(m), 1, static_cast<int>(n), 0.05f}};
  engine::QOp op;
  op.name = "g";
  op.kind = engine::OpKind::conv;
  op.in = 0;
  op.out = 1;
  std::mt19937_64 rng(1);
  op.weights.resize(static_cast<std::size_t>(n * k));
  for (auto& w : op.weights) w = static_cast<std::int8_t>(static_cast<int>(rng() % 255) - 127);
  op.wscale.assign(static_cast<std::size_t>(n), 0.01f);
  op.bias.assign(static_cast<std::size_t>(n), 0);
  net.ops.push_back(op);
  engine::Engine e(net);
  if (!mult.empty()) e.assign({}, mult);
  std::vector<std::int8_t> x(static_cast<std::size_t>(m * k));
  for (auto& v : x) v = static_cast<std::int8_t>(rng() % 128);  // non-negative, as after ReLU
  for (auto _ : state) benchmark::DoNotOptimize(e.run(x.data()));
  state.counters["GMAC_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * m * n * k / 1e9, benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_Gemm, exact, std::string())->Args({100, 16, 150})->Args({196, 64, 288});
BENCHMARK_CAPTURE(BM_Gemm, table_drum4, std::string("drum:k=4,signed=1"))
    ->Args({100, 16, 150})
    ->Args({196, 64, 288});

}  // namespace

BENCHMARK_MAIN();
