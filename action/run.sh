#!/usr/bin/env bash
# The steps of action.yml. `install`: build evdef from the action's own checkout unless the cached binary
# is there, and put it on PATH. `check`: lint with GitHub annotations. `diff`: breaking changes against the
# pull request's base branch, fetched when the checkout is shallow.
set -euo pipefail
step="${1:?usage: run.sh install|check|diff}"
read -r -a definitions <<<"${INPUT_DEFINITIONS:-}"

case "$step" in
  install)
    root="${EVDEF_ROOT:?EVDEF_ROOT is set by action.yml}"
    if ! "$root/bin/evdef" --version >/dev/null 2>&1; then
      cargo install --locked --path "$GITHUB_ACTION_PATH" --root "$root"
    fi
    echo "$root/bin" >>"${GITHUB_PATH:?}"
    "$root/bin/evdef" --version
    ;;
  check)
    flags=(--format github)
    [ "${INPUT_FAIL_ON_WARNINGS:-true}" = true ] || flags+=(--allow-warnings)
    exec evdef check "${flags[@]}" "${definitions[@]}"
    ;;
  diff)
    against="${INPUT_AGAINST:-}"
    if [ -z "$against" ]; then
      base="${GITHUB_BASE_REF:?not a pull request: set the against input}"
      against="origin/$base"
      if ! git rev-parse --verify --quiet "$against^{commit}" >/dev/null; then
        # actions/checkout fetches the merge commit alone by default.
        git fetch --no-tags --quiet origin "+refs/heads/$base:refs/remotes/origin/$base"
      fi
    fi
    flags=(--against "$against" --format github)
    [ -z "${INPUT_DIFF_MODE:-}" ] || flags+=(--mode "$INPUT_DIFF_MODE")
    exec evdef diff "${flags[@]}" "${definitions[@]}"
    ;;
  *)
    echo "run.sh: unknown step \`$step\` (install, check, diff)" >&2
    exit 2
    ;;
esac
