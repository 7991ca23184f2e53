#include "mult/characterize.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <sstream>
#include <thread>

#include "common/error.h"
#include "common/fs.h"
#include "common/paths.h"
#include "common/text.h"
#include "config/yaml_node.h"
#include "mult/table.h"

namespace axpod::mult {

namespace {
constexpr GateType kLogicGates[] = {
    GateType::kNot, GateType::kAnd,  GateType::kNand,   GateType::kOr,    GateType::kNor,
    GateType::kXor, GateType::kXnor, GateType::kAndNot, GateType::kOrNot, GateType::kMux};
}  // namespace

bool abc_gate_list_ok(const std::string& list, std::string& why) {
  // The gate types Yosys' `abc -g` accepts: the value goes into a Yosys script, so nothing
  // else may pass (a newline or a `!` line there would run a shell command).
  static const std::vector<std::string> kAbcGates = {
      "AND",    "NAND",  "OR",    "NOR",   "XOR",  "XNOR",  "ANDNOT",
      "ORNOT",  "MUX",   "NMUX",  "AOI3",  "OAI3", "AOI4",  "OAI4",
      "simple", "cmos2", "cmos3", "cmos4", "cmos", "gates", "aig"};
  if (list.empty()) {
    why = "expected a comma-separated list of gate types, got an empty value";
    return false;
  }
  for (const auto& token : text::split(list, ',')) {
    if (std::find(kAbcGates.begin(), kAbcGates.end(), token) != kAbcGates.end()) continue;
    std::string shown;
    for (char c : token) shown += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
    const std::string near = text::closest(token, kAbcGates);
    why = "'" + shown + "' is not a gate type of Yosys' abc -g (one of AND, NAND, OR, NOR, XOR, " +
          "XNOR, ANDNOT, ORNOT, MUX, NMUX, AOI3, OAI3, AOI4, OAI4, simple, cmos2, cmos3, " +
          "cmos4, cmos, gates, aig; comma-separated, no blanks)" +
          (near.empty() ? "" : "; did you mean '" + near + "'?");
    return false;
  }
  return true;
}

bool verilog_identifier(const std::string& s) {
  return !s.empty() && !std::isdigit(static_cast<unsigned char>(s[0])) &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
         });
}

const GateLibrary& shipped_gate_library() {
  static const GateLibrary lib = load_gate_library(paths::shipped("configs/gate_library.yaml"));
  return lib;
}

GateLibrary load_gate_library(const std::string& path) {
  const auto doc = config::Document::load(path);
  const auto root = doc.root();
  GateLibrary lib;
  lib.source = root.required("source").as_string();
  lib.energy_per_ge_toggle_fj = root.required("energy_per_ge_toggle_fj").as_double(0.0, 1e6);
  const auto gates = root.required("abc_gates");
  lib.abc_gates = gates.as_string("AND,NAND,OR,NOR,XOR,XNOR,ANDNOT,ORNOT,MUX");
  std::string why;
  if (!abc_gate_list_ok(lib.abc_gates, why)) {
    gates.error(why);
    lib.abc_gates = "AND";  // never reaches Yosys: finish() throws
  }
  const auto areas = root.required("area_ge");
  for (GateType t : kLogicGates)
    lib.area_ge[t] = areas.required(gate_name(t)).as_double(0.0, 100.0);
  lib.area_ge[GateType::kBuf] = 0.0;  // yosys buffers are wires
  doc.finish();
  return lib;
}

OperandStream uniform_stream(std::size_t n, std::uint64_t seed) {
  OperandStream s;
  s.a.resize(n);
  s.b.resize(n);
  std::mt19937_64 rng(seed);  // the engine's output sequence is fixed by the standard
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t r = rng();
    s.a[i] = static_cast<std::uint8_t>(r & 0xFF);
    s.b[i] = static_cast<std::uint8_t>((r >> 8) & 0xFF);
  }
  s.description = "uniform random, " + std::to_string(n) + " pairs, seed " + std::to_string(seed);
  return s;
}

OperandStream exhaustive_stream() {
  OperandStream s;
  s.a.resize(kTableSize);
  s.b.resize(kTableSize);
  for (std::size_t k = 0; k < kTableSize; ++k) {
    s.a[k] = static_cast<std::uint8_t>(k >> 8);
    s.b[k] = static_cast<std::uint8_t>(k & 255);
  }
  s.description = "all 65,536 pairs";
  return s;
}

OperandStream read_operand_file(const std::string& path, bool is_signed) {
  const std::string content = fs::read_file(path);
  OperandStream s;
  const long long lo = is_signed ? -128 : 0;
  const long long hi = is_signed ? 127 : 255;
  std::size_t line_no = 0;
  for (const std::string& raw : text::split(content, '\n')) {
    ++line_no;
    std::string line = text::trim(raw.substr(0, raw.find('#')));
    if (line.empty()) continue;
    for (char& c : line)
      if (c == ',' || c == '\t') c = ' ';
    std::vector<std::string> fields;
    for (const auto& f : text::split(line, ' '))
      if (!f.empty()) fields.push_back(f);
    long long va = 0, vb = 0;
    if (fields.size() != 2 || !text::parse_int(fields[0], va) || !text::parse_int(fields[1], vb))
      throw Error(path + ":" + std::to_string(line_no) + ": expected two integers, got '" + line +
                  "'");
    if (va < lo || va > hi || vb < lo || vb > hi)
      throw Error(path + ":" + std::to_string(line_no) + ": operands must lie in [" +
                  std::to_string(lo) + ", " + std::to_string(hi) + "] for a " +
                  (is_signed ? "signed" : "unsigned") + " multiplier, got '" + line + "'");
    s.a.push_back(static_cast<std::uint8_t>(va & 0xFF));
    s.b.push_back(static_cast<std::uint8_t>(vb & 0xFF));
  }
  if (s.a.size() < 2) throw Error(path + ": an operand stream needs at least 2 pairs");
  s.description = path + " (" + std::to_string(s.a.size()) + " pairs)";
  return s;
}

namespace {

/// A path as a Yosys script argument: Yosys commands do not all honour quotes and a script
/// line ends at a newline or `;`, so paths with blanks, quotes, `;`, `#` or control
/// characters are refused with a clear message.
std::string yosys_quote(const std::string& s) {
  const bool bad = std::any_of(s.begin(), s.end(), [](char c) {
    return std::iscntrl(static_cast<unsigned char>(c)) || std::strchr(" \"';#", c) != nullptr;
  });
  if (bad || s.empty())
    throw Error("Yosys cannot take a path with blanks, quotes, ';', '#' or control characters: '" +
                s + "' (set AXPOD_HOME or TMPDIR to a plain path)");
  return s;
}

/// A Verilog identifier (module or parameter name) for a Yosys script.
const std::string& yosys_identifier(const std::string& s) {
  if (!verilog_identifier(s)) throw Error("not a plain Verilog identifier: '" + s + "'");
  return s;
}

constexpr int kTimedOut = -2;  // run_program: the program ran past its limit and was killed

/// The processes below `pid` (its children, theirs, ...), from /proc: Yosys runs ABC as a child
/// process, which a time limit must stop too.
std::vector<pid_t> descendants(pid_t pid) {
  std::vector<std::pair<pid_t, pid_t>> parent_of;  // (process, its parent)
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string stat;
    try {
      stat = fs::read_file(e.path().string() + "/stat");
    } catch (const Error&) {
      continue;  // gone meanwhile
    }
    // "pid (name) state ppid ...": the name may hold blanks and parentheses.
    const auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 1));
    std::string state;
    long ppid = 0;
    if (rest >> state >> ppid)
      parent_of.emplace_back(static_cast<pid_t>(std::stol(name)), static_cast<pid_t>(ppid));
  }
  std::vector<pid_t> out;
  std::vector<pid_t> todo = {pid};
  while (!todo.empty()) {
    const pid_t p = todo.back();
    todo.pop_back();
    for (const auto& [child, parent] : parent_of)
      if (parent == p) {
        out.push_back(child);
        todo.push_back(child);
      }
  }
  return out;
}

/// Runs a program with an argument vector (no shell); returns its exit code, 127 when it could
/// not be started, kTimedOut when it ran longer than `limit_s` seconds (0: no limit) and was
/// killed. Its stdout and stderr go to /dev/null.
int run_program(const std::vector<std::string>& argv, double limit_s) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  // Yosys gets the default signal mask (the CLI blocks SIGINT/SIGTERM in its own threads and
  // waits for them in one), so Ctrl-C stops it too.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  const int rc = posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return 127;
  int status = 0;
  const auto start = std::chrono::steady_clock::now();
  for (auto nap = std::chrono::microseconds(500);;) {
    const pid_t done = ::waitpid(pid, &status, limit_s > 0 ? WNOHANG : 0);
    if (done == pid) break;
    if (done < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > limit_s) {
      for (const pid_t child : descendants(pid)) ::kill(child, SIGKILL);
      ::kill(pid, SIGKILL);
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      return kTimedOut;
    }
    std::this_thread::sleep_for(nap);
    nap = std::min(nap * 2, std::chrono::microseconds(50000));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string tail(const std::string& s, std::size_t lines) {
  auto all = text::split(s, '\n');
  const std::size_t start = all.size() > lines ? all.size() - lines : 0;
  std::string out;
  for (std::size_t i = start; i < all.size(); ++i) out += "  " + all[i] + "\n";
  return out;
}

}  // namespace

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/axpod-yosys-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) throw Error("cannot create a temporary folder");
  m_path = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(m_path, ec);
}

std::string yosys_path(const std::string& path) {
  return yosys_quote(path);
}

double yosys_time_limit() {
  const char* env = std::getenv("AXPOD_YOSYS_SECONDS");
  if (env == nullptr || *env == '\0') return 300;
  double s = 0;
  if (!text::parse_double(env, s) || !std::isfinite(s) || s < 0)
    throw Error(std::string("AXPOD_YOSYS_SECONDS must be a number of seconds >= 0, got '") + env +
                "'");
  return s;
}

void run_yosys(const std::string& script_path, const std::string& log_path,
               const std::string& what) {
  const double limit = yosys_time_limit();
  const int code = run_program({"yosys", "-q", "-l", log_path, "-s", script_path}, limit);
  if (code == 127)
    throw Error("yosys was not found on PATH: run scripts/setup.sh (Debian package 'yosys')");
  if (code == kTimedOut)
    throw Error("yosys ran past its limit of " +
                std::to_string(static_cast<long long>(std::ceil(limit))) + " s on " + what +
                " and was stopped (a design that does not elaborate, e.g. an unbounded loop; "
                "raise the limit with AXPOD_YOSYS_SECONDS)");
  if (code != 0) {
    std::string log_text;
    try {
      log_text = fs::read_file(log_path);
    } catch (const Error&) {
    }
    // Yosys' own ERROR lines say what is wrong; without one, the log's end.
    std::string errors;
    for (const auto& line : text::split(log_text, '\n'))
      if (line.find("ERROR:") != std::string::npos) errors += "  " + text::trim(line) + "\n";
    throw Error("yosys failed on " + what + " (exit " + std::to_string(code) + "):\n" +
                (errors.empty() ? tail(log_text, 15) : errors));
  }
}

Synthesis synthesize(const RtlInfo& rtl, const std::string& rtl_dir, const GateLibrary& lib) {
  std::vector<std::string> files;
  for (const auto& src : rtl.sources) files.push_back(rtl_dir + "/" + src);
  return synthesize_files(files, rtl.top, rtl.verilog_params, rtl.name, lib);
}

Synthesis synthesize_files(const std::vector<std::string>& files, const std::string& top,
                           const std::vector<std::pair<std::string, int>>& params,
                           const std::string& name, const GateLibrary& lib) {
  TempDir tmp;
  std::ostringstream script;
  script << "read_verilog";
  for (const auto& f : files) script << " " << yosys_quote(f);
  script << "\n";
  for (const auto& [k, v] : params)
    script << "chparam -set " << yosys_identifier(k) << " " << v << " " << yosys_identifier(top)
           << "\n";
  std::string why;
  if (!abc_gate_list_ok(lib.abc_gates, why)) throw Error("gate library: abc_gates: " + why);
  script << "synth -flatten -top " << yosys_identifier(top) << "\n"
         << "abc -g " << lib.abc_gates << "\n"
         << "opt_clean -purge\n"
         << "tee -q -o " << yosys_quote(tmp.path() + "/stat.txt") << " stat -tech cmos\n"
         << "write_blif -icells -impltf " << yosys_quote(tmp.path() + "/net.blif") << "\n";
  fs::write_file_atomic(tmp.path() + "/run.ys", script.str());
  run_yosys(tmp.path() + "/run.ys", tmp.path() + "/yosys.log", name);
  Synthesis out{Netlist::parse_blif(fs::read_file(tmp.path() + "/net.blif"), name), -1};
  for (const auto& line : text::split(fs::read_file(tmp.path() + "/stat.txt"), '\n')) {
    const auto pos = line.find("Estimated number of transistors:");
    if (pos == std::string::npos) continue;
    long long v = 0;
    std::string num = text::trim(line.substr(pos + 32));
    while (!num.empty() && num.back() == '+') num.pop_back();
    if (text::parse_int(num, v)) out.yosys_transistors = static_cast<long>(v);
  }
  return out;
}

HardwareCost hardware_cost(const Netlist& netlist, const GateLibrary& lib,
                           const OperandStream& stream) {
  HardwareCost cost;
  cost.gates = netlist.gate_counts();
  for (const auto& [t, n] : cost.gates) cost.area_ge += n * lib.area_ge.at(t);
  cost.depth = netlist.depth();
  if (stream.a.size() >= 2) {
    const auto act = netlist.simulate(stream.a, stream.b);
    double ge_toggles = 0;
    for (std::size_t g = 0; g < netlist.gates().size(); ++g)
      ge_toggles += static_cast<double>(act.toggles[g]) * lib.area_ge.at(netlist.gates()[g].type);
    cost.energy_fj =
        ge_toggles * lib.energy_per_ge_toggle_fj / static_cast<double>(stream.a.size() - 1);
  }
  return cost;
}

std::string catalog_header() {
  return "name,family,signed,mae,mae_pct,wce,wce_pct,mred_pct,ep_pct,bias,area_ge,energy_fj,"
         "depth";
}

namespace {
std::string num(double v, int precision) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", precision, v);
  return buf;
}
}  // namespace

std::string catalog_line(const CatalogRow& r) {
  const auto& m = r.metrics;
  std::string line = text::csv_field(r.info.name) + "," + r.info.family + "," +
                     (r.info.is_signed ? "1" : "0") + "," + num(m.mae, 4) + "," +
                     num(m.mae_pct, 6) + "," + num(m.wce, 0) + "," + num(m.wce_pct, 6) + "," +
                     num(m.mred_pct, 6) + "," + num(m.ep_pct, 4) + "," + num(m.bias, 4) + ",";
  if (r.cost) {
    line += num(r.cost->area_ge, 1) + "," + num(r.cost->energy_fj, 2) + "," +
            std::to_string(r.cost->depth);
  } else {
    line += "n/a,n/a,n/a";
  }
  return line;
}

std::vector<std::map<std::string, std::string>> read_catalog(const std::string& path) {
  const std::string content = fs::read_file(path);
  std::vector<std::map<std::string, std::string>> rows;
  std::vector<std::string> header;
  std::size_t line_no = 0;
  for (const std::string& raw : text::split(content, '\n')) {
    ++line_no;
    if (text::trim(raw).empty() || raw[0] == '#') continue;
    const auto fields = text::split_csv(raw);
    const std::string where = path + ":" + std::to_string(line_no);
    if (header.empty()) {
      header = fields;
      for (const char* need : {"name", "family", "signed", "area_ge", "energy_fj", "depth"})
        if (std::find(header.begin(), header.end(), need) == header.end())
          throw Error(where + ": the catalog header has no column '" + need + "' (expected " +
                      catalog_header() + ")");
      continue;
    }
    if (fields.size() != header.size())
      throw Error(where + ": expected " + std::to_string(header.size()) + " fields, got " +
                  std::to_string(fields.size()));
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      // Every column but the name and the family is a number (cost columns may read n/a).
      const std::string& col = header[i];
      const std::string v = text::trim(fields[i]);
      double x = 0;
      if (col != "name" && col != "family" && v != "n/a" &&
          (!text::parse_double(v, x) || !std::isfinite(x) ||
           ((col == "energy_fj" || col == "area_ge" || col == "depth") && x < 0)))
        throw Error(where + ": " + col + " of '" + fields[0] + "' is not a valid number: '" + v +
                    "'");
      if (col == "signed" && v != "0" && v != "1")
        throw Error(where + ": signed of '" + fields[0] + "' must be 0 or 1, got '" + v + "'");
      row[col] = v;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace axpod::mult

namespace axpod::mult {

std::vector<std::string> load_multiplier_list(const std::string& path) {
  const auto doc = config::Document::load(path);
  std::vector<std::string> names;
  for (const auto& item : doc.root().required("multipliers").elements()) {
    const std::string name = item.as_string();
    if (name.empty()) continue;
    try {
      if (name.rfind("lut:", 0) != 0)
        names.push_back(Registry::instance().canonical(name));
      else
        names.push_back(name);
    } catch (const Error& e) {
      item.error(e.what());
    }
  }
  doc.finish();
  return names;
}

}  // namespace axpod::mult
