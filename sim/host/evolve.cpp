#include "evolve.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "common/error.h"
#include "common/fs.h"
#include "common/json.h"
#include "common/plot.h"
#include "common/text.h"
#include "engine/infer.h"
#include "mult/lut_file.h"
#include "mult/metrics.h"
#include "mult/registry.h"
#include "mult/table.h"
#include "mult/verilog_import.h"
#include "operand_energy.h"

namespace axpod::host {

namespace cgp = mult::cgp;

mult::cgp::Operands layer_operands(const engine::QNet& qnet, const data::Split& split, int begin,
                                   int images, const std::string& layer, std::size_t stream_pairs) {
  if (images < 1 || begin < 0 || begin + images > split.images.count)
    throw Error("layer operands: images out of the split");
  const engine::Engine eng(qnet);
  const std::size_t px = static_cast<std::size_t>(split.images.rows) * split.images.cols;
  cgp::Operands ops;
  ops.is_signed = true;  // int8 activations and weights
  ops.weight.assign(65536, 0.0);
  for (int i = 0; i < images; ++i) {
    std::vector<engine::MacTrace> tr;
    eng.run(eng.quantize_image(split.images.pixels.data() + (begin + i) * px).data(), &tr);
    const auto it =
        std::find_if(tr.begin(), tr.end(), [&](const auto& t) { return t.op == layer; });
    if (it == tr.end()) {
      std::vector<std::string> names;
      for (const auto& t : tr) names.push_back(t.op);
      const std::string near = text::closest(layer, names);
      throw Error("network '" + qnet.name + "' has no MAC layer '" + layer + "'" +
                  (near.empty() ? "" : " (did you mean '" + near + "'?)") +
                  "; its MAC layers: " + fmt::format("{}", fmt::join(names, ", ")));
    }
    const engine::MacTrace& t = *it;
    // Every product x[m][k] * w[k][n]: per k, the activation histogram times the weight one.
    std::vector<double> hx(256), hw(256);
    for (std::int64_t k = 0; k < t.k; ++k) {
      std::fill(hx.begin(), hx.end(), 0.0);
      std::fill(hw.begin(), hw.end(), 0.0);
      for (std::int64_t m = 0; m < t.m; ++m) hx[static_cast<std::uint8_t>(t.x[m * t.k + k])] += 1;
      for (std::int64_t n = 0; n < t.n; ++n) hw[static_cast<std::uint8_t>(t.w[k * t.n + n])] += 1;
      for (int a = 0; a < 256; ++a) {
        if (hx[a] == 0) continue;
        for (int b = 0; b < 256; ++b)
          if (hw[b] != 0) ops.weight[(static_cast<std::size_t>(a) << 8) | b] += hx[a] * hw[b];
      }
    }
    const auto part = layer_stream(t, stream_pairs / static_cast<std::size_t>(images));
    ops.stream.a.insert(ops.stream.a.end(), part.a.begin(), part.a.end());
    ops.stream.b.insert(ops.stream.b.end(), part.b.begin(), part.b.end());
  }
  ops.stream.description =
      fmt::format("{} weight-stationary stream ({} pairs)", layer, ops.stream.a.size());
  ops.description = fmt::format(
      "layer {} of {} on {} training images: every product's operand pair weighed by how often "
      "it occurs; energy on the {}",
      layer, qnet.name, images, ops.stream.description);
  return ops;
}

void check_config(const EvolveConfig& c) {
  cgp::parse_error_bound(c.max_error);
  const bool file = !c.operands_file.empty(), model = !c.model.empty();
  if (file && model) throw Error("give --operands or --model, not both");
  if (model && c.layer.empty()) throw Error("--model needs --layer (a MAC layer's name)");
  if (!model && !c.layer.empty()) throw Error("--layer needs --model");
  if (c.images < 1 || c.images > 10000) throw Error("--images must be in 1..10000");
  const auto& s = c.search;
  if (s.lambda < 1 || s.lambda > 64) throw Error("--lambda must be in 1..64");
  if (s.max_mutations < 1 || s.max_mutations > 100) throw Error("--mutations must be in 1..100");
  if (!(s.seconds >= 0) || !std::isfinite(s.seconds) || s.seconds > 7 * 24 * 3600.0)
    throw Error("--minutes must be a number of minutes, at most a week");
  if (s.generations < 0) throw Error("--generations must not be negative");
  if (s.generations == 0 && s.seconds == 0) throw Error("give --minutes or --generations");
  if (c.extra_nodes < -1 || c.extra_nodes > 100000)
    throw Error("--extra-nodes must be in 0..100000");
  if (c.front_points < 0 || c.front_points > 10) throw Error("--front-points must be in 0..10");
  if (!mult::verilog_identifier(c.module))
    throw Error("--module '" + c.module + "' is not a Verilog identifier");
  if (!c.compare_dir.empty() && !std::filesystem::is_directory(c.compare_dir))
    throw Error("--compare '" + c.compare_dir + "' is not a folder");
}

namespace {

struct Seed {
  std::string name;  // canonical
  bool is_signed = false;
  mult::Netlist netlist;
};

/// Whether a multiplier takes two's complement operands (a `verilog:` name says so without
/// synthesizing it).
bool signed_multiplier(const std::string& canonical) {
  return canonical.rfind("verilog:", 0) == 0
             ? mult::parse_verilog_name(canonical).is_signed
             : mult::Registry::instance().create(canonical).info.is_signed;
}

Seed seed_netlist(const std::string& name, const mult::GateLibrary& lib) {
  Seed s;
  s.name = mult::Registry::instance().canonical(name);
  auto nl = mult::gate_netlist(s.name, lib);
  if (!nl)
    throw Error("'" + s.name +
                "' has no gate netlist to start from (no RTL twin): use a multiplier with RTL "
                "(e.g. exact:signed=1, trunc_op:k=2,signed=1) or a verilog: one");
  s.netlist = std::move(*nl);
  s.is_signed = signed_multiplier(s.name);
  return s;
}

ComparePoint measure(const std::string& name, const std::string& source,
                     const std::vector<mult::product_t>& table, const mult::Netlist& netlist,
                     const cgp::Operands& ops, const cgp::ErrorBound& bound,
                     const mult::GateLibrary& lib) {
  ComparePoint p;
  p.name = name;
  p.source = source;
  p.error = cgp::table_error(table, ops, bound.measure);
  const auto cost = mult::hardware_cost(netlist, lib, ops.stream);
  p.energy_fj = cost.energy_fj;
  p.area_ge = cost.area_ge;
  p.within_bound = p.error <= bound.limit;
  return p;
}

/// Catalog multipliers of the seed's signedness that have a netlist, measured on the operands
/// (Yosys runs on two threads).
std::vector<ComparePoint> compare_catalog(const std::string& catalog, bool is_signed,
                                          const cgp::Operands& ops, const cgp::ErrorBound& bound,
                                          const mult::GateLibrary& lib) {
  const auto& reg = mult::Registry::instance();
  std::vector<std::string> names;
  for (const auto& row : mult::read_catalog(catalog)) {
    if ((row.at("signed") == "1") != is_signed) continue;
    const std::string canon = reg.canonical(row.at("name"));
    if (canon.rfind("verilog:", 0) == 0 || reg.verilog_twin(canon)) names.push_back(canon);
  }
  std::vector<ComparePoint> out(names.size());
  std::vector<std::string> errors(names.size());
  std::size_t next = 0;
  std::mutex mu;
  const auto work = [&] {
    for (;;) {
      std::size_t i;
      {
        const std::lock_guard<std::mutex> lock(mu);
        if (next == names.size()) return;
        i = next++;
      }
      try {
        const mult::Table table(*reg.create(names[i]).model);
        const auto nl = mult::gate_netlist(names[i], lib);  // chosen to have one
        out[i] = measure(names[i], "catalog", table.products(), *nl, ops, bound, lib);
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    }
  };
  std::thread helper(work);
  work();
  helper.join();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (!errors[i].empty()) throw Error("catalog multiplier '" + names[i] + "': " + errors[i]);
  return out;
}

/// Every *.v in `dir` (sorted) as a `verilog:` multiplier. EvoApprox8b's mul8s_*/mul8u_* names
/// say their signedness; files of the other signedness are skipped.
std::vector<ComparePoint> compare_folder(const std::string& dir, bool is_signed,
                                         const cgp::Operands& ops, const cgp::ErrorBound& bound,
                                         const mult::GateLibrary& lib,
                                         std::vector<std::string>& skipped) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".v") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  std::vector<ComparePoint> out;
  for (const auto& f : files) {
    const std::string stem = std::filesystem::path(f).stem().string();
    if ((is_signed && stem.rfind("mul8u", 0) == 0) || (!is_signed && stem.rfind("mul8s", 0) == 0)) {
      skipped.push_back(f + ": other signedness than the seed");
      continue;
    }
    const std::string name =
        "verilog:" + std::filesystem::absolute(f).string() + (is_signed ? ":signed=1" : "");
    try {
      const auto v = mult::load_verilog(name);
      out.push_back(measure(name, "folder", v->products, v->netlist, ops, bound, lib));
    } catch (const std::exception& e) {
      skipped.push_back(f + ": " + e.what());
    }
  }
  return out;
}

std::string num(double v, int digits) {
  return fmt::format("{:.{}f}", v, digits);
}

void write_plots(const EvolveReport& r, const std::string& work) {
  const auto m = r.bound.measure;
  const double seed_e = r.result.seed_fitness.energy_fj;
  plot::Series energy{"energy (% of seed)", {}, {}, true};
  plot::Series error{"error (% of bound)", {}, {}, true};
  for (const auto& s : r.result.history) {
    const double g = static_cast<double>(std::max<long>(1, s.generation));
    energy.x.push_back(g);
    energy.y.push_back(100.0 * s.best.energy_fj / seed_e);
    error.x.push_back(g);
    error.y.push_back(r.bound.limit > 0 ? 100.0 * s.best.error / r.bound.limit : 0.0);
  }
  plot::write(
      plot::scatter(fmt::format("CGP evolution from {}, bound {}", r.seed_name, r.bound.spec),
                    "generation", "percent", {energy, error}, true, false),
      work + "/evolution");
  std::vector<plot::Series> series;
  plot::Series cat{"catalog", {}, {}, false};
  plot::Series folder{"folder", {}, {}, false};
  // Far beyond the bound the chart would be all outliers: those stay in compare.csv only.
  const double x_max = 3 * r.bound.limit;
  std::size_t beyond = 0;
  for (const auto& p : r.compared) {
    if (r.bound.limit > 0 && p.error > x_max) {
      ++beyond;
      continue;
    }
    auto& s = p.source == "catalog" ? cat : folder;
    s.x.push_back(cgp::error_pct(m, p.error));
    s.y.push_back(p.energy_fj);
  }
  plot::Series front{"evolved front", {}, {}, true};
  for (const auto& f : r.result.front) {
    front.x.push_back(cgp::error_pct(m, f.fitness.error));
    front.y.push_back(f.fitness.energy_fj);
  }
  plot::Series best{
      "evolved.v", {cgp::error_pct(m, r.evolved.error)}, {r.evolved.energy_fj}, false};
  double ymax = seed_e;
  for (const auto& p : r.compared)
    if (r.bound.limit <= 0 || p.error <= x_max) ymax = std::max(ymax, p.energy_fj);
  plot::Series limit{"bound",
                     {cgp::error_pct(m, r.bound.limit), cgp::error_pct(m, r.bound.limit)},
                     {0.0, ymax},
                     true};
  if (!cat.x.empty()) series.push_back(cat);
  if (!folder.x.empty()) series.push_back(folder);
  series.push_back(front);
  series.push_back(best);
  series.push_back(limit);
  plot::write(
      plot::scatter(
          fmt::format("weighted error vs energy{}",
                      beyond ? fmt::format(" ({} beyond 3x the bound not shown)", beyond) : ""),
          fmt::format("{} (%)", cgp::measure_name(m)), "energy per multiply (fJ)", series, false,
          false),
      work + "/front");
}

}  // namespace

EvolveReport run_evolve(const EvolveConfig& c, const std::string& work,
                        const std::string& final_dir) {
  check_config(c);
  const bool is_signed = signed_multiplier(mult::Registry::instance().canonical(c.from));
  cgp::Operands ops;
  if (!c.operands_file.empty()) {
    ops = cgp::operands_from_stream(mult::read_operand_file(c.operands_file, is_signed), is_signed);
  } else if (!c.model.empty()) {
    if (!is_signed)
      throw Error("a network layer's operands are signed int8: start from a signed multiplier");
    const engine::QNet qnet = engine::load_qnet(c.model);
    const data::Split train = data::load_fashion_mnist(c.data_dir, "train");
    ops = layer_operands(qnet, train, 0, c.images, c.layer);
  } else {
    ops = cgp::uniform_operands(is_signed, 20000, 1);
  }
  return evolve_with_operands(c, ops, work, final_dir);
}

EvolveReport evolve_with_operands(const EvolveConfig& c, const cgp::Operands& ops,
                                  const std::string& work, const std::string& final_dir) {
  check_config(c);
  EvolveReport r;
  r.bound = cgp::parse_error_bound(c.max_error);
  const mult::GateLibrary lib = mult::load_gate_library(c.gates);
  Seed seed = seed_netlist(c.from, lib);
  r.seed_name = seed.name;
  r.is_signed = seed.is_signed;
  if (ops.is_signed != seed.is_signed)
    throw Error("the operands are " + std::string(ops.is_signed ? "signed" : "unsigned") +
                " but the seed multiplier '" + seed.name + "' is not");
  cgp::check_operands(ops, "operands");
  r.operands = ops.description;

  const auto fns = cgp::library_functions(lib);
  const int gates = static_cast<int>(seed.netlist.gates().size());
  const int extra = c.extra_nodes >= 0 ? c.extra_nodes : std::max(8, gates / 10);
  const cgp::Genome genome = cgp::from_netlist(seed.netlist, extra, fns, c.search.seed);
  r.error_pairs = cgp::Evaluator(ops, lib, r.bound).error_pairs();
  r.result = cgp::evolve_front(genome, ops, lib, r.bound, c.search, c.front_points);

  // The circuit, its table, and the same circuit back through Yosys as a `verilog:` multiplier.
  const std::string comment = fmt::format(
      "Evolved by axpod mult evolve (CGP) from {}\noperands: {}\nbound: {}; weighted error {:.6g} "
      "({:.4f}%), energy {:.2f} fJ on the operands, {} gates\nseed {} , {} generations, {} "
      "evaluations",
      r.seed_name, ops.description, r.bound.spec, r.result.best_fitness.error,
      cgp::error_pct(r.bound.measure, r.result.best_fitness.error), r.result.best_fitness.energy_fj,
      r.result.best_fitness.gates, c.search.seed, r.result.generations, r.result.evaluations);
  fs::write_file_atomic(work + "/evolved.v", cgp::to_verilog(r.result.best, c.module, comment));
  const auto all = mult::exhaustive_stream();
  const auto products = cgp::to_netlist(r.result.best, c.module).simulate(all.a, all.b).products;
  const mult::Table table(products);
  mult::write_lut_binary(table, work + "/evolved.bin");
  const std::string sig = seed.is_signed ? ":signed=1" : "";
  const auto work_abs = std::filesystem::absolute(work).string();
  const auto final_abs = std::filesystem::absolute(final_dir).string();
  const auto yosys = mult::load_verilog("verilog:" + work_abs + "/evolved.v" + sig);
  if (yosys->products != products)
    throw Error("internal: the written evolved.v does not reproduce the evolved circuit's table");
  r.evolved_name = "verilog:" + final_abs + "/evolved.v" + sig;
  r.evolved = measure(r.evolved_name, "evolved", products, yosys->netlist, ops, r.bound, lib);

  // Front circuits.
  std::filesystem::create_directories(work + "/front");
  std::string front_csv = "error,error_pct,energy_fj,area_ge,gates,verilog\n";
  for (std::size_t i = 0; i < r.result.front.size(); ++i) {
    const auto& f = r.result.front[i];
    const std::string file = fmt::format("front/front_{:02}.v", i);
    fs::write_file_atomic(work + "/" + file,
                          cgp::to_verilog(f.genome, fmt::format("{}_front_{:02}", c.module, i),
                                          "A point of the evolved front: " + comment));
    front_csv +=
        fmt::format("{},{},{},{},{},{}\n", num(f.fitness.error, 6),
                    num(cgp::error_pct(r.bound.measure, f.fitness.error), 6),
                    num(f.fitness.energy_fj, 4), num(f.fitness.area_ge, 1), f.fitness.gates, file);
  }
  fs::write_file_atomic(work + "/front.csv", front_csv);

  // Comparison with the catalog and a folder of Verilog multipliers.
  if (!c.catalog.empty())
    r.compared = compare_catalog(c.catalog, seed.is_signed, ops, r.bound, lib);
  if (!c.compare_dir.empty()) {
    auto f = compare_folder(c.compare_dir, seed.is_signed, ops, r.bound, lib, r.skipped);
    r.compared.insert(r.compared.end(), f.begin(), f.end());
  }
  for (const auto& p : r.compared)
    if (p.error <= r.evolved.error &&
        (r.cheapest_rival.empty() || p.energy_fj < r.cheapest_rival_fj)) {
      r.cheapest_rival = p.name;
      r.cheapest_rival_fj = p.energy_fj;
    }
  std::string cmp = "name,source,error,error_pct,energy_fj,area_ge,within_bound\n";
  std::vector<ComparePoint> rows = r.compared;
  rows.push_back(r.evolved);
  std::sort(rows.begin(), rows.end(),
            [](const auto& a, const auto& b) { return a.energy_fj < b.energy_fj; });
  for (const auto& p : rows)
    cmp += fmt::format("{},{},{},{},{},{},{}\n", text::csv_field(p.name), p.source, num(p.error, 6),
                       num(cgp::error_pct(r.bound.measure, p.error), 6), num(p.energy_fj, 4),
                       num(p.area_ge, 1), p.within_bound ? 1 : 0);
  fs::write_file_atomic(work + "/compare.csv", cmp);

  // History.
  std::string hist = "generation,evaluations,seconds,energy_fj,error,error_pct,area_ge,gates\n";
  for (const auto& s : r.result.history)
    hist += fmt::format("{},{},{},{},{},{},{},{}\n", s.generation, s.evaluations, num(s.seconds, 3),
                        num(s.best.energy_fj, 4), num(s.best.error, 6),
                        num(cgp::error_pct(r.bound.measure, s.best.error), 6),
                        num(s.best.area_ge, 1), s.best.gates);
  fs::write_file_atomic(work + "/evolution.csv", hist);

  // A catalog row in the catalog's own terms (uniform operands), to append to a catalog.
  mult::CatalogRow row;
  row.info.name = r.evolved_name;
  row.info.family = "verilog";
  row.info.is_signed = seed.is_signed;
  row.metrics = mult::compute_metrics(table, seed.is_signed);
  row.cost = mult::hardware_cost(yosys->netlist, lib, mult::uniform_stream(20000, 1));
  row.rtl = r.evolved_name;
  fs::write_file_atomic(work + "/catalog_row.csv",
                        mult::catalog_header() + "\n" + mult::catalog_line(row) + "\n");

  write_plots(r, work);

  json::Json j;
  j["seed"] = r.seed_name;
  j["operands"] = r.operands;
  j["error_pairs"] = r.error_pairs;
  j["bound"] = {{"spec", r.bound.spec},
                {"measure", cgp::measure_name(r.bound.measure)},
                {"limit", json::number(r.bound.limit)}};
  const auto fit = [&](const cgp::Fitness& f) {
    return json::Json{{"energy_fj", json::number(f.energy_fj)},
                      {"error", json::number(f.error)},
                      {"error_pct", json::number(cgp::error_pct(r.bound.measure, f.error))},
                      {"area_ge", json::number(f.area_ge)},
                      {"gates", f.gates}};
  };
  j["seed_fitness"] = fit(r.result.seed_fitness);
  j["evolved_cgp"] = fit(r.result.best_fitness);
  j["evolved"] = {{"name", r.evolved_name},
                  {"energy_fj", json::number(r.evolved.energy_fj)},
                  {"error", json::number(r.evolved.error)},
                  {"error_pct", json::number(cgp::error_pct(r.bound.measure, r.evolved.error))},
                  {"area_ge", json::number(r.evolved.area_ge)},
                  {"energy_saving_vs_seed",
                   json::number(r.result.seed_fitness.energy_fj / r.evolved.energy_fj)}};
  j["search"] = {{"seed", c.search.seed},
                 {"front_points", c.front_points},
                 {"lambda", c.search.lambda},
                 {"max_mutations", c.search.max_mutations},
                 {"generations", r.result.generations},
                 {"evaluations", r.result.evaluations},
                 {"error_evaluations", r.result.error_evaluations},
                 {"seconds", json::number(r.result.seconds)},
                 {"evaluations_per_s", json::number(static_cast<double>(r.result.evaluations) /
                                                    std::max(1e-9, r.result.seconds))}};
  if (!r.cheapest_rival.empty())
    j["cheapest_rival"] = {
        {"name", r.cheapest_rival},
        {"energy_fj", json::number(r.cheapest_rival_fj)},
        {"evolved_saving", json::number(r.cheapest_rival_fj / r.evolved.energy_fj)}};
  j["compared"] = r.compared.size();
  j["skipped"] = r.skipped;
  fs::write_file_atomic(work + "/summary.json", json::dump(j));
  return r;
}

}  // namespace axpod::host
