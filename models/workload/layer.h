// DNN layers as the accelerator sees them: MAC layers become GEMMs (M = output pixels x batch,
// K = kernel window x input channels, N = filters); residual adds and pooling are non-MAC steps.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace axpod::workload {

enum class LayerKind { conv, depthwise, fc, gemm, add, pool };

const char* to_string(LayerKind k);

/// GEMM view of a MAC layer: `groups` independent (M x K) * (K x N) products (depthwise
/// convolution is one group per channel with N = 1).
struct GemmShape {
  std::int64_t m = 0;       // output pixels x batch (rows of the input matrix)
  std::int64_t n = 0;       // output channels of a group
  std::int64_t k = 0;       // reduction length: kh * kw * input channels of a group
  std::int64_t groups = 1;  // independent GEMMs
  std::int64_t macs() const { return m * n * k * groups; }
};

struct Layer {
  std::string name;  // unique within a network
  LayerKind kind = LayerKind::conv;
  int batch = 1;                     // images per inference batch
  int in_h = 0, in_w = 0, in_c = 0;  // input feature map
  int k_h = 1, k_w = 1;              // kernel (pooling window for pool)
  int out_c = 0;                     // filters (= in_c for depthwise, add and pool)
  int stride = 1;                    // same stride in both directions
  int pad = 0;                       // zero padding on each side
  int out_h = 0, out_w = 0;          // output feature map (set by the constructors below)
  std::int64_t gemm_m = 0, gemm_n = 0, gemm_k = 0;  // for kind == gemm only

  /// The GEMM of a MAC layer (zero shape for add and pool).
  GemmShape gemm() const;
  std::int64_t macs() const { return gemm().macs(); }
  bool is_mac() const { return kind != LayerKind::add && kind != LayerKind::pool; }
  /// Bytes of the int8 input feature map (unique data; im2col duplicates are not counted).
  std::int64_t input_bytes() const;
  /// Bytes of the int8 weights.
  std::int64_t weight_bytes() const;
  /// Bytes of the int8 output feature map.
  std::int64_t output_bytes() const;
};

/// Output size the way frameworks compute it: floor((in + 2 pad - k) / stride) + 1.
int conv_out(int in, int k, int stride, int pad);
/// SCALE-Sim v2's output size: ceil((in - k + stride) / stride), no padding.
int scalesim_out(int in, int k, int stride);

Layer make_conv(std::string name, int in_h, int in_w, int in_c, int k, int out_c, int stride,
                int pad, int batch = 1);
Layer make_depthwise(std::string name, int in_h, int in_w, int c, int k, int stride, int pad,
                     int batch = 1);
Layer make_fc(std::string name, int in_features, int out_features, int batch = 1);
Layer make_gemm(std::string name, std::int64_t m, std::int64_t n, std::int64_t k);
Layer make_pool(std::string name, int in_h, int in_w, int c, int k, int stride, int pad = 0,
                int batch = 1);
Layer make_add(std::string name, int h, int w, int c, int batch = 1);

struct Network {
  std::string name;           // e.g. "resnet18"
  std::vector<Layer> layers;  // in execution order
  std::int64_t macs() const;
  /// Index of a layer by name, or -1.
  int find(const std::string& layer) const;
};

/// Built-in networks: lenet5 (28x28x1), resnet18, resnet50, vgg16, mobilenet_v1 (224x224x3),
/// transformer (one BERT-base encoder block, 128 tokens, as GEMMs).
std::vector<std::string> builtin_networks();
/// Throws axpod::Error (with a suggestion) for an unknown name.
Network builtin_network(const std::string& name, int batch = 1);

}  // namespace axpod::workload
