// The architecture space of XAI-NAS: small CNNs for 28x28 single-channel images.
//
// An architecture is a sequence of conv blocks (width, kernel 3 or 5, "same" padding, stride 1,
// ReLU; optionally a residual add of the block's input, which needs the input's width; optionally
// a 2x2 max-pool after it), then 1 to 3 hidden fully connected layers and the 10-way output
// layer. It is named by a string that is also its zoo model name, e.g.
// `nas_c16k5p_c32k3rp_f120` (the torch module builds it from the name):
//   c<W>k<K>[r][p]  conv block of width W, kernel K, residual (r), pool (p)
//   f<N>            hidden fully connected layer of N units
// MAC layers are named conv1.., fc1.. (the output layer is the last fc).
#pragma once

#include <string>
#include <vector>

namespace axpod::nas {

struct ConvBlock {
  int width = 16;         // output channels
  int kernel = 3;         // 3 or 5
  bool residual = false;  // add the block's input (same width needed)
  bool pool = false;      // 2x2 max-pool after the block
};

struct Arch {
  std::vector<ConvBlock> convs;  // 1..kMaxConvs
  std::vector<int> fcs;          // hidden units, 1..3 layers
};

inline constexpr int kMaxConvs = 6;
inline constexpr int kMinWidth = 4, kMaxWidth = 128;
inline constexpr int kMinUnits = 8, kMaxUnits = 512;
inline constexpr int kClasses = 10;

/// Whether `name` is an architecture name (starts with "nas_").
bool is_arch_name(const std::string& name);
/// Parses a name; axpod::Error naming the bad token otherwise.
Arch parse_arch(const std::string& name);
/// The name of an architecture (valid() first).
std::string arch_name(const Arch& a);
/// Empty when the architecture is buildable, else why not (a residual block whose input width
/// differs, more than two... pools than the image allows, widths out of range).
std::string check_arch(const Arch& a);

/// Spatial size after the blocks (28 halved per pool).
int final_size(const Arch& a);
/// MAC layer names in order: conv1..convN, fc1..fcM+1.
std::vector<std::string> mac_layers(const Arch& a);
/// Int8 weight bytes of all MAC layers (biases excluded).
long long weight_bytes(const Arch& a);

/// The moves of the search.
enum class Move {
  kWiden,
  kShrink,
  kKernel,
  kPool,
  kResidual,
  kAddBlock,
  kRemoveBlock,
  kAddFc,
  kRemoveFc
};
inline constexpr int kMoves = 9;

/// Makes an architecture buildable: clamps sizes and counts, drops residuals whose input width
/// differs and pools the map is too small for.
Arch repair(Arch a);
/// One move on MAC layer `layer` (convs first, then the hidden fcs; moves on the output layer
/// fall back to the last hidden fc): widen 1.5x, shrink (halve; a conv block of width <= 8
/// among others is removed), swap the kernel 3<->5, toggle pool or residual, add a residual
/// block after it, remove it, add or remove a hidden fc. The result is repaired.
Arch apply_move(Arch a, int layer, Move m);

/// One-point crossover of two architectures (NSGA-II's): the child takes `a`'s first `cut_a`
/// conv blocks, then `b`'s blocks from `cut_b` on, and the hidden fc layers of `b` when
/// `fcs_from_b`, else of `a`; repaired. Cuts are clamped to [1, blocks] for `a` (at least one
/// block of `a`) and [0, blocks] for `b`.
Arch crossover(const Arch& a, const Arch& b, int cut_a, int cut_b, bool fcs_from_b);

}  // namespace axpod::nas
