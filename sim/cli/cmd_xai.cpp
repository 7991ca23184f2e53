// `axpod rank` (XAI layer importance), `axpod gen` (XAI-Gen assignment under an accuracy budget,
// with baselines, Pareto front and a cycle-level confirmation) and `axpod demo` (the whole flow).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "accel/accelerator.h"
#include "commands.h"
#include "common/error.h"
#include "common/fs.h"
#include "common/paths.h"
#include "common/plot.h"
#include "common/text.h"
#include "cycle_model.h"
#include "engine/tensors.h"
#include "gen.h"
#include "mult/characterize.h"
#include "mult/registry.h"
#include "options.h"
#include "progress.h"
#include "traces.h"
#include "zoo.h"

namespace axpod::cli {

namespace {

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

/// PREFIX, PREFIX.axq or PREFIX.pt -> PREFIX.
std::string model_prefix(std::string m) {
  for (const char* ext : {".axq", ".pt"})
    if (text::ends_with(m, ext)) m.resize(m.size() - std::strlen(ext));
  return m;
}

struct Loaded {
  std::string prefix;
  engine::QNet qnet;
  data::Split train, test;
};

Loaded load_model(const std::string& model, const std::string& data_dir) {
  Loaded l;
  l.prefix = model_prefix(model);
  l.qnet = engine::load_qnet(l.prefix + ".axq");
  if (!std::filesystem::exists(l.prefix + ".pt"))
    throw Error("'" + l.prefix +
                ".pt' (float weights) is missing: `axpod train` writes it beside the .axq");
  l.train = data::load_fashion_mnist(data_dir, "train");
  l.test = data::load_fashion_mnist(data_dir, "test");
  return l;
}

std::vector<host::LayerScore> rank(const Loaded& m, const std::string& method, int samples,
                                   int steps, int threads, const accel::Accelerator& acc,
                                   const std::string& probe) {
  const int vbegin = host::validation_begin(m.train);
  if (method == "conductance" || method == "gradxact")
    return host::rank_layers(
        m.qnet.name, m.prefix + ".pt",
        method == "conductance" ? host::RankMethod::conductance : host::RankMethod::grad_x_act,
        m.train, vbegin, samples, steps, threads);
  if (method != "sensitivity")
    throw Error("--method: expected conductance, gradxact or sensitivity, got '" + method + "'");
  host::Evaluator ev(m.qnet, acc, analytical::MultiplierEnergies(acc.energy.catalog), m.train,
                     vbegin, std::min(samples * 5, 5000), threads);
  const double acc0 = ev.exact().accuracy;
  std::vector<host::LayerScore> out;
  for (const auto& l : ev.mac_layers())
    out.push_back({l, 100.0 * (acc0 - ev.evaluate({{l, probe}}).accuracy)});
  return out;
}

std::string ranking_csv(const std::vector<host::LayerScore>& s) {
  std::vector<host::LayerScore> sorted = s;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.score > b.score; });
  std::string o = "rank,layer,score\n";
  for (std::size_t i = 0; i < sorted.size(); ++i)
    o += std::to_string(i + 1) + "," + sorted[i].layer + "," + fmt("%.9g", sorted[i].score) + "\n";
  return o;
}

plot::Figure ranking_plot(const std::vector<host::LayerScore>& s, const std::string& title) {
  std::vector<std::string> cats;
  plot::Series series{"importance", {}, {}};
  for (const auto& x : s) {
    cats.push_back(x.layer);
    series.y.push_back(x.score);
  }
  return plot::stacked_bars(title, "score", cats, {series});
}

std::vector<std::string> default_candidates(const analytical::MultiplierEnergies& en,
                                            const std::string& exact, const std::string& catalog) {
  std::vector<std::pair<double, std::string>> c;
  const double e_exact = en.fj(exact);
  for (const auto& row : mult::read_catalog(catalog)) {
    if (row.at("signed") != "1" || row.at("energy_fj") == "n/a" || row.at("name") == exact)
      continue;
    const double fj = std::stod(row.at("energy_fj"));
    if (fj < e_exact) c.emplace_back(fj, row.at("name"));
  }
  std::sort(c.begin(), c.end());
  std::vector<std::string> out;
  for (const auto& x : c) out.push_back(x.second);
  return out;
}

std::string assignment_yaml(const host::Assignment& a, const std::string& exact,
                            const std::string& comment) {
  std::string o = "# " + comment + "\ndefault: " + exact + "\nlayers:\n";
  bool any = false;
  for (const auto& [l, m] : a)
    if (!m.empty()) {
      o += "  " + l + ": " + m + "\n";
      any = true;
    }
  if (!any) o += "  {}\n";
  if (!any) o = "# " + comment + "\ndefault: " + exact + "\nlayers: {}\n";
  return o;
}

struct Confirmation {
  int images = 0, layers = 0, bit_exact = 0;
  std::int64_t cycles = 0;
  double energy_pj = 0;
};

/// The multiplier an assignment gives a layer: its own, or the exact one when it has none ("").
std::string multiplier_of(const host::Assignment& a, const std::string& layer,
                          const std::string& exact) {
  const auto it = a.find(layer);
  return it != a.end() && !it->second.empty() ? it->second : exact;
}

/// Runs the chosen assignment's MAC layers on the cycle-level model with the real int8 data the
/// engine saw for `images` test images, and checks every int32 output against the engine.
Confirmation confirm(const Loaded& m, const host::Assignment& a, const accel::Accelerator& acc,
                     int images, const std::string& exact) {
  engine::Engine eng(m.qnet);
  eng.assign(a, exact);
  const auto net = m.qnet.workload();
  Confirmation c;
  core::CycleModel sim(acc, analytical::MultiplierEnergies::of(acc), 1 << 30);
  const bool resident = analytical::weights_fit(acc, net);
  const std::size_t px = static_cast<std::size_t>(m.test.images.rows) * m.test.images.cols;
  for (int i = 0; i < images; ++i) {
    std::vector<engine::MacTrace> tr;
    eng.run(eng.quantize_image(m.test.images.pixels.data() + i * px).data(), &tr);
    for (const auto& t : tr) {
      const int li = net.find(t.op);
      engine::LayerTensors lt;
      lt.g = net.layers[li].gemm();
      lt.x = t.x;
      lt.w = t.w;
      const auto r =
          sim.run_layer(net.layers[li], &lt, multiplier_of(a, t.op, exact), true, resident);
      c.bit_exact += r.y == t.acc;
      ++c.layers;
      c.cycles += r.cycles;
      c.energy_pj += r.energy.total();
    }
    ++c.images;
  }
  return c;
}

struct GenReport {
  double budget = 0;
  std::vector<host::SearchResult> results;  // xai-gen first
  std::vector<double> test_acc;             // per result
  double exact_val = 0, exact_test = 0;
  host::Evaluation exact_eval;
  Confirmation conf;
  std::vector<host::Evaluation> pareto;
};

GenReport run_gen(const Loaded& m, const accel::Accelerator& acc, double budget,
                  const std::vector<std::string>& cands,
                  const std::vector<host::LayerScore>& scores, int val, int threads, bool baselines,
                  const po::variables_map& vm, const std::string& exact) {
  GenReport rep;
  rep.budget = budget;
  const analytical::MultiplierEnergies en(acc.energy.catalog);
  const int vbegin = host::validation_begin(m.train);
  const auto make_ev = [&] {
    return host::Evaluator(m.qnet, acc, en, m.train, vbegin, val, threads, exact);
  };
  // A baseline's own evaluator: its exact reference is not counted as one of its evaluations.
  const auto fresh = [&] {
    auto e = make_ev();
    e.exact();
    e.reset_count();
    return e;
  };
  // Least important per unit of energy at stake first: conductance score / MACs of the layer.
  const auto net = m.qnet.workload();
  std::vector<std::pair<double, std::string>> keyed;
  for (const auto& s : scores) {
    const auto macs = static_cast<double>(net.layers[net.find(s.layer)].macs());
    keyed.emplace_back(s.score / std::max(1.0, macs), s.layer);
  }
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> order;
  for (const auto& k : keyed) order.push_back(k.second);
  auto ev = make_ev();
  rep.exact_eval = ev.exact();
  rep.exact_val = rep.exact_eval.accuracy;
  ev.reset_count();
  rep.results.push_back(host::greedy_by_order(ev, order, cands, budget, "xai-gen"));
  rep.pareto = host::pareto_front(ev.history());
  if (baselines) {
    Progress bar("baselines (" + fmt("%.1f", budget) + " %)", 5);
    {
      auto e = fresh();
      rep.results.push_back(host::uniform_search(e, cands, budget));
      bar.step(1, "uniform");
    }
    {
      auto e = fresh();
      rep.results.push_back(host::random_search(e, cands, budget, vm["random"].as<int>(),
                                                vm["seed"].as<std::uint64_t>()));
      bar.step(2, "random");
    }
    {
      auto e = fresh();
      rep.results.push_back(host::exhaustive_search(e, cands, budget,
                                                    vm["exhaustive-subset"].as<std::size_t>(),
                                                    vm["exhaustive-limit"].as<std::size_t>()));
      bar.step(3, "exhaustive");
    }
    {
      auto e = fresh();
      rep.results.push_back(host::nsga2_search(e, cands, budget, vm["nsga-pop"].as<int>(),
                                               vm["nsga-gens"].as<int>(),
                                               vm["seed"].as<std::uint64_t>()));
      const auto more = host::pareto_front(e.history());
      rep.pareto.insert(rep.pareto.end(), more.begin(), more.end());
      rep.pareto = host::pareto_front(rep.pareto);
      bar.step(4, "nsga2");
    }
    {
      auto e = fresh();
      const auto t0 = std::chrono::steady_clock::now();
      const auto sens = host::sensitivity_order(e, cands.front());
      auto r = host::greedy_by_order(e, sens, cands, budget, "sensitivity");
      r.evaluations = e.evaluations();
      r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      rep.results.push_back(r);
      bar.step(5, "sensitivity");
    }
    bar.finish();
  }
  // Test-split accuracy of every chosen assignment (and of the exact design).
  const auto test_acc = [&](const host::Assignment& a) {
    engine::Engine e(m.qnet);
    e.assign(a, exact);
    return e.accuracy(m.test, 0, m.test.images.count, threads);
  };
  rep.exact_test = test_acc({});
  for (const auto& r : rep.results)
    rep.test_acc.push_back(r.note.rfind("skipped", 0) == 0 ? 0.0 : test_acc(r.best.assign));
  rep.conf =
      confirm(m, rep.results.front().best.assign, acc, vm["confirm-images"].as<int>(), exact);
  return rep;
}

std::string results_table(const GenReport& r) {
  std::ostringstream o;
  o << "| method | energy saving (total) | energy saving (multipliers) | val. acc. loss (pp) | "
       "test acc. (%) | accuracy evaluations | wall time (s) | note |\n"
    << "|---|---|---|---|---|---|---|---|\n";
  for (std::size_t i = 0; i < r.results.size(); ++i) {
    const auto& x = r.results[i];
    if (x.note.rfind("skipped", 0) == 0) {
      o << "| " << x.method << " | - | - | - | - | 0 | 0 | " << x.note << " |\n";
      continue;
    }
    o << "| " << x.method << " | " << fmt("%.3fx", r.exact_eval.energy_pj / x.best.energy_pj)
      << " | " << fmt("%.2fx", r.exact_eval.mult_energy_pj / x.best.mult_energy_pj) << " | "
      << fmt("%.2f", 100.0 * (r.exact_val - x.best.accuracy)) << " | "
      << fmt("%.2f", 100.0 * r.test_acc[i]) << " | " << x.evaluations << " | "
      << fmt("%.1f", x.seconds) << " | " << x.note << " |\n";
  }
  return o.str();
}

std::string results_csv(const GenReport& r) {
  std::string o =
      "budget_pct,method,energy_pj,mult_energy_pj,energy_saving_x,mult_energy_saving_x,val_"
      "accuracy,"
      "val_loss_pp,test_accuracy,evaluations,seconds,note\n";
  for (std::size_t i = 0; i < r.results.size(); ++i) {
    const auto& x = r.results[i];
    o += fmt("%.2f", r.budget) + "," + x.method + "," + fmt("%.3f", x.best.energy_pj) + "," +
         fmt("%.3f", x.best.mult_energy_pj) + "," +
         fmt("%.4f", r.exact_eval.energy_pj / x.best.energy_pj) + "," +
         fmt("%.4f", r.exact_eval.mult_energy_pj / x.best.mult_energy_pj) + "," +
         fmt("%.4f", x.best.accuracy) + "," + fmt("%.3f", 100.0 * (r.exact_val - x.best.accuracy)) +
         "," + fmt("%.4f", r.test_acc[i]) + "," + std::to_string(x.evaluations) + "," +
         fmt("%.2f", x.seconds) + "," + text::csv_field(x.note) + "\n";
  }
  return o;
}

std::string pareto_csv(const std::vector<host::Evaluation>& front) {
  std::string o = "energy_pj,mult_energy_pj,val_accuracy,assignment\n";
  for (const auto& e : front) {
    std::string a;
    for (const auto& [l, m] : e.assign) a += (a.empty() ? "" : " ") + l + "=" + m;
    o += fmt("%.3f", e.energy_pj) + "," + fmt("%.3f", e.mult_energy_pj) + "," +
         fmt("%.4f", e.accuracy) + "," + text::csv_field(a.empty() ? "all exact" : a) + "\n";
  }
  return o;
}

void add_gen_options(po::options_description& opts) {
  opts.add_options()(
      "accel,a",
      po::value<std::string>()->default_value(default_config("accelerators/tpu_v4_like.yaml")),
      "accelerator for energy")("multipliers", po::value<std::string>(),
                                "candidate multipliers, ';'-separated (default: every signed "
                                "catalog multiplier cheaper than exact)")(
      "val", po::value<int>()->default_value(2000),
      "validation images (held-out end of the training split)")(
      "samples", po::value<int>()->default_value(64), "images explained by the ranking")(
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
      "confirm-images", po::value<int>()->default_value(2),
      "test images run on the cycle-level model")("seed",
                                                  po::value<std::uint64_t>()->default_value(1),
                                                  "seed of the random and evolutionary baselines");
}

std::vector<std::string> candidates_from(const po::variables_map& vm, const accel::Accelerator& acc,
                                         const std::string& exact) {
  if (acc.energy.catalog.empty())
    throw Error("accelerator '" + acc.name +
                "' has no energy table or multiplier catalog (a SCALE-Sim " +
                "config carries none): use an axpod YAML accelerator for --accel");
  const analytical::MultiplierEnergies en(acc.energy.catalog);
  std::vector<std::string> c;
  if (vm.count("multipliers")) {
    std::vector<std::pair<double, std::string>> x;
    for (const auto& n : text::split(vm["multipliers"].as<std::string>(), ';')) {
      const std::string canon = mult::Registry::instance().canonical(text::trim(n));
      x.emplace_back(en.fj(canon), canon);
    }
    std::sort(x.begin(), x.end());
    for (const auto& p : x) c.push_back(p.second);
  } else {
    c = default_candidates(en, exact, acc.energy.catalog);
  }
  if (c.empty()) throw Error("no candidate multipliers");
  return c;
}

int cmd_rank(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("help,h", "show this help")("model,m", po::value<std::string>()->required(),
                                                 "trained model prefix (PREFIX.axq and PREFIX.pt)")(
      "method", po::value<std::string>()->default_value("conductance"),
      "conductance, gradxact or sensitivity")("out,o", po::value<std::string>(),
                                              "run folder (default traces/rank-<model>-<time>)");
  add_gen_options(opts);
  po::variables_map vm;
  if (!parse_options(
          args, opts, {}, vm, "usage: axpod rank --model PREFIX [options]",
          "Layer importance by layer conductance (integrated-gradients path from a black image,\n"
          "n steps; per layer the mean over samples of sum_j |Cond_j| per unit), gradient x\n"
          "activation, or direct approximation sensitivity (accuracy drop with only that layer on\n"
          "the cheapest multiplier). Writes ranking.csv and ranking.svg/.png.\n\nexamples:\n"
          "  axpod rank --model trained/lenet5\n"
          "  axpod rank --model trained/lenet5 --method sensitivity\n"))
    return 0;
  const auto m = load_model(vm["model"].as<std::string>(), vm["data"].as<std::string>());
  const auto acc = accel::load_any_accelerator(vm["accel"].as<std::string>());
  const std::string exact = acc.pods.front().multiplier;
  const auto cands = candidates_from(vm, acc, exact);
  const std::string method = vm["method"].as<std::string>();
  RunDir run(vm.count("out") ? vm["out"].as<std::string>() : "", "rank-" + m.qnet.name);
  const auto scores = rank(m, method, vm["samples"].as<int>(), vm["steps"].as<int>(),
                           vm["threads"].as<int>(), acc, cands.front());
  fs::write_file_atomic(run.work() + "/ranking.csv", ranking_csv(scores));
  plot::write(ranking_plot(scores, m.qnet.name + ": layer importance (" + method + ")"),
              run.work() + "/ranking");
  run.commit();
  std::fputs(ranking_csv(scores).c_str(), stdout);
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
  po::variables_map vm;
  if (!parse_options(
          args, opts, {}, vm, "usage: axpod gen --model PREFIX [options]",
          "Ranks the layers by conductance, then, least important first, gives each layer the\n"
          "cheapest multiplier that keeps the validation accuracy loss within the budget (energy\n"
          "from the analytical model). Baselines: uniform, random, exhaustive, NSGA-II,\n"
          "sensitivity. Confirms the result on the cycle-level model (bit-exact outputs).\n"
          "Writes assignment.yaml, results.csv, pareto.csv, pareto.svg/.png, "
          "report.md.\n\nexamples:\n"
          "  axpod gen --model trained/lenet5 --budget 1.0\n"
          "  axpod gen --model trained/lenet5 --budget 2 --multipliers "
          "'drum:k=4,signed=1;trunc_op:k=3,signed=1'\n"))
    return 0;
  const auto m = load_model(vm["model"].as<std::string>(), vm["data"].as<std::string>());
  const auto acc = accel::load_any_accelerator(vm["accel"].as<std::string>());
  const std::string exact = acc.pods.front().multiplier;
  const auto cands = candidates_from(vm, acc, exact);
  RunDir run(vm.count("out") ? vm["out"].as<std::string>() : "", "gen-" + m.qnet.name);
  const auto t0 = std::chrono::steady_clock::now();
  const auto scores = rank(m, "conductance", vm["samples"].as<int>(), vm["steps"].as<int>(),
                           vm["threads"].as<int>(), acc, cands.front());
  const double rank_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto rep = run_gen(m, acc, vm["budget"].as<double>(), cands, scores, vm["val"].as<int>(),
                     vm["threads"].as<int>(), !vm["no-baselines"].as<bool>(), vm, exact);
  rep.results.front().seconds += rank_s;  // XAI-Gen's time includes its ranking
  fs::write_file_atomic(run.work() + "/assignment.yaml",
                        assignment_yaml(rep.results.front().best.assign, exact,
                                        "XAI-Gen assignment for " + m.qnet.name + ", budget " +
                                            fmt("%.2f", rep.budget) + " pp"));
  fs::write_file_atomic(run.work() + "/ranking.csv", ranking_csv(scores));
  fs::write_file_atomic(run.work() + "/results.csv", results_csv(rep));
  fs::write_file_atomic(run.work() + "/pareto.csv", pareto_csv(rep.pareto));
  std::vector<plot::Series> series{{"Pareto front", {}, {}}};
  for (const auto& e : rep.pareto) {
    series[0].x.push_back(e.energy_pj / 1e6);
    series[0].y.push_back(100.0 * e.accuracy);
  }
  for (const auto& r : rep.results)
    if (r.note.rfind("skipped", 0) != 0)
      series.push_back({r.method, {r.best.energy_pj / 1e6}, {100.0 * r.best.accuracy}});
  plot::write(
      plot::scatter(m.qnet.name + ": energy vs validation accuracy", "energy per inference (uJ)",
                    "validation accuracy (%)", series, false, false),
      run.work() + "/pareto");
  std::string md = "# XAI-Gen: " + m.qnet.name + " on " + acc.name + ", budget " +
                   fmt("%.2f", rep.budget) + " pp\n\n";
  md += "Exact int8: validation " + fmt("%.2f", 100 * rep.exact_val) + " %, test " +
        fmt("%.2f", 100 * rep.exact_test) + " %, " + fmt("%.3f", rep.exact_eval.energy_pj / 1e6) +
        " uJ per inference.\n\n" + results_table(rep) +
        "\nCycle-level confirmation of the XAI-Gen assignment: " +
        std::to_string(rep.conf.bit_exact) + "/" + std::to_string(rep.conf.layers) +
        " layer outputs bit-exact over " + std::to_string(rep.conf.images) + " test images, " +
        std::to_string(rep.conf.cycles / std::max(1, rep.conf.images)) + " cycles and " +
        fmt("%.3f", rep.conf.energy_pj / std::max(1, rep.conf.images) / 1e6) +
        " uJ (MAC layers) per image.\n\n![pareto](pareto.png)\n";
  fs::write_file_atomic(run.work() + "/report.md", md);
  run.commit();
  std::fputs(md.c_str(), stdout);
  std::printf("\nrun folder: %s\n", run.final_path().c_str());
  return rep.conf.bit_exact == rep.conf.layers ? 0 : 1;
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
  const auto t_start = std::chrono::steady_clock::now();
  const int threads = vm["threads"].as<int>();
  const std::string prefix = vm["model-prefix"].as<std::string>();
  RunDir run(vm.count("out") ? vm["out"].as<std::string>() : "", "demo");
  std::string md = "# axpod demo: XAI-Gen on LeNet-5 / Fashion-MNIST\n\n";
  if (!std::filesystem::exists(prefix + ".axq") || !std::filesystem::exists(prefix + ".pt")) {
    std::printf("== training LeNet-5 (%d epochs, %d threads)\n", vm["epochs"].as<int>(), threads);
    if (run_train({"--model", "lenet5", "--epochs", std::to_string(vm["epochs"].as<int>()),
                   "--threads", std::to_string(threads), "--out", prefix, "--data",
                   vm["data"].as<std::string>(), "--force"}) != 0)
      throw Error("training failed");
    md += "Trained LeNet-5 for " + std::to_string(vm["epochs"].as<int>()) + " epochs (`" + prefix +
          "`).\n\n";
  } else {
    std::printf("== reusing %s.axq / %s.pt\n", prefix.c_str(), prefix.c_str());
    md += "Reused the trained LeNet-5 in `" + prefix + "`.\n\n";
  }
  const auto m = load_model(prefix, vm["data"].as<std::string>());
  const auto acc = accel::load_any_accelerator(vm["accel"].as<std::string>());
  const std::string exact = acc.pods.front().multiplier;
  const auto cands = candidates_from(vm, acc, exact);
  std::printf("== ranking layers (layer conductance, %d steps, %d samples)\n",
              vm["steps"].as<int>(), vm["samples"].as<int>());
  const auto t0 = std::chrono::steady_clock::now();
  const auto scores = rank(m, "conductance", vm["samples"].as<int>(), vm["steps"].as<int>(),
                           threads, acc, cands.front());
  const double rank_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fs::write_file_atomic(run.work() + "/ranking.csv", ranking_csv(scores));
  plot::write(ranking_plot(scores, "LeNet-5: layer conductance per unit"), run.work() + "/ranking");
  md += "## Layer ranking (conductance, " + std::to_string(vm["steps"].as<int>()) +
        " path steps)\n\n![ranking](ranking.png)\n\n| rank | layer | score |\n|---|---|---|\n";
  {
    std::istringstream in(ranking_csv(scores));
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      const auto f = text::split(line, ',');
      md += "| " + f[0] + " | " + f[1] + " | " + f[2] + " |\n";
    }
  }
  md += "\nAccelerator: `" + acc.name + "` (" + std::to_string(acc.pods.size()) + " pods of " +
        std::to_string(acc.pods.front().rows) + "x" + std::to_string(acc.pods.front().cols) +
        "). Candidates, cheapest first: " +
        [&] {
          std::string c;
          for (const auto& x : cands) c += (c.empty() ? "`" : ", `") + x + "`";
          return c;
        }() +
        ".\n\n";
  std::string all_csv;
  std::vector<plot::Series> series;
  for (double budget : {0.5, 1.0, 2.0}) {
    const bool baselines = budget == 1.0;
    std::printf("== XAI-Gen, budget %.1f pp%s\n", budget, baselines ? " (with baselines)" : "");
    auto rep =
        run_gen(m, acc, budget, cands, scores, vm["val"].as<int>(), threads, baselines, vm, exact);
    rep.results.front().seconds += rank_s;
    const std::string tag = fmt("%.1f", budget);
    fs::write_file_atomic(run.work() + "/assignment_" + tag + ".yaml",
                          assignment_yaml(rep.results.front().best.assign, exact,
                                          "XAI-Gen assignment for lenet5, budget " + tag + " pp"));
    fs::write_file_atomic(run.work() + "/pareto_" + tag + ".csv", pareto_csv(rep.pareto));
    const std::string csv = results_csv(rep);
    all_csv += all_csv.empty() ? csv : csv.substr(csv.find('\n') + 1);
    plot::Series s{"budget " + tag + " pp", {}, {}};
    for (const auto& e : rep.pareto) {
      s.x.push_back(e.energy_pj / 1e6);
      s.y.push_back(100.0 * e.accuracy);
    }
    series.push_back(s);
    md += "## Budget " + tag + " percentage points\n\nExact int8: validation " +
          fmt("%.2f", 100 * rep.exact_val) + " %, test " + fmt("%.2f", 100 * rep.exact_test) +
          " %, " + fmt("%.4f", rep.exact_eval.energy_pj / 1e6) + " uJ per inference (multipliers " +
          fmt("%.4f", rep.exact_eval.mult_energy_pj / 1e6) + " uJ).\n\n" + results_table(rep) +
          "\nXAI-Gen assignment (`assignment_" + tag + ".yaml`): ";
    for (const auto& [l, mm] : rep.results.front().best.assign) md += "`" + l + "` " + mm + "; ";
    md += "\n\nCycle-level confirmation on `" + acc.name +
          "`: " + std::to_string(rep.conf.bit_exact) + "/" + std::to_string(rep.conf.layers) +
          " layer outputs bit-exact over " + std::to_string(rep.conf.images) + " test images; " +
          std::to_string(rep.conf.cycles / std::max(1, rep.conf.images)) + " cycles per image.\n\n";
    if (rep.conf.bit_exact != rep.conf.layers)
      throw Error("cycle-level outputs differ from the engine");
    if (budget == 1.0) {
      // Energy traces of the 1 % assignment, one test image, 100-cycle windows.
      engine::Engine eng(m.qnet);
      eng.assign(rep.results.front().best.assign, exact);
      std::vector<engine::MacTrace> tr;
      eng.run(eng.quantize_image(m.test.images.pixels.data()).data(), &tr);
      const auto net = m.qnet.workload();
      const analytical::MultiplierEnergies en(acc.energy.catalog);
      core::CycleModel sim(acc, en, 100);
      const bool resident = analytical::weights_fit(acc, net);
      std::size_t next_mac = 0;
      bool on_chip = false;
      for (const auto& layer : net.layers) {
        engine::LayerTensors lt;
        const engine::LayerTensors* ptr = nullptr;
        std::string mult;
        if (layer.is_mac()) {
          lt.g = layer.gemm();
          lt.x = tr[next_mac].x;
          lt.w = tr[next_mac].w;
          ptr = &lt;
          mult = multiplier_of(rep.results.front().best.assign, layer.name, exact);
          ++next_mac;
        }
        sim.run_layer(layer, ptr, mult, on_chip, resident);
        on_chip = analytical::output_on_chip(acc, layer);
      }
      sim.finish();
      fs::write_file_atomic(run.work() + "/power.csv",
                            core::power_csv(sim.windows(), 100, acc.clock_mhz));
      fs::write_file_atomic(
          run.work() + "/power.vcd",
          core::power_vcd(sim.windows(), 100, acc.clock_mhz, static_cast<int>(acc.pods.size())));
      md +=
          "Energy traces of this assignment for one image: `power.csv`, `power.vcd` (GTKWave), "
          "100-cycle windows.\n\n";
    }
  }
  fs::write_file_atomic(run.work() + "/results.csv", all_csv);
  plot::write(
      plot::scatter("LeNet-5: Pareto fronts (energy vs validation accuracy)",
                    "energy per inference (uJ)", "validation accuracy (%)", series, false, false),
      run.work() + "/pareto");
  md +=
      "## Pareto fronts\n\n![pareto](pareto.png)\n\nAll figures: `results.csv`. Demo wall time: " +
      fmt("%.0f",
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count()) +
      " s.\n";
  fs::write_file_atomic(run.work() + "/report.md", md);
  run.commit();
  std::printf("\n%s\nreport: %s/report.md\n", md.c_str(), run.final_path().c_str());
  return 0;
}

}  // namespace

int run_demo(const std::vector<std::string>& args) {
  return cmd_demo(args);
}

int run_rank(const std::vector<std::string>& args) {
  return cmd_rank(args);
}
int run_gen(const std::vector<std::string>& args) {
  return cmd_gen(args);
}

}  // namespace axpod::cli
