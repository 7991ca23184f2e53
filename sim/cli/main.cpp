// axpod: cycle-level simulator of multi-pod systolic arrays with approximate multipliers.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "commands.h"
#include "common/error.h"
#include "common/paths.h"
#include "signals.h"
#include "torch_backend.h"

namespace {

constexpr const char* kUsage =
    "axpod: multi-pod systolic-array simulator with approximate multipliers\n"
    "\n"
    "usage: axpod <command> [options]\n"
    "\n"
    "commands:\n"
    "  mult      approximate multipliers: list, describe, show, characterize, verify, export,\n"
    "            evolve (CGP for a layer's operands)\n"
    "  analyze   one network on one accelerator with the analytical model (SCALE-Sim compatible)\n"
    "  sweep     a grid of pod counts x pod sizes x dataflows x multipliers\n"
    "  simulate  the cycle-level SystemC model with real int8 data, energy traces\n"
    "  validate  analytical vs cycle-level vs functional model, per layer\n"
    "  train     train a zoo model on Fashion-MNIST (libtorch) and quantize it to int8\n"
    "  eval      accuracy of a quantized network with exact or approximate multipliers\n"
    "  attack    adversarial robustness (FGSM, PGD) of the int8 approximate engine\n"
    "  nas       XAI-NAS: architecture search for approximate CNNs, against NSGA-II\n"
    "  rank      XAI layer importance (layer conductance, gradient x activation, sensitivity)\n"
    "  finetune  approximation-aware fine-tuning for a multiplier assignment (libtorch)\n"
    "  gen       XAI-Gen: per-layer multipliers under an accuracy budget, with baselines\n"
    "  demo      the whole flow on LeNet-5 / Fashion-MNIST, into a report folder\n"
    "  version   print the version, the folder of the shipped configs and the torch module\n"
    "\n"
    "Run `axpod <command> --help` for the options and examples of a command.\n";

}  // namespace

// libsystemc refers to sc_main (its own main() would call it). axpod has its own main() and
// starts SystemC from `simulate`, so this entry point is never used.
extern "C" int sc_main(int /*argc*/, char** /*argv*/) {
  return 3;
}

int main(int argc, char** argv) {
  ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  axpod::cli::install_signal_cleanup();
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  try {
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (args[0] == "mult" && !rest.empty() && rest[0] == "evolve")
      return axpod::cli::run_mult_evolve({rest.begin() + 1, rest.end()});
    if (args[0] == "mult") return axpod::cli::run_mult(rest);
    if (args[0] == "analyze") return axpod::cli::run_analyze(rest);
    if (args[0] == "sweep") return axpod::cli::run_sweep(rest);
    if (args[0] == "simulate") return axpod::cli::run_simulate(rest);
    if (args[0] == "validate") return axpod::cli::run_validate(rest);
    if (args[0] == "train") return axpod::cli::run_train(rest);
    if (args[0] == "eval") return axpod::cli::run_eval(rest);
    if (args[0] == "attack") return axpod::cli::run_attack(rest);
    if (args[0] == "nas") return axpod::cli::run_nas(rest);
    if (args[0] == "rank") return axpod::cli::run_rank(rest);
    if (args[0] == "finetune") return axpod::cli::run_finetune(rest);
    if (args[0] == "gen") return axpod::cli::run_gen(rest);
    if (args[0] == "demo") return axpod::cli::run_demo(rest);
    if (args[0] == "version" || args[0] == "--version") {
      const std::string module = axpod::host::torch_module_path();
      std::printf("axpod %s\nhome: %s\ntorch module: %s\n", AXPOD_VERSION,
                  axpod::paths::home().c_str(), module.empty() ? "not found" : module.c_str());
      return 0;
    }
    std::fprintf(stderr, "axpod: unknown command '%s'\n\n%s", args[0].c_str(), kUsage);
    return 2;
  } catch (const axpod::ConfigError& e) {
    std::fprintf(stderr, "axpod: configuration error:\n%s\n", e.what());
    return 2;
  } catch (const axpod::Error& e) {
    std::fprintf(stderr, "axpod: error: %s\n", e.what());
    return 1;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr,
                 "axpod: error: out of memory: the inputs ask for more than this machine has "
                 "(check the sizes they give: arrays, layers, images)\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr,
                 "axpod: internal error (a bug in axpod: please report it with the "
                 "command that gave it): %s\n",
                 e.what());
    return 3;
  }
}
