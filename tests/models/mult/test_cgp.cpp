#include "mult/cgp.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>

#include "common/error.h"

namespace axpod::mult::cgp {
namespace {

const GateLibrary& test_library() {
  return shipped_gate_library();
}

std::vector<product_t> table_of(const Genome& g) {
  const auto all = exhaustive_stream();
  return to_netlist(g, "t").simulate(all.a, all.b).products;
}

// Operands like a ReLU layer's: small non-negative activations, small weights, many zeros.
Operands skewed_operands(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  OperandStream s;
  for (int i = 0; i < 6000; ++i) {
    const auto r = rng();
    s.a.push_back(r % 3 == 0 ? 0 : static_cast<std::uint8_t>((r >> 8) % 64));
    s.b.push_back(static_cast<std::uint8_t>(4 + (r >> 20) % 24));
  }
  s.description = "skewed test stream";
  return operands_from_stream(std::move(s), false);
}

TEST(Cgp, ParsesErrorBoundsAndRefusesBadOnes) {
  const auto b = parse_error_bound("wmae:0.5%");
  EXPECT_EQ(b.measure, Measure::kWmae);
  EXPECT_DOUBLE_EQ(b.limit, 0.005 * 65536);
  EXPECT_DOUBLE_EQ(parse_error_bound("mred:2%").limit, 0.02);
  EXPECT_DOUBLE_EQ(parse_error_bound("wce: 300").limit, 300);
  EXPECT_DOUBLE_EQ(error_pct(Measure::kWce, 655.36), 1.0);
  for (const char* bad : {"wmae", "mae:1%", "wmae:-1", "wmae:nan", "wce:inf", "wmae:x%", "mred:"})
    EXPECT_THROW(parse_error_bound(bad), Error) << bad;
}

TEST(Cgp, HandWrittenSeedIsExactAndMatchesTheNetlistEnergy) {
  const Genome g = array_multiplier_genome();
  const auto t = table_of(g);
  for (std::uint32_t idx = 0; idx < 65536; ++idx)
    ASSERT_EQ(t[idx], static_cast<product_t>((idx >> 8) * (idx & 255))) << idx;
  const GateLibrary& lib = test_library();
  const Operands ops = uniform_operands(false, 3000, 7);
  const Evaluator ev(ops, lib, parse_error_bound("wmae:1%"));
  const Fitness f = ev.evaluate(g);
  EXPECT_TRUE(f.feasible);
  EXPECT_EQ(f.error, 0.0);
  const auto cost = hardware_cost(to_netlist(g, "t"), lib, ops.stream);
  EXPECT_NEAR(f.energy_fj, cost.energy_fj, 1e-9 * cost.energy_fj);
  EXPECT_DOUBLE_EQ(f.area_ge, cost.area_ge);
}

TEST(Cgp, IsAValidGenomeRoundTripAndRefusesForwardReferences) {
  Genome g = array_multiplier_genome();
  const Genome again = from_netlist(to_netlist(g, "t"), 5, library_functions(test_library()), 3);
  EXPECT_EQ(table_of(again), table_of(g));
  const auto active = active_nodes(g);
  EXPECT_EQ(again.nodes.size(),
            static_cast<std::size_t>(std::count(active.begin(), active.end(), 1)) + 5);
  g.nodes[3].in[0] = kInputs + 3;  // reads itself
  EXPECT_THROW(check_genome(g), Error);
}

class CgpEvolve : public ::testing::TestWithParam<const char*> {};

TEST_P(CgpEvolve, MeetsTheBoundSavesEnergyAndAgreesWithAFreshSimulation) {
  const GateLibrary& lib = test_library();
  const Operands ops = skewed_operands(5);
  const ErrorBound bound = parse_error_bound(GetParam());
  const Evaluator ev(ops, lib, bound);
  const Genome seed = array_multiplier_genome();
  Options opt;
  opt.generations = 1500;
  opt.seconds = 0;
  opt.seed = 11;
  const Result r = evolve(seed, ev, opt);
  EXPECT_TRUE(r.best_fitness.feasible);
  EXPECT_LE(r.best_fitness.error, bound.limit);
  EXPECT_LT(r.best_fitness.energy_fj, 0.9 * r.seed_fitness.energy_fj);
  // The incremental simulation agrees with one from scratch ...
  const Fitness fresh = ev.evaluate(r.best);
  EXPECT_EQ(fresh.energy_fj, r.best_fitness.energy_fj);
  EXPECT_EQ(fresh.gates, r.best_fitness.gates);
  EXPECT_NEAR(fresh.error, r.best_fitness.error, 1e-6 * (1 + bound.limit));
  // ... and with the evolved netlist's own table and toggle energy.
  const auto t = table_of(r.best);
  EXPECT_NEAR(table_error(t, ops, bound.measure), r.best_fitness.error, 1e-4 * (1 + bound.limit));
  const auto cost = hardware_cost(to_netlist(r.best, "e"), lib, ops.stream);
  EXPECT_NEAR(cost.energy_fj, r.best_fitness.energy_fj, 1e-9 * cost.energy_fj);
  // The front runs from the seed (error 0) down to the best, every point within the bound.
  ASSERT_FALSE(r.front.empty());
  EXPECT_EQ(r.front.front().fitness.error, 0.0);
  for (std::size_t i = 0; i < r.front.size(); ++i) {
    EXPECT_LE(r.front[i].fitness.error, bound.limit);
    EXPECT_NEAR(ev.evaluate(r.front[i].genome).energy_fj, r.front[i].fitness.energy_fj, 1e-9);
    if (i) {
      EXPECT_LT(r.front[i].fitness.energy_fj, r.front[i - 1].fitness.energy_fj);
    }
  }
  EXPECT_LE(r.error_evaluations, r.evaluations);
  EXPECT_EQ(r.evaluations, opt.generations * opt.lambda);
}

INSTANTIATE_TEST_SUITE_P(Measures, CgpEvolve, ::testing::Values("wmae:0.3%", "mred:3%", "wce:1%"));

TEST(Cgp, SameSeedSameCircuitOtherSeedOtherCircuit) {
  const GateLibrary& lib = test_library();
  const Evaluator ev(skewed_operands(5), lib, parse_error_bound("wmae:0.5%"));
  Options opt;
  opt.generations = 400;
  opt.seconds = 0;
  opt.seed = 3;
  const Result a = evolve(array_multiplier_genome(), ev, opt);
  const Result b = evolve(array_multiplier_genome(), ev, opt);
  EXPECT_EQ(to_blif(a.best, "x"), to_blif(b.best, "x"));
  EXPECT_EQ(a.best_fitness.energy_fj, b.best_fitness.energy_fj);
  opt.seed = 4;
  const Result c = evolve(array_multiplier_genome(), ev, opt);
  EXPECT_NE(to_blif(a.best, "x"), to_blif(c.best, "x"));
}

TEST(Cgp, RefusesASeedOverTheBoundAndBadOperands) {
  const GateLibrary& lib = test_library();
  Genome g = array_multiplier_genome();
  g.out[7] = 17;  // p[7] stuck at 1
  const Evaluator ev(uniform_operands(false, 1000, 1), lib, parse_error_bound("wce:10"));
  Options opt;
  opt.generations = 10;
  EXPECT_THROW(evolve(g, ev, opt), Error);
  Operands bad = uniform_operands(false, 1000, 1);
  bad.weight.assign(65536, 0.0);
  EXPECT_THROW(Evaluator(bad, lib, parse_error_bound("wce:10")), Error);
  bad = uniform_operands(false, 1, 1);
  EXPECT_THROW(Evaluator(bad, lib, parse_error_bound("wce:10")), Error);
}

TEST(Cgp, VerilogHasOnlyTheUsedGates) {
  const Genome g = array_multiplier_genome();
  const std::string v = to_verilog(g, "evolved_mul", "line one\nline two");
  EXPECT_NE(v.find("// line two\n"), std::string::npos);
  EXPECT_NE(v.find("module evolved_mul ("), std::string::npos);
  EXPECT_NE(v.find("output wire [16:0] p"), std::string::npos);
  EXPECT_NE(v.find("assign p[16] = 1'b0;"), std::string::npos);
  EXPECT_THROW(to_verilog(g, "1bad", ""), Error);
}

}  // namespace
}  // namespace axpod::mult::cgp
