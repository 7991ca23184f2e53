// Quantized networks: int8 symmetric activations (one scale per tensor), int8 symmetric
// weights (one scale per output channel), int32 biases, requantization by a fixed-point
// multiplier and shift with round-half-away-from-zero, ReLU fused (DESIGN.md, numeric contract).
//
// File format (.axq), a text header with binary blobs, little-endian:
//   axpod-qnet 1
//   name <name>
//   classes <n>
//   input <h> <w> <c>                      tensor 0 is the input image
//   tensor <id> <h> <w> <c> <scale>        one line per tensor, ids 0..T-1, scale as %.9g
//   op <name> conv <in> <out> <k> <stride> <pad> <relu 0|1>
//   blob weights <bytes>\n<int8 x out_c*k*k*in_c, layout [oc][ky][kx][ic]>
//   blob wscale <count>\n<float32 x out_c>
//   blob bias <count>\n<int32 x out_c>
//   op <name> fc <in> <out> <relu>          (weights [oc][in_h*in_w*in_c] in HWC order)
//   op <name> maxpool|avgpool <in> <out> <k> <stride>
//   op <name> add <in> <in2> <out> <relu>
//   end
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "workload/layer.h"

namespace axpod::engine {

enum class OpKind { conv, fc, maxpool, avgpool, add };
const char* to_string(OpKind k);

struct QTensor {
  int h = 0, w = 0, c = 0;  // HWC shape (batch 1)
  float scale = 1;          // real value = scale * int8
};

struct QOp {
  std::string name;
  OpKind kind = OpKind::conv;
  int in = 0, in2 = -1, out = 0;  // tensor ids
  int k = 1, stride = 1, pad = 0;
  bool relu = false;
  std::vector<std::int8_t> weights;  // conv/fc: [oc][ky][kx][ic]
  std::vector<float> wscale;         // per output channel
  std::vector<std::int32_t> bias;    // per output channel, in units of in_scale * wscale
  int out_c() const { return static_cast<int>(wscale.size()); }
  bool is_mac() const { return kind == OpKind::conv || kind == OpKind::fc; }
};

struct QNet {
  std::string name;
  int classes = 10;
  std::vector<QTensor> tensors;  // [0] = input
  std::vector<QOp> ops;          // in execution order
  /// Index of a MAC op by name, or -1.
  int find(const std::string& op) const;
  /// The accelerator's view: one workload layer per op (conv, fc, pool, add), batch `batch`.
  workload::Network workload(int batch = 1) const;
};

/// Writes / reads the .axq format (atomic write; reads validate everything and name the file).
void save_qnet(const QNet& net, const std::string& path);
QNet load_qnet(const std::string& path);

/// A real multiplier M > 0 as m0 * 2^(shift - 31) with m0 in [2^30, 2^31).
struct FixedMultiplier {
  std::int32_t m0 = 0;
  int shift = 0;
};
FixedMultiplier quantize_multiplier(double m);
/// round_half_away(x * M) with M given as a FixedMultiplier; exact 64-bit arithmetic. (Inline:
/// the engine applies it to every output.)
inline std::int32_t apply_multiplier(std::int64_t x, FixedMultiplier m) {
  // x * m0 * 2^(shift - 31): |x| < 2^32, m0 < 2^31 -> the product fits in 63 bits.
  const std::int64_t prod = x * m.m0;
  const int s = 31 - m.shift;
  if (s <= 0) return static_cast<std::int32_t>(prod << -s);
  if (s >= 63) return 0;
  const std::int64_t half = std::int64_t{1} << (s - 1);
  const std::int64_t r = prod >= 0 ? (prod + half) >> s : -((-prod + half) >> s);
  return static_cast<std::int32_t>(std::clamp<std::int64_t>(
      r, std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max()));
}
/// Symmetric int8 quantization of a real value with `scale` (round half away, clamp).
std::int8_t quantize(float v, float scale);

}  // namespace axpod::engine
