// Synthesis twins: Verilog under rtl/multipliers/ that costs behavioural multipliers which have
// no Verilated model (each Verilated model adds minutes to a cold build). `mult characterize`
// synthesizes the twin with Yosys, proves the gate netlist equal to the behavioural table on
// all 65,536 pairs, then takes area, depth and toggle energy from it. The list spans the
// catalog down to about 10x below the exact multiplier's energy.
#include <string>
#include <utility>
#include <vector>

#include "mult/registry.h"

namespace axpod::mult {
namespace {

struct TwinSpec {
  const char* behavioural;  // canonical behavioural name
  const char* family;       // Verilog module axmul_<family> in axmul_<family>.v
  std::vector<std::pair<std::string, int>> params;
};

const bool kRegistered = [] {
  const std::vector<TwinSpec> specs = {
      {"trunc_op:k=1", "trunc_op", {{"SIGNED", 0}, {"K", 1}}},
      {"trunc_op:k=3", "trunc_op", {{"SIGNED", 0}, {"K", 3}}},
      {"trunc_op:k=5,signed=1", "trunc_op", {{"SIGNED", 1}, {"K", 5}}},
      {"trunc_op:k=6,signed=1", "trunc_op", {{"SIGNED", 1}, {"K", 6}}},
      {"trunc_col:k=6,corr=0", "trunc_col", {{"SIGNED", 0}, {"K", 6}, {"CORR", 0}}},
      {"trunc_col:k=8,corr=1", "trunc_col", {{"SIGNED", 0}, {"K", 8}, {"CORR", 1}}},
      {"trunc_col:k=8,corr=1,signed=1", "trunc_col", {{"SIGNED", 1}, {"K", 8}, {"CORR", 1}}},
      {"trunc_col:k=10,corr=1,signed=1", "trunc_col", {{"SIGNED", 1}, {"K", 10}, {"CORR", 1}}},
      {"trunc_col:k=12,corr=1,signed=1", "trunc_col", {{"SIGNED", 1}, {"K", 12}, {"CORR", 1}}},
      {"bam:h=3,v=10,signed=1", "bam", {{"SIGNED", 1}, {"H", 3}, {"V", 10}}},
      {"bam:h=4,v=12,signed=1", "bam", {{"SIGNED", 1}, {"H", 4}, {"V", 12}}},
      {"perf:j=0,m=2,signed=1", "perf", {{"SIGNED", 1}, {"J", 0}, {"M", 2}}},
      {"perf:j=0,m=4,signed=1", "perf", {{"SIGNED", 1}, {"J", 0}, {"M", 4}}},
      {"perf:j=0,m=5,signed=1", "perf", {{"SIGNED", 1}, {"J", 0}, {"M", 5}}},
      {"drum:k=2,signed=1", "drum", {{"SIGNED", 1}, {"K", 2}}},
      {"ilm:iter=0", "ilm", {{"SIGNED", 0}, {"ITER", 0}}},
      {"ilm:iter=1", "ilm", {{"SIGNED", 0}, {"ITER", 1}}},
      {"ilm:iter=1,signed=1", "ilm", {{"SIGNED", 1}, {"ITER", 1}}},
      {"compressor42:k=8", "compressor42", {{"SIGNED", 0}, {"K", 8}}},
      {"compressor42:k=12", "compressor42", {{"SIGNED", 0}, {"K", 12}}},
      {"compressor42:k=12,signed=1", "compressor42", {{"SIGNED", 1}, {"K", 12}}},
  };
  for (const auto& t : specs) {
    const std::string family = t.family;
    Registry::instance().add_twin(RtlInfo{"",
                                          t.behavioural,
                                          "axmul_" + family,
                                          {"axmul_common.v", "axmul_" + family + ".v"},
                                          t.params,
                                          {}});
  }
  return true;
}();

}  // namespace
}  // namespace axpod::mult
