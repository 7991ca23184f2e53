// Shared pieces of the subcommands: option parsing with --help and examples, shipped config
// paths, run folders.
#pragma once

#include <boost/program_options.hpp>

#include <string>
#include <vector>
#include "analytical/model.h"
#include "common/json.h"

namespace axpod::cli {

namespace po = boost::program_options;

/// Parses `args`; prints usage, options and examples and returns false on --help. Boost errors
/// become axpod::Error ("... (see --help)").
bool parse_options(const std::vector<std::string>& args, const po::options_description& visible,
                   const po::positional_options_description& pos, po::variables_map& vm,
                   const char* usage, const char* examples,
                   const po::options_description* hidden = nullptr);

/// `configs/<rel>` under the axpod home.
std::string default_config(const std::string& rel);

/// A run folder written atomically: files go into a hidden temporary folder beside the final
/// one, which `commit()` renames into place; a failed run leaves nothing that looks whole.
/// The int option `name` when it lies in [lo, hi]; axpod::Error naming it otherwise.
int int_in(const po::variables_map& vm, const std::string& name, int lo, int hi);
/// The double option `name` when finite and in [lo, hi]; axpod::Error naming it otherwise.
double double_in(const po::variables_map& vm, const std::string& name, double lo, double hi);

/// A test's fault injection: the count in environment variable `name` after which the process
/// kills itself (0 when unset); axpod::Error when it is not a count >= 1.
long long fault_after(const char* name);

/// Refuses to replace an existing output file unless `force` (message names the option).
void check_new_file(const std::string& path, bool force, const std::string& option);

/// The folder a new run goes to: `requested` (refused when it exists) or
/// traces/<stem>-<time>[-n].
std::string pick_run_dir(const std::string& requested, const std::string& stem);

class RunDir {
 public:
  /// Reserves the final folder (traces/<stem>-<time> when none is given; an existing one is an
  /// error).
  RunDir(const std::string& requested, const std::string& stem);
  ~RunDir();
  RunDir(const RunDir&) = delete;
  RunDir& operator=(const RunDir&) = delete;
  /// Where to write now.
  const std::string& work() const { return m_work; }
  /// The final folder name.
  const std::string& final_path() const { return m_final; }
  void commit();

 private:
  std::string m_final;  // folder the user sees
  std::string m_work;   // temporary folder being filled
  bool m_done = false;  // committed
};

/// Energy by component (pJ) as CSV fields, mult, add, reg, sram, gbuf, noc, dram, leak, total
/// (the columns e_mult_pj .. e_total_pj), 3 decimals.
std::string energy_csv(const analytical::Energy& e);

/// Energy by component (pJ) as a JSON object: mult, add, ..., leak, total.
json::Json energy_json(const analytical::Energy& e);
/// The energy table a run used: its source, file (the accelerator's when it carries the
/// table), multiplier catalog and whether it is axpod's default.
json::Json energy_table_json(const accel::Accelerator& acc);

/// Splits "1,4,16" into integers; axpod::Error naming the option on bad input.
std::vector<int> int_list(const std::string& option, const std::string& value);

}  // namespace axpod::cli
