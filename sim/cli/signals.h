// Ctrl-C and `kill` during a run: the partial run folders being filled are removed and the
// process exits 130 (SIGINT) or 143 (SIGTERM), instead of leaving `.X.partial-PID/` behind.
#pragma once

#include <string>

namespace axpod::cli {

/// Blocks SIGINT and SIGTERM in the calling thread (and so in every thread it starts later)
/// and starts one thread that waits for them, cleans up and exits. Call first in main().
void install_signal_cleanup();

/// A folder to remove if the process is interrupted (RunDir registers its partial folder).
void register_partial(const std::string& dir);
void unregister_partial(const std::string& dir);

}  // namespace axpod::cli
