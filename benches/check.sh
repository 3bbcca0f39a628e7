#!/usr/bin/env bash
# `evdef check` on a generated 10,000-event catalog against parsing its YAML alone (benches/check.rs, divan):
# both sides read the files inside the timing, take the same samples, and run on the same rayon pool; run
# once on every core and once on one thread (RAYON_NUM_THREADS=1). Two pairs: each side returning what it
# built, freed by divan outside the timing (check / parse_only: the CLI never frees its catalog), and each
# side freeing it inside the timing (check_freed / parse_only_freed).
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
# The fastest and median of bench $1 in divan's log $2, in ms. divan prints
# `├─ check  fastest │ slowest │ median │ mean │ samples │ iters`, times with units.
times_of() {
  local fields
  fields=$(grep -E "(├|╰)─ $1 " "$2" | sed 's/│/|/g')
  echo "$(echo "$fields" | awk -F'|' '{print $1}' | grep -oE '[0-9.]+ (s|ms|µs|ns)' | to_ms) $(echo "$fields" | awk -F'|' '{print $3}' | grep -oE '[0-9.]+ (s|ms|µs|ns)' | to_ms)"
}
to_ms() { awk '{v=$1; u=$2; if (u=="s") v*=1000; else if (u=="µs") v/=1000; else if (u=="ns") v/=1e6; printf "%.1f", v}'; }
for threads in all 1; do
  log="$OUT/check-bench-$threads.txt"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ "$threads" = all ]; then
    cargo bench --bench check --quiet -- --sample-count "$SAMPLES" > "$log" 2>&1
  else
    RAYON_NUM_THREADS=1 cargo bench --bench check --quiet -- --sample-count "$SAMPLES" > "$log" 2>&1
  fi
  echo "threads: $threads ($SAMPLES samples a side); load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  for pair in "check parse_only" "check_freed parse_only_freed"; do
    set -- $pair
    read -r c_fast c_med <<< "$(times_of "$1" "$log")"
    read -r p_fast p_med <<< "$(times_of "$2" "$log")"
    echo "  $1 fastest $c_fast ms median $c_med ms; $2 fastest $p_fast ms median $p_med ms"
    echo "    $1 / $2: fastest $(awk "BEGIN{printf \"%.2f\", $c_fast / $p_fast}")x  median $(awk "BEGIN{printf \"%.2f\", $c_med / $p_med}")x  (target <= 2x)"
  done
done
