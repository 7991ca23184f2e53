#include "engine/infer.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
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

namespace {

// The runs of a conv's im2col: per output pixel and kernel row, the kernel row's part inside
// the input (one contiguous stretch of an input row, channels innermost) and the zeros of the
// padding on either side; adjacent runs of zeros merge.
std::vector<Im2colRun> im2col_runs(const QOp& op, const QTensor& in, const QTensor& out) {
  std::vector<Im2colRun> runs;
  const auto add = [&](std::int32_t src, std::int32_t len) {
    if (len <= 0) return;
    if (src < 0 && !runs.empty() && runs.back().src < 0)
      runs.back().len += len;
    else
      runs.push_back({src, len});
  };
  const std::int32_t c = in.c;
  for (int oy = 0; oy < out.h; ++oy)
    for (int ox = 0; ox < out.w; ++ox)
      for (int ky = 0; ky < op.k; ++ky) {
        const int iy = oy * op.stride - op.pad + ky;
        if (iy < 0 || iy >= in.h) {
          add(-1, op.k * c);
          continue;
        }
        const int ix0 = ox * op.stride - op.pad;
        const int kx0 = std::max(0, -ix0), kx1 = std::min(op.k, in.w - ix0);
        if (kx1 <= kx0) {
          add(-1, op.k * c);
          continue;
        }
        add(-1, kx0 * c);
        add((iy * in.w + ix0 + kx0) * c, (kx1 - kx0) * c);
        add(-1, (op.k - kx1) * c);
      }
  return runs;
}

// Bytes past a tensor's or the column matrix's end that a run's copy may read or write: runs
// are copied 16 bytes at a time, in order, so what a copy writes past its run the next run
// overwrites.
constexpr std::size_t kSlack = 16;

void copy_runs(const std::vector<Im2colRun>& runs, const std::int8_t* src, std::int8_t* dst) {
  for (const auto& r : runs) {
    if (r.src < 0) {
      std::memset(dst, 0, static_cast<std::size_t>(r.len));
    } else {
      const std::int8_t* s = src + r.src;
      for (std::int32_t i = 0; i < r.len; i += 16) {
        unsigned char b[16];
        std::memcpy(b, s + i, 16);
        std::memcpy(dst + i, b, 16);
      }
    }
    dst += r.len;
  }
}

}  // namespace

Engine::Engine(QNet net) : m_net(std::move(net)), m_prep(m_net.ops.size()) {
  if (!m_net.tensors.empty() && m_net.tensors[0].scale > 0)
    for (int v = 0; v < 256; ++v)
      m_pixel[static_cast<std::size_t>(v)] =
          quantize(static_cast<float>(v) / 255.0f, m_net.tensors[0].scale);
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
      p.output = Requantizer(op.bias, p.requant, op.relu);
      if (op.kind == OpKind::conv) {
        // The runs fill out.h x out.w rows of op.k x op.k x in.c bytes: the GEMM's k must match.
        if (static_cast<std::int64_t>(k) != static_cast<std::int64_t>(op.k) * op.k * in.c)
          throw Error("network '" + m_net.name + "': conv '" + op.name + "' has " +
                      std::to_string(k) + " weights per output channel, its " +
                      std::to_string(op.k) + "x" + std::to_string(op.k) + "x" +
                      std::to_string(in.c) + " window needs " + std::to_string(op.k * op.k * in.c));
        p.im2col = im2col_runs(op, in, out);
      }
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
  thread_local std::vector<std::int32_t> pool;  // a pooling window's max or sum per channel
  t.resize(std::max(t.size(), m_net.tensors.size()));
  const auto elements = [](const QTensor& q) { return static_cast<std::size_t>(q.h) * q.w * q.c; };
  // Tensors and the column matrix carry kSlack bytes past their end (copy_runs).
  const QTensor& in0 = m_net.tensors[0];
  t[0].assign(elements(in0) + kSlack, 0);
  std::copy_n(input, elements(in0), t[0].begin());
  for (std::size_t i = 0; i < m_net.ops.size(); ++i) {
    const QOp& op = m_net.ops[i];
    const Prepared& p = m_prep[i];
    const QTensor& in = m_net.tensors[op.in];
    const QTensor& out = m_net.tensors[op.out];
    const std::vector<std::int8_t>& src = t[op.in];
    std::vector<std::int8_t>& dst = t[op.out];
    dst.assign(elements(out) + kSlack, 0);
    switch (op.kind) {
      case OpKind::conv:
      case OpKind::fc: {
        const std::int64_t n = out.c;
        const std::int64_t k = p.w.k;
        const std::int64_t m = op.kind == OpKind::fc ? 1 : static_cast<std::int64_t>(out.h) * out.w;
        const std::int8_t* x = src.data();
        if (op.kind == OpKind::conv) {
          cols.resize(static_cast<std::size_t>(m * k) + kSlack);
          copy_runs(p.im2col, src.data(), cols.data());
          x = cols.data();
        }
        acc.resize(static_cast<std::size_t>(m * n));
        if (p.table)
          gemm_table_kernel(x, p.wu.data(), acc.data(), m, n, k, *p.table);
        else
          gemm_exact_kernel(x, p.w, acc.data(), m);
        if (trace)
          trace->push_back({op.name, m, n, k, std::vector<std::int8_t>(x, x + m * k), p.w.w, acc});
        p.output.run(acc.data(), m, dst.data());
        break;
      }
      case OpKind::maxpool:
      case OpKind::avgpool: {
        // Per output pixel, the window's part inside the input, channels innermost.
        const bool max = op.kind == OpKind::maxpool;
        const auto channels = static_cast<std::size_t>(out.c);
        pool.resize(channels);
        for (int oy = 0; oy < out.h; ++oy)
          for (int ox = 0; ox < out.w; ++ox) {
            std::fill(pool.begin(), pool.end(), max ? -128 : 0);
            const int ky1 = std::min(op.k, in.h - oy * op.stride);
            const int kx1 = std::min(op.k, in.w - ox * op.stride);
            for (int ky = 0; ky < ky1; ++ky)
              for (int kx = 0; kx < kx1; ++kx) {
                const std::int8_t* v =
                    src.data() +
                    (static_cast<std::size_t>(oy * op.stride + ky) * in.w + ox * op.stride + kx) *
                        in.c;
                if (max)
                  for (std::size_t c = 0; c < channels; ++c)
                    pool[c] = std::max<std::int32_t>(pool[c], v[c]);
                else
                  for (std::size_t c = 0; c < channels; ++c) pool[c] += v[c];
              }
            std::int8_t* o = dst.data() + (static_cast<std::size_t>(oy) * out.w + ox) * channels;
            for (std::size_t c = 0; c < channels; ++c)
              o[c] = max ? static_cast<std::int8_t>(pool[c])
                         : clamp8(apply_multiplier(pool[c], p.pool), false);
          }
        break;
      }
      case OpKind::add: {
        const std::vector<std::int8_t>& src2 = t[op.in2];
        for (std::size_t e = 0; e < elements(out); ++e)
          dst[e] = clamp8(apply_multiplier(src[e], p.add_a) + apply_multiplier(src2[e], p.add_b),
                          op.relu);
        break;
      }
    }
  }
  const auto logical = [&](std::size_t i) {
    const std::size_t size = std::min(t[i].size(), elements(m_net.tensors[i]));
    return std::vector<std::int8_t>(t[i].begin(), t[i].begin() + static_cast<std::ptrdiff_t>(size));
  };
  if (tensors) {
    tensors->clear();
    for (std::size_t i = 0; i < m_net.tensors.size(); ++i) tensors->push_back(logical(i));
  }
  return logical(static_cast<std::size_t>(m_net.ops.back().out));
}

std::vector<std::int8_t> Engine::quantize_image(const std::uint8_t* pixels) const {
  const QTensor& in = m_net.tensors[0];
  std::vector<std::int8_t> q(static_cast<std::size_t>(in.h) * in.w * in.c);
  for (std::size_t i = 0; i < q.size(); ++i) q[i] = m_pixel[pixels[i]];
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
