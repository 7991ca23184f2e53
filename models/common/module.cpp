#include "common/module.h"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>

namespace axpod::module {

namespace {
std::string executable_dir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : exe.parent_path().string();
}
}  // namespace

std::vector<std::string> candidates(const std::string& file, const char* env_var) {
  if (const char* env = std::getenv(env_var); env != nullptr && *env != '\0') return {env};
  const std::string dir = executable_dir();
  return {dir + "/../lib/axpod/" + file, dir + "/" + file};
}

bool open(const std::vector<std::string>& paths, const char* entry, bool global,
          const std::function<bool(void* symbol)>& accept, std::string& tried) {
  for (const auto& path : paths) {
    if (!std::filesystem::exists(path)) {
      tried += "\n  " + path + " (not there)";
      continue;
    }
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | (global ? RTLD_GLOBAL : RTLD_LOCAL));
    if (handle == nullptr) {
      tried += "\n  " + path + " (" + ::dlerror() + ")";
      continue;
    }
    void* symbol = ::dlsym(handle, entry);
    if (symbol != nullptr && accept(symbol)) return true;
    tried += "\n  " + path + " (built for another axpod version)";
    ::dlclose(handle);
  }
  return false;
}

}  // namespace axpod::module
