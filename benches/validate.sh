#!/usr/bin/env bash
# End-to-end benchmark of `evdef validate` against a minimal jsonschema loop (examples/validate_baseline.rs).
# usage: benches/validate.sh [LINES] [RUNS]    (default 1,000,000 lines, 3 runs each; best run reported)
# Needs /usr/bin/time (GNU time) for peak RSS. The input is kept in $BENCH_DIR (default /tmp/evdef-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${1:-1000000}
RUNS=${2:-3}
DIR=${BENCH_DIR:-/tmp/evdef-bench}

cargo build --release --quiet --bin evdef --example validate_baseline
EVDEF=target/release/evdef
BASELINE=target/release/examples/validate_baseline

if [ ! -s "$DIR/events.ndjson" ] || [ "$(cat "$DIR/lines" 2>/dev/null)" != "$LINES" ]; then
  rm -rf "$DIR"
  python3 benches/gen_events.py "$DIR" "$LINES"
  echo "$LINES" > "$DIR/lines"
fi
"$EVDEF" emit json-schema -d "$DIR/definitions" --out "$DIR/schemas" 2>/dev/null
BYTES=$(wc -c < "$DIR/events.ndjson")
echo "input: $LINES lines, $BYTES bytes ($((BYTES / LINES)) bytes/line), $(ls "$DIR"/schemas/*.schema.json | grep -vc events.schema.json) event types"

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (other work on the machine skews wall times)"
# run NAME CMD...: best wall time (s) and the peak RSS (KiB) of that run
run() {
  local name=$1; shift
  local best="" rss="" cpu=""
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M %U %S" -o "$DIR/time.txt" "$@" > /dev/null 2>"$DIR/stderr.txt" || true
    read -r secs kib user sys < <(tail -n 1 "$DIR/time.txt")
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; rss=$kib; cpu=$(awk "BEGIN{print $user + $sys}"); fi
  done
  printf '%-18s %7.2f s wall %7.2f s CPU  %9.0f events/s  peak RSS %5.1f MiB\n' "$name" "$best" "$cpu" \
    "$(awk "BEGIN{print $LINES / $best}")" "$(awk "BEGIN{print $rss / 1024}")"
  echo "$best" > "$DIR/$name.secs"
}

run baseline "$BASELINE" "$DIR/schemas" "$DIR/events.ndjson"
run "validate-jobs-1" "$EVDEF" validate -d "$DIR/definitions" --jobs 1 "$DIR/events.ndjson"
run "validate-jobs-2" "$EVDEF" validate -d "$DIR/definitions" --jobs 2 "$DIR/events.ndjson"
base=$(cat "$DIR/baseline.secs")
for j in 1 2; do
  echo "ratio --jobs $j: $(awk "BEGIN{printf \"%.2f\", $base / $(cat "$DIR/validate-jobs-$j.secs")}")x baseline events/s"
done
