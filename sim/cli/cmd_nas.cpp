// `axpod nas`: XAI-NAS against an NSGA-II baseline (sim/host/nas.h), with checkpoints.
#include <boost/program_options.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "accel/accelerator.h"
#include "cluster.h"
#include "commands.h"
#include "common/error.h"
#include "common/fs.h"
#include "common/json.h"
#include "common/text.h"
#include "data/idx.h"
#include "nas.h"
#include "options.h"
#include "progress.h"
#include "rank_workers.h"

namespace axpod::cli {

namespace {

/// Rank 0's setup: the resumed folder and its state (checked against `fp`), or a new folder.
void setup_nas_run(const po::variables_map& vm, const json::Json& fp, std::string& dir,
                   host::NasState& state);

}  // namespace

int run_nas(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("help,h", "show this help")(
      "accel,a",
      po::value<std::string>()->default_value(default_config("accelerators/edge_16x16.yaml")),
      "accelerator for energy and latency")(
      "budget-minutes", po::value<double>()->default_value(15), "wall time, both methods")(
      "generations", po::value<long>()->default_value(0),
      "stop each method after this many generations (0: time only)")(
      "population", po::value<int>()->default_value(6), "candidates per generation")(
      "train-images", po::value<int>()->default_value(6000), "proxy training images")(
      "epochs", po::value<int>()->default_value(1), "proxy training epochs")(
      "val", po::value<int>()->default_value(1000), "validation images scored")(
      "robust-eps", po::value<double>()->default_value(0.05), "FGSM eps (0: no robustness)")(
      "robust-images", po::value<int>()->default_value(300), "validation images attacked")(
      "accuracy-budget", po::value<double>()->default_value(1.0),
      "pp lost to multipliers in XAI-NAS's XAI-Gen assignments")(
      "multipliers", po::value<int>()->default_value(6), "common candidate multipliers")(
      "methods", po::value<std::string>()->default_value("xai-nas,nsga2"),
      "methods, the baseline last")("seed,s", po::value<std::uint64_t>()->default_value(1), "seed")(
      "threads,t", po::value<int>()->default_value(2), "threads")(
      "data", po::value<std::string>()->default_value(data::kFashionMnistDir),
      "Fashion-MNIST folder")("out,o", po::value<std::string>(),
                              "run folder (default traces/nas-<time>)")(
      "resume", po::value<std::string>(), "continue the stopped search in this run folder")(
      "no-inherit", po::bool_switch(),
      "children train from scratch (default: from their parent's float weights where names and "
      "shapes match)")("inherit", po::bool_switch(), "the default (kept for older scripts)");
  po::variables_map vm;
  if (!parse_options(
          args, opts, {}, vm, "usage: axpod nas [options]",
          "XAI-NAS: an architecture search over small CNNs with a multiplier per layer, steered\n"
          "by layer conductance (multipliers from XAI-Gen, mutations that shrink the least and\n"
          "widen the most important layers), against NSGA-II over the same space, proxy\n"
          "training and time. Checkpoints after every generation (--resume DIR continues).\n"
          "Writes pareto.csv/png/svg, report.md, summary.json, best.axq/.pt,\n"
          "best_network.yaml, assignment.yaml, cands/ (the front's candidates).\n\nexamples:\n"
          "  axpod nas --budget-minutes 15 --out nas-run\n"
          "  axpod nas --resume nas-run --budget-minutes 20\n"
          "  axpod nas --generations 2 --population 4 --train-images 2000\n"))
    return 0;
  host::NasOptions o;
  o.budget_minutes = vm["budget-minutes"].as<double>();
  o.generations = vm["generations"].as<long>();
  o.population = vm["population"].as<int>();
  o.train_images = vm["train-images"].as<int>();
  o.epochs = vm["epochs"].as<int>();
  o.val_images = vm["val"].as<int>();
  o.robust_eps = vm["robust-eps"].as<double>();
  o.robust_images = vm["robust-images"].as<int>();
  o.accuracy_budget = vm["accuracy-budget"].as<double>();
  o.multiplier_choices = vm["multipliers"].as<int>();
  o.seed = vm["seed"].as<std::uint64_t>();
  o.threads = vm["threads"].as<int>();
  if (vm["inherit"].as<bool>() && vm["no-inherit"].as<bool>())
    throw Error("give --inherit or --no-inherit, not both");
  o.inherit = !vm["no-inherit"].as<bool>();
  o.methods.clear();
  for (const auto& m : text::split(vm["methods"].as<std::string>(), ','))
    o.methods.push_back(text::trim(m));
  if (vm.count("out") && vm.count("resume")) throw Error("give --out or --resume, not both");
  host::check_options(o);
  const auto acc = accel::load_any_accelerator(vm["accel"].as<std::string>());
  json::Json fp{{"command", "nas"},
                {"accelerator", acc.name},
                {"population", o.population},
                {"train_images", o.train_images},
                {"epochs", o.epochs},
                {"val", o.val_images},
                {"robust_eps", o.robust_eps},
                {"robust_images", o.robust_images},
                {"accuracy_budget", o.accuracy_budget},
                {"multipliers", o.multiplier_choices},
                {"methods", o.methods},
                {"inherit", o.inherit},
                {"seed", o.seed}};
  auto& cl = cluster::current();
  if (cl.size() > o.population)
    throw Error(std::to_string(cl.size()) + " MPI ranks for a population of " +
                std::to_string(o.population) +
                " (the candidates of a generation are the work units): start at most " +
                std::to_string(o.population) + " ranks");
  // Under mpirun the ranks are the parallelism: one thread each unless --threads says otherwise.
  if (cl.size() > 1 && vm["threads"].defaulted()) o.threads = 1;
  host::NasState state;
  std::string dir;
  // Only rank 0 sets up (reads the checkpoint, makes the folder); every rank learns whether
  // that worked, then gets its folder and state.
  std::string setup_error;
  if (cl.rank() == 0) {
    try {
      setup_nas_run(vm, fp, dir, state);
    } catch (const std::exception& e) {
      if (cl.size() == 1) throw;
      setup_error = e.what();
    }
  }
  cl.agree(setup_error);
  if (cl.size() > 1) {
    dir = cl.broadcast(dir);
    state =
        host::state_from_json(json::Json::parse(cl.broadcast(json::dump(host::to_json(state)))));
    if (cl.rank() == 0)
      std::fprintf(stderr, "nas: candidates on %s, %d thread%s each\n", cl.describe().c_str(),
                   o.threads, o.threads == 1 ? "" : "s");
  }
  const auto train = data::load_fashion_mnist(vm["data"].as<std::string>(), "train");
  const auto test = data::load_fashion_mnist(vm["data"].as<std::string>(), "test");
  RankWorkers ranks(cl);
  const bool lead = cl.rank() == 0;
  // Fault injection for the tests: the process kills itself (SIGKILL, as a lost node would go)
  // once it has written this many checkpoints.
  const long long kill_after = fault_after("AXPOD_FAULT_AFTER_CHECKPOINTS");
  long long written = 0;
  Progress bar("nas", 1000);
  host::run_nas(
      o, acc, train, test, dir, state,
      [&](const host::NasState& s) {
        // Rank 0 writes; every rank learns whether that worked (a rank left waiting for the
        // next generation while rank 0 stopped would hang).
        std::string error;
        if (lead) {
          try {
            fs::write_file_atomic(dir + "/checkpoint.json", json::dump(host::to_json(s)));
          } catch (const std::exception& e) {
            if (cl.size() == 1) throw;
            error = e.what();
          }
        }
        if (cl.size() > 1) cl.agree(error);
        if (kill_after > 0 && lead && ++written == kill_after) std::raise(SIGKILL);
      },
      [&](const std::string& what, double frac) {
        bar.step(static_cast<std::size_t>(std::clamp(frac, 0.0, 1.0) * 1000), what);
      },
      cl.size() > 1 ? &ranks : nullptr);
  if (!lead) return 0;  // rank 0 writes the outputs
  bar.finish();

  const std::string md = host::write_nas_outputs(state, o, acc, dir);
  std::fputs(md.c_str(), stdout);
  std::printf("\nrun folder: %s\n", dir.c_str());
  return 0;
}

namespace {

void setup_nas_run(const po::variables_map& vm, const json::Json& fp, std::string& dir,
                   host::NasState& state) {
  if (vm.count("resume")) {
    dir = vm["resume"].as<std::string>();
    const std::string cp = dir + "/checkpoint.json";
    if (!std::filesystem::exists(cp))
      throw Error("'" + dir + "' has no checkpoint.json: not the folder of an axpod nas run");
    json::Json j;
    try {
      j = json::Json::parse(fs::read_file(cp));
    } catch (const json::Json::exception& e) {
      throw Error(cp + ": " + e.what());
    }
    state = host::state_from_json(j);
    if (state.fingerprint != fp)
      throw Error("--resume '" + dir + "': that search ran with other settings:" +
                  json::changed_keys(state.fingerprint, fp) + " (resume it with the same options)");
  } else {
    dir = pick_run_dir(vm.count("out") ? vm["out"].as<std::string>() : "", "nas");
    std::filesystem::create_directories(dir);
    state.fingerprint = fp;
  }
}

}  // namespace

}  // namespace axpod::cli
