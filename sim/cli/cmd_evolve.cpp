// `axpod mult evolve`: CGP of a multiplier for one layer's operands (sim/host/evolve.h).
#include <boost/program_options.hpp>

#include <cstdio>

#include <fmt/format.h>

#include "commands.h"
#include "common/error.h"
#include "data/idx.h"
#include "evolve.h"
#include "options.h"
#include "progress.h"
#include "xai_gen.h"

namespace axpod::cli {

int run_mult_evolve(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("help,h", "show this help")(
      "from", po::value<std::string>()->default_value("exact:signed=1"),
      "seed multiplier (with an RTL twin, or verilog:FILE)")(
      "operands", po::value<std::string>(),
      "file of operand pairs 'a b' per line (weights, energy)")(
      "model,m", po::value<std::string>(), "quantized network PREFIX(.axq) whose layer is used")(
      "layer,l", po::value<std::string>(), "MAC layer of --model (e.g. conv2)")(
      "images", po::value<int>()->default_value(8), "training images whose operands are taken")(
      "data", po::value<std::string>()->default_value(data::kFashionMnistDir),
      "Fashion-MNIST folder (with --model)")("max-error", po::value<std::string>()->required(),
                                             "bound: wmae:V, mred:V or wce:V (V a number or N%)")(
      "minutes", po::value<double>()->default_value(1.0), "wall-time limit (0: none)")(
      "generations", po::value<long>()->default_value(0),
      "generation limit (0: none; with a seed, reproducible)")(
      "seed,s", po::value<std::uint64_t>()->default_value(1), "seed of the mutations")(
      "lambda", po::value<int>()->default_value(4), "offspring per generation")(
      "mutations", po::value<int>()->default_value(5), "at most this many genes per offspring")(
      "extra-nodes", po::value<int>()->default_value(-1),
      "unused gates appended to the seed (-1: 10 % of it)")(
      "front-points", po::value<int>()->default_value(4),
      "first evolve under bound/2^N, ..., bound/2 (each stage's best is a front point); the "
      "time and generations are shared equally")(
      "module", po::value<std::string>()->default_value("axpod_evolved"), "Verilog module name")(
      "gates", po::value<std::string>()->default_value(default_config("gate_library.yaml")),
      "gate library")("catalog",
                      po::value<std::string>()->default_value(default_config("catalog.csv")),
                      "catalog compared against")(
      "no-catalog", po::bool_switch(), "skip the catalog comparison (it runs Yosys per entry)")(
      "compare", po::value<std::string>(), "folder of Verilog multipliers compared against")(
      "out,o", po::value<std::string>(), "run folder (default traces/evolve-<time>)");
  po::variables_map vm;
  if (!parse_options(
          args, opts, {}, vm, "usage: axpod mult evolve --max-error SPEC [options]",
          "Cartesian Genetic Programming of a multiplier for a layer's own operands: starts from\n"
          "the gate netlist of --from (Yosys), a (1+lambda) search over a row of library gates\n"
          "minimises switching energy (toggles on the operand stream x gate area) while the error\n"
          "weighted by how often each operand pair occurs stays within --max-error. Operands: a\n"
          "network layer (--model, --layer), a file (--operands) or uniform (neither).\n"
          "Writes evolved.v (load it as verilog:DIR/evolved.v:signed=1), evolved.bin (table),\n"
          "catalog_row.csv, evolution.csv/png/svg, front.csv/png/svg with front/*.v, compare.csv\n"
          "(the catalog and --compare on the same error and energy), summary.json.\n\n"
          "examples:\n"
          "  axpod mult evolve --model trained/lenet5 --layer conv2 --max-error wmae:0.5% "
          "--minutes 10\n"
          "  axpod mult evolve --from exact:signed=1 --max-error mred:2% --generations 20000\n"
          "  axpod mult evolve --operands pairs.txt --max-error wce:1% --compare evoapprox/\n"))
    return 0;
  host::EvolveConfig c;
  c.from = vm["from"].as<std::string>();
  if (vm.count("operands")) c.operands_file = vm["operands"].as<std::string>();
  if (vm.count("model")) c.model = vm["model"].as<std::string>();
  if (vm.count("layer")) c.layer = vm["layer"].as<std::string>();
  c.images = vm["images"].as<int>();
  c.data_dir = vm["data"].as<std::string>();
  c.max_error = vm["max-error"].as<std::string>();
  c.search.seconds = double_in(vm, "minutes", 0, 7 * 24 * 60) * 60.0;
  c.search.generations = vm["generations"].as<long>();
  c.search.seed = vm["seed"].as<std::uint64_t>();
  c.search.lambda = vm["lambda"].as<int>();
  c.search.max_mutations = vm["mutations"].as<int>();
  c.extra_nodes = vm["extra-nodes"].as<int>();
  c.front_points = vm["front-points"].as<int>();
  c.module = vm["module"].as<std::string>();
  c.gates = vm["gates"].as<std::string>();
  if (!vm["no-catalog"].as<bool>()) c.catalog = vm["catalog"].as<std::string>();
  if (vm.count("compare")) c.compare_dir = vm["compare"].as<std::string>();
  if (!c.model.empty()) c.model = host::model_prefix(c.model) + ".axq";
  host::check_config(c);  // before any slow work

  RunDir run(vm.count("out") ? vm["out"].as<std::string>() : "", "evolve");
  // Progress in percent of the generation limit or of the time limit, whichever is nearer.
  Progress bar("evolve", 100);
  std::size_t shown = 0;
  c.search.progress = [&](long gen, long evals, double s, const mult::cgp::Fitness& f) {
    double frac = 0;
    if (c.search.generations > 0)
      frac = static_cast<double>(gen) / static_cast<double>(c.search.generations);
    if (c.search.seconds > 0) frac = std::max(frac, s / c.search.seconds);
    const auto done = std::min<std::size_t>(100, static_cast<std::size_t>(frac * 100));
    if (done <= shown && done < 100) return;
    shown = done;
    bar.step(done,
             fmt::format("gen {} | {} evals ({:.0f}/s) | {:.2f} fJ, {} gates, error {:.4g}", gen,
                         evals, evals / std::max(s, 1e-9), f.energy_fj, f.gates, f.error));
  };
  const auto r = host::run_evolve(c, run.work(), run.final_path());
  bar.finish();
  run.commit();
  const auto m = r.bound.measure;
  std::printf("seed      %s: %.2f fJ, %d gates on %s\n", r.seed_name.c_str(),
              r.result.seed_fitness.energy_fj, r.result.seed_fitness.gates, r.operands.c_str());
  std::printf("bound     %s (%s %.4f%%), %zu distinct operand pairs weighed\n",
              r.bound.spec.c_str(), mult::cgp::measure_name(m),
              mult::cgp::error_pct(m, r.bound.limit), r.error_pairs);
  std::printf("search    %ld generations, %ld evaluations (%.0f/s), %.1f s\n", r.result.generations,
              r.result.evaluations,
              static_cast<double>(r.result.evaluations) / std::max(r.result.seconds, 1e-9),
              r.result.seconds);
  std::printf("evolved   %.2f fJ (%.2fx less than the seed), %s %.4f%%, %.1f GE (Yosys netlist)\n",
              r.evolved.energy_fj, r.result.seed_fitness.energy_fj / r.evolved.energy_fj,
              mult::cgp::measure_name(m), mult::cgp::error_pct(m, r.evolved.error),
              r.evolved.area_ge);
  if (!r.compared.empty()) {
    if (r.cheapest_rival.empty())
      std::printf("compared  %zu multipliers: none has an error as small as the evolved one\n",
                  r.compared.size());
    else
      std::printf(
          "compared  %zu multipliers: the cheapest with an error <= the evolved one's is "
          "%s at %.2f fJ (%.2fx the evolved energy)\n",
          r.compared.size(), r.cheapest_rival.c_str(), r.cheapest_rival_fj,
          r.cheapest_rival_fj / r.evolved.energy_fj);
  }
  for (const auto& s : r.skipped) std::printf("skipped   %s\n", s.c_str());
  std::printf("load it   %s\nrun folder: %s\n", r.evolved_name.c_str(), run.final_path().c_str());
  return 0;
}

}  // namespace axpod::cli
