#include "gen.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <numeric>
#include <random>
#include <set>

#include "common/error.h"

namespace axpod::host {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

accel::Assignment to_accel(const Assignment& a, const std::string& exact) {
  accel::Assignment out;
  out.fallback = exact;
  for (const auto& [l, m] : a)
    if (!m.empty()) out.layers[l] = m;
  return out;
}

namespace {

/// Index of a layer's current multiplier in its candidate list `cl` (cl.size(): exact).
std::size_t position(const Assignment& a, const std::string& layer,
                     const std::vector<std::string>& cl) {
  const auto it = a.find(layer);
  if (it == a.end() || it->second.empty()) return cl.size();
  return static_cast<std::size_t>(std::find(cl.begin(), cl.end(), it->second) - cl.begin());
}

bool within(const Evaluation& e, double acc0, double budget_pct) {
  return 100.0 * (acc0 - e.accuracy) <= budget_pct + 1e-9;
}

}  // namespace

Evaluator::Evaluator(const engine::QNet& net, accel::Accelerator acc,
                     analytical::MultiplierEnergies energies, const data::Split& split, int begin,
                     int count, int threads, std::string exact)
    : m_net(net),
      m_workload(net.workload()),
      m_model(std::move(acc), std::move(energies)),
      m_split(split),
      m_begin(begin),
      m_count(count),
      m_threads(threads),
      m_exact(std::move(exact)) {
  for (const auto& op : net.ops)
    if (op.is_mac()) m_layers.push_back(op.name);
}

std::vector<std::string> Evaluator::ordered(const std::string& layer,
                                            const std::vector<std::string>& candidates) const {
  std::vector<std::pair<double, std::string>> keyed;
  for (const auto& c : candidates) keyed.emplace_back(m_model.energies().fj(c, layer), c);
  if (const auto it = m_layer_candidates.find(layer); it != m_layer_candidates.end())
    for (const auto& c : it->second) keyed.emplace_back(m_model.energies().fj(c, layer), c);
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (const auto& [fj, c] : keyed) out.push_back(c);
  return out;
}

std::string Evaluator::key(const Assignment& a) {
  std::string k;
  for (const auto& [l, m] : a)
    if (!m.empty()) k += l + "=" + m + ";";
  return k;
}

Evaluation Evaluator::energy(const Assignment& a) const {
  const auto r = m_model.run(m_workload, to_accel(a, m_exact));
  Evaluation e;
  e.assign = a;
  e.energy_pj = r.energy.total();
  e.mult_energy_pj = r.energy.mult;
  e.cycles = r.cycles;
  return e;
}

const Evaluation& Evaluator::evaluate(const Assignment& a) {
  Assignment clean;
  for (const auto& [l, m] : a)
    if (!m.empty() && m != m_exact) clean[l] = m;
  const std::string k = key(clean);
  const auto it = m_cache.find(k);
  if (it != m_cache.end()) return it->second;
  Evaluation e = energy(clean);
  engine::Engine eng(m_net);
  eng.assign(clean);
  e.accuracy = eng.accuracy(m_split, m_begin, m_begin + m_count, m_threads);
  ++m_evals;
  return m_cache.emplace(k, std::move(e)).first->second;
}

std::vector<Evaluation> Evaluator::history() const {
  std::vector<Evaluation> out;
  for (const auto& [k, e] : m_cache) out.push_back(e);
  return out;
}

SearchResult greedy_by_order(Evaluator& ev, const std::vector<std::string>& order,
                             const std::vector<std::string>& candidates, double budget_pct,
                             const std::string& method, const Assignment& start) {
  const auto t0 = std::chrono::steady_clock::now();
  const int e0 = ev.evaluations();
  const double acc0 = ev.reference();
  Assignment cur = start;
  // Pass 1, least important layer first: the cheapest multiplier (cheaper than the layer's
  // current one) within the budget. Pass 2, same order: what later layers left of the budget may
  // buy earlier ones a cheaper multiplier.
  for (int pass = 0; pass < 2; ++pass)
    for (const auto& layer : order) {
      const auto cl = ev.ordered(layer, candidates);
      const std::size_t pos = position(cur, layer, cl);
      for (std::size_t c = 0; c < pos; ++c) {
        Assignment trial = cur;
        trial[layer] = cl[c];
        if (within(ev.evaluate(trial), acc0, budget_pct)) {
          cur = trial;
          break;
        }
      }
    }
  return {method, ev.evaluate(cur), ev.evaluations() - e0, seconds_since(t0), ""};
}

SearchResult repair_search(Evaluator& ev, const std::vector<std::string>& order,
                           const std::vector<std::string>& candidates, double budget_pct,
                           const std::string& method, const Assignment& start) {
  const auto t0 = std::chrono::steady_clock::now();
  const int e0 = ev.evaluations();
  const double acc0 = ev.reference();
  Assignment cur = start;
  while (!within(ev.evaluate(cur), acc0, budget_pct)) {
    // Every single-layer change to a more accurate (more expensive) multiplier, exact included;
    // the best accuracy gained per energy spent wins. A network tuned for this region need not
    // get better towards exact, so only changes that gain accuracy are taken.
    const Evaluation now = ev.evaluate(cur);
    double best_score = 0;
    Assignment best;
    for (const auto& layer : order) {
      const auto cl = ev.ordered(layer, candidates);
      for (std::size_t c = position(cur, layer, cl) + 1; c <= cl.size(); ++c) {
        Assignment trial = cur;
        trial[layer] = c < cl.size() ? cl[c] : "";
        const Evaluation& e = ev.evaluate(trial);
        const double gain = e.accuracy - now.accuracy;
        const double score = gain / std::max(e.energy_pj - now.energy_pj, 1e-9);
        if (gain > 0 && score > best_score) {
          best_score = score;
          best = trial;
        }
      }
    }
    if (best_score <= 0) break;  // nothing gains accuracy: the budget cannot be reached from here
    cur = best;
  }
  auto r = greedy_by_order(ev, order, candidates, budget_pct, method, cur);
  r.evaluations = ev.evaluations() - e0;
  r.seconds = seconds_since(t0);
  return r;
}

SearchResult uniform_search(Evaluator& ev, const std::vector<std::string>& candidates,
                            double budget_pct) {
  const auto t0 = std::chrono::steady_clock::now();
  const int e0 = ev.evaluations();
  const double acc0 = ev.reference();
  Evaluation best = ev.exact();
  for (const auto& c : candidates) {
    Assignment a;
    for (const auto& l : ev.mac_layers()) a[l] = c;
    const auto& e = ev.evaluate(a);
    if (within(e, acc0, budget_pct)) {
      best = e;
      break;
    }
  }
  return {"uniform", best, ev.evaluations() - e0, seconds_since(t0), ""};
}

SearchResult random_search(Evaluator& ev, const std::vector<std::string>& candidates,
                           double budget_pct, int tries, std::uint64_t seed) {
  const auto t0 = std::chrono::steady_clock::now();
  const int e0 = ev.evaluations();
  const double acc0 = ev.reference();
  std::mt19937_64 rng(seed);
  Evaluation best = ev.exact();
  for (int t = 0; t < tries; ++t) {
    Assignment a;
    for (const auto& l : ev.mac_layers()) {
      const std::size_t pick = rng() % (candidates.size() + 1);
      if (pick < candidates.size()) a[l] = candidates[pick];
    }
    const auto& e = ev.evaluate(a);
    if (within(e, acc0, budget_pct) && e.energy_pj < best.energy_pj) best = e;
  }
  return {"random", best, ev.evaluations() - e0, seconds_since(t0),
          std::to_string(tries) + " samples"};
}

SearchResult exhaustive_search(Evaluator& ev, const std::vector<std::string>& candidates,
                               double budget_pct, std::size_t subset, std::size_t limit) {
  const auto t0 = std::chrono::steady_clock::now();
  const int e0 = ev.evaluations();
  const double acc0 = ev.reference();
  std::vector<std::string> opts(candidates.begin(),
                                candidates.begin() + std::min(subset, candidates.size()));
  opts.insert(opts.begin(), "");
  const std::size_t layers = ev.mac_layers().size();
  double combos = std::pow(static_cast<double>(opts.size()), static_cast<double>(layers));
  if (combos > static_cast<double>(limit))
    return {"exhaustive", ev.exact(), 0, 0.0,
            "skipped: " + std::to_string(static_cast<long long>(combos)) + " assignments > limit " +
                std::to_string(limit)};
  Evaluation best = ev.exact();
  std::vector<std::size_t> digit(layers, 0);
  for (std::size_t n = 0; n < static_cast<std::size_t>(combos); ++n) {
    Assignment a;
    for (std::size_t l = 0; l < layers; ++l)
      if (!opts[digit[l]].empty()) a[ev.mac_layers()[l]] = opts[digit[l]];
    const auto& e = ev.evaluate(a);
    if (within(e, acc0, budget_pct) && e.energy_pj < best.energy_pj) best = e;
    for (std::size_t l = 0; l < layers && ++digit[l] == opts.size(); ++l) digit[l] = 0;
  }
  return {"exhaustive", best, ev.evaluations() - e0, seconds_since(t0),
          std::to_string(opts.size() - 1) + " cheapest multipliers + exact per layer"};
}

std::vector<std::pair<std::string, double>> sensitivity_drops(Evaluator& ev,
                                                              const std::string& probe) {
  const double acc0 = ev.reference();
  std::vector<std::pair<std::string, double>> drops;
  for (const auto& l : ev.mac_layers())
    drops.emplace_back(l, 100.0 * (acc0 - ev.evaluate({{l, probe}}).accuracy));
  return drops;
}

std::vector<std::string> sensitivity_order(Evaluator& ev, const std::string& probe) {
  auto drops = sensitivity_drops(ev, probe);
  std::stable_sort(drops.begin(), drops.end(),
                   [](const auto& a, const auto& b) { return a.second < b.second; });
  std::vector<std::string> order;
  for (const auto& d : drops) order.push_back(d.first);
  return order;
}

std::vector<Evaluation> pareto_front(const std::vector<Evaluation>& all) {
  std::vector<Evaluation> sorted = all;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return a.energy_pj < b.energy_pj || (a.energy_pj == b.energy_pj && a.accuracy > b.accuracy);
  });
  std::vector<Evaluation> front;
  double best_acc = -1;
  for (const auto& e : sorted)
    if (e.accuracy > best_acc) {
      front.push_back(e);
      best_acc = e.accuracy;
    }
  return front;
}

SearchResult nsga2_search(Evaluator& ev, const std::vector<std::string>& candidates,
                          double budget_pct, int population, int generations, std::uint64_t seed) {
  const auto t0 = std::chrono::steady_clock::now();
  const int e0 = ev.evaluations();
  const double acc0 = ev.reference();
  const std::size_t L = ev.mac_layers().size();
  const std::size_t G = candidates.size() + 1;  // gene 0 = exact
  std::mt19937_64 rng(seed);
  using Genome = std::vector<std::size_t>;
  const auto to_assign = [&](const Genome& g) {
    Assignment a;
    for (std::size_t l = 0; l < L; ++l)
      if (g[l] > 0) a[ev.mac_layers()[l]] = candidates[g[l] - 1];
    return a;
  };
  struct Ind {
    Genome g;
    double f1, f2;  // energy, accuracy loss (both minimised)
    int rank = 0;
    double crowd = 0;
  };
  const auto score = [&](Ind& ind) {
    const auto& e = ev.evaluate(to_assign(ind.g));
    ind.f1 = e.energy_pj;
    ind.f2 = acc0 - e.accuracy;
  };
  const auto dominates = [](const Ind& a, const Ind& b) {
    return a.f1 <= b.f1 && a.f2 <= b.f2 && (a.f1 < b.f1 || a.f2 < b.f2);
  };
  const auto sort_nsga = [&](std::vector<Ind>& pop) {
    // Fast non-dominated sorting and crowding distance (Deb et al. 2002).
    const std::size_t n = pop.size();
    std::vector<std::vector<std::size_t>> dominated(n);
    std::vector<int> count(n, 0);
    std::vector<std::vector<std::size_t>> fronts(1);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        if (dominates(pop[i], pop[j]))
          dominated[i].push_back(j);
        else if (dominates(pop[j], pop[i]))
          ++count[i];
      }
      if (count[i] == 0) {
        pop[i].rank = 0;
        fronts[0].push_back(i);
      }
    }
    for (std::size_t f = 0; !fronts[f].empty(); ++f) {
      std::vector<std::size_t> next;
      for (auto i : fronts[f])
        for (auto j : dominated[i])
          if (--count[j] == 0) {
            pop[j].rank = static_cast<int>(f) + 1;
            next.push_back(j);
          }
      fronts.push_back(next);
    }
    for (auto& ind : pop) ind.crowd = 0;
    for (const auto& front : fronts) {
      if (front.size() < 3) {
        for (auto i : front) pop[i].crowd = 1e300;
        continue;
      }
      for (int obj = 0; obj < 2; ++obj) {
        std::vector<std::size_t> f = front;
        const auto val = [&](std::size_t i) { return obj == 0 ? pop[i].f1 : pop[i].f2; };
        std::sort(f.begin(), f.end(), [&](auto a, auto b) { return val(a) < val(b); });
        const double span = std::max(1e-12, val(f.back()) - val(f.front()));
        pop[f.front()].crowd = pop[f.back()].crowd = 1e300;
        for (std::size_t k = 1; k + 1 < f.size(); ++k)
          pop[f[k]].crowd += (val(f[k + 1]) - val(f[k - 1])) / span;
      }
    }
  };
  const auto better = [](const Ind& a, const Ind& b) {
    return a.rank < b.rank || (a.rank == b.rank && a.crowd > b.crowd);
  };
  std::vector<Ind> pop(static_cast<std::size_t>(population));
  for (std::size_t i = 0; i < pop.size(); ++i) {
    pop[i].g.resize(L);
    for (auto& x : pop[i].g) x = i == 0 ? 0 : rng() % G;  // include the exact design
    score(pop[i]);
  }
  sort_nsga(pop);
  for (int gen = 0; gen < generations; ++gen) {
    std::vector<Ind> kids;
    while (kids.size() < pop.size()) {
      const auto pick = [&]() -> const Ind& {
        const Ind& a = pop[rng() % pop.size()];
        const Ind& b = pop[rng() % pop.size()];
        return better(a, b) ? a : b;
      };
      Ind c;
      const Ind& p1 = pick();
      const Ind& p2 = pick();
      c.g.resize(L);
      for (std::size_t l = 0; l < L; ++l)
        c.g[l] = (rng() % 2) ? p1.g[l] : p2.g[l];  // uniform crossover
      for (auto& x : c.g)
        if (rng() % L == 0) x = rng() % G;  // mutation, rate 1 / L
      score(c);
      kids.push_back(c);
    }
    pop.insert(pop.end(), kids.begin(), kids.end());
    sort_nsga(pop);
    std::sort(pop.begin(), pop.end(), better);
    pop.resize(static_cast<std::size_t>(population));
  }
  Evaluation best = ev.exact();
  for (const auto& ind : pop) {
    const auto& e = ev.evaluate(to_assign(ind.g));
    if (within(e, acc0, budget_pct) && e.energy_pj < best.energy_pj) best = e;
  }
  return {"nsga2", best, ev.evaluations() - e0, seconds_since(t0),
          "population " + std::to_string(population) + ", " + std::to_string(generations) +
              " generations"};
}

}  // namespace axpod::host
