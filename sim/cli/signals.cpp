#include "signals.h"

#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

namespace axpod::cli {

namespace {

std::mutex& mu() {
  static std::mutex m;
  return m;
}

std::set<std::string>& partials() {
  static std::set<std::string> s;
  return s;
}

}  // namespace

void register_partial(const std::string& dir) {
  const std::lock_guard lock(mu());
  partials().insert(dir);
}

void unregister_partial(const std::string& dir) {
  const std::lock_guard lock(mu());
  partials().erase(dir);
}

void install_signal_cleanup() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  if (pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0) return;  // keep the default behaviour
  std::thread([set] {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) sig = SIGTERM;
    {
      const std::lock_guard lock(mu());
      for (const auto& d : partials()) {
        std::error_code ec;
        std::filesystem::remove_all(d, ec);
      }
    }
    std::_Exit(128 + sig);
  }).detach();
}

}  // namespace axpod::cli
