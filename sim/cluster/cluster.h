// Work spread over processes: a run of independent work units (design points, candidates,
// layers), handed out one at a time as workers become free, so units of very different cost
// balance. In one process the workers are threads. Under `mpirun` (Open MPI) the workers are the
// ranks: rank 0 hands out the units and collects every result, and the command writes its files
// on rank 0 only. The MPI side lives in a module (libaxpod_mpi.so, sim/cluster/mpi/) opened only
// when the process was started by mpirun, so a plain run never loads MPI.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace axpod::cluster {

/// Bumped whenever this interface changes (the module checks it).
inline constexpr int kClusterAbi = 2;

/// Computes unit i; its result as bytes (what rank 0 receives).
using Work = std::function<std::string(std::size_t i)>;
/// Takes unit i's result, on rank 0, one call at a time, in the order results arrive.
using Collect = std::function<void(std::size_t i, const std::string& result)>;

class Cluster {
 public:
  virtual ~Cluster() = default;
  /// This process's rank (0 without mpirun) and the number of ranks (1 without mpirun).
  virtual int rank() const = 0;
  virtual int size() const = 0;
  /// Runs units [0, n) except those marked in `skip` (already done: a resumed run). `threads`:
  /// workers within this process (without mpirun; under mpirun each rank works on one unit at a
  /// time and rank 0 also works). A unit that throws stops the run: no new units start, and
  /// rank 0 throws axpod::Error with the first failure's message (other ranks return).
  void run(std::size_t n, const std::vector<char>& skip, int threads, const Work& work,
           const Collect& collect);
  /// What runs the units, for messages ("1 process", "3 MPI ranks").
  virtual std::string describe() const = 0;
  /// Every rank calls this after the setup only rank 0 does (its run folder, its checkpoint):
  /// `rank0_error` is rank 0's failure ("" when none). When rank 0 failed, every rank throws
  /// axpod::Error with its message (so no rank waits for units that will never come).
  void agree(const std::string& rank0_error);
  /// Rank 0's `text`, returned on every rank (every rank calls it; only rank 0's text counts).
  std::string broadcast(const std::string& text) { return share(text); }

 protected:
  /// Rank 0's `text`, on every rank.
  virtual std::string share(const std::string& text) = 0;
  /// run() without the throw: the first failure's message ("" when every unit ran). (Errors
  /// cross the MPI module's boundary as text: its exception types are its own.)
  virtual std::string run_units(std::size_t n, const std::vector<char>& skip, int threads,
                                const Work& work, const Collect& collect) = 0;
};

/// The cluster of this process: MPI ranks when started by mpirun (and the MPI module is built),
/// else the threads of this one process. Throws axpod::Error when mpirun started it and the MPI
/// module cannot be loaded.
Cluster& current();
/// Whether this process looks started by mpirun (Open MPI, PMIx or PMI environment).
bool under_mpirun();

/// The threads of one process (also what a rank uses internally).
class LocalCluster : public Cluster {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  std::string describe() const override { return "1 process"; }

 protected:
  std::string share(const std::string& text) override { return text; }
  std::string run_units(std::size_t n, const std::vector<char>& skip, int threads, const Work& work,
                        const Collect& collect) override;
};

}  // namespace axpod::cluster
