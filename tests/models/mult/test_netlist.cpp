#include "mult/netlist.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace axpod::mult {
namespace {

// A hand-written 1x1-bit "multiplier" p[0] = a[0] & b[0], through an inverter pair, with p[1]
// tied to 1, in the form Yosys writes (`write_blif -icells -impltf`).
const char* kTiny = R"(.model t
.inputs a[0] a[1] a[2] a[3] a[4] a[5] a[6] a[7] b[0] b[1] b[2] b[3] b[4] b[5] b[6] b[7]
.outputs p[0] p[1] p[2]
.subckt $_NOT_ A=n1 Y=p[0]
.subckt $_NAND_ A=a[0] B=b[0] Y=n1
.names $true p[1]
1 1
.names $false p[2]
.end
)";

TEST(Netlist, ParsesSortsAndEvaluates) {
  const auto nl = Netlist::parse_blif(kTiny, "tiny");
  EXPECT_EQ(nl.depth(), 2);
  const auto counts = nl.gate_counts();
  EXPECT_EQ(counts.at(GateType::kNand), 1);
  EXPECT_EQ(counts.at(GateType::kNot), 1);
  const auto act = nl.simulate({1, 1, 0, 3}, {1, 0, 1, 1});
  EXPECT_EQ(act.products, (std::vector<product_t>{3, 2, 2, 3}));
}

TEST(Netlist, CountsTogglesBetweenConsecutiveOperandsAcrossWords) {
  const auto nl = Netlist::parse_blif(kTiny, "tiny");
  // p[0] alternates 1,0,1,0,... over 130 pairs: 129 changes at each of the two gates, counted
  // across the 64-vector word boundaries.
  std::vector<std::uint8_t> a(130), b(130, 1);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = i % 2 == 0;
  const auto act = nl.simulate(a, b);
  ASSERT_EQ(act.toggles.size(), 4u);  // two gates and two constant buffers
  std::uint64_t total = 0;
  for (auto t : act.toggles) total += t;
  EXPECT_EQ(total, 2u * 129);
  // A constant stream toggles nothing.
  const auto still =
      nl.simulate(std::vector<std::uint8_t>(100, 1), std::vector<std::uint8_t>(100, 1));
  for (auto t : still.toggles) EXPECT_EQ(t, 0u);
}

TEST(Netlist, RejectsUnknownCellsAndLoops) {
  EXPECT_THROW(Netlist::parse_blif(".subckt $_DFF_P_ C=c D=d Q=q\n", "x"), Error);
  EXPECT_THROW(Netlist::parse_blif(".subckt $_AND_ A=x B=a[0] Y=y\n.subckt $_AND_ A=y B=a[1] "
                                   "Y=x\n.names y p[0]\n1 1\n",
                                   "loop"),
               Error);
  EXPECT_THROW(Netlist::parse_blif(".subckt $_AND_ A=a[0] B=b[0] Y=q\n", "noout"), Error);
}

// Cells missing a pin they need (or carrying one they do not have), and cells driving an input
// or a constant, are errors naming the line, not a netlist evaluated with a silent 0.
TEST(Netlist, RejectsCellsWithTheWrongPins) {
  const auto message = [](const std::string& blif) {
    try {
      Netlist::parse_blif(blif + ".names q p[0]\n1 1\n", "pins");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  EXPECT_NE(message(".subckt $_AND_ A=a[0] Y=q\n").find("two-input cell without B"),
            std::string::npos);
  EXPECT_NE(message(".subckt $_NOT_ A=a[0] B=b[0] Y=q\n").find("one-input cell with a B pin"),
            std::string::npos);
  EXPECT_NE(message(".subckt $_MUX_ A=a[0] B=b[0] Y=q\n").find("MUX without an S pin"),
            std::string::npos);
  EXPECT_NE(message(".subckt $_OR_ A=a[0] B=b[0] S=b[1] Y=q\n").find("other than MUX"),
            std::string::npos);
  EXPECT_NE(message(".subckt $_NOT_ A=b[0] Y=a[3]\n.subckt $_NOT_ A=a[3] Y=q\n")
                .find("drives the input a[3]"),
            std::string::npos);
  EXPECT_NE(message(".subckt $_NOT_ A=b[0] Y=$true\n.subckt $_NOT_ A=a[3] Y=q\n")
                .find("drives a constant net"),
            std::string::npos);
}

// A chain of 200,000 inverters (deeper than any call stack would take recursively) is ordered
// and evaluated: 200,001 inverters from a[0] to p[0] invert it.
TEST(Netlist, OrdersAChainOfAnyLength) {
  constexpr int kLength = 200000;
  std::string blif;
  // Written output first, so the ordering has to walk the whole chain back from p[0].
  blif += ".subckt $_NOT_ A=n" + std::to_string(kLength - 1) + " Y=p[0]\n";
  for (int i = kLength - 1; i >= 1; --i)
    blif += ".subckt $_NOT_ A=n" + std::to_string(i - 1) + " Y=n" + std::to_string(i) + "\n";
  blif += ".subckt $_NOT_ A=a[0] Y=n0\n";
  const auto nl = Netlist::parse_blif(blif, "chain");
  EXPECT_EQ(nl.depth(), kLength + 1);
  const auto act = nl.simulate({0, 1, 1, 0}, {0, 0, 0, 0});
  EXPECT_EQ(act.products, (std::vector<product_t>{1, 0, 0, 1}));
}

// Continuation lines: a backslash joins the next line, and a backslash on the last line (or a
// line holding nothing else) is an error about the netlist, not a read past the end. The fuzzer
// found "# \n\\\n" read an empty word list.
TEST(Netlist, JoinsContinuationLinesAndSurvivesALoneBackslash) {
  const auto nl = Netlist::parse_blif(".subckt $_AND_ \\\n A=a[0] B=b[0] \\\n Y=p[0]\n", "cont");
  EXPECT_EQ(nl.simulate({1, 1, 0}, {1, 0, 1}).products, (std::vector<product_t>{1, 0, 0}));
  EXPECT_THROW(Netlist::parse_blif("# \n\\\n", "lone"), Error);
  EXPECT_THROW(Netlist::parse_blif("\\", "eof"), Error);
  EXPECT_THROW(Netlist::parse_blif(".subckt $_AND_ A=a[0] B=b[0] \\", "eof2"), Error);
}

}  // namespace
}  // namespace axpod::mult
