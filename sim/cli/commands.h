// Subcommands of the axpod CLI. Each takes the arguments after its own name and returns the
// process exit code; errors are thrown (axpod::Error -> 1, axpod::ConfigError -> 2) and caught
// once in main().
#pragma once

#include <string>
#include <vector>

namespace axpod::cli {

int run_mult(const std::vector<std::string>& args);
/// `mult evolve` (needs the host library, so main() routes it).
int run_mult_evolve(const std::vector<std::string>& args);
int run_analyze(const std::vector<std::string>& args);
int run_sweep(const std::vector<std::string>& args);
int run_simulate(const std::vector<std::string>& args);
int run_validate(const std::vector<std::string>& args);
int run_train(const std::vector<std::string>& args);
int run_eval(const std::vector<std::string>& args);
int run_finetune(const std::vector<std::string>& args);
int run_rank(const std::vector<std::string>& args);
int run_gen(const std::vector<std::string>& args);
int run_demo(const std::vector<std::string>& args);
int run_attack(const std::vector<std::string>& args);
int run_nas(const std::vector<std::string>& args);

}  // namespace axpod::cli
