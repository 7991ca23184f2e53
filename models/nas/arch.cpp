#include "nas/arch.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/error.h"
#include "common/text.h"

namespace axpod::nas {

bool is_arch_name(const std::string& name) {
  return name.rfind("nas_", 0) == 0;
}

namespace {

/// Reads the digits at s[i..]; false when there are none (or too many).
bool number(const std::string& s, std::size_t& i, int& out) {
  const std::size_t from = i;
  long v = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - from < 6) v = v * 10 + (s[i++] - '0');
  out = static_cast<int>(v);
  return i > from;
}

}  // namespace

Arch parse_arch(const std::string& name) {
  if (!is_arch_name(name)) throw Error("'" + name + "' is not an architecture name (nas_...)");
  Arch a;
  const auto tokens = text::split(name.substr(4), '_');
  for (const auto& t : tokens) {
    const auto bad = [&](const std::string& why) {
      return Error("architecture '" + name + "': token '" + t + "': " + why +
                   " (expected c<width>k<3|5>[r][p] or f<units>)");
    };
    std::size_t i = 1;
    if (t.empty()) throw bad("empty");
    if (t[0] == 'c') {
      if (!a.fcs.empty()) throw bad("a conv block after a fully connected layer");
      ConvBlock b;
      if (!number(t, i, b.width)) throw bad("no width");
      if (i >= t.size() || t[i] != 'k') throw bad("no kernel");
      ++i;
      if (!number(t, i, b.kernel)) throw bad("no kernel size");
      if (i < t.size() && t[i] == 'r') b.residual = true, ++i;
      if (i < t.size() && t[i] == 'p') b.pool = true, ++i;
      if (i != t.size()) throw bad("unexpected '" + t.substr(i) + "'");
      a.convs.push_back(b);
    } else if (t[0] == 'f') {
      int units = 0;
      if (!number(t, i, units) || i != t.size()) throw bad("no unit count");
      a.fcs.push_back(units);
    } else {
      throw bad("unknown layer kind");
    }
  }
  if (const std::string why = check_arch(a); !why.empty())
    throw Error("architecture '" + name + "': " + why);
  return a;
}

std::string arch_name(const Arch& a) {
  std::string s = "nas";
  for (const auto& b : a.convs)
    s += fmt::format("_c{}k{}{}{}", b.width, b.kernel, b.residual ? "r" : "", b.pool ? "p" : "");
  for (int u : a.fcs) s += fmt::format("_f{}", u);
  return s;
}

std::string check_arch(const Arch& a) {
  if (a.convs.empty() || a.convs.size() > static_cast<std::size_t>(kMaxConvs))
    return fmt::format("1 to {} conv blocks, not {}", kMaxConvs, a.convs.size());
  if (a.fcs.empty() || a.fcs.size() > 3)
    return fmt::format("1 to 3 hidden fully connected layers, not {}", a.fcs.size());
  int in = 1, size = 28;
  for (std::size_t i = 0; i < a.convs.size(); ++i) {
    const auto& b = a.convs[i];
    if (b.width < kMinWidth || b.width > kMaxWidth)
      return fmt::format("conv block {} width {} outside [{}, {}]", i + 1, b.width, kMinWidth,
                         kMaxWidth);
    if (b.kernel != 3 && b.kernel != 5)
      return fmt::format("conv block {} kernel {}: 3 or 5", i + 1, b.kernel);
    if (b.residual && b.width != in)
      return fmt::format("conv block {} is residual but its input has {} channels, not {}", i + 1,
                         in, b.width);
    if (b.pool) {
      if (size < 4) return fmt::format("conv block {} pools a {}x{} map", i + 1, size, size);
      size /= 2;
    }
    in = b.width;
  }
  for (std::size_t i = 0; i < a.fcs.size(); ++i)
    if (a.fcs[i] < kMinUnits || a.fcs[i] > kMaxUnits)
      return fmt::format("fully connected layer {} has {} units, outside [{}, {}]", i + 1, a.fcs[i],
                         kMinUnits, kMaxUnits);
  return "";
}

int final_size(const Arch& a) {
  int size = 28;
  for (const auto& b : a.convs)
    if (b.pool) size /= 2;
  return size;
}

std::vector<std::string> mac_layers(const Arch& a) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < a.convs.size(); ++i) out.push_back(fmt::format("conv{}", i + 1));
  for (std::size_t i = 0; i <= a.fcs.size(); ++i) out.push_back(fmt::format("fc{}", i + 1));
  return out;
}

long long weight_bytes(const Arch& a) {
  long long bytes = 0;
  int in = 1;
  for (const auto& b : a.convs) {
    bytes += static_cast<long long>(b.kernel) * b.kernel * in * b.width;
    in = b.width;
  }
  long long flat = static_cast<long long>(final_size(a)) * final_size(a) * in;
  for (int u : a.fcs) {
    bytes += flat * u;
    flat = u;
  }
  return bytes + flat * kClasses;
}

Arch repair(Arch a) {
  if (a.convs.size() > static_cast<std::size_t>(kMaxConvs)) a.convs.resize(kMaxConvs);
  if (a.fcs.size() > 3) a.fcs.resize(3);
  if (a.fcs.empty()) a.fcs.push_back(32);
  int in = 1, size = 28;
  for (auto& b : a.convs) {
    b.width = std::clamp(b.width, kMinWidth, kMaxWidth);
    if (b.residual && b.width != in) b.residual = false;
    if (b.pool && size < 4) b.pool = false;
    if (b.pool) size /= 2;
    in = b.width;
  }
  for (int& u : a.fcs) u = std::clamp(u, kMinUnits, kMaxUnits);
  return a;
}

Arch crossover(const Arch& a, const Arch& b, int cut_a, int cut_b, bool fcs_from_b) {
  const int na = static_cast<int>(a.convs.size()), nb = static_cast<int>(b.convs.size());
  cut_a = std::clamp(cut_a, std::min(1, na), na);
  cut_b = std::clamp(cut_b, 0, nb);
  Arch child;
  child.convs.assign(a.convs.begin(), a.convs.begin() + cut_a);
  child.convs.insert(child.convs.end(), b.convs.begin() + cut_b, b.convs.end());
  child.fcs = fcs_from_b ? b.fcs : a.fcs;
  return repair(std::move(child));
}

Arch apply_move(Arch a, int layer, Move m) {
  const int nc = static_cast<int>(a.convs.size()), nf = static_cast<int>(a.fcs.size());
  layer = std::clamp(layer, 0, nc + nf - 1);
  const bool conv = layer < nc;
  auto& width = conv ? a.convs[layer].width : a.fcs[layer - nc];
  switch (m) {
    case Move::kWiden:
      width = width * 3 / 2 + 1;
      break;
    case Move::kShrink:
      if (conv && width <= 8 && nc > 1)
        a.convs.erase(a.convs.begin() + layer);
      else
        width = std::max(width / 2, conv ? kMinWidth : kMinUnits);
      break;
    case Move::kKernel:
      if (conv) a.convs[layer].kernel = a.convs[layer].kernel == 3 ? 5 : 3;
      break;
    case Move::kPool:
      if (conv) a.convs[layer].pool = !a.convs[layer].pool;
      break;
    case Move::kResidual:
      if (conv) {
        auto& b = a.convs[layer];
        b.residual = !b.residual;
        if (b.residual && layer > 0) b.width = a.convs[layer - 1].width;
      }
      break;
    case Move::kAddBlock: {
      const int at = conv ? layer : nc - 1;
      ConvBlock b = a.convs[at];
      b.pool = false;
      b.residual = true;  // an identity-initialisable block: same width as its input
      a.convs.insert(a.convs.begin() + at + 1, b);
      break;
    }
    case Move::kRemoveBlock:
      if (conv && nc > 1) a.convs.erase(a.convs.begin() + layer);
      break;
    case Move::kAddFc:
      if (nf < 3) a.fcs.insert(a.fcs.begin() + (conv ? 0 : layer - nc), conv ? 64 : width);
      break;
    case Move::kRemoveFc:
      if (!conv && nf > 1) a.fcs.erase(a.fcs.begin() + (layer - nc));
      break;
  }
  return repair(a);
}

}  // namespace axpod::nas
