#!/usr/bin/env bash
# Throughput of the two paths on one generated log: plain `evdef validate` vs the Spark job on local[2].
# usage: examples/spark/bench.sh [LINES] [RUNS]   (default 200,000 lines, 2 runs each; best run reported)
# Wall time end to end (Spark: spark-submit start to exit, JVM start-up included). Input in $BENCH_DIR
# (default /tmp/evdef-spark-bench), kept between runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$(pwd)
LINES=${1:-200000}
RUNS=${2:-2}
DIR=${BENCH_DIR:-/tmp/evdef-spark-bench}
cargo build --release --quiet --bin evdef
EVDEF=$REPO/target/release/evdef
SPARK_SUBMIT=$(python3 -c 'import os, pyspark; print(os.path.join(os.path.dirname(pyspark.__file__), "bin", "spark-submit"))')
if [ ! -s "$DIR/gen/events.ndjson" ] || [ "$(cat "$DIR/lines" 2>/dev/null)" != "$LINES" ]; then
  rm -rf "$DIR"; mkdir -p "$DIR"
  python3 benches/gen_events.py "$DIR/gen" "$LINES"
  echo "$LINES" > "$DIR/lines"
fi
LOG=$DIR/gen/events.ndjson
"$EVDEF" emit json-schema --bundle --out "$DIR/bundle.json" -d "$DIR/gen/definitions" 2>/dev/null
echo "input: $LINES lines, $(wc -c < "$LOG") bytes; $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
run() {
  local name=$1; shift
  local best=""
  for _ in $(seq "$RUNS"); do
    rm -rf "$DIR/out"
    local start end secs
    start=$(date +%s.%N)
    "$@" > /dev/null 2> "$DIR/err.txt" || [ $? -eq 1 ]
    end=$(date +%s.%N)
    secs=$(awk "BEGIN{print $end - $start}")
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; fi
  done
  printf '%-34s %7.2f s  %9.0f events/s\n' "$name" "$best" "$(awk "BEGIN{print $LINES / $best}")"
}
run "evdef validate --jobs 1" "$EVDEF" validate -d "$DIR/bundle.json" --jobs 1 \
  --valid-out "$DIR/v" --invalid-out "$DIR/i" "$LOG"
run "evdef validate --jobs 2" "$EVDEF" validate -d "$DIR/bundle.json" --jobs 2 \
  --valid-out "$DIR/v" --invalid-out "$DIR/i" "$LOG"
cd "$DIR"
run "spark local[2] (RDD.pipe)" "$SPARK_SUBMIT" --master 'local[2]' --conf spark.ui.enabled=false \
  "$REPO/examples/spark/validate.py" --evdef "$EVDEF" --definitions bundle.json "$LOG" "$DIR/out"
run "spark local[2] --binary" "$SPARK_SUBMIT" --master 'local[2]' --conf spark.ui.enabled=false \
  "$REPO/examples/spark/validate.py" --binary --evdef "$EVDEF" --definitions bundle.json "$LOG" "$DIR/out"
# Spark's fixed cost: the same job on 1,000 lines.
head -n 1000 "$LOG" > "$DIR/small.ndjson"
LINES=1000 run "spark local[2], 1,000 lines" "$SPARK_SUBMIT" --master 'local[2]' --conf spark.ui.enabled=false \
  "$REPO/examples/spark/validate.py" --evdef "$EVDEF" --definitions bundle.json "$DIR/small.ndjson" "$DIR/out"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
