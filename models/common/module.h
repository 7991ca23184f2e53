// axpod's optional parts that are shared objects opened with dlopen on first use (the libtorch
// module, the MPI module), so that commands which do not need them never load their libraries.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace axpod::module {

/// Where a module `file` (e.g. "libaxpod_torch.so") is looked for: $`env_var` when set, else
/// `<executable dir>/../lib/axpod/` (installed) and the executable's own folder (build tree).
std::vector<std::string> candidates(const std::string& file, const char* env_var);

/// Opens the candidates in turn until one loads, has the symbol `entry` and `accept(symbol)`
/// says yes (it calls the entry point with its ABI version); that module stays loaded. False
/// when none does, with `tried` listing every place looked at and why it failed. `global`: its
/// symbols become visible to libraries it opens later (Open MPI's components need libmpi's).
bool open(const std::vector<std::string>& candidates, const char* entry, bool global,
          const std::function<bool(void* symbol)>& accept, std::string& tried);

}  // namespace axpod::module
