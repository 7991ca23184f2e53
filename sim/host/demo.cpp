#include "demo.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>

#include "common/error.h"
#include "common/fs.h"
#include "common/plot.h"
#include "cycle_model.h"
#include "ranker.h"
#include "report.h"
#include "traces.h"

namespace axpod::host {

std::string run_demo(const DemoOptions& o, const std::string& dir, const DemoHooks& hooks) {
  const auto say = [&](const std::string& s) {
    if (hooks.stage) hooks.stage(s);
  };
  const auto t_start = std::chrono::steady_clock::now();
  std::string md = "# axpod demo: XAI-Gen on LeNet-5 / Fashion-MNIST\n\n";
  if (!std::filesystem::exists(o.prefix + ".axq") || !std::filesystem::exists(o.prefix + ".pt")) {
    say(fmt::format("training LeNet-5 ({} epochs, {} threads)", o.epochs, o.gen.threads));
    TrainOptions t;
    t.model = "lenet5";
    t.epochs = o.epochs;
    t.threads = o.gen.threads;
    train_and_save(t, o.prefix, data::load_fashion_mnist(o.data_dir, "train"),
                   data::load_fashion_mnist(o.data_dir, "test"), true, hooks.train);
    md += fmt::format("Trained LeNet-5 for {} epochs (`{}`).\n\n", o.epochs, o.prefix);
  } else {
    say(fmt::format("reusing {}.axq / {}.pt", o.prefix, o.prefix));
    md += fmt::format("Reused the trained LeNet-5 in `{}`.\n\n", o.prefix);
  }
  const auto m = load_trained(o.prefix, o.data_dir);
  const auto acc = accel::load_any_accelerator(o.accel);
  const std::string exact = exact_multiplier(acc);
  const auto cands = candidate_multipliers(acc, exact, o.multipliers);

  say(fmt::format("ranking layers (layer conductance, {} steps, {} samples)", o.steps, o.samples));
  const auto t0 = std::chrono::steady_clock::now();
  RankInput in;
  in.qnet = &m.qnet;
  in.weights_pt = m.prefix + ".pt";
  in.split = &m.train;
  in.begin = validation_begin(m.train);
  in.count = o.samples;
  in.steps = o.steps;
  in.threads = o.gen.threads;
  const auto scores = rank_layers("conductance", in);
  const double rank_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fs::write_file_atomic(dir + "/ranking.csv", ranking_csv(scores));
  plot::write(ranking_plot(scores, "LeNet-5: layer conductance per unit"), dir + "/ranking");
  md += fmt::format(
      "## Layer ranking (conductance, {} path steps)\n\n![ranking](ranking.png)\n\n"
      "| rank | layer | score |\n|---|---|---|\n",
      o.steps);
  {
    std::vector<LayerScore> sorted = scores;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.score > b.score; });
    for (std::size_t i = 0; i < sorted.size(); ++i)
      md += fmt::format("| {} | {} | {:.9g} |\n", i + 1, sorted[i].layer, sorted[i].score);
  }
  std::string cand_list;
  for (const auto& x : cands) cand_list += (cand_list.empty() ? "`" : ", `") + x + "`";
  md += fmt::format("\nAccelerator: `{}` ({} pods of {}x{}). Candidates, cheapest first: {}.\n\n",
                    acc.name, acc.pods.size(), acc.pods.front().rows, acc.pods.front().cols,
                    cand_list);

  std::string all_csv;
  std::vector<plot::Series> series;
  for (double budget : {0.5, 1.0, 2.0}) {
    GenOptions g = o.gen;
    g.budget = budget;
    g.baselines = budget == 1.0;
    say(fmt::format("XAI-Gen, budget {:.1f} pp{}", budget, g.baselines ? " (with baselines)" : ""));
    const std::string tag = fmt::format("{:.1f}", budget);
    if (g.finetune_epochs > 0) {
      g.finetune_dir = dir + "/finetuned_" + tag;
      std::filesystem::create_directories(g.finetune_dir);
    }
    auto rep = run_gen(m, acc, cands, scores, g, exact, hooks.baseline);
    rep.results.front().seconds += rank_s;  // XAI-Gen's time includes its ranking
    if (rep.conf.bit_exact != rep.conf.layers)
      throw Error("cycle-level outputs differ from the engine");
    const auto& chosen = rep.results[rep.chosen];
    const auto& best = chosen.best.assign;
    fs::write_file_atomic(
        dir + "/assignment_" + tag + ".yaml",
        assignment_yaml(best, exact,
                        chosen.method + " assignment for lenet5, budget " + tag + " pp"));
    fs::write_file_atomic(dir + "/pareto_" + tag + ".csv", pareto_csv(rep.pareto));
    const std::string csv = results_csv(rep);
    all_csv += all_csv.empty() ? csv : csv.substr(csv.find('\n') + 1);
    plot::Series s{"budget " + tag + " pp", {}, {}};
    for (const auto& e : rep.pareto) {
      s.x.push_back(e.energy_pj / 1e6);
      s.y.push_back(100.0 * e.accuracy);
    }
    series.push_back(s);
    md += fmt::format(
        "## Budget {} percentage points\n\nExact int8: validation {:.2f} %, test {:.2f} %, "
        "{:.4f} uJ per inference (multipliers {:.4f} uJ).\n\n{}\nChosen: {} "
        "(`assignment_{}.yaml`): ",
        tag, 100 * rep.exact_val, 100 * rep.exact_test, rep.exact_eval.energy_pj / 1e6,
        rep.exact_eval.mult_energy_pj / 1e6, results_table(rep), chosen.method, tag);
    for (const auto& [l, mm] : best) md += "`" + l + "` " + mm + "; ";
    md += "\n\n" + confirmation_text(rep.conf, acc.name) + "\n\n";
    if (budget == 1.0) {
      plot::write(pareto_plot(rep, "LeNet-5, 1 pp: total energy", false), dir + "/pareto_methods");
      plot::write(pareto_plot(rep, "LeNet-5, 1 pp: multiplier energy", true),
                  dir + "/pareto_methods_mult");
      md += "![fronts per method, multiplier energy](pareto_methods_mult.png)\n\n";
      // Energy traces of the 1-point assignment, one test image, 100-cycle windows.
      core::CycleModel sim(acc, analytical::MultiplierEnergies::of(acc), 100);
      simulate_image(sim, chosen_net(rep, m), best, exact, m.test.images.pixels.data());
      sim.finish();
      fs::write_file_atomic(dir + "/power.csv", core::power_csv(sim.windows(), 100, acc.clock_mhz));
      fs::write_file_atomic(dir + "/power.vcd", core::power_vcd(sim.windows(), 100, acc.clock_mhz,
                                                                static_cast<int>(acc.pods.size())));
      md +=
          "Energy traces of this assignment for one image: `power.csv`, `power.vcd` (GTKWave), "
          "100-cycle windows.\n\n";
    }
  }
  fs::write_file_atomic(dir + "/results.csv", all_csv);
  plot::write(
      plot::scatter("LeNet-5: Pareto fronts (energy vs validation accuracy)",
                    "energy per inference (uJ)", "validation accuracy (%)", series, false, false),
      dir + "/pareto");
  md += fmt::format(
      "## Pareto fronts\n\n![pareto](pareto.png)\n\nAll figures: `results.csv`. Demo wall time: "
      "{:.0f} s.\n",
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count());
  fs::write_file_atomic(dir + "/report.md", md);
  return md;
}

}  // namespace axpod::host
