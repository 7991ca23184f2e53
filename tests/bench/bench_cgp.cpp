// CGP of multipliers (mult/cgp.h): candidate evaluations per second on one core.
//  - BM_CgpEvaluate: one candidate simulated from scratch, bit-parallel, on all 65,536 operand
//    pairs (error) and a 20,000-pair stream (toggle energy), against
//  - BM_NetlistSimulate: the characterization's netlist simulator on the same pairs (the way
//    a candidate would be scored without the CGP evaluator);
//  - BM_CgpSearch: the search itself (mutation, incremental re-simulation, the error only for
//    children that could become the parent), on uniform and on a layer-like operand mix.
#include <benchmark/benchmark.h>

#include <random>

#include "mult/cgp.h"

namespace {

namespace cgp = axpod::mult::cgp;

const axpod::mult::GateLibrary& library() {
  return axpod::mult::shipped_gate_library();
}

cgp::Operands layer_like() {
  std::mt19937_64 rng(1);
  axpod::mult::OperandStream s;
  for (int i = 0; i < 20000; ++i) {
    const auto r = rng();
    s.a.push_back(r % 2 ? 0 : static_cast<std::uint8_t>((r >> 8) % 100));
    s.b.push_back(static_cast<std::uint8_t>((r >> 20) % 64));
  }
  s.description = "layer-like";
  return cgp::operands_from_stream(std::move(s), false);
}

void BM_CgpEvaluate(benchmark::State& state) {
  const auto ops = cgp::uniform_operands(false, 20000, 1);
  const cgp::Evaluator ev(ops, library(), cgp::parse_error_bound("wmae:1%"));
  const auto g = cgp::array_multiplier_genome();
  for (auto _ : state) benchmark::DoNotOptimize(ev.evaluate(g).energy_fj);
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("344 gates, 65,536 + 20,000 pairs");
}
BENCHMARK(BM_CgpEvaluate)->Unit(benchmark::kMicrosecond);

void BM_NetlistSimulate(benchmark::State& state) {
  const auto ops = cgp::uniform_operands(false, 20000, 1);
  const auto& lib = library();
  const auto nl = cgp::to_netlist(cgp::array_multiplier_genome(), "array");
  const auto all = axpod::mult::exhaustive_stream();
  for (auto _ : state) {
    benchmark::DoNotOptimize(nl.simulate(all.a, all.b).products.data());
    benchmark::DoNotOptimize(axpod::mult::hardware_cost(nl, lib, ops.stream).energy_fj);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("344 gates, 65,536 + 20,000 pairs");
}
BENCHMARK(BM_NetlistSimulate)->Unit(benchmark::kMicrosecond);

void search(benchmark::State& state, const cgp::Operands& ops, const char* bound) {
  const cgp::Evaluator ev(ops, library(), cgp::parse_error_bound(bound));
  const auto seed = cgp::array_multiplier_genome();
  cgp::Options opt;
  opt.generations = 2000;
  opt.seconds = 0;
  long evals = 0;
  for (auto _ : state) evals += cgp::evolve(seed, ev, opt).evaluations;
  state.SetItemsProcessed(evals);
}

void BM_CgpSearch_Uniform(benchmark::State& state) {
  search(state, cgp::uniform_operands(false, 20000, 1), "wmae:0.5%");
}
BENCHMARK(BM_CgpSearch_Uniform)->Unit(benchmark::kMillisecond);

void BM_CgpSearch_LayerLike(benchmark::State& state) {
  search(state, layer_like(), "wmae:0.1%");
}
BENCHMARK(BM_CgpSearch_LayerLike)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
