//! `evdef diff`: against a directory (every format, exit codes, `--explain`), and against revisions of a
//! throwaway git repository built commit by commit.

use std::path::Path;
use std::process::Command;

use insta_cmd::assert_cmd_snapshot;

use super::{evdef, evdef_in, fixture, run};

fn pair(case: &str) -> (String, String) {
    (
        fixture(&format!("diff/{case}/before")),
        fixture(&format!("diff/{case}/after")),
    )
}

#[test]
fn human_shows_both_spans_and_the_merge() {
    let (before, after) = pair("inherited-fragment-edit");
    assert_cmd_snapshot!(evdef().args(["diff", "--against", &before, &after]));
}

#[test]
fn json_is_one_object_and_exit_one_on_a_break() {
    let (before, after) = pair("version-not-bumped");
    let (code, stdout, _) =
        run(evdef().args(["diff", "--format", "json", "--against", &before, &after]));
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    insta::assert_json_snapshot!(v);
}

#[test]
fn other_formats() {
    let (before, after) = pair("nested-paths");
    for format in ["markdown", "github", "sarif"] {
        let (code, stdout, stderr) =
            run(evdef().args(["diff", "--format", format, "--against", &before, &after]));
        assert_eq!(code, 1, "{format}: {stderr}");
        insta::assert_snapshot!(format!("diff_format_{format}"), stdout);
    }
}

#[test]
fn mode_decides_the_exit_code() {
    // Widening a type breaks forward only.
    let (before, after) = pair("type-widened");
    let expect = [("backward", 0), ("forward", 1), ("full", 1), ("none", 0)];
    for (mode, want) in expect {
        let (code, _, stderr) =
            run(evdef().args(["diff", "--mode", mode, "--against", &before, &after]));
        assert_eq!(code, want, "{mode}: {stderr}");
    }
}

#[test]
fn explain_prints_the_rule() {
    assert_cmd_snapshot!(evdef().args(["diff", "--explain", "parameter-added"]));
}

#[test]
fn a_broken_old_side_exits_two_and_says_which_side() {
    let (code, _, stderr) = run(evdef().args([
        "diff",
        "--against",
        &fixture("diagnostics/unknown-type"),
        &fixture("diff/type-widened/after"),
    ]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("the old side (`tests/fixtures/diagnostics/unknown-type`) does not load"),
        "{stderr}"
    );
}

/// git in `dir`, isolated from the user's configuration.
fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=evdef",
            "-c",
            "user.email=evdef@example.com",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

/// `evdef diff --format json --against REV` in the repository: exit code and the parsed object.
fn diff_json(dir: &Path, rev: &str) -> (i32, serde_json::Value) {
    let (code, stdout, stderr) =
        run(evdef_in(dir).args(["diff", "--format", "json", "--against", rev]));
    let v = serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("{rev}: {stdout}\n{stderr}"));
    (code, v)
}

fn status(dir: &Path) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["status", "--porcelain"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

const PRELUDE: &str = ".user: &user\n  user_id: integer\n.tiered: &tiered\n  <<: *user\n  tier: {type: string, enum: [bronze, silver, gold]}\n";

#[test]
fn against_git_revisions() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    git(dir, &["init", "-q"]);
    write(
        dir,
        "evdef.toml",
        "[definitions]\npaths = [\"definitions\"]\n",
    );
    write(dir, "definitions/_common.yaml", PRELUDE);
    let api = "checked_in:\n  parameters:\n    <<: *user\n    at: timestamp\nsigned_up:\n  parameters:\n    <<: *tiered\n";
    let logout = "logged_out:\n  parameters:\n    <<: *user\n";
    write(dir, "definitions/api.yaml", &format!("{api}{logout}"));
    commit(dir, "initial");
    git(dir, &["tag", "v1"]);

    // 1. A prelude fragment edit reaches every event that inherits it (an optional key: forward only).
    let prelude = PRELUDE.replace(
        "  user_id: integer\n",
        "  user_id: integer\n  user_email: email?\n",
    );
    write(dir, "definitions/_common.yaml", &prelude);
    commit(dir, "fragment edit");
    let (code, v) = diff_json(dir, "HEAD~1");
    assert_eq!(code, 0, "{v}");
    insta::assert_json_snapshot!("git_fragment_edit", v);

    // 2. An event moved to another file, and 3. a renamed file: no change.
    write(dir, "definitions/api.yaml", api);
    write(dir, "definitions/session.yaml", logout);
    commit(dir, "move logged_out");
    assert_eq!(
        diff_json(dir, "HEAD~1"),
        (
            0,
            serde_json::json!({"against": "HEAD~1", "mode": "backward", "compatible": true, "changes": []})
        )
    );
    git(
        dir,
        &["mv", "definitions/api.yaml", "definitions/checkins.yaml"],
    );
    commit(dir, "rename");
    assert_eq!(diff_json(dir, "HEAD~1").0, 0);
    assert_eq!(diff_json(dir, "HEAD~1").1["changes"], serde_json::json!([]));

    // 4. An enum value removed through a merged fragment: breaks backward, old span labelled `HEAD~1:`.
    write(
        dir,
        "definitions/_common.yaml",
        &prelude.replace(", gold]", "]"),
    );
    commit(dir, "drop gold");
    let before = status(dir);
    let (code, v) = diff_json(dir, "HEAD~1");
    assert_eq!(code, 1);
    insta::assert_json_snapshot!("git_enum_value_removed", v);
    assert_eq!(status(dir), before, "the work tree and index are untouched");

    // Against the tag: everything since the first commit.
    let (code, v) = diff_json(dir, "v1");
    assert_eq!(code, 1);
    insta::assert_json_snapshot!("git_against_tag", v);

    // An uncommitted edit is NEW; a bad revision cannot run.
    std::fs::remove_file(dir.join("definitions/session.yaml")).unwrap();
    let (code, _, stderr) = run(evdef_in(dir).args(["diff", "--against", "HEAD"]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("event `logged_out` removed"), "{stderr}");
    let (code, _, stderr) = run(evdef_in(dir).args(["diff", "--against", "no-such-branch"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unknown git revision `no-such-branch`"),
        "{stderr}"
    );
}

#[test]
fn check_against_reports_lint_and_diff_in_one_step() {
    let (before, after) = pair("version-not-bumped");
    let (code, stdout, stderr) =
        run(evdef().args(["check", "--format", "json", "--against", &before, &after]));
    assert_eq!(code, 1, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let codes: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "missing-description",
            "parameter-removed",
            "version-not-bumped"
        ]
    );
    // Without `--against` the same definitions only warn.
    let (code, _, _) = run(evdef().args(["check", "--allow-warnings", &after]));
    assert_eq!(code, 0);
}

/// Each side loads with its own `evdef.toml`: the revision's points at another directory and has an open
/// content model; running from a subdirectory finds both.
#[test]
fn a_revision_loads_with_its_own_configuration() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    git(dir, &["init", "-q"]);
    let events = "checked_in:\n  parameters:\n    user_id: integer\n";
    write(
        dir,
        "evdef.toml",
        "[definitions]\npaths = [\"defs\"]\n[envelope]\nadditional_parameters = \"allow\"\n",
    );
    write(dir, "defs/api.yaml", events);
    commit(dir, "open model in defs/");
    git(dir, &["mv", "defs", "definitions"]);
    write(
        dir,
        "evdef.toml",
        "[definitions]\npaths = [\"definitions\"]\n",
    );
    commit(dir, "closed model in definitions/");
    let (code, v) = diff_json(&dir.join("definitions"), "HEAD~1");
    assert_eq!(code, 1, "{v}");
    let changes = v["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{v}");
    assert_eq!(changes[0]["rule"], "constraint-tightened");
    assert_eq!(changes[0]["event"], serde_json::Value::Null);
    assert_eq!(changes[0]["breaks"], serde_json::json!(["backward"]));
}

/// `[diff]` in NEW's `evdef.toml`: `mode` decides what fails, `ignore` drops changes, an unknown rule in
/// `ignore` cannot run.
#[test]
fn diff_settings_come_from_evdef_toml() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let case = super::fixture_path("diff/type-widened");
    write(
        dir,
        "old/events.yaml",
        &std::fs::read_to_string(case.join("before/events.yaml")).unwrap(),
    );
    write(
        dir,
        "definitions/events.yaml",
        &std::fs::read_to_string(case.join("after/events.yaml")).unwrap(),
    );
    let run_with = |toml: &str| {
        write(dir, "evdef.toml", toml);
        run(evdef_in(dir).args(["diff", "--format", "json", "--against", "old"]))
    };
    // Widening breaks forward only: compatible under the default `backward`, not under `full`.
    assert_eq!(run_with("").0, 0);
    let (code, stdout, _) = run_with("[diff]\nmode = \"full\"\n");
    assert_eq!(code, 1);
    assert!(stdout.contains("\"mode\": \"full\""), "{stdout}");
    let (code, stdout, _) = run_with("[diff]\nmode = \"full\"\nignore = [\"e:type-widened\"]\n");
    assert_eq!(code, 0);
    assert!(stdout.contains("\"changes\": []"), "{stdout}");
    let (code, _, stderr) = run_with("[diff]\nignore = [\"type-widend\"]\n");
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown rules: type-widend"), "{stderr}");
}
