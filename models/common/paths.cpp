#include "common/paths.h"

#include <cstdlib>

#ifndef AXPOD_DEFAULT_HOME
#error "AXPOD_DEFAULT_HOME must be defined by the build"
#endif

namespace axpod::paths {

std::string home() {
  const char* env = std::getenv("AXPOD_HOME");
  return (env != nullptr && *env != '\0') ? std::string(env) : std::string(AXPOD_DEFAULT_HOME);
}

std::string shipped(const std::string& relative) {
  return home() + "/" + relative;
}

}  // namespace axpod::paths
