#!/usr/bin/env bash
# Runs axpod's benchmarks and writes OUT/bench.csv (name,value,unit) and OUT/bench.md (the
# README's table: each figure with what it is compared with in the same run).
# Usage: scripts/bench.sh [OUT (default bench-results)] [build dir (default build)]
# Takes about three minutes on two cores; run it on a quiet machine (it makes one core busy
# itself for the "busy" training figure).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-bench-results}"
BUILD="${2:-build}"
BIN="$BUILD/bin"
cmake --build "$BUILD" --target axpod bench_engine bench_pod bench_train bench_startup > /dev/null
mkdir -p "$OUT"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"; [[ -n "${BUSY:-}" ]] && kill "$BUSY" 2>/dev/null || true' EXIT

# value_of CSV NAME_REGEX COLUMN: the column (a header name) of the rows whose name matches,
# one per line.
value_of() {
  awk -F, -v pat="$2" -v col="$3" '
    NR == 1 || /^name,/ { for (i = 1; i <= NF; ++i) { h = $i; gsub(/"/, "", h); idx[h] = i }; next }
    { n = $1; gsub(/"/, "", n); if (n ~ pat) { v = $idx[col]; gsub(/"/, "", v); print v } }' "$1"
}
min_of() { sort -g | head -1; }
max_of() { sort -g | tail -1; }
fmt() { awk -v v="$1" -v d="${2:-1}" 'BEGIN { printf "%.*f", d, v }'; }

echo "bench: GEMM kernels (one thread)" >&2
"$BIN/bench_engine" --benchmark_filter='Kernel' --benchmark_format=csv > "$TMP/engine.csv" 2> /dev/null
echo "bench: cycle-level model" >&2
# (The CSV reporter wants the same counters in every run: one file per benchmark.)
AXPOD_SIM_THREADS=1 "$BIN/bench_pod" --benchmark_filter='BM_ArrayTick/128' \
  --benchmark_format=csv > "$TMP/pod.csv" 2> /dev/null
AXPOD_SIM_THREADS=1 AXPOD_SIM_KERNEL=portable "$BIN/bench_pod" \
  --benchmark_filter='BM_ArrayTick/128' --benchmark_format=csv > "$TMP/pod_portable.csv" 2> /dev/null
AXPOD_SIM_THREADS=2 "$BIN/bench_pod" --benchmark_filter='BM_ArrayTick/128' \
  --benchmark_format=csv > "$TMP/pod2.csv" 2> /dev/null
"$BIN/bench_pod" --benchmark_filter='BM_CycleModelResnet18TpuV4' --benchmark_format=csv \
  > "$TMP/model.csv" 2> /dev/null
echo "bench: startup and analyze" >&2
"$BIN/bench_startup" --benchmark_filter='analyze_lenet5_csv|help' --benchmark_format=csv \
  > "$TMP/startup.csv" 2> /dev/null
echo "bench: simulate resnet18 on tpu_v4_like (SystemC, whole network), 2 threads and 1" >&2
simulate_s() {  # wall seconds of the whole command on $1 threads
  local start
  start=$(date +%s.%N)
  "$BIN/axpod" simulate --accel tpu_v4_like --network resnet18 --threads "$1" \
    --out "$TMP/sim$1" > /dev/null 2>&1
  awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }'
}
simulate_s=$(simulate_s 2)
simulate_s1=$(simulate_s 1)
epoch_s() {  # seconds of one LeNet-5 epoch (55,000 images) on $1 threads
  "$BIN/axpod" train --model lenet5 --epochs 1 --seed 1 --threads "$1" --out "$TMP/lenet5_$1_$2" \
    2> /dev/null | sed -n 's/.* in \([0-9.]*\) s (.*/\1/p'
}
echo "bench: training LeNet-5, quiet (1 and 2 threads)" >&2
epoch1=$(epoch_s 1 quiet)
epoch2=$(epoch_s 2 quiet)
echo "bench: training LeNet-5 with one core kept busy" >&2
( while :; do :; done ) &
BUSY=$!
epoch_busy=$(epoch_s 2 busy)
kill "$BUSY"
BUSY=""

table_fast=$(value_of "$TMP/engine.csv" '^BM_TableKernel/fast' GMAC_per_s | min_of)
table_fast_max=$(value_of "$TMP/engine.csv" '^BM_TableKernel/fast' GMAC_per_s | max_of)
table_port=$(value_of "$TMP/engine.csv" '^BM_TableKernel/portable' GMAC_per_s | min_of)
table_kernel=$(value_of "$TMP/engine.csv" '^BM_TableKernel/fast' label | head -1)
exact_fast=$(value_of "$TMP/engine.csv" '^BM_ExactKernel/fast' GMAC_per_s | min_of)
exact_fast_max=$(value_of "$TMP/engine.csv" '^BM_ExactKernel/fast' GMAC_per_s | max_of)
exact_port=$(value_of "$TMP/engine.csv" '^BM_ExactKernel/portable' GMAC_per_s | min_of)
exact_kernel=$(value_of "$TMP/engine.csv" '^BM_ExactKernel/fast' label | head -1)
pe=$(value_of "$TMP/pod.csv" '^BM_ArrayTick/128' PE_updates_per_s)
pe_kernel=$(value_of "$TMP/pod.csv" '^BM_ArrayTick/128' label)
pe_portable=$(value_of "$TMP/pod_portable.csv" '^BM_ArrayTick/128' PE_updates_per_s)
pe2=$(value_of "$TMP/pod2.csv" '^BM_ArrayTick/128' PE_updates_per_s)
pe_model=$(value_of "$TMP/model.csv" '^BM_CycleModelResnet18TpuV4' PE_updates_per_s)
analyze_ms=$(value_of "$TMP/startup.csv" 'analyze_lenet5_csv' real_time)
help_ms=$(value_of "$TMP/startup.csv" 'BM_Command/help' real_time)

{
  echo "name,value,unit"
  echo "table_gemm_gmacs_per_core,$(fmt "$table_fast" 2),GMAC/s"
  echo "table_gemm_gmacs_per_core_best_shape,$(fmt "$table_fast_max" 2),GMAC/s"
  echo "table_gemm_gmacs_per_core_portable,$(fmt "$table_port" 2),GMAC/s"
  echo "exact_gemm_gmacs_per_core,$(fmt "$exact_fast" 2),GMAC/s"
  echo "exact_gemm_gmacs_per_core_best_shape,$(fmt "$exact_fast_max" 2),GMAC/s"
  echo "exact_gemm_gmacs_per_core_portable,$(fmt "$exact_port" 2),GMAC/s"
  echo "pe_updates_per_s_per_core,$(fmt "$pe" 0),PE-updates/s"
  echo "pe_updates_per_s_per_core_portable,$(fmt "$pe_portable" 0),PE-updates/s"
  echo "pe_updates_per_s_2_threads,$(fmt "$pe2" 0),PE-updates/s"
  echo "pe_updates_per_s_cycle_model_resnet18_layers,$(fmt "$pe_model" 0),PE-updates/s"
  echo "resnet18_simulate_s,$(fmt "$simulate_s" 2),s"
  echo "resnet18_simulate_s_1_thread,$(fmt "$simulate_s1" 2),s"
  echo "lenet5_epoch_s_quiet,$epoch2,s"
  echo "lenet5_epoch_s_quiet_1_thread,$epoch1,s"
  echo "lenet5_epoch_s_busy,$epoch_busy,s"
  echo "analyze_lenet5_ms,$(fmt "$analyze_ms" 1),ms"
  echo "help_ms,$(fmt "$help_ms" 1),ms"
} > "$TMP/bench.csv"

{
  echo "| figure | value | against, in the same run |"
  echo "|---|---|---|"
  echo "| table (approximate) GEMM, one core, worst of LeNet-5's and resnet8's shapes (\`table_gemm_gmacs_per_core\`) | $(fmt "$table_fast" 1) GMAC/s ($table_kernel; best shape $(fmt "$table_fast_max" 1)) | portable kernel: $(fmt "$table_port" 1) GMAC/s worst shape |"
  echo "| exact int8 GEMM, one core, worst shape (\`exact_gemm_gmacs_per_core\`) | $(fmt "$exact_fast" 1) GMAC/s ($exact_kernel; best shape $(fmt "$exact_fast_max" 1)) | portable kernel: $(fmt "$exact_port" 1) GMAC/s; table GEMM above |"
  echo "| cycle-level array, 128x128 pod busy in every PE, one core (\`pe_updates_per_s_per_core\`) | $(fmt "$pe" 0) PE-updates/s ($pe_kernel) | portable stepper, one core: $(fmt "$pe_portable" 0); its rows on 2 threads: $(fmt "$pe2" 0); the whole model on two resnet18 layers, 2 threads: $(fmt "$pe_model" 0) |"
  echo "| \`axpod simulate\` resnet18 on tpu_v4_like, SystemC, 2 threads (\`resnet18_simulate_s\`) | $(fmt "$simulate_s" 1) s | 1 thread: $(fmt "$simulate_s1" 1) s |"
  echo "| LeNet-5 training epoch, 55,000 images, 2 threads, quiet (\`lenet5_epoch_s_quiet\`) | $epoch2 s | 1 thread: $epoch1 s |"
  echo "| the same with one core kept busy by another process (\`lenet5_epoch_s_busy\`) | $epoch_busy s | 1 thread, quiet: $epoch1 s |"
  echo "| \`axpod analyze\` lenet5 on edge_16x16, process start included (\`analyze_lenet5_ms\`) | $(fmt "$analyze_ms" 1) ms | \`axpod --help\`: $(fmt "$help_ms" 1) ms |"
} > "$TMP/bench.md"

mv "$TMP/bench.csv" "$OUT/bench.csv.tmp" && mv "$OUT/bench.csv.tmp" "$OUT/bench.csv"
mv "$TMP/bench.md" "$OUT/bench.md.tmp" && mv "$OUT/bench.md.tmp" "$OUT/bench.md"
echo "bench: wrote $OUT/bench.csv and $OUT/bench.md" >&2
cat "$OUT/bench.md"
