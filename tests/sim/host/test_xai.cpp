// XAI ranking and assignment search (slow: trains small models on Fashion-MNIST).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "accel/accelerator.h"
#include "analytical/model.h"
#include "common/error.h"
#include "common/paths.h"
#include "engine/infer.h"
#include "gen.h"
#include "nas/arch.h"
#include "torch_backend.h"
#include "xai_gen.h"
#include "zoo.h"

namespace axpod::host {
namespace {

const data::Split& train_set() {
  static const data::Split s = data::load_fashion_mnist(data::kFashionMnistDir, "train");
  return s;
}
const data::Split& test_set() {
  static const data::Split s = data::load_fashion_mnist(data::kFashionMnistDir, "test");
  return s;
}

struct Trained {
  std::string pt;
  engine::QNet qnet;
};

Trained quick(const std::string& model, int images) {
  TrainOptions o;
  o.model = model;
  o.epochs = 1;
  o.train_limit = images;
  o.calib_images = 500;
  o.threads = 2;
  // One file per process: ctest runs these tests in parallel, each training its own model.
  o.weights_out = ::testing::TempDir() + "/" + model + "_quick_" + std::to_string(images) + "_" +
                  std::to_string(::getpid()) + ".pt";
  const auto r = train(o, train_set(), test_set());
  return {o.weights_out, r.qnet};
}

// A layer whose contribution is removed (a residual branch with zero weights after it) has zero
// conductance and ranks last, with both methods.
TEST(Xai, AnIrrelevantLayerRanksLast) {
  const auto t = quick("resnet8", 3000);
  const std::string ablated =
      ::testing::TempDir() + "/resnet8_ablated_" + std::to_string(::getpid()) + ".pt";
  zero_layer_weights("resnet8", t.pt, ablated, "block2.conv2");
  for (auto method : {RankMethod::conductance, RankMethod::grad_x_act}) {
    const auto scores = rank_layers("resnet8", ablated, method, train_set(),
                                    validation_begin(train_set()), 32, 8, 2);
    double dead = 0, min_alive = 1e300;
    for (const auto& s : scores) {
      if (s.layer == "block2.conv1" || s.layer == "block2.conv2")
        dead = std::max(dead, s.score);
      else
        min_alive = std::min(min_alive, s.score);
    }
    EXPECT_LT(dead, 1e-9);
    EXPECT_GT(min_alive, 1e-6);
  }
  // Before the ablation the same layers matter.
  const auto before = rank_layers("resnet8", t.pt, RankMethod::conductance, train_set(),
                                  validation_begin(train_set()), 32, 8, 2);
  for (const auto& s : before) {
    if (s.layer == "block2.conv1") {
      EXPECT_GT(s.score, 1e-6);
    }
  }
}

// Every search keeps the validation accuracy loss within the budget and never costs more
// energy than the exact design; the Pareto front is strictly increasing in both objectives.
TEST(Xai, SearchesRespectTheAccuracyBudget) {
  const auto t = quick("lenet5", 3000);
  const auto acc = accel::load_accelerator(paths::shipped("configs/accelerators/tpu_v4_like.yaml"));
  const analytical::MultiplierEnergies en(acc.energy.catalog);
  const std::vector<std::string> cands = {"trunc_op:k=4,signed=1", "trunc_op:k=3,signed=1",
                                          "drum:k=3,signed=1", "drum:k=4,signed=1"};
  for (double budget : {0.5, 2.0}) {
    Evaluator ev(t.qnet, acc, en, train_set(), validation_begin(train_set()), 500, 2);
    const double acc0 = ev.exact().accuracy;
    const auto scores = rank_layers("lenet5", t.pt, RankMethod::conductance, train_set(),
                                    validation_begin(train_set()), 16, 4, 2);
    std::vector<std::string> order;
    for (const auto& s : scores) order.push_back(s.layer);
    std::vector<SearchResult> results = {
        greedy_by_order(ev, order, cands, budget, "xai-gen"), uniform_search(ev, cands, budget),
        random_search(ev, cands, budget, 10, 3), nsga2_search(ev, cands, budget, 8, 3, 5)};
    for (const auto& r : results) {
      EXPECT_LE(100.0 * (acc0 - r.best.accuracy), budget + 1e-9) << r.method;
      EXPECT_LE(r.best.energy_pj, ev.exact().energy_pj) << r.method;
    }
    EXPECT_GT(results[0].evaluations, 0);
    const auto front = pareto_front(ev.history());
    for (std::size_t i = 1; i < front.size(); ++i) {
      EXPECT_GT(front[i].energy_pj, front[i - 1].energy_pj);
      EXPECT_GT(front[i].accuracy, front[i - 1].accuracy);
    }
  }
}

TEST(Xai, Nsga2IsDeterministicForASeed) {
  const auto t = quick("lenet5", 1500);
  const auto acc = accel::load_accelerator(paths::shipped("configs/accelerators/edge_16x16.yaml"));
  const analytical::MultiplierEnergies en(acc.energy.catalog);
  const std::vector<std::string> cands = {"trunc_op:k=4,signed=1", "drum:k=4,signed=1"};
  Evaluator a(t.qnet, acc, en, train_set(), validation_begin(train_set()), 300, 2);
  Evaluator b(t.qnet, acc, en, train_set(), validation_begin(train_set()), 300, 2);
  const auto ra = nsga2_search(a, cands, 1.0, 6, 2, 9);
  const auto rb = nsga2_search(b, cands, 1.0, 6, 2, 9);
  EXPECT_EQ(ra.best.assign, rb.best.assign);
  EXPECT_EQ(ra.evaluations, rb.evaluations);
}

// The fine-tuning forward pass is the int8 engine with the layers' multiplier tables: its logits
// equal the engine's bit for bit, for exact and approximate layers alike.
TEST(Finetune, ForwardEqualsTheEngineBitForBit) {
  const auto t = quick("lenet5", 1500);
  const Assignment a{{"conv2", "drum:k=4,signed=1"},
                     {"fc1", "trunc_op:k=4,signed=1"},
                     {"fc3", "bam:h=2,v=8,signed=1"}};
  const auto tables = layer_tables(t.qnet, a, "exact:signed=1");
  ASSERT_EQ(tables.by_layer.size(), 3u);
  const auto logits =
      torch_backend().finetune_logits("lenet5", t.pt, t.qnet, tables.by_layer, test_set(), 0, 24);
  engine::Engine eng(t.qnet);
  eng.assign(a, "exact:signed=1");
  ASSERT_EQ(logits.size(), 24u);
  for (int i = 0; i < 24; ++i) {
    const auto want = eng.run(eng.quantize_image(test_set().images.pixels.data() + i * 784).data());
    EXPECT_EQ(logits[i], want) << "image " << i;
  }
}

// Fine-tuning for an aggressive assignment recovers accuracy that the assignment lost, keeps the
// activation scales (the forward pass used them) and writes the tuned model.
TEST(Finetune, RecoversAccuracyForTheAssignment) {
  const auto t = quick("lenet5", 3000);
  TrainedModel m;
  m.prefix = ::testing::TempDir() + "/lenet5_ft_base_" + std::to_string(::getpid());
  std::filesystem::copy_file(t.pt, m.prefix + ".pt",
                             std::filesystem::copy_options::overwrite_existing);
  m.qnet = t.qnet;
  m.train = train_set();
  m.test = test_set();
  const Assignment a{{"conv1", "trunc_op:k=4,signed=1"}, {"conv2", "trunc_op:k=5,signed=1"}};
  const std::string exact = "exact:signed=1";
  const auto val = [&](const engine::QNet& q) {
    engine::Engine e(q);
    e.assign(a, exact);
    return e.accuracy(train_set(), validation_begin(train_set()),
                      validation_begin(train_set()) + 1000, 2);
  };
  FinetuneOptions o;
  o.epochs = 1;
  o.train_limit = 3000;
  o.threads = 2;
  o.lr = 5e-4;
  const std::string out = ::testing::TempDir() + "/lenet5_ft_out_" + std::to_string(::getpid());
  const auto tuned = finetune(m, a, exact, o, out);
  EXPECT_GT(val(tuned.qnet), val(t.qnet) + 0.02);
  ASSERT_EQ(tuned.qnet.tensors.size(), t.qnet.tensors.size());
  for (std::size_t i = 0; i < t.qnet.tensors.size(); ++i)
    EXPECT_EQ(tuned.qnet.tensors[i].scale, t.qnet.tensors[i].scale);
  EXPECT_TRUE(std::filesystem::exists(out + ".pt"));
  EXPECT_EQ(engine::load_qnet(out + ".axq").ops.size(), t.qnet.ops.size());
}

// Attacks: FGSM and PGD raise the loss of the model whose gradients they follow, stay within
// eps on the pixel grid, eps 0 changes nothing, and the same call gives the same images.
TEST(Attack, RaisesTheLossWithinEpsAndIsDeterministic) {
  const auto t = quick("lenet5", 6000);  // 1,500 images leave a model too weak to attack
  const Assignment a{{"conv2", "trunc_op:k=3,signed=1"}};
  const auto tables = layer_tables(t.qnet, a, "exact:signed=1");
  AttackOptions o;
  o.model = "lenet5";
  o.weights_pt = t.pt;
  o.threads = 2;
  const int n = 64;
  const auto* clean = test_set().images.pixels.data();
  for (const char* method : {"fgsm", "pgd"})
    for (bool approx : {false, true}) {
      o.method = method;
      o.steps = 3;
      o.approx_gradients = approx;
      o.eps = 0.05;
      const auto r = torch_backend().attack(o, t.qnet, tables.by_layer, test_set(), 0, n);
      ASSERT_EQ(r.pixels.size(), static_cast<std::size_t>(n) * 784);
      EXPECT_GT(r.loss_adv, r.loss_clean + 0.1) << method << approx;
      int changed = 0;
      for (std::size_t i = 0; i < r.pixels.size(); ++i) {
        EXPECT_LE(std::abs(int{r.pixels[i]} - int{clean[i]}), 13) << i;  // 0.05 * 255, rounded
        changed += r.pixels[i] != clean[i];
      }
      EXPECT_GT(changed, n * 100);
      const auto again = torch_backend().attack(o, t.qnet, tables.by_layer, test_set(), 0, n);
      EXPECT_EQ(again.pixels, r.pixels);
      o.eps = 0;
      const auto none = torch_backend().attack(o, t.qnet, tables.by_layer, test_set(), 0, n);
      EXPECT_TRUE(std::equal(none.pixels.begin(), none.pixels.end(), clean));
      EXPECT_DOUBLE_EQ(none.loss_adv, none.loss_clean);
    }
  o.method = "bim";
  EXPECT_THROW(torch_backend().attack(o, t.qnet, tables.by_layer, test_set(), 0, n), Error);
}

// Every architecture the search can reach builds, trains, quantizes and runs in the engine and
// the analytical model, with the MAC layers the space names.
TEST(Nas, SampledArchitecturesTrainQuantizeAndRun) {
  std::mt19937_64 rng(7);
  const auto acc = accel::load_any_accelerator("edge_16x16");
  const analytical::Model model(acc, analytical::MultiplierEnergies(acc.energy.catalog));
  for (int i = 0; i < 5; ++i) {
    nas::Arch a = nas::parse_arch("nas_c8k3p_c16k3p_f64");
    for (int step = 0; step < 6; ++step)
      a = nas::apply_move(a, static_cast<int>(rng() % nas::mac_layers(a).size()),
                          static_cast<nas::Move>(rng() % nas::kMoves));
    const std::string name = nas::arch_name(a);
    TrainOptions o;
    o.model = name;
    o.epochs = 1;
    o.train_limit = 200;
    o.calib_images = 50;
    o.threads = 2;
    const auto r = train(o, train_set(), test_set());
    EXPECT_EQ(r.qnet.name, name);
    std::vector<std::string> macs;
    for (const auto& op : r.qnet.ops)
      if (op.is_mac()) macs.push_back(op.name);
    EXPECT_EQ(macs, nas::mac_layers(a)) << name;
    engine::Engine eng(r.qnet);
    const auto logits = eng.run(eng.quantize_image(test_set().images.pixels.data()).data());
    EXPECT_EQ(logits.size(), 10u) << name;
    const auto res = model.run(r.qnet.workload());
    EXPECT_GT(res.cycles, 0) << name;
    EXPECT_EQ(res.macs, eng.macs_per_image()) << name;
  }
}

// NAS inheritance: a child starts from its parent's weights where names and shapes match (with a
// negligible learning rate its int8 weights there equal the parent's), elsewhere from scratch.
TEST(Nas, InheritanceCopiesTheMatchingWeights) {
  TrainOptions o;
  o.model = "nas_c8k3p_c16k3p_f64";
  o.epochs = 1;
  o.train_limit = 300;
  o.calib_images = 50;
  o.threads = 2;
  o.weights_out = ::testing::TempDir() + "/nas_parent_" + std::to_string(::getpid()) + ".pt";
  const auto parent = train(o, train_set(), test_set());
  TrainOptions c = o;
  c.model = "nas_c8k3p_c16k3p_f32";
  c.weights_out.clear();
  c.lr = 1e-12;
  c.seed = 99;
  c.init_model = o.model;
  c.init_pt = o.weights_out;
  const auto child = train(c, train_set(), test_set());
  const auto weights = [](const engine::QNet& q, const std::string& op) {
    return q.ops[static_cast<std::size_t>(q.find(op))].weights;
  };
  EXPECT_EQ(weights(child.qnet, "conv1"), weights(parent.qnet, "conv1"));
  EXPECT_EQ(weights(child.qnet, "conv2"), weights(parent.qnet, "conv2"));
  EXPECT_NE(weights(child.qnet, "fc1").size(), weights(parent.qnet, "fc1").size());
  c.init_pt.clear();  // without inheritance the same seed gives other conv weights
  const auto fresh = train(c, train_set(), test_set());
  EXPECT_NE(weights(fresh.qnet, "conv1"), weights(parent.qnet, "conv1"));
}

}  // namespace
}  // namespace axpod::host
