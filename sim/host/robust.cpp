#include "robust.h"

#include <algorithm>
#include <cmath>

#include "common/error.h"
#include "engine/infer.h"
#include "torch_backend.h"

namespace axpod::host {

void check_options(const RobustOptions& o) {
  if (o.method != "fgsm" && o.method != "pgd")
    throw Error("--method '" + o.method + "': expected fgsm or pgd");
  if (o.eps.empty()) throw Error("--eps: give at least one value");
  for (double e : o.eps)
    if (!(e >= 0 && e <= 1)) throw Error("--eps values must lie in [0, 1] (pixel units)");
  if (o.steps < 1 || o.steps > 1000) throw Error("--steps must lie in [1, 1000]");
  if (o.images < 1) throw Error("--limit must be at least 1");
  if (o.begin < 0) throw Error("the first image must not be negative");
  if (o.threads < 1 || o.threads > 256) throw Error("--threads must lie in [1, 256]");
}

Attacked attack_and_classify(const engine::Engine& eng,
                             const std::map<std::string, const mult::Table*>& tables,
                             const AttackOptions& ao, const data::Split& split, int begin,
                             int count, int threads) {
  Attacked r;
  r.attack = torch_backend().attack(ao, eng.net(), tables, split, begin, count);
  data::Split adv;
  adv.images.count = count;
  adv.images.rows = split.images.rows;
  adv.images.cols = split.images.cols;
  adv.images.pixels = r.attack.pixels;
  adv.labels.assign(split.labels.begin() + begin, split.labels.begin() + begin + count);
  r.accuracy = eng.accuracy(adv, 0, count, threads);
  return r;
}

RobustReport robust_accuracy(const TrainedModel& m, const Assignment& a, const std::string& exact,
                             const RobustOptions& o) {
  check_options(o);
  if (o.begin + o.images > m.test.images.count)
    throw Error("--limit: the test split has " + std::to_string(m.test.images.count) + " images");
  const auto tables = layer_tables(m.qnet, a, exact);
  engine::Engine eng(m.qnet);
  eng.assign_tables(tables.by_layer);
  RobustReport r;
  r.gradients = o.approx_gradients ? "approximate int8 forward (straight-through)" : "float model";
  r.clean_accuracy = eng.accuracy(m.test, o.begin, o.begin + o.images, o.threads);
  AttackOptions ao;
  ao.model = m.qnet.name;
  ao.weights_pt = m.prefix + ".pt";
  ao.method = o.method;
  ao.steps = o.steps;
  ao.approx_gradients = o.approx_gradients;
  ao.threads = o.threads;
  std::vector<double> eps = o.eps;
  std::sort(eps.begin(), eps.end());
  for (double e : eps) {
    ao.eps = e;
    auto res = attack_and_classify(eng, tables.by_layer, ao, m.test, o.begin, o.images, o.threads);
    r.points.push_back({e, res.accuracy, res.attack.loss_clean, res.attack.loss_adv});
    r.first_adv = std::move(res.attack.pixels);
  }
  return r;
}

}  // namespace axpod::host
