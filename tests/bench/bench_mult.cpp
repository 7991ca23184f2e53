// Table construction per multiplier and the cost of `axpod mult verify` per RTL model
// (build the RTL table, build the behavioural table, compare).
#include <benchmark/benchmark.h>

#include "mult/registry.h"
#include "mult/table.h"

namespace {

using axpod::mult::Registry;
using axpod::mult::Table;

void table_bench(benchmark::State& state, const std::string& name) {
  const auto m = Registry::instance().create(name);
  for (auto _ : state) {
    Table t(*m.model);
    benchmark::DoNotOptimize(t.products().data());
  }
  state.SetItemsProcessed(state.iterations() * 65536);
}

void verify_bench(benchmark::State& state, const std::string& rtl_name) {
  const auto& reg = Registry::instance();
  const auto rtl = reg.create(rtl_name);
  const auto beh = reg.create(reg.rtl_models().at(rtl_name).behavioural);
  for (auto _ : state) {
    const Table a(*rtl.model);
    const Table b(*beh.model);
    benchmark::DoNotOptimize(a.products() == b.products());
  }
  state.SetItemsProcessed(state.iterations() * 65536);
}

// Registered from main(): the multiplier registry is filled by static initialisers of other
// translation units, whose order relative to this one is unspecified.
void register_all() {
  for (const auto& [name, fam] : Registry::instance().families()) {
    const std::string canon = Registry::instance().canonical(name);
    benchmark::RegisterBenchmark(("BM_Table/" + canon).c_str(), table_bench, canon)
        ->Unit(benchmark::kMicrosecond);
  }
  for (const auto& [name, rtl] : Registry::instance().rtl_models())
    benchmark::RegisterBenchmark(("BM_Verify/" + name).c_str(), verify_bench, name)
        ->Unit(benchmark::kMicrosecond);
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const std::size_t ran = benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return ran > 0 ? 0 : 1;  // a filter that matches nothing is an error
}
