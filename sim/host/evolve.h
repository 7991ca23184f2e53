// `axpod mult evolve`: a multiplier evolved by CGP (mult/cgp.h) for one layer's operands (or a
// file of operand pairs, or uniform operands), written as Verilog with its table, a catalog row,
// the evolution and the front, and compared with the catalog's multipliers and a folder of
// Verilog multipliers on that layer's weighted error and energy.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "data/idx.h"
#include "engine/qnet.h"
#include "mult/cgp.h"

namespace axpod::host {

/// The operands of MAC layer `layer` of `qnet` over `images` training images from `begin`:
/// pair weights = how often each (activation, weight) byte pair is multiplied (every product of
/// the layer, counted exactly), stream = the weight-stationary stream a PE sees (up to
/// `stream_pairs` pairs), for the energy.
mult::cgp::Operands layer_operands(const engine::QNet& qnet, const data::Split& split, int begin,
                                   int images, const std::string& layer,
                                   std::size_t stream_pairs = 20000);

struct EvolveConfig {
  std::string from = "exact:signed=1";   // seed multiplier (needs a gate netlist)
  std::string operands_file;             // pairs "a b" per line, or
  std::string model, layer;              // a layer of PREFIX.axq on training images, or uniform
  std::string data_dir;                  // Fashion-MNIST (with model)
  int images = 8;                        // training images whose operands are taken
  std::string max_error;                 // wmae:V | mred:V | wce:V
  mult::cgp::Options search;             // lambda, mutations, seed, generations, seconds
  int extra_nodes = -1;                  // unused gates appended to the seed (-1: 10 % of it)
  int front_points = 4;                  // stages under bound / 2^k before the bound itself
  std::string gates;                     // gate library YAML
  std::string catalog;                   // catalog CSV compared against ("" skips it)
  std::string compare_dir;               // folder of *.v multipliers compared against ("": none)
  std::string module = "axpod_evolved";  // Verilog module name
};

/// Throws axpod::Error naming the setting when one is out of range; before any slow work.
void check_config(const EvolveConfig& c);

/// One multiplier on the comparison chart.
struct ComparePoint {
  std::string name;    // multiplier name (verilog:... for files)
  std::string source;  // "catalog", "folder", "evolved"
  double error = 0;    // the bound's measure on the operands
  double energy_fj = 0;
  double area_ge = 0;
  bool within_bound = false;
};

struct EvolveReport {
  std::string seed_name;  // canonical
  bool is_signed = true;
  std::string operands;         // description
  std::size_t error_pairs = 0;  // distinct operand pairs weighed
  mult::cgp::ErrorBound bound;
  mult::cgp::Result result;
  std::string evolved_name;            // verilog:FINAL/evolved.v[:signed=1]
  ComparePoint evolved;                // the written Verilog re-synthesized by Yosys
  std::vector<ComparePoint> compared;  // catalog and folder multipliers
  std::vector<std::string> skipped;    // folder files that could not be used, with why
  std::string cheapest_rival;          // cheapest compared one with error <= the evolved one's
  double cheapest_rival_fj = 0;        // its energy (0: none)
};

/// Runs the evolution and writes everything into `work` (the run folder being filled; `final_dir`
/// is where it will be, used in the names written).
EvolveReport run_evolve(const EvolveConfig& c, const std::string& work,
                        const std::string& final_dir);
/// The same for operands already at hand (operand settings of `c` are ignored).
EvolveReport evolve_with_operands(const EvolveConfig& c, const mult::cgp::Operands& ops,
                                  const std::string& work, const std::string& final_dir);

}  // namespace axpod::host
