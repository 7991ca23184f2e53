#!/usr/bin/env bash
# Builds the parsers' libFuzzer targets with clang, ASan and UBSan (build-fuzz/) and runs each
# for AXPOD_FUZZ_SECONDS (default 60) from its seed corpus (tests/fuzz/corpus/<target>/). A
# crash fails the run and leaves its input in build-fuzz/tests/fuzz/fuzz-<target>/crash-*: fix
# the parser, then keep the input as tests/fuzz/corpus/<target>/regress-<what> (the unit test
# test_fuzz_regressions replays it in every build).
# Usage: scripts/fuzz.sh [ctest args], e.g. AXPOD_FUZZ_SECONDS=600 scripts/fuzz.sh -R fuzz.cfg
set -euo pipefail
cd "$(dirname "$0")/.."
each="${AXPOD_FUZZ_SECONDS:-60}"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DAXPOD_FUZZ=ON -DAXPOD_FUZZ_SECONDS="$each" > /dev/null
cmake --build build-fuzz -j "$(nproc)"
cd build-fuzz
ctest -j "$(nproc)" -L fuzz --output-on-failure "$@"
