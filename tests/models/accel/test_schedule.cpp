#include "accel/schedule.h"

#include <gtest/gtest.h>

#include "accel/accelerator.h"
#include "common/error.h"
#include "workload/layer.h"

namespace axpod::accel {
namespace {

Accelerator tpu() {
  return load_accelerator(std::string(AXPOD_TEST_SOURCE_DIR) +
                          "/configs/accelerators/tpu_v4_like.yaml");
}

std::vector<std::size_t> all_layers(const workload::Network& net) {
  std::vector<std::size_t> v;
  for (std::size_t i = 0; i < net.layers.size(); ++i) v.push_back(i);
  return v;
}

/// The message of the ConfigError a schedule text raises ("" when it parses).
std::string error_of(const std::string& text) {
  const auto net = workload::builtin_network("lenet5");
  try {
    parse_schedule(text, "s.yaml", tpu(), net);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Schedule, ShippedPipelineParsesRangesOfPodsAndLayers) {
  const auto net = workload::builtin_network("lenet5");
  const auto s = load_schedule(
      std::string(AXPOD_TEST_SOURCE_DIR) + "/configs/schedules/lenet5_tpu_v4_pipeline.yaml", tpu(),
      net);
  EXPECT_FALSE(s.is_default());
  EXPECT_EQ(s.batch, 8);
  ASSERT_EQ(s.stages.size(), 2u);
  EXPECT_EQ(s.stages[0].name, "features");
  EXPECT_EQ(s.stages[0].pods, (std::vector<int>{0, 1}));
  EXPECT_EQ(s.stages[1].pods, (std::vector<int>{2, 3}));
  // conv1, pool1, conv2, pool2 | fc1, fc2, fc3.
  EXPECT_EQ(s.stages[0].layers, (std::vector<std::size_t>{0, 1, 2, 3}));
  EXPECT_EQ(s.stages[1].layers, (std::vector<std::size_t>{4, 5, 6}));
  EXPECT_EQ(s.stage_of(static_cast<std::size_t>(net.find("fc2"))), 1);
}

TEST(Schedule, JobsRunSampleBySampleEachWaitingForItsPreviousLayer) {
  const auto net = workload::builtin_network("lenet5");
  const auto s = parse_schedule(
      "batch: 2\nstages:\n  - {pods: [0], layers: ['conv1..pool2']}\n"
      "  - {pods: '1..3', layers: ['fc1..fc3']}\n",
      "s.yaml", tpu(), net);
  const auto jobs = expand_schedule(s, net, all_layers(net));
  ASSERT_EQ(jobs.size(), 14u);
  EXPECT_EQ(jobs[0].after, -1);  // sample 0's first layer waits for nothing
  EXPECT_EQ(jobs[7].after, -1);  // nor does sample 1's
  EXPECT_EQ(jobs[7].item, 1);
  EXPECT_EQ(jobs[4].after, 3);  // fc1 waits for pool2 of the same sample
  EXPECT_EQ(jobs[4].stage, 1);
  EXPECT_EQ(jobs[11].after, 10);
  EXPECT_EQ(s.stages[1].pods, (std::vector<int>{1, 2, 3}));
  // A run of some layers: only those, still chained.
  const auto some = expand_schedule(s, net, {2, 4});
  ASSERT_EQ(some.size(), 4u);
  EXPECT_EQ(some[1].after, 0);
  EXPECT_EQ(some[1].stage, 1);
}

TEST(Schedule, DefaultIsOneStageOfEveryPod) {
  const auto net = workload::builtin_network("lenet5");
  const auto s = default_schedule(tpu(), all_layers(net));
  EXPECT_TRUE(s.is_default());
  ASSERT_EQ(s.stages.size(), 1u);
  EXPECT_EQ(s.stages[0].pods.size(), 4u);
  EXPECT_EQ(s.batch, 1);
  const auto jobs = expand_schedule(s, net, all_layers(net));
  EXPECT_EQ(jobs.size(), net.layers.size());
}

TEST(Schedule, EveryProblemIsNamedWithItsPosition) {
  // A layer in no stage: expand_schedule says which.
  {
    const auto net = workload::builtin_network("lenet5");
    const auto s =
        parse_schedule("stages:\n  - {pods: [0], layers: [conv1, pool1]}\n", "s.yaml", tpu(), net);
    try {
      expand_schedule(s, net, all_layers(net));
      FAIL() << "a layer without a stage was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("conv2"), std::string::npos) << e.what();
    }
  }
  const std::string unknown = error_of("stages:\n  - {pods: [0], layers: [conv3]}\n");
  EXPECT_NE(unknown.find("s.yaml:2"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("did you mean 'conv1'"), std::string::npos) << unknown;
  const std::string pod = error_of("stages:\n  - {pods: [4], layers: [conv1]}\n");
  EXPECT_NE(pod.find("s.yaml:2"), std::string::npos) << pod;
  EXPECT_NE(pod.find("[0, 3]"), std::string::npos) << pod;
  const std::string shared = error_of(
      "stages:\n  - {pods: [0, 1], layers: [conv1]}\n  - {name: b, pods: '1..2', layers: "
      "[pool1]}\n");
  EXPECT_NE(shared.find("pod 1 is already in stage 'stage0'"), std::string::npos) << shared;
  const std::string twice = error_of(
      "stages:\n  - {pods: [0], layers: ['conv1..conv2']}\n  - {pods: [1], layers: [pool1]}\n");
  EXPECT_NE(twice.find("layer 'pool1' is already in stage 'stage0'"), std::string::npos) << twice;
  const std::string backwards = error_of("stages:\n  - {pods: [0], layers: ['fc1..conv1']}\n");
  EXPECT_NE(backwards.find("comes after"), std::string::npos) << backwards;
  const std::string batch = error_of("batch: 0\nstages:\n  - {pods: [0], layers: [conv1]}\n");
  EXPECT_NE(batch.find("batch"), std::string::npos) << batch;
  const std::string typo = error_of("stages:\n  - {pods: [0], layer: [conv1]}\n");
  EXPECT_NE(typo.find("layers"), std::string::npos) << typo;
  const std::string badrange = error_of("stages:\n  - {pods: 'a..b', layers: [conv1]}\n");
  EXPECT_NE(badrange.find("not a pod range"), std::string::npos) << badrange;
}

}  // namespace
}  // namespace axpod::accel
