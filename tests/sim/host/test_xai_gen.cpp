// The XAI-Gen host library without torch: the ranker registry, the search and its baselines on
// a tiny synthetic network, and the one network runner that gen's confirmation shares with
// `simulate` (fast; no training, no torch module).
#include <gtest/gtest.h>

#include <random>

#include "accel/accelerator.h"
#include "analytical/model.h"
#include "common/error.h"
#include "common/paths.h"
#include "cycle_model.h"
#include "engine/infer.h"
#include "evolve.h"
#include "mult/characterize.h"
#include "operand_energy.h"
#include "ranker.h"
#include "report.h"
#include "torch_backend.h"
#include "xai_gen.h"

namespace axpod::host {
namespace {

// 8x8 grey images -> conv 3x3 (4 channels, ReLU) -> fc 16 (ReLU) -> fc 10.
engine::QNet tiny_net(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  engine::QNet n;
  n.name = "tiny";
  n.tensors = {{8, 8, 1, 1.0f / 127}, {8, 8, 4, 0.02f}, {1, 1, 16, 0.05f}, {1, 1, 10, 0.1f}};
  const auto mac = [&](const std::string& name, engine::OpKind kind, int in, int out, int k,
                       int pad, bool relu) {
    engine::QOp op;
    op.name = name;
    op.kind = kind;
    op.in = in;
    op.out = out;
    op.k = k;
    op.pad = pad;
    op.relu = relu;
    const auto& ti = n.tensors[in];
    const int oc = n.tensors[out].c;
    const std::size_t kk = kind == engine::OpKind::conv
                               ? static_cast<std::size_t>(k) * k * ti.c
                               : static_cast<std::size_t>(ti.h) * ti.w * ti.c;
    for (std::size_t i = 0; i < kk * oc; ++i)
      op.weights.push_back(static_cast<std::int8_t>(static_cast<int>(rng() % 255) - 127));
    for (int c = 0; c < oc; ++c) {
      op.wscale.push_back(0.004f);
      op.bias.push_back(static_cast<std::int32_t>(rng() % 201) - 100);
    }
    n.ops.push_back(op);
  };
  mac("conv1", engine::OpKind::conv, 0, 1, 3, 1, true);
  mac("fc1", engine::OpKind::fc, 1, 2, 1, 0, true);
  mac("fc2", engine::OpKind::fc, 2, 3, 1, 0, false);
  return n;
}

// Random images labelled by the exact int8 network itself: exact accuracy is 100 %, and every
// approximation can only lose accuracy.
data::Split labelled_by(const engine::QNet& net, int count, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  data::Split s;
  s.images.count = count;
  s.images.rows = s.images.cols = 8;
  s.images.pixels.resize(static_cast<std::size_t>(count) * 64);
  for (auto& p : s.images.pixels) p = static_cast<std::uint8_t>(rng() & 0xFF);
  const engine::Engine eng(net);
  for (int i = 0; i < count; ++i)
    s.labels.push_back(static_cast<std::uint8_t>(eng.classify(s.images.pixels.data() + i * 64)));
  return s;
}

TrainedModel tiny_model() {
  TrainedModel m;
  m.prefix = "tiny";
  m.qnet = tiny_net(3);
  m.train = labelled_by(m.qnet, 5300, 1);  // the last 5,000 are the validation split
  m.test = labelled_by(m.qnet, 300, 2);
  return m;
}

accel::Accelerator edge() {
  return accel::load_any_accelerator("edge_16x16");  // a shipped accelerator by short name
}

TEST(Rankers, RegistryHasOneNamePerMethod) {
  const auto names = RankerRegistry::instance().names();
  EXPECT_EQ(names, (std::vector<std::string>{"conductance", "grad_x_act", "sensitivity"}));
  EXPECT_TRUE(RankerRegistry::instance().get("conductance").needs_torch);
  EXPECT_FALSE(RankerRegistry::instance().get("sensitivity").needs_torch);
  try {
    RankerRegistry::instance().get("gradxact");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'grad_x_act'"), std::string::npos)
        << e.what();
  }
  EXPECT_NE(RankerRegistry::instance().help().find("sensitivity"), std::string::npos);
}

TEST(Rankers, SensitivityRanksWithoutTorch) {
  const auto m = tiny_model();
  const auto acc = edge();
  RankInput in;
  in.qnet = &m.qnet;
  in.split = &m.train;
  in.begin = validation_begin(m.train);
  in.count = 300;
  in.acc = &acc;
  in.probe = "trunc_op:k=4,signed=1";
  const auto scores = rank_layers("sensitivity", in);
  ASSERT_EQ(scores.size(), 3u);
  EXPECT_EQ(scores[0].layer, "conv1");
  for (const auto& s : scores) EXPECT_GE(s.score, 0.0);  // exact is 100 % on its own labels
  EXPECT_FALSE(torch_backend_loaded());
  in.count = 6000;  // more than the split holds
  EXPECT_THROW(rank_layers("sensitivity", in), Error);
}

TEST(XaiGen, OrderPutsTheLeastImportantPerMacFirst) {
  const auto net = tiny_net(3).workload();
  // Per MAC: conv1 (2,304 MACs) 0.001, fc1 (4,096) 0.01, fc2 (160) 0.002.
  const auto order = xai_order({{"conv1", 2.304}, {"fc1", 40.96}, {"fc2", 0.32}}, net);
  EXPECT_EQ(order, (std::vector<std::string>{"conv1", "fc2", "fc1"}));
  EXPECT_THROW(xai_order({{"nope", 1.0}}, net), Error);
}

TEST(XaiGen, SearchAndBaselinesKeepTheBudgetAndConfirmBitExact) {
  const auto m = tiny_model();
  const auto acc = edge();
  const std::string exact = exact_multiplier(acc);
  const auto cands = candidate_multipliers(acc, exact);
  ASSERT_GE(cands.size(), 3u);
  const analytical::MultiplierEnergies en(acc.energy.catalog);
  for (std::size_t i = 1; i < cands.size(); ++i) EXPECT_LE(en.fj(cands[i - 1]), en.fj(cands[i]));
  GenOptions o;
  o.budget = 10.0;
  o.val = 400;
  o.random_tries = 10;
  o.nsga_pop = 6;
  o.nsga_gens = 3;
  o.confirm_images = 2;
  std::vector<std::string> stages;
  const auto rep = run_gen(m, acc, cands, {{"conv1", 1}, {"fc1", 1}, {"fc2", 1}}, o, exact,
                           [&](const std::string& s, int, int) { stages.push_back(s); });
  EXPECT_EQ(stages,
            (std::vector<std::string>{"uniform", "random", "exhaustive", "nsga2", "sensitivity"}));
  ASSERT_EQ(rep.results.size(), 6u);
  EXPECT_EQ(rep.results.front().method, "xai-gen");
  EXPECT_DOUBLE_EQ(rep.exact_val, 1.0);
  for (const auto& r : rep.results) {
    if (skipped(r)) continue;
    EXPECT_LE(100.0 * (rep.exact_val - r.best.accuracy), o.budget + 1e-9) << r.method;
    EXPECT_LE(r.best.mult_energy_pj, rep.exact_eval.mult_energy_pj) << r.method;
  }
  // XAI-Gen found something cheaper than exact within the budget.
  EXPECT_LT(rep.results.front().best.mult_energy_pj, rep.exact_eval.mult_energy_pj);
  EXPECT_EQ(rep.conf.images, 2);
  EXPECT_EQ(rep.conf.layers, 6);
  EXPECT_EQ(rep.conf.bit_exact, rep.conf.layers);
  // The reports are written from the same results.
  const std::string csv = results_csv(rep);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 7);
  const std::string yaml = assignment_yaml(rep.results.front().best.assign, exact, "t");
  EXPECT_NE(yaml.find("default: " + exact), std::string::npos);
  // Deterministic: the same inputs give the same choices.
  const auto again = run_gen(m, acc, cands, {{"conv1", 1}, {"fc1", 1}, {"fc2", 1}}, o, exact);
  for (std::size_t i = 0; i < rep.results.size(); ++i)
    EXPECT_EQ(again.results[i].best.assign, rep.results[i].best.assign) << rep.results[i].method;
}

// One runner: the confirmation's cycles and energy are CycleModel::run_network's over the whole
// network with the engine's data, and the layers are placed as the analytical model places them.
TEST(XaiGen, ConfirmationIsTheNetworkRunner) {
  const auto m = tiny_model();
  const auto acc = edge();
  const std::string exact = exact_multiplier(acc);
  const Assignment a{{"fc1", "trunc_op:k=4,signed=1"}};
  const auto c = confirm(m.qnet, m.test, a, acc, 1, exact);
  core::CycleModel sim(acc, analytical::MultiplierEnergies::of(acc), 1 << 30);
  const auto run = simulate_image(sim, m.qnet, a, exact, m.test.images.pixels.data());
  const auto net = m.qnet.workload();
  ASSERT_EQ(run.layers.size(), net.layers.size());
  std::int64_t cycles = 0;
  double energy = 0;
  const auto placed = analytical::place_layers(acc, net);
  const analytical::Model model(acc, analytical::MultiplierEnergies::of(acc));
  const auto an = model.run(net, to_accel(a, exact));
  for (std::size_t i = 0; i < run.layers.size(); ++i) {
    const auto& l = run.layers[i];
    cycles += l.cycles;
    energy += l.energy.total();
    EXPECT_EQ(l.index, placed[i].index);
    EXPECT_EQ(l.input_on_chip, placed[i].input_on_chip) << l.layer;
    EXPECT_EQ(l.weights_on_chip, placed[i].weights_on_chip) << l.layer;
    EXPECT_EQ(l.multiplier, an.layers[i].multiplier) << l.layer;
  }
  EXPECT_EQ(c.cycles, cycles);
  EXPECT_DOUBLE_EQ(c.energy_pj, energy);
  EXPECT_EQ(run.layers[1].multiplier, "trunc_op:k=4,signed=1");
}

TEST(XaiGen, PlacementFollowsTheSelection) {
  const auto acc = edge();
  const auto net = tiny_net(3).workload();
  const auto all = analytical::place_layers(acc, net);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_FALSE(all[0].input_on_chip);  // the first layer reads DRAM
  // A layer run without its predecessor reads its input from DRAM.
  const auto some = analytical::place_layers(acc, net, {0, 2});
  EXPECT_FALSE(some[1].input_on_chip);
  EXPECT_THROW(analytical::place_layers(acc, net, {2, 1}), Error);
  EXPECT_THROW(analytical::place_layers(acc, net, {7}), Error);
}

// Operand-aware energy: each layer's own operand stream, weight-stationary (a PE's weight is
// fixed while activations go by); multipliers without a netlist keep the catalog figure.
TEST(OperandEnergy, LayerStreamsAndPerLayerFigures) {
  const auto m = tiny_model();
  const engine::Engine eng(m.qnet);
  std::vector<engine::MacTrace> tr;
  eng.run(eng.quantize_image(m.train.images.pixels.data()).data(), &tr);
  const auto s = layer_stream(tr[0], 1000);
  ASSERT_EQ(s.a.size(), 960u);  // whole columns: 15 PEs x 64 activations
  // conv1: M = 64 output pixels per PE, so the weight changes every 64 pairs only.
  for (std::size_t i = 1; i < 64; ++i) EXPECT_EQ(s.b[i], s.b[0]);
  const auto acc = edge();
  const analytical::MultiplierEnergies base(acc.energy.catalog);
  const auto oe = operand_aware_energies(
      m.qnet, m.train, 0, 2, {"exact:signed=1", "trunc_op:k=4,signed=1", "mitchell:w=3,signed=1"},
      base, mult::load_gate_library(paths::shipped("configs/gate_library.yaml")));
  EXPECT_EQ(oe.uncosted, (std::vector<std::string>{"mitchell:w=3,signed=1"}));
  for (const char* layer : {"conv1", "fc1", "fc2"}) {
    const double e = oe.energies.fj("exact:signed=1", layer);
    const double t = oe.energies.fj("trunc_op:k=4,signed=1", layer);
    EXPECT_GT(e, 0.0) << layer;
    EXPECT_NE(e, base.fj("exact:signed=1")) << layer;  // not the uniform figure
    EXPECT_LT(t, e) << layer;
  }
  EXPECT_EQ(oe.energies.fj("exact:signed=1", "no_such_layer"), base.fj("exact:signed=1"));
  EXPECT_NE(oe.description.find("operand-aware"), std::string::npos);
}

// The operands a multiplier is evolved for: every product of the layer counted once, the
// stream a weight-stationary PE sees for the energy, and a clear error for a wrong layer.
TEST(Evolve, LayerOperandsCountEveryProduct) {
  const auto m = tiny_model();
  const engine::Engine eng(m.qnet);
  for (int images : {1, 3}) {
    const auto ops = layer_operands(m.qnet, m.train, 0, images, "fc1", 900);
    double products = 0;
    for (int i = 0; i < images; ++i) {
      std::vector<engine::MacTrace> tr;
      eng.run(eng.quantize_image(m.train.images.pixels.data() + i * 28 * 28).data(), &tr);
      for (const auto& t : tr)
        if (t.op == "fc1") products += static_cast<double>(t.m * t.n * t.k);
    }
    double total = 0;
    for (double w : ops.weight) total += w;
    EXPECT_EQ(total, products);
    EXPECT_TRUE(ops.is_signed);
    EXPECT_GT(ops.stream.a.size(), 1u);
    EXPECT_LE(ops.stream.a.size(), 900u);
    // A pair of the stream is one the layer multiplies.
    EXPECT_GT(ops.weight[(std::size_t{ops.stream.a[0]} << 8) | ops.stream.b[0]], 0.0);
  }
  try {
    layer_operands(m.qnet, m.train, 0, 1, "fc3");
    FAIL() << "no error for a missing layer";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean"), std::string::npos) << e.what();
  }
  EXPECT_THROW(layer_operands(m.qnet, m.train, 0, 0, "fc1"), Error);
}

}  // namespace
}  // namespace axpod::host
