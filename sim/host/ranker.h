// Layer-importance methods of XAI-Gen behind one interface, with a registry like the
// multipliers': one name everywhere (`axpod rank --method NAME`, the report, the tests).
// Each method is one file under rankers/, registered at its bottom with AXPOD_REGISTER_RANKER.
// Gradient-based methods reach libtorch through the torch module; this header has no torch.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "accel/accelerator.h"
#include "data/idx.h"
#include "engine/qnet.h"
#include "zoo.h"

namespace axpod::host {

/// What a ranker may look at.
struct RankInput {
  const engine::QNet* qnet = nullptr;  // the quantized network (its layers are ranked)
  std::string weights_pt;              // float weights of the same model (gradient methods)
  const data::Split* split = nullptr;  // images explained or evaluated
  int begin = 0, count = 64;           // the sample range of `split`
  int steps = 16;                      // integration steps (conductance)
  int threads = 1;
  const accel::Accelerator* acc = nullptr;  // for methods that cost energy (sensitivity)
  std::string probe;                        // multiplier a sensitivity probe puts on a layer
  std::string exact = "exact:signed=1";     // the exact multiplier
};

class Ranker {
 public:
  virtual ~Ranker() = default;
  /// Importance of every MAC layer of `in.qnet`, in network order; larger is more important.
  virtual std::vector<LayerScore> rank(const RankInput& in) const = 0;
};

struct RankerInfo {
  std::string name;          // e.g. "conductance"
  std::string description;   // one line for --help
  bool needs_torch = false;  // loads the torch module (and needs float weights)
  std::function<std::unique_ptr<Ranker>()> make;
};

class RankerRegistry {
 public:
  static RankerRegistry& instance();
  bool add(RankerInfo info);
  /// The ranker called `name`; axpod::Error with the known names (and a "did you mean") else.
  const RankerInfo& get(const std::string& name) const;
  /// Names in alphabetical order.
  std::vector<std::string> names() const;
  /// "  name  description" lines for --help.
  std::string help() const;

 private:
  std::map<std::string, RankerInfo> m_rankers;  // by name
};

/// Ranks with the registered method `name`.
std::vector<LayerScore> rank_layers(const std::string& name, const RankInput& in);

}  // namespace axpod::host

/// Registers a ranker class of namespace axpod::host (default-constructible); put it at the
/// bottom of its .cpp, outside any namespace.
#define AXPOD_REGISTER_RANKER(Class, name, description, needs_torch)                           \
  namespace {                                                                                  \
  [[maybe_unused]] const bool kRegistered##Class =                                             \
      ::axpod::host::RankerRegistry::instance().add(::axpod::host::RankerInfo{                 \
          name, description, needs_torch,                                                      \
          [] { return std::unique_ptr<::axpod::host::Ranker>(new ::axpod::host::Class()); }}); \
  }
