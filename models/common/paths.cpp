#include "common/paths.h"

#include <cstdlib>
#include <filesystem>

#ifndef AXPOD_DEFAULT_HOME
#error "AXPOD_DEFAULT_HOME must be defined by the build"
#endif

namespace axpod::paths {

namespace {

std::string find_home() {
  const char* env = std::getenv("AXPOD_HOME");
  if (env != nullptr && *env != '\0') return env;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto installed = exe.parent_path().parent_path() / "share" / "axpod";
    if (std::filesystem::is_directory(installed / "configs", ec))
      return installed.lexically_normal().string();
  }
  return AXPOD_DEFAULT_HOME;
}

}  // namespace

std::string home() {
  static const std::string h = find_home();
  return h;
}

std::string shipped(const std::string& relative) {
  return home() + "/" + relative;
}

std::string relative_to_home(const std::string& path) {
  std::error_code ec;
  const auto abs = std::filesystem::weakly_canonical(path, ec);
  const auto root = std::filesystem::weakly_canonical(home(), ec);
  if (ec) return path;
  const auto rel = abs.lexically_relative(root);
  if (rel.empty() || *rel.begin() == "..") return path;
  return rel.string();
}

}  // namespace axpod::paths
