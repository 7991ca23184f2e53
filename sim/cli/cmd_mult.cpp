// `axpod mult ...`: list, describe, show, characterize, verify and export multipliers.
#include <boost/program_options.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "commands.h"
#include "common/error.h"
#include "common/fs.h"
#include "common/json.h"
#include "common/paths.h"
#include "common/text.h"
#include "mult/characterize.h"
#include "mult/heatmap.h"
#include "mult/lut_file.h"
#include "mult/metrics.h"
#include "mult/registry.h"
#include "mult/table.h"
#include "mult/verilog_import.h"
#include "options.h"
#include "progress.h"

namespace axpod::cli {

namespace {

using mult::Registry;

constexpr const char* kMultUsage =
    "usage: axpod mult <list|describe|show|characterize|verify|export|evolve> [options]\n"
    "\n"
    "  list          the catalog (configs/multipliers.yaml) and every Verilated RTL model\n"
    "  describe F    a family's description and parameters\n"
    "  show NAME     exhaustive error metrics, hardware cost from the catalog, error map\n"
    "  characterize  error metrics + Yosys area/depth/energy, written as catalog CSV\n"
    "  verify        RTL == behavioural on all 65,536 operand pairs (exit 1 on a mismatch)\n"
    "  export NAME   write a multiplier's 256x256 truth table (binary or CSV)\n"
    "  evolve        CGP: a multiplier evolved for a layer's own operands under an error bound\n"
    "\n"
    "Multiplier names: family[:key=value,...] (e.g. drum:k=4, bam:h=1,v=6,signed=1),\n"
    "rtl:<family>[:...] for Verilated RTL, lut:PATH or lut:signed:PATH for truth-table files.\n"
    "Run `axpod mult <subcommand> --help` for options and examples.\n";

// ---------------------------------------------------------------------------------- list
int cmd_list(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("help,h", "show this help")(
      "catalog-list", po::value<std::string>()->default_value(default_config("multipliers.yaml")),
      "YAML list of catalog names")("families", po::bool_switch(), "list families and parameters");
  po::variables_map vm;
  if (!parse_options(args, opts, {}, vm, "usage: axpod mult list [options]",
                     "examples:\n  axpod mult list\n  axpod mult list --families\n"))
    return 0;
  const Registry& reg = Registry::instance();
  if (vm["families"].as<bool>()) {
    std::printf("%-14s %-40s %s\n", "family", "parameters (default, range)", "description");
    for (const auto& [name, fam] : reg.families()) {
      std::string ps;
      for (const auto& p : fam.params)
        ps += p.name + "=" + std::to_string(p.def) + " [" + std::to_string(p.lo) + "," +
              std::to_string(p.hi) + "] ";
      ps += "signed=0 [0,1]";
      std::printf("%-14s %-40s %s\n", name.c_str(), ps.c_str(), fam.description.c_str());
    }
    return 0;
  }
  std::vector<std::string> names = mult::load_multiplier_list(vm["catalog-list"].as<std::string>());
  for (const auto& [name, rtl] : reg.rtl_models())
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  std::printf("%-34s %-13s %-6s %s\n", "name", "family", "signed", "source");
  for (const auto& n : names) {
    const auto m = reg.create(n);
    std::printf("%-34s %-13s %-6s %s\n", m.info.name.c_str(), m.info.family.c_str(),
                m.info.is_signed ? "yes" : "no", mult::to_string(m.info.source));
  }
  return 0;
}

// ------------------------------------------------------------------------------ describe
int cmd_describe(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("help,h", "show this help");
  po::options_description hidden;
  hidden.add_options()("family", po::value<std::string>()->required(), "family");
  po::positional_options_description pos;
  pos.add("family", 1);
  po::variables_map vm;
  if (!parse_options(args, opts, pos, vm, "usage: axpod mult describe FAMILY",
                     "examples:\n  axpod mult describe drum\n", &hidden))
    return 0;
  const std::string name = vm["family"].as<std::string>();
  const auto& fams = Registry::instance().families();
  const auto it = fams.find(name);
  if (it == fams.end()) Registry::instance().create(name);  // throws with a suggestion
  std::printf("%s: %s\nparameters:\n", name.c_str(), it->second.description.c_str());
  for (const auto& p : it->second.params)
    std::printf("  %-8s %s (default %d, range [%d, %d])\n", p.name.c_str(), p.desc.c_str(), p.def,
                p.lo, p.hi);
  std::printf("  %-8s %s (default 0, range [0, 1])\n", "signed",
              "1: int8 operands used in sign-magnitude form");
  return 0;
}

// ---------------------------------------------------------------------------------- show
int cmd_show(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("help,h", "show this help")(
      "catalog", po::value<std::string>()->default_value(default_config("catalog.csv")),
      "catalog CSV to take hardware cost from")("png", po::value<std::string>(),
                                                "write an error heat map PNG here")(
      "force", po::bool_switch(), "replace an existing --png file");
  po::options_description hidden;
  hidden.add_options()("name", po::value<std::string>()->required(), "multiplier");
  po::positional_options_description pos;
  pos.add("name", 1);
  po::variables_map vm;
  if (!parse_options(args, opts, pos, vm, "usage: axpod mult show NAME [options]",
                     "examples:\n  axpod mult show drum:k=4\n"
                     "  axpod mult show mitchell:signed=1 --png mitchell.png\n",
                     &hidden))
    return 0;
  const auto m = Registry::instance().create(vm["name"].as<std::string>());
  const mult::Table table(*m.model);
  const auto e = mult::compute_metrics(table, m.info.is_signed);
  std::printf("name        %s\nfamily      %s (%s)\nsigned      %s\nsource      %s\n",
              m.info.name.c_str(), m.info.family.c_str(), m.info.description.c_str(),
              m.info.is_signed ? "yes (int8 operands, sign-magnitude)" : "no (uint8 operands)",
              mult::to_string(m.info.source));
  std::printf("error metrics (exhaustive, 65,536 pairs):\n");
  std::printf(
      "  mae %.4f (%.4f %%)  wce %.0f (%.4f %%)  mred %.4f %%  ep %.2f %%  bias %.4f  "
      "max red %.2f %%\n",
      e.mae, e.mae_pct, e.wce, e.wce_pct, e.mred_pct, e.ep_pct, e.bias, e.max_red_pct);
  const std::string catalog = vm["catalog"].as<std::string>();
  std::string cost = "not in the catalog (run `axpod mult characterize " + m.info.name + "`)";
  try {
    for (const auto& row : mult::read_catalog(catalog))
      if (row.at("name") == m.info.name)
        cost = "area " + row.at("area_ge") + " GE, energy " + row.at("energy_fj") +
               " fJ/op, depth " + row.at("depth") + " gates (" + catalog + ")";
  } catch (const Error& err) {
    cost = std::string("catalog unreadable: ") + err.what();
  }
  std::printf("hardware    %s\n\n%s", cost.c_str(),
              mult::ascii_error_map(table, m.info.is_signed).c_str());
  if (vm.count("png")) {
    check_new_file(vm["png"].as<std::string>(), vm["force"].as<bool>(), "--png");
    mult::write_error_heatmap(table, m.info.is_signed, vm["png"].as<std::string>());
    std::printf("heat map written to %s\n", vm["png"].as<std::string>().c_str());
  }
  return 0;
}

// -------------------------------------------------------------------------- characterize
const mult::RtlInfo* rtl_twin(const mult::MultiplierInfo& info) {
  return Registry::instance().verilog_twin(info.name);
}

int cmd_characterize(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("help,h", "show this help")("out,o", po::value<std::string>()->required(),
                                                 "catalog CSV to write (atomically)")(
      "catalog-list", po::value<std::string>()->default_value(default_config("multipliers.yaml")),
      "YAML list of names used when none is given")(
      "gates", po::value<std::string>()->default_value(default_config("gate_library.yaml")),
      "gate library: areas and energy per toggle")(
      "operands", po::value<std::string>(),
      "text file of operand pairs for the toggle count (default: uniform random)")(
      "pairs", po::value<std::size_t>()->default_value(20000), "random operand pairs")(
      "seed", po::value<std::uint64_t>()->default_value(1), "seed of the random operands")(
      "no-cost", po::bool_switch(), "error metrics only (no Yosys)")(
      "verilog-dir", po::value<std::string>(),
      "also every *.v file of this folder as verilog:FILE (signed when its name starts with "
      "mul8s, as in EvoApprox8b, or with --verilog-signed)")(
      "verilog-signed", po::bool_switch(), "read every --verilog-dir circuit as signed")(
      "jobs,j",
      po::value<int>()->default_value(
          static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))),
      "parallel Yosys runs (1-256)");
  po::options_description hidden;
  hidden.add_options()("names", po::value<std::vector<std::string>>(), "multipliers");
  po::positional_options_description pos;
  pos.add("names", -1);
  po::variables_map vm;
  if (!parse_options(
          args, opts, pos, vm, "usage: axpod mult characterize [NAMES...] --out FILE [options]",
          "Cost columns (area_ge, energy_fj, depth) come from the RTL twin synthesized by Yosys;\n"
          "a multiplier without RTL reports n/a. The gate-level netlist is checked against the\n"
          "behavioural table on all 65,536 pairs before it is costed.\n\n"
          "examples:\n  axpod mult characterize --out catalog.csv\n"
          "  axpod mult characterize drum:k=4 mitchell --out two.csv\n"
          "  axpod mult characterize exact --operands layer1_pairs.txt --out real.csv\n"
          "  axpod mult characterize --verilog-dir evoapprox/multipliers/8x8 --out evo.csv\n"
          "  axpod mult characterize verilog:my_mult.v:top=mul8,signed=1 --out mine.csv\n",
          &hidden))
    return 0;
  std::vector<std::string> names;
  if (vm.count("names"))
    names = vm["names"].as<std::vector<std::string>>();
  else if (!vm.count("verilog-dir"))
    names = mult::load_multiplier_list(vm["catalog-list"].as<std::string>());
  if (vm.count("verilog-dir")) {
    const std::string dir = vm["verilog-dir"].as<std::string>();
    if (!std::filesystem::is_directory(dir)) throw Error("--verilog-dir: no folder '" + dir + "'");
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(dir))
      if (e.is_regular_file() && e.path().extension() == ".v") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    if (files.empty()) throw Error("--verilog-dir: no .v files in '" + dir + "'");
    for (const auto& f : files) {
      const bool is_signed = vm["verilog-signed"].as<bool>() ||
                             std::filesystem::path(f).filename().string().rfind("mul8s", 0) == 0;
      names.push_back("verilog:" + f + (is_signed ? ":signed=1" : ""));
    }
  }
  const bool want_cost = !vm["no-cost"].as<bool>();
  mult::GateLibrary lib;
  if (want_cost) lib = mult::load_gate_library(vm["gates"].as<std::string>());
  const std::string out_path = vm["out"].as<std::string>();

  // Create everything first so that a bad name fails before any slow work.
  std::vector<mult::CatalogRow> rows(names.size());
  for (std::size_t i = 0; i < names.size(); ++i)
    rows[i].info = Registry::instance().create(names[i]).info;

  const auto stream_for = [&](bool is_signed) {
    return vm.count("operands")
               ? mult::read_operand_file(vm["operands"].as<std::string>(), is_signed)
               : mult::uniform_stream(vm["pairs"].as<std::size_t>(),
                                      vm["seed"].as<std::uint64_t>());
  };
  Progress progress("characterize", names.size());
  std::atomic<std::size_t> next{0};
  std::size_t done = 0;
  std::mutex mu;
  std::string first_error;
  const auto worker = [&] {
    for (std::size_t i = next++; i < names.size(); i = next++) {
      try {
        const auto m = Registry::instance().create(names[i]);
        const mult::Table table(*m.model);
        rows[i].metrics = mult::compute_metrics(table, m.info.is_signed);
        if (want_cost && m.info.source == mult::Source::verilog) {
          // The imported circuit's own netlist (already checked: it is the table).
          const auto v = mult::load_verilog(m.info.name);
          rows[i].cost = mult::hardware_cost(v->netlist, lib, stream_for(m.info.is_signed));
          rows[i].rtl = v->spec.canonical;
        } else if (const mult::RtlInfo* rtl = want_cost ? rtl_twin(m.info) : nullptr) {
          const auto syn = mult::synthesize(*rtl, paths::shipped("rtl/multipliers"), lib);
          const auto all = mult::exhaustive_stream();
          if (syn.netlist.simulate(all.a, all.b).products != table.products())
            throw Error("the gate-level netlist of " + rtl->name + " differs from " + m.info.name);
          rows[i].cost = mult::hardware_cost(syn.netlist, lib, stream_for(m.info.is_signed));
          rows[i].rtl = rtl->name;
        }
        std::lock_guard lock(mu);
        progress.step(++done, m.info.name);
      } catch (const std::exception& e) {
        std::lock_guard lock(mu);
        if (first_error.empty()) first_error = names[i] + ": " + e.what();
        next = names.size();
      }
    }
  };
  const unsigned jobs =
      std::max(1u, std::min<unsigned>(static_cast<unsigned>(int_in(vm, "jobs", 1, 256)),
                                      static_cast<unsigned>(names.size())));
  std::vector<std::thread> pool;
  for (unsigned j = 0; j < jobs; ++j) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  progress.finish();
  if (!first_error.empty()) throw Error(first_error);

  // A plain CSV (header first) that pandas and Python's csv read as is; where it came from goes
  // to a sidecar, with paths relative to the axpod home so that no machine path is recorded.
  std::string csv = mult::catalog_header() + "\n";
  for (const auto& r : rows) csv += mult::catalog_line(r) + "\n";
  json::Json meta;
  meta["tool"] = "axpod mult characterize";
  meta["catalog"] = std::filesystem::path(out_path).filename().string();
  meta["gate_library"] =
      want_cost ? paths::relative_to_home(vm["gates"].as<std::string>()) : std::string("none");
  meta["operands"] = vm.count("operands")
                         ? vm["operands"].as<std::string>()
                         : "uniform random, " + std::to_string(vm["pairs"].as<std::size_t>()) +
                               " pairs, seed " + std::to_string(vm["seed"].as<std::uint64_t>());
  meta["multipliers"] = rows.size();
  fs::write_file_atomic(out_path, csv);
  fs::write_file_atomic(out_path + ".meta.json", json::dump(meta));
  std::printf("%-34s %9s %9s %9s %9s %6s\n", "name", "mred_%", "wce_%", "area_GE", "energy_fJ",
              "depth");
  for (const auto& r : rows)
    std::printf("%-34s %9.4f %9.4f %9s %9s %6s\n", r.info.name.c_str(), r.metrics.mred_pct,
                r.metrics.wce_pct, r.cost ? fmt::format("{:.1f}", r.cost->area_ge).c_str() : "n/a",
                r.cost ? fmt::format("{:.2f}", r.cost->energy_fj).c_str() : "n/a",
                r.cost ? std::to_string(r.cost->depth).c_str() : "n/a");
  std::printf("catalog written to %s (%zu multipliers; provenance in %s.meta.json)\n",
              out_path.c_str(), rows.size(), out_path.c_str());
  return 0;
}

// -------------------------------------------------------------------------------- verify
int cmd_verify(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("help,h", "show this help")(
      "netlist", po::bool_switch(), "also synthesize with Yosys and check the gate-level netlist")(
      "gates", po::value<std::string>()->default_value(default_config("gate_library.yaml")),
      "gate library (with --netlist)")(
      "reference", po::value<std::string>(),
      "compare one multiplier (e.g. verilog:FILE.v, which Yosys synthesizes) with this one "
      "(e.g. lut:signed:TABLE.bin)");
  po::options_description hidden;
  hidden.add_options()("names", po::value<std::vector<std::string>>(), "rtl multipliers");
  po::positional_options_description pos;
  pos.add("names", -1);
  po::variables_map vm;
  if (!parse_options(
          args, opts, pos, vm, "usage: axpod mult verify [RTL-NAMES...] [options]",
          "Compares every RTL model (default: all) with its behavioural twin on all 65,536\n"
          "operand pairs; exits 1 on any mismatch. With --reference: one multiplier against\n"
          "another (an evolved Verilog circuit against its table).\n\nexamples:\n"
          "  axpod mult verify\n"
          "  axpod mult verify rtl:drum:k=4 --netlist\n"
          "  axpod mult verify verilog:run/evolved.v:signed=1 --reference "
          "lut:signed:run/evolved.bin\n",
          &hidden))
    return 0;
  const Registry& reg = Registry::instance();
  if (vm.count("reference")) {
    const auto given =
        vm.count("names") ? vm["names"].as<std::vector<std::string>>() : std::vector<std::string>{};
    if (given.size() != 1) throw Error("--reference compares exactly one multiplier with it");
    const auto dut = reg.create(given[0]);
    const auto ref = reg.create(vm["reference"].as<std::string>());
    const mult::Table dt(*dut.model), rt(*ref.model);
    std::size_t bad = 0;
    std::string first;
    for (std::size_t k = 0; k < mult::kTableSize; ++k) {
      if (dt.products()[k] == rt.products()[k]) continue;
      if (bad++ < 3)
        first += fmt::format(" a={},b={}: {} vs {};", k >> 8, k & 255, dt.products()[k],
                             rt.products()[k]);
    }
    std::printf("%s vs %s: %s%s\n", dut.info.name.c_str(), ref.info.name.c_str(),
                bad ? fmt::format("MISMATCH on {} pairs", bad).c_str() : "ok (65536/65536)",
                first.c_str());
    return bad ? 1 : 0;
  }
  std::vector<std::string> names;
  if (vm.count("names")) {
    for (const auto& n : vm["names"].as<std::vector<std::string>>()) {
      if (n.rfind("verilog:", 0) == 0 || n.rfind("lut:", 0) == 0)
        throw Error("'" + n +
                    "' has no behavioural twin: give the multiplier to compare it with "
                    "as --reference NAME");
      names.push_back(n.rfind("rtl:", 0) == 0 ? n : "rtl:" + n);
    }
  } else {
    for (const auto& [n, r] : reg.rtl_models()) names.push_back(n);
  }
  if (names.empty()) throw Error("no RTL models to verify (built with AXPOD_WITH_VERILATOR=OFF?)");
  mult::GateLibrary lib;
  if (vm["netlist"].as<bool>()) lib = mult::load_gate_library(vm["gates"].as<std::string>());
  std::size_t failed = 0;
  for (const auto& n : names) {
    const auto rtl = reg.create(n);
    const auto& info = reg.rtl_models().at(rtl.info.name);
    const auto beh = reg.create(info.behavioural);
    const mult::Table rt(*rtl.model);
    const mult::Table bt(*beh.model);
    std::size_t bad = 0;
    std::string first;
    for (std::size_t k = 0; k < mult::kTableSize; ++k) {
      if (rt.products()[k] == bt.products()[k]) continue;
      if (bad++ < 3)
        first += " a=" + std::to_string(k >> 8) + ",b=" + std::to_string(k & 255) + ": rtl " +
                 std::to_string(rt.products()[k]) + " vs " + std::to_string(bt.products()[k]) + ";";
    }
    std::string netlist_note;
    if (vm["netlist"].as<bool>()) {
      const auto syn = mult::synthesize(info, paths::shipped("rtl/multipliers"), lib);
      const auto all = mult::exhaustive_stream();
      const auto gl = syn.netlist.simulate(all.a, all.b).products;
      std::size_t gbad = 0;
      for (std::size_t k = 0; k < mult::kTableSize; ++k) gbad += gl[k] != bt.products()[k];
      netlist_note =
          gbad ? ", netlist MISMATCH on " + std::to_string(gbad) + " pairs"
               : ", netlist ok (" + std::to_string(syn.netlist.gates().size()) + " cells)";
      bad += gbad;
    }
    if (bad) ++failed;
    std::printf("%-36s vs %-28s %s%s%s\n", rtl.info.name.c_str(), info.behavioural.c_str(),
                bad ? "MISMATCH" : "ok (65536/65536)", netlist_note.c_str(), first.c_str());
  }
  std::printf("%zu passed, %zu failed\n", names.size() - failed, failed);
  return failed ? 1 : 0;
}

// -------------------------------------------------------------------------------- export
int cmd_export(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("help,h", "show this help")("out,o", po::value<std::string>()->required(),
                                                 "file to write (.csv: CSV, else binary)")(
      "force", po::bool_switch(), "replace an existing --out file");
  po::options_description hidden;
  hidden.add_options()("name", po::value<std::string>()->required(), "multiplier");
  po::positional_options_description pos;
  pos.add("name", 1);
  po::variables_map vm;
  if (!parse_options(
          args, opts, pos, vm, "usage: axpod mult export NAME --out FILE",
          "Binary: 65,536 little-endian int32, row-major, index (a_byte << 8) | b_byte.\n"
          "CSV: 256 lines (a_byte) of 256 values (b_byte).\n\nexamples:\n"
          "  axpod mult export drum:k=4 --out drum4.bin\n"
          "  axpod mult export mitchell:signed=1 --out mitchell_s.csv\n",
          &hidden))
    return 0;
  const std::string out = vm["out"].as<std::string>();
  check_new_file(out, vm["force"].as<bool>(), "--out");
  const auto m = Registry::instance().create(vm["name"].as<std::string>());
  const mult::Table table(*m.model);
  if (out.ends_with(".csv"))
    mult::write_lut_csv(table, out);
  else
    mult::write_lut_binary(table, out);
  std::printf("%s written to %s (load it as lut:%s%s)\n", m.info.name.c_str(), out.c_str(),
              m.info.is_signed ? "signed:" : "", out.c_str());
  return 0;
}

}  // namespace

int run_mult(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::fputs(kMultUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  const std::string& sub = args[0];
  if (sub == "list") return cmd_list(rest);
  if (sub == "describe") return cmd_describe(rest);
  if (sub == "show") return cmd_show(rest);
  if (sub == "characterize") return cmd_characterize(rest);
  if (sub == "verify") return cmd_verify(rest);
  if (sub == "export") return cmd_export(rest);
  throw Error("unknown subcommand 'mult " + sub + "'\n" + kMultUsage);
}

}  // namespace axpod::cli
