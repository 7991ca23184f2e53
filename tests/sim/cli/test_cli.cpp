// The axpod binary as a user runs it: exit codes, messages, files.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace {

struct Run {
  int code;            // exit status
  std::string output;  // stdout and stderr together
};

Run axpod(const std::string& args) {
  const std::string cmd = std::string(AXPOD_BINARY) + " " + args + " 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  Run r{-1, ""};
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe)) r.output += buf.data();
  const int status = ::pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string temp(const std::string& name) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "axpod_cli";
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

TEST(Cli, HelpHasExamples) {
  for (const char* sub : {"list", "describe", "show", "characterize", "verify", "export"}) {
    const auto r = axpod(std::string("mult ") + sub + " --help");
    EXPECT_EQ(r.code, 0) << sub;
    EXPECT_NE(r.output.find("examples:"), std::string::npos) << sub << r.output;
  }
  EXPECT_EQ(axpod("--help").code, 0);
  EXPECT_EQ(axpod("").code, 2);
  EXPECT_EQ(axpod("frobnicate").code, 2);
}

TEST(Cli, UnknownMultiplierFailsWithASuggestion) {
  const auto r = axpod("mult show drun:k=4");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("did you mean 'drum'"), std::string::npos) << r.output;
}

TEST(Cli, BadParameterFails) {
  const auto r = axpod("mult export mitchell:w=9 --out " + temp("x.bin"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("w must be an integer in [1, 7], got '9'"), std::string::npos)
      << r.output;
  EXPECT_FALSE(std::filesystem::exists(temp("x.bin")));
}

TEST(Cli, ExportThenLoadAsLutGivesTheSameMetrics) {
  const std::string bin = temp("drum4s.bin");
  ASSERT_EQ(axpod("mult export drum:k=4,signed=1 --out " + bin).code, 0);
  const auto direct = axpod("mult show drum:k=4,signed=1");
  const auto loaded = axpod("mult show lut:signed:" + bin);
  ASSERT_EQ(loaded.code, 0) << loaded.output;
  const auto metrics = [](const std::string& s) {
    const auto b = s.find("  mae ");
    return s.substr(b, s.find('\n', b) - b);
  };
  EXPECT_EQ(metrics(direct.output), metrics(loaded.output));
}

TEST(Cli, MalformedLutFileFails) {
  const std::string bad = temp("bad.bin");
  std::ofstream(bad) << "not a table";
  const auto r = axpod("mult show lut:" + bad);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("exactly 262144 bytes"), std::string::npos) << r.output;
}

TEST(Cli, BadCatalogListYamlIsAConfigError) {
  const std::string yaml = temp("list.yaml");
  std::ofstream(yaml) << "multipliers:\n  - exact\n  - drun:k=4\nmultiplers: 3\n";
  const auto r = axpod("mult list --catalog-list " + yaml);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find(yaml + ":3:5: multipliers[1]: unknown multiplier 'drun:k=4'"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(yaml + ":4:1: multiplers: unknown key (did you mean 'multipliers'?)"),
            std::string::npos)
      << r.output;
}

TEST(Cli, ShowWritesAHeatMap) {
  const std::string png = temp("m.png");
  const auto r = axpod("mult show mitchell --png " + png);
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("max red 11.11 %"), std::string::npos) << r.output;
  EXPECT_GT(std::filesystem::file_size(png), 1000u);
}

TEST(Cli, CharacterizeWritesTheCatalogColumns) {
  const std::string csv = temp("cat.csv");
  const auto r = axpod("mult characterize exact drum:k=4 compressor42 --pairs 2000 --out " + csv);
  ASSERT_EQ(r.code, 0) << r.output;
  std::ifstream in(csv);
  std::string comment, header, exact, drum, comp;
  std::getline(in, comment);
  std::getline(in, header);
  std::getline(in, exact);
  std::getline(in, drum);
  std::getline(in, comp);
  EXPECT_EQ(
      header,
      "name,family,signed,mae,mae_pct,wce,wce_pct,mred_pct,ep_pct,bias,area_ge,energy_fj,depth");
  EXPECT_EQ(exact.rfind("exact,exact,0,0.0000,0.000000,0,0.000000,0.000000,0.0000,0.0000,", 0), 0u)
      << exact;
  EXPECT_EQ(comp.substr(comp.size() - 11), "n/a,n/a,n/a");  // no RTL: no invented cost
}

TEST(Cli, CharacterizeBadNameWritesNothing) {
  const std::string csv = temp("none.csv");
  const auto r = axpod("mult characterize exact nope --out " + csv);
  EXPECT_EQ(r.code, 1);
  EXPECT_FALSE(std::filesystem::exists(csv));
}

TEST(Cli, VerifyNamedModel) {
  const auto r = axpod("mult verify rtl:drum:k=4");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("1 passed, 0 failed"), std::string::npos) << r.output;
  EXPECT_EQ(axpod("mult verify rtl:drum:k=7").code, 1);
}

}  // namespace
