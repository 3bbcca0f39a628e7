#!/usr/bin/env bash
# `evdef check` on a generated 10,000-event catalog against parsing its YAML alone (benches/check.rs, divan):
# both sides read the files and drop what they built inside the timing, take the same samples, and run on
# the same rayon pool; run once on every core and once on one thread (RAYON_NUM_THREADS=1).
# Target (issue 12): check <= 2x parse-only.
#
# usage: benches/check.sh [SAMPLES]   (default 20 samples a side)
# Prints the machine, the load average, divan's fastest and median of each side, and the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
SAMPLES=${1:-20}
OUT=${BENCH_DIR:-/tmp/evdef-bench}
mkdir -p "$OUT"
cargo bench --bench check --no-run --quiet 2>/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
# divan prints `├─ check  fastest │ slowest │ median │ mean │ samples │ iters`, times with units.
to_ms() { awk '{v=$1; u=$2; if (u=="s") v*=1000; else if (u=="µs") v/=1000; else if (u=="ns") v/=1e6; printf "%.1f", v}'; }
for threads in all 1; do
  log="$OUT/check-bench-$threads.txt"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ "$threads" = all ]; then
    cargo bench --bench check --quiet -- --sample-count "$SAMPLES" > "$log" 2>&1
  else
    RAYON_NUM_THREADS=1 cargo bench --bench check --quiet -- --sample-count "$SAMPLES" > "$log" 2>&1
  fi
  fields=$(grep -E "(├|╰)─ check " "$log" | sed 's/│/|/g')
  c_fast=$(echo "$fields" | awk -F'|' '{print $1}' | grep -oE '[0-9.]+ (s|ms|µs|ns)' | to_ms)
  c_med=$(echo "$fields" | awk -F'|' '{print $3}' | grep -oE '[0-9.]+ (s|ms|µs|ns)' | to_ms)
  fields=$(grep -E "(├|╰)─ parse_only " "$log" | sed 's/│/|/g')
  p_fast=$(echo "$fields" | awk -F'|' '{print $1}' | grep -oE '[0-9.]+ (s|ms|µs|ns)' | to_ms)
  p_med=$(echo "$fields" | awk -F'|' '{print $3}' | grep -oE '[0-9.]+ (s|ms|µs|ns)' | to_ms)
  echo "threads: $threads ($SAMPLES samples a side); load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "  check       fastest $c_fast ms  median $c_med ms"
  echo "  parse-only  fastest $p_fast ms  median $p_med ms"
  echo "  check / parse-only: fastest $(awk "BEGIN{printf \"%.2f\", $c_fast / $p_fast}")x  median $(awk "BEGIN{printf \"%.2f\", $c_med / $p_med}")x  (target <= 2x)"
done
