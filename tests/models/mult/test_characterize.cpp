// Yosys characterization: the synthesized netlist is the multiplier, areas agree with Yosys'
// own transistor estimate, and the energy scale is calibrated as configs/gate_library.yaml says.
#include "mult/characterize.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "common/paths.h"
#include "config/yaml_node.h"
#include "mult/table.h"

namespace axpod::mult {
namespace {

const GateLibrary& lib() {
  static const GateLibrary l = load_gate_library(paths::shipped("configs/gate_library.yaml"));
  return l;
}

Synthesis synth(const std::string& rtl_name) {
  return synthesize(Registry::instance().rtl_models().at(rtl_name),
                    paths::shipped("rtl/multipliers"), lib());
}

std::vector<product_t> all_pairs(const Netlist& nl) {
  const auto s = exhaustive_stream();
  return nl.simulate(s.a, s.b).products;
}

TEST(Characterize, NetlistEqualsBehaviouralAndAreaMatchesYosys) {
  for (const char* name : {"rtl:exact", "rtl:drum:k=4,signed=1", "rtl:mitchell:w=7"}) {
    const auto syn = synth(name);
    const auto beh =
        Registry::instance().create(Registry::instance().rtl_models().at(name).behavioural);
    EXPECT_EQ(all_pairs(syn.netlist), Table(*beh.model).products()) << name;
    const auto cost = hardware_cost(syn.netlist, lib(), uniform_stream(2000, 1));
    // 1 GE = 4 transistors in the library, as in Yosys' CMOS estimate.
    EXPECT_DOUBLE_EQ(cost.area_ge * 4, static_cast<double>(syn.yosys_transistors)) << name;
    EXPECT_GT(cost.depth, 5) << name;
  }
}

// The library's energy constant is calibrated to Horowitz's 0.2 pJ for an exact 8-bit multiply.
TEST(Characterize, ExactMultiplierEnergyIsCalibratedToHorowitz) {
  const auto cost = hardware_cost(synth("rtl:exact").netlist, lib(), uniform_stream(20000, 1));
  EXPECT_NEAR(cost.energy_fj, 200.0, 2.0);
}

TEST(Characterize, EnergyFollowsOperandActivity) {
  const auto nl = synth("rtl:exact").netlist;
  OperandStream still;
  still.a.assign(1000, 77);
  still.b.assign(1000, 99);
  EXPECT_EQ(hardware_cost(nl, lib(), still).energy_fj, 0.0);
  // Small operands (a real layer's typical case) switch less than uniform ones.
  OperandStream small = uniform_stream(5000, 3);
  for (auto& x : small.a) x &= 0x0F;
  for (auto& x : small.b) x &= 0x0F;
  EXPECT_LT(hardware_cost(nl, lib(), small).energy_fj,
            0.5 * hardware_cost(nl, lib(), uniform_stream(5000, 3)).energy_fj);
}

TEST(Characterize, CheaperMultipliersCostLess) {
  const auto stream = uniform_stream(5000, 1);
  const auto exact = hardware_cost(synth("rtl:exact").netlist, lib(), stream);
  const auto trunc = hardware_cost(synth("rtl:trunc_op:k=4").netlist, lib(), stream);
  const auto drum = hardware_cost(synth("rtl:drum:k=4").netlist, lib(), stream);
  EXPECT_LT(trunc.area_ge, 0.5 * exact.area_ge);
  EXPECT_LT(drum.area_ge, exact.area_ge);
  EXPECT_LT(trunc.energy_fj, exact.energy_fj);
}

TEST(Characterize, UniformStreamIsSeededAndDeterministic) {
  const auto s1 = uniform_stream(100, 7);
  const auto s2 = uniform_stream(100, 7);
  const auto s3 = uniform_stream(100, 8);
  EXPECT_EQ(s1.a, s2.a);
  EXPECT_EQ(s1.b, s2.b);
  EXPECT_NE(s1.a, s3.a);
}

TEST(Characterize, CatalogLinesRoundTripAndShowNaWithoutRtl) {
  CatalogRow row;
  row.info.name = "bam:h=1,v=6";
  row.info.family = "bam";
  row.metrics.mae = 1.5;
  const std::string line = catalog_line(row);
  EXPECT_NE(line.find("\"bam:h=1,v=6\",bam,0,1.5000"), std::string::npos) << line;
  EXPECT_EQ(line.substr(line.size() - 11), "n/a,n/a,n/a");
}

TEST(Characterize, ShippedCatalogCoversTheListAndHasCostsForRtlTwins) {
  const auto rows = read_catalog(paths::shipped("configs/catalog.csv"));
  const auto names = load_multiplier_list(paths::shipped("configs/multipliers.yaml"));
  ASSERT_EQ(rows.size(), names.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].at("name"), names[i]);
    const bool has_rtl = Registry::instance().verilog_twin(rows[i].at("name")) != nullptr;
    EXPECT_EQ(rows[i].at("area_ge") != "n/a", has_rtl) << names[i];
  }
}

TEST(Characterize, BadGateLibraryIsReportedWithPositions) {
  const std::string path = ::testing::TempDir() + "/gates_bad.yaml";
  {
    std::ofstream out(path);
    out << "source: x\nenergy_per_ge_toggle_fj: -1\nabc_gates: AND\narea_ge:\n  NAND: 1\n"
           "  NOTT: 0.5\n";
  }
  try {
    load_gate_library(path);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path + ":2:26: energy_per_ge_toggle_fj: expected a number"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("area_ge.NOT: missing required key"), std::string::npos) << msg;
    EXPECT_NE(msg.find("area_ge.NOTT: unknown key (did you mean 'NOT'?)"), std::string::npos)
        << msg;
  }
}

// Regression: abc_gates went into the Yosys script as it was, and a line starting with `!` in
// it ran a shell command.
TEST(Characterize, GateListCannotCarryScriptLines) {
  const std::string marker = ::testing::TempDir() + "/axpod_injected";
  std::filesystem::remove(marker);
  const std::string path = ::testing::TempDir() + "/gates_inject.yaml";
  {
    std::ofstream out(path);
    out << "source: x\nenergy_per_ge_toggle_fj: 1\nabc_gates: \"AND,NAND\\n!touch " << marker
        << "\"\narea_ge: {NOT: 0.5, AND: 1.5, NAND: 1, OR: 1.5, NOR: 1, XOR: 3, XNOR: 3, "
           "ANDNOT: 1.5, ORNOT: 1.5, MUX: 3}\n";
  }
  try {
    load_gate_library(path);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(path + ":3:12: abc_gates: 'NAND?!touch"),
              std::string::npos)
        << e.what();
  }
  // A library built in code is checked again before Yosys runs.
  GateLibrary bad = lib();
  bad.abc_gates = "AND\n!touch " + marker;
  const auto rtl = Registry::instance().rtl_models().begin()->second;
  EXPECT_THROW(synthesize(rtl, paths::shipped("rtl/multipliers"), bad), Error);
  EXPECT_FALSE(std::filesystem::exists(marker));
  std::string why;
  EXPECT_TRUE(abc_gate_list_ok("AND,NAND,OR,NOR,XOR,XNOR,ANDNOT,ORNOT,MUX", why));
  EXPECT_FALSE(abc_gate_list_ok("AND, NAND", why));
  EXPECT_FALSE(abc_gate_list_ok("", why));
  EXPECT_FALSE(abc_gate_list_ok("NADN", why));
  EXPECT_NE(why.find("did you mean 'NAND'"), std::string::npos) << why;
}

TEST(Characterize, OperandFileIsValidated) {
  const std::string path = ::testing::TempDir() + "/ops.txt";
  {
    std::ofstream out(path);
    out << "# a b\n-3 4\n5,-128\n";
  }
  const auto s = read_operand_file(path, true);
  EXPECT_EQ(s.a, (std::vector<std::uint8_t>{0xFD, 5}));
  EXPECT_EQ(s.b, (std::vector<std::uint8_t>{4, 0x80}));
  EXPECT_THROW(read_operand_file(path, false), Error);  // -3 is not an unsigned operand
}

}  // namespace
}  // namespace axpod::mult
