// The axpod binary as a user runs it: exit codes, messages, files.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include "common/json.h"
#include "common/npy.h"

namespace {

struct Run {
  int code;            // exit status
  std::string output;  // stdout and stderr together
};

/// Runs a shell command line, stderr with stdout.
Run shell(const std::string& command) {
  const std::string cmd = command + " 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  Run r{-1, ""};
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe)) r.output += buf.data();
  const int status = ::pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

/// Runs axpod with `args`; `env` ("NAME=value ...") is set for that run only.
Run axpod(const std::string& args, const std::string& env = "") {
  return shell(env + " " + std::string(AXPOD_BINARY) + " " + args);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// This process's scratch folder, made fresh (mkdtemp) on first use and removed at exit: names
/// with the pid alone collided with a folder that an earlier run, of another pid that the
/// system reused, had left behind, and axpod refuses to replace a run folder.
class Scratch {
 public:
  Scratch() {
    std::string pattern =
        (std::filesystem::path(::testing::TempDir()) / "axpod_cli.XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("mkdtemp failed: " + pattern);
    root_ = pattern;
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

std::string temp(const std::string& name) {
  static const Scratch scratch;
  return (scratch.root() / name).string();
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

// Commands that neither train nor explain never load libtorch: with the torch module pointed at
// a file that does not exist they still work, and the commands that need it say what is missing.
TEST(Cli, OnlyTrainingAndExplainingLoadTorch) {
  const std::string no_torch = "AXPOD_TORCH_MODULE=/nonexistent/libaxpod_torch.so";
  const std::string out = temp("no_torch_") + std::to_string(::getpid());
  const std::vector<std::string> commands = {
      "--help",
      "mult show drum:k=4",
      "analyze --accel edge_16x16 --network lenet5 --out " + out + "_an",
      "simulate --accel edge_16x16 --network lenet5 --out " + out + "_sim",
      "validate --accel edge_16x16 --network lenet5",
      "eval --help",
      "rank --help",
      "version"};
  for (const auto& args : commands) {
    const auto r = axpod(args, no_torch);
    EXPECT_EQ(r.code, 0) << args << "\n" << r.output;
  }
  const auto r = axpod("rank --model " + temp("absent_model"), no_torch);
  EXPECT_EQ(r.code, 1) << r.output;
  const auto t = axpod("train --model lenet5 --epochs 1 --limit 10 --out " + out + "_t", no_torch);
  EXPECT_EQ(t.code, 1) << t.output;
  EXPECT_NE(t.output.find("libtorch module could not be loaded"), std::string::npos) << t.output;
  EXPECT_NE(t.output.find("/nonexistent/libaxpod_torch.so (not there)"), std::string::npos)
      << t.output;
  EXPECT_FALSE(std::filesystem::exists(out + "_t.axq"));
  // The help of rank lists the registered methods.
  const auto h = axpod("rank --help");
  for (const char* m : {"conductance", "grad_x_act", "sensitivity"})
    EXPECT_NE(h.output.find(m), std::string::npos) << m;
}

// Numbers out of range (NaN and infinities included) are refused before any model is loaded.
// Regression: `gen --budget nan` and `--val 0` ran to the end with a meaningless budget.
TEST(Cli, GenRefusesBadNumbersBeforeLoading) {
  const std::string model = " --model " + temp("no_such_model");
  for (const std::string& bad :
       {std::string("--budget nan"), std::string("--budget inf"), std::string("--budget -5"),
        std::string("--guard -1"), std::string("--finetune 1 --finetune-lr 0"),
        std::string("--finetune 1 --finetune-relax 0.5"), std::string("--threads 0")}) {
    const auto r = axpod("gen" + model + " " + bad);
    EXPECT_EQ(r.code, 1) << bad << "\n" << r.output;
    EXPECT_EQ(r.output.find("no_such_model"), std::string::npos) << bad << "\n" << r.output;
    EXPECT_NE(r.output.find("must"), std::string::npos) << bad << "\n" << r.output;
  }
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
  std::filesystem::remove(bin);  // an earlier run's file (outputs are never replaced)
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
  std::filesystem::remove(png);  // an earlier run's file (outputs are never replaced)
  const auto r = axpod("mult show mitchell --png " + png);
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("max red 11.11 %"), std::string::npos) << r.output;
  EXPECT_GT(std::filesystem::file_size(png), 1000u);
}

TEST(Cli, CharacterizeWritesTheCatalogColumns) {
  const std::string csv = temp("cat.csv");
  const auto r = axpod("mult characterize exact drum:k=4 mitchell:w=3 --pairs 2000 --out " + csv);
  ASSERT_EQ(r.code, 0) << r.output;
  std::ifstream in(csv);
  std::string header, exact, drum, comp;
  std::getline(in, header);  // a plain CSV: the header comes first
  std::getline(in, exact);
  std::getline(in, drum);
  std::getline(in, comp);
  EXPECT_EQ(
      header,
      "name,family,signed,mae,mae_pct,wce,wce_pct,mred_pct,ep_pct,bias,area_ge,energy_fj,depth");
  EXPECT_EQ(exact.rfind("exact,exact,0,0.0000,0.000000,0,0.000000,0.000000,0.0000,0.0000,", 0), 0u)
      << exact;
  EXPECT_EQ(comp.substr(comp.size() - 11), "n/a,n/a,n/a");  // no RTL: no invented cost
  // Provenance goes to a sidecar, with the shipped gate library named relative to the home.
  std::ifstream meta_in(csv + ".meta.json");
  const std::string meta((std::istreambuf_iterator<char>(meta_in)), {});
  EXPECT_NE(meta.find("\"gate_library\": \"configs/gate_library.yaml\""), std::string::npos)
      << meta;
  EXPECT_NE(meta.find("2000 pairs, seed 1"), std::string::npos) << meta;
}

// Shipped files carry no machine path (a checkout or build folder) and the catalog is a plain
// CSV whose first line is its header.
TEST(Cli, ShippedFilesCarryNoMachinePaths) {
  const std::string root = AXPOD_TEST_SOURCE_DIR;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root + "/configs")) {
    if (!e.is_regular_file()) continue;
    std::ifstream f(e.path());
    const std::string text((std::istreambuf_iterator<char>(f)), {});
    EXPECT_EQ(text.find(root), std::string::npos) << e.path();
    EXPECT_EQ(text.find("/work/"), std::string::npos) << e.path();
    EXPECT_EQ(text.find("/home/"), std::string::npos) << e.path();
  }
  std::ifstream cat(root + "/configs/catalog.csv");
  std::string first;
  std::getline(cat, first);
  EXPECT_EQ(first.rfind("name,family,signed,", 0), 0u) << first;
}

/// Two EvoApprox8b-style circuits in `dir`: mul8u_trunc.v (unsigned, 6-bit operands) and
/// mul8s_exact.v (signed exact), ports A, B, O[15:0].
void write_evoapprox_folder(const std::string& dir) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/mul8u_trunc.v")
      << "module mul8u_trunc(input [7:0] A, input [7:0] B, output [15:0] O);\n"
         "  assign O = {A[7:2], 2'b00} * {B[7:2], 2'b00};\nendmodule\n";
  std::ofstream(dir + "/mul8s_exact.v")
      << "module mul8s_exact(input [7:0] A, input [7:0] B, output [15:0] O);\n"
         "  assign O = $signed(A) * $signed(B);\nendmodule\n";
}

// A folder of EvoApprox8b-style Verilog multipliers characterized in one call: mul8s_* files
// are read as signed, every one costed from its own gate netlist.
TEST(Cli, CharacterizeAFolderOfVerilog) {
  const std::string dir = temp("evo_") + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  write_evoapprox_folder(dir);
  const std::string csv = dir + "/evo.csv";
  const auto r = axpod("mult characterize --verilog-dir " + dir + " --out " + csv);
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string text = slurp(csv);
  EXPECT_NE(text.find("verilog:" + dir + "/mul8s_exact.v:signed=1,verilog,1,0.0000"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("verilog:" + dir + "/mul8u_trunc.v,verilog,0,"), std::string::npos) << text;
  EXPECT_EQ(text.find("n/a"), std::string::npos) << text;  // both costed
  // The imported multiplier is a name like any other.
  const auto show = axpod("mult show verilog:" + dir + "/mul8s_exact.v:signed=1");
  ASSERT_EQ(show.code, 0) << show.output;
  EXPECT_NE(show.output.find("mred 0.0000 %"), std::string::npos) << show.output;
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

// SCALE-Sim compatibility: the CSV of `analyze --scalesim-cfg --topology --format csv`.
// Expected cycles (ws, 32x32, tau = 32 + 32 + 32 + T - 2, total = F * tau - 1):
//   Conv1 32x32, 5x5, C=1, N=6:   M=784, K=25:  F=1       -> 878 - 1 = 877
//   Conv2 14x14, 5x5, C=6, N=16:  M=100, K=150: F=5*1=5   -> 5 * 194 - 1 = 969
//   Conv3 27x27, 3x3/2, C=16, 64: M=13*13=169, K=144: F=5*2=10 -> 10 * 263 - 1 = 2629
//   FC1 400 -> 120: M=1, K=400: F=13*4=52                  -> 52 * 95 - 1 = 4939
//   FC2 120 -> 84:  M=1, K=120: F=4*3=12                   -> 12 * 95 - 1 = 1139
TEST(Cli, AnalyzeReproducesScaleSimTotalCycles) {
  const std::string out = temp("scalesim_ws.csv");
  std::filesystem::remove(out);  // an earlier run's file (outputs are never replaced)
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
  EXPECT_EQ(slurp(dir + "/energy.png").substr(0, 4), "\x89PNG");
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
  EXPECT_EQ(slurp(dir + "/sweep.png").substr(0, 4), "\x89PNG");
  EXPECT_EQ(axpod("sweep --network lenet5 --pods 0 --out " + dir + "x").code, 1);
  // A multiplier without RTL has no cost: refused before the sweep, with no folder left behind.
  // (drum:k=3 has a catalog row without energy; drum:k=7 no row at all.)
  for (const char* mult : {"drum:k=3", "drum:k=7"}) {
    const auto bad =
        axpod(std::string("sweep --network lenet5 --mult ") + mult + " --out " + dir + "y");
    EXPECT_EQ(bad.code, 1) << bad.output;
    EXPECT_NE(bad.output.find("has no energy in the catalog"), std::string::npos) << bad.output;
    EXPECT_FALSE(std::filesystem::exists(dir + "y"));
  }
}

// A sweep on the cycle-level model, in one process and under mpirun with 1, 2 and 3 ranks
// (dynamic hand-out, rank 0 writing): the same sweep.csv byte for byte. More ranks than design
// points are refused.
const char* kCycleSweep =
    "sweep --network lenet5 --pods 1,2 --pod-size 8,16 --dataflow ws,os --model cycle ";

/// mpirun for up to 3 ranks on this machine (root allowed, more ranks than cores, shared memory
/// without the single-copy mechanism containers forbid), or "" when there is none or it cannot
/// start even `true` here.
std::string mpirun() {
  for (const char* p : {"/usr/bin/mpirun", "/usr/local/bin/mpirun"})
    if (std::filesystem::exists(p)) {
      const std::string cmd = std::string("env OMPI_MCA_btl_vader_single_copy_mechanism=none ") +
                              p + " --allow-run-as-root --oversubscribe";
      return std::system((cmd + " -np 2 true > /dev/null 2>&1").c_str()) == 0 ? cmd : "";
    }
  return "";
}

/// mpirun() when this build also has axpod's MPI module; "" otherwise.
std::string mpirun_for_axpod() {
  const std::filesystem::path module =
      std::filesystem::path(AXPOD_BINARY).parent_path() / "../lib/axpod/libaxpod_mpi.so";
  return std::filesystem::exists(module) ? mpirun() : std::string();
}

TEST(Cli, SweepIsTheSameOnAnyNumberOfRanks) {
  const std::string one = temp("sweep_ranks_local");
  std::filesystem::remove_all(one);
  auto r = axpod(std::string(kCycleSweep) + "--out " + one);
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string want = slurp(one + "/sweep.csv");
  EXPECT_EQ(std::count(want.begin(), want.end(), '\n'), 1 + 8);
  const std::string mpi = mpirun_for_axpod();
  if (mpi.empty()) GTEST_SKIP() << "no working mpirun here, or no MPI module in this build";
  for (int n : {1, 2, 3}) {
    const std::string dir = temp("sweep_ranks_" + std::to_string(n));
    std::filesystem::remove_all(dir);
    const auto r = shell(mpi + " -np " + std::to_string(n) + " " + AXPOD_BINARY + " " +
                         kCycleSweep + "--out " + dir);
    ASSERT_EQ(r.code, 0) << n << " ranks:\n" << r.output;
    EXPECT_EQ(slurp(dir + "/sweep.csv"), want) << n << " ranks";
    if (n > 1) {
      EXPECT_NE(r.output.find(std::to_string(n) + " MPI ranks"), std::string::npos) << r.output;
    }
  }
  // Rank 0 alone sees that the folder exists: every rank stops with its message, none waits.
  r = shell("timeout 120 " + mpi + " -np 2 " + AXPOD_BINARY + " " + kCycleSweep + "--out " +
            temp("sweep_ranks_1"));
  EXPECT_TRUE(r.code != 0 && r.code != 124) << r.output;
  EXPECT_NE(r.output.find("exists"), std::string::npos) << r.output;
  r = shell(mpi + " -np 3 " + AXPOD_BINARY +
            " sweep --network lenet5 --pods 1 --pod-size 8 --dataflow ws,os --out " +
            temp("sweep_too_many"));
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.output.find("3 MPI ranks for 2 design points"), std::string::npos) << r.output;
}

// A sweep killed (SIGKILL) after three of its eight points resumes from its checkpoint and ends
// with the same sweep.csv as a run that was never interrupted; resuming with other options, or a
// folder that finished, is refused.
TEST(Cli, AKilledSweepResumesToTheSameResults) {
  const std::string whole = temp("sweep_whole"), cut = temp("sweep_cut");
  std::filesystem::remove_all(whole);
  std::filesystem::remove_all(cut);
  ASSERT_EQ(axpod(std::string(kCycleSweep) + "--jobs 1 --out " + whole).code, 0);
  auto r = axpod(std::string(kCycleSweep) + "--jobs 1 --out " + cut, "AXPOD_FAULT_AFTER_POINTS=3");
  EXPECT_NE(r.code, 0);
  EXPECT_FALSE(std::filesystem::exists(cut));
  const std::string checkpoint = temp(".sweep_cut.checkpoint");
  ASSERT_TRUE(std::filesystem::exists(checkpoint));
  const std::string cp = slurp(checkpoint);
  EXPECT_EQ(std::count(cp.begin(), cp.end(), '\n'), 1 + 3);
  r = axpod(
      "sweep --network lenet5 --pods 1,2 --pod-size 8,16 --dataflow ws --model cycle "
      "--resume " +
      cut);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.output.find("that checkpoint is of another run: dataflow"), std::string::npos)
      << r.output;
  std::ofstream(checkpoint, std::ios::app) << "7 12";             // a line the kill cut short
  r = axpod(std::string(kCycleSweep) + "--resume " + cut + "/");  // a trailing slash is the folder
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(slurp(cut + "/sweep.csv"), slurp(whole + "/sweep.csv"));
  EXPECT_FALSE(std::filesystem::exists(checkpoint));
  for (const auto& e : std::filesystem::directory_iterator(temp("")))
    EXPECT_EQ(e.path().filename().string().find(".sweep_cut.partial"), std::string::npos);
  r = axpod(std::string(kCycleSweep) + "--resume " + cut);
  EXPECT_NE(r.output.find("nothing to resume"), std::string::npos) << r.output;
  r = axpod(std::string(kCycleSweep) + "--resume " + temp("sweep_never"));
  EXPECT_NE(r.output.find("no interrupted sweep there"), std::string::npos) << r.output;
  // The test hook itself refuses what is not a count (it used to end in a raw std:: message).
  r = axpod(std::string(kCycleSweep) + "--out " + temp("sweep_hook"),
            "AXPOD_FAULT_AFTER_POINTS=three");
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("AXPOD_FAULT_AFTER_POINTS: not a count: 'three'"), std::string::npos)
      << r.output;
}

// ---------------------------------------------------------------- simulate / validate
double sum_power_csv_energy(const std::string& csv) {
  double total = 0;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    const auto f1 = line.rfind(',');
    const auto f0 = line.rfind(',', f1 - 1);
    total += std::stod(line.substr(f0 + 1, f1 - f0 - 1));
  }
  return total;
}

double json_number(const std::string& json, const std::string& key) {
  const auto p = json.find("\"" + key + "\": ");
  return std::stod(json.substr(p + key.size() + 4));
}

TEST(Cli, SimulateWritesTracesThatParseBack) {
  const std::string dir = temp("sim_lenet");
  std::filesystem::remove_all(dir);
  const auto r = axpod("simulate --accel " + src("configs/accelerators/edge_16x16.yaml") +
                       " --network lenet5 --window 100 --dump-tensors --out " + dir);
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string summary = slurp(dir + "/summary.json");
  const double total_pj = json_number(summary, "total");
  const double cycles = json_number(summary, "cycles");
  EXPECT_EQ(json_number(summary, "macs"), 416520);
  // power.csv: every window of every pod and component; energies add up to the summary.
  const std::string power = slurp(dir + "/power.csv");
  EXPECT_EQ(power.substr(0, power.find('\n')),
            "window,start_cycle,pod,component,energy_pj,power_mw");
  EXPECT_NEAR(sum_power_csv_energy(power), total_pj, 1e-3 * total_pj);
  const auto windows = static_cast<long>(std::ceil(cycles / 100));
  EXPECT_EQ(std::count(power.begin(), power.end(), '\n'), 1 + windows * 4 * 8);
  // power.vcd: a header declaring real signals per pod, then time-ordered value changes.
  const std::string vcd = slurp(dir + "/power.vcd");
  EXPECT_NE(vcd.find("$timescale 1ps $end"), std::string::npos);
  EXPECT_NE(vcd.find("$var real 64 "), std::string::npos);
  EXPECT_NE(vcd.find("pod3_power_mw"), std::string::npos);
  EXPECT_NE(vcd.find("$enddefinitions $end"), std::string::npos);
  long last_time = -1;
  std::istringstream in(vcd.substr(vcd.find("$enddefinitions")));
  std::string line;
  int changes = 0;
  while (std::getline(in, line)) {
    if (line[0] == '#') {
      const long t = std::stol(line.substr(1));
      EXPECT_GT(t, last_time);
      last_time = t;
    } else if (line[0] == 'r') {
      ++changes;
      EXPECT_GE(std::stod(line.substr(1, line.find(' ') - 1)), 0.0);
    }
  }
  EXPECT_EQ(changes, windows * 4 * 9);
  // 100 cycles at 500 MHz = 200 ns per window.
  EXPECT_EQ(last_time, windows * 200000);
  // Tensors: y = x * w with the exact multiplier.
  const auto x = axpod::npy::decode(slurp(dir + "/tensors/fc3_x.npy"));
  const auto w = axpod::npy::decode(slurp(dir + "/tensors/fc3_w.npy"));
  const auto y = axpod::npy::decode(slurp(dir + "/tensors/fc3_y.npy"));
  ASSERT_EQ(x.shape, (std::vector<std::int64_t>{1, 1, 84}));
  ASSERT_EQ(w.shape, (std::vector<std::int64_t>{1, 84, 10}));
  ASSERT_EQ(y.dtype, "<i4");
  for (int n = 0; n < 10; ++n) {
    std::int32_t acc = 0;
    for (int k = 0; k < 84; ++k)
      acc += static_cast<std::int8_t>(x.data[k]) * static_cast<std::int8_t>(w.data[k * 10 + n]);
    std::int32_t got;
    std::memcpy(&got, y.data.data() + 4 * n, 4);
    EXPECT_EQ(got, acc);
  }
}

TEST(Cli, SimulateIsDeterministicAndLayersSelectable) {
  const std::string a = temp("sim_a"), b = temp("sim_b");
  std::filesystem::remove_all(a);
  std::filesystem::remove_all(b);
  const std::string cmd = "simulate --accel " + src("configs/accelerators/tpu_v4_like.yaml") +
                          " --network lenet5 --layers conv2,fc1 --seed 5 --out ";
  ASSERT_EQ(axpod(cmd + a).code, 0);
  ASSERT_EQ(axpod(cmd + b).code, 0);
  EXPECT_EQ(slurp(a + "/layers.csv"), slurp(b + "/layers.csv"));
  EXPECT_EQ(slurp(a + "/power.csv"), slurp(b + "/power.csv"));
  const std::string layers = slurp(a + "/layers.csv");
  EXPECT_EQ(std::count(layers.begin(), layers.end(), '\n'), 3);
}

TEST(Cli, SimulateBadInputLeavesEarlierRunsUntouched) {
  const std::string dir = temp("sim_keep");
  std::filesystem::remove_all(dir);
  const std::string acc = src("configs/accelerators/edge_16x16.yaml");
  ASSERT_EQ(axpod("simulate --accel " + acc + " --network lenet5 --layers fc3 --out " + dir).code,
            0);
  const std::string before = slurp(dir + "/summary.json");
  auto r = axpod("simulate --accel " + acc + " --network lenet5 --layers fc9 --out " + dir + "_x");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("no layer 'fc9'"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("did you mean"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir + "_x"));
  r = axpod("simulate --accel " + acc + " --network lenet5 --layers fc3 --out " + dir);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("never overwrites"), std::string::npos);
  EXPECT_EQ(slurp(dir + "/summary.json"), before);
  r = axpod("simulate --accel " + acc + " --network lenet5 --out /proc/axpod_no/run");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("cannot create run folder"), std::string::npos) << r.output;
  // An inconsistent config: a layer assigned a multiplier no pod carries.
  const std::string yaml = temp("bad_pods.yaml");
  std::string text = slurp(acc);
  text.replace(text.find("reconfigurable: true"), 20, "reconfigurable: false");
  text.replace(text.find("../catalog.csv"), 14, src("configs/catalog.csv"));
  std::ofstream(yaml) << text;
  r = axpod("simulate --accel " + yaml + " --network lenet5 --assign " +
            src("configs/assignment_lenet5_example.yaml") + " --out " + temp("sim_bad"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("no pod of 'edge_16x16' carries it"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(temp("sim_bad")));
}

// --timeline: Chrome trace events that parse, one lane per pod never overlapping itself, the
// layers back to back covering the run, tiles on every pod and stalls where memory is slow.
TEST(Cli, SimulateWritesATimeline) {
  const std::string dir = temp("sim_timeline");
  std::filesystem::remove_all(dir);
  const auto r = axpod("simulate --accel " + src("configs/accelerators/edge_16x16.yaml") +
                       " --network lenet5 --timeline --out " + dir);
  ASSERT_EQ(r.code, 0) << r.output;
  const auto trace = axpod::json::Json::parse(slurp(dir + "/timeline.json"));
  const auto summary = axpod::json::Json::parse(slurp(dir + "/summary.json"));
  std::map<std::pair<int, int>, std::vector<std::pair<long long, long long>>> lanes;
  std::map<std::string, int> categories;
  std::set<int> pods_with_tiles;
  long long layer_cycles = 0;
  int layers = 0;
  for (const auto& e : trace.at("traceEvents")) {
    if (e.at("ph") != "X") continue;
    const long long b = e.at("args").at("first_cycle"), n = e.at("args").at("cycles");
    ASSERT_GT(n, 0);
    lanes[{e.at("pid"), e.at("tid")}].push_back({b, b + n});
    const std::string cat = e.at("cat");
    ++categories[cat];
    if (cat == "compute") pods_with_tiles.insert(e.at("pid").get<int>());
    if (cat == "layer") {
      layer_cycles += n;
      ++layers;
    }
  }
  for (auto& [lane, spans] : lanes) {
    std::sort(spans.begin(), spans.end());
    for (std::size_t i = 1; i < spans.size(); ++i)
      EXPECT_LE(spans[i - 1].second, spans[i].first) << lane.first << "/" << lane.second;
  }
  EXPECT_EQ(layers, 7);
  EXPECT_EQ(layer_cycles, summary.at("cycles").get<long long>());
  EXPECT_EQ(pods_with_tiles.size(), 4u);  // pids 1-4: the four pods
  EXPECT_GT(categories["transfer"], 0);
  EXPECT_GT(categories["stall"], 0);   // the first tiles wait for DRAM
  EXPECT_GT(categories["vector"], 0);  // pooling
}

TEST(Cli, SimulateAcceptsAScaleSimConfig) {
  const std::string dir = temp("sim_scalesim");
  std::filesystem::remove_all(dir);
  const auto r = axpod("simulate --accel " + src("configs/scalesim/scale_ws_32x32.cfg") +
                       " --network " + src("configs/scalesim/lenet_like.csv") + " --out " + dir);
  ASSERT_EQ(r.code, 0) << r.output;
  // SCALE-Sim timing: Conv1 takes 877 cycles in the cycle-level model too.
  EXPECT_NE(slurp(dir + "/layers.csv").find("\nConv1,conv,exact:signed=1,117600,"),
            std::string::npos);
}

// SCALE-Sim's own inputs (a .cfg with [general] and [run_presets], a topology with LeNet- and
// ResNet-like layers): the cycle-level model keeps SCALE-Sim's timing, so validate matches the
// analytical model cycle for cycle on every dataflow and no stall comes out negative.
TEST(Cli, ValidateMatchesOnScaleSimInputs) {
  const std::string topo = temp("ss_topology.csv");
  std::ofstream(topo)
      << "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num "
         "Filter, Strides,\n"
         "Conv1, 32, 32, 5, 5, 1, 6, 1,\nConv2, 14, 14, 5, 5, 6, 16, 1,\n"
         "FC1, 1, 1, 1, 1, 400, 120, 1,\nres_conv, 28, 28, 3, 3, 32, 48, 1,\n"
         "res_down, 30, 30, 1, 1, 16, 40, 2,\nres_fc, 1, 1, 1, 1, 200, 100, 1,\n";
  for (const char* df : {"ws", "os", "is"}) {
    const std::string cfg = temp(std::string("ss_") + df + ".cfg");
    std::ofstream(cfg) << "[general]\nrun_name = sa24\n\n[architecture_presets]\n"
                          "ArrayHeight:    24\nArrayWidth:     16\nIfmapSramSzkB:    256\n"
                          "FilterSramSzkB:   256\nOfmapSramSzkB:    128\nIfmapOffset:    0\n"
                          "FilterOffset:   10000000\nOfmapOffset:    20000000\nDataflow : "
                       << df
                       << "\nBandwidth : 10\nMemoryBanks: 1\n\n[run_presets]\n"
                          "InterfaceBandwidth: CALC\n";
    const std::string csv = temp(std::string("ss_validate_") + df + ".csv");
    const auto r = axpod("validate --accel " + cfg + " --network " + topo + " --out " + csv +
                         " --force --cycle-tol-pct 0 --cycle-tol-abs 0");
    EXPECT_EQ(r.code, 0) << df << "\n" << r.output;
    EXPECT_NE(r.output.find("6 passed, 0 failed"), std::string::npos) << r.output;
    // The default energy table is named, not silently used.
    EXPECT_NE(r.output.find("energy table: axpod default"), std::string::npos) << r.output;
    const std::string table = slurp(csv);
    std::istringstream lines(table);
    std::string line;
    std::getline(lines, line);  // header
    int rows = 0;
    while (std::getline(lines, line)) {
      std::vector<std::string> f;
      std::stringstream ls(line);
      for (std::string x; std::getline(ls, x, ',');) f.push_back(x);
      ASSERT_GE(f.size(), 7u) << line;
      EXPECT_EQ(f[2], f[3]) << df << ": " << line;  // analytical == cycle-level
      EXPECT_EQ(f[6], "0") << df << ": " << line;   // stall cycles
      ++rows;
    }
    EXPECT_EQ(rows, 6);
  }
}

TEST(Cli, ScaleSimRunsNameTheirEnergyTable) {
  const std::string dir = temp("ss_energy_default");
  std::filesystem::remove_all(dir);
  auto r = axpod("simulate --accel " + src("configs/scalesim/scale_ws_32x32.cfg") + " --network " +
                 src("configs/scalesim/lenet_like.csv") + " --out " + dir);
  ASSERT_EQ(r.code, 0) << r.output;
  std::string js = slurp(dir + "/summary.json");
  EXPECT_NE(js.find("\"default\": true"), std::string::npos) << js;
  EXPECT_NE(js.find("Horowitz"), std::string::npos) << js;
  EXPECT_EQ(js.find("\"mult\": 0.0,"), std::string::npos) << js;  // multipliers cost energy
  // --energy replaces the table: a free DRAM costs nothing.
  const std::string e = temp("free_dram.yaml");
  std::ofstream(e) << "source: test table\nadd32_pj: 0.1\nadd8_pj: 0.03\nreg_write_pj: 0.03\n"
                      "pod_sram_pj_per_byte: 1.25\nglobal_buffer_pj_per_byte: 2.5\n"
                      "noc_pj_per_byte_hop: 0.5\ndram_pj_per_byte: 0\n"
                      "leakage_pj_per_pe_cycle: 0.001\ncatalog: "
                   << src("configs/catalog.csv") << "\n";
  const std::string dir2 = temp("ss_energy_user");
  std::filesystem::remove_all(dir2);
  r = axpod("simulate --accel " + src("configs/scalesim/scale_ws_32x32.cfg") + " --network " +
            src("configs/scalesim/lenet_like.csv") + " --energy " + e + " --out " + dir2);
  ASSERT_EQ(r.code, 0) << r.output;
  js = slurp(dir2 + "/summary.json");
  EXPECT_NE(js.find("\"source\": \"test table\""), std::string::npos) << js;
  EXPECT_NE(js.find("\"dram\": 0.0"), std::string::npos) << js;
  // A typo in a bare table is an error with the key named.
  std::ofstream(e, std::ios::app) << "dram_pj_per_bytes: 3\n";
  r = axpod("analyze --accel " + src("configs/scalesim/scale_ws_32x32.cfg") + " --network " +
            src("configs/scalesim/lenet_like.csv") + " --energy " + e + " --format csv");
  EXPECT_EQ(r.code, 2);  // a config error
  EXPECT_NE(r.output.find("dram_pj_per_bytes"), std::string::npos) << r.output;
}

TEST(Cli, ValidatePassesOnShippedConfigsAndFailsOnATightTolerance) {
  auto r = axpod("validate --accel " + src("configs/accelerators/tpu_v4_like.yaml") +
                 " --network lenet5 --assign " + src("configs/assignment_lenet5_example.yaml"));
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("7 passed, 0 failed"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("NO"), std::string::npos);
  r = axpod("validate --accel " + src("configs/accelerators/edge_16x16.yaml") +
            " --network lenet5 --cycle-tol-pct 0.1 --cycle-tol-abs 0 --energy-tol-pct 0.01");
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("FAIL"), std::string::npos);
}

// The shipped LeNet-5 pipeline: eight samples through two stages of two pods. The summary gives
// the makespan, shorter than the layers one after another; the timeline shows each stage's layers
// on a row of its own, overlapping the other stage's; validate compares every job and the
// makespan; a schedule naming a layer twice is refused with its position, writing nothing.
TEST(Cli, ALayerScheduleOverlapsStagesAndValidates) {
  const std::string dir = temp("sim_schedule");
  std::filesystem::remove_all(dir);
  const std::string sched = src("configs/schedules/lenet5_tpu_v4_pipeline.yaml");
  auto r = axpod("simulate --accel tpu_v4_like --network lenet5 --schedule " + sched +
                 " --timeline --out " + dir);
  ASSERT_EQ(r.code, 0) << r.output;
  const auto summary = axpod::json::Json::parse(slurp(dir + "/summary.json"));
  const long long span = summary.at("cycles"), serial = summary.at("schedule").at("serial_cycles");
  EXPECT_LT(span, serial);
  EXPECT_EQ(summary.at("schedule").at("batch"), 8);
  EXPECT_EQ(summary.at("schedule").at("stages").size(), 2u);
  const std::string csv = slurp(dir + "/layers.csv");
  EXPECT_NE(csv.find(",sample,stage\n"), std::string::npos);
  EXPECT_NE(csv.find(",7,classifier\n"), std::string::npos);         // fc3 of the last sample
  std::map<int, std::vector<std::pair<long long, long long>>> rows;  // tid -> layer spans
  const auto trace = axpod::json::Json::parse(slurp(dir + "/timeline.json"));
  for (const auto& e : trace.at("traceEvents"))
    if (e.at("ph") == "X" && e.at("cat") == "layer") {
      const long long b = e.at("args").at("first_cycle"), n = e.at("args").at("cycles");
      rows[e.at("tid").get<int>()].push_back({b, b + n});
    }
  ASSERT_EQ(rows.size(), 2u);  // stage 0 on row 0, stage 1 on row 2
  ASSERT_EQ(rows.count(2), 1u);
  bool overlap = false;
  for (const auto& a : rows[0])
    for (const auto& b : rows[2]) overlap = overlap || (a.first < b.second && b.first < a.second);
  EXPECT_TRUE(overlap);
  r = axpod("validate --accel tpu_v4_like --network lenet5 --schedule " + sched);
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("(makespan)"), std::string::npos);
  EXPECT_NE(r.output.find("fc3#7"), std::string::npos);
  EXPECT_NE(r.output.find("57 passed, 0 failed"), std::string::npos) << r.output;
  const std::string bad = temp("bad_schedule.yaml");
  std::ofstream(bad) << "stages:\n  - {pods: [0], layers: [conv1]}\n"
                        "  - {pods: [1], layers: ['conv1..fc3']}\n";
  const std::string dir2 = temp("sim_schedule_bad");
  std::filesystem::remove_all(dir2);
  r = axpod("simulate --accel tpu_v4_like --network lenet5 --schedule " + bad + " --out " + dir2);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.output.find("bad_schedule.yaml:3"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("already in stage"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir2));
}

// ---------------------------------------------------------------- train / eval / rank / gen
TEST(Cli, DnnCommandsRejectBadInput) {
  auto r = axpod("train --model lenet6 --out " + temp("x"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("did you mean 'lenet5'"), std::string::npos) << r.output;
  const std::string bad = temp("bad.axq");
  std::ofstream(bad) << "axpod-qnet 1\nname x\ntensor 0 28 28 1 zero\nend\n";
  r = axpod("eval --model " + bad);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find(bad + ":3: bad tensor scale 'zero'"), std::string::npos) << r.output;
  r = axpod("gen --model /nonexistent/lenet5");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("/nonexistent/lenet5.axq"), std::string::npos) << r.output;
}

// The whole DNN flow through the CLI on a small budget: train, eval with an assignment, rank,
// gen (XAI-Gen only), each writing what it says.
TEST(Cli, TrainEvalRankGenEndToEnd) {
  const std::string prefix = temp("lenet_cli");
  std::filesystem::remove(prefix + ".pt");
  std::filesystem::remove(prefix + ".axq");
  auto r = axpod("train --model lenet5 --epochs 1 --limit 1500 --threads 2 --out " + prefix);
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("float test accuracy"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(prefix + ".pt"));
  r = axpod("train --model lenet5 --epochs 1 --limit 100 --out " + prefix);
  EXPECT_EQ(r.code, 1);  // never replaces a model without --force
  r = axpod("eval --model " + prefix + ".axq --limit 500 --assign " +
            src("configs/assignment_lenet5_example.yaml"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("on 500 test images"), std::string::npos) << r.output;
  const std::string rank_dir = temp("rank_cli");
  std::filesystem::remove_all(rank_dir);
  r = axpod("rank --model " + prefix + " --samples 8 --steps 2 --out " + rank_dir);
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string ranking = slurp(rank_dir + "/ranking.csv");
  EXPECT_EQ(std::count(ranking.begin(), ranking.end(), '\n'), 6);
  EXPECT_EQ(slurp(rank_dir + "/ranking.png").substr(0, 4), "\x89PNG");
  const std::string gen_dir = temp("gen_cli");
  std::filesystem::remove_all(gen_dir);
  r = axpod("gen --model " + prefix +
            " --budget 2 --no-baselines --val 300 --samples 8 --steps 2 --out " + gen_dir);
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("layer outputs bit-exact"), std::string::npos) << r.output;
  const std::string yaml = slurp(gen_dir + "/assignment.yaml");
  EXPECT_NE(yaml.find("default: exact:signed=1"), std::string::npos) << yaml;
  // The report shows the Pareto plot that gen wrote beside it.
  const std::string md = slurp(gen_dir + "/report.md");
  EXPECT_NE(md.find("](pareto.png)"), std::string::npos) << md;
  EXPECT_NE(md.find("](pareto_mult.png)"), std::string::npos) << md;
  EXPECT_EQ(slurp(gen_dir + "/pareto_mult.png").substr(0, 4), "\x89PNG");
  EXPECT_EQ(slurp(gen_dir + "/pareto.png").substr(0, 4), "\x89PNG");
  // The assignment gen wrote is a valid input of eval and analyze.
  r = axpod("eval --model " + prefix + ".axq --limit 200 --assign " + gen_dir + "/assignment.yaml");
  EXPECT_EQ(r.code, 0) << r.output;
  r = axpod("analyze --accel " + src("configs/accelerators/tpu_v4_like.yaml") + " --network " +
            prefix + ".axq --assign " + gen_dir + "/assignment.yaml --out " + temp("an_axq_") +
            std::to_string(::getpid()));
  EXPECT_EQ(r.code, 0) << r.output;
  // gen with fine-tuning: a row "xai-gen+ft" (or its skip note), and when it is chosen the
  // assignment names the tuned network written beside it.
  const std::string ft_dir = temp("gen_ft_cli");
  std::filesystem::remove_all(ft_dir);
  r = axpod("gen --model " + prefix +
            " --budget 2 --no-baselines --val 300 --samples 8 --steps 2 --finetune 1 "
            "--finetune-rounds 1 --finetune-limit 1000 --out " +
            ft_dir);
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string ft_csv = slurp(ft_dir + "/results.csv");
  EXPECT_NE(ft_csv.find(",xai-gen+ft,"), std::string::npos) << ft_csv;
  if (slurp(ft_dir + "/report.md").find("Chosen: xai-gen+ft") != std::string::npos) {
    EXPECT_NE(slurp(ft_dir + "/assignment.yaml").find("finetuned_1.axq"), std::string::npos);
    EXPECT_TRUE(std::filesystem::exists(ft_dir + "/finetuned_1.axq"));
  }
  // attack: eps 0 leaves the clean accuracy, a real eps lowers it.
  const std::string att_dir = temp("attack_cli_") + std::to_string(::getpid());
  r = axpod("attack --model " + prefix + " --limit 60 --eps 0,0.1 --assign " + gen_dir +
            "/assignment.yaml --out " + att_dir);
  ASSERT_EQ(r.code, 0) << r.output;
  std::ifstream att(att_dir + "/robust.csv");
  std::string header, row0, row1;
  std::getline(att, header);
  std::getline(att, row0);
  std::getline(att, row1);
  const auto cell = [](const std::string& line, int k) {
    std::stringstream ss(line);
    std::string c;
    for (int i = 0; i <= k; ++i) std::getline(ss, c, ',');
    return std::stod(c);
  };
  EXPECT_EQ(header.find("robust_accuracy"), header.find("clean_accuracy,") + 15) << header;
  EXPECT_EQ(cell(row0, 5), cell(row0, 6)) << row0;  // eps 0: robust == clean
  EXPECT_LT(cell(row1, 6), cell(row1, 5)) << row1;
  EXPECT_EQ(slurp(att_dir + "/adversarial.png").substr(0, 4), "\x89PNG");
  // gen --evolve: CGP multipliers for the least important layer join its candidates; names in
  // the outputs point into the final run folder, and the assignment runs in eval.
  const std::string evo_dir = temp("gen_evolve_cli");
  std::filesystem::remove_all(evo_dir);
  r = axpod("gen --model " + prefix +
            " --budget 2 --no-baselines --val 300 --samples 8 --steps 2 --evolve 0.15 "
            "--evolve-layers 1 --evolve-error wmae:0.2% --out " +
            evo_dir);
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string evo_md = slurp(evo_dir + "/report.md");
  EXPECT_NE(evo_md.find("Multipliers evolved for single layers"), std::string::npos) << evo_md;
  EXPECT_EQ(evo_md.find(".partial-"), std::string::npos) << evo_md;
  const std::string evo_yaml = slurp(evo_dir + "/assignment.yaml");
  EXPECT_EQ(evo_yaml.find(".partial-"), std::string::npos) << evo_yaml;
  std::size_t evolved_files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(evo_dir + "/evolved"))
    evolved_files += e.path().filename() == "evolved.v";
  EXPECT_EQ(evolved_files, 1u);
  r = axpod("eval --model " + prefix + ".axq --limit 100 --assign " + evo_dir + "/assignment.yaml");
  EXPECT_EQ(r.code, 0) << r.output;
  // mult evolve on a layer of the network.
  const std::string layer_dir = temp("evolve_layer_") + std::to_string(::getpid());
  r = axpod("mult evolve --model " + prefix +
            " --layer conv2 --images 2 --max-error wmae:0.1% "
            "--minutes 0 --generations 400 --no-catalog --out " +
            layer_dir);
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(slurp(layer_dir + "/summary.json").find("layer conv2 of lenet5"), std::string::npos);
  r = axpod("mult evolve --model " + prefix + " --layer conv22 --max-error wmae:0.1% --out " +
            layer_dir + "_bad");
  EXPECT_NE(r.output.find("did you mean 'conv2'"), std::string::npos) << r.output;
  // gen's confirmation and `simulate` run the same network runner: the same assignment on the
  // same accelerator gives the same cycles per image.
  const std::string sim_dir = temp("sim_axq_") + std::to_string(::getpid());
  r = axpod("simulate --accel tpu_v4_like --network " + prefix + ".axq --assign " + gen_dir +
            "/assignment.yaml --out " + sim_dir);
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string summary = slurp(sim_dir + "/summary.json");
  const auto at = summary.find("\"cycles\": ");
  ASSERT_NE(at, std::string::npos) << summary;
  const std::string cycles = summary.substr(at + 10, summary.find(',', at) - at - 10);
  const std::string report = slurp(gen_dir + "/report.md");
  EXPECT_NE(report.find("; " + cycles + " cycles and "), std::string::npos)
      << "simulate: " << cycles << " cycles\n"
      << report;

  // gen under mpirun: XAI-Gen's search and its five baselines spread over 2 and 3 ranks give the
  // same results.csv (but for the times) and pareto.csv as one process; more ranks than searches,
  // and fine-tuning, are refused.
  const std::string mpi = mpirun_for_axpod();
  if (mpi.empty()) return;
  const std::string gen_opts = " gen --model " + prefix +
                               " --budget 2 --val 200 --samples 8 --steps 2 --random 6 "
                               "--nsga-pop 4 --nsga-gens 2 --exhaustive-limit 10 "
                               "--confirm-images 1 --threads 1 --out ";
  const auto without_seconds = [](const std::string& csv) {  // drops column 12, "seconds"
    std::string out;
    std::stringstream in(csv);
    for (std::string line; std::getline(in, line);) {
      std::size_t at = 0;
      for (int k = 0; k < 11 && at != std::string::npos; ++k) at = line.find(',', at + 1);
      const std::size_t end = at == std::string::npos ? at : line.find(',', at + 1);
      out += (end == std::string::npos ? line : line.substr(0, at) + line.substr(end)) + "\n";
    }
    return out;
  };
  const std::string g1 = temp("gen_ranks_1");
  r = axpod(gen_opts + g1);
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string want = without_seconds(slurp(g1 + "/results.csv"));
  EXPECT_NE(want.find("budget_pct,method,energy_pj"), std::string::npos) << want;
  EXPECT_EQ(want.find("seconds"), std::string::npos) << want;
  EXPECT_NE(want.find(",nsga2,"), std::string::npos) << want;
  for (int n : {2, 3}) {
    const std::string dir = temp("gen_ranks_" + std::to_string(n));
    r = shell("timeout 600 " + mpi + " -np " + std::to_string(n) + " " + AXPOD_BINARY + gen_opts +
              dir);
    ASSERT_EQ(r.code, 0) << n << " ranks:\n" << r.output;
    EXPECT_NE(r.output.find("searches on " + std::to_string(n) + " MPI ranks"), std::string::npos)
        << r.output;
    EXPECT_EQ(without_seconds(slurp(dir + "/results.csv")), want) << n << " ranks";
    EXPECT_EQ(slurp(dir + "/pareto.csv"), slurp(g1 + "/pareto.csv")) << n << " ranks";
  }
  r = shell("timeout 120 " + mpi + " -np 7 " + AXPOD_BINARY + gen_opts + temp("gen_ranks_7"));
  EXPECT_NE(r.output.find("7 MPI ranks for 6 searches"), std::string::npos) << r.output;
  r = shell("timeout 120 " + mpi + " -np 2 " + AXPOD_BINARY + gen_opts + temp("gen_ranks_ft") +
            " --finetune 1");
  EXPECT_NE(r.output.find("fine-tuning and evolving multipliers run in one process"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(std::filesystem::exists(temp("gen_ranks_ft")));
}

// `mult evolve` on uniform operands: a circuit within the bound that Yosys reads back to the
// same table, the same circuit for the same seed and generation count.
TEST(Cli, MultEvolveWritesAVerifiedReproducibleCircuit) {
  const std::string base =
      "mult evolve --from exact:signed=1 --max-error wmae:0.2% --minutes 0 "
      "--generations 2000 --front-points 2 --no-catalog --seed 5 --out ";
  std::string dirs[2];
  for (int i = 0; i < 2; ++i) {
    dirs[i] = temp("evolve_" + std::to_string(i) + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dirs[i]);
    const auto r = axpod(base + dirs[i]);
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("less than the seed"), std::string::npos) << r.output;
  }
  for (const char* f :
       {"evolved.v", "evolved.bin", "catalog_row.csv", "evolution.csv", "evolution.png",
        "front.csv", "front.svg", "front/front_00.v", "compare.csv", "summary.json"})
    EXPECT_TRUE(std::filesystem::exists(dirs[0] + "/" + f)) << f;
  EXPECT_EQ(slurp(dirs[0] + "/evolved.v"), slurp(dirs[1] + "/evolved.v"));
  EXPECT_EQ(slurp(dirs[0] + "/front.csv"), slurp(dirs[1] + "/front.csv"));
  const auto v = axpod("mult verify verilog:" + dirs[0] +
                       "/evolved.v:signed=1 --reference lut:signed:" + dirs[0] + "/evolved.bin");
  EXPECT_EQ(v.code, 0) << v.output;
  EXPECT_NE(v.output.find("ok (65536/65536)"), std::string::npos) << v.output;
  // Its weighted error (uniform weights: the catalog's MAE) is within the bound.
  const std::string row = slurp(dirs[0] + "/catalog_row.csv");
  const auto line = row.substr(row.find('\n') + 1);
  std::vector<std::string> cells;
  std::stringstream ss(line);
  for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
  ASSERT_GE(cells.size(), 12u) << row;
  EXPECT_LE(std::stod(cells[cells.size() - 9]), 0.2) << row;  // mae_pct
  // A run folder is never replaced.
  const auto again = axpod(base + dirs[0]);
  EXPECT_NE(again.code, 0);
}

// The comparison takes a folder of someone else's Verilog (EvoApprox8b naming): a signed seed
// compares with mul8s_* circuits and says why mul8u_* ones were skipped.
TEST(Cli, MultEvolveComparesWithAVerilogFolder) {
  const std::string dir = temp("evo_cmp_") + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  write_evoapprox_folder(dir);
  const std::string out = temp("evolve_cmp_out_") + std::to_string(::getpid());
  const auto r = axpod(
      "mult evolve --max-error mred:1% --minutes 0 --generations 300 "
      "--no-catalog --compare " +
      dir + " --out " + out);
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("mul8u_trunc.v: other signedness"), std::string::npos) << r.output;
  const std::string csv = slurp(out + "/compare.csv");
  EXPECT_NE(csv.find("mul8s_exact.v:signed=1,folder,0.000000,0.000000,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",evolved,"), std::string::npos) << csv;
  EXPECT_EQ(csv.find("mul8u_trunc"), std::string::npos) << csv;
}

TEST(Cli, AttackRefusesBadOptionsBeforeLoading) {
  for (const auto& [args, want] : std::vector<std::pair<std::string, std::string>>{
           {"--eps 2", "--eps values must lie in [0, 1]"},
           {"--eps 0.1,x", "--eps: 'x' is not a number"},
           {"--eps nan", "is not a number"},
           {"--method bim", "expected fgsm or pgd"},
           {"--method pgd --steps 0", "--steps must lie in [1, 1000]"},
           {"--gradients exact", "expected float or approx"},
           {"--limit 0", "--limit must be at least 1"}}) {
    const auto r = axpod("attack --model /nonexistent/m " + args);
    EXPECT_NE(r.code, 0) << args;
    EXPECT_NE(r.output.find(want), std::string::npos) << args << ": " << r.output;
  }
}

// XAI-NAS stopped after one generation and resumed ends with the same candidates as a run that
// was not stopped; a resume with other settings or of another folder is refused.
TEST(Cli, NasResumesToTheSameSearch) {
  const std::string opts =
      " --budget-minutes 0 --population 2 --train-images 500 --val 100 --robust-images 40 "
      "--multipliers 3 --threads 1 ";
  const std::string a = temp("nas_a_") + std::to_string(::getpid());
  const std::string b = temp("nas_b_") + std::to_string(::getpid());
  auto r = axpod("nas --generations 2" + opts + "--out " + a);
  ASSERT_EQ(r.code, 0) << r.output;
  r = axpod("nas --generations 1" + opts + "--out " + b);
  ASSERT_EQ(r.code, 0) << r.output;
  r = axpod("nas --generations 2" + opts + "--resume " + b);
  ASSERT_EQ(r.code, 0) << r.output;
  const auto ja = axpod::json::Json::parse(slurp(a + "/checkpoint.json"));
  const auto jb = axpod::json::Json::parse(slurp(b + "/checkpoint.json"));
  ASSERT_EQ(ja["methods"].size(), 2u);
  for (std::size_t m = 0; m < 2; ++m) {
    const auto& ea = ja["methods"][m]["evaluated"];
    const auto& eb = jb["methods"][m]["evaluated"];
    ASSERT_EQ(ea.size(), 6u);  // 2 initial + 2 x 2 generations
    ASSERT_EQ(eb.size(), ea.size());
    for (std::size_t i = 0; i < ea.size(); ++i) {
      EXPECT_EQ(ea[i]["arch"], eb[i]["arch"]) << m << " " << i;
      EXPECT_EQ(ea[i]["accuracy"], eb[i]["accuracy"]) << m << " " << i;
      EXPECT_EQ(ea[i]["assign"], eb[i]["assign"]) << m << " " << i;
    }
  }
  // Killed (SIGKILL) after its fifth checkpoint (the methods take turns: both initial
  // populations, both first generations, XAI-NAS's second), the search resumes to the same
  // candidates as the run that was never interrupted.
  const std::string c = temp("nas_c_") + std::to_string(::getpid());
  r = axpod("nas --generations 2" + opts + "--out " + c, "AXPOD_FAULT_AFTER_CHECKPOINTS=5");
  EXPECT_NE(r.code, 0) << r.output;
  EXPECT_FALSE(std::filesystem::exists(c + "/report.md"));
  const auto cut = axpod::json::Json::parse(slurp(c + "/checkpoint.json"));
  EXPECT_EQ(cut["methods"][0]["evaluated"].size(), 6u);
  EXPECT_EQ(cut["methods"][1]["evaluated"].size(), 4u);
  r = axpod("nas --generations 2" + opts + "--resume " + c);
  ASSERT_EQ(r.code, 0) << r.output;
  const auto jc = axpod::json::Json::parse(slurp(c + "/checkpoint.json"));
  for (std::size_t m = 0; m < 2; ++m) {
    const auto& ea = ja["methods"][m]["evaluated"];
    const auto& ec = jc["methods"][m]["evaluated"];
    ASSERT_EQ(ec.size(), ea.size()) << m;
    for (std::size_t i = 0; i < ea.size(); ++i)
      for (const char* k : {"arch", "accuracy", "assign", "energy_pj"})
        EXPECT_EQ(ec[i][k], ea[i][k]) << m << " " << i << " " << k;
  }
  for (const char* f : {"pareto.csv", "pareto.png", "report.md", "summary.json", "best.axq",
                        "best_network.yaml", "assignment.yaml"})
    EXPECT_TRUE(std::filesystem::exists(a + "/" + f)) << f;
  // The best design is a network the other commands take.
  r = axpod("analyze --accel edge_16x16 --network " + a + "/best_network.yaml --format csv");
  EXPECT_EQ(r.code, 0) << r.output;
  r = axpod("eval --model " + a + "/best.axq --limit 100 --assign " + a + "/assignment.yaml");
  EXPECT_EQ(r.code, 0) << r.output;
  r = axpod(
      "nas --generations 3 --budget-minutes 0 --population 3 --train-images 500 --val 100 "
      "--robust-images 40 --multipliers 3 --resume " +
      b);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.output.find("population (was 2, now 3)"), std::string::npos) << r.output;
  r = axpod("nas --generations 1" + opts + "--resume " + temp("evolve_bad_nothing"));
  EXPECT_NE(r.output.find("has no checkpoint.json"), std::string::npos) << r.output;
  r = axpod("nas --generations 1 --methods nsga2,nsga2" + opts + "--out " + temp("nas_twice"));
  EXPECT_NE(r.output.find("--methods names 'nsga2' twice"), std::string::npos) << r.output;
  r = axpod("nas --generations 1" + opts + "--out " + a);
  EXPECT_NE(r.output.find("exists"), std::string::npos) << r.output;
}

// A NAS generation's candidates spread over MPI ranks: with 2 and 3 ranks the search evaluates
// the same candidates (architecture, multipliers, accuracy, energy, the populations) as one
// process; the times differ. More ranks than a generation has candidates is refused.
TEST(Cli, NasIsTheSameOnAnyNumberOfRanks) {
  const std::string opts =
      " nas --generations 1 --budget-minutes 0 --population 3 --train-images 300 --val 100 "
      "--robust-images 40 --multipliers 3 --threads 1 --out ";
  const std::string one = temp("nas_ranks_1");
  auto r = axpod(opts + one);
  ASSERT_EQ(r.code, 0) << r.output;
  const auto want = axpod::json::Json::parse(slurp(one + "/checkpoint.json"));
  const std::string mpi = mpirun_for_axpod();
  if (mpi.empty()) GTEST_SKIP() << "no working mpirun here, or no MPI module in this build";
  for (int n : {2, 3}) {
    const std::string dir = temp("nas_ranks_" + std::to_string(n));
    r = shell("timeout 600 " + mpi + " -np " + std::to_string(n) + " " + AXPOD_BINARY + opts + dir);
    ASSERT_EQ(r.code, 0) << n << " ranks:\n" << r.output;
    EXPECT_NE(r.output.find("candidates on " + std::to_string(n) + " MPI ranks"), std::string::npos)
        << r.output;
    const auto got = axpod::json::Json::parse(slurp(dir + "/checkpoint.json"));
    ASSERT_EQ(got["methods"].size(), want["methods"].size());
    for (std::size_t m = 0; m < want["methods"].size(); ++m) {
      const auto& w = want["methods"][m];
      const auto& g = got["methods"][m];
      EXPECT_EQ(g["population"], w["population"]) << n << " ranks, method " << m;
      ASSERT_EQ(g["evaluated"].size(), w["evaluated"].size());
      ASSERT_EQ(w["evaluated"].size(), 6u);  // 3 initial + 3 children
      for (std::size_t i = 0; i < w["evaluated"].size(); ++i)
        for (const char* k : {"arch", "assign", "accuracy", "robust_accuracy", "energy_pj",
                              "latency_cycles", "order", "genes", "files"})
          EXPECT_EQ(g["evaluated"][i][k], w["evaluated"][i][k])
              << n << " ranks, method " << m << ", candidate " << i << ": " << k;
    }
  }
  r = shell("timeout 120 " + mpi + " -np 4 " + AXPOD_BINARY + opts + temp("nas_ranks_4"));
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.output.find("4 MPI ranks for a population of 3"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(temp("nas_ranks_4")));
}

// validate --isolated runs every layer alone (as SCALE-Sim does): its layers are work units, and
// on 2 and 3 MPI ranks the table and the CSV are those of one process. A whole-network run
// under mpirun (one simulation) and --isolated with a schedule are refused with the reason.
TEST(Cli, ValidateSpreadsIsolatedLayersOverRanks) {
  const std::string base = " validate --accel edge_16x16 --network lenet5 --isolated --out ";
  const auto table = [](const std::string& out) {  // the table and the tally, no progress
    std::string rows;
    std::stringstream in(out);
    for (std::string line; std::getline(in, line);)
      if (line.rfind("validate:", 0) != 0) rows += line + "\n";
    return rows;
  };
  const std::string one = temp("validate_iso_1.csv");
  auto r = axpod(base + one);
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("7 passed, 0 failed"), std::string::npos) << r.output;
  // Alone, conv2 no longer finds its weights resident: the same figures as --layers conv2.
  const auto alone = axpod("validate --accel edge_16x16 --network lenet5 --layers conv2");
  const auto row = alone.output.substr(alone.output.find("\nconv2") + 1, 60);
  EXPECT_NE(r.output.find(row), std::string::npos) << row << "\n" << r.output;
  const std::string mpi = mpirun_for_axpod();
  if (mpi.empty()) GTEST_SKIP() << "no working mpirun here, or no MPI module in this build";
  for (int n : {2, 3}) {
    const std::string csv = temp("validate_iso_" + std::to_string(n) + ".csv");
    const auto m =
        shell("timeout 300 " + mpi + " -np " + std::to_string(n) + " " + AXPOD_BINARY + base + csv);
    ASSERT_EQ(m.code, 0) << n << " ranks:\n" << m.output;
    EXPECT_EQ(table(m.output), table(r.output)) << n << " ranks";
    EXPECT_EQ(slurp(csv), slurp(one)) << n << " ranks";
  }
  r = shell("timeout 120 " + mpi + " -np 2 " + AXPOD_BINARY +
            " validate --accel edge_16x16 --network lenet5");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.output.find("only with --isolated"), std::string::npos) << r.output;
  r = axpod("validate --accel tpu_v4_like --network lenet5 --isolated --schedule " +
            src("configs/schedules/lenet5_tpu_v4_pipeline.yaml"));
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.output.find("does not take a --schedule"), std::string::npos) << r.output;
}

// Interrupted runs remove their partial folder and exit 128 + the signal.
TEST(Cli, SignalsRemoveThePartialRunFolder) {
  for (const int sig : {SIGTERM, SIGINT}) {
    const std::string out = temp("sig_" + std::to_string(sig) + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(out);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::freopen("/dev/null", "w", stdout);
      ::freopen("/dev/null", "w", stderr);
      ::execl(AXPOD_BINARY, AXPOD_BINARY, "mult", "evolve", "--max-error", "wmae:1%", "--minutes",
              "5", "--no-catalog", "--out", out.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    const auto parent = std::filesystem::path(out).parent_path();
    const std::string partial = "." + std::filesystem::path(out).filename().string() + ".partial-";
    bool seen = false;
    for (int i = 0; i < 400 && !seen; ++i) {  // up to 20 s for the run to start
      ::usleep(50000);
      for (const auto& e : std::filesystem::directory_iterator(parent))
        seen = seen || e.path().filename().string().rfind(partial, 0) == 0;
    }
    ASSERT_TRUE(seen) << "no partial folder appeared";
    ::usleep(300000);
    ::kill(pid, sig);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status)) << "killed by a signal instead of exiting";
    EXPECT_EQ(WEXITSTATUS(status), 128 + sig);
    for (const auto& e : std::filesystem::directory_iterator(parent))
      EXPECT_NE(e.path().filename().string().rfind(partial, 0), 0u) << e.path();
    EXPECT_FALSE(std::filesystem::exists(out));
  }
}

// Output files are not replaced without --force; `--out X/` names the folder X.
TEST(Cli, OutputsAreNotReplacedWithoutForce) {
  const std::string csv = temp("force_") + std::to_string(::getpid()) + ".csv";
  const std::string analyze = "analyze --scalesim-cfg " +
                              src("configs/scalesim/scale_ws_32x32.cfg") + " --topology " +
                              src("configs/scalesim/lenet_like.csv") + " --format csv --out " + csv;
  ASSERT_EQ(axpod(analyze).code, 0);
  auto r = axpod(analyze);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.output.find("exists: axpod does not replace output files unless --force"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(axpod(analyze + " --force").code, 0);
  const std::string bin = temp("force_") + std::to_string(::getpid()) + ".bin";
  EXPECT_EQ(axpod("mult export drum:k=4 --out " + bin).code, 0);
  EXPECT_NE(axpod("mult export drum:k=4 --out " + bin).code, 0);
  EXPECT_EQ(axpod("mult export drum:k=4 --out " + bin + " --force").code, 0);
  const std::string png = temp("force_") + std::to_string(::getpid()) + ".png";
  EXPECT_EQ(axpod("mult show drum:k=4 --png " + png).code, 0);
  EXPECT_NE(axpod("mult show drum:k=4 --png " + png).code, 0);
  const std::string dir = temp("slash_") + std::to_string(::getpid());
  r = axpod("analyze --accel edge_16x16 --network lenet5 --out " + dir + "/");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_TRUE(std::filesystem::exists(dir + "/summary.json"));
}

TEST(Cli, NumericOptionsAreRangeChecked) {
  for (const auto& [args, want] : std::vector<std::pair<std::string, std::string>>{
           {"sweep --network lenet5 -j -3", "--jobs must lie in [1, 256], got -3"},
           {"mult characterize exact -j 0 --out /tmp/x.csv", "--jobs must lie in [1, 256]"},
           {"train --model lenet5 --limit -5", "--limit must lie in [0, 60000], got -5"},
           {"train --model lenet5 --lr nan", "--lr must be a number"},
           {"eval --model x.axq --threads 10000", "--threads must lie in [1, 256]"},
           {"validate --accel edge_16x16 --network lenet5 --cycle-tol-pct nan",
            "--cycle-tol-pct must be a number"},
           {"mult show drum:k=4,k=6", "parameter 'k' is given twice"}}) {
    const auto r = axpod(args);
    EXPECT_NE(r.code, 0) << args;
    EXPECT_NE(r.output.find(want), std::string::npos) << args << ": " << r.output;
  }
}

// An input that needs more memory than the process may have (a 4096x4096 array under a 400 MB
// address-space limit) is an "out of memory" error naming what to check, with exit 1 and no run
// folder; before, std::bad_alloc reached the user as an internal error.
TEST(Cli, RunningOutOfMemoryIsAClearError) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves more address space than the limit allows";
#endif
  std::string yaml = slurp(src("configs/accelerators/edge_16x16.yaml"));
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"count: 4", "count: 1"},
           {"rows: 16", "rows: 4096"},
           {"cols: 16", "cols: 4096"},
           {"catalog: ../catalog.csv", "catalog: " + src("configs/catalog.csv")}}) {
    ASSERT_NE(yaml.find(from), std::string::npos) << from;
    yaml.replace(yaml.find(from), from.size(), to);
  }
  const std::string accel = temp("huge_array.yaml"), out = temp("huge_out");
  std::ofstream(accel) << yaml;
  const auto r = shell("ulimit -v 400000; " + std::string(AXPOD_BINARY) + " simulate --accel " +
                       accel + " --network lenet5 --out " + out);
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("axpod: error: out of memory"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(Cli, MultEvolveRefusesBadInputBeforeWorking) {
  const std::string out = temp("evolve_bad_" + std::to_string(::getpid()));
  const auto bound = axpod("mult evolve --max-error wmae:lots --out " + out);
  EXPECT_NE(bound.code, 0);
  EXPECT_NE(bound.output.find("--max-error 'wmae:lots'"), std::string::npos) << bound.output;
  const auto measure = axpod("mult evolve --max-error mae:1% --out " + out);
  EXPECT_NE(measure.output.find("unknown measure 'mae'"), std::string::npos) << measure.output;
  const std::string pairs = temp("pairs_bad.txt");
  std::ofstream(pairs) << "# a b\n3 4\n5 6 7\n";
  const auto file = axpod("mult evolve --max-error wce:1% --generations 10 --operands " + pairs +
                          " --out " + out);
  EXPECT_NE(file.code, 0);
  EXPECT_NE(file.output.find("pairs_bad.txt:3: expected two integers"), std::string::npos)
      << file.output;
  std::ofstream(pairs) << "3 4\n200 6\n";
  const auto range = axpod("mult evolve --max-error wce:1% --generations 10 --operands " + pairs +
                           " --out " + out);
  EXPECT_NE(range.output.find("[-128, 127]"), std::string::npos) << range.output;
  const auto layer = axpod("mult evolve --max-error wce:1% --layer conv2 --out " + out);
  EXPECT_NE(layer.output.find("--layer needs --model"), std::string::npos) << layer.output;
  const auto seed = axpod("mult evolve --from drum:k=3 --max-error wce:1% --out " + out);
  EXPECT_NE(seed.output.find("no gate netlist"), std::string::npos) << seed.output;
  const auto mins = axpod("mult evolve --max-error wce:1% --minutes nan --out " + out);
  EXPECT_NE(mins.code, 0);
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
