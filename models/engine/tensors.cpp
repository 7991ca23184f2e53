#include "engine/tensors.h"

#include <random>

#include "common/error.h"
#include "engine/gemm.h"

namespace axpod::engine {

std::vector<std::int8_t> im2col(const workload::Layer& l, const std::vector<std::int8_t>& input) {
  const auto g = l.gemm();
  std::vector<std::int8_t> x(static_cast<std::size_t>(g.groups * g.m * g.k), 0);
  if (l.kind == workload::LayerKind::gemm) return input;
  const bool dw = l.kind == workload::LayerKind::depthwise;
  for (int b = 0; b < l.batch; ++b)
    for (int oy = 0; oy < l.out_h; ++oy)
      for (int ox = 0; ox < l.out_w; ++ox) {
        const std::int64_t m = (static_cast<std::int64_t>(b) * l.out_h + oy) * l.out_w + ox;
        for (int ky = 0; ky < l.k_h; ++ky)
          for (int kx = 0; kx < l.k_w; ++kx) {
            const int iy = oy * l.stride - l.pad + ky, ix = ox * l.stride - l.pad + kx;
            const bool inside = iy >= 0 && iy < l.in_h && ix >= 0 && ix < l.in_w;
            for (int c = 0; c < l.in_c; ++c) {
              const std::int8_t v =
                  inside
                      ? input[((static_cast<std::size_t>(b) * l.in_h + iy) * l.in_w + ix) * l.in_c +
                              c]
                      : 0;
              if (dw) {
                x[(static_cast<std::size_t>(c) * g.m + m) * g.k + ky * l.k_w + kx] = v;
              } else {
                x[static_cast<std::size_t>(m) * g.k +
                  (static_cast<std::size_t>(ky) * l.k_w + kx) * l.in_c + c] = v;
              }
            }
          }
      }
  return x;
}

LayerTensors random_tensors(const workload::Layer& layer, std::uint64_t seed) {
  if (!layer.is_mac()) throw Error("layer '" + layer.name + "' has no GEMM");
  LayerTensors t;
  t.g = layer.gemm();
  std::mt19937_64 rng(seed);
  const auto byte = [&] {
    return static_cast<std::int8_t>(static_cast<std::uint8_t>(rng() & 0xFF));
  };
  if (layer.kind == workload::LayerKind::gemm) {
    t.x.resize(static_cast<std::size_t>(t.g.m * t.g.k));
    for (auto& v : t.x) v = byte();
  } else {
    std::vector<std::int8_t> input(static_cast<std::size_t>(layer.batch) * layer.in_h * layer.in_w *
                                   layer.in_c);
    for (auto& v : input) v = byte();
    t.x = im2col(layer, input);
  }
  t.w.resize(static_cast<std::size_t>(t.g.groups * t.g.k * t.g.n));
  for (auto& v : t.w) {
    v = byte();
    if (v == -128) v = -127;  // symmetric weight quantization never produces -128
  }
  return t;
}

std::vector<std::int32_t> reference_output(const LayerTensors& t, const mult::Table& table) {
  const auto& g = t.g;
  std::vector<std::int32_t> y(static_cast<std::size_t>(g.groups * g.m * g.n));
  for (std::int64_t gi = 0; gi < g.groups; ++gi)
    gemm_table(t.x.data() + gi * g.m * g.k, t.w.data() + gi * g.k * g.n, y.data() + gi * g.m * g.n,
               g.m, g.n, g.k, table);
  return y;
}

}  // namespace axpod::engine
