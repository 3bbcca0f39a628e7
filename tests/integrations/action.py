#!/usr/bin/env python3
"""The GitHub Action (action.yml) run by hand, as a runner would run its steps.

GitHub's runner cannot run here, so this reads action.yml with PyYAML and runs each `run:` step with bash,
with the environment a runner sets (GITHUB_WORKSPACE, GITHUB_EVENT_NAME, GITHUB_BASE_REF, GITHUB_PATH,
GITHUB_ACTION_PATH, RUNNER_TOOL_CACHE), `${{ ... }}` expressions filled in from the inputs, and `if:`
conditions evaluated. `uses:` steps (the cache) are skipped: the first scenario starts with an empty tool
cache (so `install` builds evdef with cargo), the others find the binary there. The repository under test
is a throwaway one with an `origin` (a bare repository) and a shallow pull-request checkout, so the diff
step must fetch the base branch itself.

Prints `action: N passed, M failed` last; exits 1 on any failure.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
passed = failed = 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok: {name}")
    else:
        failed += 1
        print(f"FAILED: {name}\n{detail}")


def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def expression(text, context):
    """Fill `${{ ... }}` in a value: inputs.*, runner.*, github.* lookups."""
    def lookup(match):
        key = match.group(1).strip()
        if key not in context:
            raise KeyError(f"no value for `{key}` in the emulated runner")
        return context[key]
    return re.sub(r"\$\{\{(.*?)\}\}", lookup, text)


def condition(text, context):
    """Evaluate an `if:` of the forms action.yml uses (event-name comparisons, !cancelled(), && ||)."""
    text = text.strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    text = text.replace("!cancelled()", "True").replace("&&", " and ").replace("||", " or ")
    text = re.sub(r"github\.event_name\s*==\s*'([^']*)'",
                  lambda m: repr(context["github.event_name"] == m.group(1)), text)
    if re.search(r"[A-Za-z_.]+\(", text) or re.search(r"\b(github|inputs|runner)\.", text):
        raise ValueError(f"unsupported condition `{text}`")
    return eval(text, {"__builtins__": {}}, {})


def run_action(workspace, tool_cache, event, base_ref, inputs):
    """Run every step; return [(step name, exit code, output)] for the steps that ran."""
    with open(os.path.join(ROOT, "action.yml")) as f:
        action = yaml.safe_load(f)
    values = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    values.update(inputs)
    github_path = os.path.join(tool_cache, "..", "github_path")
    open(github_path, "w").close()
    context = {f"inputs.{k}": v for k, v in values.items()}
    context.update({
        "runner.tool_cache": tool_cache,
        "github.workspace": workspace,
        "github.action_path": ROOT,
        "github.event_name": event,
    })
    env = dict(os.environ)
    env.update({
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": workspace,
        "GITHUB_EVENT_NAME": event,
        "GITHUB_BASE_REF": base_ref,
        "GITHUB_PATH": github_path,
        "GITHUB_ACTION_PATH": ROOT,
        "RUNNER_TOOL_CACHE": tool_cache,
        "CARGO_TARGET_DIR": os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")),
        "NO_COLOR": "1",
    })
    ran = []
    for step in action["runs"]["steps"]:
        if "if" in step and not condition(step["if"], context):
            continue
        if "uses" in step:
            continue
        step_env = dict(env)
        with open(github_path) as f:
            extra = [line.strip() for line in f if line.strip()]
        step_env["PATH"] = os.pathsep.join(extra + [env["PATH"]])
        for key, value in step.get("env", {}).items():
            step_env[key] = expression(str(value), context)
        cwd = expression(step.get("working-directory", workspace), context)
        assert step["shell"] == "bash", step
        proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=cwd, env=step_env,
                              capture_output=True, text=True)
        ran.append((step["name"], proc.returncode, proc.stdout + proc.stderr))
        if proc.returncode != 0 and not ("if" in step and "!cancelled()" in str(step["if"])):
            # A failed step stops the steps after it unless they ask to run anyway.
            context["failed"] = True
    return ran


def scenario_repository(work):
    """origin (bare) with main; a pull-request branch that removes a parameter and adds an event without a
    description; a shallow clone of the pull-request branch as the workspace."""
    seed = os.path.join(work, "seed")
    os.makedirs(seed)
    git(seed, "init", "-q", "-b", "main")
    git(seed, "config", "user.email", "ci@example.com")
    git(seed, "config", "user.name", "ci")
    write(os.path.join(seed, "evdef.toml"), '[definitions]\npaths = ["events"]\n')
    write(os.path.join(seed, "events", "_common.yaml"), ".user: &user\n  user_id: integer\n")
    write(os.path.join(seed, "events", "orders.yaml"),
          "order_completed:\n  description: An order was paid\n  parameters:\n    <<: *user\n"
          "    total: number\n    coupon: string?\n")
    git(seed, "add", "-A")
    git(seed, "commit", "-qm", "base")
    git(seed, "checkout", "-qb", "feature")
    write(os.path.join(seed, "events", "orders.yaml"),
          "order_completed:\n  description: An order was paid\n  parameters:\n    <<: *user\n"
          "    total: number\n")
    write(os.path.join(seed, "events", "refunds.yaml"),
          "order_refunded:\n  parameters:\n    <<: *user\n    amount: number\n")
    git(seed, "add", "-A")
    git(seed, "commit", "-qm", "feature")
    origin = os.path.join(work, "origin.git")
    git(work, "clone", "-q", "--bare", seed, origin)
    workspace = os.path.join(work, "workspace")
    git(work, "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{origin}", workspace)
    return workspace


def main():
    work = tempfile.mkdtemp()
    try:
        workspace = scenario_repository(work)
        tool_cache = os.path.join(work, "toolcache")
        os.makedirs(tool_cache)

        # A push: check only. Empty tool cache: install builds evdef.
        ran = run_action(workspace, tool_cache, "push", "", {"fail-on-warnings": "false"})
        names = [name for name, _, _ in ran]
        check("push: install and check run, diff does not", names == ["Install evdef", "evdef check"], names)
        check("install builds evdef and puts it on PATH",
              ran[0][1] == 0 and os.path.exists(os.path.join(tool_cache, "evdef", "bin", "evdef")), ran[0][2])
        check("fail-on-warnings false: a warning annotates but passes",
              ran[1][1] == 0 and "::warning file=events/refunds.yaml,line=1," in ran[1][2], ran[1][2])

        # A pull request: check fails on the warning, diff still runs and reports the removed parameter.
        ran = run_action(workspace, tool_cache, "pull_request", "main", {})
        by_name = {name: (code, out) for name, code, out in ran}
        code, out = by_name.get("evdef check", (None, ""))
        check("pull request: the warning fails the check by default", code == 1, out)
        code, out = by_name.get("evdef diff", (None, ""))
        check("pull request: diff fetches the base branch and reports the removed parameter",
              code == 1 and "parameter-removed" in out and "::error" in out, out)
        check("the annotation points at the event in the new file and names the old definition",
              "file=events/orders.yaml,line=1," in out and "origin/main:events/orders.yaml:6:" in out, out)

        # Mode none: nothing breaks.
        ran = run_action(workspace, tool_cache, "pull_request", "main", {"diff-mode": "none"})
        code, out = dict((n, (c, o)) for n, c, o in ran).get("evdef diff", (None, ""))
        check("diff-mode none: the diff passes", code == 0, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"action: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
