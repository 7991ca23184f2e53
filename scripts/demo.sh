#!/usr/bin/env bash
# The main job: installs what is missing, builds, then shows the approximate-multiplier catalog,
# proves every RTL multiplier equal to its behavioural model, characterizes the catalog with
# Yosys, and writes the results into a new run folder under traces/ (never reusing one).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
AXPOD=build/sim/axpod

RUN="traces/demo-$(date +%Y%m%d-%H%M%S)"
n=1
while [[ -e "$RUN" ]]; do RUN="traces/demo-$(date +%Y%m%d-%H%M%S)-$((n++))"; done
mkdir -p "$RUN"

echo "== multipliers (axpod mult list)"
$AXPOD mult list
echo
echo "== RTL == behavioural, exhaustively (axpod mult verify)"
$AXPOD mult verify
echo
echo "== characterization: error metrics + Yosys area, depth, energy (axpod mult characterize)"
$AXPOD mult characterize --out "$RUN/catalog.csv"
echo
for m in drum:k=4 mitchell:w=7 kulkarni; do
  $AXPOD mult show "$m" --png "$RUN/heatmap_${m//[:=,]/_}.png" | tail -n +6
done
echo
echo "demo results in $RUN"
