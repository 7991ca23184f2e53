#include "cluster.h"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

#include "common/error.h"
#include "common/module.h"

namespace axpod::cluster {

void Cluster::run(std::size_t n, const std::vector<char>& skip, int threads, const Work& work,
                  const Collect& collect) {
  const std::string error = run_units(n, skip, threads, work, collect);
  if (!error.empty()) throw Error(error);
}

void Cluster::agree(const std::string& rank0_error) {
  const std::string error = share(rank0_error);
  if (!error.empty()) throw Error(error);
}

std::string LocalCluster::run_units(std::size_t n, const std::vector<char>& skip, int threads,
                                    const Work& work, const Collect& collect) {
  std::atomic<std::size_t> next{0};
  std::mutex mu;
  std::string error;
  const auto worker = [&] {
    for (std::size_t i = next++; i < n; i = next++) {
      if (i < skip.size() && skip[i]) continue;
      try {
        std::string r = work(i);
        std::lock_guard lock(mu);
        if (error.empty()) collect(i, r);
      } catch (const std::exception& e) {
        std::lock_guard lock(mu);
        if (error.empty()) error = e.what();
        next = n;
      }
    }
  };
  std::vector<std::jthread> pool;  // joined on the way out, also when a start fails
  for (int t = 1; t < std::max(1, threads); ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  return error;
}

bool under_mpirun() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"})
    if (const char* e = std::getenv(v); e != nullptr && *e != '\0') return true;
  return false;
}

namespace {

Cluster* load_mpi() {
  std::string tried;
  Cluster* c = nullptr;
  using Entry = Cluster* (*)(int);
  // Global: Open MPI opens its own components later and they need libmpi's symbols.
  if (module::open(
          module::candidates("libaxpod_mpi.so", "AXPOD_MPI_MODULE"), "axpod_mpi_cluster", true,
          [&](void* sym) { return (c = reinterpret_cast<Entry>(sym)(kClusterAbi)) != nullptr; },
          tried))
    return c;
  throw Error("started by mpirun, but axpod's MPI module could not be loaded:" + tried +
              "\nbuild axpod with Open MPI (libopenmpi-dev) or run without mpirun");
}

}  // namespace

Cluster& current() {
  static Cluster* c = under_mpirun() ? load_mpi() : new LocalCluster();
  return *c;
}

}  // namespace axpod::cluster
