#include "nas.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>
#include <random>
#include <set>

#include "analytical/model.h"
#include "common/error.h"
#include "common/fs.h"
#include "common/json.h"
#include "common/plot.h"
#include "engine/infer.h"
#include "engine/qnet.h"
#include "nas/arch.h"
#include "ranker.h"
#include "report.h"
#include "robust.h"
#include "torch_backend.h"
#include "xai_gen.h"
#include "zoo.h"

namespace axpod::host {

void check_options(const NasOptions& o) {
  if (!(o.budget_minutes >= 0 && o.budget_minutes <= 7 * 24 * 60))
    throw Error("--budget-minutes must lie in [0, 10080]");
  if (o.generations < 0) throw Error("--generations must not be negative");
  if (o.budget_minutes == 0 && o.generations == 0)
    throw Error("give --budget-minutes or --generations");
  if (o.population < 2 || o.population > 64) throw Error("--population must lie in [2, 64]");
  if (o.train_images < 100 || o.train_images > 55000)
    throw Error("--train-images must lie in [100, 55000]");
  if (o.epochs < 1 || o.epochs > 100) throw Error("--epochs must lie in [1, 100]");
  if (o.val_images < 50 || o.val_images > 5000) throw Error("--val must lie in [50, 5000]");
  if (!(o.robust_eps >= 0 && o.robust_eps <= 1)) throw Error("--robust-eps must lie in [0, 1]");
  if (o.robust_images < 1 || o.robust_images > o.val_images)
    throw Error("--robust-images must lie in [1, --val]");
  if (!(o.accuracy_budget >= 0 && o.accuracy_budget <= 100))
    throw Error("--accuracy-budget must lie in [0, 100] pp");
  if (o.multiplier_choices < 1 || o.multiplier_choices > 64)
    throw Error("--multipliers must lie in [1, 64]");
  if (o.threads < 1 || o.threads > 256) throw Error("--threads must lie in [1, 256]");
  if (o.methods.empty()) throw Error("no search method");
  for (std::size_t i = 0; i < o.methods.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (o.methods[i] == o.methods[j])
        throw Error("--methods names '" + o.methods[i] + "' twice (they would share files)");
}

namespace {

int mac_index(const nas::Arch& a, const std::string& layer) {
  const auto names = nas::mac_layers(a);
  const auto it = std::find(names.begin(), names.end(), layer);
  return static_cast<int>(it - names.begin());
}

// --------------------------------------------------------------------------------- selection

std::vector<double> objectives(const NasCandidate& c, bool robust) {
  std::vector<double> v{c.accuracy, -c.energy_pj};
  if (robust) v.push_back(c.robust_accuracy);
  return v;
}

bool dominates(const std::vector<double>& a, const std::vector<double>& b) {
  bool better = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] < b[i]) return false;
    if (a[i] > b[i]) better = true;
  }
  return better;
}

/// Non-dominated rank (0 = front) and crowding distance of every candidate.
void rank_and_crowd(const std::vector<const NasCandidate*>& pool, bool robust,
                    std::vector<int>& rank, std::vector<double>& crowd) {
  const std::size_t n = pool.size();
  std::vector<std::vector<double>> obj(n);
  for (std::size_t i = 0; i < n; ++i) obj[i] = objectives(*pool[i], robust);
  rank.assign(n, -1);
  crowd.assign(n, 0.0);
  std::size_t placed = 0;
  for (int r = 0; placed < n; ++r) {
    std::vector<std::size_t> front;
    for (std::size_t i = 0; i < n; ++i) {
      if (rank[i] >= 0) continue;
      bool dominated = false;  // by a candidate not placed in an earlier front
      for (std::size_t j = 0; j < n && !dominated; ++j)
        dominated = j != i && rank[j] < 0 && dominates(obj[j], obj[i]);
      if (!dominated) front.push_back(i);
    }
    for (std::size_t i : front) rank[i] = r;
    placed += front.size();
    for (std::size_t k = 0; k < obj[0].size(); ++k) {
      std::sort(front.begin(), front.end(),
                [&](std::size_t x, std::size_t y) { return obj[x][k] < obj[y][k]; });
      const double span = obj[front.back()][k] - obj[front.front()][k];
      crowd[front.front()] = crowd[front.back()] = std::numeric_limits<double>::infinity();
      for (std::size_t q = 1; q + 1 < front.size(); ++q)
        if (span > 0) crowd[front[q]] += (obj[front[q + 1]][k] - obj[front[q - 1]][k]) / span;
    }
  }
}

/// The `n` best of `pool` by rank, then crowding (ties: earlier first); indices into `pool`.
std::vector<int> select(const std::vector<const NasCandidate*>& pool, int n, bool robust) {
  std::vector<int> rank;
  std::vector<double> crowd;
  rank_and_crowd(pool, robust, rank, crowd);
  std::vector<int> idx(pool.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = static_cast<int>(i);
  std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) {
    return rank[a] != rank[b] ? rank[a] < rank[b] : crowd[a] > crowd[b];
  });
  if (static_cast<int>(idx.size()) > n) idx.resize(static_cast<std::size_t>(n));
  return idx;
}

// ---------------------------------------------------------------------------- the evaluation

struct Context {
  const NasOptions& o;
  const accel::Accelerator& acc;
  const data::Split& train;
  const data::Split& test;
  std::string work;
  std::string exact;
  std::vector<std::string> cands;  // common candidate multipliers, cheapest first
  analytical::MultiplierEnergies energies;
  int vbegin = 0;
};

/// Trains and scores one candidate; `genes` (NSGA-II) are its multiplier genes.
NasCandidate evaluate(const Context& cx, const std::string& method, int id, int generation,
                      const nas::Arch& arch, std::vector<int> genes,
                      const NasCandidate* parent = nullptr) {
  const NasOptions& o = cx.o;
  NasCandidate c;
  c.id = id;
  c.method = method;
  c.generation = generation;
  c.arch = nas::arch_name(arch);
  c.files = fmt::format("cands/{}_{:03}", method, id);
  const std::string prefix = cx.work + "/" + c.files;
  TrainOptions t;
  t.model = c.arch;
  t.epochs = o.epochs;
  t.seed = o.seed + static_cast<std::uint64_t>(id);
  t.threads = o.threads;
  t.train_limit = o.train_images;
  t.calib_images = 500;
  t.weights_out = prefix + ".pt";
  if (parent && o.inherit) {
    t.init_model = parent->arch;
    t.init_pt = cx.work + "/" + parent->files + ".pt";
  }
  const auto trained = torch_backend().train(t, cx.train, cx.test, {});
  const engine::QNet& q = trained.qnet;
  engine::save_qnet(q, prefix + ".axq");
  Evaluator ev(q, cx.acc, cx.energies, cx.train, cx.vbegin, o.val_images, o.threads, cx.exact);
  c.exact_accuracy = ev.exact().accuracy;
  const auto layers = nas::mac_layers(arch);
  if (method == "xai-nas") {
    RankInput in;
    in.qnet = &q;
    in.weights_pt = t.weights_out;
    in.split = &cx.train;
    in.begin = cx.vbegin;
    in.count = 32;
    in.steps = 8;
    in.threads = o.threads;
    const auto scores = rank_layers("conductance", in);
    c.order = xai_order(scores, q.workload());
    c.assign = greedy_by_order(ev, c.order, cx.cands, o.accuracy_budget, method).best.assign;
  } else {
    genes.resize(layers.size(), 0);
    for (std::size_t i = 0; i < layers.size(); ++i)
      if (genes[i] > 0) c.assign[layers[i]] = cx.cands[static_cast<std::size_t>(genes[i] - 1)];
    c.genes = std::move(genes);
  }
  const Evaluation& e = ev.evaluate(c.assign);
  c.accuracy = e.accuracy;
  c.energy_pj = e.energy_pj;
  c.latency_cycles = static_cast<double>(e.cycles);
  c.memory_bytes = nas::weight_bytes(arch);
  if (o.robust_eps > 0) {
    const auto tables = layer_tables(q, c.assign, cx.exact);
    AttackOptions ao;
    ao.model = c.arch;
    ao.weights_pt = t.weights_out;
    ao.method = "fgsm";
    ao.eps = o.robust_eps;
    ao.threads = o.threads;
    engine::Engine eng(q);
    eng.assign_tables(tables.by_layer);
    c.robust_accuracy = attack_and_classify(eng, tables.by_layer, ao, cx.train, cx.vbegin,
                                            o.robust_images, o.threads)
                            .accuracy;
  }
  return c;
}

json::Json candidate_json(const NasCandidate& c) {
  return json::Json{{"id", c.id},
                    {"method", c.method},
                    {"generation", c.generation},
                    {"arch", c.arch},
                    {"assign", c.assign},
                    {"accuracy", c.accuracy},
                    {"exact_accuracy", c.exact_accuracy},
                    {"robust_accuracy", c.robust_accuracy},
                    {"energy_pj", c.energy_pj},
                    {"latency_cycles", c.latency_cycles},
                    {"memory_bytes", c.memory_bytes},
                    {"seconds", c.seconds},
                    {"files", c.files},
                    {"order", c.order},
                    {"genes", c.genes}};
}

/// A candidate from its JSON (json::Json exceptions for missing or mistyped fields).
NasCandidate candidate_from_json(const json::Json& jc) {
  NasCandidate c;
  c.id = jc.at("id").get<int>();
  c.method = jc.at("method").get<std::string>();
  c.generation = jc.at("generation").get<int>();
  c.arch = jc.at("arch").get<std::string>();
  c.assign = jc.at("assign").get<Assignment>();
  c.accuracy = jc.at("accuracy").get<double>();
  c.exact_accuracy = jc.at("exact_accuracy").get<double>();
  c.robust_accuracy = jc.at("robust_accuracy").get<double>();
  c.energy_pj = jc.at("energy_pj").get<double>();
  c.latency_cycles = jc.at("latency_cycles").get<double>();
  c.memory_bytes = jc.at("memory_bytes").get<long long>();
  c.seconds = jc.at("seconds").get<double>();
  c.files = jc.at("files").get<std::string>();
  c.order = jc.at("order").get<std::vector<std::string>>();
  c.genes = jc.at("genes").get<std::vector<int>>();
  if (c.method == "xai-nas" && c.order.empty())
    throw Error("candidate " + std::to_string(c.id) + " has no layer order");
  nas::parse_arch(c.arch);
  return c;
}

const std::vector<std::string>& initial_archs() {
  static const std::vector<std::string> a = {
      "nas_c6k5p_c16k5p_f120_f84",    "nas_c8k3p_c16k3p_f64",
      "nas_c16k3p_c32k3p_f128",       "nas_c8k5p_f32",
      "nas_c16k3_c16k3rp_c32k3p_f64", "nas_c12k3p_c24k5p_f96_f48"};
  return a;
}

std::uint64_t method_hash(const std::string& m) {
  std::uint64_t h = 1469598103934665603ull;
  for (char ch : m) h = (h ^ static_cast<unsigned char>(ch)) * 1099511628211ull;
  return h;
}

}  // namespace

// ------------------------------------------------------------------------------- the search

void run_nas(const NasOptions& o, const accel::Accelerator& acc, const data::Split& train,
             const data::Split& test, const std::string& work, NasState& state,
             const std::function<void(const NasState&)>& checkpoint,
             const std::function<void(const std::string&, double)>& progress, Workers* workers) {
  check_options(o);
  InTurn in_turn;
  Workers& w = workers != nullptr ? *workers : in_turn;
  if (acc.energy.catalog.empty())
    throw Error("accelerator '" + acc.name + "' has no multiplier catalog: use an axpod YAML one");
  Context cx{o, acc, train, test, work, exact_multiplier(acc), {}, {}, 0};
  // The common candidates: spread over the catalog's signed multipliers cheaper than exact.
  const auto all = candidate_multipliers(acc, cx.exact, "");
  const std::size_t k =
      std::min<std::size_t>(static_cast<std::size_t>(o.multiplier_choices), all.size());
  for (std::size_t i = 0; i < k; ++i) cx.cands.push_back(all[i * all.size() / k]);
  cx.energies = analytical::MultiplierEnergies(acc.energy.catalog);
  cx.vbegin = validation_begin(train);
  std::filesystem::create_directories(work + "/cands");
  if (state.methods.empty())
    for (const auto& m : o.methods) state.methods.push_back(NasMethod{m, {}, {}, 0, 0, false});
  const double budget_s = o.budget_minutes * 60.0 / static_cast<double>(o.methods.size());
  const bool robust = o.robust_eps > 0;
  for (const auto& m : state.methods)
    if (m.method != "xai-nas" && m.method != "nsga2")
      throw Error("unknown search method '" + m.method + "'");
  // The whole search's progress (0..1) while method `now` has spent `now_s` seconds: the time
  // all methods spent against the whole budget, or their generations against all generations.
  const auto search_done = [&](const NasMethod& now, double now_s) {
    double spent = 0, gens = 0;
    for (const auto& m : state.methods) {
      spent += &m == &now ? now_s : m.seconds;
      gens += m.generation;
    }
    const double n = static_cast<double>(state.methods.size());
    return std::min(1.0, budget_s > 0
                             ? spent / (budget_s * n)
                             : gens / (n * static_cast<double>(std::max<long>(1, o.generations))));
  };
  // One step of a method: its initial population, or one generation, or (out of time or
  // generations) marking it done; false when there was nothing to do.
  const auto advance = [&](NasMethod& m) -> bool {
    const auto t0 = std::chrono::steady_clock::now();
    const double s0 = m.seconds;
    const auto elapsed = [&] {
      return s0 + std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    const auto time_up = [&] { return budget_s > 0 && elapsed() >= budget_s; };
    const auto out_of_time = [&] {
      return time_up() || (o.generations > 0 && m.generation >= o.generations);
    };
    // Evaluates a batch of candidates (a generation) on the workers; their ids follow on.
    struct Spec {
      nas::Arch arch;
      std::vector<int> genes;
      int generation = 0;
      std::optional<NasCandidate> parent;
    };
    const auto add_all = [&](const std::vector<Spec>& specs) {
      const int first = static_cast<int>(m.evaluated.size());
      std::vector<double> arrived(specs.size(), 0);  // rank 0's clock when each result came
      const auto results = w.map(
          specs.size(),
          [&](std::size_t i) {
            const Spec& sp = specs[i];
            return candidate_json(evaluate(cx, m.method, first + static_cast<int>(i), sp.generation,
                                           sp.arch, sp.genes, sp.parent ? &*sp.parent : nullptr))
                .dump();
          },
          [&](std::size_t i, const std::string& r) {
            arrived[i] = elapsed();
            if (!progress) return;
            const auto j = json::Json::parse(r);
            progress(fmt::format("{} gen {} #{}: {} {:.2f} %", m.method, specs[i].generation,
                                 first + static_cast<int>(i), j.at("arch").get<std::string>(),
                                 100 * j.at("accuracy").get<double>()),
                     search_done(m, elapsed()));
          });
      // A candidate's time is its method's search time on rank 0's clock when it was done.
      arrived = json::Json::parse(w.share(json::Json(arrived).dump())).get<std::vector<double>>();
      std::vector<int> ids;
      for (std::size_t i = 0; i < results.size(); ++i) {
        ids.push_back(static_cast<int>(m.evaluated.size()));
        m.evaluated.push_back(candidate_from_json(json::Json::parse(results[i])));
        m.evaluated.back().seconds = arrived[i];
      }
      return ids;
    };
    if (m.evaluated.empty()) {
      std::mt19937_64 rng(o.seed ^ method_hash(m.method));
      std::vector<Spec> specs;
      for (int i = 0; i < o.population; ++i) {
        nas::Arch a =
            nas::parse_arch(initial_archs()[static_cast<std::size_t>(i) % initial_archs().size()]);
        if (i >= static_cast<int>(initial_archs().size()))
          a = nas::apply_move(a, static_cast<int>(rng() % 4),
                              static_cast<nas::Move>(rng() % nas::kMoves));
        // NSGA-II: half the initial population starts exact, half with random multipliers.
        std::vector<int> g;
        if (m.method == "nsga2")
          for (std::size_t l = 0; l < nas::mac_layers(a).size(); ++l)
            g.push_back(i % 2 == 0 ? 0 : static_cast<int>(rng() % (cx.cands.size() + 1)));
        specs.push_back({std::move(a), std::move(g), 0, std::nullopt});
      }
      m.population = add_all(specs);
      m.seconds = elapsed();
      return true;
    }
    // Rank 0's clock decides. A resume with a larger budget continues a done method.
    if (w.decide(out_of_time())) {
      if (m.done) return false;
      m.done = true;
      return true;
    }
    m.done = false;
    {
      ++m.generation;
      std::mt19937_64 rng((o.seed ^ method_hash(m.method)) + 1000003ull * m.generation);
      std::vector<Spec> specs;
      for (int i = 0; i < o.population; ++i) {
        int parent;
        if (m.method == "xai-nas") {
          parent = m.population[static_cast<std::size_t>(i) % m.population.size()];
        } else {  // binary tournament on the population's order (best first)
          const auto a = rng() % m.population.size(), b = rng() % m.population.size();
          parent = m.population[std::min(a, b)];
        }
        const auto& pc = m.evaluated[static_cast<std::size_t>(parent)];
        const nas::Arch pa = nas::parse_arch(pc.arch);
        nas::Arch child = pa;
        std::vector<int> cg;
        if (m.method == "xai-nas") {
          // Shrink (or approximate, through its XAI-Gen assignment) the least important layer;
          // widen the most important one.
          const int least = mac_index(pa, pc.order.front());
          const int most = mac_index(pa, pc.order.back());
          child = nas::apply_move(child, most, rng() % 2 ? nas::Move::kWiden : nas::Move::kKernel);
          child = nas::apply_move(child, least, nas::Move::kShrink);
          if (rng() % 10 < 3)
            child = nas::apply_move(child, static_cast<int>(rng() % nas::mac_layers(child).size()),
                                    static_cast<nas::Move>(rng() % nas::kMoves));
        } else {
          // Crossover with a second tournament parent (probability 0.9), then one random move;
          // multiplier genes go with their layers through the crossover and follow the layers by
          // position through the move.
          cg = pc.genes;
          if (rng() % 10 < 9) {
            const auto a2 = rng() % m.population.size(), b2 = rng() % m.population.size();
            const auto& qc = m.evaluated[static_cast<std::size_t>(m.population[std::min(a2, b2)])];
            const nas::Arch qa = nas::parse_arch(qc.arch);
            const auto na = pa.convs.size(), nb = qa.convs.size();
            const auto cut_a = 1 + rng() % na, cut_b = rng() % (nb + 1);
            const bool fcs_from_q = rng() % 2 == 0;
            child = nas::crossover(pa, qa, static_cast<int>(cut_a), static_cast<int>(cut_b),
                                   fcs_from_q);
            const auto gene = [](const NasCandidate& c, std::size_t i) {
              return i < c.genes.size() ? c.genes[i] : 0;
            };
            cg.clear();
            for (std::size_t i = 0; i < cut_a; ++i) cg.push_back(gene(pc, i));
            for (std::size_t i = cut_b; i < nb; ++i) cg.push_back(gene(qc, i));
            cg.resize(child.convs.size(), 0);  // the repair keeps at most kMaxConvs blocks
            const auto& donor = fcs_from_q ? qc : pc;
            const auto donor_convs = fcs_from_q ? nb : na;
            for (std::size_t i = 0; i <= child.fcs.size(); ++i)  // hidden layers and the output
              cg.push_back(gene(donor, donor_convs + i));
          }
          child = nas::apply_move(child, static_cast<int>(rng() % nas::mac_layers(child).size()),
                                  static_cast<nas::Move>(rng() % nas::kMoves));
          // Each gene mutates with prob. 1/L.
          const auto n = nas::mac_layers(child).size();
          cg.resize(n, 0);
          for (auto& gm : cg)
            if (rng() % n == 0) gm = static_cast<int>(rng() % (cx.cands.size() + 1));
        }
        specs.push_back({std::move(child), std::move(cg), m.generation, pc});
      }
      const auto children = add_all(specs);
      std::vector<int> ids = m.population;
      ids.insert(ids.end(), children.begin(), children.end());
      std::vector<const NasCandidate*> pool;
      for (int id : ids) pool.push_back(&m.evaluated[static_cast<std::size_t>(id)]);
      const auto keep = select(pool, o.population, robust);
      m.population.clear();
      for (int k2 : keep) m.population.push_back(ids[static_cast<std::size_t>(k2)]);
      m.seconds = elapsed();
    }
    return true;
  };
  // The methods take turns, a step each, so that they share the machine's conditions (load,
  // noise) over the whole search; each keeps its own clock, the time of its own steps, against
  // its share of the budget. A checkpoint follows every step.
  for (bool moved = true; moved;) {
    moved = false;
    for (auto& m : state.methods)
      if (advance(m)) {
        moved = true;
        if (checkpoint) checkpoint(state);
      }
  }
}

// ------------------------------------------------------------------------------ the summary

std::vector<NasSummary> summarize(const NasState& s) {
  std::vector<NasSummary> out;
  if (s.methods.empty()) return out;
  bool robust = false;
  double e_ref = 0;
  for (const auto& m : s.methods)
    for (const auto& c : m.evaluated) {
      robust = robust || c.robust_accuracy > 0;
      e_ref = std::max(e_ref, c.energy_pj);
    }
  e_ref *= 1.05;
  // The baseline's best: its most accurate candidate (ties: the cheaper).
  const NasCandidate* target = nullptr;
  for (const auto& c : s.methods.back().evaluated)
    if (!target || c.accuracy > target->accuracy ||
        (c.accuracy == target->accuracy && c.energy_pj < target->energy_pj))
      target = &c;
  for (const auto& m : s.methods) {
    NasSummary r;
    r.method = m.method;
    r.evaluations = static_cast<int>(m.evaluated.size());
    r.seconds = m.seconds;
    std::vector<const NasCandidate*> pool;
    for (const auto& c : m.evaluated) pool.push_back(&c);
    std::vector<int> rank;
    std::vector<double> crowd;
    if (!pool.empty()) rank_and_crowd(pool, robust, rank, crowd);
    for (std::size_t i = 0; i < pool.size(); ++i)
      if (rank[i] == 0) r.front.push_back(*pool[i]);
    std::sort(r.front.begin(), r.front.end(),
              [](const auto& a, const auto& b) { return a.energy_pj < b.energy_pj; });
    // Hypervolume over (accuracy above 10 % chance, energy below the reference), normalised.
    std::vector<std::pair<double, double>> pts;  // energy, accuracy
    for (const auto& c : m.evaluated) pts.emplace_back(c.energy_pj / e_ref, c.accuracy);
    std::sort(pts.begin(), pts.end());
    double best_acc = 0.1, hv = 0;
    for (std::size_t i = 0; i < pts.size(); ++i) {
      best_acc = std::max(best_acc, pts[i].second);
      const double next = i + 1 < pts.size() ? pts[i + 1].first : 1.0;
      hv += (next - pts[i].first) * (best_acc - 0.1);
    }
    r.hypervolume = hv / 0.9;
    if (target) {
      double e = 0;
      for (const auto& c : m.evaluated) {
        if (c.accuracy >= target->accuracy && (e == 0 || c.energy_pj < e)) e = c.energy_pj;
        if (r.seconds_to_baseline_best < 0 && c.accuracy >= target->accuracy &&
            c.energy_pj <= target->energy_pj)
          r.seconds_to_baseline_best = c.seconds;
      }
      r.efficiency_inf_per_uj = e > 0 ? 1e6 / e : 0;
    }
    out.push_back(std::move(r));
  }
  return out;
}

// ------------------------------------------------------------------------------------ JSON

json::Json to_json(const NasState& s) {
  json::Json j;
  j["fingerprint"] = s.fingerprint;
  j["methods"] = json::Json::array();
  for (const auto& m : s.methods) {
    json::Json jm{{"method", m.method},         {"generation", m.generation},
                  {"seconds", m.seconds},       {"done", m.done},
                  {"population", m.population}, {"evaluated", json::Json::array()}};
    for (const auto& c : m.evaluated) jm["evaluated"].push_back(candidate_json(c));
    j["methods"].push_back(jm);
  }
  return j;
}

NasState state_from_json(const json::Json& j) {
  NasState s;
  try {
    s.fingerprint = j.at("fingerprint");
    for (const auto& jm : j.at("methods")) {
      NasMethod m;
      m.method = jm.at("method").get<std::string>();
      m.generation = jm.at("generation").get<int>();
      m.seconds = jm.at("seconds").get<double>();
      m.done = jm.at("done").get<bool>();
      m.population = jm.at("population").get<std::vector<int>>();
      for (const auto& jc : jm.at("evaluated")) m.evaluated.push_back(candidate_from_json(jc));
      for (int id : m.population)
        if (id < 0 || id >= static_cast<int>(m.evaluated.size()))
          throw Error("population names candidate " + std::to_string(id));
      s.methods.push_back(std::move(m));
    }
  } catch (const json::Json::exception& e) {
    throw Error(std::string("NAS checkpoint: ") + e.what());
  }
  return s;
}

std::string network_yaml(const std::string& arch_name) {
  const nas::Arch a = nas::parse_arch(arch_name);
  std::string y = fmt::format(
      "# XAI-NAS architecture {} (axpod YAML network)\nname: {}\nbatch: 1\ninput: [28, 28, "
      "1]\nlayers:\n",
      arch_name, arch_name);
  for (std::size_t i = 0; i < a.convs.size(); ++i) {
    const auto& b = a.convs[i];
    y += fmt::format(
        "  - {{name: conv{}, type: conv, kernel: {}, filters: {}, stride: 1, pad: {}}}\n", i + 1,
        b.kernel, b.width, b.kernel / 2);
    if (b.residual) y += fmt::format("  - {{name: add{}, type: add}}\n", i + 1);
    if (b.pool) y += fmt::format("  - {{name: pool{}, type: pool, kernel: 2, stride: 2}}\n", i + 1);
  }
  for (std::size_t i = 0; i < a.fcs.size(); ++i)
    y += fmt::format("  - {{name: fc{}, type: fc, out: {}}}\n", i + 1, a.fcs[i]);
  y += fmt::format("  - {{name: fc{}, type: fc, out: {}}}\n", a.fcs.size() + 1, nas::kClasses);
  return y;
}

// ----------------------------------------------------------------------------------- outputs

namespace {

std::string pct(double v) {
  return fmt::format("{:.2f}", 100 * v);
}

std::string pareto_csv(const std::vector<NasSummary>& sums) {
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

std::string report_md(const NasState& st, const std::vector<NasSummary>& sums, const NasOptions& o,
                      const std::string& accel, const NasCandidate* best) {
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
      "crosses two tournament parents (probability 0.9; each layer keeps its multiplier gene), "
      "then mutates the architecture and each multiplier gene with probability 1/L. Both select "
      "by non-dominated sorting and crowding over accuracy, energy{}. The methods take turns a "
      "generation each; each counts its own generations' time.\n\n"
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

std::string write_nas_outputs(const NasState& state, const NasOptions& o,
                              const accel::Accelerator& acc, const std::string& dir) {
  const auto sums = summarize(state);
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
    std::vector<const NasCandidate*> by_energy;
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
  const NasCandidate* best = nullptr;
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
    fs::write_file_atomic(dir + "/best_network.yaml", network_yaml(best->arch));
    fs::write_file_atomic(
        dir + "/assignment.yaml",
        assignment_yaml(best->assign, exact_multiplier(acc),
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
  return md;
}

}  // namespace axpod::host
