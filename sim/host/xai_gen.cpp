#include "xai_gen.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "analytical/model.h"
#include "common/error.h"
#include "common/json.h"
#include "common/paths.h"
#include "common/text.h"
#include "engine/infer.h"
#include "evolve.h"
#include "mult/characterize.h"
#include "mult/registry.h"
#include "operand_energy.h"
#include "torch_backend.h"

namespace axpod::host {

std::string model_prefix(std::string model) {
  for (const char* ext : {".axq", ".pt"})
    if (model.ends_with(ext)) model.resize(model.size() - std::strlen(ext));
  return model;
}

TrainedModel load_trained(const std::string& model, const std::string& data_dir) {
  TrainedModel m;
  m.prefix = model_prefix(model);
  m.qnet = engine::load_qnet(m.prefix + ".axq");
  if (!std::filesystem::exists(m.prefix + ".pt"))
    throw Error("'" + m.prefix +
                ".pt' (float weights) is missing: `axpod train` writes it beside the .axq");
  m.train = data::load_fashion_mnist(data_dir, "train");
  m.test = data::load_fashion_mnist(data_dir, "test");
  return m;
}

void prepare_output(const std::string& prefix, bool force) {
  for (const char* ext : {".pt", ".axq"})
    if (std::filesystem::exists(prefix + ext) && !force)
      throw Error("'" + prefix + ext +
                  "' exists: pass --force to replace it, or choose another --out");
  const auto parent = std::filesystem::path(prefix).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
}

TrainResult train_and_save(const TrainOptions& opt, const std::string& prefix,
                           const data::Split& train_set, const data::Split& test_set, bool force,
                           const std::function<void(const TrainProgress&)>& progress) {
  prepare_output(prefix, force);
  TrainOptions o = opt;
  o.weights_out = prefix + ".pt.partial";
  auto r = train(o, train_set, test_set, progress);
  std::filesystem::rename(o.weights_out, prefix + ".pt");
  engine::save_qnet(r.qnet, prefix + ".axq");
  return r;
}

LayerTables layer_tables(const engine::QNet& qnet, const Assignment& a, const std::string& exact) {
  LayerTables t;
  for (const auto& op : qnet.ops) {
    if (!op.is_mac()) continue;
    const auto it = a.find(op.name);
    const std::string name = it != a.end() && !it->second.empty() ? it->second : exact;
    if (engine::is_exact_int8(name)) continue;
    auto& owned = t.owned[name];
    if (!owned) owned = std::make_unique<mult::Table>(engine::int8_table(name));
    t.by_layer[op.name] = owned.get();
  }
  return t;
}

TrainedModel finetune(const TrainedModel& m, const Assignment& a, const std::string& exact,
                      FinetuneOptions opt, const std::string& out_prefix,
                      const std::function<void(const TrainProgress&)>& progress) {
  const auto tables = layer_tables(m.qnet, a, exact);
  const auto parent = std::filesystem::path(out_prefix).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  opt.model = m.qnet.name;
  opt.weights_pt = m.prefix + ".pt";
  opt.weights_out = out_prefix + ".pt.partial";
  TrainedModel out;
  out.prefix = out_prefix;
  out.qnet = torch_backend().finetune(opt, m.qnet, tables.by_layer, m.train, progress);
  std::filesystem::rename(opt.weights_out, out_prefix + ".pt");
  engine::save_qnet(out.qnet, out_prefix + ".axq");
  out.train = m.train;
  out.test = m.test;
  return out;
}

std::string exact_multiplier(const accel::Accelerator& acc) {
  return acc.pods.front().multiplier;
}

std::vector<std::string> candidate_multipliers(const accel::Accelerator& acc,
                                               const std::string& exact, const std::string& list) {
  if (acc.energy.catalog.empty())
    throw Error("accelerator '" + acc.name +
                "' has no energy table or multiplier catalog (a SCALE-Sim config carries none): "
                "use an axpod YAML accelerator for --accel");
  const analytical::MultiplierEnergies en(acc.energy.catalog);
  std::vector<std::pair<double, std::string>> c;
  if (!list.empty()) {
    for (const auto& n : text::split(list, ';')) {
      const std::string canon = mult::Registry::instance().canonical(text::trim(n));
      c.emplace_back(en.fj(canon), canon);
    }
  } else {
    const double e_exact = en.fj(exact);
    for (const auto& row : mult::read_catalog(acc.energy.catalog)) {
      if (row.at("signed") != "1" || row.at("energy_fj") == "n/a" || row.at("name") == exact)
        continue;
      double fj = 0;
      if (!text::parse_double(row.at("energy_fj"), fj))
        throw Error(acc.energy.catalog + ": energy_fj of '" + row.at("name") +
                    "' is not a number: '" + row.at("energy_fj") + "'");
      if (fj < e_exact) c.emplace_back(fj, row.at("name"));
    }
  }
  std::sort(c.begin(), c.end());
  std::vector<std::string> out;
  for (const auto& x : c) out.push_back(x.second);
  if (out.empty()) throw Error("no candidate multipliers cheaper than '" + exact + "'");
  return out;
}

std::vector<std::string> xai_order(const std::vector<LayerScore>& scores,
                                   const workload::Network& net) {
  std::vector<std::pair<double, std::string>> keyed;
  for (const auto& s : scores) {
    const int i = net.find(s.layer);
    if (i < 0) throw Error("ranking names layer '" + s.layer + "', which the network lacks");
    const auto macs = static_cast<double>(net.layers[i].macs());
    keyed.emplace_back(s.score / std::max(1.0, macs), s.layer);
  }
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> order;
  for (const auto& k : keyed) order.push_back(k.second);
  return order;
}

ImageRun simulate_image(core::CycleModel& sim, const engine::QNet& qnet, const Assignment& a,
                        const std::string& exact, const std::uint8_t* pixels) {
  engine::Engine eng(qnet);
  eng.assign(a, exact);
  ImageRun run;
  eng.run(eng.quantize_image(pixels).data(), &run.traces);
  const auto net = qnet.workload();
  std::map<std::size_t, engine::LayerTensors> data;
  for (const auto& t : run.traces) {
    const int li = net.find(t.op);
    if (li < 0) throw Error("engine trace names layer '" + t.op + "', which the network lacks");
    engine::LayerTensors& lt = data[static_cast<std::size_t>(li)];
    lt.g = net.layers[li].gemm();
    lt.x = t.x;
    lt.w = t.w;
  }
  run.layers = sim.run_network(net, to_accel(a, exact), [&](std::size_t i) {
    const auto it = data.find(i);
    return it == data.end() ? nullptr : &it->second;
  });
  return run;
}

Confirmation confirm(const engine::QNet& qnet, const data::Split& test, const Assignment& a,
                     const accel::Accelerator& acc, int images, const std::string& exact,
                     const analytical::MultiplierEnergies* energies) {
  if (images < 0 || images > test.images.count)
    throw Error("confirmation: " + std::to_string(images) + " images requested, the split has " +
                std::to_string(test.images.count));
  Confirmation c;
  core::CycleModel sim(acc, energies ? *energies : analytical::MultiplierEnergies::of(acc),
                       1 << 30);
  const std::size_t px = static_cast<std::size_t>(test.images.rows) * test.images.cols;
  for (int i = 0; i < images; ++i) {
    const auto run = simulate_image(sim, qnet, a, exact, test.images.pixels.data() + i * px);
    std::map<std::string, const engine::MacTrace*> by_op;
    for (const auto& t : run.traces) by_op[t.op] = &t;
    for (const auto& l : run.layers) {
      c.cycles += l.cycles;
      c.energy_pj += l.energy.total();
      const auto it = by_op.find(l.layer);
      if (it == by_op.end()) continue;
      c.bit_exact += l.y == it->second->acc;
      ++c.layers;
    }
    ++c.images;
  }
  return c;
}

namespace {

json::Json evaluation_json(const Evaluation& e) {
  return json::Json{{"assign", e.assign},
                    {"accuracy", e.accuracy},
                    {"energy_pj", e.energy_pj},
                    {"mult_energy_pj", e.mult_energy_pj},
                    {"cycles", e.cycles}};
}

Evaluation evaluation_from_json(const json::Json& j) {
  Evaluation e;
  e.assign = j.at("assign").get<Assignment>();
  e.accuracy = j.at("accuracy").get<double>();
  e.energy_pj = j.at("energy_pj").get<double>();
  e.mult_energy_pj = j.at("mult_energy_pj").get<double>();
  e.cycles = j.at("cycles").get<std::int64_t>();
  return e;
}

/// A search's result and its Pareto front as a worker sends them (doubles round-trip exactly).
json::Json search_json(const SearchResult& r, const std::vector<Evaluation>& front) {
  json::Json j{{"method", r.method},
               {"best", evaluation_json(r.best)},
               {"evaluations", r.evaluations},
               {"seconds", r.seconds},
               {"note", r.note},
               {"front", json::Json::array()}};
  for (const auto& e : front) j["front"].push_back(evaluation_json(e));
  return j;
}

SearchResult search_from_json(const json::Json& j, std::vector<Evaluation>& front) {
  SearchResult r;
  r.method = j.at("method").get<std::string>();
  r.best = evaluation_from_json(j.at("best"));
  r.evaluations = j.at("evaluations").get<int>();
  r.seconds = j.at("seconds").get<double>();
  r.note = j.at("note").get<std::string>();
  for (const auto& e : j.at("front")) front.push_back(evaluation_from_json(e));
  return r;
}

}  // namespace

void check_options(const GenOptions& o) {
  if (!std::isfinite(o.budget) || !(o.budget > 0) || !std::isfinite(o.guard) || !(o.guard >= 0))
    throw Error(fmt::format(
        "the budget must be a positive number and the guard band a number >= 0, got budget {} "
        "pp and guard {} pp",
        o.budget, o.guard));
  if (o.finetune_epochs > 0 && (!std::isfinite(o.finetune_lr) || !(o.finetune_lr > 0) ||
                                !std::isfinite(o.finetune_relax) || !(o.finetune_relax >= 1)))
    throw Error(fmt::format(
        "--finetune-lr must be a positive number and --finetune-relax a number >= 1, got {} and {}",
        o.finetune_lr, o.finetune_relax));
  if (o.finetune_epochs < 0 || o.finetune_rounds < 1)
    throw Error("--finetune must be >= 0 and --finetune-rounds >= 1");
  if (o.threads < 1 || o.threads > 256) throw Error("--threads must lie in [1, 256]");
  if (!(o.evolve_minutes >= 0 && o.evolve_minutes <= 24 * 60))
    throw Error("--evolve must lie in [0, 1440] minutes");
  if (o.evolve_layers < 1 || o.evolve_layers > 1000) throw Error("--evolve-layers must be >= 1");
  if (o.evolve_minutes > 0) mult::cgp::parse_error_bound(o.evolve_error);
  if (o.random_tries < 1 || o.nsga_pop < 2 || o.nsga_gens < 1)
    throw Error("--random must be >= 1, --nsga-pop >= 2 and --nsga-gens >= 1");
}

GenReport run_gen(const TrainedModel& m, const accel::Accelerator& acc,
                  const std::vector<std::string>& cands, const std::vector<LayerScore>& scores,
                  const GenOptions& o, const std::string& exact,
                  const std::function<void(const std::string&, int, int)>& progress,
                  Workers* workers) {
  if (cands.empty()) throw Error("no candidate multipliers");
  InTurn in_turn;
  Workers& w = workers != nullptr ? *workers : in_turn;
  if (w.count() > 1 && (o.finetune_epochs > 0 || o.evolve_minutes > 0))
    throw Error(
        "fine-tuning and evolving multipliers run in one process: drop them, or run gen "
        "without mpirun");
  GenReport rep;
  rep.budget = o.budget;
  rep.val = o.val;
  check_options(o);
  if (o.val < 1 || validation_begin(m.train) + o.val > m.train.images.count)
    throw Error("--val must lie in [1, " +
                std::to_string(m.train.images.count - validation_begin(m.train)) +
                "] (the validation split)");
  if (o.confirm_images < 1 || o.confirm_images > m.test.images.count)
    throw Error("--confirm-images must lie in [1, " + std::to_string(m.test.images.count) + "]");
  // Every search is held to the budget less the guard band (at most half the budget), so that
  // the loss measured on the test split (other images than the validation split searched on)
  // stays within the budget.
  rep.guard = std::min(o.guard, o.budget / 2);
  const double budget = o.budget - rep.guard;
  const auto order = xai_order(scores, m.qnet.workload());
  // Multipliers evolved for the least important layers' own operands, offered to those layers.
  std::map<std::string, std::vector<std::string>> layer_cands;
  if (o.evolve_minutes > 0) {
    if (o.evolve_dir.empty()) throw Error("evolving multipliers needs a folder to write them to");
    const auto n = std::min<std::size_t>(static_cast<std::size_t>(o.evolve_layers), order.size());
    for (std::size_t i = 0; i < n; ++i) {
      const std::string& layer = order[i];
      if (progress)
        progress("evolving a multiplier for " + layer, static_cast<int>(i), static_cast<int>(n));
      EvolveConfig c;
      c.from = exact;
      c.max_error = o.evolve_error;
      c.search.seconds = o.evolve_minutes * 60.0 / static_cast<double>(n);
      c.search.seed = o.seed + i;
      c.front_points = 3;
      c.gates = paths::shipped("configs/gate_library.yaml");
      const std::string dir = o.evolve_dir + "/" + layer;
      std::filesystem::create_directories(dir);
      const auto ops = layer_operands(m.qnet, m.train, 0, o.operand_images, layer);
      const auto r = evolve_with_operands(c, ops, dir, o.evolve_final + "/" + layer);
      rep.evolve_measure = mult::cgp::measure_name(r.bound.measure);
      const auto abs = std::filesystem::absolute(dir).string();
      const auto add = [&](const std::string& file, double error) {
        const std::string name = "verilog:" + abs + "/" + file + ":signed=1";
        layer_cands[layer].push_back(name);
        rep.evolved.push_back({layer, name, mult::cgp::error_pct(r.bound.measure, error), 0,
                               r.result.seed_fitness.energy_fj});
      };
      add("evolved.v", r.evolved.error);
      // A ladder of tighter ones from the front: the loosest within half, a quarter, an eighth.
      std::size_t last = r.result.front.size();
      for (double frac : {0.5, 0.25, 0.125}) {
        std::size_t pick = r.result.front.size();
        for (std::size_t k = 0; k < r.result.front.size(); ++k)
          if (r.result.front[k].fitness.error <= frac * r.bound.limit) pick = k;
        if (pick < r.result.front.size() && pick != last) {
          add(fmt::format("front/front_{:02}.v", pick), r.result.front[pick].fitness.error);
          last = pick;
        }
      }
    }
  }
  analytical::MultiplierEnergies en(acc.energy.catalog);
  rep.energy_model =
      "catalog: each multiplier's gate netlist toggling on 20,000 uniform random "
      "operand pairs";
  if (o.operand_aware || o.evolve_minutes > 0) {
    std::vector<std::string> names = cands;
    names.push_back(exact);
    for (const auto& [layer, list] : layer_cands)
      names.insert(names.end(), list.begin(), list.end());
    auto oe = operand_aware_energies(m.qnet, m.train, 0, o.operand_images, names, en,
                                     mult::shipped_gate_library());
    en = std::move(oe.energies);
    rep.energy_model = oe.description;
  }
  const int vbegin = validation_begin(m.train);
  for (auto& e : rep.evolved) e.energy_fj = en.fj(e.name, e.layer);
  const auto make_ev = [&] {
    Evaluator e(m.qnet, acc, en, m.train, vbegin, o.val, o.threads, exact);
    e.set_layer_candidates(layer_cands);
    return e;
  };
  // A baseline's own evaluator: its exact reference is not counted as one of its evaluations.
  const auto fresh = [&] {
    auto e = make_ev();
    e.exact();
    e.reset_count();
    return e;
  };
  {
    auto ev = make_ev();
    rep.exact_eval = ev.exact();
    rep.exact_val = rep.exact_eval.accuracy;
  }
  // XAI-Gen's search and each baseline search on their own evaluators: they are the workers'
  // units (in this process: one after the other). Fine-tuning follows on XAI-Gen's result.
  struct Search {
    const char* name;
    std::function<SearchResult(Evaluator&)> run;
  };
  std::vector<Search> searches = {{"xai-gen", [&](Evaluator& e) {
                                     return greedy_by_order(e, order, cands, budget, "xai-gen");
                                   }}};
  if (o.baselines) {
    searches.push_back({"uniform", [&](Evaluator& e) { return uniform_search(e, cands, budget); }});
    searches.push_back({"random", [&](Evaluator& e) {
                          return random_search(e, cands, budget, o.random_tries, o.seed);
                        }});
    searches.push_back({"exhaustive", [&](Evaluator& e) {
                          return exhaustive_search(e, cands, budget, o.exhaustive_subset,
                                                   o.exhaustive_limit);
                        }});
    searches.push_back({"nsga2", [&](Evaluator& e) {
                          return nsga2_search(e, cands, budget, o.nsga_pop, o.nsga_gens, o.seed);
                        }});
    searches.push_back({"sensitivity", [&](Evaluator& e) {
                          const auto t0 = std::chrono::steady_clock::now();
                          const auto sens = sensitivity_order(e, cands.front());
                          auto r = greedy_by_order(e, sens, cands, budget, "sensitivity");
                          r.evaluations = e.evaluations();
                          r.seconds = seconds_since(t0);
                          return r;
                        }});
  }
  int finished = 0;
  const auto found = w.map(
      searches.size(),
      [&](std::size_t i) {
        auto e = fresh();
        const auto r = searches[i].run(e);
        return search_json(r, pareto_front(e.history())).dump();
      },
      [&](std::size_t i, const std::string&) {
        if (progress && i > 0)  // the baselines, as before
          progress(searches[i].name, ++finished, static_cast<int>(searches.size()) - 1);
      });
  std::vector<SearchResult> results;
  std::vector<std::vector<Evaluation>> fronts(searches.size());
  for (std::size_t i = 0; i < searches.size(); ++i)
    results.push_back(search_from_json(json::Json::parse(found[i]), fronts[i]));
  rep.results.push_back(results.front());
  rep.pareto = fronts.front();
  rep.fronts["xai-gen"] = rep.pareto;
  if (o.finetune_epochs > 0) {
    if (o.finetune_dir.empty()) throw Error("fine-tuning needs a folder for the tuned models");
    // Each round fine-tunes for a target beyond the budget, then repairs the target on the
    // tuned network until it holds the budget of the original network (and takes what is left);
    // rounds go on while they find a cheaper assignment.
    const auto t0 = std::chrono::steady_clock::now();
    Assignment cur = rep.results.front().best.assign;
    const TrainedModel* base = &m;
    int evals = 0;
    double after_first = 0;  // accuracy of xai-gen's assignment after the first fine-tuning
    double best_energy = rep.results.front().best.energy_pj;
    std::optional<SearchResult> last;   // the last round that improved
    std::optional<TrainedModel> tuned;  // this round's tuned network
    int stopped = 0;                    // the round that found nothing better (0: none)
    for (int r = 1; r <= o.finetune_rounds; ++r) {
      // The target: XAI-Gen's search on the current network with a relaxed budget, so that
      // the network is tuned for more approximation than the budget allows today.
      Evaluator base_ev(base->qnet, acc, en, m.train, vbegin, o.val, o.threads, exact);
      base_ev.set_reference(rep.exact_val);
      base_ev.set_layer_candidates(layer_cands);
      const auto target =
          greedy_by_order(base_ev, order, cands, budget * o.finetune_relax, "target", cur);
      evals += target.evaluations;
      FinetuneOptions f;
      f.epochs = o.finetune_epochs;
      f.threads = o.threads;
      f.lr = o.finetune_lr;
      f.train_limit = o.finetune_limit;
      f.seed = o.seed + static_cast<std::uint64_t>(r);
      tuned = finetune(*base, target.best.assign, exact, f,
                       o.finetune_dir + "/finetuned_" + std::to_string(r));
      base = &*tuned;
      // The real budget on the tuned network, from the target it was tuned for.
      Evaluator tuned_ev(base->qnet, acc, en, m.train, vbegin, o.val, o.threads, exact);
      tuned_ev.set_reference(rep.exact_val);
      tuned_ev.set_layer_candidates(layer_cands);
      if (r == 1) after_first = tuned_ev.evaluate(cur).accuracy;
      auto res = repair_search(tuned_ev, order, cands, budget, "xai-gen+ft", target.best.assign);
      evals += res.evaluations;
      if (100.0 * (rep.exact_val - res.best.accuracy) > budget + 1e-9 ||
          res.best.energy_pj >= best_energy) {
        stopped = r;  // this round found nothing better within the budget: keep the last one
        if (progress)
          progress("fine-tuning: round " + std::to_string(r) + " found nothing better",
                   o.finetune_rounds, o.finetune_rounds);
        break;
      }
      if (progress) progress("fine-tuning round " + std::to_string(r), r, o.finetune_rounds);
      best_energy = res.best.energy_pj;
      rep.fronts["xai-gen+ft"] = pareto_front(tuned_ev.history());
      cur = res.best.assign;
      last = res;
      rep.tuned = tuned;  // the network of the last round that improved
    }
    if (last) {
      auto res = *last;
      res.evaluations = evals;
      res.seconds = seconds_since(t0) + rep.results.front().seconds;
      res.note = fmt::format(
          "fine-tuned {} x {} epoch(s) for {:g}x-budget targets{}; xai-gen's assignment: {:.2f} % "
          "val. before, {:.2f} % after round 1",
          stopped ? stopped - 1 : o.finetune_rounds, o.finetune_epochs, o.finetune_relax,
          stopped ? fmt::format(" (round {} found nothing better)", stopped) : "",
          100 * rep.results.front().best.accuracy, 100 * after_first);
      rep.results.push_back(res);
      rep.chosen = rep.results.size() - 1;
    } else {
      rep.results.push_back({"xai-gen+ft", rep.results.front().best, evals, seconds_since(t0),
                             "skipped: fine-tuning found nothing within the "
                             "budget cheaper than xai-gen's assignment"});
    }
  }
  for (std::size_t i = 1; i < searches.size(); ++i) {
    rep.results.push_back(results[i]);
    rep.fronts[searches[i].name] = fronts[i];
    if (std::string(searches[i].name) == "nsga2") {
      rep.pareto.insert(rep.pareto.end(), fronts[i].begin(), fronts[i].end());
      rep.pareto = pareto_front(rep.pareto);
    }
  }
  if (!w.lead()) return rep;  // rank 0 scores, confirms and writes
  // Test-split accuracy of every chosen assignment (and of the exact design).
  const auto test_acc = [&](const Assignment& a) {
    engine::Engine e(m.qnet);
    e.assign(a, exact);
    return e.accuracy(m.test, 0, m.test.images.count, o.threads);
  };
  rep.exact_test = test_acc({});
  for (const auto& r : rep.results) {
    if (skipped(r)) {
      rep.test_acc.push_back(0.0);
    } else if (r.method == "xai-gen+ft") {
      engine::Engine e(rep.tuned->qnet);
      e.assign(r.best.assign, exact);
      rep.test_acc.push_back(e.accuracy(m.test, 0, m.test.images.count, o.threads));
    } else {
      rep.test_acc.push_back(test_acc(r.best.assign));
    }
  }
  const auto& chosen = rep.results[rep.chosen];
  rep.conf =
      confirm(chosen_net(rep, m), m.test, chosen.best.assign, acc, o.confirm_images, exact, &en);
  return rep;
}

void relocate_multipliers(GenReport& r, const std::string& from, const std::string& to) {
  if (from.empty() || from == to) return;
  const std::string a = std::filesystem::absolute(from).string() + "/";
  const std::string b = std::filesystem::absolute(to).string() + "/";
  const auto fix = [&](std::string& name) {
    const std::size_t at = name.find(a);
    if (name.rfind("verilog:", 0) == 0 && at != std::string::npos) name.replace(at, a.size(), b);
  };
  const auto fix_assign = [&](Assignment& as) {
    Assignment out;
    for (auto [layer, name] : as) {
      fix(name);
      out[layer] = name;
    }
    as = std::move(out);
  };
  for (auto& res : r.results) fix_assign(res.best.assign);
  for (auto& e : r.pareto) fix_assign(e.assign);
  for (auto& [method, front] : r.fronts)
    for (auto& e : front) fix_assign(e.assign);
  fix_assign(r.exact_eval.assign);
  for (auto& e : r.evolved) fix(e.name);
}

}  // namespace axpod::host
