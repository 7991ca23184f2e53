// Per-layer multiplier assignment (YAML):
//   default: exact:signed=1     # optional: layers not listed (else: the pods' own multiplier)
//   layers:
//     conv1: drum:k=4,signed=1
//     fc3: mitchell:signed=1
#pragma once

#include <map>
#include <string>

#include "workload/layer.h"

namespace axpod::accel {

struct Assignment {
  std::string fallback;                       // "" = the pods' own multiplier
  std::map<std::string, std::string> layers;  // layer name -> canonical multiplier name

  /// Multiplier for a layer, or "" when the pods' own applies.
  std::string for_layer(const std::string& layer) const;
};

/// Reads an assignment; unknown layers (with a suggestion) and unknown multipliers are
/// ConfigErrors at their file:line:col.
Assignment load_assignment(const std::string& path, const workload::Network& net);

}  // namespace axpod::accel
