// The axpod binary as a user runs it: exit codes, messages, files.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <algorithm>
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

std::string src(const std::string& rel) {
  return std::string(AXPOD_TEST_SOURCE_DIR) + "/" + rel;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// SCALE-Sim compatibility: the CSV of `analyze --scalesim-cfg --topology --format csv`.
// Expected cycles (ws, 32x32, tau = 32 + 32 + 32 + T - 2, total = F * tau - 1):
//   Conv1 32x32, 5x5, C=1, N=6:   M=784, K=25:  F=1       -> 878 - 1 = 877
//   Conv2 14x14, 5x5, C=6, N=16:  M=100, K=150: F=5*1=5   -> 5 * 194 - 1 = 969
//   Conv3 27x27, 3x3/2, C=16, 64: M=13*13=169, K=144: F=5*2=10 -> 10 * 263 - 1 = 2629
//   FC1 400 -> 120: M=1, K=400: F=13*4=52                  -> 52 * 95 - 1 = 4939
//   FC2 120 -> 84:  M=1, K=120: F=4*3=12                   -> 12 * 95 - 1 = 1139
TEST(Cli, AnalyzeReproducesScaleSimTotalCycles) {
  const std::string out = temp("scalesim_ws.csv");
  const auto r =
      axpod("analyze --scalesim-cfg " + src("configs/scalesim/scale_ws_32x32.cfg") +
            " --topology " + src("configs/scalesim/lenet_like.csv") + " --format csv --out " + out);
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string csv = slurp(out);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "layer,cycles,stall_cycles,utilization_pct,mapping_pct,macs");
  for (const char* row :
       {"\nConv1,877,0,", "\nConv2,969,0,", "\nConv3,2629,0,", "\nFC1,4939,0,", "\nFC2,1139,0,"})
    EXPECT_NE(csv.find(row), std::string::npos) << row << "\n" << csv;
}

TEST(Cli, AnalyzeScaleSimGemmTopologyOsAndIs) {
  // GEMM rows: QK M=128 N=128 K=64; os: rows <- M (4 folds), cols <- N (4): F=16,
  // tau = 32 + 32 + 64 - 2 = 126 -> 16 * 126 - 1 = 2015.
  auto r = axpod("analyze --accel " + src("configs/scalesim/scale_os_32x32.cfg") + " --network " +
                 src("configs/scalesim/gemm_example.csv") + " --format csv");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("\nQK,2015,0,"), std::string::npos) << r.output;
  // is: rows <- K=64 (2 folds), cols <- M=128 (4): F=8, tau = 32 + 32 + 32 + 128 - 2 = 222 ->
  // 8 * 222 - 1 = 1775.
  r = axpod("analyze --accel " + src("configs/scalesim/scale_is_32x32.cfg") + " --network " +
            src("configs/scalesim/gemm_example.csv") + " --format csv");
  EXPECT_NE(r.output.find("\nQK,1775,0,"), std::string::npos) << r.output;
}

TEST(Cli, AnalyzeWritesARunFolderAndNeverOverwritesIt) {
  const std::string dir = temp("run_lenet");
  std::filesystem::remove_all(dir);
  const std::string cmd = "analyze --accel " + src("configs/accelerators/tpu_v4_like.yaml") +
                          " --network lenet5 --assign " +
                          src("configs/assignment_lenet5_example.yaml") + " --out " + dir;
  auto r = axpod(cmd);
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("drum:k=4,signed=1"), std::string::npos) << r.output;
  const std::string summary = slurp(dir + "/summary.json");
  EXPECT_NE(summary.find("\"macs\": 416520"), std::string::npos) << summary;
  const std::string layers = slurp(dir + "/layers.csv");
  EXPECT_EQ(std::count(layers.begin(), layers.end(), '\n'), 8);  // header + 7 layers
  EXPECT_NE(slurp(dir + "/energy.svg").find("<svg"), std::string::npos);
  r = axpod(cmd);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("never overwrites a run"), std::string::npos) << r.output;
  EXPECT_EQ(slurp(dir + "/summary.json"), summary);
}

TEST(Cli, AnalyzeBadInputs) {
  auto r = axpod("analyze --accel " + src("configs/accelerators/tpu_v4_like.yaml") +
                 " --network resnet19");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("did you mean 'resnet18'"), std::string::npos) << r.output;
  r = axpod("analyze --network lenet5");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("give --accel"), std::string::npos);
  r = axpod("analyze --accel /nonexistent.yaml --network lenet5");
  EXPECT_EQ(r.code, 2);
  r = axpod("analyze --accel " + src("configs/accelerators/tpu_v4_like.yaml") +
            " --network lenet5 --out /proc/axpod_cannot_write");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("cannot create run folder"), std::string::npos) << r.output;
}

TEST(Cli, SweepWritesCsvAndPlot) {
  const std::string dir = temp("sweep");
  std::filesystem::remove_all(dir);
  const auto r = axpod(
      "sweep --network lenet5 --pods 1,4 --pod-size 8,16 --dataflow ws,os "
      "--mult exact:signed=1 --mult drum:k=4,signed=1 --out " +
      dir);
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string csv = slurp(dir + "/sweep.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 2 * 2 * 2 * 2);
  EXPECT_NE(slurp(dir + "/sweep.svg").find("<circle"), std::string::npos);
  EXPECT_EQ(axpod("sweep --network lenet5 --pods 0 --out " + dir + "x").code, 1);
  EXPECT_EQ(axpod("sweep --network lenet5 --mult trunc_col --out " + dir + "y").code,
            1);  // no cost
}

}  // namespace
