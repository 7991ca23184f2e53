#!/usr/bin/env bash
# Installs what axpod needs from Debian's packages (idempotent: apt runs only when something is
# missing), then configures and builds. Usage: scripts/setup.sh [build-dir] [extra cmake args]
# AXPOD_TARGETS="axpod" builds only those targets (the demo needs nothing else).
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libyaml-cpp-dev libboost-program-options-dev zlib1g-dev nlohmann-json3-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  verilator yosys
  libsystemc-dev
  libtorch-dev dataset-fashion-mnist
  clang libclang-rt-14-dev
  openmpi-bin libopenmpi-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

BUILD_DIR="${1:-build}"
shift || true
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" > /dev/null
if [[ -n "${AXPOD_TARGETS:-}" ]]; then
  # shellcheck disable=SC2086 # a list of target names
  cmake --build "$BUILD_DIR" -j "$(nproc)" --target $AXPOD_TARGETS
else
  cmake --build "$BUILD_DIR" -j "$(nproc)"
fi
