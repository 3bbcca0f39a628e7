#!/usr/bin/env bash
# `evdef check` on a generated 10,000-event catalog against parsing its YAML alone (benches/check.rs): both
# sides read the files inside the timing, run on the same allocator and rayon pool, and take turns (A B A B)
# the same number of rounds; run once on every core and once on one thread (RAYON_NUM_THREADS=1). Two
# pairs: each side returning what it built, freed after the timing (check / parse_only: the CLI never frees
# its catalog), and each side freeing it inside the timing (check_freed / parse_only_freed).
# Target (issue 12): check <= 2x parse-only, as medians of interleaved runs.
#
# usage: benches/check.sh [ROUNDS]   (default 20 rounds a side)
# Prints the machine, the load average, and for each pair the median and fastest of each side, the median
# of the per-round ratios and the ratio of the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-20}
cargo bench --bench check --no-run --quiet 2>/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
for threads in all 1; do
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ "$threads" = all ]; then
    cargo bench --bench check --quiet -- "$ROUNDS"
  else
    RAYON_NUM_THREADS=1 cargo bench --bench check --quiet -- "$ROUNDS"
  fi
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
done
