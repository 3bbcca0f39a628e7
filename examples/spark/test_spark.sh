#!/usr/bin/env bash
# End-to-end test of examples/spark/validate.py on Spark local[2] (pyspark from PyPI, Java 17).
# usage: examples/spark/test_spark.sh [LINES]     (default 200,000; ~1.5 minutes on 2 idle cores)
#
# Generates a log with benches/gen_events.py (24 event types, ~5% invalid), builds the release binary and the
# definitions bundle, and checks that
#   1. the default job (sc.textFile + RDD.pipe(checkCode=True)) writes every input line exactly once, and its
#      valid/invalid outputs are byte-identical, in order, to `evdef validate --valid-out/--invalid-out`;
#   2. the same holds for --binary on that log plus CRLF, empty, non-UTF-8 and lone-`\r` lines (CRLF
#      normalised to LF), with a single YAML file as definitions;
#   3. the printed counts match;
#   4. a fatal evdef failure (a broken bundle) fails the job instead of dropping lines.
# Prints `spark: N passed, M failed` last; exits 1 on any failure. Installs pyspark with pip when missing and
# CI=true. Work files go to $SPARK_TEST_DIR (default: a temporary directory, removed at the end).
set -uo pipefail
cd "$(dirname "$0")/../.."
REPO=$(pwd)
LINES=${1:-200000}
PASSED=0
FAILED=0
ok() { PASSED=$((PASSED + 1)); echo "ok: $*"; }
bad() { FAILED=$((FAILED + 1)); echo "FAIL: $*"; }
finish() {
  echo "spark: $PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
  exit $?
}

if ! python3 -c 'import pyspark' 2>/dev/null; then
  if [ "${CI:-}" = true ]; then
    python3 -m pip install --quiet 'pyspark>=3.5' || { bad "pip install pyspark"; finish; }
  else
    bad "pyspark is not installed (pip install pyspark, or run with CI=true)"; finish
  fi
fi
SPARK_SUBMIT=$(python3 -c 'import os, pyspark; print(os.path.join(os.path.dirname(pyspark.__file__), "bin", "spark-submit"))')
[ -x "$SPARK_SUBMIT" ] || SPARK_SUBMIT=$(command -v spark-submit) || { bad "no spark-submit"; finish; }
command -v java >/dev/null || { bad "no java on PATH (Spark needs Java 17)"; finish; }

cargo build --release --quiet --bin evdef || { bad "cargo build --release"; finish; }
EVDEF=$REPO/target/release/evdef

if [ -n "${SPARK_TEST_DIR:-}" ]; then
  W=$SPARK_TEST_DIR; rm -rf "$W"; mkdir -p "$W"
else
  W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
fi
python3 benches/gen_events.py "$W/gen" "$LINES" || { bad "generate $LINES lines"; finish; }
LOG=$W/gen/events.ndjson
"$EVDEF" emit json-schema --bundle --out "$W/bundle.json" -d "$W/gen/definitions" 2>/dev/null \
  || { bad "emit the bundle"; finish; }
# One YAML file: the prelude's fragments, then the events (anchors are file-local, so the prelude goes first).
cat "$W/gen/definitions/_common.yaml" "$W/gen/definitions/events.yaml" > "$W/single.yaml"

# run_job NAME ARGS...: spark-submit on local[2] from a scratch directory; wall time to $W/NAME.secs.
run_job() {
  local name=$1; shift
  mkdir -p "$W/scratch-$name"
  local start end
  start=$(date +%s.%N)
  (cd "$W/scratch-$name" && timeout 900 "$SPARK_SUBMIT" --master 'local[2]' --conf spark.ui.enabled=false \
    "$REPO/examples/spark/validate.py" --evdef "$EVDEF" "$@") > "$W/$name.out" 2> "$W/$name.err"
  local rc=$?
  end=$(date +%s.%N)
  awk "BEGIN{printf \"%.1f\", $end - $start}" > "$W/$name.secs"
  return $rc
}

# same_lines A B: byte-identical; `sorted` compares as multisets.
lines_of() { cat "$1"/part-* 2>/dev/null; }

# --- 1. the default path: textFile + RDD.pipe(checkCode=True)
"$EVDEF" validate -d "$W/bundle.json" --valid-out "$W/ref-valid" --invalid-out "$W/ref-invalid" "$LOG" \
  > /dev/null 2>&1
if run_job text --definitions "$W/bundle.json" "$LOG" "$W/out-text"; then
  ok "text job ran in $(cat "$W/text.secs") s"
  if lines_of "$W/out-text/valid" | cmp -s - "$W/ref-valid"; then ok "text: valid lines = evdef --valid-out"; else bad "text: valid lines differ from evdef --valid-out"; fi
  if lines_of "$W/out-text/invalid" | cmp -s - "$W/ref-invalid"; then ok "text: invalid lines = evdef --invalid-out"; else bad "text: invalid lines differ from evdef --invalid-out"; fi
  if cat "$W/out-text/valid"/part-* "$W/out-text/invalid"/part-* | LC_ALL=C sort | cmp -s - <(LC_ALL=C sort "$LOG"); then
    ok "text: valid + invalid = the input, every line once"
  else bad "text: valid + invalid is not the input"; fi
  want="{\"valid\": $(wc -l < "$W/ref-valid"), \"invalid\": $(wc -l < "$W/ref-invalid"), \"lines\": $LINES}"
  if grep -qxF "evdef-validate: $want" "$W/text.out"; then ok "text: counts $want"; else bad "text: counts (want $want): $(tail -1 "$W/text.out")"; fi
else
  bad "text job failed (see below)"; tail -20 "$W/text.err"
fi

# --- 2. --binary on the log plus awkward lines, with a single YAML file as the definitions
MIXED=$W/mixed.ndjson
V=$(head -n 1 "$LOG")
{
  head -n 1000 "$LOG"
  printf '%s\r\n\n\r\n{"event": "\xff\xfe"}\n\xc3\x28 not json\n{"event":\r"x"}\n\t\n%s\r\n' "$V" "$V"
  tail -n +1001 "$LOG"
} > "$MIXED"
MIXED_LINES=$(wc -l < "$MIXED")
"$EVDEF" validate -d "$W/single.yaml" --valid-out "$W/refb-valid" --invalid-out "$W/refb-invalid" "$MIXED" \
  > /dev/null 2>&1
if run_job binary --binary --definitions "$W/single.yaml" "$MIXED" "$W/out-binary"; then
  ok "binary job ran in $(cat "$W/binary.secs") s"
  for side in valid invalid; do
    if lines_of "$W/out-binary/$side" | cmp -s - <(LC_ALL=C sed 's/\r$//' "$W/refb-$side"); then
      ok "binary: $side lines = evdef --$side-out, byte for byte (CRLF -> LF)"
    else bad "binary: $side lines differ from evdef --$side-out"; fi
  done
  if cat "$W/out-binary/valid"/part-* "$W/out-binary/invalid"/part-* | LC_ALL=C sort \
    | cmp -s - <(LC_ALL=C sed 's/\r$//' "$MIXED" | LC_ALL=C sort); then
    ok "binary: valid + invalid = the input, every line once (non-UTF-8 bytes kept)"
  else bad "binary: valid + invalid is not the input"; fi
  want="{\"valid\": $(wc -l < "$W/refb-valid"), \"invalid\": $(wc -l < "$W/refb-invalid"), \"lines\": $MIXED_LINES}"
  if grep -qxF "evdef-validate: $want" "$W/binary.out"; then ok "binary: counts $want"; else bad "binary: counts (want $want): $(tail -1 "$W/binary.out")"; fi
else
  bad "binary job failed (see below)"; tail -20 "$W/binary.err"
fi

# --- 3. evdef cannot run (a broken bundle): the job must fail, not write partial output
printf '{"$schema": "https://json-schema.org/draft/2020-12/schema"}\n' > "$W/broken.json"
head -n 1000 "$LOG" > "$W/small.ndjson"
if run_job broken --definitions "$W/broken.json" "$W/small.ndjson" "$W/out-broken"; then
  bad "a broken bundle did not fail the job"
elif [ -e "$W/out-broken/valid/_SUCCESS" ]; then
  bad "a broken bundle failed the job but left a complete-looking output"
elif grep -q "exited with code 2\|PIPE_FUNCTION_EXITED" "$W/broken.err"; then
  ok "a fatal evdef error fails the job (checkCode)"
else
  bad "the job failed for another reason than evdef's exit code"; tail -5 "$W/broken.err"
fi

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
finish
