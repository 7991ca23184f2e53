#include "parallel.h"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define AXPOD_PAUSE() _mm_pause()
#else
#define AXPOD_PAUSE() ((void)0)
#endif

namespace axpod::core {

namespace {

int default_threads() {
  if (const char* e = std::getenv("AXPOD_SIM_THREADS"); e != nullptr && *e != '\0') {
    const int n = std::atoi(e);
    if (n >= 1) return std::min(n, 64);
  }
  // The CPUs this process may run on (its affinity: a Slurm task's, a container's), at most 8.
  cpu_set_t set;
  CPU_ZERO(&set);
  const int cpus = ::sched_getaffinity(0, sizeof(set), &set) == 0
                       ? CPU_COUNT(&set)
                       : static_cast<int>(std::thread::hardware_concurrency());
  return std::clamp(cpus, 1, 8);
}

std::atomic<int> g_threads{default_threads()};

// One helper: waits for a new generation, runs its part, counts itself done.
class Helpers {
 public:
  ~Helpers() {
    {
      std::lock_guard lock(m_mu);
      m_quit = true;
    }
    m_cv.notify_all();
    for (auto& t : m_threads) t.join();
  }

  void run(int parts, void (*fn)(void*, int), void* ctx) {
    while (static_cast<int>(m_threads.size()) < parts - 1) {
      // A new helper waits for the generation after the current one (the one about to start).
      const int part = static_cast<int>(m_threads.size()) + 1;
      const std::uint64_t now = m_word.load(std::memory_order_relaxed) >> 8;
      m_threads.emplace_back([this, part, now] { loop(part, now); });
    }
    m_fn = fn;
    m_ctx = ctx;
    m_done.store(0, std::memory_order_relaxed);
    {
      // The generation and its number of parts in one word: a helper decides from one load
      // whether it has a part of this generation (and the caller waits for exactly those).
      std::lock_guard lock(m_mu);
      const std::uint64_t gen = (m_word.load(std::memory_order_relaxed) >> 8) + 1;
      m_word.store(gen << 8 | static_cast<std::uint64_t>(parts), std::memory_order_release);
    }
    m_cv.notify_all();
    fn(ctx, 0);
    // Wait for the helpers that have a part.
    for (int spins = 0; m_done.load(std::memory_order_acquire) < parts - 1; ++spins)
      if (spins < 4096)
        AXPOD_PAUSE();
      else
        std::this_thread::yield();
  }

 private:
  void loop(int part, std::uint64_t seen) {
    for (;;) {
      // Spin a little for the next clock, then sleep.
      std::uint64_t w = 0;
      const auto fresh = [&] {
        w = m_word.load(std::memory_order_acquire);
        return (w >> 8) != seen;
      };
      bool got = false;
      for (int spins = 0; spins < 20000 && !(got = fresh()); ++spins) AXPOD_PAUSE();
      if (!got) {
        std::unique_lock lock(m_mu);
        m_cv.wait(lock, [&] { return m_quit || fresh(); });
        if (m_quit) return;
      }
      seen = w >> 8;
      if (part < static_cast<int>(w & 0xFF)) {
        m_fn(m_ctx, part);
        m_done.fetch_add(1, std::memory_order_release);
      }
    }
  }

  std::vector<std::thread> m_threads;
  std::mutex m_mu;
  std::condition_variable m_cv;
  bool m_quit = false;
  std::atomic<std::uint64_t> m_word{0};  // generation << 8 | its number of parts
  std::atomic<int> m_done{0};
  void (*m_fn)(void*, int) = nullptr;
  void* m_ctx = nullptr;
};

Helpers& helpers() {
  static Helpers h;
  return h;
}

}  // namespace

int sim_threads() {
  return g_threads.load(std::memory_order_relaxed);
}

void set_sim_threads(int threads) {
  g_threads.store(std::clamp(threads, 1, 64), std::memory_order_relaxed);
}

void run_parts(int parts, void (*fn)(void* ctx, int part), void* ctx) {
  // The helpers serve one split at a time: a caller that finds them busy (several simulations
  // in threads of their own, as a sweep runs them) does every part itself.
  static std::atomic<bool> busy{false};
  if (parts <= 1 || busy.exchange(true, std::memory_order_acquire)) {
    for (int p = 0; p < std::max(1, parts); ++p) fn(ctx, p);
    return;
  }
  struct Release {
    ~Release() { busy.store(false, std::memory_order_release); }
  } release;
  helpers().run(parts, fn, ctx);
}

}  // namespace axpod::core
