// The torch module (libaxpod_torch.so): the model zoo, training, int8 quantization and
// gradient-based attribution. libtorch lives here only (2-core machines: one heavy translation
// unit); the rest of axpod reaches it through host::TorchBackend.
#include "torch_backend.h"

#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <map>
#include <mutex>
#include <numeric>
#include <random>
#include <thread>

#include "common/error.h"
#include "common/text.h"
#include "engine/infer.h"
#include "mult/table.h"
#include "nas/arch.h"

namespace axpod::host {

namespace {

// A network as a list of ops over numbered tensors (tensor 0 = the image), the same list the
// quantized export walks, so the float and int8 models cannot drift apart.
struct OpSpec {
  std::string name;
  engine::OpKind kind;
  int in, in2, out;
  int k, stride, pad;
  int out_c;
  bool relu;
};

struct Spec {
  std::vector<OpSpec> ops;
  std::vector<std::array<int, 3>> shapes;  // h, w, c per tensor
};

class SpecBuilder {
 public:
  SpecBuilder() { m_spec.shapes.push_back({28, 28, 1}); }
  int conv(const std::string& n, int in, int k, int out_c, int stride, int pad, bool relu = true) {
    const auto s = m_spec.shapes[in];
    const int h = (s[0] + 2 * pad - k) / stride + 1, w = (s[1] + 2 * pad - k) / stride + 1;
    return add({n, engine::OpKind::conv, in, -1, 0, k, stride, pad, out_c, relu}, {h, w, out_c});
  }
  int pool(const std::string& n, int in, int k, int stride, bool avg = false) {
    const auto s = m_spec.shapes[in];
    return add({n, avg ? engine::OpKind::avgpool : engine::OpKind::maxpool, in, -1, 0, k, stride, 0,
                s[2], false},
               {(s[0] - k) / stride + 1, (s[1] - k) / stride + 1, s[2]});
  }
  int fc(const std::string& n, int in, int out, bool relu = true) {
    return add({n, engine::OpKind::fc, in, -1, 0, 1, 1, 0, out, relu}, {1, 1, out});
  }
  int residual(const std::string& n, int a, int b) {
    return add({n, engine::OpKind::add, a, b, 0, 1, 1, 0, m_spec.shapes[a][2], true},
               m_spec.shapes[a]);
  }
  Spec take() { return std::move(m_spec); }

 private:
  int add(OpSpec op, std::array<int, 3> shape) {
    op.out = static_cast<int>(m_spec.shapes.size());
    m_spec.shapes.push_back(shape);
    m_spec.ops.push_back(op);
    return op.out;
  }
  Spec m_spec;
};

Spec make_spec(const std::string& model) {
  SpecBuilder b;
  if (model == "lenet5") {
    int t = b.conv("conv1", 0, 5, 6, 1, 2);
    t = b.pool("pool1", t, 2, 2);
    t = b.conv("conv2", t, 5, 16, 1, 0);
    t = b.pool("pool2", t, 2, 2);
    t = b.fc("fc1", t, 120);
    t = b.fc("fc2", t, 84);
    b.fc("fc3", t, 10, false);
  } else if (model == "vgg6") {
    int t = b.conv("conv1", 0, 3, 16, 1, 1);
    t = b.conv("conv2", t, 3, 16, 1, 1);
    t = b.pool("pool1", t, 2, 2);
    t = b.conv("conv3", t, 3, 32, 1, 1);
    t = b.conv("conv4", t, 3, 32, 1, 1);
    t = b.pool("pool2", t, 2, 2);
    t = b.conv("conv5", t, 3, 64, 1, 1);
    t = b.conv("conv6", t, 3, 64, 1, 1);
    t = b.pool("pool3", t, 2, 2);
    t = b.fc("fc1", t, 128);
    b.fc("fc2", t, 10, false);
  } else if (model == "resnet8") {
    int t = b.conv("conv1", 0, 3, 16, 1, 1);
    const int widths[3] = {16, 32, 64};
    for (int s = 0; s < 3; ++s) {
      const std::string p = "block" + std::to_string(s + 1) + ".";
      const int stride = s == 0 ? 1 : 2;
      const int a = b.conv(p + "conv1", t, 3, widths[s], stride, 1);
      const int c = b.conv(p + "conv2", a, 3, widths[s], 1, 1, false);
      const int skip = s == 0 ? t : b.conv(p + "downsample", t, 1, widths[s], stride, 0, false);
      t = b.residual(p + "add", c, skip);
    }
    t = b.pool("avgpool", t, 7, 7, true);
    b.fc("fc", t, 10, false);
  } else if (nas::is_arch_name(model)) {
    // An XAI-NAS architecture (models/nas/arch.h), built from its name.
    const nas::Arch a = nas::parse_arch(model);
    int t = 0;
    for (std::size_t i = 0; i < a.convs.size(); ++i) {
      const auto& c = a.convs[i];
      const std::string n = "conv" + std::to_string(i + 1);
      if (c.residual) {
        const int y = b.conv(n, t, c.kernel, c.width, 1, c.kernel / 2, false);
        t = b.residual("add" + std::to_string(i + 1), y, t);
      } else {
        t = b.conv(n, t, c.kernel, c.width, 1, c.kernel / 2);
      }
      if (c.pool) t = b.pool("pool" + std::to_string(i + 1), t, 2, 2);
    }
    for (std::size_t i = 0; i < a.fcs.size(); ++i)
      t = b.fc("fc" + std::to_string(i + 1), t, a.fcs[i]);
    b.fc("fc" + std::to_string(a.fcs.size() + 1), t, nas::kClasses, false);
  } else {
    std::string msg = "unknown zoo model '" + model + "'";
    const std::string g = text::closest(model, zoo_models());
    if (!g.empty()) msg += " (did you mean '" + g + "'?)";
    throw Error(msg + "; the zoo has lenet5, vgg6, resnet8 and nas_... architectures");
  }
  return b.take();
}

struct NetImpl : torch::nn::Module {
  explicit NetImpl(const Spec& s) : spec(s) {
    const auto module_name = [](std::string n) {  // torch forbids dots in module names
      for (char& c : n)
        if (c == '.') c = '_';
      return n;
    };
    for (const auto& op : spec.ops) {
      const auto in = spec.shapes[op.in];
      if (op.kind == engine::OpKind::conv) {
        convs.push_back(register_module(
            module_name(op.name), torch::nn::Conv2d(torch::nn::Conv2dOptions(in[2], op.out_c, op.k)
                                                        .stride(op.stride)
                                                        .padding(op.pad))));
        fcs.push_back(nullptr);
      } else if (op.kind == engine::OpKind::fc) {
        fcs.push_back(register_module(module_name(op.name),
                                      torch::nn::Linear(in[0] * in[1] * in[2], op.out_c)));
        convs.push_back(nullptr);
      } else {
        convs.push_back(nullptr);
        fcs.push_back(nullptr);
      }
    }
  }
  /// Op `i` on the tensors computed so far (index = tensor id), ReLU included.
  torch::Tensor apply(std::size_t i, const std::vector<torch::Tensor>& t) {
    const auto& op = spec.ops[i];
    torch::Tensor y;
    switch (op.kind) {
      case engine::OpKind::conv:
        y = convs[i]->forward(t[op.in]);
        break;
      case engine::OpKind::fc:
        // Flatten in HWC order, as the int8 engine does.
        y = fcs[i]->forward(
            t[op.in].permute({0, 2, 3, 1}).contiguous().view({t[op.in].size(0), -1}));
        y = y.view({y.size(0), -1, 1, 1});
        break;
      case engine::OpKind::maxpool:
        y = torch::max_pool2d(t[op.in], op.k, op.stride);
        break;
      case engine::OpKind::avgpool:
        y = torch::avg_pool2d(t[op.in], op.k, op.stride);
        break;
      case engine::OpKind::add:
        y = t[op.in] + t[op.in2];
        break;
    }
    return op.relu ? torch::relu(y) : y;
  }
  /// All tensors of the float forward pass (index = tensor id).
  std::vector<torch::Tensor> forward_all(torch::Tensor x) {
    std::vector<torch::Tensor> t(spec.shapes.size());
    t[0] = x;
    for (std::size_t i = 0; i < spec.ops.size(); ++i) t[spec.ops[i].out] = apply(i, t);
    return t;
  }
  torch::Tensor forward(torch::Tensor x) { return forward_all(x).back().view({x.size(0), -1}); }

  Spec spec;
  std::vector<torch::nn::Conv2d> convs;
  std::vector<torch::nn::Linear> fcs;
};
TORCH_MODULE(Net);

torch::Tensor images_tensor(const data::Split& s, const std::vector<int>& idx, std::size_t from,
                            std::size_t count) {
  const int hw = s.images.rows * s.images.cols;
  auto t = torch::empty({static_cast<long>(count), 1, s.images.rows, s.images.cols});
  float* p = t.data_ptr<float>();
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint8_t* src = s.images.pixels.data() + static_cast<std::size_t>(idx[from + i]) * hw;
    for (int j = 0; j < hw; ++j) p[i * hw + j] = static_cast<float>(src[j]) / 255.0f;
  }
  return t;
}

torch::Tensor labels_tensor(const data::Split& s, const std::vector<int>& idx, std::size_t from,
                            std::size_t count) {
  auto t = torch::empty({static_cast<long>(count)}, torch::kLong);
  auto* p = t.data_ptr<std::int64_t>();
  for (std::size_t i = 0; i < count; ++i) p[i] = s.labels[idx[from + i]];
  return t;
}

/// Activation scales: max |x| per tensor over the first `calib` training images, / 127.
std::vector<float> calibrate(Net& net, const Spec& spec, const data::Split& train_set, int calib) {
  torch::NoGradGuard no_grad;
  net->eval();
  std::vector<float> amax(spec.shapes.size(), 0.0f);
  std::vector<int> idx(std::min(calib, train_set.images.count));
  std::iota(idx.begin(), idx.end(), 0);
  for (std::size_t s = 0; s < idx.size(); s += 500) {
    const auto n = std::min<std::size_t>(500, idx.size() - s);
    const auto ts = net->forward_all(images_tensor(train_set, idx, s, n));
    for (std::size_t t = 0; t < ts.size(); ++t)
      amax[t] = std::max(amax[t], ts[t].abs().max().item<float>());
  }
  std::vector<float> scales;
  for (std::size_t t = 0; t < spec.shapes.size(); ++t)
    scales.push_back(t == 0 ? 1.0f / 127.0f : std::max(amax[t], 1e-6f) / 127.0f);
  return scales;
}

/// The int8 network of the float weights with the given activation scales: per-channel
/// symmetric weights, int32 biases in units of input scale x weight scale.
engine::QNet export_qnet(Net& net, const Spec& spec, const std::vector<float>& scales,
                         const std::string& name) {
  torch::NoGradGuard no_grad;
  engine::QNet q;
  q.name = name;
  q.classes = 10;
  for (std::size_t t = 0; t < spec.shapes.size(); ++t)
    q.tensors.push_back({spec.shapes[t][0], spec.shapes[t][1], spec.shapes[t][2], scales[t]});
  for (std::size_t i = 0; i < spec.ops.size(); ++i) {
    const auto& os = spec.ops[i];
    engine::QOp op;
    op.name = os.name;
    op.kind = os.kind;
    op.in = os.in;
    op.in2 = os.in2;
    op.out = os.out;
    op.k = os.k;
    op.stride = os.stride;
    op.pad = os.pad;
    op.relu = os.relu;
    if (op.is_mac()) {
      torch::Tensor w, b;
      if (os.kind == engine::OpKind::conv) {
        w = net->convs[i]->weight.permute({0, 2, 3, 1}).contiguous();  // [oc][ky][kx][ic]
        b = net->convs[i]->bias;
      } else {
        // forward_all flattens in HWC order, so the weights already are [out][h][w][c].
        w = net->fcs[i]->weight.contiguous();
        b = net->fcs[i]->bias;
      }
      w = w.view({os.out_c, -1});
      const float in_scale = q.tensors[os.in].scale;
      const auto* wp = w.data_ptr<float>();
      const auto* bp = b.data_ptr<float>();
      const long k = w.size(1);
      for (int oc = 0; oc < os.out_c; ++oc) {
        float m = 0;
        for (long j = 0; j < k; ++j) m = std::max(m, std::fabs(wp[oc * k + j]));
        const float s = std::max(m, 1e-8f) / 127.0f;
        op.wscale.push_back(s);
        for (long j = 0; j < k; ++j) {
          const double v = std::round(static_cast<double>(wp[oc * k + j]) / s);
          op.weights.push_back(static_cast<std::int8_t>(std::clamp(v, -127.0, 127.0)));
        }
        op.bias.push_back(
            static_cast<std::int32_t>(std::llround(static_cast<double>(bp[oc]) / (in_scale * s))));
      }
    }
    q.ops.push_back(std::move(op));
  }
  return q;
}

engine::QNet quantize(Net& net, const Spec& spec, const data::Split& train_set, int calib,
                      const std::string& name) {
  return export_qnet(net, spec, calibrate(net, spec, train_set, calib), name);
}

std::vector<float> scales_of(const engine::QNet& q, const Spec& spec) {
  if (q.tensors.size() != spec.shapes.size())
    throw Error("the quantized network has " + std::to_string(q.tensors.size()) +
                " tensors, the zoo model " + std::to_string(spec.shapes.size()));
  std::vector<float> s;
  for (const auto& t : q.tensors) s.push_back(t.scale);
  return s;
}

void load_weights(Net& net, const std::string& pt, const std::string& model) {
  try {
    torch::load(net, pt);
  } catch (const std::exception& e) {
    throw Error("cannot load float weights '" + pt + "' for model '" + model + "': " + e.what());
  }
}

/// The images training runs over (all but the last `validation`, or the first `limit` of them),
/// in the order of the next epoch (reshuffled every epoch from `seed`), and its progress.
struct EpochPlan {
  EpochPlan(const data::Split& train_set, int epochs, int batch, int limit, int validation,
            std::uint64_t seed)
      : rng(seed) {
    const int available = train_set.images.count - std::max(0, validation);
    if (available < 1) throw Error("no training images left after the validation split");
    n = limit > 0 ? std::min(limit, available) : available;
    order.resize(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    progress.epochs = epochs;
    progress.steps = (n + batch - 1) / batch;
  }
  /// Every epoch (a new order each), every batch: `step(from, count)` trains on images
  /// order[from .. from + count) and returns the batch's mean loss; `report` sees the progress.
  void run(Net& net, int batch, const std::function<double(std::size_t, std::size_t)>& step,
           const std::function<void(const TrainProgress&)>& report) {
    for (int e = 1; e <= progress.epochs; ++e) {
      net->train();
      std::shuffle(order.begin(), order.end(), rng);
      progress.epoch = e;
      double loss_sum = 0;
      for (int s = 0; s < progress.steps; ++s) {
        const std::size_t from = static_cast<std::size_t>(s) * batch;
        loss_sum += step(from, std::min<std::size_t>(batch, static_cast<std::size_t>(n) - from));
        progress.step = s + 1;
        progress.loss = loss_sum / (s + 1);
        if (report && (s % 20 == 0 || s + 1 == progress.steps)) report(progress);
      }
    }
  }
  int n = 0;               // images per epoch
  std::vector<int> order;  // their indices, this epoch's order
  std::mt19937_64 rng;     // the shuffles
  TrainProgress progress;  // epoch, step, mean loss so far
};

/// Epochs of Adam over the training images (EpochPlan); `forward(order, from, count)` gives
/// the logits of a batch. Deterministic for a seed and a thread count.
void run_epochs(
    Net& net, double lr, int epochs, int batch, int limit, int validation, std::uint64_t seed,
    const data::Split& train_set,
    const std::function<torch::Tensor(const std::vector<int>&, std::size_t, std::size_t)>& forward,
    const std::function<void(const TrainProgress&)>& progress) {
  torch::optim::Adam optim(net->parameters(), torch::optim::AdamOptions(lr));
  EpochPlan plan(train_set, epochs, batch, limit, validation, seed);
  plan.run(
      net, batch,
      [&](std::size_t from, std::size_t count) {
        optim.zero_grad();
        const auto loss = torch::nn::functional::cross_entropy(
            forward(plan.order, from, count), labels_tensor(train_set, plan.order, from, count));
        loss.backward();
        optim.step();
        return loss.item<double>();
      },
      progress);
}

/// Plain training, data-parallel: every batch is cut into kShards shards, a replica of the net
/// computes each shard's share of the batch's loss gradient with torch on one thread (up to
/// `threads` threads take the next shard as they finish one, so a thread slowed by another
/// process does fewer, and none spins), and the shards' gradients are summed in shard order into
/// the net before Adam's step. The arithmetic does not depend on `threads`, so the trained
/// weights are the same for any thread count.
constexpr int kShards = 4;

void train_sharded(Net& net, const Spec& spec, double lr, int epochs, int batch, int limit,
                   int validation, std::uint64_t seed, int threads, const data::Split& train_set,
                   const std::function<void(const TrainProgress&)>& progress) {
  torch::optim::Adam optim(net->parameters(), torch::optim::AdamOptions(lr));
  EpochPlan plan(train_set, epochs, batch, limit, validation, seed);
  const auto& order = plan.order;
  std::vector<Net> replicas;
  for (int s = 0; s < kShards; ++s) replicas.emplace_back(spec);
  auto params = net->parameters();
  std::vector<std::vector<torch::Tensor>> rparams;
  for (auto& r : replicas) rparams.push_back(r->parameters());
  std::vector<double> shard_loss(kShards);
  const int workers = std::clamp(threads, 1, kShards);
  plan.run(
      net, batch,
      [&](std::size_t from, std::size_t count) {
        {
          torch::NoGradGuard no_grad;
          for (auto& rp : rparams)
            for (std::size_t i = 0; i < rp.size(); ++i) rp[i].copy_(params[i]);
        }
        // Shard s: images [from + count * s / kShards, from + count * (s + 1) / kShards); its
        // loss is its summed cross-entropy over the batch's count, so the shards add up to the
        // batch's mean.
        const auto run_shard = [&](int s) {
          torch::set_num_threads(1);
          const std::size_t a = from + count * static_cast<std::size_t>(s) / kShards,
                            b = from + count * static_cast<std::size_t>(s + 1) / kShards;
          Net& r = replicas[static_cast<std::size_t>(s)];
          r->zero_grad();
          r->train();
          if (b == a) {
            shard_loss[static_cast<std::size_t>(s)] = 0;
            return;
          }
          const auto loss =
              torch::nn::functional::cross_entropy(
                  r->forward(images_tensor(train_set, order, a, b - a)),
                  labels_tensor(train_set, order, a, b - a),
                  torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum)) /
              static_cast<double>(count);
          loss.backward();
          shard_loss[static_cast<std::size_t>(s)] = loss.item<double>();
        };
        std::atomic<int> next{0};
        std::exception_ptr failed;
        std::mutex failed_mutex;
        const auto work = [&] {
          try {
            for (int s = next++; s < kShards; s = next++) run_shard(s);
          } catch (...) {
            std::lock_guard<std::mutex> lock(failed_mutex);
            failed = std::current_exception();
          }
        };
        std::vector<std::jthread> pool;  // joined on the way out, also when a start fails
        for (int w = 1; w < workers; ++w) pool.emplace_back(work);
        work();
        for (auto& t : pool) t.join();
        if (failed) std::rethrow_exception(failed);
        optim.zero_grad();
        {
          torch::NoGradGuard no_grad;
          for (std::size_t i = 0; i < params.size(); ++i) {
            torch::Tensor g = torch::zeros_like(params[i]);
            for (auto& rp : rparams)
              if (rp[i].grad().defined()) g += rp[i].grad();
            params[i].mutable_grad() = g;
          }
        }
        optim.step();
        double step_loss = 0;
        for (double l : shard_loss) step_loss += l;
        return step_loss;
      },
      progress);
}

/// The approximation-aware forward pass: every tensor takes the value the bit-exact int8
/// engine computes for it (with each MAC layer's multiplier table), while gradients flow
/// through the float operations (straight-through: y = y_float + (engine - y_float).detach()).
/// Returns the logits; `int8_logits` (when given) receives the engine's int8 logits per image.
struct ApproxForward {
  Net& net;
  const Spec& spec;
  const std::vector<float>& scales;
  const std::map<std::string, const mult::Table*>& tables;
  std::string name;
  int threads = 1;
  torch::Tensor* input = nullptr;  // when set: receives the input tensor, which needs a gradient

  torch::Tensor operator()(const data::Split& split, const std::vector<int>& idx, std::size_t from,
                           std::size_t count,
                           std::vector<std::vector<std::int8_t>>* int8_logits = nullptr) {
    engine::Engine eng(export_qnet(net, spec, scales, name));
    eng.assign_tables(tables);
    // The engine's tensors of every image, dequantized, NCHW.
    std::vector<std::vector<std::vector<std::int8_t>>> runs(count);
    const std::size_t px = static_cast<std::size_t>(split.images.rows) * split.images.cols;
    std::atomic<std::size_t> next{0};
    std::exception_ptr failure;  // the first error of a worker, rethrown after the join
    std::mutex failure_mu;
    const auto worker = [&] {
      try {
        for (std::size_t i = next++; i < count; i = next++)
          eng.run(eng.quantize_image(split.images.pixels.data() + idx[from + i] * px).data(),
                  nullptr, &runs[i]);
      } catch (...) {
        const std::lock_guard lock(failure_mu);
        if (!failure) failure = std::current_exception();
        next = count;
      }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < std::max(1, threads); ++t) pool.emplace_back(worker);
    worker();
    for (auto& th : pool) th.join();
    if (failure) std::rethrow_exception(failure);
    std::vector<torch::Tensor> deq(spec.shapes.size());
    for (std::size_t t = 1; t < spec.shapes.size(); ++t) {
      const auto [h, w, c] = spec.shapes[t];
      auto hwc = torch::empty({static_cast<long>(count), h, w, c});
      float* p = hwc.data_ptr<float>();
      const std::size_t n = static_cast<std::size_t>(h) * w * c;
      for (std::size_t i = 0; i < count; ++i)
        for (std::size_t e = 0; e < n; ++e) p[i * n + e] = runs[i][t][e] * scales[t];
      deq[t] = hwc.permute({0, 3, 1, 2}).contiguous();
    }
    if (int8_logits) {
      int8_logits->clear();
      for (const auto& r : runs) int8_logits->push_back(r[spec.ops.back().out]);
    }
    std::vector<torch::Tensor> ts(spec.shapes.size());
    ts[0] = images_tensor(split, idx, from, count);
    if (input) {
      ts[0].requires_grad_(true);
      *input = ts[0];
    }
    for (std::size_t i = 0; i < spec.ops.size(); ++i) {
      const auto& op = spec.ops[i];
      const auto y = net->apply(i, ts);
      ts[op.out] = y + (deq[op.out] - y).detach();
    }
    return ts.back().view({static_cast<long>(count), -1});
  }
};

engine::QNet finetune_model(const FinetuneOptions& o, const engine::QNet& from,
                            const std::map<std::string, const mult::Table*>& tables,
                            const data::Split& train_set,
                            const std::function<void(const TrainProgress&)>& progress) {
  const Spec spec = make_spec(o.model);
  if (o.epochs < 1) throw Error("fine-tuning needs at least 1 epoch");
  torch::manual_seed(o.seed);
  torch::set_num_threads(std::max(1, o.threads));
  Net net(spec);
  load_weights(net, o.weights_pt, o.model);
  const auto scales = scales_of(from, spec);
  ApproxForward fwd{net, spec, scales, tables, from.name, o.threads};
  run_epochs(
      net, o.lr, o.epochs, o.batch, o.train_limit, o.validation, o.seed, train_set,
      [&](const std::vector<int>& order, std::size_t at, std::size_t count) {
        return fwd(train_set, order, at, count);
      },
      progress);
  if (!o.weights_out.empty()) torch::save(net, o.weights_out);
  return export_qnet(net, spec, scales, from.name);
}

std::vector<std::vector<std::int8_t>> approx_logits(
    const std::string& model, const std::string& weights_pt, const engine::QNet& from,
    const std::map<std::string, const mult::Table*>& tables, const data::Split& split, int begin,
    int count) {
  const Spec spec = make_spec(model);
  Net net(spec);
  load_weights(net, weights_pt, model);
  const auto scales = scales_of(from, spec);
  std::vector<int> idx(count);
  std::iota(idx.begin(), idx.end(), begin);
  ApproxForward fwd{net, spec, scales, tables, from.name, 1};
  std::vector<std::vector<std::int8_t>> engine_logits;
  const auto logits = fwd(split, idx, 0, static_cast<std::size_t>(count), &engine_logits).detach();
  // The forward's own logits, back on the int8 grid of the output tensor.
  std::vector<std::vector<std::int8_t>> out;
  const float s = scales.back();
  for (int i = 0; i < count; ++i) {
    std::vector<std::int8_t> row;
    for (long c = 0; c < logits.size(1); ++c)
      row.push_back(static_cast<std::int8_t>(std::lround(logits[i][c].item<float>() / s)));
    out.push_back(row);
  }
  return out;
}

AttackResult attack_images(const AttackOptions& o, const engine::QNet& from,
                           const std::map<std::string, const mult::Table*>& tables,
                           const data::Split& split, int begin, int count) {
  if (o.method != "fgsm" && o.method != "pgd")
    throw Error("attack method '" + o.method + "': expected fgsm or pgd");
  if (!(o.eps >= 0 && o.eps <= 1)) throw Error("--eps must lie in [0, 1]");
  if (o.method == "pgd" && (o.steps < 1 || o.steps > 1000))
    throw Error("--steps must lie in [1, 1000]");
  if (count < 1 || begin < 0 || begin + count > split.images.count)
    throw Error("attack: images out of the split");
  const Spec spec = make_spec(o.model);
  torch::set_num_threads(std::max(1, o.threads));
  Net net(spec);
  load_weights(net, o.weights_pt, o.model);
  net->eval();
  const auto scales = scales_of(from, spec);
  const int steps = o.method == "fgsm" ? 1 : o.steps;
  const double alpha = o.method == "fgsm" ? o.eps : 2.5 * o.eps / steps;
  const std::size_t px = static_cast<std::size_t>(split.images.rows) * split.images.cols;
  // The images being attacked, as a split of their own (the approximate forward reads pixels);
  // its pixels are updated in place, step by step.
  data::Split adv;
  adv.images.count = count;
  adv.images.rows = split.images.rows;
  adv.images.cols = split.images.cols;
  adv.images.pixels.assign(
      split.images.pixels.begin() + static_cast<std::ptrdiff_t>(begin * px),
      split.images.pixels.begin() + static_cast<std::ptrdiff_t>((begin + count) * px));
  adv.labels.assign(split.labels.begin() + begin, split.labels.begin() + begin + count);
  AttackResult r;
  const auto loss_and_grad = [&](const std::vector<int>& idx, std::size_t at, std::size_t n,
                                 torch::Tensor* grad) {
    torch::Tensor x, logits;
    if (o.approx_gradients) {
      ApproxForward fwd{net, spec, scales, tables, from.name, o.threads, &x};
      logits = fwd(adv, idx, at, n);
    } else {
      x = images_tensor(adv, idx, at, n).requires_grad_(true);
      logits = net->forward(x);
    }
    const auto loss = torch::nn::functional::cross_entropy(
        logits, labels_tensor(adv, idx, at, n),
        torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
    if (grad) {
      loss.backward();
      *grad = x.grad().detach();
    }
    return loss.item<double>();
  };
  std::vector<int> idx(static_cast<std::size_t>(count));
  std::iota(idx.begin(), idx.end(), 0);
  const auto batch = static_cast<std::size_t>(std::max(1, o.batch));
  for (std::size_t at = 0; at < idx.size(); at += batch) {
    const std::size_t n = std::min(batch, idx.size() - at);
    const auto x0 = images_tensor(adv, idx, at, n);
    auto x = x0.clone();
    for (int s = 0; s < steps && o.eps > 0; ++s) {
      torch::Tensor grad;
      const double l = loss_and_grad(idx, at, n, &grad);
      if (s == 0) r.loss_clean += l;
      x = x + alpha * grad.sign();
      x = torch::min(torch::max(x, x0 - o.eps), x0 + o.eps).clamp(0.0, 1.0);
      // Back on the pixel grid the engine reads (what the attacker can feed it).
      const auto q = (x * 255.0).round().clamp(0, 255).to(torch::kUInt8).contiguous();
      std::copy_n(q.data_ptr<std::uint8_t>(), n * px, adv.images.pixels.begin() + at * px);
      x = q.to(torch::kFloat) / 255.0;
    }
    if (o.eps == 0) r.loss_clean += loss_and_grad(idx, at, n, nullptr);
    r.loss_adv += loss_and_grad(idx, at, n, nullptr);
  }
  r.pixels = std::move(adv.images.pixels);
  r.loss_clean /= count;
  r.loss_adv /= count;
  return r;
}

TrainResult train_model(const TrainOptions& opt, const data::Split& train_set,
                        const data::Split& test_set,
                        const std::function<void(const TrainProgress&)>& progress) {
  const Spec spec = make_spec(opt.model);
  if (opt.epochs < 1) throw Error("--epochs must be at least 1");
  torch::manual_seed(opt.seed);
  torch::set_num_threads(1);  // the shards are the parallelism (train_sharded)
  Net net(spec);
  if (!opt.init_pt.empty()) {
    // Weight inheritance: every parameter of the parent whose name and shape match.
    Net parent(make_spec(opt.init_model));
    load_weights(parent, opt.init_pt, opt.init_model);
    const auto from = parent->named_parameters();
    torch::NoGradGuard no_grad;
    for (auto& p : net->named_parameters()) {
      const auto* q = from.find(p.key());
      if (q && q->sizes() == p.value().sizes()) p.value().copy_(*q);
    }
  }
  const auto t0 = std::chrono::steady_clock::now();
  train_sharded(net, spec, opt.lr, opt.epochs, opt.batch, opt.train_limit, opt.validation, opt.seed,
                opt.threads, train_set, progress);
  TrainResult r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  torch::set_num_threads(std::max(1, opt.threads));
  {
    torch::NoGradGuard no_grad;
    net->eval();
    std::vector<int> idx(test_set.images.count);
    std::iota(idx.begin(), idx.end(), 0);
    long correct = 0;
    for (std::size_t s = 0; s < idx.size(); s += 1000) {
      const auto cnt = std::min<std::size_t>(1000, idx.size() - s);
      const auto pred = net->forward(images_tensor(test_set, idx, s, cnt)).argmax(1);
      correct += pred.eq(labels_tensor(test_set, idx, s, cnt)).sum().item<long>();
    }
    r.float_test_accuracy = static_cast<double>(correct) / test_set.images.count;
  }
  if (!opt.weights_out.empty()) torch::save(net, opt.weights_out);
  r.qnet = quantize(net, spec, train_set, opt.calib_images, opt.model);
  return r;
}

void zero_weights(const std::string& model, const std::string& pt_in, const std::string& pt_out,
                  const std::string& layer) {
  const Spec spec = make_spec(model);
  Net net(spec);
  torch::load(net, pt_in);
  bool found = false;
  torch::NoGradGuard no_grad;
  for (std::size_t i = 0; i < spec.ops.size(); ++i) {
    if (spec.ops[i].name != layer) continue;
    found = true;
    if (net->convs[i]) {
      net->convs[i]->weight.zero_();
      net->convs[i]->bias.zero_();
    } else if (net->fcs[i]) {
      net->fcs[i]->weight.zero_();
      net->fcs[i]->bias.zero_();
    }
  }
  if (!found) throw Error("no layer '" + layer + "' in model '" + model + "'");
  torch::save(net, pt_out);
}

std::vector<LayerScore> attribute(const std::string& model, const std::string& weights_pt,
                                  RankMethod method, const data::Split& split, int begin, int count,
                                  int steps, int threads) {
  const Spec spec = make_spec(model);
  torch::set_num_threads(std::max(1, threads));
  Net net(spec);
  load_weights(net, weights_pt, model);
  net->eval();
  if (begin < 0 || count < 1 || begin + count > split.images.count)
    throw Error("rank: sample range out of the split");
  if (steps < 1) throw Error("rank: --steps must be at least 1");
  std::vector<int> idx(count);
  std::iota(idx.begin(), idx.end(), begin);
  const auto x = images_tensor(split, idx, 0, static_cast<std::size_t>(count));
  const auto target = labels_tensor(split, idx, 0, static_cast<std::size_t>(count)).view({-1, 1});
  std::vector<std::size_t> mac_ops;
  for (std::size_t i = 0; i < spec.ops.size(); ++i)
    if (spec.ops[i].kind == engine::OpKind::conv || spec.ops[i].kind == engine::OpKind::fc)
      mac_ops.push_back(i);
  std::vector<torch::Tensor> cond(spec.ops.size());
  // Forward at a path point, returning each MAC layer's output and its gradient of F (the
  // target logit, summed over samples: every sample's F depends on its own input only).
  const auto point = [&](double alpha, std::vector<torch::Tensor>& ys,
                         std::vector<torch::Tensor>& gs) {
    auto ts = net->forward_all(x * alpha);
    for (auto i : mac_ops) ts[spec.ops[i].out].retain_grad();
    const auto f = ts.back().view({count, -1}).gather(1, target).sum();
    f.backward();
    ys.assign(spec.ops.size(), {});
    gs.assign(spec.ops.size(), {});
    for (auto i : mac_ops) {
      ys[i] = ts[spec.ops[i].out].detach();
      gs[i] = ts[spec.ops[i].out].grad().detach();
    }
  };
  std::vector<torch::Tensor> y_prev, g;
  if (method == RankMethod::conductance) {
    std::vector<torch::Tensor> dummy;
    point(0.0, y_prev, dummy);  // the baseline's layer outputs
    for (int k = 1; k <= steps; ++k) {
      std::vector<torch::Tensor> y;
      point(static_cast<double>(k) / steps, y, g);
      for (auto i : mac_ops) {
        const auto term = g[i] * (y[i] - y_prev[i]);
        cond[i] = cond[i].defined() ? cond[i] + term : term;
      }
      y_prev = y;
    }
  } else {
    point(1.0, y_prev, g);
    for (auto i : mac_ops) cond[i] = g[i] * y_prev[i];
  }
  std::vector<LayerScore> out;
  for (auto i : mac_ops) {
    const auto per_sample = cond[i].abs().view({count, -1}).sum(1);  // sum_j |Cond_j|
    const double units = static_cast<double>(cond[i].numel()) / count;
    out.push_back({spec.ops[i].name, per_sample.mean().item<double>() / units});
  }
  return out;
}

class Backend final : public TorchBackend {
 public:
  TrainResult train(const TrainOptions& opt, const data::Split& train_set,
                    const data::Split& test_set,
                    const std::function<void(const TrainProgress&)>& progress) const override {
    return train_model(opt, train_set, test_set, progress);
  }
  std::vector<LayerScore> rank_layers(const std::string& model, const std::string& weights_pt,
                                      RankMethod method, const data::Split& split, int begin,
                                      int count, int steps, int threads) const override {
    return attribute(model, weights_pt, method, split, begin, count, steps, threads);
  }
  void zero_layer_weights(const std::string& model, const std::string& pt_in,
                          const std::string& pt_out, const std::string& layer) const override {
    zero_weights(model, pt_in, pt_out, layer);
  }
  engine::QNet finetune(const FinetuneOptions& opt, const engine::QNet& from,
                        const std::map<std::string, const mult::Table*>& tables,
                        const data::Split& train_set,
                        const std::function<void(const TrainProgress&)>& progress) const override {
    return finetune_model(opt, from, tables, train_set, progress);
  }
  AttackResult attack(const AttackOptions& opt, const engine::QNet& from,
                      const std::map<std::string, const mult::Table*>& tables,
                      const data::Split& split, int begin, int count) const override {
    return attack_images(opt, from, tables, split, begin, count);
  }
  std::vector<std::vector<std::int8_t>> finetune_logits(
      const std::string& model, const std::string& weights_pt, const engine::QNet& from,
      const std::map<std::string, const mult::Table*>& tables, const data::Split& split, int begin,
      int count) const override {
    return approx_logits(model, weights_pt, from, tables, split, begin, count);
  }
};

}  // namespace
}  // namespace axpod::host

extern "C" __attribute__((visibility("default"))) const axpod::host::TorchBackend*
axpod_torch_backend(int abi) {
  static const axpod::host::Backend backend;
  return abi == axpod::host::kTorchBackendAbi ? &backend : nullptr;
}
