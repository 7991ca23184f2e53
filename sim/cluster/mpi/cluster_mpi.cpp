// The cluster of MPI ranks (Open MPI). Rank 0 runs a dispatcher thread that hands out unit
// indices on request and takes results; every rank, rank 0 included, works on one unit at a
// time. A worker's request carries its previous unit's result (or its failure), so one message
// each way per unit. Only the dispatcher thread (rank 0) or the worker (other ranks) calls MPI
// while units run: MPI_THREAD_SERIALIZED is enough.
#include <mpi.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "cluster.h"

namespace axpod::cluster {
namespace {

enum Tag : int { kRequest = 1, kUnit = 2 };
// A request: int64 kind (0: first request, 1: result of unit i follows, 2: failure message
// follows), int64 i, then the bytes.
constexpr std::int64_t kFirst = 0, kResult = 1, kFailure = 2;
constexpr std::int64_t kNone = -1;  // no unit left

std::string pack(std::int64_t kind, std::int64_t i, const std::string& bytes) {
  std::string m(16, '\0');
  std::memcpy(m.data(), &kind, 8);
  std::memcpy(m.data() + 8, &i, 8);
  return m + bytes;
}

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string("MPI: ") + what + " failed");
}

class MpiCluster : public Cluster {
 public:
  MpiCluster() {
    // Blocking calls yield the core instead of spinning (rank 0's dispatcher waits beside its
    // own worker); a setting given to mpirun wins.
    ::setenv("OMPI_MCA_mpi_yield_when_idle", "1", 0);
    int provided = 0;
    check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided), "MPI_Init_thread");
    if (provided < MPI_THREAD_SERIALIZED)
      throw std::runtime_error("MPI: this Open MPI does not allow MPI calls from a second thread");
    MPI_Comm_rank(MPI_COMM_WORLD, &m_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &m_size);
  }
  ~MpiCluster() override { MPI_Finalize(); }
  int rank() const override { return m_rank; }
  int size() const override { return m_size; }
  std::string describe() const override { return std::to_string(m_size) + " MPI ranks"; }

 protected:
  std::string share(const std::string& text) override {
    std::int64_t len = m_rank == 0 ? static_cast<std::int64_t>(text.size()) : 0;
    MPI_Bcast(&len, 1, MPI_INT64_T, 0, MPI_COMM_WORLD);
    std::string out = m_rank == 0 ? text : std::string(static_cast<std::size_t>(len), '\0');
    if (len > 0) MPI_Bcast(out.data(), static_cast<int>(len), MPI_CHAR, 0, MPI_COMM_WORLD);
    return out;
  }

  std::string run_units(std::size_t n, const std::vector<char>& skip, int, const Work& work,
                        const Collect& collect) override {
    std::string error;
    if (m_rank == 0)
      error = lead(n, skip, work, collect);
    else
      follow(work);
    MPI_Barrier(MPI_COMM_WORLD);
    return error;
  }

 private:
  // Rank 0: the dispatcher thread serves the other ranks; this thread works too.
  std::string lead(std::size_t n, const std::vector<char>& skip, const Work& work,
                   const Collect& collect) {
    std::mutex mu;
    std::size_t next = 0;
    std::string error;
    const auto take = [&]() -> std::int64_t {  // the next unit to run, or kNone
      std::lock_guard lock(mu);
      while (next < n && next < skip.size() && skip[next]) ++next;
      if (!error.empty() || next >= n) return kNone;
      return static_cast<std::int64_t>(next++);
    };
    const auto deliver = [&](std::size_t i, const std::string& r) {
      std::lock_guard lock(mu);
      if (!error.empty()) return;
      try {
        collect(i, r);
      } catch (const std::exception& e) {
        error = e.what();
      }
    };
    const auto fail = [&](const std::string& what) {
      std::lock_guard lock(mu);
      if (error.empty()) error = what;
    };
    std::thread dispatcher([&] {
      int open = m_size - 1;  // ranks not yet told that nothing is left
      std::vector<char> buf;
      while (open > 0) {
        MPI_Status st;
        MPI_Probe(MPI_ANY_SOURCE, kRequest, MPI_COMM_WORLD, &st);
        int len = 0;
        MPI_Get_count(&st, MPI_BYTE, &len);
        buf.resize(static_cast<std::size_t>(len));
        MPI_Recv(buf.data(), len, MPI_BYTE, st.MPI_SOURCE, kRequest, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
        std::int64_t kind = 0, i = 0;
        std::memcpy(&kind, buf.data(), 8);
        std::memcpy(&i, buf.data() + 8, 8);
        const std::string bytes(buf.begin() + 16, buf.end());
        if (kind == kResult) deliver(static_cast<std::size_t>(i), bytes);
        if (kind == kFailure) fail(bytes);
        const std::int64_t unit = take();
        MPI_Send(&unit, 1, MPI_INT64_T, st.MPI_SOURCE, kUnit, MPI_COMM_WORLD);
        if (unit == kNone) --open;
      }
    });
    for (std::int64_t i = take(); i != kNone; i = take()) {
      try {
        deliver(static_cast<std::size_t>(i), work(static_cast<std::size_t>(i)));
      } catch (const std::exception& e) {
        fail(e.what());
      }
    }
    dispatcher.join();
    return error;
  }

  // Other ranks: ask, work, send the result with the next request.
  void follow(const Work& work) {
    std::string msg = pack(kFirst, 0, {});
    for (;;) {
      MPI_Send(msg.data(), static_cast<int>(msg.size()), MPI_BYTE, 0, kRequest, MPI_COMM_WORLD);
      std::int64_t unit = kNone;
      MPI_Recv(&unit, 1, MPI_INT64_T, 0, kUnit, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (unit == kNone) return;
      try {
        msg = pack(kResult, unit, work(static_cast<std::size_t>(unit)));
      } catch (const std::exception& e) {
        msg = pack(kFailure, unit, e.what());
      }
    }
  }

  int m_rank = 0, m_size = 1;
};

}  // namespace
}  // namespace axpod::cluster

extern "C" __attribute__((visibility("default"))) axpod::cluster::Cluster* axpod_mpi_cluster(
    int abi) {
  if (abi != axpod::cluster::kClusterAbi) return nullptr;
  try {
    static axpod::cluster::MpiCluster c;
    return &c;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "axpod: %s\n", e.what());
    return nullptr;
  }
}
