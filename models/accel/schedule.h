// A layer schedule: which pods run which layers, and how many samples flow through the network.
// Layers of different stages run on disjoint pods, so they overlap in time: with batch > 1 the
// stages form a pipeline (sample b's layer j runs once sample b's layer j - 1 is done and its
// stage has finished everything before it in (sample, layer) order). Without a schedule a run is
// one stage of every pod, batch 1: each layer on its eligible pods, one after another.
//
//   batch: 4
//   stages:
//     - name: front              # optional (default "stage<i>")
//       pods: [0, 1]             # pod indices, or "0..1"
//       layers: [conv1, "conv2..pool2"]   # names, or first..last ranges in network order
//     - pods: [2, 3]
//       layers: ["fc1..fc3"]
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "accel/accelerator.h"
#include "workload/layer.h"

namespace axpod::accel {

struct Stage {
  std::string name;
  std::vector<int> pods;            // accelerator pod indices, ascending, disjoint across stages
  std::vector<std::size_t> layers;  // network layer indices, ascending
};

struct Schedule {
  int batch = 1;              // samples that flow through the network
  std::vector<Stage> stages;  // every layer of a run in exactly one stage
  std::string source;         // file it came from ("" for the default)
  /// Whether this is a run without a schedule (one stage of every pod, batch 1).
  bool is_default() const { return source.empty(); }
  /// The stage that runs network layer `layer` (-1: none).
  int stage_of(std::size_t layer) const;
};

/// One layer of one sample in a scheduled run.
struct ScheduledJob {
  int item = 0;           // the sample (0 .. batch - 1)
  std::size_t layer = 0;  // network index
  int stage = 0;          // index into Schedule::stages
  int after = -1;         // the job it waits for (the same sample's previous layer), -1: none
};

/// Reads a schedule for accelerator `acc` and network `net`; every problem (unknown layer or
/// pod, a pod in two stages, a layer in two stages, a layer outside every stage) is reported
/// with its file position as axpod::ConfigError.
Schedule load_schedule(const std::string& path, const Accelerator& acc,
                       const workload::Network& net);
/// The same from YAML text (`name` stands for the file in messages).
Schedule parse_schedule(const std::string& text, const std::string& name, const Accelerator& acc,
                        const workload::Network& net);
/// No schedule: one stage of every pod that runs layers `selected`, batch 1.
Schedule default_schedule(const Accelerator& acc, const std::vector<std::size_t>& selected);

/// The jobs of a run of layers `selected` (ascending network indices): for each sample, each
/// selected layer, in (sample, layer) order, which is also the order each stage runs its jobs
/// in. Throws axpod::Error when a selected layer is in no stage.
std::vector<ScheduledJob> expand_schedule(const Schedule& s, const workload::Network& net,
                                          const std::vector<std::size_t>& selected);

}  // namespace axpod::accel
