// Cycle counts of the analytical model, each with its derivation, and invariants over the
// built-in networks and shipped accelerators.
#include "analytical/model.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/error.h"
#include "common/paths.h"
#include "workload/layer.h"

namespace axpod::analytical {
namespace {

using accel::Dataflow;
using accel::Timing;
using workload::make_conv;
using workload::make_fc;
using workload::make_gemm;

// SCALE-Sim's conv1 of configs/scalesim/lenet_like.csv: 32x32x1 input, 5x5 filter, 6 filters:
// out 28x28, so M = 784, K = 25, N = 6.
const workload::GemmShape kConv1{784, 6, 25, 1};

// A lut: multiplier without a catalog row: a missing file says so, an existing one says why it
// has no energy.
TEST(MultiplierEnergiesTest, LutNamesSayWhatIsMissing) {
  const MultiplierEnergies en(paths::shipped("configs/catalog.csv"));
  try {
    en.fj("lut:/nonexistent/t.bin");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no truth-table file '/nonexistent/t.bin'"),
              std::string::npos)
        << e.what();
  }
  const std::string t = ::testing::TempDir() + "/t.bin";
  std::ofstream(t) << "x";
  try {
    en.fj("lut:signed:" + t);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("truth table without a circuit"), std::string::npos)
        << e.what();
  }
}

// A catalog cell that is not a number used to reach the user as `stod`.
TEST(MultiplierEnergiesTest, BadCatalogCellsNameFileLineAndColumn) {
  const std::string header =
      "name,family,signed,mae,mae_pct,wce,wce_pct,mred_pct,ep_pct,bias,area_ge,energy_fj,depth\n";
  const std::string p = ::testing::TempDir() + "/cat_bad.csv";
  std::ofstream(p) << header << "exact,exact,0,0,0,0,0,0,0,0,645.0,lots,34\n";
  try {
    MultiplierEnergies en(p);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "cat_bad.csv:2: energy_fj of 'exact' is not a valid number: 'lots'"),
              std::string::npos)
        << e.what();
  }
  std::ofstream(p) << header << "exact,exact,0,0,0,0,0,0,0,0,645.0,nan,34\n";
  EXPECT_THROW(MultiplierEnergies{p}, Error);
  std::ofstream(p) << header << "exact,exact,2,0,0,0,0,0,0,0,645.0,1,34\n";
  EXPECT_THROW(MultiplierEnergies{p}, Error);
  std::ofstream(p) << "name,signed,energy_fj\nexact,0,200\n";
  try {
    MultiplierEnergies en(p);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("has no column 'family'"), std::string::npos) << e.what();
  }
}

TEST(ScaleSimTiming, WeightStationary) {
  // rows <- K = 25: 1 fold; cols <- N = 6: 1 fold; T = M = 784; preload A = 32.
  // tau = 32 + 32 + 32 + 784 - 2 = 878; total = 1 * 878 - 1 = 877.
  EXPECT_EQ(scalesim_cycles(kConv1, Dataflow::ws, 32, 32), 877);
}

TEST(ScaleSimTiming, OutputStationary) {
  // rows <- M = 784: 25 folds; cols <- N = 6: 1 fold; T = K = 25; no preload.
  // tau = 0 + 32 + 32 + 25 - 2 = 87; total = 25 * 87 - 1 = 2174.
  EXPECT_EQ(scalesim_cycles(kConv1, Dataflow::os, 32, 32), 2174);
}

TEST(ScaleSimTiming, InputStationary) {
  // rows <- K = 25: 1 fold; cols <- M = 784: 25 folds; T = N = 6; preload 32.
  // tau = 32 + 32 + 32 + 6 - 2 = 100; total = 25 * 100 - 1 = 2499.
  EXPECT_EQ(scalesim_cycles(kConv1, Dataflow::is, 32, 32), 2499);
}

TEST(ScaleSimTiming, FullyConnectedFolds) {
  // FC 400 -> 120, M = 1: rows <- K = 400: 13 folds; cols <- N = 120: 4 folds; F = 52.
  // tau = 32 + 32 + 32 + 1 - 2 = 95; total = 52 * 95 - 1 = 4939.
  EXPECT_EQ(scalesim_cycles({1, 120, 400, 1}, Dataflow::ws, 32, 32), 4939);
  // Rectangular 8x4 array, GEMM M=5 N=3 K=7: 1 fold, tau = 8 + 8 + 4 + 5 - 2 = 23 -> 22.
  EXPECT_EQ(scalesim_cycles({5, 3, 7, 1}, Dataflow::ws, 8, 4), 22);
}

accel::Accelerator machine(int pods, int size, Dataflow df, Timing timing) {
  accel::Accelerator a;
  a.name = "test";
  a.timing = timing;
  accel::Pod p;
  p.rows = p.cols = size;
  p.dataflow = df;
  p.multiplier = "exact:signed=1";
  a.pods.assign(pods, p);
  a.global_buffer_kb = 1 << 20;
  a.noc = {accel::Topology::crossbar, 1e9, 0};
  a.dram = {1e9, 0};
  return a;
}

cycle_t compute(const workload::GemmShape& g, int pods, Dataflow df = Dataflow::ws) {
  return plan_tiles(g, df, 32, 32, pods, Timing::double_buffered).makespan;
}

TEST(DoubleBufferedTiming, OnePodPaysThePreloadOnce) {
  // conv1: 1 fold: 32 (preload) + (32 + 32 - 2 + 784) = 878, one more than SCALE-Sim's 877.
  EXPECT_EQ(compute(kConv1, 1), 878);
  // FC 400 -> 120: 52 folds of (62 + 1) behind one preload: 32 + 52 * 63 = 3308.
  EXPECT_EQ(compute({1, 120, 400, 1}, 1), 3308);
  // Output stationary has no preload: 25 folds of (62 + 25) = 2175.
  EXPECT_EQ(compute(kConv1, 1, Dataflow::os), 2175);
}

TEST(DoubleBufferedTiming, FoldsSpreadOverPods) {
  // 52 folds on 4 pods: 13 each: 32 + 13 * 63 = 851.
  EXPECT_EQ(compute({1, 120, 400, 1}, 4), 851);
  // 52 folds on 5 pods: the busiest takes ceil(52 / 5) = 11: 32 + 11 * 63 = 725.
  EXPECT_EQ(compute({1, 120, 400, 1}, 5), 725);
}

TEST(DoubleBufferedTiming, FewFoldsSplitTheTemporalExtent) {
  // 1 fold, 4 pods: M split in 4 chunks of 196: 32 + 62 + 196 = 290.
  EXPECT_EQ(compute(kConv1, 4), 290);
  // 1 fold, 3 pods: 784 = 262 + 261 + 261: the busiest: 32 + 62 + 262 = 356.
  EXPECT_EQ(compute(kConv1, 3), 356);
  // 3 folds (K = 70 -> 3 row folds), 4 pods: 2 chunks of 392, 6 tiles; pod 0 takes tiles 0 and
  // 4: 32 + 2 * (62 + 392) = 940.
  EXPECT_EQ(compute({784, 6, 70, 1}, 4), 940);
  // T = 5 on 8 pods: at most 5 chunks of 1: 32 + 62 + 1 = 95.
  EXPECT_EQ(compute({5, 3, 7, 1}, 8), 95);
  const auto p = plan_tiles({5, 3, 7, 1}, Dataflow::ws, 32, 32, 8, Timing::double_buffered);
  EXPECT_EQ(p.chunks, 5);
  EXPECT_EQ(p.tiles, 5);
}

TEST(Model, ScaleSimModeReportsScaleSimCycles) {
  const Model m(machine(1, 32, Dataflow::is, Timing::scalesim), {});
  auto layer = make_gemm("g", 784, 6, 25);
  const auto r = m.evaluate(layer, "", true);
  EXPECT_EQ(r.cycles, 2499);
  EXPECT_EQ(r.stall_cycles, 0);
}

MultiplierEnergies energies() {
  MultiplierEnergies e;
  e.set("exact:signed=1", 200.0);
  e.set("drum:k=4,signed=1", 120.0);
  return e;
}

TEST(Model, MultiplierEnergyIsMacsTimesCatalogEnergy) {
  auto acc = machine(4, 32, Dataflow::ws, Timing::double_buffered);
  acc.energy.catalog = "in-memory";
  const Model m(acc, energies());
  const auto layer = make_conv("c", 14, 14, 6, 5, 16, 1, 0);
  const auto exact = m.evaluate(layer, "", true);
  const auto drum = m.evaluate(layer, "drum:k=4,signed=1", true);
  EXPECT_DOUBLE_EQ(exact.energy.mult, static_cast<double>(layer.macs()) * 200.0 / 1000.0);
  EXPECT_DOUBLE_EQ(exact.energy.mult - drum.energy.mult,
                   static_cast<double>(layer.macs()) * 80.0 / 1000.0);
  EXPECT_EQ(exact.cycles, drum.cycles);  // reconfigurable pods: same schedule
  EXPECT_THROW(m.evaluate(layer, "mitchell:w=7", true), Error);  // not in the catalog
}

TEST(Model, HeterogeneousPodsRunALayerOnThePodsCarryingItsMultiplier) {
  auto acc = machine(4, 32, Dataflow::ws, Timing::double_buffered);
  acc.reconfigurable = false;
  acc.pods[3].multiplier = "drum:k=4,signed=1";
  acc.energy.catalog = "in-memory";
  const Model m(acc, energies());
  const auto layer = make_fc("f", 400, 120);
  EXPECT_EQ(m.evaluate(layer, "", true).pods, 3);
  const auto r = m.evaluate(layer, "drum:k=4,signed=1", true);
  EXPECT_EQ(r.pods, 1);
  EXPECT_EQ(r.compute_cycles, 3308);                      // all 52 folds on one pod
  EXPECT_THROW(m.evaluate(layer, "exact", true), Error);  // no pod carries unsigned exact
}

TEST(Model, SlowDramMakesALayerMemoryBound) {
  auto acc = machine(1, 32, Dataflow::ws, Timing::double_buffered);
  acc.dram = {0.001, 10};  // 1 MB/s at 1000 MHz: 0.001 bytes per cycle
  const Model m(acc, {});
  const auto layer = make_fc("f", 400, 120);
  const auto r = m.evaluate(layer, "", false);
  // DRAM bytes: input 400 + weights 48000 + (output 120 stays on chip) = 48400 -> 48.4M cycles
  // + 10 latency, the last byte in cycle 48400009. The last fold then crosses the (free)
  // interconnect in that cycle, loads its weights (32: its pod waited, nothing hid it) and
  // streams 32 + 32 + 1 - 2 = 63 cycles -> 48400009 + 32 + 63.
  EXPECT_EQ(r.dram_bytes, 48400);
  EXPECT_EQ(r.memory_cycles, 48400009 + 32 + 63);
  EXPECT_EQ(r.cycles, r.memory_cycles);
  EXPECT_EQ(r.stall_cycles, r.cycles - r.compute_cycles);
}

TEST(Model, InvariantsOverBuiltInNetworksAndShippedAccelerators) {
  for (const char* acc_name : {"tpu_v4_like", "sosa_32x32", "edge_16x16"}) {
    const auto acc = accel::load_accelerator(std::string(AXPOD_TEST_SOURCE_DIR) +
                                             "/configs/accelerators/" + acc_name + ".yaml");
    const Model m(acc, MultiplierEnergies(acc.energy.catalog));
    for (const auto& name : workload::builtin_networks()) {
      const auto net = workload::builtin_network(name);
      const auto r = m.run(net);
      cycle_t sum = 0;
      for (std::size_t i = 0; i < r.layers.size(); ++i) {
        const auto& l = r.layers[i];
        const auto g = net.layers[i].gemm();
        EXPECT_EQ(l.macs, g.m * g.n * g.k * g.groups) << name << " " << l.layer;
        EXPECT_LE(l.utilization_pct, 100.0) << name << " " << l.layer;
        EXPECT_LE(l.mapping_pct, 100.0) << name << " " << l.layer;
        EXPECT_GE(l.cycles, l.compute_cycles);
        EXPECT_GT(l.cycles, 0);
        EXPECT_GE(l.energy.total(), 0);
        sum += l.cycles;
      }
      EXPECT_EQ(sum, r.cycles) << name;
      EXPECT_EQ(r.macs, net.macs()) << name;
    }
  }
}

TEST(Model, EnergyRisesWithMultiplierEnergy) {
  auto acc = machine(4, 32, Dataflow::ws, Timing::double_buffered);
  acc.energy.catalog = "in-memory";
  const auto net = workload::builtin_network("lenet5");
  double last = -1;
  for (double fj : {50.0, 100.0, 200.0, 400.0}) {
    MultiplierEnergies e;
    e.set("exact:signed=1", fj);
    const double total = Model(acc, e).run(net).energy.total();
    EXPECT_GT(total, last);
    last = total;
  }
}

TEST(Model, AssignmentChangesOnlyTheAssignedLayer) {
  auto acc = machine(4, 32, Dataflow::ws, Timing::double_buffered);
  acc.energy.catalog = "in-memory";
  const Model m(acc, energies());
  const auto net = workload::builtin_network("lenet5");
  accel::Assignment a;
  a.layers["conv2"] = "drum:k=4,signed=1";
  const auto base = m.run(net);
  const auto approx = m.run(net, a);
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    if (net.layers[i].name == "conv2") {
      EXPECT_EQ(approx.layers[i].multiplier, "drum:k=4,signed=1");
      EXPECT_LT(approx.layers[i].energy.mult, base.layers[i].energy.mult);
    } else {
      EXPECT_DOUBLE_EQ(approx.layers[i].energy.total(), base.layers[i].energy.total());
    }
  }
}

}  // namespace
}  // namespace axpod::analytical
