// `axpod rank` (XAI layer importance), `axpod gen` (XAI-Gen assignment under an accuracy budget,
// with baselines, Pareto front and a cycle-level confirmation) and `axpod demo` (the whole flow).
// Options and printing only: the flow is the host library (sim/host/xai_gen.h, report.h,
// demo.h, ranker.h).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "accel/assignment.h"
#include "cluster.h"
#include "commands.h"
#include "common/error.h"
#include "common/fs.h"
#include "common/json.h"
#include "common/paths.h"
#include "common/plot.h"
#include "data/idx.h"
#include "demo.h"
#include "engine/infer.h"
#include "options.h"
#include "progress.h"
#include "rank_workers.h"
#include "ranker.h"
#include "report.h"
#include "xai_gen.h"

namespace axpod::cli {

namespace {

void add_gen_options(po::options_description& opts) {
  opts.add_options()(
      "accel,a",
      po::value<std::string>()->default_value(default_config("accelerators/tpu_v4_like.yaml")),
      "accelerator for energy")("multipliers", po::value<std::string>(),
                                "candidate multipliers, ';'-separated (default: every signed "
                                "catalog multiplier cheaper than exact)")(
      "val", po::value<int>()->default_value(5000),
      "validation images (held-out end of the training split)")(
      "guard", po::value<double>()->default_value(0.5),
      "guard band, pp: searches keep the validation loss within budget - guard, so that the "
      "test split holds the budget")("samples", po::value<int>()->default_value(64),
                                     "images explained by the ranking")(
      "steps", po::value<int>()->default_value(16), "conductance path steps")(
      "threads,t", po::value<int>()->default_value(2), "threads")(
      "data", po::value<std::string>()->default_value(data::kFashionMnistDir),
      "Fashion-MNIST folder")("random", po::value<int>()->default_value(60),
                              "random baseline: samples")(
      "exhaustive-subset", po::value<std::size_t>()->default_value(2),
      "exhaustive baseline: cheapest multipliers tried")(
      "exhaustive-limit", po::value<std::size_t>()->default_value(400),
      "exhaustive baseline: largest search")("nsga-pop", po::value<int>()->default_value(16),
                                             "NSGA-II population")(
      "nsga-gens", po::value<int>()->default_value(8), "NSGA-II generations")(
      "finetune", po::value<int>()->default_value(0),
      "epochs of approximation-aware fine-tuning per round (0: none)")(
      "finetune-rounds", po::value<int>()->default_value(3),
      "rounds of fine-tuning + search for cheaper multipliers")(
      "finetune-lr", po::value<double>()->default_value(5e-4), "fine-tuning learning rate")(
      "finetune-limit", po::value<int>()->default_value(0),
      "fine-tune on the first N training images only (0: all but the validation split)")(
      "finetune-relax", po::value<double>()->default_value(2.0),
      "a round fine-tunes for the assignment of budget x this")(
      "operand-aware", po::bool_switch(),
      "multiplier energy from toggles on each layer's own operands (default: uniform operands, "
      "the catalog)")("confirm-images", po::value<int>()->default_value(2),
                      "test images run on the cycle-level model")(
      "seed", po::value<std::uint64_t>()->default_value(1),
      "seed of the random and evolutionary baselines");
}

std::vector<std::string> candidates_from(const po::variables_map& vm, const accel::Accelerator& acc,
                                         const std::string& exact) {
  return host::candidate_multipliers(
      acc, exact, vm.count("multipliers") ? vm["multipliers"].as<std::string>() : "");
}

host::GenOptions gen_options(const po::variables_map& vm) {
  host::GenOptions g;
  g.val = vm["val"].as<int>();
  g.guard = vm["guard"].as<double>();
  g.operand_aware = vm["operand-aware"].as<bool>();
  g.threads = vm["threads"].as<int>();
  g.random_tries = vm["random"].as<int>();
  g.exhaustive_subset = vm["exhaustive-subset"].as<std::size_t>();
  g.exhaustive_limit = vm["exhaustive-limit"].as<std::size_t>();
  g.nsga_pop = vm["nsga-pop"].as<int>();
  g.nsga_gens = vm["nsga-gens"].as<int>();
  g.seed = vm["seed"].as<std::uint64_t>();
  g.confirm_images = vm["confirm-images"].as<int>();
  g.finetune_epochs = vm["finetune"].as<int>();
  g.finetune_rounds = vm["finetune-rounds"].as<int>();
  g.finetune_lr = vm["finetune-lr"].as<double>();
  g.finetune_relax = vm["finetune-relax"].as<double>();
  g.finetune_limit = vm["finetune-limit"].as<int>();
  return g;
}

/// The ranking input of rank/gen: `samples` validation images explained (gradient methods) or
/// `--val` validation images evaluated (sensitivity).
host::RankInput rank_input(const host::TrainedModel& m, const po::variables_map& vm,
                           const std::string& method, const accel::Accelerator& acc,
                           const std::string& exact, const std::string& probe) {
  host::RankInput in;
  in.qnet = &m.qnet;
  in.weights_pt = m.prefix + ".pt";
  in.split = &m.train;
  in.begin = host::validation_begin(m.train);
  in.count = host::RankerRegistry::instance().get(method).needs_torch ? vm["samples"].as<int>()
                                                                      : vm["val"].as<int>();
  in.steps = vm["steps"].as<int>();
  in.threads = vm["threads"].as<int>();
  in.acc = &acc;
  in.probe = probe;
  in.exact = exact;
  return in;
}

/// A Progress bar over the stages of one gen run (fine-tuning rounds, baselines).
std::function<void(const std::string&, int, int)> stage_bar(std::unique_ptr<Progress>& bar,
                                                            const std::string& what) {
  return [&bar, what](const std::string& stage, int done, int total) {
    if (!bar) bar = std::make_unique<Progress>(what, static_cast<std::size_t>(total));
    bar->step(static_cast<std::size_t>(done), stage);
    if (done == total) {
      bar->finish();
      bar.reset();
    }
  };
}

int cmd_rank(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("help,h", "show this help")("model,m", po::value<std::string>()->required(),
                                                 "trained model prefix (PREFIX.axq and PREFIX.pt)")(
      "method", po::value<std::string>()->default_value("conductance"),
      "ranking method (listed below)")("out,o", po::value<std::string>(),
                                       "run folder (default traces/rank-<model>-<time>)");
  add_gen_options(opts);
  po::variables_map vm;
  const std::string text =
      "Importance of every MAC layer of a trained model; writes ranking.csv and\n"
      "ranking.svg/.png. Gradient methods explain --samples validation images; sensitivity\n"
      "evaluates --val validation images.\n\nmethods:\n" +
      host::RankerRegistry::instance().help() +
      "\nexamples:\n"
      "  axpod rank --model trained/lenet5\n"
      "  axpod rank --model trained/lenet5 --method grad_x_act\n"
      "  axpod rank --model trained/lenet5 --method sensitivity\n";
  if (!parse_options(args, opts, {}, vm, "usage: axpod rank --model PREFIX [options]",
                     text.c_str()))
    return 0;
  const std::string method = vm["method"].as<std::string>();
  host::RankerRegistry::instance().get(method);  // an unknown name fails before any loading
  const auto m = host::load_trained(vm["model"].as<std::string>(), vm["data"].as<std::string>());
  const auto acc = accel::load_any_accelerator(vm["accel"].as<std::string>());
  const std::string exact = host::exact_multiplier(acc);
  const auto cands = candidates_from(vm, acc, exact);
  RunDir run(vm.count("out") ? vm["out"].as<std::string>() : "", "rank-" + m.qnet.name);
  const auto scores =
      host::rank_layers(method, rank_input(m, vm, method, acc, exact, cands.front()));
  const std::string csv = host::ranking_csv(scores);
  fs::write_file_atomic(run.work() + "/ranking.csv", csv);
  plot::write(host::ranking_plot(scores, m.qnet.name + ": layer importance (" + method + ")"),
              run.work() + "/ranking");
  run.commit();
  std::fputs(csv.c_str(), stdout);
  std::printf("run folder: %s\n", run.final_path().c_str());
  return 0;
}

int cmd_gen(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("help,h", "show this help")("model,m", po::value<std::string>()->required(),
                                                 "trained model prefix (PREFIX.axq and PREFIX.pt)")(
      "budget,b", po::value<double>()->default_value(1.0),
      "allowed validation accuracy loss, percentage points")("no-baselines", po::bool_switch(),
                                                             "XAI-Gen only")(
      "out,o", po::value<std::string>(), "run folder (default traces/gen-<model>-<time>)");
  add_gen_options(opts);
  opts.add_options()("evolve", po::value<double>()->default_value(0),
                     "minutes of CGP: multipliers evolved for the least important layers' own "
                     "operands join those layers' candidates (implies --operand-aware)")(
      "evolve-layers", po::value<int>()->default_value(2), "layers (XAI order) that get them")(
      "evolve-error", po::value<std::string>()->default_value("wmae:0.1%"),
      "error bound of each layer's loosest evolved multiplier (tighter ones come from its "
      "front)");
  po::variables_map vm;
  if (!parse_options(
          args, opts, {}, vm, "usage: axpod gen --model PREFIX [options]",
          "Ranks the layers by conductance, then, least important first, gives each layer the\n"
          "cheapest multiplier that keeps the validation accuracy loss within the budget (energy\n"
          "from the analytical model). Baselines: uniform, random, exhaustive, NSGA-II,\n"
          "sensitivity. Confirms the result on the cycle-level model (bit-exact outputs).\n"
          "With --finetune E: rounds of approximation-aware fine-tuning (E epochs each) for the\n"
          "assignment found, each followed by a search for cheaper multipliers on the tuned\n"
          "network, held to the original network's budget (result 'xai-gen+ft'; the tuned\n"
          "network is written as finetuned_R.axq/.pt in the run folder).\n"
          "With --evolve M: M minutes of CGP (as `mult evolve`) for the --evolve-layers least\n"
          "important layers; each gets up to four evolved multipliers of its own (evolved/).\n"
          "Writes assignment.yaml, results.csv, pareto.csv, pareto(_mult).svg/.png, "
          "report.md.\n\nexamples:\n"
          "  axpod gen --model trained/lenet5 --budget 1.0\n"
          "  axpod gen --model trained/lenet5 --budget 1.0 --finetune 1 --no-baselines\n"
          "  axpod gen --model trained/lenet5 --budget 2 --multipliers "
          "'drum:k=4,signed=1;trunc_op:k=3,signed=1'\n"))
    return 0;
  auto g = gen_options(vm);
  g.budget = vm["budget"].as<double>();
  g.baselines = !vm["no-baselines"].as<bool>();
  g.evolve_minutes = vm["evolve"].as<double>();
  g.evolve_layers = vm["evolve-layers"].as<int>();
  g.evolve_error = vm["evolve-error"].as<std::string>();
  host::check_options(g);  // before the model loads
  // Under mpirun XAI-Gen's search and its baselines are the ranks' work units; rank 0 confirms
  // and writes.
  auto& cl = cluster::current();
  if (cl.size() > 1) {
    const int units = g.baselines ? 6 : 1;
    if (g.finetune_epochs > 0 || g.evolve_minutes > 0)
      throw Error(
          "fine-tuning and evolving multipliers run in one process: drop them, or run gen "
          "without mpirun");
    if (cl.size() > units)
      throw Error(std::to_string(cl.size()) + " MPI ranks for " + std::to_string(units) +
                  (g.baselines ? " searches (XAI-Gen's and 5 baselines)"
                               : " search (--no-baselines: XAI-Gen's alone)") +
                  ", gen's work units: start at most " + std::to_string(units) + " ranks");
    if (vm["threads"].defaulted()) g.threads = 1;  // the ranks are the parallelism
  }
  const auto m = host::load_trained(vm["model"].as<std::string>(), vm["data"].as<std::string>());
  const auto acc = accel::load_any_accelerator(vm["accel"].as<std::string>());
  const std::string exact = host::exact_multiplier(acc);
  const auto cands = candidates_from(vm, acc, exact);
  std::optional<RunDir> run;
  std::string setup_error;
  if (cl.rank() == 0) {
    try {
      run.emplace(vm.count("out") ? vm["out"].as<std::string>() : "", "gen-" + m.qnet.name);
      g.finetune_dir = run->work();
      g.evolve_dir = run->work() + "/evolved";
      g.evolve_final = run->final_path() + "/evolved";
    } catch (const std::exception& e) {
      if (cl.size() == 1) throw;
      setup_error = e.what();
    }
  }
  cl.agree(setup_error);
  if (cl.size() > 1 && cl.rank() == 0)
    std::fprintf(stderr, "gen: searches on %s, %d thread%s each\n", cl.describe().c_str(),
                 g.threads, g.threads == 1 ? "" : "s");
  RankWorkers ranks(cl);
  const auto t0 = std::chrono::steady_clock::now();
  // The layer ranking: rank 0's, shared (the other ranks would only repeat it).
  std::vector<host::LayerScore> scores;
  std::string rank_error;
  if (cl.rank() == 0) {
    try {
      scores = host::rank_layers("conductance",
                                 rank_input(m, vm, "conductance", acc, exact, cands.front()));
    } catch (const std::exception& e) {
      if (cl.size() == 1) throw;
      rank_error = e.what();
    }
  }
  if (cl.size() > 1) {
    cl.agree(rank_error);
    json::Json shared = json::Json::array();
    for (const auto& sc : scores) shared.push_back({sc.layer, sc.score});
    scores.clear();
    for (const auto& sc : json::Json::parse(cl.broadcast(shared.dump())))
      scores.push_back({sc.at(0).get<std::string>(), sc.at(1).get<double>()});
  }
  const double rank_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::unique_ptr<Progress> bar;
  auto rep = host::run_gen(
      m, acc, cands, scores, g, exact,
      cl.rank() == 0 ? stage_bar(bar, fmt::format("gen ({:.2f} pp)", g.budget)) : nullptr,
      cl.size() > 1 ? &ranks : nullptr);
  if (cl.rank() != 0) return 0;           // rank 0 writes
  rep.results.front().seconds += rank_s;  // XAI-Gen's time includes its ranking
  host::relocate_multipliers(rep, run->work(), run->final_path());
  fs::write_file_atomic(
      run->work() + "/assignment.yaml",
      host::assignment_yaml(
          rep.results[rep.chosen].best.assign, exact,
          fmt::format("{} assignment for {}, budget {:.2f} pp{}", rep.results[rep.chosen].method,
                      m.qnet.name, rep.budget,
                      rep.tuned ? " (for " +
                                      std::filesystem::path(rep.tuned->prefix).filename().string() +
                                      ".axq in this folder)"
                                : "")));
  fs::write_file_atomic(run->work() + "/ranking.csv", host::ranking_csv(scores));
  fs::write_file_atomic(run->work() + "/results.csv", host::results_csv(rep));
  fs::write_file_atomic(run->work() + "/pareto.csv", host::pareto_csv(rep.pareto));
  plot::write(host::pareto_plot(rep, m.qnet.name + ": total energy", false),
              run->work() + "/pareto");
  plot::write(host::pareto_plot(rep, m.qnet.name + ": multiplier energy", true),
              run->work() + "/pareto_mult");
  const std::string md = host::gen_markdown(rep, m.qnet.name, acc.name);
  fs::write_file_atomic(run->work() + "/report.md", md);
  run->commit();
  std::fputs(md.c_str(), stdout);
  std::printf("\nrun folder: %s\n", run->final_path().c_str());
  return rep.conf.bit_exact == rep.conf.layers ? 0 : 1;
}

int cmd_finetune(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("help,h", "show this help")("model,m", po::value<std::string>()->required(),
                                                 "trained model prefix (PREFIX.axq and PREFIX.pt)")(
      "assign", po::value<std::string>()->required(), "per-layer multiplier assignment YAML")(
      "epochs,e", po::value<int>()->default_value(1), "fine-tuning epochs")(
      "lr", po::value<double>()->default_value(1e-4), "Adam learning rate")(
      "limit", po::value<int>()->default_value(0), "train on the first N images only (0: all)")(
      "val", po::value<int>()->default_value(5000), "validation images for the before/after")(
      "threads,t", po::value<int>()->default_value(2), "threads")(
      "seed,s", po::value<std::uint64_t>()->default_value(1), "seed (shuffling)")(
      "data", po::value<std::string>()->default_value(data::kFashionMnistDir),
      "Fashion-MNIST folder")("out,o", po::value<std::string>(),
                              "output prefix (default PREFIX_ft): writes OUT.pt and OUT.axq")(
      "force", po::bool_switch(), "replace existing output files");
  po::variables_map vm;
  if (!parse_options(
          args, opts, {}, vm, "usage: axpod finetune --model PREFIX --assign X.yaml [options]",
          "Approximation-aware fine-tuning: libtorch training whose forward pass is the bit-exact\n"
          "int8 engine with each layer's multiplier table (straight-through gradients of the\n"
          "float model), keeping the activation scales of the model. Prints the engine's\n"
          "validation and test accuracy with the assignment before and after.\n\nexamples:\n"
          "  axpod finetune --model trained/lenet5 --assign gen-run/assignment.yaml --epochs 2\n"))
    return 0;
  const auto m = host::load_trained(vm["model"].as<std::string>(), vm["data"].as<std::string>());
  const auto file = accel::load_assignment(vm["assign"].as<std::string>(), m.qnet.workload());
  const std::string exact = file.fallback;
  const host::Assignment a(file.layers.begin(), file.layers.end());
  const std::string out = vm.count("out") ? vm["out"].as<std::string>() : m.prefix + "_ft";
  host::prepare_output(out, vm["force"].as<bool>());
  const int threads = vm["threads"].as<int>();
  const int val = vm["val"].as<int>();
  const int vbegin = host::validation_begin(m.train);
  if (val < 1 || val > m.train.images.count - vbegin)
    throw Error("--val must lie in [1, " + std::to_string(m.train.images.count - vbegin) + "]");
  const auto accuracy = [&](const engine::QNet& q) {
    engine::Engine e(q);
    e.assign(a, exact);
    return std::pair{e.accuracy(m.train, vbegin, vbegin + val, threads),
                     e.accuracy(m.test, 0, m.test.images.count, threads)};
  };
  const auto before = accuracy(m.qnet);
  host::FinetuneOptions o;
  o.epochs = vm["epochs"].as<int>();
  o.lr = vm["lr"].as<double>();
  o.train_limit = vm["limit"].as<int>();
  o.threads = threads;
  o.seed = vm["seed"].as<std::uint64_t>();
  EpochBars bars;
  const auto t0 = std::chrono::steady_clock::now();
  const auto tuned =
      host::finetune(m, a, exact, o, out, [&](const host::TrainProgress& p) { bars(p); });
  bars.finish();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto after = accuracy(tuned.qnet);
  std::printf("%s with %s: fine-tuned %d epoch(s) in %.1f s\n", m.qnet.name.c_str(),
              vm["assign"].as<std::string>().c_str(), o.epochs, secs);
  std::printf("              validation   test\n");
  std::printf("before        %8.2f %%  %6.2f %%\n", 100 * before.first, 100 * before.second);
  std::printf("after         %8.2f %%  %6.2f %%\n", 100 * after.first, 100 * after.second);
  std::printf("wrote %s.pt and %s.axq\n", out.c_str(), out.c_str());
  return 0;
}

int cmd_demo(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("help,h", "show this help")("out,o", po::value<std::string>(),
                                                 "report folder (default traces/demo-<time>)")(
      "model-prefix", po::value<std::string>()->default_value("trained/lenet5"),
      "where the LeNet-5 model is reused from (or trained into)")(
      "epochs", po::value<int>()->default_value(10), "training epochs when no model exists");
  add_gen_options(opts);
  po::variables_map vm;
  if (!parse_options(
          args, opts, {}, vm, "usage: axpod demo [options]",
          "The end-to-end XAI-Gen flow: trains LeNet-5 on Fashion-MNIST (or reuses it), ranks its\n"
          "layers by conductance, assigns approximate multipliers for accuracy budgets of 0.5, 1\n"
          "and 2 points (baselines at 1), confirms each on the cycle-level model of tpu_v4_like,\n"
          "and writes a report folder: report.md, SVG plots, assignments, energy traces.\n\n"
          "examples:\n  axpod demo\n  axpod demo --out my_report --threads 2\n"))
    return 0;
  host::DemoOptions o;
  o.prefix = vm["model-prefix"].as<std::string>();
  o.epochs = vm["epochs"].as<int>();
  o.data_dir = vm["data"].as<std::string>();
  o.accel = vm["accel"].as<std::string>();
  o.multipliers = vm.count("multipliers") ? vm["multipliers"].as<std::string>() : "";
  o.samples = vm["samples"].as<int>();
  o.steps = vm["steps"].as<int>();
  o.gen = gen_options(vm);
  host::check_options(o.gen);
  RunDir run(vm.count("out") ? vm["out"].as<std::string>() : "", "demo");
  host::DemoHooks hooks;
  EpochBars bars;
  std::unique_ptr<Progress> base_bar;
  hooks.stage = [&](const std::string& s) {
    bars.finish();
    std::printf("== %s\n", s.c_str());
  };
  hooks.train = [&](const host::TrainProgress& p) { bars(p); };
  hooks.baseline = stage_bar(base_bar, "gen");
  const std::string md = host::run_demo(o, run.work(), hooks);
  run.commit();
  std::printf("\n%s\nreport: %s/report.md\n", md.c_str(), run.final_path().c_str());
  return 0;
}

}  // namespace

int run_demo(const std::vector<std::string>& args) {
  return cmd_demo(args);
}

int run_finetune(const std::vector<std::string>& args) {
  return cmd_finetune(args);
}

int run_rank(const std::vector<std::string>& args) {
  return cmd_rank(args);
}
int run_gen(const std::vector<std::string>& args) {
  return cmd_gen(args);
}

}  // namespace axpod::cli
