#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every ctest suite (fast and slow),
# then, without ctest args, every parser's fuzzer for AXPOD_FUZZ_SECONDS (scripts/fuzz.sh) and
# the unit suites under ASan and UBSan (scripts/sanitize.sh).
# Usage: scripts/test.sh [ctest args], e.g. scripts/test.sh -L unit
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
(cd build && ctest -j "$(nproc)" --output-on-failure "$@")
if (($# == 0)); then
  scripts/fuzz.sh
  scripts/sanitize.sh
fi
