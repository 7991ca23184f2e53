#include "progress.h"

#include <unistd.h>

#include <cstdio>

namespace axpod::cli {

Progress::Progress(std::string what, std::size_t total)
    : m_what(std::move(what)),
      m_total(total),
      m_tty(::isatty(STDERR_FILENO) != 0),
      m_start(std::chrono::steady_clock::now()) {}

void Progress::step(std::size_t done, const std::string& label) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
  const double eta =
      done ? elapsed / static_cast<double>(done) * static_cast<double>(m_total - done) : 0;
  if (m_tty) {
    constexpr int kWidth = 30;
    const int filled = m_total ? static_cast<int>(kWidth * done / m_total) : kWidth;
    std::fprintf(stderr, "\r%s [%.*s%*s] %zu/%zu  %.1fs elapsed, ETA %.1fs  %-40.40s",
                 m_what.c_str(), filled, "##############################", kWidth - filled, "",
                 done, m_total, elapsed, eta, label.c_str());
  } else {
    std::fprintf(stderr, "%s: %zu/%zu %s (%.1fs elapsed, ETA %.1fs)\n", m_what.c_str(), done,
                 m_total, label.c_str(), elapsed, eta);
  }
  std::fflush(stderr);
}

void Progress::finish() {
  if (m_tty) std::fprintf(stderr, "\n");
}

void EpochBars::update(int epoch, int epochs, int step, int steps, double loss) {
  if (epoch != m_epoch) {
    finish();
    m_bar =
        std::make_unique<Progress>("epoch " + std::to_string(epoch) + "/" + std::to_string(epochs),
                                   static_cast<std::size_t>(steps));
    m_epoch = epoch;
  }
  char label[64];
  std::snprintf(label, sizeof label, "loss %.4f", loss);
  m_bar->step(static_cast<std::size_t>(step), label);
}

void EpochBars::finish() {
  if (m_bar) m_bar->finish();
  m_bar.reset();
}

}  // namespace axpod::cli
