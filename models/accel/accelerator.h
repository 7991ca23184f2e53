// Accelerator description: pods of systolic arrays, buffers, interconnect, DRAM, clock and the
// energy table (pJ per action). Loaded from axpod YAML (configs/accelerators/) or from a
// SCALE-Sim v2 .cfg file (one pod, stall-free, SCALE-Sim timing).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace axpod::accel {

enum class Dataflow { ws, os, is };
const char* to_string(Dataflow d);

/// How a pod's folds are timed.
enum class Timing {
  double_buffered,  // axpod default: the next fold's preload hides behind the current fold
  scalesim,         // SCALE-Sim v2: every fold pays its preload, stall-free memory
};

enum class Topology { butterfly, crossbar, bus };
const char* to_string(Topology t);

/// How the cycle-level model runs a pod's array: the C++ array, or the Verilated golden pod
/// (rtl/pod/, weight-stationary, the shapes and multipliers built into rtl/).
enum class PodModel { cpp, rtl };

struct Pod {
  PodModel model = PodModel::cpp;
  int rows = 0;  // PE rows (A)
  int cols = 0;  // PE columns (B)
  Dataflow dataflow = Dataflow::ws;
  std::string multiplier;  // canonical multiplier name of its PEs
  int ifmap_sram_kb = 0;   // local buffers
  int filter_sram_kb = 0;
  int ofmap_sram_kb = 0;
};

struct Interconnect {
  Topology topology = Topology::crossbar;
  double bytes_per_cycle = 64;  // per link (bus: total)
  int hop_latency = 1;          // cycles per hop
};

struct Dram {
  double bandwidth_gbps = 100;  // GB/s
  int latency_cycles = 100;     // first-byte latency per layer
};

/// Energy per action, pJ; multiplier energies come from the catalog (fJ per operation).
struct EnergyTable {
  double add32_pj = 0.1;                 // accumulate add per MAC
  double reg_write_pj = 0.0;             // per PE register write (psum per MAC, weight loads)
  double pod_sram_pj_per_byte = 0;       // pod-local buffers
  double global_buffer_pj_per_byte = 0;  // shared global buffer
  double noc_pj_per_byte_hop = 0;        // interconnect
  double dram_pj_per_byte = 0;           // off-chip
  double leakage_pj_per_pe_cycle = 0;    // static energy
  double add8_pj = 0.03;                 // per element of residual adds and pooling
  std::string catalog;                   // path of the multiplier catalog CSV
  std::string source;                    // where the numbers come from
  std::string file;                      // the YAML it was read from ("" = built in)
  bool is_default = false;               // default_energy_table()
};

/// The documented default table (REFERENCE.md section 4, Horowitz 45 nm), with the shipped
/// multiplier catalog: what a SCALE-Sim .cfg, which has no energies, is costed with.
EnergyTable default_energy_table();
/// An energy table from YAML: an accelerator's `energy:` block (the keys at the top level, or
/// under `energy:`, as in an accelerator file). Errors name file:line:col and key.
EnergyTable load_energy_table(const std::string& path);

struct Accelerator {
  std::string name;  // e.g. "tpu_v4_like"
  std::string file;  // where it was loaded from
  double clock_mhz = 1000;
  Timing timing = Timing::double_buffered;
  bool reconfigurable = true;  // any pod can use any multiplier (per layer)
  std::vector<Pod> pods;       // expanded (one entry per pod)
  int global_buffer_kb = 0;
  bool weights_resident = false;  // a network whose weights fit in half the global buffer
                                  // keeps them on chip: no weight DRAM traffic per inference
  Interconnect noc;
  Dram dram;
  EnergyTable energy;

  std::int64_t total_pes() const;
  double dram_bytes_per_cycle() const { return dram.bandwidth_gbps * 1e3 / clock_mhz; }
};

/// Loads axpod YAML; ConfigError with file:line:col for every problem (shapes, unknown keys,
/// unknown multipliers, inconsistent pods).
Accelerator load_accelerator(const std::string& path);

/// Loads a SCALE-Sim v2 .cfg: [architecture_presets] ArrayHeight, ArrayWidth, Dataflow, SRAM
/// sizes; keys that do not affect compute cycles are accepted and ignored. Errors name
/// file:line and key.
Accelerator load_scalesim_config(const std::string& path);

/// load_any_accelerator, then the energy table of `energy_yaml` in place of its own when given.
Accelerator load_any_accelerator(const std::string& path, const std::string& energy_yaml);

/// `.cfg` -> SCALE-Sim reader; a bare name (`tpu_v4_like`) -> the shipped
/// configs/accelerators/<name>.yaml; else an axpod YAML file.
Accelerator load_any_accelerator(const std::string& path);

/// Names of the shipped accelerators (configs/accelerators/*.yaml), sorted.
std::vector<std::string> shipped_accelerators();

}  // namespace axpod::accel
