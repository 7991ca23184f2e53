// Shared pieces of the subcommands: option parsing with --help and examples, shipped config
// paths, run folders.
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

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

/// Creates a new run folder. `requested` empty: traces/<stem>-<YYYYmmdd-HHMMSS>[-n]. An
/// existing folder is never reused: axpod::Error asks for another --out.
std::string make_run_dir(const std::string& requested, const std::string& stem);

/// Splits "1,4,16" into integers; axpod::Error naming the option on bad input.
std::vector<int> int_list(const std::string& option, const std::string& value);

}  // namespace axpod::cli
