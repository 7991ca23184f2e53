#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "workload/layer.h"
#include "workload/readers.h"

namespace axpod::workload {
namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Layer, OutputSizeConventions) {
  EXPECT_EQ(conv_out(224, 7, 2, 3), 112);  // (224 + 6 - 7) / 2 + 1
  EXPECT_EQ(conv_out(28, 5, 1, 0), 24);
  EXPECT_EQ(scalesim_out(227, 11, 4), 55);  // ceil((227 - 11 + 4) / 4) = ceil(55.0)
  EXPECT_EQ(scalesim_out(10, 3, 2), 5);     // ceil((10 - 3 + 2) / 2) = ceil(4.5); floor form: 4
  EXPECT_EQ(conv_out(10, 3, 2, 0), 4);
}

TEST(Layer, GemmShapes) {
  // conv: M = out pixels x batch, K = kh * kw * C, N = filters.
  const auto c = make_conv("c", 56, 56, 64, 3, 128, 2, 1, 2);
  const auto g = c.gemm();
  EXPECT_EQ(g.m, 28 * 28 * 2);
  EXPECT_EQ(g.k, 3 * 3 * 64);
  EXPECT_EQ(g.n, 128);
  EXPECT_EQ(c.macs(), g.m * g.n * g.k);
  // depthwise: one GEMM per channel with N = 1, K = kh * kw.
  const auto d = make_depthwise("d", 14, 14, 32, 3, 1, 1).gemm();
  EXPECT_EQ(d.groups, 32);
  EXPECT_EQ(d.n, 1);
  EXPECT_EQ(d.k, 9);
  EXPECT_EQ(d.m, 14 * 14);
  const auto f = make_fc("f", 400, 120).gemm();
  EXPECT_EQ(f.m, 1);
  EXPECT_EQ(f.k, 400);
  EXPECT_EQ(f.n, 120);
  EXPECT_EQ(make_add("a", 7, 7, 512).macs(), 0);
  EXPECT_EQ(make_pool("p", 8, 8, 4, 2, 2).out_h, 4);
}

// Published MAC counts of the reference networks (224x224 input, batch 1).
TEST(Networks, BuiltInsHaveTheirPublishedMacCounts) {
  EXPECT_EQ(builtin_network("lenet5").macs(), 416520);  // 117600 + 240000 + 48000 + 10080 + 840
  EXPECT_NEAR(builtin_network("resnet18").macs() / 1e9, 1.814, 0.001);
  EXPECT_NEAR(builtin_network("resnet50").macs() / 1e9, 4.09, 0.01);
  EXPECT_NEAR(builtin_network("vgg16").macs() / 1e9, 15.47, 0.01);
  EXPECT_NEAR(builtin_network("mobilenet_v1").macs() / 1e6, 569, 1);
  EXPECT_EQ(builtin_network("resnet18", 4).macs(), 4 * builtin_network("resnet18").macs());
  const auto t = builtin_network("transformer");
  EXPECT_EQ(t.layers.size(), 8u);
  EXPECT_EQ(t.layers[t.find("ffn1")].gemm().n, 3072);
}

TEST(Networks, ResNetHasResidualAddsAndNamesAreUnique) {
  const auto n = builtin_network("resnet18");
  int adds = 0;
  std::set<std::string> names;
  for (const auto& l : n.layers) {
    adds += l.kind == LayerKind::add;
    EXPECT_TRUE(names.insert(l.name).second) << l.name;
  }
  EXPECT_EQ(adds, 8);
  EXPECT_NE(error_of([] { builtin_network("resnet19"); }).find("did you mean 'resnet18'"),
            std::string::npos);
}

TEST(ScaleSimTopology, ReadsConvRowsInItsConvention) {
  const auto p = write_temp("t.csv",
                            "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, "
                            "Channels, Num Filter, Strides,\nConv1, 10, 12, 3, 3, 4, 8, 2,\n");
  const auto n = read_scalesim_topology(p);
  ASSERT_EQ(n.layers.size(), 1u);
  const auto g = n.layers[0].gemm();
  EXPECT_EQ(g.m, 5 * 6);  // ceil((10-3+2)/2) = 5, ceil((12-3+2)/2) = 6
  EXPECT_EQ(g.k, 36);
  EXPECT_EQ(g.n, 8);
}

TEST(ScaleSimTopology, ReadsGemmRows) {
  const auto p = write_temp("g.csv", "Layer, M, N, K,\nqk, 128, 64, 32,\n");
  const auto g = read_scalesim_topology(p).layers[0].gemm();
  EXPECT_EQ(g.m, 128);
  EXPECT_EQ(g.n, 64);
  EXPECT_EQ(g.k, 32);
}

// Sizes whose products would overflow the 64-bit counters are refused, not turned into 0 MACs
// and negative energy.
TEST(ScaleSimTopology, HugeLayersAreRefused) {
  const std::string g =
      write_temp("huge_g.csv", "Layer, M, N, K,\nbig, 1073741824, 1073741824, 1073741824,\n");
  EXPECT_NE(error_of([&] { read_scalesim_topology(g); }).find("more than 2^50 MACs"),
            std::string::npos);
  const std::string c = write_temp(
      "huge_c.csv",
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
      "Strides,\nbig, 1073741824, 1073741824, 1024, 1024, 1073741824, 1073741824, 1,\n");
  const std::string e = error_of([&] { read_scalesim_topology(c); });
  EXPECT_NE(e.find("huge_c.csv:2"), std::string::npos) << e;
  EXPECT_NE(e.find("2^50 MACs"), std::string::npos) << e;
  const std::string y = write_temp("huge_fc.yaml",
                                   "name: big\ninput: [65536, 65536, 1]\nlayers:\n"
                                   "  - {name: fc1, type: fc, out: 10}\n");
  EXPECT_NE(error_of([&] { read_network_yaml(y); }).find("at most 2^30"), std::string::npos);
}

TEST(ScaleSimTopology, BadRowsNameFileLineAndField) {
  const std::string hdr =
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
      "Strides,\n";
  const auto p1 =
      write_temp("b1.csv", hdr + "c1, 10, 10, 3, 3, 4, 8, 1,\nc2, 10, x, 3, 3, 4, 8, 1,\n");
  EXPECT_EQ(error_of([&] { read_scalesim_topology(p1); }),
            p1 + ":3: IFMAP Width: expected a positive integer, got 'x'");
  const auto p2 = write_temp("b2.csv", hdr + "c1, 10, 10, 3,\n");
  EXPECT_EQ(error_of([&] { read_scalesim_topology(p2); }), p2 + ":2: expected 8 fields, got 4");
  const auto p3 = write_temp("b3.csv", hdr + "c1, 2, 2, 3, 3, 4, 8, 1,\n");
  EXPECT_NE(error_of([&] { read_scalesim_topology(p3); }).find(":2: the filter (3x3) is larger"),
            std::string::npos);
  const auto p4 = write_temp("b4.csv", "foo,bar\n");
  EXPECT_NE(error_of([&] { read_scalesim_topology(p4); }).find(":1: expected a SCALE-Sim header"),
            std::string::npos);
  const auto p5 = write_temp("b5.csv", hdr + "c1, 10, 10, 3, 3, 4, 8, 0,\n");
  EXPECT_NE(error_of([&] { read_scalesim_topology(p5); }).find("Strides"), std::string::npos);
}

TEST(NetworkYaml, ChainsShapes) {
  const auto n =
      load_network(std::string(AXPOD_TEST_SOURCE_DIR) + "/configs/networks/tiny_cnn.yaml");
  ASSERT_EQ(n.layers.size(), 7u);
  EXPECT_EQ(n.layers[2].in_h, 14);  // after the 2x2 pool
  EXPECT_EQ(n.layers[6].gemm().k, 7 * 7 * 16);
  EXPECT_EQ(n.layers[3].kind, LayerKind::depthwise);
}

TEST(NetworkYaml, ErrorsHavePositions) {
  const auto p = write_temp("n.yaml",
                            "name: x\ninput: [8, 8, 1]\nlayers:\n"
                            "  - {name: c1, type: conv, kernel: 3, filters: -2}\n"
                            "  - {name: c2, type: convv, kernel: 3}\n"
                            "  - {name: c3, type: fc, out: 4, strid: 2}\n");
  try {
    read_network_yaml(p);
    FAIL();
  } catch (const ConfigError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find(p + ":4:48: layers[0].filters: expected an integer"), std::string::npos) << m;
    EXPECT_NE(m.find("layers[1].type: expected one of conv, depthwise"), std::string::npos) << m;
    EXPECT_NE(m.find("layers[2].strid: unknown key"), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace axpod::workload
