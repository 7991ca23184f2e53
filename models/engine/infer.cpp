#include "engine/infer.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

#include "common/error.h"
#include "common/text.h"
#include "mult/registry.h"

namespace axpod::engine {

mult::Table int8_table(const std::string& multiplier) {
  const auto created = mult::Registry::instance().create(multiplier);
  const mult::Table t(*created.model);
  if (created.info.is_signed) return t;
  std::vector<mult::product_t> p(mult::kTableSize);
  for (int a = -128; a < 128; ++a)
    for (int b = -128; b < 128; ++b) {
      const auto m =
          t(static_cast<std::uint8_t>(std::abs(a)), static_cast<std::uint8_t>(std::abs(b)));
      p[mult::table_index(static_cast<std::uint8_t>(a & 0xFF),
                          static_cast<std::uint8_t>(b & 0xFF))] = ((a < 0) != (b < 0)) ? -m : m;
    }
  return mult::Table(std::move(p));
}

Engine::Engine(QNet net) : m_net(std::move(net)), m_prep(m_net.ops.size()) {
  for (std::size_t i = 0; i < m_net.ops.size(); ++i) {
    const QOp& op = m_net.ops[i];
    Prepared& p = m_prep[i];
    const QTensor& in = m_net.tensors[op.in];
    const QTensor& out = m_net.tensors[op.out];
    if (op.is_mac()) {
      const int n = op.out_c();
      const std::size_t k = op.weights.size() / static_cast<std::size_t>(n);
      std::vector<std::int8_t> w(op.weights.size());
      p.wu.resize(op.weights.size());
      for (int oc = 0; oc < n; ++oc)
        for (std::size_t kk = 0; kk < k; ++kk) {
          const std::int8_t v = op.weights[static_cast<std::size_t>(oc) * k + kk];
          w[kk * n + oc] = v;
          p.wu[kk * n + oc] = static_cast<std::uint8_t>(v);
        }
      p.w = ExactWeights(w.data(), static_cast<std::int64_t>(k), n);
      for (int oc = 0; oc < n; ++oc)
        p.requant.push_back(
            quantize_multiplier(static_cast<double>(in.scale) * op.wscale[oc] / out.scale));
    } else if (op.kind == OpKind::add) {
      const QTensor& in2 = m_net.tensors[op.in2];
      p.add_a = quantize_multiplier(static_cast<double>(in.scale) / out.scale);
      p.add_b = quantize_multiplier(static_cast<double>(in2.scale) / out.scale);
    } else if (op.kind == OpKind::avgpool) {
      p.pool = quantize_multiplier(static_cast<double>(in.scale) / out.scale / (op.k * op.k));
    }
  }
}

void Engine::assign(const std::map<std::string, std::string>& per_layer,
                    const std::string& fallback) {
  std::vector<std::string> names;
  for (const auto& op : m_net.ops)
    if (op.is_mac()) names.push_back(op.name);
  for (const auto& [name, m] : per_layer) {
    const int i = m_net.find(name);
    if (i < 0 || !m_net.ops[i].is_mac()) {
      std::string msg = "no MAC layer '" + name + "' in network '" + m_net.name + "'";
      const std::string g = text::closest(name, names);
      if (!g.empty()) msg += " (did you mean '" + g + "'?)";
      throw Error(msg);
    }
  }
  const auto table_for = [&](const std::string& m) -> const mult::Table* {
    if (is_exact_int8(m)) return nullptr;
    auto it = m_tables.find(m);
    if (it == m_tables.end())
      it = m_tables.emplace(m, std::make_unique<mult::Table>(int8_table(m))).first;
    return it->second.get();
  };
  std::map<std::string, const mult::Table*> tables;
  for (const auto& op : m_net.ops) {
    if (!op.is_mac()) continue;
    const auto it = per_layer.find(op.name);
    tables[op.name] = table_for(it != per_layer.end() ? it->second : fallback);
  }
  assign_tables(tables);
}

void Engine::assign_tables(const std::map<std::string, const mult::Table*>& per_layer) {
  for (std::size_t i = 0; i < m_net.ops.size(); ++i) {
    if (!m_net.ops[i].is_mac()) continue;
    const auto it = per_layer.find(m_net.ops[i].name);
    const mult::Table* t = it != per_layer.end() ? it->second : nullptr;
    if (t == nullptr) {
      m_prep[i].table = nullptr;
      continue;
    }
    auto pt = m_prepared.find(t);
    if (pt == m_prepared.end())
      pt = m_prepared.emplace(t, std::make_unique<PreparedTable>(*t)).first;
    m_prep[i].table = pt->second.get();
  }
}

std::int64_t Engine::macs_per_image() const {
  std::int64_t s = 0;
  for (const auto& op : m_net.ops) {
    if (!op.is_mac()) continue;
    const QTensor& out = m_net.tensors[op.out];
    s += static_cast<std::int64_t>(out.h) * out.w * static_cast<std::int64_t>(op.weights.size());
  }
  return s;
}

namespace {

std::int8_t clamp8(std::int32_t v, bool relu) {
  return static_cast<std::int8_t>(std::clamp(v, relu ? 0 : -128, 127));
}

}  // namespace

std::vector<std::int8_t> Engine::run(const std::int8_t* input, std::vector<MacTrace>* trace,
                                     std::vector<std::vector<std::int8_t>>* tensors) const {
  // Scratch kept by the thread between images (no allocation, no page faults per image).
  thread_local std::vector<std::vector<std::int8_t>> t;
  thread_local std::vector<std::int8_t> cols;
  thread_local std::vector<std::int32_t> acc;
  t.resize(std::max(t.size(), m_net.tensors.size()));
  const QTensor& in0 = m_net.tensors[0];
  t[0].assign(input, input + static_cast<std::size_t>(in0.h) * in0.w * in0.c);
  for (std::size_t i = 0; i < m_net.ops.size(); ++i) {
    const QOp& op = m_net.ops[i];
    const Prepared& p = m_prep[i];
    const QTensor& in = m_net.tensors[op.in];
    const QTensor& out = m_net.tensors[op.out];
    const std::vector<std::int8_t>& src = t[op.in];
    std::vector<std::int8_t>& dst = t[op.out];
    dst.assign(static_cast<std::size_t>(out.h) * out.w * out.c, 0);
    switch (op.kind) {
      case OpKind::conv:
      case OpKind::fc: {
        const std::int64_t n = out.c;
        const std::int64_t k = p.w.k;
        const std::int64_t m = op.kind == OpKind::fc ? 1 : static_cast<std::int64_t>(out.h) * out.w;
        const std::int8_t* x = src.data();
        if (op.kind == OpKind::conv) {
          cols.assign(static_cast<std::size_t>(m * k), 0);
          for (int oy = 0; oy < out.h; ++oy)
            for (int ox = 0; ox < out.w; ++ox) {
              std::int8_t* row = cols.data() + (static_cast<std::int64_t>(oy) * out.w + ox) * k;
              for (int ky = 0; ky < op.k; ++ky) {
                const int iy = oy * op.stride - op.pad + ky;
                if (iy < 0 || iy >= in.h) continue;
                for (int kx = 0; kx < op.k; ++kx) {
                  const int ix = ox * op.stride - op.pad + kx;
                  if (ix < 0 || ix >= in.w) continue;
                  std::copy_n(src.data() + (static_cast<std::size_t>(iy) * in.w + ix) * in.c, in.c,
                              row + (static_cast<std::size_t>(ky) * op.k + kx) * in.c);
                }
              }
            }
          x = cols.data();
        }
        acc.resize(static_cast<std::size_t>(m * n));
        if (p.table)
          gemm_table_kernel(x, p.wu.data(), acc.data(), m, n, k, *p.table);
        else
          gemm_exact_kernel(x, p.w, acc.data(), m);
        if (trace)
          trace->push_back({op.name, m, n, k, std::vector<std::int8_t>(x, x + m * k), p.w.w, acc});
        for (std::int64_t r = 0; r < m; ++r)
          for (std::int64_t c = 0; c < n; ++c)
            dst[r * n + c] =
                clamp8(apply_multiplier(static_cast<std::int64_t>(acc[r * n + c]) + op.bias[c],
                                        p.requant[c]),
                       op.relu);
        break;
      }
      case OpKind::maxpool:
      case OpKind::avgpool:
        for (int oy = 0; oy < out.h; ++oy)
          for (int ox = 0; ox < out.w; ++ox)
            for (int c = 0; c < out.c; ++c) {
              std::int32_t best = -128, sum = 0;
              for (int ky = 0; ky < op.k; ++ky)
                for (int kx = 0; kx < op.k; ++kx) {
                  const int iy = oy * op.stride + ky, ix = ox * op.stride + kx;
                  if (iy >= in.h || ix >= in.w) continue;
                  const std::int32_t v = src[(static_cast<std::size_t>(iy) * in.w + ix) * in.c + c];
                  best = std::max(best, v);
                  sum += v;
                }
              dst[(static_cast<std::size_t>(oy) * out.w + ox) * out.c + c] =
                  op.kind == OpKind::maxpool ? static_cast<std::int8_t>(best)
                                             : clamp8(apply_multiplier(sum, p.pool), false);
            }
        break;
      case OpKind::add: {
        const std::vector<std::int8_t>& src2 = t[op.in2];
        for (std::size_t e = 0; e < dst.size(); ++e)
          dst[e] = clamp8(apply_multiplier(src[e], p.add_a) + apply_multiplier(src2[e], p.add_b),
                          op.relu);
        break;
      }
    }
  }
  std::vector<std::int8_t> out = t[m_net.ops.back().out];
  if (tensors)
    tensors->assign(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(m_net.tensors.size()));
  return out;
}

std::vector<std::int8_t> Engine::quantize_image(const std::uint8_t* pixels) const {
  const QTensor& in = m_net.tensors[0];
  std::vector<std::int8_t> q(static_cast<std::size_t>(in.h) * in.w * in.c);
  for (std::size_t i = 0; i < q.size(); ++i)
    q[i] = quantize(static_cast<float>(pixels[i]) / 255.0f, in.scale);
  return q;
}

int Engine::classify(const std::uint8_t* pixels) const {
  const auto logits = run(quantize_image(pixels).data());
  return static_cast<int>(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

double Engine::accuracy(const data::Split& split, int begin, int end, int threads,
                        const std::function<void(int)>& progress) const {
  const QTensor& in = m_net.tensors[0];
  if (split.images.rows != in.h || split.images.cols != in.w || in.c != 1)
    throw Error("network '" + m_net.name + "' takes " + std::to_string(in.h) + "x" +
                std::to_string(in.w) + "x" + std::to_string(in.c) + " inputs, the data set has " +
                std::to_string(split.images.rows) + "x" + std::to_string(split.images.cols) +
                " images");
  begin = std::max(0, begin);
  end = std::min(end, split.images.count);
  if (end <= begin) return 0;
  const std::size_t pixels = static_cast<std::size_t>(in.h) * in.w;
  std::atomic<int> next{begin}, correct{0}, done{0};
  const auto worker = [&] {
    constexpr int kChunk = 64;
    for (int s = next.fetch_add(kChunk); s < end; s = next.fetch_add(kChunk)) {
      int ok = 0;
      const int e = std::min(end, s + kChunk);
      for (int i = s; i < e; ++i)
        ok += classify(split.images.pixels.data() + static_cast<std::size_t>(i) * pixels) ==
              split.labels[i];
      correct += ok;
      done += e - s;
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < std::max(1, threads); ++t) pool.emplace_back(worker);
  if (progress) {
    std::thread main_worker(worker);
    while (done.load() < end - begin) {
      progress(done.load());
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    main_worker.join();
    progress(end - begin);
  } else {
    worker();
  }
  for (auto& th : pool) th.join();
  return static_cast<double>(correct.load()) / (end - begin);
}

}  // namespace axpod::engine
