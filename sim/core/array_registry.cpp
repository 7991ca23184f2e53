#include "array_registry.h"

#include <map>
#include <tuple>

#include "common/error.h"

namespace axpod::core {

namespace {
using Key = std::tuple<int, int, std::string>;
std::map<Key, ArrayFactory>& registry() {
  static std::map<Key, ArrayFactory> r;
  return r;
}
}  // namespace

bool register_rtl_pod(int rows, int cols, const std::string& mult, ArrayFactory make) {
  registry()[{rows, cols, mult}] = std::move(make);
  return true;
}

std::vector<std::string> rtl_pods() {
  std::vector<std::string> out;
  for (const auto& [k, f] : registry())
    out.push_back(std::to_string(std::get<0>(k)) + "x" + std::to_string(std::get<1>(k)) + " " +
                  std::get<2>(k));
  return out;
}

std::unique_ptr<ArrayModel> make_array_model(int pod, int rows, int cols, const std::string& mult,
                                             accel::Dataflow df) {
  const std::string what = "pod " + std::to_string(pod) + " (model: rtl, " + std::to_string(rows) +
                           "x" + std::to_string(cols) + ", " + mult + ")";
  if (df != accel::Dataflow::ws) throw Error(what + ": the RTL pod is weight-stationary");
  const auto it = registry().find({rows, cols, mult});
  if (it == registry().end()) {
    std::string list;
    for (const auto& p : rtl_pods()) list += (list.empty() ? "" : ", ") + p;
    throw Error(
        what + ": no Verilated pod of that shape and multiplier is built" +
        (list.empty() ? std::string(" (this build has no Verilator)") : "; built: " + list));
  }
  return it->second();
}

}  // namespace axpod::core
