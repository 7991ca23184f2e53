// `axpod demo` as a library: the whole XAI-Gen flow on LeNet-5 / Fashion-MNIST into a folder.
#pragma once

#include <functional>
#include <string>

#include "xai_gen.h"

namespace axpod::host {

struct DemoOptions {
  std::string prefix = "trained/lenet5";  // model reused from (or trained into) here
  int epochs = 10;                        // training epochs when no model exists
  std::string data_dir;                   // Fashion-MNIST folder
  std::string accel;                      // accelerator file for energy and confirmation
  std::string multipliers;                // candidates (';'-separated; empty: the catalog's)
  int samples = 64, steps = 16;           // conductance samples and path steps
  GenOptions gen;                         // budget and baseline settings (budget is swept)
};

struct DemoHooks {
  std::function<void(const std::string&)> stage;  // a stage begins ("training LeNet-5 ...")
  std::function<void(const TrainProgress&)> train;
  std::function<void(const std::string&, int, int)> baseline;  // (name, done, total)
};

/// Trains or reuses the model, ranks by conductance, runs XAI-Gen at budgets of 0.5, 1 and 2
/// points (baselines at 1), confirms each on the cycle-level model, writes energy traces of
/// the 1-point assignment, and writes report.md, CSVs, YAMLs and plots into `dir`. Returns the
/// report's Markdown.
std::string run_demo(const DemoOptions& o, const std::string& dir, const DemoHooks& hooks = {});

}  // namespace axpod::host
