// Training and quantization (libtorch). Slow: they train on Fashion-MNIST.
#include "zoo.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "engine/infer.h"

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

TEST(Zoo, TrainingIsDeterministicForASeedOnAnyThreadCount) {
  TrainOptions o;
  o.model = "lenet5";
  o.epochs = 1;
  o.train_limit = 1500;
  o.calib_images = 500;
  o.seed = 11;
  o.threads = 2;
  const auto a = train(o, train_set(), test_set());
  const auto b = train(o, train_set(), test_set());
  EXPECT_EQ(a.float_test_accuracy, b.float_test_accuracy);
  ASSERT_EQ(a.qnet.ops.size(), b.qnet.ops.size());
  for (std::size_t i = 0; i < a.qnet.ops.size(); ++i)
    EXPECT_EQ(a.qnet.ops[i].weights, b.qnet.ops[i].weights);
  // The same on one thread: the shards of every batch add up in the same order.
  o.threads = 1;
  const auto one = train(o, train_set(), test_set());
  EXPECT_EQ(one.float_test_accuracy, a.float_test_accuracy);
  for (std::size_t i = 0; i < a.qnet.ops.size(); ++i)
    EXPECT_EQ(one.qnet.ops[i].weights, a.qnet.ops[i].weights);
  o.threads = 2;
  o.seed = 12;
  const auto c = train(o, train_set(), test_set());
  EXPECT_NE(a.qnet.ops[0].weights, c.qnet.ops[0].weights);
}

TEST(Zoo, ResidualModelTrainsAndQuantizes) {
  TrainOptions o;
  o.model = "resnet8";
  o.epochs = 1;
  o.train_limit = 6000;
  o.calib_images = 500;
  o.threads = 2;
  const auto r = train(o, train_set(), test_set());
  EXPECT_GT(r.float_test_accuracy, 0.3);  // 94 steps of a ResNet without batch norm (chance: 0.1)
  int adds = 0;
  for (const auto& op : r.qnet.ops) adds += op.kind == engine::OpKind::add;
  EXPECT_EQ(adds, 3);
  const engine::Engine e(r.qnet);
  EXPECT_NEAR(e.accuracy(test_set(), 0, 2000, 2), r.float_test_accuracy, 0.05);
}

// The acceptance figure: exact-int8 accuracy within 1 percentage point of float (LeNet-5,
// 3 epochs on all 60,000 training images).
TEST(Zoo, Int8AccuracyIsWithinOnePointOfFloat) {
  TrainOptions o;
  o.model = "lenet5";
  o.epochs = 3;
  o.threads = 2;
  const auto r = train(o, train_set(), test_set());
  EXPECT_GT(r.float_test_accuracy, 0.84);
  const engine::Engine e(r.qnet);
  const double int8 = e.accuracy(test_set(), 0, test_set().images.count, 2);
  EXPECT_NEAR(int8, r.float_test_accuracy, 0.01);
}

TEST(Zoo, UnknownModelIsRefused) {
  TrainOptions o;
  o.model = "lenet6";
  try {
    train(o, train_set(), test_set());
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'lenet5'"), std::string::npos);
  }
}

}  // namespace
}  // namespace axpod::host
