#!/usr/bin/env bash
# `cargo install` readiness: the crate packages (`cargo package` builds it from the .crate file), the
# packaged crate passes its own test suite (so no test depends on a file that is not packaged), and
# `cargo install --path .` gives an `evdef` that works from any directory.
# Prints `package: N passed, M failed` last; exits 1 on any failure.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root" || exit 2
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
bad() { failed=$((failed + 1)); echo "FAILED: $1"; }
finish() { echo "package: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Dependencies are shared with the main build; the packaged crate itself builds from its own sources.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"

if cargo package --locked --quiet; then ok "cargo package (builds the packaged crate)"; else bad "cargo package"; finish; fi
crate="$(ls -t "$CARGO_TARGET_DIR"/package/evdef-*.crate | head -1)"
tar -xzf "$crate" -C "$work"
unpacked="$(ls -d "$work"/evdef-*/ | head -1)"
for file in LICENSE-MIT LICENSE-APACHE README.md Cargo.lock; do
  [ -f "$unpacked/$file" ] || bad "the package holds $file"
done
if (cd "$unpacked" && cargo test --locked --quiet 2>&1 | tail -n 40 >"$work/test.log"; exit "${PIPESTATUS[0]}"); then
  ok "the packaged crate passes its own tests"
else
  bad "the packaged crate passes its own tests"; cat "$work/test.log"
fi

if cargo install --locked --quiet --path "$root" --root "$work/install"; then
  out="$(cd / && "$work/install/bin/evdef" --version)"
  if [[ "$out" == "evdef "* ]]; then ok "cargo install --path gives a working evdef ($out)"; else bad "installed evdef runs: $out"; fi
  cp -r "$root/definitions" "$work/defs"
  if (cd "$work" && "$work/install/bin/evdef" check defs 2>"$work/check.log"); then
    ok "the installed evdef checks a definitions tree from another directory"
  else
    bad "the installed evdef checks a definitions tree from another directory"; cat "$work/check.log"
  fi
else
  bad "cargo install --path"
fi
finish
