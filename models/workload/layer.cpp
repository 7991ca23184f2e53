#include "workload/layer.h"

#include <algorithm>

#include "common/error.h"
#include "common/names.h"
#include "common/text.h"

namespace axpod::workload {

namespace {
constexpr Names<LayerKind, 6> kLayerKinds{{{LayerKind::conv, "conv"},
                                           {LayerKind::depthwise, "depthwise"},
                                           {LayerKind::fc, "fc"},
                                           {LayerKind::gemm, "gemm"},
                                           {LayerKind::add, "add"},
                                           {LayerKind::pool, "pool"}}};
}  // namespace

const char* to_string(LayerKind k) {
  return name_of(kLayerKinds, k);
}

int conv_out(int in, int k, int stride, int pad) {
  return (in + 2 * pad - k) / stride + 1;
}
int scalesim_out(int in, int k, int stride) {
  return (in - k + stride + stride - 1) / stride;
}

GemmShape Layer::gemm() const {
  const std::int64_t pixels = static_cast<std::int64_t>(out_h) * out_w * batch;
  switch (kind) {
    case LayerKind::conv:
    case LayerKind::fc:
      return {pixels, out_c, static_cast<std::int64_t>(k_h) * k_w * in_c, 1};
    case LayerKind::depthwise:
      return {pixels, 1, static_cast<std::int64_t>(k_h) * k_w, in_c};
    case LayerKind::gemm:
      return {gemm_m, gemm_n, gemm_k, 1};
    case LayerKind::add:
    case LayerKind::pool:
      return {0, 0, 0, 0};
  }
  return {};
}

std::int64_t Layer::input_bytes() const {
  if (kind == LayerKind::gemm) return gemm_m * gemm_k;
  const std::int64_t one = static_cast<std::int64_t>(in_h) * in_w * in_c * batch;
  return kind == LayerKind::add ? 2 * one : one;
}

std::int64_t Layer::weight_bytes() const {
  switch (kind) {
    case LayerKind::conv:
    case LayerKind::fc:
      return static_cast<std::int64_t>(k_h) * k_w * in_c * out_c;
    case LayerKind::depthwise:
      return static_cast<std::int64_t>(k_h) * k_w * in_c;
    case LayerKind::gemm:
      return gemm_k * gemm_n;
    default:
      return 0;
  }
}

std::int64_t Layer::output_bytes() const {
  if (kind == LayerKind::gemm) return gemm_m * gemm_n;
  return static_cast<std::int64_t>(out_h) * out_w * out_c * batch;
}

Layer make_conv(std::string name, int in_h, int in_w, int in_c, int k, int out_c, int stride,
                int pad, int batch) {
  Layer l;
  l.name = std::move(name);
  l.kind = LayerKind::conv;
  l.batch = batch;
  l.in_h = in_h;
  l.in_w = in_w;
  l.in_c = in_c;
  l.k_h = l.k_w = k;
  l.out_c = out_c;
  l.stride = stride;
  l.pad = pad;
  l.out_h = conv_out(in_h, k, stride, pad);
  l.out_w = conv_out(in_w, k, stride, pad);
  return l;
}

Layer make_depthwise(std::string name, int in_h, int in_w, int c, int k, int stride, int pad,
                     int batch) {
  Layer l = make_conv(std::move(name), in_h, in_w, c, k, c, stride, pad, batch);
  l.kind = LayerKind::depthwise;
  return l;
}

Layer make_fc(std::string name, int in_features, int out_features, int batch) {
  Layer l = make_conv(std::move(name), 1, 1, in_features, 1, out_features, 1, 0, batch);
  l.kind = LayerKind::fc;
  return l;
}

Layer make_gemm(std::string name, std::int64_t m, std::int64_t n, std::int64_t k) {
  Layer l;
  l.name = std::move(name);
  l.kind = LayerKind::gemm;
  l.gemm_m = m;
  l.gemm_n = n;
  l.gemm_k = k;
  return l;
}

Layer make_pool(std::string name, int in_h, int in_w, int c, int k, int stride, int pad,
                int batch) {
  Layer l = make_conv(std::move(name), in_h, in_w, c, k, c, stride, pad, batch);
  l.kind = LayerKind::pool;
  return l;
}

Layer make_add(std::string name, int h, int w, int c, int batch) {
  Layer l = make_conv(std::move(name), h, w, c, 1, c, 1, 0, batch);
  l.kind = LayerKind::add;
  return l;
}

std::int64_t Network::macs() const {
  std::int64_t s = 0;
  for (const auto& l : layers) s += l.macs();
  return s;
}

int Network::find(const std::string& layer) const {
  for (std::size_t i = 0; i < layers.size(); ++i)
    if (layers[i].name == layer) return static_cast<int>(i);
  return -1;
}

namespace {

// Appends conv / pool layers while tracking the running feature-map size.
class Builder {
 public:
  Builder(std::string name, int h, int w, int c, int batch)
      : m_h(h), m_w(w), m_c(c), m_batch(batch) {
    m_net.name = std::move(name);
  }
  void conv(const std::string& n, int k, int out_c, int stride, int pad) {
    add(make_conv(n, m_h, m_w, m_c, k, out_c, stride, pad, m_batch));
  }
  void dw(const std::string& n, int k, int stride, int pad) {
    add(make_depthwise(n, m_h, m_w, m_c, k, stride, pad, m_batch));
  }
  void pool(const std::string& n, int k, int stride, int pad = 0) {
    add(make_pool(n, m_h, m_w, m_c, k, stride, pad, m_batch));
  }
  void add_residual(const std::string& n) {
    m_net.layers.push_back(make_add(n, m_h, m_w, m_c, m_batch));
  }
  void fc(const std::string& n, int out) { add(make_fc(n, m_h * m_w * m_c, out, m_batch)); }
  int h() const { return m_h; }
  int w() const { return m_w; }
  int c() const { return m_c; }
  void set(int h, int w, int c) {
    m_h = h;
    m_w = w;
    m_c = c;
  }
  Network take() { return std::move(m_net); }

 private:
  void add(Layer l) {
    m_h = l.out_h;
    m_w = l.out_w;
    m_c = l.out_c;
    if (l.kind == LayerKind::fc) m_h = m_w = 1;
    m_net.layers.push_back(std::move(l));
  }
  int m_h, m_w, m_c;  // current feature map
  int m_batch;        // batch size
  Network m_net;      // layers so far
};

Network lenet5(int batch) {
  Builder b("lenet5", 28, 28, 1, batch);
  b.conv("conv1", 5, 6, 1, 2);   // 28x28x6
  b.pool("pool1", 2, 2);         // 14x14x6
  b.conv("conv2", 5, 16, 1, 0);  // 10x10x16
  b.pool("pool2", 2, 2);         // 5x5x16
  b.fc("fc1", 120);
  b.fc("fc2", 84);
  b.fc("fc3", 10);
  return b.take();
}

Network vgg16(int batch) {
  Builder b("vgg16", 224, 224, 3, batch);
  const int cfg[5][2] = {{2, 64}, {2, 128}, {3, 256}, {3, 512}, {3, 512}};
  for (int s = 0; s < 5; ++s) {
    for (int i = 0; i < cfg[s][0]; ++i)
      b.conv("conv" + std::to_string(s + 1) + "_" + std::to_string(i + 1), 3, cfg[s][1], 1, 1);
    b.pool("pool" + std::to_string(s + 1), 2, 2);
  }
  b.fc("fc6", 4096);
  b.fc("fc7", 4096);
  b.fc("fc8", 1000);
  return b.take();
}

Network resnet(const std::string& name, bool bottleneck, const int blocks[4], int batch) {
  Builder b(name, 224, 224, 3, batch);
  b.conv("conv1", 7, 64, 2, 3);  // 112x112x64
  b.pool("pool1", 3, 2, 1);      // 56x56x64
  const int widths[4] = {64, 128, 256, 512};
  for (int s = 0; s < 4; ++s) {
    for (int i = 0; i < blocks[s]; ++i) {
      const std::string p = "layer" + std::to_string(s + 1) + "." + std::to_string(i) + ".";
      const int stride = (i == 0 && s > 0) ? 2 : 1;
      const int in_h = b.h(), in_w = b.w(), in_c = b.c();
      const int out_c = bottleneck ? widths[s] * 4 : widths[s];
      if (bottleneck) {
        b.conv(p + "conv1", 1, widths[s], 1, 0);
        b.conv(p + "conv2", 3, widths[s], stride, 1);
        b.conv(p + "conv3", 1, out_c, 1, 0);
      } else {
        b.conv(p + "conv1", 3, widths[s], stride, 1);
        b.conv(p + "conv2", 3, widths[s], 1, 1);
      }
      const int oh = b.h(), ow = b.w();
      if (stride != 1 || in_c != out_c) {
        b.set(in_h, in_w, in_c);
        b.conv(p + "downsample", 1, out_c, stride, 0);
        b.set(oh, ow, out_c);
      }
      b.add_residual(p + "add");
    }
  }
  b.pool("avgpool", b.h(), 1);
  b.fc("fc", 1000);
  return b.take();
}

Network mobilenet_v1(int batch) {
  Builder b("mobilenet_v1", 224, 224, 3, batch);
  b.conv("conv1", 3, 32, 2, 1);
  const int cfg[13][2] = {{64, 1},  {128, 2}, {128, 1}, {256, 2}, {256, 1},  {512, 2}, {512, 1},
                          {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1}};
  for (int i = 0; i < 13; ++i) {
    const std::string p = "block" + std::to_string(i + 1) + ".";
    b.dw(p + "dw", 3, cfg[i][1], 1);
    b.conv(p + "pw", 1, cfg[i][0], 1, 0);
  }
  b.pool("avgpool", b.h(), 1);
  b.fc("fc", 1000);
  return b.take();
}

Network transformer(int batch) {
  // One BERT-base encoder block: 128 tokens, d_model 768, 12 heads of 64, FFN 3072.
  Network n;
  n.name = "transformer";
  const std::int64_t t = 128 * static_cast<std::int64_t>(batch), d = 768, heads = 12, dh = 64;
  n.layers.push_back(make_gemm("q_proj", t, d, d));
  n.layers.push_back(make_gemm("k_proj", t, d, d));
  n.layers.push_back(make_gemm("v_proj", t, d, d));
  Layer scores = make_gemm("attn_scores", 128, 128, dh);    // per head: Q K^T
  Layer context = make_gemm("attn_context", 128, dh, 128);  // per head: softmax(S) V
  scores.gemm_m *= heads * batch;  // heads (and batch) stack along M: same weights shape per head
  context.gemm_m *= heads * batch;
  n.layers.push_back(scores);
  n.layers.push_back(context);
  n.layers.push_back(make_gemm("out_proj", t, d, d));
  n.layers.push_back(make_gemm("ffn1", t, 4 * d, d));
  n.layers.push_back(make_gemm("ffn2", t, d, 4 * d));
  return n;
}

}  // namespace

std::vector<std::string> builtin_networks() {
  return {"lenet5", "mobilenet_v1", "resnet18", "resnet50", "transformer", "vgg16"};
}

Network builtin_network(const std::string& name, int batch) {
  if (batch < 1) throw Error("batch must be at least 1");
  static const int r18[4] = {2, 2, 2, 2};
  static const int r50[4] = {3, 4, 6, 3};
  if (name == "lenet5") return lenet5(batch);
  if (name == "vgg16") return vgg16(batch);
  if (name == "resnet18") return resnet("resnet18", false, r18, batch);
  if (name == "resnet50") return resnet("resnet50", true, r50, batch);
  if (name == "mobilenet_v1") return mobilenet_v1(batch);
  if (name == "transformer") return transformer(batch);
  std::string msg = "unknown network '" + name + "'";
  const std::string guess = text::closest(name, builtin_networks());
  if (!guess.empty()) msg += " (did you mean '" + guess + "'?)";
  msg +=
      "; built-in: lenet5, mobilenet_v1, resnet18, resnet50, transformer, vgg16, or give a "
      ".yaml network or a SCALE-Sim .csv topology";
  throw Error(msg);
}

}  // namespace axpod::workload
