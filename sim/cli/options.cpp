#include "options.h"

#include <fmt/format.h>

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <sstream>

#include "common/error.h"
#include "common/paths.h"
#include "common/text.h"
#include "signals.h"

namespace axpod::cli {

bool parse_options(const std::vector<std::string>& args, const po::options_description& visible,
                   const po::positional_options_description& pos, po::variables_map& vm,
                   const char* usage, const char* examples, const po::options_description* hidden) {
  po::options_description all;
  all.add(visible);
  if (hidden) all.add(*hidden);
  try {
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    if (vm.count("help")) {
      std::ostringstream os;
      os << visible;
      std::printf("%s\n\n%s\n%s", usage, os.str().c_str(), examples);
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw Error(std::string(e.what()) + " (see --help)");
  }
  return true;
}

std::string default_config(const std::string& rel) {
  return paths::shipped("configs/" + rel);
}

int int_in(const po::variables_map& vm, const std::string& name, int lo, int hi) {
  const int v = vm[name].as<int>();
  if (v < lo || v > hi)
    throw Error(fmt::format("--{} must lie in [{}, {}], got {}", name, lo, hi, v));
  return v;
}

long long fault_after(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return 0;
  long long n = 0;
  if (!text::parse_int(value, n) || n < 1)
    throw Error(std::string(name) + ": not a count: '" + value + "'");
  return n;
}

double double_in(const po::variables_map& vm, const std::string& name, double lo, double hi) {
  const double v = vm[name].as<double>();
  if (!std::isfinite(v) || v < lo || v > hi)
    throw Error(fmt::format("--{} must be a number in [{}, {}], got {}", name, lo, hi, v));
  return v;
}

void check_new_file(const std::string& path, bool force, const std::string& option) {
  if (!force && std::filesystem::exists(path))
    throw Error(option + " '" + path +
                "' exists: axpod does not replace output files unless --force is given");
}

std::string pick_run_dir(const std::string& requested_in, const std::string& stem) {
  namespace fs = std::filesystem;
  // "X/" names the folder X (its partial twin is made beside it).
  std::string requested = requested_in;
  while (requested.size() > 1 && requested.back() == '/') requested.pop_back();
  if (!requested.empty()) {
    if (fs::exists(requested))
      throw Error("run folder '" + requested +
                  "' exists; axpod never overwrites a run: choose another --out");
    return requested;
  }
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
  std::string dir = "traces/" + stem + "-" + stamp;
  for (int n = 1; fs::exists(dir); ++n)
    dir = "traces/" + stem + "-" + stamp + "-" + std::to_string(n);
  return dir;
}

RunDir::RunDir(const std::string& requested, const std::string& stem)
    : m_final(pick_run_dir(requested, stem)) {
  namespace fs = std::filesystem;
  const fs::path final_path(m_final);
  const fs::path parent = final_path.has_parent_path() ? final_path.parent_path() : fs::path(".");
  m_work =
      (parent / ("." + final_path.filename().string() + ".partial-" + std::to_string(::getpid())))
          .string();
  std::error_code ec;
  fs::create_directories(m_work, ec);
  if (ec) throw Error("cannot create run folder '" + m_final + "': " + ec.message());
  register_partial(m_work);
}

RunDir::~RunDir() {
  unregister_partial(m_work);
  if (!m_done) {
    std::error_code ec;
    std::filesystem::remove_all(m_work, ec);
  }
}

void RunDir::commit() {
  std::error_code ec;
  std::filesystem::rename(m_work, m_final, ec);
  if (ec) throw Error("cannot move the finished run into '" + m_final + "': " + ec.message());
  unregister_partial(m_work);
  m_done = true;
}

std::vector<int> int_list(const std::string& option, const std::string& value) {
  std::vector<int> out;
  for (const auto& f : text::split(value, ',')) {
    long long v = 0;
    if (!text::parse_int(text::trim(f), v) || v < 1 || v > 1 << 20)
      throw Error("--" + option + ": expected positive integers separated by commas, got '" +
                  value + "'");
    out.push_back(static_cast<int>(v));
  }
  return out;
}

}  // namespace axpod::cli

namespace axpod::cli {

std::string energy_csv(const analytical::Energy& e) {
  return fmt::format("{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f}", e.mult,
                     e.add, e.reg, e.sram, e.gbuf, e.noc, e.dram, e.leak, e.total());
}

json::Json energy_table_json(const accel::Accelerator& acc) {
  json::Json j;
  j["source"] = acc.energy.source;
  j["file"] = acc.energy.is_default ? "" : acc.energy.file.empty() ? acc.file : acc.energy.file;
  j["catalog"] = acc.energy.catalog;
  j["default"] = acc.energy.is_default;
  return j;
}

json::Json energy_json(const analytical::Energy& e) {
  json::Json j;
  for (const auto& [name, v] : {std::pair{"mult", e.mult},
                                {"add", e.add},
                                {"reg", e.reg},
                                {"sram", e.sram},
                                {"gbuf", e.gbuf},
                                {"noc", e.noc},
                                {"dram", e.dram},
                                {"leak", e.leak},
                                {"total", e.total()}})
    j[name] = json::number(std::round(v * 1e3) / 1e3);  // to the femtojoule
  return j;
}

}  // namespace axpod::cli
