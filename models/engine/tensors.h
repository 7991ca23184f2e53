// Real int8 data for a layer: a seeded random input feature map lowered by im2col to the GEMM's
// M x K matrix (padding contributes real zeros), and seeded random weights (K x N per group).
#pragma once

#include <cstdint>
#include <vector>

#include "mult/table.h"
#include "workload/layer.h"

namespace axpod::engine {

struct LayerTensors {
  workload::GemmShape g;       // the GEMM
  std::vector<std::int8_t> x;  // groups x M x K, row-major
  std::vector<std::int8_t> w;  // groups x K x N, row-major
};

/// Lowers an NHWC int8 tensor (batch x in_h x in_w x in_c) to the GEMM input of `layer`
/// (groups x M x K; for depthwise each group is one channel).
std::vector<std::int8_t> im2col(const workload::Layer& layer,
                                const std::vector<std::int8_t>& input);

/// Seeded random tensors for a MAC layer; values uniform in [-127, 127] (weights) and
/// [-128, 127] (inputs), the same for the same seed and layer.
LayerTensors random_tensors(const workload::Layer& layer, std::uint64_t seed);

/// y (groups x M x N) of the layer through a multiplier table.
std::vector<std::int32_t> reference_output(const LayerTensors& t, const mult::Table& table);

}  // namespace axpod::engine
