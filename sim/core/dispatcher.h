// The dispatcher of the cycle-level model: it runs a list of layer jobs on the blocks, one
// LayerSequencer per lane (a stage of a layer schedule). At the start of a clock it starts every
// job whose stage is free and whose predecessor (the same sample's previous layer) is done, so
// layers of different stages overlap on their disjoint pods while sharing DRAM, the global buffer
// and the interconnect; after the clock it collects the jobs that finished. Without a schedule
// the jobs form one lane and run one after another, exactly as before schedules existed.
// CycleModel::run_jobs and the SystemC tile scheduler both drive it, so they agree cycle for
// cycle.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "layer_sequencer.h"

namespace axpod::core {

class Dispatcher {
 public:
  /// Jobs in (sample, layer) order, as CycleModel::plan_network makes them; each stage runs its
  /// jobs in this order. Sets the energy monitor's lanes (restored by the destructor).
  /// `tables`: the multiplier tables its sequencers share (null: a cache of its own).
  Dispatcher(const accel::Accelerator& acc, const analytical::MultiplierEnergies& energies,
             Blocks blocks, std::vector<LayerJob> jobs, TableCache* tables = nullptr);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  /// Clock `now` begins (the monitor's clock must be `now`): starts the jobs that are ready.
  void start_ready(cycle_t now);
  /// After the clock `now - 1` ran: collects the jobs that finished (on_layer sees each, in the
  /// order they finish). Returns whether every job is done.
  bool end_of_clock(cycle_t now);
  bool finished() const { return m_done == m_jobs.size(); }
  /// Every job's result in job order; once finished(), each stage's pods' leakage after its
  /// last job (while other stages still ran) is in that job's energy.
  std::vector<LayerSim> take_results();
  /// Called with each finished job.
  std::function<void(const LayerSim&)> on_layer;
  /// Records layers and DRAM's busy time into `t` (the pods' work: set theirs too).
  void set_timeline(Timeline* t);
  std::size_t jobs() const { return m_jobs.size(); }

 private:
  struct Lane {
    std::unique_ptr<LayerSequencer> seq;  // drives the stage's layers
    std::vector<std::size_t> queue;       // its jobs in order
    std::size_t next = 0;                 // position of the next one to start
    int running = -1;                     // the job in progress (-1: none)
    int last = -1;                        // the last job it finished
  };

  TableCache m_own_tables;          // when given none
  Blocks m_b;                       // the blocks
  std::vector<LayerJob> m_jobs;     // in (sample, layer) order
  std::vector<Lane> m_lanes;        // one per stage
  std::vector<LayerSim> m_results;  // by job
  std::vector<char> m_finished;     // by job
  std::size_t m_done = 0;           // jobs finished
};

}  // namespace axpod::core
