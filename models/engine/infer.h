// The functional int8 inference engine: conv (im2col + GEMM), fully connected, max/avg pooling,
// residual add and requantization, with a multiplier table per MAC layer (or the exact int8
// path), multithreaded over images. Bit-exact by construction: the same int32 accumulators as
// the cycle-level model and the RTL for the same layer, inputs and multiplier. A conv's im2col is
// planned once per layer as runs of the input (and of padding zeros), copied per image.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "data/idx.h"
#include "engine/kernels.h"
#include "engine/qnet.h"
#include "mult/table.h"

namespace axpod::engine {

/// Whether a multiplier name means the exact int8 product ("", "exact", "exact:signed=1"):
/// the engine's exact path, no table.
inline bool is_exact_int8(const std::string& name) {
  return name.empty() || name == "exact" || name == "exact:signed=1";
}

/// The table used on int8 operands: a signed multiplier's own, or an unsigned multiplier's
/// sign-magnitude use sign(a) sign(w) M(|a|, |w|) (DESIGN.md, numeric contract).
mult::Table int8_table(const std::string& multiplier);

/// What one MAC layer saw and produced, for cross-checks with the accelerator models.
struct MacTrace {
  std::string op;
  std::int64_t m = 0, n = 0, k = 0;
  std::vector<std::int8_t> x;     // M x K (im2col of the input)
  std::vector<std::int8_t> w;     // K x N
  std::vector<std::int32_t> acc;  // M x N accumulators (before bias and requantization)
};

/// A conv's im2col as runs in the order of the column matrix's bytes: `len` bytes of the input
/// from offset `src`, or zeros where src < 0 (padding).
struct Im2colRun {
  std::int32_t src;
  std::int32_t len;
};

class Engine {
 public:
  explicit Engine(QNet net);

  /// Per-layer multipliers by MAC op name ("" or "exact" keeps the exact int8 path for ops not
  /// listed unless `fallback` names one). Unknown op names throw axpod::Error.
  void assign(const std::map<std::string, std::string>& per_layer,
              const std::string& fallback = "");

  /// Tables by MAC op name, owned by the caller (null or absent: the exact int8 path); for
  /// callers that rebuild the engine often with the same multipliers (fine-tuning).
  void assign_tables(const std::map<std::string, const mult::Table*>& per_layer);

  /// Runs one image of int8 input (HWC); returns the final tensor (the logits). `tensors`, when
  /// given, receives every tensor of the run by id (HWC int8).
  std::vector<std::int8_t> run(const std::int8_t* input, std::vector<MacTrace>* trace = nullptr,
                               std::vector<std::vector<std::int8_t>>* tensors = nullptr) const;
  /// Quantizes 8-bit pixels (value / 255) with the input scale.
  std::vector<std::int8_t> quantize_image(const std::uint8_t* pixels) const;
  /// Predicted class of an image of 8-bit pixels.
  int classify(const std::uint8_t* pixels) const;

  /// Share of images [begin, end) classified correctly, with `threads` threads; `progress`
  /// (images done) is called now and then from the calling thread.
  double accuracy(const data::Split& split, int begin, int end, int threads,
                  const std::function<void(int)>& progress = {}) const;

  const QNet& net() const { return m_net; }
  /// MAC operations per image.
  std::int64_t macs_per_image() const;

 private:
  struct Prepared {
    ExactWeights w;                        // K x N (signed), for the exact kernels
    std::vector<std::uint8_t> wu;          // K x N raw bytes (table index)
    std::vector<FixedMultiplier> requant;  // per output channel
    Requantizer output;                    // bias, requantization, clamp (and ReLU)
    const PreparedTable* table = nullptr;  // null: exact int8 path
    FixedMultiplier add_a, add_b;          // add: input rescales
    FixedMultiplier pool;                  // avgpool: 1 / (k*k) and scale change
    std::vector<Im2colRun> im2col;         // conv: the column matrix as runs
  };
  QNet m_net;                              // the network
  std::array<std::int8_t, 256> m_pixel{};  // quantize_image: an 8-bit pixel's int8 value
  std::vector<Prepared> m_prep;            // per op
  std::map<std::string, std::unique_ptr<mult::Table>> m_tables;             // loaded tables by name
  std::map<const mult::Table*, std::unique_ptr<PreparedTable>> m_prepared;  // for the kernels
};

}  // namespace axpod::engine
