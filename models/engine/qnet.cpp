#include "engine/qnet.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <sstream>

#include "common/error.h"
#include "common/fs.h"
#include "common/names.h"
#include "common/text.h"

namespace axpod::engine {

namespace {
constexpr Names<OpKind, 5> kOpKinds{{{OpKind::conv, "conv"},
                                     {OpKind::fc, "fc"},
                                     {OpKind::maxpool, "maxpool"},
                                     {OpKind::avgpool, "avgpool"},
                                     {OpKind::add, "add"}}};
}  // namespace

const char* to_string(OpKind k) {
  return name_of(kOpKinds, k);
}

int QNet::find(const std::string& op) const {
  for (std::size_t i = 0; i < ops.size(); ++i)
    if (ops[i].name == op) return static_cast<int>(i);
  return -1;
}

workload::Network QNet::workload(int batch) const {
  workload::Network n;
  n.name = name;
  for (const auto& op : ops) {
    const QTensor& in = tensors[op.in];
    const QTensor& out = tensors[op.out];
    switch (op.kind) {
      case OpKind::conv:
        n.layers.push_back(
            workload::make_conv(op.name, in.h, in.w, in.c, op.k, out.c, op.stride, op.pad, batch));
        break;
      case OpKind::fc:
        n.layers.push_back(workload::make_fc(op.name, in.h * in.w * in.c, out.c, batch));
        break;
      case OpKind::maxpool:
      case OpKind::avgpool:
        n.layers.push_back(
            workload::make_pool(op.name, in.h, in.w, in.c, op.k, op.stride, 0, batch));
        break;
      case OpKind::add:
        n.layers.push_back(workload::make_add(op.name, out.h, out.w, out.c, batch));
        break;
    }
  }
  return n;
}

FixedMultiplier quantize_multiplier(double m) {
  if (!(m > 0) || !std::isfinite(m))
    throw Error("requantization multiplier must be positive and finite");
  int e = 0;
  const double q = std::frexp(m, &e);  // m = q * 2^e, q in [0.5, 1)
  auto m0 = static_cast<std::int64_t>(std::llround(q * 2147483648.0));
  if (m0 == (std::int64_t{1} << 31)) {
    m0 /= 2;
    ++e;
  }
  return {static_cast<std::int32_t>(m0), e};
}

std::int8_t quantize(float v, float scale) {
  const double q = std::round(static_cast<double>(v) / scale);  // std::round: half away from zero
  return static_cast<std::int8_t>(std::clamp(q, -128.0, 127.0));
}

namespace {

template <class T>
void put_blob(std::string& out, const char* name, const std::vector<T>& v) {
  out += std::string("blob ") + name + " " + std::to_string(v.size()) + "\n";
  out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  out += "\n";
}

}  // namespace

void save_qnet(const QNet& net, const std::string& path) {
  std::string out =
      "axpod-qnet 1\nname " + net.name + "\nclasses " + std::to_string(net.classes) + "\n";
  char line[256];
  for (std::size_t i = 0; i < net.tensors.size(); ++i) {
    const auto& t = net.tensors[i];
    std::snprintf(line, sizeof line, "tensor %zu %d %d %d %.9g\n", i, t.h, t.w, t.c,
                  static_cast<double>(t.scale));
    out += line;
  }
  for (const auto& op : net.ops) {
    switch (op.kind) {
      case OpKind::conv:
        std::snprintf(line, sizeof line, "op %s conv %d %d %d %d %d %d\n", op.name.c_str(), op.in,
                      op.out, op.k, op.stride, op.pad, op.relu ? 1 : 0);
        break;
      case OpKind::fc:
        std::snprintf(line, sizeof line, "op %s fc %d %d %d\n", op.name.c_str(), op.in, op.out,
                      op.relu ? 1 : 0);
        break;
      case OpKind::maxpool:
      case OpKind::avgpool:
        std::snprintf(line, sizeof line, "op %s %s %d %d %d %d\n", op.name.c_str(),
                      to_string(op.kind), op.in, op.out, op.k, op.stride);
        break;
      case OpKind::add:
        std::snprintf(line, sizeof line, "op %s add %d %d %d %d\n", op.name.c_str(), op.in, op.in2,
                      op.out, op.relu ? 1 : 0);
        break;
    }
    out += line;
    if (op.is_mac()) {
      put_blob(out, "weights", op.weights);
      put_blob(out, "wscale", op.wscale);
      put_blob(out, "bias", op.bias);
    }
  }
  out += "end\n";
  fs::write_file_atomic(path, out);
}

namespace {

constexpr long long kMaxDim = 1 << 20;         // any size, kernel or stride of an .axq
constexpr long long kMaxElements = 1LL << 28;  // per tensor

/// Checks one op against the tensors and the ops before it (shapes chain, sizes in range);
/// `fail` throws with the file and line.
template <class Fail>
void check_op(const QNet& net, const QOp& op, const Fail& fail) {
  const auto who = "op " + op.name + ": ";
  if (op.out == 0) fail(who + "writes the input tensor 0");
  for (const auto& o : net.ops)
    if (o.out == op.out)
      fail(who + "writes tensor " + std::to_string(op.out) + ", as " + o.name + " does");
  const auto produced = [&](int t) {
    if (t == 0) return true;
    for (const auto& o : net.ops)
      if (o.out == t) return true;
    return false;
  };
  for (int t : {op.in, op.in2})
    if (t >= 0 && !produced(t))
      fail(who + "reads tensor " + std::to_string(t) + ", which no earlier op produced" +
           (t == op.out ? " (its own output)" : ""));
  const QTensor& in = net.tensors[op.in];
  const QTensor& out = net.tensors[op.out];
  const auto shape = [](const QTensor& t) {
    return std::to_string(t.h) + "x" + std::to_string(t.w) + "x" + std::to_string(t.c);
  };
  switch (op.kind) {
    case OpKind::conv:
    case OpKind::maxpool:
    case OpKind::avgpool: {
      if (op.k < 1 || op.k > 64)
        fail(who + "kernel " + std::to_string(op.k) + " is not in [1, 64]");
      if (op.stride < 1 || op.stride > 64)
        fail(who + "stride " + std::to_string(op.stride) + " is not in [1, 64]");
      if (op.pad < 0 || op.pad >= op.k)
        fail(who + "padding " + std::to_string(op.pad) + " is not in [0, kernel - 1]");
      const long long h = (static_cast<long long>(in.h) + 2 * op.pad - op.k) / op.stride + 1;
      const long long w = (static_cast<long long>(in.w) + 2 * op.pad - op.k) / op.stride + 1;
      if (in.h + 2 * op.pad < op.k || in.w + 2 * op.pad < op.k || h != out.h || w != out.w)
        fail(who + "input " + shape(in) + " with kernel " + std::to_string(op.k) + ", stride " +
             std::to_string(op.stride) + ", padding " + std::to_string(op.pad) +
             " does not give its output " + shape(out));
      if (op.kind != OpKind::conv && out.c != in.c)
        fail(who + "pooling changes the channels: " + shape(in) + " -> " + shape(out));
      break;
    }
    case OpKind::fc:
      if (out.h != 1 || out.w != 1)
        fail(who + "a fully connected output must be 1x1xN, not " + shape(out));
      break;
    case OpKind::add: {
      const QTensor& b = net.tensors[op.in2];
      if (in.h != b.h || in.w != b.w || in.c != b.c || in.h != out.h || in.w != out.w ||
          in.c != out.c)
        fail(who + "adds " + shape(in) + " and " + shape(b) + " into " + shape(out));
      break;
    }
  }
}

}  // namespace

QNet load_qnet(const std::string& path) {
  const std::string b = fs::read_file(path);
  std::size_t pos = 0;
  int line_no = 0;
  const auto fail = [&](const std::string& what) -> void {
    throw Error(path + ":" + std::to_string(line_no) + ": " + what);
  };
  const auto next_line = [&]() {
    ++line_no;
    const std::size_t e = b.find('\n', pos);
    if (e == std::string::npos) fail("unexpected end of file (truncated?)");
    std::string l = b.substr(pos, e - pos);
    pos = e + 1;
    return l;
  };
  const auto words = [](const std::string& l) {
    std::vector<std::string> w;
    for (const auto& x : text::split(l, ' '))
      if (!x.empty()) w.push_back(x);
    return w;
  };
  if (b.rfind("axpod-qnet 1\n", 0) != 0) {
    line_no = 1;
    fail("not an axpod quantized network (expected 'axpod-qnet 1')");
  }
  next_line();
  QNet net;
  const auto num = [&](const std::string& s) {
    long long v = 0;
    if (!text::parse_int(s, v)) fail("expected an integer, got '" + s + "'");
    if (v < -kMaxDim || v > kMaxDim)
      fail("'" + s + "' is out of range (|value| <= " + std::to_string(kMaxDim) + ")");
    return static_cast<int>(v);
  };
  const auto tensor_id = [&](const std::string& s) {
    const int id = num(s);
    if (id < 0 || id >= static_cast<int>(net.tensors.size())) fail("no tensor " + s);
    return id;
  };

  const auto blob = [&](const char* name, std::size_t elem, std::size_t count, void* dst) {
    const auto w = words(next_line());
    if (w.size() != 3 || w[0] != "blob" || w[1] != name)
      fail(std::string("expected 'blob ") + name + "'");
    if (static_cast<std::size_t>(num(w[2])) != count)
      fail(std::string("blob ") + name + " has " + w[2] + " entries, expected " +
           std::to_string(count));
    if (pos + elem * count + 1 > b.size()) fail(std::string("blob ") + name + " is truncated");
    std::memcpy(dst, b.data() + pos, elem * count);
    pos += elem * count + 1;
  };
  while (true) {
    const std::string l = next_line();
    const auto w = words(l);
    if (w.empty()) continue;
    if (w[0] == "end") break;
    if (w[0] == "name" && w.size() == 2) {
      net.name = w[1];
    } else if (w[0] == "classes" && w.size() == 2) {
      net.classes = num(w[1]);
    } else if (w[0] == "tensor" && w.size() == 6) {
      if (num(w[1]) != static_cast<int>(net.tensors.size()))
        fail("tensor ids must be 0, 1, 2, ...");
      QTensor t{num(w[2]), num(w[3]), num(w[4]), 0};
      double sc = 0;
      if (!text::parse_double(w[5], sc) || !(sc > 0)) fail("bad tensor scale '" + w[5] + "'");
      t.scale = static_cast<float>(sc);
      if (t.h < 1 || t.w < 1 || t.c < 1) fail("bad tensor shape");
      if (static_cast<long long>(t.h) * t.w * t.c > kMaxElements)
        fail("tensor " + w[1] + " has more than " + std::to_string(kMaxElements) + " elements");
      net.tensors.push_back(t);
    } else if (w[0] == "op" && w.size() >= 5) {
      QOp op;
      op.name = w[1];
      const std::string& kind = w[2];
      if (kind == "conv" && w.size() == 9) {
        op.kind = OpKind::conv;
        op.in = tensor_id(w[3]);
        op.out = tensor_id(w[4]);
        op.k = num(w[5]);
        op.stride = num(w[6]);
        op.pad = num(w[7]);
        op.relu = num(w[8]) != 0;
      } else if (kind == "fc" && w.size() == 6) {
        op.kind = OpKind::fc;
        op.in = tensor_id(w[3]);
        op.out = tensor_id(w[4]);
        op.relu = num(w[5]) != 0;
      } else if ((kind == "maxpool" || kind == "avgpool") && w.size() == 7) {
        op.kind = kind == "maxpool" ? OpKind::maxpool : OpKind::avgpool;
        op.in = tensor_id(w[3]);
        op.out = tensor_id(w[4]);
        op.k = num(w[5]);
        op.stride = num(w[6]);
      } else if (kind == "add" && w.size() == 7) {
        op.kind = OpKind::add;
        op.in = tensor_id(w[3]);
        op.in2 = tensor_id(w[4]);
        op.out = tensor_id(w[5]);
        op.relu = num(w[6]) != 0;
      } else {
        fail("bad op line '" + l + "'");
      }
      check_op(net, op, fail);
      if (op.is_mac()) {
        const QTensor& in = net.tensors[op.in];
        const int oc = net.tensors[op.out].c;
        const std::size_t kk = op.kind == OpKind::conv
                                   ? static_cast<std::size_t>(op.k) * op.k * in.c
                                   : static_cast<std::size_t>(in.h) * in.w * in.c;
        if (kk * oc > b.size() - pos)  // one byte per weight: the file must hold them all
          fail("op " + op.name + ": its " + std::to_string(kk * oc) +
               " weights are more than the file holds");
        op.weights.resize(kk * oc);
        op.wscale.resize(oc);
        op.bias.resize(oc);
        blob("weights", 1, op.weights.size(), op.weights.data());
        blob("wscale", 4, op.wscale.size(), op.wscale.data());
        blob("bias", 4, op.bias.size(), op.bias.data());
        for (float s : op.wscale)
          if (!(s > 0)) fail("op " + op.name + ": weight scales must be positive");
      }
      net.ops.push_back(std::move(op));
    } else {
      fail("unknown line '" + l + "'");
    }
  }
  if (net.tensors.empty() || net.ops.empty()) throw Error(path + ": no tensors or no ops");
  const QTensor& last = net.tensors[net.ops.back().out];
  if (net.classes < 1 || net.classes > static_cast<long long>(last.h) * last.w * last.c)
    throw Error(path + ": classes " + std::to_string(net.classes) +
                " does not fit the last op's output (" + std::to_string(last.h) + "x" +
                std::to_string(last.w) + "x" + std::to_string(last.c) + ")");
  return net;
}

}  // namespace axpod::engine
