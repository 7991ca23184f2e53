#include "nas/arch.h"

#include <gtest/gtest.h>

#include <random>

#include "common/error.h"

namespace axpod::nas {
namespace {

TEST(NasArch, NamesRoundTripAndCountWeights) {
  const std::string name = "nas_c6k5p_c16k5p_f120_f84";
  const Arch a = parse_arch(name);
  ASSERT_EQ(a.convs.size(), 2u);
  EXPECT_EQ(a.convs[1].width, 16);
  EXPECT_TRUE(a.convs[1].pool);
  EXPECT_EQ(arch_name(a), name);
  EXPECT_EQ(final_size(a), 7);
  EXPECT_EQ(mac_layers(a), (std::vector<std::string>{"conv1", "conv2", "fc1", "fc2", "fc3"}));
  // 5x5x1x6 + 5x5x6x16 + 7x7x16x120 + 120x84 + 84x10
  EXPECT_EQ(weight_bytes(a), 150 + 2400 + 94080 + 10080 + 840);
  EXPECT_EQ(arch_name(parse_arch("nas_c8k3_c8k3rp_f32")), "nas_c8k3_c8k3rp_f32");
}

TEST(NasArch, RefusesBadNamesWithTheToken) {
  for (const char* bad :
       {"lenet5", "nas_", "nas_c8k4_f10", "nas_c8k3_f4", "nas_f10", "nas_c8k3", "nas_c8k3_f10_c8k3",
        "nas_c8k3rp_f16", "nas_c8k3x_f16", "nas_c200k3_f16", "nas_c8k3p_c8k3p_c8k3p_c8k3p_f16"}) {
    EXPECT_THROW(parse_arch(bad), Error) << bad;
  }
  try {
    parse_arch("nas_c8k3_q5");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("token 'q5'"), std::string::npos) << e.what();
  }
}

// Every chain of moves gives a buildable architecture.
TEST(NasArch, EveryMoveKeepsTheArchitectureBuildable) {
  std::mt19937_64 rng(3);
  for (int run = 0; run < 200; ++run) {
    Arch a = parse_arch("nas_c8k3p_c16k3p_f64");
    for (int step = 0; step < 12; ++step) {
      const auto layers = static_cast<int>(mac_layers(a).size());
      a = apply_move(a, static_cast<int>(rng() % static_cast<std::uint64_t>(layers)),
                     static_cast<Move>(rng() % kMoves));
      ASSERT_EQ(check_arch(a), "") << arch_name(a);
      ASSERT_EQ(arch_name(parse_arch(arch_name(a))), arch_name(a));
    }
  }
  // Moves do what they say.
  const Arch b = parse_arch("nas_c8k3p_c16k3p_f64");
  EXPECT_EQ(apply_move(b, 1, Move::kWiden).convs[1].width, 25);
  EXPECT_EQ(apply_move(b, 2, Move::kShrink).fcs[0], 32);
  EXPECT_EQ(apply_move(b, 0, Move::kShrink).convs.size(), 1u);  // width 8 among others: removed
  EXPECT_EQ(apply_move(b, 0, Move::kKernel).convs[0].kernel, 5);
  const Arch c = apply_move(b, 0, Move::kAddBlock);
  ASSERT_EQ(c.convs.size(), 3u);
  EXPECT_TRUE(c.convs[1].residual);
}

// Crossover: the first parent's blocks up to its cut, the second's from its cut, the chosen
// parent's hidden layers; always buildable, also across random pairs and cuts.
TEST(NasArch, CrossoverJoinsTheParentsAndStaysBuildable) {
  const Arch a = parse_arch("nas_c8k3p_c16k5p_f64");
  const Arch b = parse_arch("nas_c12k3_c24k3p_c48k5p_f120_f84");
  EXPECT_EQ(arch_name(crossover(a, b, 1, 1, true)), "nas_c8k3p_c24k3p_c48k5p_f120_f84");
  EXPECT_EQ(arch_name(crossover(a, b, 2, 3, false)), "nas_c8k3p_c16k5p_f64");
  EXPECT_EQ(arch_name(crossover(a, b, 0, 2, false)), "nas_c8k3p_c48k5p_f64");  // cut_a >= 1
  // A residual whose input width changed across the cut is dropped by the repair.
  const Arch r = parse_arch("nas_c16k3_c16k3rp_f32");
  EXPECT_FALSE(crossover(a, r, 1, 1, false).convs[1].residual);
  std::mt19937_64 rng(5);
  const std::vector<std::string> names = {"nas_c6k5p_c16k5p_f120_f84", "nas_c8k3p_c16k3p_f64",
                                          "nas_c16k3_c16k3rp_c32k3p_f64",
                                          "nas_c12k3p_c24k5p_c24k3r_c48k3p_c64k3_c96k3_f96_f48"};
  for (int i = 0; i < 500; ++i) {
    const Arch p = parse_arch(names[rng() % names.size()]);
    const Arch q = parse_arch(names[rng() % names.size()]);
    const Arch c =
        crossover(p, q, static_cast<int>(rng() % 8), static_cast<int>(rng() % 8), rng() % 2 == 0);
    ASSERT_EQ(check_arch(c), "") << arch_name(c);
    ASSERT_LE(c.convs.size(), static_cast<std::size_t>(kMaxConvs));
  }
}

}  // namespace
}  // namespace axpod::nas
