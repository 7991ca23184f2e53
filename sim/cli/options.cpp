#include "options.h"

#include <ctime>
#include <filesystem>
#include <sstream>

#include "common/error.h"
#include "common/paths.h"
#include "common/text.h"

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

std::string make_run_dir(const std::string& requested, const std::string& stem) {
  namespace fs = std::filesystem;
  std::string dir = requested;
  if (dir.empty()) {
    const std::time_t now = std::time(nullptr);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
    dir = "traces/" + stem + "-" + stamp;
    for (int n = 1; fs::exists(dir); ++n)
      dir = "traces/" + stem + "-" + stamp + "-" + std::to_string(n);
  } else if (fs::exists(dir)) {
    throw Error("run folder '" + dir +
                "' exists; axpod never overwrites a run: choose another --out");
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error("cannot create run folder '" + dir + "': " + ec.message());
  return dir;
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
