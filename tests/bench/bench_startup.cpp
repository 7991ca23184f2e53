// Wall time of whole `axpod` commands, process start included (target: `axpod analyze
// --accel edge_16x16 --network lenet5` under 50 ms on a 2-core machine; it took 0.94 s while the
// binary linked libtorch). Each iteration spawns the binary and waits for it.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

namespace {

int run(std::vector<std::string> argv) {
  argv.insert(argv.begin(), AXPOD_BINARY);
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  int status = -1;
  if (posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ) == 0)
    ::waitpid(pid, &status, 0);
  posix_spawn_file_actions_destroy(&fa);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void BM_Command(benchmark::State& state, std::vector<std::string> args) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("axpod_bench_startup_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  int n = 0;
  for (auto _ : state) {
    auto a = args;
    for (auto& s : a)
      if (s == "@OUT") s = (dir / ("run" + std::to_string(n++))).string();
    if (run(a) != 0) {
      state.SkipWithError("axpod failed");
      break;
    }
  }
  std::filesystem::remove_all(dir);
}

BENCHMARK_CAPTURE(BM_Command, help, {"--help"})->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Command, analyze_lenet5_csv,
                  {"analyze", "--accel", "edge_16x16", "--network", "lenet5", "--format", "csv"})
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Command, analyze_lenet5_run_folder,
                  {"analyze", "--accel", "edge_16x16", "--network", "lenet5", "--out", "@OUT"})
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Command, mult_show_drum4, {"mult", "show", "drum:k=4"})
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
