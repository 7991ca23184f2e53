#!/usr/bin/env bash
# Builds axpod with AddressSanitizer and UndefinedBehaviorSanitizer (build-asan/, AXPOD_SANITIZE)
# and runs, there:
# - the unit suites (label `unit`: every model, the cycle-level cores and SystemC modules, the
#   fuzz corpus), with leak detection;
# - the CLI suites (label `cli`: the axpod binary as users run it, with its torch and MPI
#   modules), without leak detection: LeakSanitizer's tracer crashes at exit in a process that
#   loaded libtorch, and Open MPI leaks from components it has unloaded (no frame to suppress).
# A sanitizer report fails the run.
# Usage: scripts/sanitize.sh [ctest args]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAXPOD_SANITIZE=ON \
  -DAXPOD_BUILD_BENCH=OFF > /dev/null
# The executables of the unit and CLI suites, and what the CLI runs (the others are not needed).
mapfile -t targets < <(awk '
  /^axpod_test\(/ { buf = $0; open = 1; }
  open && !/^axpod_test\(/ { buf = buf " " $0; }
  open && /\)[[:space:]]*$/ {
    if (buf ~ /LABELS[^)]*(unit|cli)/) { sub(/^axpod_test\(/, "", buf); split(buf, f, " "); print f[1]; }
    open = 0;
  }' tests/CMakeLists.txt)
modules=(axpod axpod_torch)
if ninja -C build-asan -t targets all 2>/dev/null | grep -q '^axpod_mpi:'; then modules+=(axpod_mpi); fi
cmake --build build-asan -j "$(nproc)" --target "${targets[@]}" "${modules[@]}"
cd build-asan
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 ctest -j "$(nproc)" -L unit --output-on-failure "$@"
ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 ctest -j "$(nproc)" -L cli --output-on-failure "$@"
