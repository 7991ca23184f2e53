// PE-updates per second of one pod's array stepping (the vectorized row of PEs, or the portable
// one with AXPOD_SIM_KERNEL=portable), and of the whole cycle-level model on a layer.
#include <benchmark/benchmark.h>

#include <map>
#include <random>

#include "common/paths.h"
#include "cycle_model.h"
#include "engine/tensors.h"
#include "mult/registry.h"
#include "pe_row.h"
#include "systolic_array.h"

namespace {

using namespace axpod;

void BM_ArrayTick(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const mult::Table table(*mult::Registry::instance().create("drum:k=4,signed=1").model);
  core::SystolicArray arr(n, n, &table);
  std::mt19937_64 rng(1);
  std::vector<std::int8_t> w(n);
  for (int r = 0; r < n; ++r) {
    for (auto& x : w) x = static_cast<std::int8_t>(rng());
    arr.load_shadow_row(r, w.data(), n);
  }
  arr.swap();
  std::vector<std::int8_t> left(n);
  std::vector<std::uint8_t> lv(n, 1), bv(n);
  std::vector<std::int32_t> bottom(n);
  for (auto& x : left) x = static_cast<std::int8_t>(rng());
  for (auto _ : state) {
    left[0] = static_cast<std::int8_t>(left[0] + 1);
    arr.tick(left.data(), lv.data(), bottom.data(), bv.data());
    benchmark::DoNotOptimize(bottom.data());
  }
  state.counters["PE_updates_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * n * n, benchmark::Counter::kIsRate);
  state.SetLabel(core::detail::pe_row_kernel_name());
}
BENCHMARK(BM_ArrayTick)->Arg(32)->Arg(128);

void BM_CycleModelLayer(benchmark::State& state) {
  accel::Accelerator a;
  a.name = "bench";
  accel::Pod p;
  p.rows = p.cols = 128;
  p.multiplier = "exact:signed=1";
  a.pods.assign(4, p);
  a.global_buffer_kb = 16384;
  a.noc = {accel::Topology::crossbar, 1e9, 0};
  a.dram = {1e9, 0};
  const auto layer = workload::make_conv("c", 28, 28, 128, 3, 128, 1, 1);
  const auto t = engine::random_tensors(layer, 1);
  double pe_updates = 0;
  for (auto _ : state) {
    core::CycleModel sim(a, {}, 1000);
    const auto r = sim.run_layer(layer, &t, "", true);
    pe_updates += static_cast<double>(r.cycles) * 4 * 128 * 128;
  }
  state.counters["PE_updates_per_s"] = benchmark::Counter(pe_updates, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CycleModelLayer)->Unit(benchmark::kMillisecond);

// The whole cycle-level model (every block, memory stalls included) on two resnet18 layers on
// the shipped tpu_v4_like: layer1.0.conv1 and layer3.0.conv2.
void BM_CycleModelResnet18TpuV4(benchmark::State& state) {
  const auto acc = accel::load_accelerator(paths::shipped("configs/accelerators/tpu_v4_like.yaml"));
  const auto net = workload::builtin_network("resnet18");
  std::vector<std::size_t> selected;
  std::map<std::size_t, engine::LayerTensors> data;
  for (const char* name : {"layer1.0.conv1", "layer3.0.conv2"}) {
    const auto i = static_cast<std::size_t>(net.find(name));
    selected.push_back(i);
    data.emplace(i, engine::random_tensors(net.layers[i], 1));
  }
  const core::TensorSource src = [&](std::size_t i) -> const engine::LayerTensors* {
    const auto it = data.find(i);
    return it == data.end() ? nullptr : &it->second;
  };
  double cycles = 0, pe_updates = 0;
  for (auto _ : state) {
    core::CycleModel sim(acc, analytical::MultiplierEnergies::of(acc), 1000);
    cycles = 0;
    for (const auto& l : sim.run_network(net, {}, src, selected))
      cycles += static_cast<double>(l.cycles);
    pe_updates += cycles * static_cast<double>(acc.total_pes());
  }
  state.counters["cycles"] = cycles;
  state.counters["PE_updates_per_s"] = benchmark::Counter(pe_updates, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CycleModelResnet18TpuV4)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
