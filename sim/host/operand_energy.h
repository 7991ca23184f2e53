// Operand-aware multiplier energy: the toggle-count energy of each candidate's gate netlist on
// each MAC layer's own operand stream (the int8 activations and weights the engine sees for
// real images, streamed as a weight-stationary PE sees them), instead of uniform random
// operands. ReLU zeros, small weights and repeated values change which multiplier is cheapest
// where.
#pragma once

#include <string>
#include <vector>

#include "analytical/model.h"
#include "data/idx.h"
#include "engine/infer.h"
#include "engine/qnet.h"
#include "mult/characterize.h"

namespace axpod::host {

struct OperandEnergies {
  analytical::MultiplierEnergies energies;  // the catalog's, with per-layer figures set
  std::vector<std::string> uncosted;        // multipliers without a netlist (catalog figure)
  std::string description;                  // for reports
};

/// For every MAC layer of `qnet` and every multiplier of `names` that has a gate netlist (an
/// RTL twin or a `verilog:` circuit), the energy per operation over the layer's operands from
/// `images` images of `split` starting at `begin`; the rest keep `base`'s figures.
OperandEnergies operand_aware_energies(const engine::QNet& qnet, const data::Split& split,
                                       int begin, int images, const std::vector<std::string>& names,
                                       analytical::MultiplierEnergies base,
                                       const mult::GateLibrary& lib);

/// A weight-stationary operand stream of one MAC layer: each sampled PE holds one weight
/// w[k][n] and sees the activations x[0..M)[k] go by; up to `pairs` pairs.
mult::OperandStream layer_stream(const engine::MacTrace& t, std::size_t pairs);

}  // namespace axpod::host
