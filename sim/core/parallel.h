// Splitting one clock's work of a large array across the cores: the caller runs part 0 and
// helper threads (started once, kept for the process) run the other parts, then the caller waits
// for them. The parts write disjoint state and return their counters, which the caller adds in
// part order, so the results do not depend on the number of threads. Helpers spin briefly for
// the next clock and then sleep, so an idle simulator costs nothing.
#pragma once

#include <cstddef>

namespace axpod::core {

/// Threads that work on one clock (1: no helpers). Default: $AXPOD_SIM_THREADS when set, else
/// the hardware's (at most 8).
int sim_threads();
/// Sets it (1 to 64); the helpers start on the next split that needs them.
void set_sim_threads(int threads);

/// Runs fn(ctx, part) for part = 0 .. parts - 1 (parts <= sim_threads()): part 0 on the calling
/// thread, the others on helpers; returns once every part is done. While another thread's split
/// runs, the caller runs every part itself. `fn` must not throw.
void run_parts(int parts, void (*fn)(void* ctx, int part), void* ctx);

}  // namespace axpod::core
