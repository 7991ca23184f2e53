// The int8 engine's GEMM: approximate (table) path vs the exact int8 path on the same shapes,
// in GMAC/s per core (one thread): the kernels alone on LeNet-5's and resnet8's layer shapes,
// fast (AVX-512 VBMI table lookups, oneDNN) against portable in the same run, and one layer
// through the whole engine (im2col, GEMM, requantization).
#include <benchmark/benchmark.h>

#include <random>

#include "engine/infer.h"
#include "engine/kernels.h"
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

// Shapes (M, N, K) of LeNet-5 (conv1, conv2, fc1) and resnet8 (block1 conv, block2 conv2,
// block3 conv2) on 28 x 28 images.
void shapes(benchmark::internal::Benchmark* b) {
  for (const auto& s : std::vector<std::vector<std::int64_t>>{{784, 6, 25},
                                                              {100, 16, 150},
                                                              {1, 120, 400},
                                                              {784, 16, 144},
                                                              {196, 32, 288},
                                                              {49, 64, 576}})
    b->Args(s);
}

struct Operands {
  explicit Operands(const benchmark::State& state)
      : m(state.range(0)), n(state.range(1)), k(state.range(2)) {
    std::mt19937_64 rng(3);
    x.resize(static_cast<std::size_t>(m * k));
    for (auto& v : x) v = static_cast<std::int8_t>(rng() % 128);  // as after ReLU
    w.resize(static_cast<std::size_t>(k * n));
    for (auto& v : w) v = static_cast<std::int8_t>(static_cast<int>(rng() % 255) - 127);
    wu.assign(w.begin(), w.end());
    acc.resize(static_cast<std::size_t>(m * n));
  }
  void count(benchmark::State& state) const {
    state.counters["GMAC_per_s"] = benchmark::Counter(
        static_cast<double>(state.iterations()) * m * n * k / 1e9, benchmark::Counter::kIsRate);
  }
  std::int64_t m, n, k;
  std::vector<std::int8_t> x, w;
  std::vector<std::uint8_t> wu;
  std::vector<std::int32_t> acc;
};

void BM_TableKernel(benchmark::State& state, bool portable) {
  engine::set_portable_kernels(portable);
  Operands o(state);
  const engine::PreparedTable t(
      mult::Table(*mult::Registry::instance().create("drum:k=4,signed=1").model));
  for (auto _ : state) {
    engine::gemm_table_kernel(o.x.data(), o.wu.data(), o.acc.data(), o.m, o.n, o.k, t);
    benchmark::DoNotOptimize(o.acc.data());
  }
  o.count(state);
  state.SetLabel(engine::table_kernel_name());
  engine::set_portable_kernels(false);
}
BENCHMARK_CAPTURE(BM_TableKernel, fast, false)->Apply(shapes);
BENCHMARK_CAPTURE(BM_TableKernel, portable, true)->Apply(shapes);

void BM_ExactKernel(benchmark::State& state, bool portable) {
  engine::set_portable_kernels(portable);
  Operands o(state);
  const engine::ExactWeights ew(o.w.data(), o.k, o.n);
  for (auto _ : state) {
    engine::gemm_exact_kernel(o.x.data(), ew, o.acc.data(), o.m);
    benchmark::DoNotOptimize(o.acc.data());
  }
  o.count(state);
  state.SetLabel(engine::exact_kernel_name());
  engine::set_portable_kernels(false);
}
BENCHMARK_CAPTURE(BM_ExactKernel, fast, false)->Apply(shapes);
BENCHMARK_CAPTURE(BM_ExactKernel, portable, true)->Apply(shapes);

}  // namespace

BENCHMARK_MAIN();
