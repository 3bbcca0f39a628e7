#!/usr/bin/env bash
# The pre-commit hooks of `.pre-commit-hooks.yaml`, as a user repository runs them: `pre-commit try-repo`
# of this repository (pre-commit builds evdef itself with `cargo install`) in a throwaway git repository
# holding a definitions tree. Checks that clean files pass, that a file with an unknown type fails with its
# file:line, and that YAML files outside the definitions paths are left alone.
#
# Installs pre-commit from PyPI when it is missing and CI=true (fails otherwise). Reuses this checkout's
# target directory so the hook's `cargo install` does not rebuild every dependency. Prints
# `pre-commit: N passed, M failed` last; exits 1 on any failure.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
bad() { failed=$((failed + 1)); echo "FAILED: $1"; }
finish() { echo "pre-commit: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }

if ! command -v pre-commit >/dev/null; then
  if [ "${CI:-}" = true ]; then
    python3 -m pip install --quiet pre-commit || python3 -m pip install --quiet --break-system-packages pre-commit \
      || { bad "pip install pre-commit"; finish; }
  else
    bad "pre-commit is not installed (pip install pre-commit, or run with CI=true)"; finish
  fi
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/cache" CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
repo="$work/repo"
mkdir -p "$repo/events"
cd "$repo" || finish
git init -q && git config user.email ci@example.com && git config user.name ci
cat > evdef.toml <<'TOML'
[definitions]
paths = ["events"]
TOML
cat > events/_common.yaml <<'YAML'
.user: &user
  user_id: integer
YAML
cat > events/signup.yaml <<'YAML'
user_signed_up:
  description: A user created an account
  parameters:
    <<: *user
    plan: string
YAML
printf 'repos: []\n' > .pre-commit-config.yaml
git add -A && git commit -qm init

try() { # HOOK FILES... -> output in $out, status in $status
  out="$(pre-commit try-repo "$root" "$1" --verbose --files "${@:2}" 2>&1)"; status=$?
}

try evdef-check events/signup.yaml .pre-commit-config.yaml
if [ "$status" -eq 0 ]; then ok "clean definitions pass"; else bad "clean definitions pass"; echo "$out"; fi

cat > events/login.yaml <<'YAML'
user_logged_in:
  description: A user logged in
  parameters:
    <<: *user
    attempts: integr
YAML
git add -A
try evdef-check events/login.yaml events/signup.yaml .pre-commit-config.yaml
if [ "$status" -ne 0 ] && grep -q 'events/login.yaml:5:15' <<<"$out" && grep -q 'unknown type `integr`' <<<"$out"; then
  ok "an unknown type fails with file:line:column"
else
  bad "an unknown type fails with file:line:column"; echo "$out"
fi
if grep -q 'events/login.yaml:5:15' <<<"$out" && ! grep -q 'signup.yaml:' <<<"$out"; then ok "only the failing file is reported"; else bad "only the failing file is reported"; echo "$out"; fi

try evdef-check .pre-commit-config.yaml
if [ "$status" -eq 0 ]; then ok "YAML outside the definitions paths is skipped"; else bad "YAML outside the definitions paths is skipped"; echo "$out"; fi

finish
