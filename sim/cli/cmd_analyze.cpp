// `axpod analyze` (one network on one accelerator, analytical model) and `axpod sweep` (a grid
// of accelerator variants).
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include "analytical/model.h"
#include "cluster.h"
#include "cycle_model.h"
#include "engine/tensors.h"
#include "parallel.h"

#include "commands.h"
#include "common/error.h"
#include "common/fs.h"
#include "common/json.h"
#include "common/plot.h"
#include "common/text.h"
#include "mult/registry.h"
#include "options.h"
#include "progress.h"
#include "workload/readers.h"

namespace axpod::cli {

namespace {

using analytical::LayerResult;
using analytical::NetworkResult;

std::string layers_csv(const NetworkResult& r) {
  std::string o =
      "layer,kind,multiplier,m,n,k,groups,macs,pods,folds,tiles,compute_cycles,memory_cycles,"
      "cycles,stall_cycles,utilization_pct,mapping_pct,sram_bytes,gbuf_bytes,noc_byte_hops,"
      "dram_bytes,e_mult_pj,e_add_pj,e_reg_pj,e_sram_pj,e_gbuf_pj,e_noc_pj,e_dram_pj,e_leak_pj,"
      "e_total_pj\n";
  for (const auto& l : r.layers) {
    std::ostringstream s;
    s << text::csv_field(l.layer) << ',' << l.kind << ',' << text::csv_field(l.multiplier) << ','
      << l.m << ',' << l.n << ',' << l.k << ',' << l.groups << ',' << l.macs << ',' << l.pods << ','
      << l.plan.folds << ',' << l.plan.tiles << ',' << l.compute_cycles << ',' << l.memory_cycles
      << ',' << l.cycles << ',' << l.stall_cycles << ',' << fmt::format("{:.4f}", l.utilization_pct)
      << ',' << fmt::format("{:.4f}", l.mapping_pct) << ',' << l.sram_bytes << ',' << l.gbuf_bytes
      << ',' << l.noc_byte_hops << ',' << l.dram_bytes << ',' << energy_csv(l.energy) << '\n';
    o += s.str();
  }
  return o;
}

std::string summary_json(const NetworkResult& r, const accel::Accelerator& acc,
                         const std::string& accel_file, const std::string& assign_file) {
  const auto& e = r.energy;
  json::Json j;
  j["network"] = r.network;
  j["accelerator"] = r.accelerator;
  j["accelerator_file"] = accel_file;
  j["assignment_file"] = assign_file;
  j["model"] = "analytical";
  j["layers"] = r.layers.size();
  j["macs"] = r.macs;
  j["cycles"] = r.cycles;
  j["clock_mhz"] = json::number(r.clock_mhz);
  j["latency_ms"] = json::number(r.latency_ms());
  j["energy_pj"] = energy_json(e);
  j["energy_uj"] = json::number(e.total() / 1e6);
  j["energy_table"] = energy_table_json(acc);
  j["tops_per_watt"] =
      json::number(e.total() > 0 ? 2.0 * static_cast<double>(r.macs) / e.total() : 0.0);
  return json::dump(j);
}

void print_table(const NetworkResult& r) {
  std::printf("%-22s %-9s %-22s %12s %10s %10s %7s %7s %12s\n", "layer", "kind", "multiplier",
              "macs", "cycles", "stall", "util%", "map%", "energy_nJ");
  for (const auto& l : r.layers)
    std::printf("%-22.22s %-9s %-22.22s %12lld %10lld %10lld %7.2f %7.2f %12.3f\n", l.layer.c_str(),
                l.kind.c_str(), l.multiplier.c_str(), static_cast<long long>(l.macs),
                static_cast<long long>(l.cycles), static_cast<long long>(l.stall_cycles),
                l.utilization_pct, l.mapping_pct, l.energy.total() / 1e3);
  const auto& e = r.energy;
  std::printf("\n%s on %s: %lld cycles (%.4f ms at %.0f MHz), %lld MACs, %.3f uJ\n",
              r.network.c_str(), r.accelerator.c_str(), static_cast<long long>(r.cycles),
              r.latency_ms(), r.clock_mhz, static_cast<long long>(r.macs), e.total() / 1e6);
  if (e.total() > 0)
    std::printf(
        "energy: mult %.1f%%  add %.1f%%  reg %.1f%%  sram %.1f%%  gbuf %.1f%%  noc %.1f%%  "
        "dram %.1f%%  leak %.1f%%\n",
        100 * e.mult / e.total(), 100 * e.add / e.total(), 100 * e.reg / e.total(),
        100 * e.sram / e.total(), 100 * e.gbuf / e.total(), 100 * e.noc / e.total(),
        100 * e.dram / e.total(), 100 * e.leak / e.total());
}

plot::Figure energy_plot(const NetworkResult& r) {
  std::vector<std::string> cats;
  std::vector<plot::Series> s = {{"multiplier", {}, {}},   {"add+reg", {}, {}},
                                 {"pod SRAM", {}, {}},     {"global buffer", {}, {}},
                                 {"interconnect", {}, {}}, {"DRAM", {}, {}},
                                 {"leakage", {}, {}}};
  for (const auto& l : r.layers) {
    cats.push_back(l.layer);
    const auto& e = l.energy;
    const double v[7] = {e.mult, e.add + e.reg, e.sram, e.gbuf, e.noc, e.dram, e.leak};
    for (int i = 0; i < 7; ++i) s[i].y.push_back(v[i] / 1e3);
  }
  return plot::stacked_bars("energy per layer: " + r.network + " on " + r.accelerator,
                            "energy (nJ)", cats, s);
}

int cmd_analyze(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("help,h", "show this help")(
      "accel,a", po::value<std::string>(),
      "accelerator: shipped name (tpu_v4_like, sosa_32x32, edge_16x16), axpod YAML or SCALE-Sim "
      ".cfg")("scalesim-cfg", po::value<std::string>(),
              "SCALE-Sim v2 config (same as --accel X.cfg)")(
      "network,n", po::value<std::string>(),
      "built-in network, axpod YAML network or SCALE-Sim topology .csv")(
      "topology", po::value<std::string>(), "SCALE-Sim topology CSV (same as --network Y.csv)")(
      "assign", po::value<std::string>(), "per-layer multiplier assignment YAML")(
      "energy", po::value<std::string>(),
      "energy table YAML in place of the accelerator's (a SCALE-Sim .cfg has none: without "
      "this, the documented Horowitz 45 nm defaults)")("batch", po::value<int>()->default_value(1),
                                                       "batch size of built-in networks")(
      "format", po::value<std::string>()->default_value("table"),
      "table: terminal table + run folder; csv: one CSV (layer,cycles,...) to --out or stdout")(
      "out,o", po::value<std::string>(), "run folder (table) or CSV file (csv)")(
      "force", po::bool_switch(), "replace an existing --out CSV file");
  po::variables_map vm;
  if (!parse_options(
          args, opts, {}, vm, "usage: axpod analyze --accel A --network N [options]",
          "Writes layers.csv, summary.json and energy.svg/.png into a new run folder (default\n"
          "traces/analyze-<network>-<accelerator>-<time>). With a SCALE-Sim config the timing is\n"
          "SCALE-Sim v2's (every fold pays its weight preload, stall-free memory) and the cycles\n"
          "equal its COMPUTE_REPORT Total Cycles.\n\nexamples:\n"
          "  axpod analyze --accel configs/accelerators/tpu_v4_like.yaml --network resnet18\n"
          "  axpod analyze --accel configs/accelerators/edge_16x16.yaml --network lenet5 \\\n"
          "      --assign configs/assignment_lenet5_example.yaml\n"
          "  axpod analyze --scalesim-cfg configs/scalesim/scale_ws_32x32.cfg \\\n"
          "      --topology configs/scalesim/lenet_like.csv --format csv --out cycles.csv\n"))
    return 0;
  const std::string accel_file = vm.count("accel")          ? vm["accel"].as<std::string>()
                                 : vm.count("scalesim-cfg") ? vm["scalesim-cfg"].as<std::string>()
                                                            : "";
  const std::string net_spec = vm.count("network")    ? vm["network"].as<std::string>()
                               : vm.count("topology") ? vm["topology"].as<std::string>()
                                                      : "";
  if (accel_file.empty()) throw Error("give --accel (or --scalesim-cfg); see --help");
  if (net_spec.empty()) throw Error("give --network (or --topology); see --help");
  const std::string format = vm["format"].as<std::string>();
  if (format != "table" && format != "csv")
    throw Error("--format: expected table or csv, got '" + format + "'");
  const auto acc = accel::load_any_accelerator(
      accel_file, vm.count("energy") ? vm["energy"].as<std::string>() : "");
  if (acc.energy.is_default) std::fprintf(stderr, "energy table: %s\n", acc.energy.source.c_str());
  const auto net = workload::load_network(net_spec, vm["batch"].as<int>());
  accel::Assignment assign;
  const std::string assign_file = vm.count("assign") ? vm["assign"].as<std::string>() : "";
  if (!assign_file.empty()) assign = accel::load_assignment(assign_file, net);
  const analytical::Model model(acc, analytical::MultiplierEnergies::of(acc));
  const auto result = model.run(net, assign);

  if (format == "csv") {
    std::string csv = "layer,cycles,stall_cycles,utilization_pct,mapping_pct,macs\n";
    for (const auto& l : result.layers)
      csv += text::csv_field(l.layer) + "," + std::to_string(l.cycles) + "," +
             std::to_string(l.stall_cycles) + "," + fmt::format("{:.4f}", l.utilization_pct) + "," +
             fmt::format("{:.4f}", l.mapping_pct) + "," + std::to_string(l.macs) + "\n";
    if (vm.count("out")) {
      check_new_file(vm["out"].as<std::string>(), vm["force"].as<bool>(), "--out");
      fs::write_file_atomic(vm["out"].as<std::string>(), csv);
      std::fprintf(stderr, "%zu layers, %lld cycles in all: %s\n", result.layers.size(),
                   static_cast<long long>(result.cycles), vm["out"].as<std::string>().c_str());
    } else {
      std::fputs(csv.c_str(), stdout);
    }
    return 0;
  }
  print_table(result);
  RunDir run(vm.count("out") ? vm["out"].as<std::string>() : "",
             "analyze-" + net.name + "-" + acc.name);
  fs::write_file_atomic(run.work() + "/layers.csv", layers_csv(result));
  fs::write_file_atomic(run.work() + "/summary.json",
                        summary_json(result, acc, accel_file, assign_file));
  plot::write(energy_plot(result), run.work() + "/energy");
  run.commit();
  std::printf("run folder: %s (layers.csv, summary.json, energy.svg/.png)\n",
              run.final_path().c_str());
  return 0;
}

// --------------------------------------------------------------------------------- sweep
/// What a design point's evaluation gives (the same for either model).
struct PointResult {
  std::int64_t cycles = 0, macs = 0;
  double clock_mhz = 0;
  analytical::Energy energy;  // pJ
  double latency_ms() const { return static_cast<double>(cycles) / (clock_mhz * 1e3); }
};

struct SweepPoint {
  int pods, size;
  accel::Dataflow df;
  std::string mult;
  PointResult result;
};

/// A result as one line of text (exact: doubles in hexadecimal), and back.
std::string encode(const PointResult& r) {
  const auto& e = r.energy;
  return fmt::format("{} {} {:a} {:a} {:a} {:a} {:a} {:a} {:a} {:a} {:a}", r.cycles, r.macs,
                     r.clock_mhz, e.mult, e.add, e.reg, e.sram, e.gbuf, e.noc, e.dram, e.leak);
}

PointResult decode(const std::string& line, const std::string& where) {
  PointResult r;
  auto& e = r.energy;
  std::istringstream in(line);
  std::string f[11];
  for (auto& x : f) in >> x;
  try {
    if (!in) throw std::invalid_argument("short");
    r.cycles = std::stoll(f[0]);
    r.macs = std::stoll(f[1]);
    double* d[] = {&r.clock_mhz, &e.mult, &e.add,  &e.reg, &e.sram,
                   &e.gbuf,      &e.noc,  &e.dram, &e.leak};
    for (int i = 0; i < 9; ++i) {
      char* end = nullptr;
      *d[i] = std::strtod(f[i + 2].c_str(), &end);
      if (end == f[i + 2].c_str() || *end != '\0') throw std::invalid_argument("field");
    }
    std::string extra;
    if (in >> extra) throw std::invalid_argument("extra");
  } catch (const std::exception&) {
    throw Error(where + ": not a sweep result: '" + line + "'");
  }
  return r;
}

/// The accelerator of a design point: the base with `p.pods` pods of p.size x p.size.
accel::Accelerator design(const accel::Accelerator& base, const SweepPoint& p) {
  auto acc = base;
  accel::Pod pod = base.pods.front();
  pod.rows = pod.cols = p.size;
  pod.dataflow = p.df;
  pod.multiplier = p.mult;
  acc.pods.assign(static_cast<std::size_t>(p.pods), pod);
  return acc;
}

/// A design point on the cycle-level model: every layer with seeded random int8 data (seed +
/// layer index, as `simulate` draws them).
PointResult simulate_point(const accel::Accelerator& acc, const analytical::MultiplierEnergies& e,
                           const workload::Network& net, std::uint64_t seed) {
  std::map<std::size_t, engine::LayerTensors> data;
  for (std::size_t i = 0; i < net.layers.size(); ++i)
    if (net.layers[i].is_mac()) data.emplace(i, engine::random_tensors(net.layers[i], seed + i));
  core::CycleModel sim(acc, e, 1 << 30);
  PointResult r;
  r.clock_mhz = acc.clock_mhz;
  const core::TensorSource src = [&](std::size_t i) -> const engine::LayerTensors* {
    const auto it = data.find(i);
    return it == data.end() ? nullptr : &it->second;
  };
  for (const auto& l : sim.run_network(net, {}, src)) {
    r.cycles += l.cycles;
    r.macs += l.macs;
    r.energy += l.energy;
  }
  return r;
}

/// The hidden checkpoint beside a sweep's run folder: its settings, then one finished point a
/// line ("index result").
std::string checkpoint_of(const std::string& run_folder) {
  std::string f = run_folder;
  while (f.size() > 1 && f.back() == '/') f.pop_back();
  const std::filesystem::path p(f);
  return (p.parent_path() / ("." + p.filename().string() + ".checkpoint")).string();
}

int cmd_sweep(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("help,h", "show this help")(
      "accel,a",
      po::value<std::string>()->default_value(default_config("accelerators/tpu_v4_like.yaml")),
      "base accelerator (clock, memories, energy table)")(
      "network,n", po::value<std::string>()->required(), "network")(
      "pods", po::value<std::string>()->default_value("1,4,16,64"), "pod counts")(
      "pod-size", po::value<std::string>()->default_value("16,32,64,128"), "square pod sizes")(
      "dataflow", po::value<std::string>()->default_value("ws,os,is"), "dataflows")(
      "mult", po::value<std::vector<std::string>>(),
      "multiplier (repeat the option; default: the base's)")(
      "batch", po::value<int>()->default_value(1), "batch size")(
      "model", po::value<std::string>()->default_value("analytical"),
      "analytical, or cycle: every design point simulated on the cycle-level model with seeded "
      "random data (the sweep that wants a cluster)")(
      "seed", po::value<std::uint64_t>()->default_value(1), "seed of the data (--model cycle)")(
      "jobs,j",
      po::value<int>()->default_value(
          static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))),
      "threads (1-256; under mpirun each rank runs one design point at a time)")(
      "out,o", po::value<std::string>(), "run folder (default traces/sweep-<network>-<time>)")(
      "resume", po::value<std::string>(),
      "finish the interrupted sweep whose run folder this was (its checkpoint is beside it)");
  po::variables_map vm;
  if (!parse_options(args, opts, {}, vm, "usage: axpod sweep --network N [options]",
                     "Evaluates every combination with the analytical model (or the cycle-level\n"
                     "model); writes sweep.csv and sweep.svg/.png (energy vs latency) into a new\n"
                     "run folder. Finished points go to a checkpoint beside the folder as they\n"
                     "come: a killed sweep continues with --resume. Under mpirun the design\n"
                     "points are handed out to the ranks one at a time; rank 0 writes the files,\n"
                     "the same as a run in one process.\n\nexamples:\n"
                     "  axpod sweep --network resnet18\n"
                     "  axpod sweep --network lenet5 --pods 1,4 --pod-size 8,16 --dataflow ws \\\n"
                     "      --mult exact:signed=1 --mult drum:k=4,signed=1\n"
                     "  mpirun -np 4 axpod sweep --network lenet5 --model cycle --out s1\n"
                     "  axpod sweep --network lenet5 --model cycle --resume s1\n"))
    return 0;
  if (vm.count("out") && vm.count("resume")) throw Error("give --out or --resume, not both");
  const std::string model = vm["model"].as<std::string>();
  if (model != "analytical" && model != "cycle")
    throw Error("--model: expected analytical or cycle, got '" + model + "'");
  const auto base = accel::load_any_accelerator(vm["accel"].as<std::string>());
  const auto net = workload::load_network(vm["network"].as<std::string>(), vm["batch"].as<int>());
  const auto pods = int_list("pods", vm["pods"].as<std::string>());
  const auto sizes = int_list("pod-size", vm["pod-size"].as<std::string>());
  std::vector<accel::Dataflow> dfs;
  for (const auto& d : text::split(vm["dataflow"].as<std::string>(), ',')) {
    if (d == "ws")
      dfs.push_back(accel::Dataflow::ws);
    else if (d == "os")
      dfs.push_back(accel::Dataflow::os);
    else if (d == "is")
      dfs.push_back(accel::Dataflow::is);
    else
      throw Error("--dataflow: expected ws, os or is, got '" + d + "'");
  }
  std::vector<std::string> mults;
  if (vm.count("mult"))
    for (const auto& m : vm["mult"].as<std::vector<std::string>>())
      mults.push_back(mult::Registry::instance().canonical(m));
  else
    mults.push_back(base.pods.front().multiplier);
  const auto energies = analytical::MultiplierEnergies::of(base);
  for (const auto& m : mults) energies.fj(m);  // fail before the sweep when one has no cost
  const std::uint64_t seed = vm["seed"].as<std::uint64_t>();
  const int jobs = int_in(vm, "jobs", 1, 256);

  std::vector<SweepPoint> points;
  for (int p : pods)
    for (int s : sizes)
      for (auto df : dfs)
        for (const auto& m : mults) points.push_back({p, s, df, m, {}});
  auto& cl = cluster::current();
  if (static_cast<std::size_t>(cl.size()) > points.size())
    throw Error(std::to_string(cl.size()) + " MPI ranks for " + std::to_string(points.size()) +
                " design points: start at most " + std::to_string(points.size()) + " ranks");
  // What identifies this sweep in its checkpoint.
  json::Json fp{{"command", "sweep"},
                {"accelerator", vm["accel"].as<std::string>()},
                {"network", net.name},
                {"batch", vm["batch"].as<int>()},
                {"pods", pods},
                {"pod_size", sizes},
                {"dataflow", vm["dataflow"].as<std::string>()},
                {"multipliers", mults},
                {"model", model},
                {"seed", seed}};
  std::string requested = vm.count("resume")
                              ? vm["resume"].as<std::string>()
                              : (vm.count("out") ? vm["out"].as<std::string>() : std::string());
  while (requested.size() > 1 && requested.back() == '/') requested.pop_back();  // "DIR/" is DIR
  std::vector<char> done(points.size(), 0);
  std::optional<RunDir> run;
  std::string checkpoint;
  std::FILE* cp = nullptr;
  // Only rank 0 sets up (run folder, checkpoint); every rank learns whether that worked before
  // any of them waits for a design point.
  std::string setup_error;
  if (cl.rank() == 0) {
    try {
      if (vm.count("resume")) {
        checkpoint = checkpoint_of(requested);
        if (std::filesystem::exists(requested))
          throw Error("--resume '" + requested +
                      "': that folder exists (a finished run); nothing to resume");
        if (!std::filesystem::exists(checkpoint))
          throw Error("--resume '" + requested + "': no interrupted sweep there (no " + checkpoint +
                      ")");
        // Whole lines only: a kill may have cut the last one.
        std::string text = fs::read_file(checkpoint);
        text.resize(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1);
        std::istringstream in(text);
        std::string line;
        std::getline(in, line);
        json::Json was;
        try {
          was = json::Json::parse(line);
        } catch (const json::Json::exception&) {
          throw Error(checkpoint + ": not a sweep checkpoint");
        }
        if (was != fp)
          throw Error("--resume '" + requested +
                      "': that checkpoint is of another run:" + json::changed_keys(was, fp) +
                      " (resume it with the same command and options)");
        while (std::getline(in, line)) {
          const auto sp = line.find(' ');
          std::size_t i = points.size();
          try {
            if (sp != std::string::npos) i = std::stoul(line.substr(0, sp));
          } catch (const std::exception&) {
          }
          if (i >= points.size())
            throw Error(checkpoint + ": not a finished design point: '" + line + "'");
          points[i].result = decode(line.substr(sp + 1), checkpoint);
          done[i] = 1;
        }
        fs::write_file_atomic(checkpoint, text);  // without a cut line to append to
        // The killed run's unfinished folder is garbage now (not that of a run still going).
        const std::filesystem::path rp(requested);
        const std::filesystem::path parent = rp.has_parent_path() ? rp.parent_path() : ".";
        const std::string stale = "." + rp.filename().string() + ".partial-";
        for (const auto& e : std::filesystem::directory_iterator(parent)) {
          const std::string name = e.path().filename().string();
          if (name.rfind(stale, 0) != 0) continue;
          const long pid = std::strtol(name.c_str() + stale.size(), nullptr, 10);
          if (pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH)) continue;
          std::filesystem::remove_all(e.path());
        }
      }
      run.emplace(requested, "sweep-" + net.name);
      if (checkpoint.empty()) {
        checkpoint = checkpoint_of(run->final_path());
        fs::write_file_atomic(checkpoint, fp.dump() + "\n");
      }
      cp = std::fopen(checkpoint.c_str(), "a");
      if (cp == nullptr) throw Error("cannot write the checkpoint '" + checkpoint + "'");
    } catch (const std::exception& e) {
      if (cl.size() == 1) throw;  // as it is (a configuration error keeps its exit code)
      setup_error = e.what();
    }
  }
  cl.agree(setup_error);
  // One rank per core: the ranks are the parallelism (unless $AXPOD_SIM_THREADS says otherwise).
  if (cl.size() > 1 && std::getenv("AXPOD_SIM_THREADS") == nullptr) core::set_sim_threads(1);
  const std::size_t left =
      points.size() - static_cast<std::size_t>(std::count(done.begin(), done.end(), 1));
  Progress progress("sweep", points.size());
  std::size_t finished = points.size() - left;
  if (cl.size() > 1 && cl.rank() == 0)
    std::fprintf(stderr, "sweep: %zu design points on %s\n", left, cl.describe().c_str());
  // Fault injection for the tests: the process kills itself (SIGKILL, as a lost node would go)
  // once this many points of this run are in the checkpoint.
  const auto kill_after = static_cast<std::size_t>(fault_after("AXPOD_FAULT_AFTER_POINTS"));
  std::size_t this_run = 0;
  try {
    cl.run(
        points.size(), done, jobs,
        [&](std::size_t i) {
          const auto acc = design(base, points[i]);
          if (model == "cycle") return encode(simulate_point(acc, energies, net, seed));
          const auto r = analytical::Model(acc, energies).run(net);
          PointResult p;
          p.cycles = r.cycles;
          p.macs = r.macs;
          p.clock_mhz = r.clock_mhz;
          p.energy = r.energy;
          return encode(p);
        },
        [&](std::size_t i, const std::string& bytes) {
          points[i].result = decode(bytes, "rank result");
          if (std::fprintf(cp, "%zu %s\n", i, bytes.c_str()) < 0 || std::fflush(cp) != 0)
            throw Error("cannot write the checkpoint '" + checkpoint + "' (disk full?)");
          if (kill_after > 0 && ++this_run == kill_after) std::raise(SIGKILL);
          ++finished;
          if (finished % std::max<std::size_t>(1, points.size() / 20) == 0 ||
              finished == points.size())
            progress.step(finished,
                          std::to_string(points[i].pods) + "x" + std::to_string(points[i].size));
        });
  } catch (...) {
    if (cp) std::fclose(cp);
    throw;
  }
  if (cl.rank() != 0) return 0;  // rank 0 writes the files
  std::fclose(cp);
  progress.finish();
  const std::string dir = run->work();

  std::string csv =
      "pods,pod_size,dataflow,multiplier,pes,cycles,latency_ms,utilization_pct,energy_uj,"
      "mult_energy_uj,dram_energy_uj\n";
  std::map<std::string, plot::Series> by_df;
  for (const auto& pt : points) {
    const auto& r = pt.result;
    const double util = 100.0 * static_cast<double>(r.macs) /
                        (static_cast<double>(r.cycles) * pt.pods * pt.size * pt.size);
    csv += std::to_string(pt.pods) + "," + std::to_string(pt.size) + "," + accel::to_string(pt.df) +
           "," + text::csv_field(pt.mult) + "," +
           std::to_string(static_cast<long long>(pt.pods) * pt.size * pt.size) + "," +
           std::to_string(r.cycles) + "," + fmt::format("{:.6f}", r.latency_ms()) + "," +
           fmt::format("{:.4f}", util) + "," + fmt::format("{:.6f}", r.energy.total() / 1e6) + "," +
           fmt::format("{:.6f}", r.energy.mult / 1e6) + "," +
           fmt::format("{:.6f}", r.energy.dram / 1e6) + "\n";
    const std::string key =
        std::string(accel::to_string(pt.df)) + (mults.size() > 1 ? " " + pt.mult : "");
    auto& s = by_df[key];
    s.label = key;
    s.x.push_back(r.latency_ms());
    s.y.push_back(r.energy.total() / 1e6);
  }
  std::vector<plot::Series> series;
  for (auto& [k, s] : by_df) series.push_back(s);
  fs::write_file_atomic(dir + "/sweep.csv", csv);
  plot::write(
      plot::scatter("sweep: " + net.name + " (" + std::to_string(points.size()) + " designs)",
                    "latency (ms)", "energy (uJ)", series, true, true),
      dir + "/sweep");
  const auto best =
      std::min_element(points.begin(), points.end(), [](const auto& a, const auto& b) {
        return a.result.energy.total() * static_cast<double>(a.result.cycles) <
               b.result.energy.total() * static_cast<double>(b.result.cycles);
      });
  std::printf(
      "%zu designs evaluated; lowest energy x delay: %d pods of %dx%d, %s, %s: %.4f ms, %.3f uJ\n",
      points.size(), best->pods, best->size, best->size, accel::to_string(best->df),
      best->mult.c_str(), best->result.latency_ms(), best->result.energy.total() / 1e6);
  run->commit();
  std::filesystem::remove(checkpoint);
  std::printf("run folder: %s (sweep.csv, sweep.svg/.png)\n", run->final_path().c_str());
  return 0;
}

}  // namespace

int run_analyze(const std::vector<std::string>& args) {
  return cmd_analyze(args);
}
int run_sweep(const std::vector<std::string>& args) {
  return cmd_sweep(args);
}

}  // namespace axpod::cli
