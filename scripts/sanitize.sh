#!/usr/bin/env bash
# Builds the unit suites with AddressSanitizer and UndefinedBehaviorSanitizer (build-asan/,
# AXPOD_SANITIZE) and runs them (label `unit`: every model, the cycle-level cores and SystemC
# modules, the fuzz corpus); a sanitizer report fails the run.
# Usage: scripts/sanitize.sh [ctest args]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAXPOD_SANITIZE=ON \
  -DAXPOD_BUILD_BENCH=OFF > /dev/null
# The executables of the unit suites (the others are not needed here).
mapfile -t targets < <(awk '
  /^axpod_test\(/ { buf = $0; open = 1; }
  open && !/^axpod_test\(/ { buf = buf " " $0; }
  open && /\)[[:space:]]*$/ {
    if (buf ~ /LABELS[^)]*unit/) { sub(/^axpod_test\(/, "", buf); split(buf, f, " "); print f[1]; }
    open = 0;
  }' tests/CMakeLists.txt)
cmake --build build-asan -j "$(nproc)" --target "${targets[@]}"
cd build-asan
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest -j "$(nproc)" -L unit --output-on-failure "$@"
