#!/usr/bin/env bash
# The main job: installs what is missing, builds, proves the RTL multipliers equal to their
# behavioural models, then runs `axpod demo`: trains (or reuses) LeNet-5 on Fashion-MNIST, ranks
# its layers by conductance, assigns approximate multipliers for 0.5/1/2 % accuracy budgets with
# baselines, confirms on the cycle-level model of tpu_v4_like, and writes a report folder under
# traces/ (a new one every run).
set -euo pipefail
cd "$(dirname "$0")/.."
AXPOD_TARGETS=axpod scripts/setup.sh build  # the binary and its torch module only
AXPOD=build/bin/axpod

echo "== RTL == behavioural, exhaustively (axpod mult verify)"
$AXPOD mult verify
echo
RUN="traces/demo-$(date +%Y%m%d-%H%M%S)"
n=1
while [[ -e "$RUN" ]]; do RUN="traces/demo-$(date +%Y%m%d-%H%M%S)-$((n++))"; done
$AXPOD demo --out "$RUN" --threads "$(nproc)"
