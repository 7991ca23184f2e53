#include "operand_energy.h"

#include <fmt/format.h>

#include <map>

#include "common/error.h"
#include "engine/infer.h"
#include "mult/registry.h"
#include "mult/verilog_import.h"

namespace axpod::host {

mult::OperandStream layer_stream(const engine::MacTrace& t, std::size_t pairs) {
  mult::OperandStream s;
  if (t.m < 1 || t.k < 1 || t.n < 1) return s;
  // PEs spread over the K x N weight tile, each for a whole column of activations.
  const std::int64_t pes = std::max<std::int64_t>(
      1, std::min<std::int64_t>(t.k * t.n, static_cast<std::int64_t>(pairs) / t.m));
  for (std::int64_t p = 0; p < pes && s.a.size() < pairs; ++p) {
    const std::int64_t idx = p * (t.k * t.n) / pes;
    const std::int64_t k = idx / t.n, n = idx % t.n;
    const auto w = static_cast<std::uint8_t>(t.w[k * t.n + n]);
    for (std::int64_t m = 0; m < t.m && s.a.size() < pairs; ++m) {
      s.a.push_back(static_cast<std::uint8_t>(t.x[m * t.k + k]));
      s.b.push_back(w);
    }
  }
  s.description = t.op + " (weight-stationary, " + std::to_string(s.a.size()) + " pairs)";
  return s;
}

OperandEnergies operand_aware_energies(const engine::QNet& qnet, const data::Split& split,
                                       int begin, int images, const std::vector<std::string>& names,
                                       analytical::MultiplierEnergies base,
                                       const mult::GateLibrary& lib) {
  if (images < 1 || begin < 0 || begin + images > split.images.count)
    throw Error("operand-aware energy: images out of the split");
  // The operands of every MAC layer, from the exact engine.
  std::map<std::string, mult::OperandStream> streams;
  const engine::Engine eng(qnet);
  const std::size_t px = static_cast<std::size_t>(split.images.rows) * split.images.cols;
  constexpr std::size_t kPairs = 20000;  // per layer, as the catalog's uniform stream
  for (int i = 0; i < images; ++i) {
    std::vector<engine::MacTrace> tr;
    eng.run(eng.quantize_image(split.images.pixels.data() + (begin + i) * px).data(), &tr);
    for (const auto& t : tr) {
      const auto part = layer_stream(t, kPairs / static_cast<std::size_t>(images));
      auto& s = streams[t.op];
      s.a.insert(s.a.end(), part.a.begin(), part.a.end());
      s.b.insert(s.b.end(), part.b.begin(), part.b.end());
    }
  }
  OperandEnergies out{std::move(base), {}, ""};
  const auto& reg = mult::Registry::instance();
  std::map<std::string, mult::Netlist> netlists;
  for (const auto& name : names) {
    const std::string canon = reg.canonical(name);
    if (auto nl = mult::gate_netlist(canon, lib))
      netlists.emplace(canon, std::move(*nl));
    else
      out.uncosted.push_back(canon);
  }
  for (const auto& [layer, stream] : streams)
    for (const auto& [canon, netlist] : netlists)
      out.energies.set_for_layer(layer, canon, mult::hardware_cost(netlist, lib, stream).energy_fj);
  out.description = fmt::format(
      "operand-aware: toggles of each multiplier's gate netlist on each layer's own int8 "
      "operands ({} images, weight-stationary streams of up to {} pairs){}",
      images, kPairs,
      out.uncosted.empty() ? ""
                           : fmt::format("; {} without a netlist keep the catalog's uniform "
                                         "figure",
                                         out.uncosted.size()));
  return out;
}

}  // namespace axpod::host
