// `axpod simulate` (the cycle-level SystemC model, energy traces) and `axpod validate`
// (analytical vs cycle-level vs functional, per layer).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include "accelerator_top.h"
#include "analytical/model.h"

#include "cluster.h"
#include "commands.h"
#include "common/error.h"
#include "common/fs.h"
#include "common/json.h"
#include "common/npy.h"
#include "common/text.h"
#include "cycle_model.h"
#include "engine/tensors.h"
#include "mult/registry.h"
#include "options.h"
#include "parallel.h"
#include "progress.h"
#include "rank_workers.h"
#include "traces.h"
#include "workload/readers.h"

namespace axpod::cli {

namespace {

struct Setup {
  accel::Accelerator acc;
  workload::Network net;
  accel::Assignment assign;
  std::vector<std::size_t> selected;  // indices of the layers to run
  accel::Schedule schedule;           // --schedule, or the default (one stage, batch 1)
  std::string accel_file, assign_file;
};

void common_options(po::options_description& opts) {
  opts.add_options()("help,h", "show this help")(
      "accel,a", po::value<std::string>()->required(),
      "accelerator: shipped name (tpu_v4_like, sosa_32x32, edge_16x16), axpod YAML or SCALE-Sim "
      ".cfg")("network,n", po::value<std::string>()->required(),
              "built-in network, axpod YAML network or SCALE-Sim topology .csv")(
      "assign", po::value<std::string>(), "per-layer multiplier assignment YAML")(
      "layers", po::value<std::string>(), "comma-separated layer names to run (default: all)")(
      "batch", po::value<int>()->default_value(1), "batch size of built-in networks")(
      "seed", po::value<std::uint64_t>()->default_value(1), "seed of the random layer data")(
      "energy", po::value<std::string>(),
      "energy table YAML in place of the accelerator's (a SCALE-Sim .cfg has none: without "
      "this, the documented Horowitz 45 nm defaults)")(
      "threads,t", po::value<int>()->default_value(0),
      "threads that step a large array's rows each clock (0: $AXPOD_SIM_THREADS, else every "
      "core; the results do not depend on it)")(
      "schedule", po::value<std::string>(),
      "layer schedule YAML: stages of disjoint pods, each running its layers, and a batch of "
      "samples pipelined through them (layers of different stages overlap); default: every "
      "layer on its eligible pods, one after another, one sample");
}

Setup load_setup(const po::variables_map& vm) {
  Setup s;
  if (const int t = vm["threads"].as<int>(); t != 0) {
    if (t < 1 || t > 64) throw Error("--threads must be 0 (automatic) or 1 to 64");
    core::set_sim_threads(t);
  }
  s.accel_file = vm["accel"].as<std::string>();
  s.acc = accel::load_any_accelerator(s.accel_file,
                                      vm.count("energy") ? vm["energy"].as<std::string>() : "");
  if (s.acc.energy.is_default)
    std::fprintf(stderr, "energy table: %s\n", s.acc.energy.source.c_str());
  s.net = workload::load_network(vm["network"].as<std::string>(), vm["batch"].as<int>());
  if (vm.count("assign")) {
    s.assign_file = vm["assign"].as<std::string>();
    s.assign = accel::load_assignment(s.assign_file, s.net);
  }
  if (vm.count("layers")) {
    std::vector<std::string> names;
    for (const auto& l : s.net.layers) names.push_back(l.name);
    std::set<std::size_t> picked;
    for (const auto& raw : text::split(vm["layers"].as<std::string>(), ',')) {
      const std::string n = text::trim(raw);
      const int i = s.net.find(n);
      if (i < 0) {
        std::string msg = "--layers: no layer '" + n + "' in network '" + s.net.name + "'";
        const std::string guess = text::closest(n, names);
        if (!guess.empty()) msg += " (did you mean '" + guess + "'?)";
        throw Error(msg);
      }
      picked.insert(static_cast<std::size_t>(i));
    }
    s.selected.assign(picked.begin(), picked.end());
  } else {
    for (std::size_t i = 0; i < s.net.layers.size(); ++i) s.selected.push_back(i);
  }
  s.schedule = vm.count("schedule")
                   ? accel::load_schedule(vm["schedule"].as<std::string>(), s.acc, s.net)
                   : accel::default_schedule(s.acc, s.selected);
  accel::expand_schedule(s.schedule, s.net, s.selected);  // every layer has a stage
  return s;
}

/// A job's name in tables: the layer, and the sample after '#' when a schedule runs several.
std::string job_name(const std::string& layer, int item) {
  return item > 0 ? layer + "#" + std::to_string(item) : layer;
}

/// Seeded random int8 data for every selected MAC layer (seed + layer index: the same data in
/// every run), by network index.
std::map<std::size_t, engine::LayerTensors> random_data(const Setup& s, std::uint64_t seed) {
  std::map<std::size_t, engine::LayerTensors> out;
  for (std::size_t i : s.selected)
    if (s.net.layers[i].is_mac()) out[i] = engine::random_tensors(s.net.layers[i], seed + i);
  return out;
}

core::TensorSource source_of(const std::map<std::size_t, engine::LayerTensors>& data) {
  return [&data](std::size_t i) -> const engine::LayerTensors* {
    const auto it = data.find(i);
    return it == data.end() ? nullptr : &it->second;
  };
}

/// summary.json's "schedule": the file, the batch, each stage's pods, layers and busy cycles.
json::Json schedule_json(const accel::Schedule& sched, const workload::Network& net,
                         const std::vector<core::LayerSim>& layers, std::int64_t serial) {
  json::Json js;
  js["file"] = sched.source;
  js["batch"] = sched.batch;
  js["serial_cycles"] = serial;
  json::Json stages = json::Json::array();
  for (std::size_t i = 0; i < sched.stages.size(); ++i) {
    const auto& st = sched.stages[i];
    json::Json o;
    o["name"] = st.name;
    json::Json pods = json::Json::array(), names = json::Json::array();
    for (int p : st.pods) pods.push_back(p);
    for (std::size_t l : st.layers) names.push_back(net.layers[l].name);
    o["pods"] = pods;
    o["layers"] = names;
    std::int64_t busy = 0;
    for (const auto& l : layers)
      if (static_cast<std::size_t>(l.stage) == i) busy += l.end - l.start;
    o["busy_cycles"] = busy;
    stages.push_back(o);
  }
  js["stages"] = stages;
  return js;
}

// ------------------------------------------------------------------------------ simulate
int cmd_simulate(const std::vector<std::string>& args) {
  po::options_description opts("options");
  common_options(opts);
  opts.add_options()("out,o", po::value<std::string>(),
                     "run folder (default traces/simulate-<network>-<time>)")(
      "window,w", po::value<std::int64_t>()->default_value(1000), "cycles per power window")(
      "dump-tensors", po::bool_switch(),
      "write each layer's int8 inputs/weights and int32 outputs (.npy)")(
      "timeline", po::bool_switch(),
      "also write timeline.json (Chrome trace events: layers, DRAM, each pod's tiles, stalls and "
      "operand transfers; open it in ui.perfetto.dev or chrome://tracing)");
  po::variables_map vm;
  if (!parse_options(
          args, opts, {}, vm, "usage: axpod simulate --accel A --network N [options]",
          "Runs the cycle-level SystemC model with real int8 data (seeded random inputs and\n"
          "weights) and writes layers.csv, power.csv, power.vcd (GTKWave) and summary.json into a\n"
          "new run folder, atomically.\n\nexamples:\n"
          "  axpod simulate --accel configs/accelerators/tpu_v4_like.yaml --network lenet5 --out "
          "run1\n"
          "  axpod simulate --accel configs/accelerators/edge_16x16.yaml --network resnet18 \\\n"
          "      --layers conv1,layer1.0.conv1 --window 500 --dump-tensors\n"
          "  axpod simulate --accel configs/scalesim/scale_ws_32x32.cfg --network "
          "configs/scalesim/lenet_like.csv\n"))
    return 0;
  const Setup s = load_setup(vm);
  const std::int64_t window = vm["window"].as<std::int64_t>();
  if (window < 1) throw Error("--window must be at least 1 cycle");
  RunDir run(vm.count("out") ? vm["out"].as<std::string>() : "", "simulate-" + s.net.name);
  const bool dump = vm["dump-tensors"].as<bool>();
  if (dump) std::filesystem::create_directories(run.work() + "/tensors");

  const auto tensors = random_data(s, vm["seed"].as<std::uint64_t>());
  const auto energies = analytical::MultiplierEnergies::of(s.acc);
  const analytical::Model check(s.acc, energies);
  const auto jobs = core::CycleModel::plan_network(s.acc, s.net, s.assign, source_of(tensors),
                                                   s.selected, &s.schedule);
  // Check every layer against the configuration (pods, multipliers, energies) before the run.
  for (const auto& j : jobs)
    check.evaluate(*j.layer, j.multiplier, j.input_on_chip, j.weights_on_chip, j.pods);
  Progress progress("simulate", jobs.size());
  const auto t0 = std::chrono::steady_clock::now();
  std::size_t done = 0;
  const bool want_timeline = vm["timeline"].as<bool>();
  core::Timeline timeline;
  auto run_sc = sc::run_systemc(
      s.acc, energies, window, jobs,
      [&](const core::LayerSim& l) { progress.step(++done, l.layer); },
      want_timeline ? &timeline : nullptr);
  const auto& layers = run_sc.layers;
  progress.finish();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::string csv =
      "layer,kind,multiplier,macs,gated_macs,pods,start_cycle,cycles,stall_free_cycles,stall_"
      "cycles,"
      "e_mult_pj,e_add_pj,e_reg_pj,e_sram_pj,e_gbuf_pj,e_noc_pj,e_dram_pj,e_leak_pj,e_total_pj,"
      "sample,stage\n";
  analytical::Energy total;
  std::int64_t cycles = 0, macs = 0, first = layers.empty() ? 0 : layers.front().start, last = 0;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const auto& l = layers[i];
    std::ostringstream row;
    row << text::csv_field(l.layer) << ',' << l.kind << ',' << text::csv_field(l.multiplier) << ','
        << l.macs << ',' << l.gated << ',' << l.pods << ',' << l.start << ',' << l.cycles << ','
        << l.stall_free << ',' << l.stall_cycles << ',' << energy_csv(l.energy) << ',' << l.item
        << ',' << text::csv_field(s.schedule.stages[static_cast<std::size_t>(l.stage)].name)
        << '\n';
    csv += row.str();
    total += l.energy;
    cycles += l.cycles;
    macs += l.macs;
    first = std::min(first, l.start);
    last = std::max(last, l.end);
    if (dump && !l.y.empty() && l.item == 0) {
      const auto& t = tensors.at(l.index);
      const auto& g = t.g;
      const std::string base = run.work() + "/tensors/" + l.layer;
      fs::write_file_atomic(base + "_x.npy", npy::encode(t.x.data(), {g.groups, g.m, g.k}));
      fs::write_file_atomic(base + "_w.npy", npy::encode(t.w.data(), {g.groups, g.k, g.n}));
      fs::write_file_atomic(base + "_y.npy", npy::encode(l.y.data(), {g.groups, g.m, g.n}));
    }
  }
  fs::write_file_atomic(run.work() + "/layers.csv", csv);
  fs::write_file_atomic(run.work() + "/power.csv",
                        core::power_csv(run_sc.windows, window, s.acc.clock_mhz));
  fs::write_file_atomic(run.work() + "/power.vcd",
                        core::power_vcd(run_sc.windows, window, s.acc.clock_mhz,
                                        static_cast<int>(s.acc.pods.size())));
  if (want_timeline) {
    fs::write_file_atomic(run.work() + "/timeline.json",
                          timeline.chrome_json(s.acc.clock_mhz, s.acc.pods.size()));
    if (timeline.truncated())
      std::fprintf(stderr, "timeline: kept the first %zu events (the trace says how many more)\n",
                   timeline.size());
  }
  json::Json js;
  js["network"] = s.net.name;
  js["accelerator"] = s.acc.name;
  js["accelerator_file"] = s.accel_file;
  js["assignment_file"] = s.assign_file;
  js["model"] = "cycle-level (SystemC)";
  js["layers"] = layers.size();
  js["macs"] = macs;
  // With a schedule the run takes its makespan; the layers' cycles add up to more.
  const std::int64_t run_cycles = s.schedule.is_default() ? cycles : last - first;
  js["cycles"] = run_cycles;
  js["clock_mhz"] = json::number(s.acc.clock_mhz);
  js["latency_ms"] = json::number(static_cast<double>(run_cycles) / (s.acc.clock_mhz * 1e3));
  if (!s.schedule.is_default()) js["schedule"] = schedule_json(s.schedule, s.net, layers, cycles);
  js["window_cycles"] = window;
  js["energy_pj"] = energy_json(total);
  js["energy_table"] = energy_table_json(s.acc);
  js["seed"] = vm["seed"].as<std::uint64_t>();
  js["wall_seconds"] = json::number(wall);
  fs::write_file_atomic(run.work() + "/summary.json", json::dump(js));
  run.commit();
  std::printf("%s on %s: %zu layers, %lld cycles (%.4f ms), %.3f uJ, simulated in %.2f s\n",
              s.net.name.c_str(), s.acc.name.c_str(), layers.size(),
              static_cast<long long>(run_cycles),
              static_cast<double>(run_cycles) / (s.acc.clock_mhz * 1e3), total.total() / 1e6, wall);
  if (!s.schedule.is_default())
    std::printf(
        "schedule %s: %d sample(s) over %zu stage(s) in %lld cycles (%.1f per sample); the same "
        "layers one after another: %lld cycles (%.2fx)\n",
        s.schedule.source.c_str(), s.schedule.batch, s.schedule.stages.size(),
        static_cast<long long>(run_cycles), static_cast<double>(run_cycles) / s.schedule.batch,
        static_cast<long long>(cycles),
        run_cycles ? static_cast<double>(cycles) / static_cast<double>(run_cycles) : 0.0);
  std::printf("run folder: %s (layers.csv, power.csv, power.vcd, summary.json%s%s)\n",
              run.final_path().c_str(), want_timeline ? ", timeline.json" : "",
              dump ? ", tensors/" : "");
  return 0;
}

// ------------------------------------------------------------------------------ validate
int cmd_validate(const std::vector<std::string>& args) {
  po::options_description opts("options");
  common_options(opts);
  opts.add_options()(
      "cycle-tol-pct", po::value<double>()->default_value(5.0),
      "allowed cycle difference on layers that stall (stall-free layers must match exactly)")(
      "cycle-tol-abs", po::value<std::int64_t>()->default_value(16),
      "cycle difference always allowed on stalling layers (small layers)")(
      "energy-tol-pct", po::value<double>()->default_value(5.0), "allowed energy difference")(
      "out,o", po::value<std::string>(), "also write the table as CSV here")(
      "force", po::bool_switch(), "replace an existing --out file")(
      "isolated", po::bool_switch(),
      "every layer alone, on an empty accelerator from clock 0 (as SCALE-Sim runs layers); the "
      "layers are then independent work units, spread over MPI ranks under mpirun");
  po::variables_map vm;
  if (!parse_options(
          args, opts, {}, vm, "usage: axpod validate --accel A --network N [options]",
          "Per layer: cycles and energy of the analytical model vs the cycle-level model, and\n"
          "the cycle-level int32 outputs vs a functional GEMM with the same multiplier table.\n"
          "Exits 1 when outputs differ or a tolerance is exceeded.\n\nexamples:\n"
          "  axpod validate --accel configs/accelerators/edge_16x16.yaml --network lenet5\n"
          "  axpod validate --accel configs/accelerators/tpu_v4_like.yaml --network resnet18 \\\n"
          "      --layers conv1,fc --out validate.csv\n"
          "  axpod validate --accel configs/accelerators/tpu_v4_like.yaml --network lenet5 \\\n"
          "      --schedule configs/schedules/lenet5_tpu_v4_pipeline.yaml\n\n"
          "With --schedule each row is one layer of one sample ('#k': sample k), on its stage's\n"
          "pods, and the last line compares the run's makespan. With --isolated each layer runs\n"
          "alone (`mpirun -np N axpod validate --isolated ...` spreads the layers).\n"))
    return 0;
  if (vm.count("out")) check_new_file(vm["out"].as<std::string>(), vm["force"].as<bool>(), "--out");
  double_in(vm, "cycle-tol-pct", 0, 1e6);
  double_in(vm, "energy-tol-pct", 0, 1e6);
  if (vm["cycle-tol-abs"].as<std::int64_t>() < 0)
    throw Error("--cycle-tol-abs must not be negative");
  const bool isolated = vm["isolated"].as<bool>();
  auto& cl = cluster::current();
  if (cl.size() > 1 && !isolated)
    throw Error(
        "validate spreads layers over MPI ranks only with --isolated (every layer on an empty "
        "accelerator from clock 0): in a whole-network run a layer starts from what the layers "
        "before it left (resident weights, the bus's turn), so it is one simulation");
  const Setup s = load_setup(vm);
  if (isolated && !s.schedule.is_default())
    throw Error("--isolated runs every layer alone; it does not take a --schedule");
  if (cl.size() > 1 && static_cast<std::size_t>(cl.size()) > s.selected.size())
    throw Error(std::to_string(cl.size()) + " MPI ranks for " + std::to_string(s.selected.size()) +
                " layers: start at most " + std::to_string(s.selected.size()) + " ranks");
  // One rank per core: the ranks are the parallelism (unless $AXPOD_SIM_THREADS says otherwise).
  if (cl.size() > 1 && std::getenv("AXPOD_SIM_THREADS") == nullptr) core::set_sim_threads(1);
  const auto energies = analytical::MultiplierEnergies::of(s.acc);
  const analytical::Model model(s.acc, energies);
  const auto tensors = random_data(s, vm["seed"].as<std::uint64_t>());
  const double ctol = vm["cycle-tol-pct"].as<double>(), etol = vm["energy-tol-pct"].as<double>();
  const std::int64_t cabs = vm["cycle-tol-abs"].as<std::int64_t>();
  const bool lead = cl.rank() == 0;
  std::string csv =
      "layer,multiplier,analytical_cycles,cycle_level_cycles,cycle_diff,cycle_diff_pct,stall_"
      "cycles,"
      "analytical_energy_pj,cycle_level_energy_pj,energy_diff_pct,gated_pct,outputs_bit_exact,"
      "verdict\n";
  if (lead)
    std::printf("%-22s %-20s %11s %11s %8s %8s %8s %7s %7s %-9s %s\n", "layer", "multiplier",
                "analytical", "cycle-lvl", "diff", "diff%", "stall", "E diff%", "gated%", "outputs",
                "verdict");
  // One row: a cycle-level job against its analytical side, the outputs against a functional
  // GEMM with the same table.
  struct Row {
    std::string line, csv;
    bool ok = true;
  };
  std::map<std::size_t, std::vector<std::int32_t>> expected;  // reference outputs by layer
  const auto check = [&](const core::LayerSim& c, const analytical::LayerResult& a) {
    const auto& layer = s.net.layers[c.index];
    std::string exact = "n/a";
    bool ok = true;
    if (layer.is_mac()) {
      auto ref = expected.find(c.index);  // the samples of a layer share its tensors
      if (ref == expected.end()) {
        const mult::Table table(*mult::Registry::instance().create(c.multiplier).model);
        ref = expected.emplace(c.index, engine::reference_output(tensors.at(c.index), table)).first;
      }
      const bool same = ref->second == c.y;
      exact = same ? "yes" : "NO";
      ok = ok && same;
    }
    const auto diff = c.cycles - a.cycles;
    const double diff_pct =
        a.cycles ? 100.0 * static_cast<double>(diff) / static_cast<double>(a.cycles) : 0.0;
    const double e_pct = a.energy.total() > 0
                             ? 100.0 * (c.energy.total() - a.energy.total()) / a.energy.total()
                             : 0.0;
    const double gated_pct =
        c.macs ? 100.0 * static_cast<double>(c.gated) / static_cast<double>(c.macs) : 0.0;
    if (c.stall_cycles == 0 && a.stall_cycles == 0)
      ok = ok && diff == 0;
    else
      ok = ok && (std::fabs(diff_pct) <= ctol || std::llabs(diff) <= cabs);
    ok = ok && std::fabs(e_pct) <= etol;
    const std::string name = job_name(layer.name, c.item);
    Row r;
    r.ok = ok;
    r.line = fmt::format(
        "{:<22.22} {:<20.20} {:>11} {:>11} {:>8} {:>8.2f} {:>8} {:>7.2f} {:>7.2f} "
        "{:<9} {}\n",
        name, c.multiplier, a.cycles, c.cycles, diff, diff_pct, c.stall_cycles, e_pct, gated_pct,
        exact, ok ? "ok" : "FAIL");
    r.csv = text::csv_field(name) + "," + text::csv_field(c.multiplier) + "," +
            std::to_string(a.cycles) + "," + std::to_string(c.cycles) + "," + std::to_string(diff) +
            "," + fmt::format("{:.4f}", diff_pct) + "," + std::to_string(c.stall_cycles) + "," +
            fmt::format("{:.3f}", a.energy.total()) + "," +
            fmt::format("{:.3f}", c.energy.total()) + "," + fmt::format("{:.4f}", e_pct) + "," +
            fmt::format("{:.4f}", gated_pct) + "," + exact + "," + (ok ? "ok" : "FAIL") + "\n";
    return r;
  };
  int failures = 0;
  std::size_t rows = 0;
  const auto take = [&](const Row& r) {
    std::fputs(r.line.c_str(), stdout);
    csv += r.csv;
    failures += !r.ok;
    ++rows;
  };
  if (isolated) {
    // Every layer alone: the layers are independent work units, over MPI ranks when mpirun
    // started axpod (in one process, one after the other; each uses the simulator's threads).
    Progress progress("validate", s.selected.size());
    std::size_t done = 0;
    RankWorkers ranks(cl);
    host::InTurn in_turn;
    host::Workers& w = cl.size() > 1 ? static_cast<host::Workers&>(ranks) : in_turn;
    const auto found = w.map(
        s.selected.size(),
        [&](std::size_t k) {
          const std::vector<std::size_t> one = {s.selected[k]};
          const auto plan = model.run_schedule(s.net, s.assign, s.schedule, one);
          core::CycleModel sim(s.acc, energies, 1 << 30);
          const auto jobs = core::CycleModel::plan_network(s.acc, s.net, s.assign,
                                                           source_of(tensors), one, &s.schedule);
          const auto results = sim.run_jobs(jobs, nullptr);
          json::Json rows_k = json::Json::array();
          for (std::size_t j = 0; j < results.size(); ++j) {
            const Row r = check(results[j], plan.jobs.at(j).result);
            rows_k.push_back({{"line", r.line}, {"csv", r.csv}, {"ok", r.ok}});
          }
          return rows_k.dump();
        },
        [&](std::size_t k, const std::string&) {
          progress.step(++done, s.net.layers[s.selected[k]].name);
        });
    if (!lead) return 0;  // rank 0 reports
    progress.finish();
    for (const auto& text : found)
      for (const auto& r : json::Json::parse(text))
        take({r.at("line").get<std::string>(), r.at("csv").get<std::string>(),
              r.at("ok").get<bool>()});
  } else {
    core::CycleModel sim(s.acc, energies, 1 << 30);
    // The analytical side of every job (one per layer and sample), in the cycle-level model's
    // job order: sample, then layer.
    const auto plan = model.run_schedule(s.net, s.assign, s.schedule, s.selected);
    std::map<std::size_t, std::size_t> position;  // network index -> position in the run
    for (std::size_t k = 0; k < s.selected.size(); ++k) position[s.selected[k]] = k;
    Progress progress("validate", plan.jobs.size());
    std::size_t i = 0;
    core::cycle_t c_first = -1, c_last = 0;
    const auto jobs = core::CycleModel::plan_network(s.acc, s.net, s.assign, source_of(tensors),
                                                     s.selected, &s.schedule);
    const auto results = sim.run_jobs(
        jobs, [&](const core::LayerSim& c) { progress.step(++i, job_name(c.layer, c.item)); });
    progress.finish();
    // Rows in job order once the run is done (a stage's last job takes its pods' leakage up to
    // the end of the run).
    for (const auto& c : results) {
      c_first = c_first < 0 ? c.start : std::min(c_first, c.start);
      c_last = std::max(c_last, c.end);
      take(check(
          c,
          plan.jobs.at(static_cast<std::size_t>(c.item) * s.selected.size() + position.at(c.index))
              .result));
    }
    if (!s.schedule.is_default()) {
      // The run as a whole: its makespan, within the same tolerance as a stalling layer.
      const core::cycle_t c_span = c_last - std::max<core::cycle_t>(0, c_first),
                          a_span = plan.cycles;
      const auto diff = c_span - a_span;
      const double pct =
          a_span ? 100.0 * static_cast<double>(diff) / static_cast<double>(a_span) : 0.0;
      const bool ok = std::fabs(pct) <= ctol || std::llabs(diff) <= cabs;
      take({fmt::format("{:<22} {:<20} {:>11} {:>11} {:>8} {:>8.2f} {:>8} {:>7} {:>7} {:<9} {}\n",
                        "(makespan)", "", a_span, c_span, diff, pct, "", "", "", "",
                        ok ? "ok" : "FAIL"),
            "(makespan),," + std::to_string(a_span) + "," + std::to_string(c_span) + "," +
                std::to_string(diff) + "," + fmt::format("{:.4f}", pct) + ",,,,,,," +
                (ok ? "ok" : "FAIL") + "\n",
            ok});
    }
  }
  if (vm.count("out")) fs::write_file_atomic(vm["out"].as<std::string>(), csv);
  std::printf("%zu passed, %d failed\n", rows - static_cast<std::size_t>(failures), failures);
  return failures ? 1 : 0;
}

}  // namespace

int run_simulate(const std::vector<std::string>& args) {
  return cmd_simulate(args);
}
int run_validate(const std::vector<std::string>& args) {
  return cmd_validate(args);
}

}  // namespace axpod::cli
