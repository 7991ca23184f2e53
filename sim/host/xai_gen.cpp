#include "xai_gen.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "analytical/model.h"
#include "common/error.h"
#include "common/text.h"
#include "engine/infer.h"
#include "mult/characterize.h"
#include "mult/registry.h"

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

TrainResult train_and_save(const TrainOptions& opt, const std::string& prefix,
                           const data::Split& train_set, const data::Split& test_set, bool force,
                           const std::function<void(const TrainProgress&)>& progress) {
  for (const char* ext : {".pt", ".axq"})
    if (std::filesystem::exists(prefix + ext) && !force)
      throw Error("'" + prefix + ext +
                  "' exists: pass --force to replace it, or choose another --out");
  const auto parent = std::filesystem::path(prefix).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  TrainOptions o = opt;
  o.weights_out = prefix + ".pt.partial";
  auto r = train(o, train_set, test_set, progress);
  std::filesystem::rename(o.weights_out, prefix + ".pt");
  engine::save_qnet(r.qnet, prefix + ".axq");
  return r;
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

accel::Assignment to_accel(const Assignment& a, const std::string& exact) {
  accel::Assignment out;
  out.fallback = exact;
  for (const auto& [l, m] : a)
    if (!m.empty()) out.layers[l] = m;
  return out;
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
                     const accel::Accelerator& acc, int images, const std::string& exact) {
  if (images < 0 || images > test.images.count)
    throw Error("confirmation: " + std::to_string(images) + " images requested, the split has " +
                std::to_string(test.images.count));
  Confirmation c;
  core::CycleModel sim(acc, analytical::MultiplierEnergies::of(acc), 1 << 30);
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

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

GenReport run_gen(const TrainedModel& m, const accel::Accelerator& acc,
                  const std::vector<std::string>& cands, const std::vector<LayerScore>& scores,
                  const GenOptions& o, const std::string& exact,
                  const std::function<void(const std::string&, int, int)>& progress) {
  if (cands.empty()) throw Error("no candidate multipliers");
  GenReport rep;
  rep.budget = o.budget;
  const analytical::MultiplierEnergies en(acc.energy.catalog);
  const int vbegin = validation_begin(m.train);
  const auto make_ev = [&] {
    return Evaluator(m.qnet, acc, en, m.train, vbegin, o.val, o.threads, exact);
  };
  // A baseline's own evaluator: its exact reference is not counted as one of its evaluations.
  const auto fresh = [&] {
    auto e = make_ev();
    e.exact();
    e.reset_count();
    return e;
  };
  auto ev = make_ev();
  rep.exact_eval = ev.exact();
  rep.exact_val = rep.exact_eval.accuracy;
  ev.reset_count();
  rep.results.push_back(
      greedy_by_order(ev, xai_order(scores, m.qnet.workload()), cands, o.budget, "xai-gen"));
  rep.pareto = pareto_front(ev.history());
  if (o.baselines) {
    const auto step = [&](const std::string& stage, int done) {
      if (progress) progress(stage, done, 5);
    };
    {
      auto e = fresh();
      rep.results.push_back(uniform_search(e, cands, o.budget));
      step("uniform", 1);
    }
    {
      auto e = fresh();
      rep.results.push_back(random_search(e, cands, o.budget, o.random_tries, o.seed));
      step("random", 2);
    }
    {
      auto e = fresh();
      rep.results.push_back(
          exhaustive_search(e, cands, o.budget, o.exhaustive_subset, o.exhaustive_limit));
      step("exhaustive", 3);
    }
    {
      auto e = fresh();
      rep.results.push_back(nsga2_search(e, cands, o.budget, o.nsga_pop, o.nsga_gens, o.seed));
      const auto more = pareto_front(e.history());
      rep.pareto.insert(rep.pareto.end(), more.begin(), more.end());
      rep.pareto = pareto_front(rep.pareto);
      step("nsga2", 4);
    }
    {
      auto e = fresh();
      const auto t0 = std::chrono::steady_clock::now();
      const auto sens = sensitivity_order(e, cands.front());
      auto r = greedy_by_order(e, sens, cands, o.budget, "sensitivity");
      r.evaluations = e.evaluations();
      r.seconds = seconds_since(t0);
      rep.results.push_back(r);
      step("sensitivity", 5);
    }
  }
  // Test-split accuracy of every chosen assignment (and of the exact design).
  const auto test_acc = [&](const Assignment& a) {
    engine::Engine e(m.qnet);
    e.assign(a, exact);
    return e.accuracy(m.test, 0, m.test.images.count, o.threads);
  };
  rep.exact_test = test_acc({});
  for (const auto& r : rep.results)
    rep.test_acc.push_back(skipped(r) ? 0.0 : test_acc(r.best.assign));
  rep.conf = confirm(m.qnet, m.test, rep.results.front().best.assign, acc, o.confirm_images, exact);
  return rep;
}

}  // namespace axpod::host
