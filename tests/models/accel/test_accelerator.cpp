#include "accel/accelerator.h"

#include <gtest/gtest.h>

#include <fstream>

#include "accel/assignment.h"
#include "common/error.h"
#include "workload/layer.h"

namespace axpod::accel {
namespace {

std::string shipped(const std::string& rel) {
  return std::string(AXPOD_TEST_SOURCE_DIR) + "/" + rel;
}

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(Accelerator, ShippedConfigsLoad) {
  const auto tpu = load_accelerator(shipped("configs/accelerators/tpu_v4_like.yaml"));
  EXPECT_EQ(tpu.pods.size(), 4u);
  EXPECT_EQ(tpu.pods[0].rows, 128);
  EXPECT_EQ(tpu.clock_mhz, 1050);
  EXPECT_EQ(tpu.total_pes(), 4 * 128 * 128);
  EXPECT_EQ(tpu.energy.catalog, shipped("configs/catalog.csv"));  // relative to the YAML file
  const auto sosa = load_accelerator(shipped("configs/accelerators/sosa_32x32.yaml"));
  EXPECT_EQ(sosa.noc.topology, Topology::butterfly);
  EXPECT_EQ(sosa.total_pes(), tpu.total_pes());
  const auto edge = load_accelerator(shipped("configs/accelerators/edge_16x16.yaml"));
  EXPECT_EQ(edge.noc.topology, Topology::bus);
}

TEST(Accelerator, BadConfigReportsEveryProblemWithPositions) {
  std::string text;
  {
    std::ifstream in(shipped("configs/accelerators/edge_16x16.yaml"));
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto replace = [&](const std::string& from, const std::string& to) {
    text.replace(text.find(from), from.size(), to);
  };
  replace("    rows: 16\n", "    rows: -4\n");
  replace("dataflow: ws", "dataflow: xs");
  replace("multiplier: exact:signed=1", "multiplier: drun:k=4");
  replace("clock_mhz: 500", "clock_mhz: 500\nclok: 3");
  const auto p = write_temp("bad_acc.yaml", text);
  try {
    load_accelerator(p);
    FAIL();
  } catch (const ConfigError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find(p + ":9:11: pods[0].rows: expected an integer in [1, 4096], got \"-4\""),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("pods[0].dataflow: expected ws, os or is, got \"xs\""), std::string::npos)
        << m;
    EXPECT_NE(m.find("pods[0].multiplier: unknown multiplier 'drun:k=4'"), std::string::npos) << m;
    EXPECT_NE(m.find("clok: unknown key"), std::string::npos) << m;
    EXPECT_EQ(e.messages().size(), 4u) << m;
  }
}

TEST(Accelerator, PodsNameTheirModel) {
  std::string text;
  {
    std::ifstream in(shipped("configs/accelerators/edge_16x16.yaml"));
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  const auto with = [&](const std::string& lines) {
    std::string t = text;
    t.replace(t.find("    rows: 16\n"), 0, lines);
    return write_temp("model_acc.yaml", t);
  };
  EXPECT_EQ(load_accelerator(with("    model: rtl\n")).pods[2].model, PodModel::rtl);
  EXPECT_EQ(load_accelerator(with("")).pods[2].model, PodModel::cpp);
  try {
    load_accelerator(with("    model: verilog\n"));
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("pods[0].model: expected cpp or rtl, got \"verilog\""),
              std::string::npos)
        << e.what();
  }
  std::string os = text;
  os.replace(os.find("dataflow: ws"), 12, "dataflow: os");
  os.replace(os.find("    rows: 16\n"), 0, "    model: rtl\n");
  try {
    load_accelerator(write_temp("model_os.yaml", os));
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("the Verilated golden pod) is weight-stationary"),
              std::string::npos)
        << e.what();
  }
}

TEST(ScaleSimConfig, ReadsArrayAndDataflowAndIgnoresOtherSections) {
  const auto a = load_scalesim_config(shipped("configs/scalesim/scale_os_32x32.cfg"));
  ASSERT_EQ(a.pods.size(), 1u);
  EXPECT_EQ(a.pods[0].rows, 32);
  EXPECT_EQ(a.pods[0].cols, 32);
  EXPECT_EQ(a.pods[0].dataflow, Dataflow::os);
  EXPECT_EQ(a.timing, Timing::scalesim);
}

TEST(ScaleSimConfig, BadValuesNameFileLineAndKey) {
  const auto p =
      write_temp("bad.cfg", "[architecture_presets]\nArrayHeight: 32\nArrayWidth: wide\n");
  try {
    load_scalesim_config(p);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              p + ":3: ArrayWidth: expected an integer in [1, 4096], got 'wide'");
  }
  const auto q = write_temp("bad2.cfg", "[architecture_presets]\nArrayHeight: 32\nDataflow: zz\n");
  EXPECT_THROW(load_scalesim_config(q), Error);
  const auto r = write_temp("bad3.cfg", "[architecture_presets]\nArrayHeight: 32\n");
  EXPECT_THROW(load_scalesim_config(r), Error);
}

// A typo in a key used to be ignored (and ws used); a repeated key kept the last value; a BOM
// broke the first section header.
TEST(ScaleSimConfig, UnknownAndRepeatedKeysAreErrorsAndABomIsSkipped) {
  const auto typo = write_temp(
      "typo.cfg", "[architecture_presets]\nArrayHeight: 32\nArrayWidth: 32\nDataflw : os\n");
  try {
    load_scalesim_config(typo);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("typo.cfg:4: unknown key 'Dataflw'"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("did you mean 'Dataflow'"), std::string::npos);
  }
  const auto twice = write_temp(
      "twice.cfg", "[architecture_presets]\nArrayHeight: 32\nArrayWidth: 32\nArrayHeight: 8\n");
  try {
    load_scalesim_config(twice);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("twice.cfg:4: ArrayHeight is set twice"),
              std::string::npos)
        << e.what();
  }
  const auto huge = write_temp(
      "huge.cfg", "[architecture_presets]\nArrayHeight: 16777216\nArrayWidth: 16777216\n");
  EXPECT_THROW(load_scalesim_config(huge), Error);  // was a bad_alloc in the cycle-level model
  const auto bom =
      write_temp("bom.cfg", "\xEF\xBB\xBF[architecture_presets]\nArrayHeight: 16\nArrayWidth: 8\n");
  const auto a = load_scalesim_config(bom);
  EXPECT_EQ(a.pods[0].rows, 16);
  EXPECT_EQ(a.pods[0].cols, 8);
}

TEST(Assignment, LoadsAndRejectsUnknownLayersAndMultipliers) {
  const auto net = workload::builtin_network("lenet5");
  const auto a = load_assignment(shipped("configs/assignment_lenet5_example.yaml"), net);
  EXPECT_EQ(a.for_layer("conv2"), "drum:k=4,signed=1");
  EXPECT_EQ(a.for_layer("conv1"), "exact:signed=1");
  const auto p = write_temp("as.yaml", "layers:\n  conv3: drum\n  fc1: drun\n  pool1: exact\n");
  try {
    load_assignment(p, net);
    FAIL();
  } catch (const ConfigError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find(p + ":2:10: layers.conv3: no layer 'conv3' in network 'lenet5' (did you mean"),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("layers.fc1: unknown multiplier 'drun'"), std::string::npos) << m;
    EXPECT_NE(m.find("layers.pool1: layer 'pool1' has no multiplications"), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace axpod::accel
