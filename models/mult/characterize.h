// Characterization of multipliers: exhaustive error metrics plus hardware cost of the RTL
// twin, synthesized by Yosys to a generic gate library (configs/gate_library.yaml): area in
// gate equivalents, logic depth in gates, and energy per operation from the toggle counts of
// the gate-level netlist over an operand stream.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mult/metrics.h"
#include "mult/netlist.h"
#include "mult/registry.h"

namespace axpod::mult {

/// Per-gate area and switching energy, with the source of the figures.
struct GateLibrary {
  std::map<GateType, double> area_ge;  // area of each gate type in 2-input-NAND equivalents
  double energy_per_ge_toggle_fj = 0;  // energy of one output toggle of a 1-GE gate, in fJ
  std::string abc_gates;               // gate set given to `abc -g`
  std::string source;                  // where the figures come from
};

/// Whether `list` is a comma-separated list of gate types that Yosys' `abc -g` accepts (and
/// nothing else: the value goes into a Yosys script); `why` says what is wrong when not.
bool abc_gate_list_ok(const std::string& list, std::string& why);

/// Loads configs/gate_library.yaml (file:line:col errors for bad, missing, unknown keys).
GateLibrary load_gate_library(const std::string& path);
/// The shipped configs/gate_library.yaml, loaded once.
const GateLibrary& shipped_gate_library();

/// Whether `s` is a plain Verilog identifier (letters, digits, '_', not starting with a digit).
bool verilog_identifier(const std::string& s);

/// Operands applied one pair per cycle, as raw bytes.
struct OperandStream {
  std::vector<std::uint8_t> a;  // first operand of each pair
  std::vector<std::uint8_t> b;  // second operand of each pair
  std::string description;      // "uniform random, 20000 pairs, seed 1" or the file name
};

/// `n` pairs of independent uniform bytes from mt19937_64 seeded with `seed`.
OperandStream uniform_stream(std::size_t n, std::uint64_t seed);
/// All 65,536 operand pairs in table order (a = index >> 8, b = index & 255).
OperandStream exhaustive_stream();
/// A text file with one pair per line ("a b" or "a,b"; '#' comments), values in the operand
/// range of the multiplier ([-128, 127] signed, [0, 255] unsigned).
OperandStream read_operand_file(const std::string& path, bool is_signed);

/// Result of synthesizing one RTL model.
struct Synthesis {
  Netlist netlist;         // gate-level netlist
  long yosys_transistors;  // Yosys' `stat -tech cmos` estimate, for cross-checking areas
};

/// Runs Yosys on an RTL model (sources under `rtl_dir`); throws axpod::Error with Yosys' log
/// tail when it fails or is missing.
Synthesis synthesize(const RtlInfo& rtl, const std::string& rtl_dir, const GateLibrary& lib);
/// The same for Verilog files given by path, top module `top` (ports a[7:0], b[7:0], p[..]).
Synthesis synthesize_files(const std::vector<std::string>& files, const std::string& top,
                           const std::vector<std::pair<std::string, int>>& params,
                           const std::string& name, const GateLibrary& lib);

/// Runs `yosys -q -l LOG -s SCRIPT` on a script (an argument vector, no shell); throws
/// axpod::Error with the log's tail naming `what` when Yosys fails or is missing, and stops it
/// after yosys_time_limit() seconds (a design that never elaborates is an error, not a hang).
void run_yosys(const std::string& script_path, const std::string& log_path,
               const std::string& what);

/// Seconds one Yosys run may take: AXPOD_YOSYS_SECONDS (default 300; 0 = no limit). An 8x8
/// multiplier synthesizes in seconds. axpod::Error when the variable is not a number >= 0.
double yosys_time_limit();

/// A path as a Yosys script argument (refused with a clear message when it holds blanks,
/// quotes, `;`, `#` or control characters).
std::string yosys_path(const std::string& path);

/// A private temporary folder, removed when the object goes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return m_path; }

 private:
  std::string m_path;  // the folder
};

struct HardwareCost {
  double area_ge = 0;             // sum of gate areas
  double energy_fj = 0;           // mean switching energy per operation over the stream
  int depth = 0;                  // logic depth in gates
  std::map<GateType, int> gates;  // gate counts
};

HardwareCost hardware_cost(const Netlist& netlist, const GateLibrary& lib,
                           const OperandStream& stream);

/// One row of the catalog.
struct CatalogRow {
  MultiplierInfo info;               // canonical name, family, signedness
  ErrorMetrics metrics;              // exhaustive error metrics
  std::optional<HardwareCost> cost;  // absent when the multiplier has no RTL
  std::string rtl;                   // the RTL model costed ("" when none)
};

/// Header line of catalog.csv.
std::string catalog_header();
/// One line of catalog.csv; cost columns read "n/a" when there is no RTL.
std::string catalog_line(const CatalogRow& row);

/// Parses a catalog.csv written by catalog_line (used by the energy model and `mult show`).
std::vector<std::map<std::string, std::string>> read_catalog(const std::string& path);

}  // namespace axpod::mult

namespace axpod::mult {

/// Reads the multiplier list of configs/multipliers.yaml (`multipliers:` a list of names); each
/// name is checked against the registry and reported at its file:line:col when unknown.
std::vector<std::string> load_multiplier_list(const std::string& path);

}  // namespace axpod::mult
