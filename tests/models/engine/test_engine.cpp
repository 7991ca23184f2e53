// The functional int8 engine: requantization arithmetic, the .axq format, table vs exact paths,
// and bit-exact agreement of every MAC layer's int32 accumulators with the cycle-level model.
#include "engine/infer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "common/error.h"
#include "cycle_model.h"
#include "engine/gemm.h"
#include "engine/qnet.h"
#include "engine/tensors.h"
#include "mult/lut_file.h"
#include "mult/registry.h"

namespace axpod::engine {
namespace {

TEST(Requant, FixedPointMultiplierRoundsHalfAwayFromZero) {
  const auto half = quantize_multiplier(0.5);
  EXPECT_EQ(apply_multiplier(3, half), 2);    // 1.5 -> 2
  EXPECT_EQ(apply_multiplier(-3, half), -2);  // -1.5 -> -2
  EXPECT_EQ(apply_multiplier(5, half), 3);
  const auto third = quantize_multiplier(1.0 / 3.0);
  EXPECT_EQ(apply_multiplier(300, third), 100);
  EXPECT_EQ(apply_multiplier(-299, third), -100);  // -99.67
  const auto big = quantize_multiplier(3.0);
  EXPECT_EQ(apply_multiplier(7, big), 21);
  for (double m : {1e-6, 0.0123, 0.7, 0.999999, 1.5}) {
    const auto f = quantize_multiplier(m);
    EXPECT_GE(f.m0, 1 << 30);
    for (std::int64_t x : {-100000, -7, 0, 9, 123456})
      EXPECT_NEAR(apply_multiplier(x, f), static_cast<double>(x) * m, 0.5 + 1e-6 * std::abs(x * m))
          << m << " " << x;
  }
  EXPECT_EQ(quantize(0.5f, 1.0f), 1);  // half away from zero
  EXPECT_EQ(quantize(-0.5f, 1.0f), -1);
  EXPECT_EQ(quantize(1000.f, 1.0f), 127);
  EXPECT_THROW(quantize_multiplier(0), Error);
}

// A small random network with every op kind: conv, maxpool, conv, add, avgpool, fc.
QNet random_net(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(0.01f, 0.05f);
  QNet n;
  n.name = "rand";
  n.classes = 5;
  n.tensors = {{12, 12, 1, 1.0f / 127}, {12, 12, 4, u(rng)}, {6, 6, 4, 0},     {6, 6, 4, u(rng)},
               {6, 6, 4, u(rng)},       {2, 2, 4, 0},        {1, 1, 5, u(rng)}};
  n.tensors[2].scale = n.tensors[1].scale;  // max pooling keeps the scale
  n.tensors[5].scale = n.tensors[4].scale;
  auto mac = [&](const std::string& name, OpKind kind, int in, int out, int k, int stride, int pad,
                 bool relu) {
    QOp op;
    op.name = name;
    op.kind = kind;
    op.in = in;
    op.out = out;
    op.k = k;
    op.stride = stride;
    op.pad = pad;
    op.relu = relu;
    const auto& ti = n.tensors[in];
    const int oc = n.tensors[out].c;
    const std::size_t kk = kind == OpKind::conv ? static_cast<std::size_t>(k) * k * ti.c
                                                : static_cast<std::size_t>(ti.h) * ti.w * ti.c;
    for (std::size_t i = 0; i < kk * oc; ++i)
      op.weights.push_back(static_cast<std::int8_t>(static_cast<int>(rng() % 255) - 127));
    for (int c = 0; c < oc; ++c) {
      op.wscale.push_back(0.002f + 0.001f * c);
      op.bias.push_back(static_cast<std::int32_t>(rng() % 2001) - 1000);
    }
    n.ops.push_back(op);
  };
  mac("conv1", OpKind::conv, 0, 1, 3, 1, 1, true);
  QOp pool;
  pool.name = "pool1";
  pool.kind = OpKind::maxpool;
  pool.in = 1;
  pool.out = 2;
  pool.k = 2;
  pool.stride = 2;
  n.ops.push_back(pool);
  mac("conv2", OpKind::conv, 2, 3, 3, 1, 1, false);
  QOp add;
  add.name = "add1";
  add.kind = OpKind::add;
  add.in = 3;
  add.in2 = 2;
  add.out = 4;
  add.relu = true;
  n.ops.push_back(add);
  QOp avg = pool;
  avg.name = "pool2";
  avg.kind = OpKind::avgpool;
  avg.in = 4;
  avg.out = 5;
  avg.k = 3;
  avg.stride = 3;
  n.ops.push_back(avg);
  mac("fc1", OpKind::fc, 5, 6, 1, 1, 0, false);
  return n;
}

std::vector<std::int8_t> random_input(std::uint64_t seed, std::size_t n) {
  std::mt19937_64 rng(seed);
  std::vector<std::int8_t> x(n);
  for (auto& v : x) v = static_cast<std::int8_t>(rng() % 128);
  return x;
}

TEST(QNetFile, RoundTripsAndRejectsBadFiles) {
  const QNet n = random_net(1);
  const std::string path = ::testing::TempDir() + "/r.axq";
  save_qnet(n, path);
  const QNet m = load_qnet(path);
  ASSERT_EQ(m.ops.size(), n.ops.size());
  EXPECT_EQ(m.ops[0].weights, n.ops[0].weights);
  EXPECT_EQ(m.ops[5].bias, n.ops[5].bias);
  EXPECT_EQ(m.tensors[3].scale, n.tensors[3].scale);
  const auto in = random_input(2, 144);
  EXPECT_EQ(Engine(m).run(in.data()), Engine(n).run(in.data()));
  std::string bytes;
  {
    std::ifstream f(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(f), {});
  }
  const std::string cut = ::testing::TempDir() + "/cut.axq";
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() - 40);
  EXPECT_THROW(load_qnet(cut), Error);
  const std::string bad = ::testing::TempDir() + "/bad.axq";
  std::ofstream(bad) << "hello\n";
  try {
    load_qnet(bad);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not an axpod quantized network"), std::string::npos);
  }
}

// Crafted files that used to crash or be taken silently: each is refused with the file, the line
// and what is wrong.
TEST(QNetFile, RefusesInconsistentNetworks) {
  const QNet n = random_net(1);
  const std::string path = ::testing::TempDir() + "/ok.axq";
  save_qnet(n, path);
  std::string bytes;
  {
    std::ifstream f(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(f), {});
  }
  // Replaces the text line that starts with `prefix` (header lines only).
  const auto edit = [&](const std::string& prefix, const std::string& line) {
    const std::size_t at = bytes.find("\n" + prefix);
    EXPECT_NE(at, std::string::npos) << prefix;
    const std::size_t end = bytes.find('\n', at + 1);
    return bytes.substr(0, at + 1) + line + bytes.substr(end);
  };
  const auto refused = [&](const std::string& content, const std::string& want) {
    const std::string bad = ::testing::TempDir() + "/crafted.axq";
    std::ofstream(bad, std::ios::binary) << content;
    try {
      load_qnet(bad);
      ADD_FAILURE() << "accepted: " << want;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("crafted.axq:"), std::string::npos) << e.what();
    }
  };
  refused(edit("op conv1 ", "op conv1 conv 0 1 3 0 1 1"), "stride 0 is not in [1, 64]");
  refused(edit("op conv1 ", "op conv1 conv 0 1 3 1 -1 1"), "padding -1");
  refused(edit("op conv1 ", "op conv1 conv 0 1 3 1 5 1"), "padding 5");
  refused(edit("op conv1 ", "op conv1 conv 0 1 5 1 1 1"), "does not give its output");
  refused(edit("op pool1 ", "op pool1 maxpool 1 2 2 -2"), "stride -2");
  refused(edit("op add1 ", "op add1 add 3 5 4 1"), "reads tensor 5, which no earlier op produced");
  refused(edit("op add1 ", "op add1 add 4 2 4 1"), "(its own output)");
  refused(edit("op add1 ", "op add1 add 3 0 4 1"), "adds ");
  refused(edit("op pool2 ", "op pool2 avgpool 4 3 3 3"), "writes tensor 3, as conv2 does");
  refused(edit("tensor 1 ", "tensor 1 4294967324 12 4 0.5"), "out of range");
  refused(edit("classes ", "classes 0"), "classes 0 does not fit");
  refused(edit("classes ", "classes -3"), "classes -3 does not fit");
}

TEST(Engine, ExactTableEqualsTheExactPath) {
  const QNet n = random_net(3);
  Engine exact(n), table(n);
  table.assign({}, "trunc_op:k=0,signed=1");  // an exact product, but through the table path
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    const auto in = random_input(seed, 144);
    std::vector<MacTrace> a, b;
    EXPECT_EQ(exact.run(in.data(), &a), table.run(in.data(), &b));
    ASSERT_EQ(a.size(), 3u);
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].acc, b[i].acc);
  }
}

// A user table whose 0 x w products are not zero must not lose them to the zero-skipping
// shortcut of the table path.
TEST(Engine, TablesWithNonZeroZeroRowsAreHonoured) {
  const QNet n = random_net(10);
  std::vector<mult::product_t> p(mult::kTableSize);
  for (int a = -128; a < 128; ++a)
    for (int b = -128; b < 128; ++b)
      p[mult::table_index(static_cast<std::uint8_t>(a & 0xFF),
                          static_cast<std::uint8_t>(b & 0xFF))] = a * b + 1;
  const std::string path = ::testing::TempDir() + "/plus_one.bin";
  write_lut_binary(mult::Table(p), path);
  Engine e(n);
  e.assign({{"conv1", "lut:signed:" + path}});
  const auto in = random_input(11, 144);
  std::vector<MacTrace> tr;
  e.run(in.data(), &tr);
  // Every product gains 1: the accumulators equal the exact ones plus K.
  Engine exact(n);
  std::vector<MacTrace> ref;
  exact.run(in.data(), &ref);
  for (std::size_t i = 0; i < tr[0].acc.size(); ++i)
    ASSERT_EQ(tr[0].acc[i], ref[0].acc[i] + tr[0].k);
}

// The engine's table kernel (four activations a pass, zero activations skipped) equals the
// plain reference GEMM for every MAC layer, K a multiple of 4 or not, with and without zeros.
TEST(Engine, TablePathEqualsTheReferenceGemm) {
  for (const char* m : {"drum:k=4,signed=1", "kulkarni:signed=1", "bam:h=2,v=8,signed=1"}) {
    const QNet n = random_net(12);
    Engine e(n);
    e.assign({}, m);
    const mult::Table table(*mult::Registry::instance().create(m).model);
    for (std::uint64_t seed = 0; seed < 3; ++seed) {
      auto in = random_input(20 + seed, 144);
      if (seed == 1) std::fill(in.begin(), in.begin() + 72, 0);  // many zero activations
      std::vector<MacTrace> tr;
      e.run(in.data(), &tr);
      for (const auto& t : tr) {
        std::vector<std::int32_t> ref(t.acc.size());
        gemm_table(t.x.data(), t.w.data(), ref.data(), t.m, t.n, t.k, table);
        EXPECT_EQ(t.acc, ref) << m << " " << t.op << " (K = " << t.k << ")";
      }
    }
  }
}

TEST(Engine, UnsignedMultipliersAreUsedInSignMagnitudeForm) {
  const auto u = int8_table("drum:k=4");
  const mult::Table s(*mult::Registry::instance().create("drum:k=4,signed=1").model);
  EXPECT_EQ(u.products(), s.products());
  // -128 x 2: |-128| = 1000_0000b keeps 1000, LSB forced: 1001b << 4 = 144; 144 x 2 = 288.
  EXPECT_EQ(u(0x80, 0x02), -288);
}

TEST(Engine, ApproximateMultipliersChangeTheAccumulatorsOfTheirLayerOnly) {
  const QNet n = random_net(4);
  Engine base(n), approx(n);
  approx.assign({{"conv2", "trunc_op:k=3,signed=1"}});
  const auto in = random_input(9, 144);
  std::vector<MacTrace> a, b;
  base.run(in.data(), &a);
  approx.run(in.data(), &b);
  EXPECT_EQ(a[0].acc, b[0].acc);
  EXPECT_NE(a[1].acc, b[1].acc);
  EXPECT_THROW(approx.assign({{"conv9", "exact"}}), Error);
  EXPECT_THROW(approx.assign({{"pool1", "exact"}}), Error);
}

TEST(Engine, ConvIm2colAgreesWithTheAcceleratorLowering) {
  // The engine's own im2col (inside run) and engine::im2col used by the accelerator models must
  // lower a convolution identically: compare through the traced GEMM input.
  const QNet n = random_net(5);
  const Engine e(n);
  const auto in = random_input(6, 144);
  std::vector<MacTrace> tr;
  e.run(in.data(), &tr);
  const auto net = n.workload();
  EXPECT_EQ(im2col(net.layers[0], in), tr[0].x);
}

// The engine's im2col (copied as runs of the input, 16 bytes at a time, with slack past each
// buffer) lowers every padding, stride, kernel and channel count as the accelerator models do,
// including kernel rows wholly in the padding and windows reaching past the input.
TEST(Engine, Im2colRunsAgreeOnEveryConvShape) {
  struct Conv {
    int h, w, c, k, stride, pad;
  };
  for (const Conv& cv : {Conv{28, 28, 1, 5, 1, 2}, Conv{12, 12, 6, 5, 1, 0}, Conv{7, 9, 3, 3, 2, 1},
                         Conv{5, 5, 17, 3, 1, 3}, Conv{6, 4, 2, 4, 3, 2}, Conv{1, 1, 40, 1, 1, 0},
                         Conv{9, 9, 1, 7, 2, 4}, Conv{3, 8, 33, 2, 2, 1}}) {
    SCOPED_TRACE(std::to_string(cv.h) + "x" + std::to_string(cv.w) + "x" + std::to_string(cv.c) +
                 " k" + std::to_string(cv.k) + " s" + std::to_string(cv.stride) + " p" +
                 std::to_string(cv.pad));
    const int oh = (cv.h + 2 * cv.pad - cv.k) / cv.stride + 1;
    const int ow = (cv.w + 2 * cv.pad - cv.k) / cv.stride + 1;
    QNet n;
    n.name = "conv";
    n.classes = 3;
    n.tensors = {{cv.h, cv.w, cv.c, 0.02f}, {oh, ow, 3, 0.05f}};
    QOp op;
    op.name = "c";
    op.kind = OpKind::conv;
    op.in = 0;
    op.out = 1;
    op.k = cv.k;
    op.stride = cv.stride;
    op.pad = cv.pad;
    std::mt19937_64 rng(static_cast<std::uint64_t>(cv.h * 100 + cv.c));
    for (int i = 0; i < cv.k * cv.k * cv.c * 3; ++i)
      op.weights.push_back(static_cast<std::int8_t>(rng()));
    op.wscale.assign(3, 0.01f);
    op.bias.assign(3, 0);
    n.ops.push_back(op);
    const Engine e(n);
    std::vector<std::int8_t> in(static_cast<std::size_t>(cv.h) * cv.w * cv.c);
    for (auto& v : in) v = static_cast<std::int8_t>(rng() | 1);  // no zero: padding shows
    std::vector<MacTrace> tr;
    std::vector<std::vector<std::int8_t>> tensors;
    const auto out = e.run(in.data(), &tr, &tensors);
    ASSERT_EQ(tr.size(), 1u);
    EXPECT_EQ(tr[0].x, im2col(n.workload().layers[0], in));
    // What run returns and shows is the tensors' own size, not the slack past them.
    EXPECT_EQ(out.size(), static_cast<std::size_t>(oh) * ow * 3);
    ASSERT_EQ(tensors.size(), 2u);
    EXPECT_EQ(tensors[0], in);
    EXPECT_EQ(tensors[1], out);
    // Weights for a smaller window than the op's: an error, not a copy past the columns.
    n.ops[0].weights.resize(n.ops[0].weights.size() / 2);
    EXPECT_THROW(Engine{n}, Error);
  }
}

// An image's pixels (value / 255) quantize as quantize() does, for every 8-bit value.
TEST(Engine, QuantizesEveryPixelValueAsQuantizeDoes) {
  QNet n = random_net(3);
  n.tensors[0] = {16, 16, 1, 0.0173f};
  const Engine e(n);
  std::vector<std::uint8_t> pixels(256);
  for (int v = 0; v < 256; ++v) pixels[static_cast<std::size_t>(v)] = static_cast<std::uint8_t>(v);
  const auto q = e.quantize_image(pixels.data());
  for (int v = 0; v < 256; ++v)
    EXPECT_EQ(q[static_cast<std::size_t>(v)], quantize(static_cast<float>(v) / 255.0f, 0.0173f));
}

// Max and average pooling against their definition, with windows that reach past the input's
// bottom and right edges (7 x 5 input, 3 x 3 windows, stride 2) and 3 channels.
TEST(Engine, PoolingFollowsItsDefinitionAtTheEdges) {
  for (OpKind kind : {OpKind::maxpool, OpKind::avgpool}) {
    QNet n;
    n.name = "pool";
    n.classes = 3;
    const int h = 7, w = 5, c = 3, k = 3, stride = 2, oh = 4, ow = 3;
    n.tensors = {{h, w, c, 0.02f}, {oh, ow, c, kind == OpKind::maxpool ? 0.02f : 0.03f}};
    QOp op;
    op.name = "p";
    op.kind = kind;
    op.in = 0;
    op.out = 1;
    op.k = k;
    op.stride = stride;
    n.ops.push_back(op);
    const Engine e(n);
    std::mt19937_64 rng(4);
    std::vector<std::int8_t> in(static_cast<std::size_t>(h * w * c));
    for (auto& v : in) v = static_cast<std::int8_t>(rng());
    const auto out = e.run(in.data());
    ASSERT_EQ(out.size(), static_cast<std::size_t>(oh * ow * c));
    const auto avg = quantize_multiplier(0.02 / 0.03 / (k * k));
    for (int oy = 0; oy < oh; ++oy)
      for (int ox = 0; ox < ow; ++ox)
        for (int ch = 0; ch < c; ++ch) {
          int best = -128, sum = 0;
          for (int y = oy * stride; y < std::min(h, oy * stride + k); ++y)
            for (int x = ox * stride; x < std::min(w, ox * stride + k); ++x) {
              best = std::max<int>(best, in[static_cast<std::size_t>((y * w + x) * c + ch)]);
              sum += in[static_cast<std::size_t>((y * w + x) * c + ch)];
            }
          const int want =
              kind == OpKind::maxpool ? best : std::clamp(apply_multiplier(sum, avg), -128, 127);
          EXPECT_EQ(out[static_cast<std::size_t>((oy * ow + ox) * c + ch)], want)
              << oy << "," << ox << "," << ch;
        }
  }
}

// The functional engine and the cycle-level model give identical int32 outputs for every MAC
// layer of a quantized network (DESIGN.md, numeric contract), exact and approximate.
TEST(Engine, MacLayersMatchTheCycleLevelModelBitForBit) {
  for (const char* m : {"exact:signed=1", "drum:k=4,signed=1", "mitchell:w=7,signed=1"}) {
    const QNet n = random_net(7);
    Engine e(n);
    e.assign({}, m);
    const auto in = random_input(8, 144);
    std::vector<MacTrace> tr;
    e.run(in.data(), &tr);
    const auto net = n.workload();
    accel::Accelerator acc;
    acc.name = "t";
    accel::Pod pod;
    pod.rows = 8;
    pod.cols = 4;
    pod.multiplier = m;
    acc.pods.assign(3, pod);
    acc.global_buffer_kb = 1024;
    acc.noc = {accel::Topology::crossbar, 1e9, 0};
    acc.dram = {1e9, 0};
    core::CycleModel sim(acc, {}, 100);
    for (const auto& t : tr) {
      const int li = net.find(t.op);
      ASSERT_GE(li, 0);
      LayerTensors lt;
      lt.g = net.layers[li].gemm();
      ASSERT_EQ(lt.g.m * lt.g.k, static_cast<std::int64_t>(t.x.size())) << t.op;
      lt.x = t.x;
      lt.w = t.w;
      const auto r = sim.run_layer(net.layers[li], &lt, "", true);
      EXPECT_EQ(r.y, t.acc) << m << " " << t.op;
    }
  }
}

}  // namespace
}  // namespace axpod::engine
