// Progress of long work on stderr: a redrawn bar with ETA on a terminal, one line per step
// otherwise (logs, CI).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace axpod::cli {

class Progress {
 public:
  Progress(std::string what, std::size_t total);
  /// Reports that step `done` (1-based) finished; `label` names it.
  void step(std::size_t done, const std::string& label);
  /// Ends the bar (newline on a terminal).
  void finish();

 private:
  std::string m_what;                             // e.g. "characterize"
  std::size_t m_total;                            // number of steps
  bool m_tty;                                     // stderr is a terminal
  std::chrono::steady_clock::time_point m_start;  // when the work began
};

/// One bar per epoch over a training run's progress reports (epoch, epochs, step, steps, loss).
class EpochBars {
 public:
  template <class Report>
  void operator()(const Report& p) {
    update(p.epoch, p.epochs, p.step, p.steps, p.loss);
  }
  void update(int epoch, int epochs, int step, int steps, double loss);
  /// Ends the open bar, if any.
  void finish();

 private:
  std::unique_ptr<Progress> m_bar;  // the bar of the current epoch
  int m_epoch = 0;                  // its epoch (1-based; 0: none yet)
};

}  // namespace axpod::cli
