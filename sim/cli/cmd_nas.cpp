// `axpod nas`: XAI-NAS against an NSGA-II baseline (sim/host/nas.h), with checkpoints.
#include <boost/program_options.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "accel/accelerator.h"
#include "commands.h"
#include "common/error.h"
#include "common/fs.h"
#include "common/json.h"
#include "common/plot.h"
#include "common/text.h"
#include "data/idx.h"
#include "nas.h"
#include "options.h"
#include "progress.h"
#include "report.h"
#include "xai_gen.h"

namespace axpod::cli {

namespace {

std::string pct(double v) {
  return fmt::format("{:.2f}", 100 * v);
}

std::string pareto_csv(const std::vector<host::NasSummary>& sums) {
  std::string s =
      "method,arch,accuracy_pct,exact_accuracy_pct,robust_accuracy_pct,energy_uj,"
      "latency_cycles,memory_bytes,seconds,generation,files\n";
  for (const auto& m : sums)
    for (const auto& c : m.front)
      s += fmt::format("{},{},{},{},{},{:.6f},{:.0f},{},{:.1f},{},{}\n", c.method, c.arch,
                       pct(c.accuracy), pct(c.exact_accuracy), pct(c.robust_accuracy),
                       c.energy_pj / 1e6, c.latency_cycles, c.memory_bytes, c.seconds, c.generation,
                       c.files);
  return s;
}

std::string report_md(const host::NasState& st, const std::vector<host::NasSummary>& sums,
                      const host::NasOptions& o, const std::string& accel,
                      const host::NasCandidate* best) {
  std::string s = fmt::format(
      "# XAI-NAS on {}\n\nSearch space: 1-6 conv blocks (width 4-128, kernel 3/5, optional "
      "residual and 2x2 max-pool), 1-3 hidden fully connected layers; a multiplier per MAC "
      "layer. Proxy: {} training images, {} epoch(s), {}; scored on {} "
      "validation images (robust accuracy: FGSM eps {} on {} of them, float-model gradients); "
      "energy and latency from the analytical model. {} minutes in all, shared equally.\n\n"
      "What XAI guides: an XAI-NAS candidate's multipliers are its XAI-Gen assignment (layer "
      "conductance orders the layers; the cheapest of {} common multipliers within {:.2f} pp); "
      "its children shrink its least important layer and widen (or give a 5x5 kernel to) its "
      "most important one, plus a random move with probability 0.3. The NSGA-II baseline "
      "mutates the architecture and one multiplier gene per layer at random. Both select by "
      "non-dominated sorting and crowding over accuracy, energy{}.\n\n"
      "| method | candidates | search time (s) | hypervolume (accuracy x energy) | inferences "
      "per uJ at the baseline's best accuracy | time to the baseline's best (s) |\n"
      "|---|---|---|---|---|---|\n",
      accel, o.train_images, o.epochs,
      o.inherit ? "children start from their parent's weights where shapes match"
                : "no weight inheritance",
      o.val_images, o.robust_eps, o.robust_images, o.budget_minutes, o.multiplier_choices,
      o.accuracy_budget, o.robust_eps > 0 ? " and robust accuracy" : "");
  for (const auto& m : sums)
    s += fmt::format("| {} | {} | {:.0f} | {:.4f} | {} | {} |\n", m.method, m.evaluations,
                     m.seconds, m.hypervolume,
                     m.efficiency_inf_per_uj > 0 ? fmt::format("{:.2f}", m.efficiency_inf_per_uj)
                                                 : "not reached",
                     m.seconds_to_baseline_best >= 0
                         ? fmt::format("{:.0f}", m.seconds_to_baseline_best)
                         : "not reached");
  // The cheapest candidate of each method at a ladder of accuracies.
  double lo = 1, hi = 0;
  for (const auto& m : st.methods)
    for (const auto& c : m.evaluated) hi = std::max(hi, c.accuracy);
  lo = std::floor(100 * hi - 8) / 100;
  s += "\nEnergy (uJ) of the cheapest candidate reaching each validation accuracy:\n\n| accuracy "
       ">= |";
  for (const auto& m : st.methods) s += " " + m.method + " |";
  s += "\n|---|";
  for (std::size_t i = 0; i < st.methods.size(); ++i) s += "---|";
  s += "\n";
  for (double a = lo; a <= hi + 1e-9; a += 0.01) {
    s += fmt::format("| {:.0f} % |", 100 * a);
    for (const auto& m : st.methods) {
      double e = 0;
      for (const auto& c : m.evaluated)
        if (c.accuracy >= a - 1e-9 && (e == 0 || c.energy_pj < e)) e = c.energy_pj;
      s += e > 0 ? fmt::format(" {:.4f} |", e / 1e6) : " - |";
    }
    s += "\n";
  }
  s += "\nNon-dominated candidates (`pareto.csv`):\n\n| method | architecture | accuracy (%) | "
       "robust (%) | energy (uJ) | latency (cycles) | weights (bytes) "
       "|\n|---|---|---|---|---|---|---|\n";
  for (const auto& m : sums)
    for (const auto& c : m.front)
      s += fmt::format("| {} | `{}` | {} | {} | {:.4f} | {:.0f} | {} |\n", c.method, c.arch,
                       pct(c.accuracy), pct(c.robust_accuracy), c.energy_pj / 1e6, c.latency_cycles,
                       c.memory_bytes);
  if (best)
    s += fmt::format(
        "\nBest XAI-NAS design (the cheapest at the baseline's best accuracy, else within 1 pp of "
        "its own best; `best.axq`, `best.pt`, `best_network.yaml`, `assignment.yaml`): "
        "`{}`, {} % validation accuracy with its multipliers, {:.4f} uJ per inference.\n",
        best->arch, pct(best->accuracy), best->energy_pj / 1e6);
  s += "\n![pareto](pareto.png)\n";
  return s;
}

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
      "inherit", po::bool_switch(),
      "children start from their parent's float weights where names and shapes match");
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
  o.inherit = vm["inherit"].as<bool>();
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
  host::NasState state;
  std::string dir;
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
    if (state.fingerprint != fp) {
      std::string diff;
      for (const auto& [k, v] : fp.items())
        if (!state.fingerprint.contains(k) || state.fingerprint[k] != v)
          diff += fmt::format(" {} (was {}, now {})", k,
                              state.fingerprint.contains(k) ? state.fingerprint[k].dump() : "-",
                              v.dump());
      throw Error("--resume '" + dir + "': that search ran with other settings:" + diff +
                  " (resume it with the same options)");
    }
  } else {
    dir = pick_run_dir(vm.count("out") ? vm["out"].as<std::string>() : "", "nas");
    std::filesystem::create_directories(dir);
    state.fingerprint = fp;
  }
  const auto train = data::load_fashion_mnist(vm["data"].as<std::string>(), "train");
  const auto test = data::load_fashion_mnist(vm["data"].as<std::string>(), "test");
  Progress bar("nas", 1000);
  std::string last;
  host::run_nas(
      o, acc, train, test, dir, state,
      [&](const host::NasState& s) {
        fs::write_file_atomic(dir + "/checkpoint.json", json::dump(host::to_json(s)));
      },
      [&](const std::string& what, double frac) {
        bar.step(static_cast<std::size_t>(std::clamp(frac, 0.0, 1.0) * 1000), what);
      });
  bar.finish();

  const auto sums = host::summarize(state);
  fs::write_file_atomic(dir + "/pareto.csv", pareto_csv(sums));
  std::vector<plot::Series> series;
  for (const auto& m : state.methods) {
    plot::Series all{m.method + " (all)", {}, {}, false};
    for (const auto& c : m.evaluated) {
      all.x.push_back(c.energy_pj / 1e6);
      all.y.push_back(100 * c.accuracy);
    }
    series.push_back(all);
  }
  for (const auto& m : state.methods) {  // the accuracy x energy staircase of each method
    std::vector<const host::NasCandidate*> by_energy;
    for (const auto& c : m.evaluated) by_energy.push_back(&c);
    std::sort(by_energy.begin(), by_energy.end(),
              [](const auto* a, const auto* b) { return a->energy_pj < b->energy_pj; });
    plot::Series f{m.method + " front", {}, {}, true};
    double best_acc = -1;
    for (const auto* c : by_energy)
      if (c->accuracy > best_acc) {
        best_acc = c->accuracy;
        f.x.push_back(c->energy_pj / 1e6);
        f.y.push_back(100 * c->accuracy);
      }
    series.push_back(f);
  }
  plot::write(plot::scatter("XAI-NAS vs NSGA-II on " + acc.name, "energy per inference (uJ)",
                            "validation accuracy with multipliers (%)", series, true, false),
              dir + "/pareto");
  // The best design of the first method: the cheapest at the baseline's best accuracy, else the
  // cheapest within 1 pp of its own most accurate candidate.
  const host::NasCandidate* best = nullptr;
  if (!state.methods.empty()) {
    double target = 0, own = 0;
    for (const auto& c : state.methods.back().evaluated) target = std::max(target, c.accuracy);
    for (const auto& c : state.methods.front().evaluated) own = std::max(own, c.accuracy);
    if (own < target) target = own - 0.01;
    for (const auto& c : state.methods.front().evaluated)
      if (c.accuracy >= target && (!best || c.energy_pj < best->energy_pj)) best = &c;
  }
  if (best) {
    for (const char* ext : {".axq", ".pt"})  // (gone when an earlier ending removed them)
      if (std::filesystem::exists(dir + "/" + best->files + ext))
        std::filesystem::copy_file(dir + "/" + best->files + ext, dir + "/best" + ext,
                                   std::filesystem::copy_options::overwrite_existing);
    fs::write_file_atomic(dir + "/best_network.yaml", host::network_yaml(best->arch));
    fs::write_file_atomic(
        dir + "/assignment.yaml",
        host::assignment_yaml(best->assign, host::exact_multiplier(acc),
                              "XAI-NAS design " + best->arch + " (best.axq in this folder)"));
  }
  // Only the fronts' candidates keep their files.
  std::set<std::string> keep;
  if (best) keep.insert(best->files);
  for (const auto& m : sums)
    for (const auto& c : m.front) keep.insert(c.files);
  for (const auto& m : state.methods)
    for (const auto& c : m.evaluated)
      if (!keep.count(c.files))
        for (const char* ext : {".axq", ".pt"}) std::filesystem::remove(dir + "/" + c.files + ext);
  json::Json j;
  j["accelerator"] = acc.name;
  j["budget_minutes"] = o.budget_minutes;
  for (const auto& m : sums)
    j["methods"][m.method] = {
        {"hypervolume", json::number(m.hypervolume)},
        {"efficiency_inf_per_uj", json::number(m.efficiency_inf_per_uj)},
        {"seconds_to_baseline_best", m.seconds_to_baseline_best >= 0
                                         ? json::number(m.seconds_to_baseline_best)
                                         : json::Json(nullptr)},
        {"evaluations", m.evaluations},
        {"seconds", json::number(m.seconds)}};
  if (best)
    j["best"] = {
        {"arch", best->arch}, {"accuracy", best->accuracy}, {"energy_pj", best->energy_pj}};
  fs::write_file_atomic(dir + "/summary.json", json::dump(j));
  const std::string md = report_md(state, sums, o, acc.name, best);
  fs::write_file_atomic(dir + "/report.md", md);
  std::fputs(md.c_str(), stdout);
  std::printf("\nrun folder: %s\n", dir.c_str());
  return 0;
}

}  // namespace axpod::cli
