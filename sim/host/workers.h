// Who runs a search's independent work units (NAS candidates, XAI-Gen's baselines): this
// process, one after the other, or the ranks of a cluster (the CLI's, under mpirun). Every rank
// runs the same search with the same seeds; the units are handed out, and rank 0's results and
// decisions are everybody's, so a search gives the same results on any number of ranks.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace axpod::host {

class Workers {
 public:
  virtual ~Workers() = default;
  /// Runs one(i) for every i in [0, n) and returns the n results in order, on every rank;
  /// `done(i, result)` is called on rank 0 as each result arrives (progress). A unit that throws
  /// makes every rank throw axpod::Error.
  virtual std::vector<std::string> map(
      std::size_t n, const std::function<std::string(std::size_t)>& one,
      const std::function<void(std::size_t, const std::string&)>& done) = 0;
  /// Rank 0's `text`, on every rank.
  virtual std::string share(const std::string& text) = 0;
  /// Whether this is rank 0 (the rank that reports and writes).
  virtual bool lead() const = 0;
  /// How many ranks work.
  virtual int count() const = 0;
  /// Rank 0's `value`, on every rank (a decision that depends on its clock).
  bool decide(bool value) { return share(value ? "1" : "0") == "1"; }
};

/// This process alone, one unit after the other.
class InTurn final : public Workers {
 public:
  std::vector<std::string> map(
      std::size_t n, const std::function<std::string(std::size_t)>& one,
      const std::function<void(std::size_t, const std::string&)>& done) override {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n; ++i) {
      out.push_back(one(i));
      if (done) done(i, out.back());
    }
    return out;
  }
  std::string share(const std::string& text) override { return text; }
  bool lead() const override { return true; }
  int count() const override { return 1; }
};

}  // namespace axpod::host
