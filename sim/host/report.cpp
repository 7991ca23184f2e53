#include "report.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "common/text.h"

namespace axpod::host {

std::string ranking_csv(const std::vector<LayerScore>& scores) {
  std::vector<LayerScore> sorted = scores;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.score > b.score; });
  std::string o = "rank,layer,score\n";
  for (std::size_t i = 0; i < sorted.size(); ++i)
    o += fmt::format("{},{},{:.9g}\n", i + 1, text::csv_field(sorted[i].layer), sorted[i].score);
  return o;
}

plot::Figure ranking_plot(const std::vector<LayerScore>& scores, const std::string& title) {
  std::vector<std::string> cats;
  plot::Series series{"importance", {}, {}};
  for (const auto& x : scores) {
    cats.push_back(x.layer);
    series.y.push_back(x.score);
  }
  return plot::stacked_bars(title, "score", cats, {series});
}

std::string assignment_yaml(const Assignment& a, const std::string& exact,
                            const std::string& comment) {
  std::string layers;
  for (const auto& [l, m] : a)
    if (!m.empty()) layers += fmt::format("  {}: {}\n", l, m);
  return fmt::format("# {}\ndefault: {}\nlayers:{}", comment, exact,
                     layers.empty() ? " {}\n" : "\n" + layers);
}

std::string results_table(const GenReport& r) {
  std::string o =
      "| method | energy saving (total) | energy saving (multipliers) | val. acc. loss (pp) | "
      "test acc. loss (pp) | accuracy evaluations | wall time (s) | note |\n"
      "|---|---|---|---|---|---|---|---|\n";
  for (std::size_t i = 0; i < r.results.size(); ++i) {
    const auto& x = r.results[i];
    if (skipped(x)) {
      o += fmt::format("| {} | - | - | - | - | 0 | 0 | {} |\n", x.method, x.note);
      continue;
    }
    o += fmt::format("| {} | {:.3f}x | {:.2f}x | {:.2f} | {:.2f} | {} | {:.1f} | {} |\n", x.method,
                     r.exact_eval.energy_pj / x.best.energy_pj,
                     r.exact_eval.mult_energy_pj / x.best.mult_energy_pj,
                     100.0 * (r.exact_val - x.best.accuracy),
                     100.0 * (r.exact_test - r.test_acc[i]), x.evaluations, x.seconds, x.note);
  }
  return o;
}

std::string results_csv(const GenReport& r) {
  std::string o =
      "budget_pct,method,energy_pj,mult_energy_pj,energy_saving_x,mult_energy_saving_x,"
      "val_accuracy,val_loss_pp,test_accuracy,test_loss_pp,evaluations,seconds,note\n";
  for (std::size_t i = 0; i < r.results.size(); ++i) {
    const auto& x = r.results[i];
    o += fmt::format(
        "{:.2f},{},{:.3f},{:.3f},{:.4f},{:.4f},{:.4f},{:.3f},{:.4f},{:.3f},{},{:.2f},{}\n",
        r.budget, x.method, x.best.energy_pj, x.best.mult_energy_pj,
        r.exact_eval.energy_pj / x.best.energy_pj,
        r.exact_eval.mult_energy_pj / x.best.mult_energy_pj, x.best.accuracy,
        100.0 * (r.exact_val - x.best.accuracy), r.test_acc[i],
        100.0 * (r.exact_test - r.test_acc[i]), x.evaluations, x.seconds, text::csv_field(x.note));
  }
  return o;
}

std::string pareto_csv(const std::vector<Evaluation>& front) {
  std::string o = "energy_pj,mult_energy_pj,val_accuracy,assignment\n";
  for (const auto& e : front) {
    std::string a;
    for (const auto& [l, m] : e.assign) a += (a.empty() ? "" : " ") + l + "=" + m;
    o += fmt::format("{:.3f},{:.3f},{:.4f},{}\n", e.energy_pj, e.mult_energy_pj, e.accuracy,
                     text::csv_field(a.empty() ? "all exact" : a));
  }
  return o;
}

plot::Figure pareto_plot(const GenReport& r, const std::string& title, bool multipliers) {
  const auto x_of = [&](const Evaluation& e) {
    return multipliers ? e.mult_energy_pj / 1e3 : e.energy_pj / 1e6;
  };
  // The region that matters: designs far below the budget would squash it into a line.
  const double floor = 100.0 * r.exact_val - std::max(5.0, 5.0 * r.budget);
  std::vector<plot::Series> series;
  double lo = x_of(r.exact_eval), hi = lo;
  for (const auto& [method, front] : r.fronts) {
    plot::Series s{method, {}, {}, true};
    for (const auto& e : front) {
      if (100.0 * e.accuracy < floor) continue;
      s.x.push_back(x_of(e));
      s.y.push_back(100.0 * e.accuracy);
      lo = std::min(lo, s.x.back());
      hi = std::max(hi, s.x.back());
    }
    series.push_back(std::move(s));
  }
  const double limit = 100.0 * r.exact_val - r.budget;
  series.push_back({fmt::format("budget ({:.2f} pp)", r.budget), {lo, hi}, {limit, limit}, true});
  series.push_back({"all exact", {x_of(r.exact_eval)}, {100.0 * r.exact_val}});
  return plot::scatter(
      title + fmt::format(" (> {:g} pp below exact: not shown)", 100.0 * r.exact_val - floor),
      multipliers ? "multiplier energy per inference (nJ)" : "energy per inference (uJ)",
      "validation accuracy (%)", series, false, false);
}

std::string confirmation_text(const Confirmation& c, const std::string& accelerator) {
  const int n = std::max(1, c.images);
  return fmt::format(
      "Cycle-level confirmation on `{}`: {}/{} MAC layer outputs bit-exact over {} test images; "
      "{} cycles and {:.3f} uJ per image (every layer, as `axpod simulate` runs it).",
      accelerator, c.bit_exact, c.layers, c.images, c.cycles / n, c.energy_pj / n / 1e6);
}

namespace {

/// The multipliers evolved for single layers (gen --evolve) and which of them were taken.
std::string evolved_text(const GenReport& r, const SearchResult& chosen) {
  if (r.evolved.empty()) return "";
  std::string s = fmt::format(
      "\n## Multipliers evolved for single layers\n\nCGP from the exact multiplier's netlist, "
      "for each layer's own operands (weighted {}), offered to that layer only and to XAI-Gen's "
      "searches only (the baselines keep the common candidates). Energy on the layer's "
      "operands.\n\n| layer | multiplier | weighted error (%) | energy (fJ) | exact (fJ) | "
      "taken |\n|---|---|---|---|---|---|\n",
      r.evolve_measure);
  for (const auto& e : r.evolved) {
    const auto it = chosen.best.assign.find(e.layer);
    const bool taken = it != chosen.best.assign.end() && it->second == e.name;
    const std::string file = e.name.substr(0, e.name.rfind(':'));
    const std::size_t at = file.find("/evolved/");
    s += fmt::format("| {} | `{}` | {:.4f} | {:.2f} | {:.2f} | {} |\n", e.layer,
                     at == std::string::npos ? file : file.substr(at + 1), e.error_pct, e.energy_fj,
                     e.seed_fj, taken ? "yes" : "");
  }
  return s;
}

}  // namespace

std::string gen_markdown(const GenReport& r, const std::string& network,
                         const std::string& accelerator) {
  const auto& chosen = r.results[r.chosen];
  const std::string tuned = chosen.method == "xai-gen+ft" && r.tuned
                                ? " on the fine-tuned network `" +
                                      std::filesystem::path(r.tuned->prefix).filename().string() +
                                      ".axq`"
                                : "";
  return fmt::format(
      "# XAI-Gen: {} on {}, budget {:.2f} pp\n\n"
      "Searches held the loss on {} validation images within {:.2f} pp (a guard band of {:.2f} "
      "pp for the test split). Multiplier energy: {}. Exact int8: validation {:.2f} %, test "
      "{:.2f} %, {:.3f} uJ per inference.\n\n{}\n"
      "Chosen: {} (`assignment.yaml`){}: multiplier energy {:.2f}x and total energy {:.3f}x "
      "below all-exact, validation loss {:.2f} pp, test loss {:.2f} pp.\n\n{}\n\n"
      "![pareto, multiplier energy](pareto_mult.png)\n\n![pareto, total energy](pareto.png)\n{}",
      network, accelerator, r.budget, r.val, r.budget - r.guard, r.guard, r.energy_model,
      100 * r.exact_val, 100 * r.exact_test, r.exact_eval.energy_pj / 1e6, results_table(r),
      chosen.method, tuned, r.exact_eval.mult_energy_pj / chosen.best.mult_energy_pj,
      r.exact_eval.energy_pj / chosen.best.energy_pj, 100 * (r.exact_val - chosen.best.accuracy),
      100 * (r.exact_test - r.test_acc[r.chosen]), confirmation_text(r.conf, accelerator),
      evolved_text(r, chosen));
}

}  // namespace axpod::host
