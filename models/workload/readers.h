// Network readers: SCALE-Sim v2 topology CSVs (conv rows and `Layer, M, N, K,` GEMM rows) and
// axpod's YAML network format; `load_network` picks by name (built-in) or file extension.
//
// axpod YAML network:
//   name: tiny
//   batch: 1
//   input: [28, 28, 1]            # height, width, channels
//   layers:
//     - {name: conv1, type: conv, kernel: 5, filters: 6, stride: 1, pad: 2}
//     - {name: pool1, type: pool, kernel: 2, stride: 2}
//     - {name: dw1, type: depthwise, kernel: 3, stride: 1, pad: 1}
//     - {name: add1, type: add}   # residual add on the current feature map
//     - {name: fc1, type: fc, out: 10}
//     - {name: qk, type: gemm, m: 128, n: 128, k: 64}
#pragma once

#include <string>

#include "workload/layer.h"

namespace axpod::workload {

/// SCALE-Sim topology: output sizes in SCALE-Sim's convention (ceil, no padding). Bad rows
/// throw axpod::Error naming file, line and field.
Network read_scalesim_topology(const std::string& path);

/// axpod YAML network; errors are ConfigError with file:line:col.
Network read_network_yaml(const std::string& path);

/// A built-in name, a `.yaml`/`.yml` file, a `.csv` SCALE-Sim topology or a `.axq` quantized
/// network (its layer shapes).
Network load_network(const std::string& spec, int batch = 1);

}  // namespace axpod::workload
