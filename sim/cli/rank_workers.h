// The ranks of an MPI run (or the one process) as a search's workers (sim/host/workers.h): the
// units are handed out one at a time as ranks become free; rank 0 gathers the results and shares
// them, and its decisions, with every rank, so each rank goes on with the same state.
#pragma once

#include <exception>
#include <string>
#include <vector>

#include "cluster.h"
#include "common/json.h"
#include "workers.h"

namespace axpod::cli {

class RankWorkers final : public host::Workers {
 public:
  explicit RankWorkers(cluster::Cluster& cl) : m_cl(cl) {}

  std::vector<std::string> map(
      std::size_t n, const std::function<std::string(std::size_t)>& one,
      const std::function<void(std::size_t, const std::string&)>& done) override {
    std::vector<std::string> out(n);
    std::string error, all;
    try {
      m_cl.run(n, {}, 1, one, [&](std::size_t i, const std::string& r) {
        out[i] = r;
        if (done) done(i, r);
      });
      if (m_cl.rank() == 0) all = json::Json(out).dump();  // results are JSON text (UTF-8)
    } catch (const std::exception& e) {
      error = e.what();
    }
    m_cl.agree(error);  // a failed unit, or rank 0's failure, stops every rank
    return json::Json::parse(m_cl.broadcast(all)).get<std::vector<std::string>>();
  }
  std::string share(const std::string& text) override { return m_cl.broadcast(text); }
  bool lead() const override { return m_cl.rank() == 0; }
  int count() const override { return m_cl.size(); }

 private:
  cluster::Cluster& m_cl;
};

}  // namespace axpod::cli
