//! `evdef check` governance: `# evdef-ignore` suppressions, `[lint.rules]` levels for every warning,
//! `--fail-on`, and baselines (`--baseline`, `--write-baseline`).

use std::path::Path;

use insta_cmd::assert_cmd_snapshot;

use super::{evdef, evdef_in, fixture, fixture_path, run};

/// Codes of the findings in `check --format json` output.
fn codes(stdout: &str) -> Vec<String> {
    let found: Vec<serde_json::Value> = serde_json::from_str(stdout).unwrap();
    found
        .iter()
        .map(|d| format!("{}@{}", d["code"].as_str().unwrap(), d["location"]["line"]))
        .collect()
}

/// Suppressions on the line and the line above, several codes, in a prelude; a missing reason and a
/// misspelt code are errors that hide nothing; an unused suppression is a warning; `#` in a quoted string
/// or a block scalar is no suppression (`QuotedName` and `BlockName` are reported).
#[test]
fn suppressions_hide_findings_on_their_line_or_the_next() {
    assert_cmd_snapshot!(evdef().args(["check", &fixture("suppress/comments")]));
}

/// Each suppression of the fixture does hide something: with the marker renamed, its findings appear.
#[test]
fn without_the_comments_the_suppressed_findings_appear() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["_common.yaml", "events.yaml"] {
        let text = std::fs::read_to_string(fixture_path("suppress/comments").join(name)).unwrap();
        std::fs::write(dir.path().join(name), text.replace("evdef-ignore", "note")).unwrap();
    }
    let (code, stdout, _) = run(evdef_in(dir.path()).args(["check", "--format", "json", "."]));
    assert_eq!(code, 1);
    let found = codes(&stdout);
    for expected in [
        "naming-convention@5",
        "missing-description@3",
        "missing-description@7",
        "missing-description@14",
        "naming-convention@14",
        "missing-description@19",
        "missing-description@24",
        "naming-convention@34",
        "naming-convention@40",
    ] {
        assert!(
            found.contains(&expected.to_string()),
            "{expected} in {found:?}"
        );
    }
    assert!(
        !found.iter().any(|c| c.contains("suppression")),
        "{found:?}"
    );
}

#[test]
fn suppressed_findings_do_not_fail_the_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.yaml"),
        "# evdef-ignore: missing-description -- described in the partner's docs\nping:\n  parameters:\n    ok: boolean\n",
    )
    .unwrap();
    let (code, _, stderr) = run(evdef_in(dir.path()).args(["check", "."]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("no problems") || stderr.contains(": 0"),
        "{stderr}"
    );
}

#[test]
fn unused_suppression_is_configurable() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.yaml"),
        "# evdef-ignore: missing-description -- was undocumented\nping:\n  description: A ping sent by the health check\n",
    )
    .unwrap();
    let (code, stdout, _) = run(evdef_in(dir.path()).args(["check", "--format", "json", "."]));
    assert_eq!(
        (code, codes(&stdout)),
        (1, vec!["unused-suppression@1".into()])
    );
    std::fs::write(
        dir.path().join("evdef.toml"),
        "[definitions]\npaths = [\".\"]\n[lint.rules]\nunused-suppression = \"off\"\n",
    )
    .unwrap();
    let (code, stdout, _) = run(evdef_in(dir.path()).args(["check", "--format", "json"]));
    assert_eq!((code, codes(&stdout)), (0, Vec::<String>::new()));
}

/// A tree with an empty file and a fragment defined twice, and `evdef.toml` with `[lint.rules]`.
fn tree_with_warnings(rules: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let defs = dir.path().join("defs");
    std::fs::create_dir(&defs).unwrap();
    std::fs::write(defs.join("empty.yaml"), "# nothing yet\n").unwrap();
    std::fs::write(
        defs.join("events.yaml"),
        ".user: &user\n  id: integer\n---\n.user: &user\n  id: string\nping:\n  description: A ping sent by the health check\n  parameters:\n    <<: *user\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("evdef.toml"),
        format!("[definitions]\npaths = [\"defs\"]\n[lint.rules]\n{rules}"),
    )
    .unwrap();
    dir
}

#[test]
fn empty_file_and_duplicate_fragment_are_configurable() {
    let check = |rules: &str, fail_on: &str| {
        let dir = tree_with_warnings(rules);
        let (code, stdout, stderr) =
            run(evdef_in(dir.path()).args(["check", "--format", "json", "--fail-on", fail_on]));
        let found: Vec<serde_json::Value> = serde_json::from_str(&stdout).expect(&stderr);
        let found: Vec<String> = found
            .iter()
            .map(|d| {
                format!(
                    "{} {}",
                    d["code"].as_str().unwrap(),
                    d["severity"].as_str().unwrap()
                )
            })
            .collect();
        (code, found)
    };
    // Defaults: both are warnings.
    assert_eq!(
        check("", "warning"),
        (
            1,
            vec![
                "empty-file warning".into(),
                "duplicate-fragment warning".into()
            ]
        )
    );
    assert_eq!(check("", "error").0, 0);
    // As errors, they fail even with `--fail-on error`.
    assert_eq!(
        check(
            "empty-file = \"error\"\nduplicate-fragment = \"error\"\n",
            "error"
        ),
        (
            1,
            vec!["empty-file error".into(), "duplicate-fragment error".into()]
        )
    );
    // Allowed (`off`): gone.
    assert_eq!(
        check(
            "empty-file = \"off\"\nduplicate-fragment = \"off\"\n",
            "warning"
        ),
        (0, vec![])
    );
    assert_eq!(
        check("empty-file = \"info\"\n", "warning"),
        (
            1,
            vec![
                "empty-file info".into(),
                "duplicate-fragment warning".into()
            ]
        )
    );
}

#[test]
fn unknown_rule_codes_are_errors() {
    let dir = tree_with_warnings("empty-fil = \"off\"\n");
    let (code, _, stderr) = run(evdef_in(dir.path()).args(["check"]));
    assert_ne!(code, 0);
    assert!(stderr.contains("unknown rule `empty-fil`"), "{stderr}");
    assert!(stderr.contains("did you mean `empty-file`?"), "{stderr}");
}

#[test]
fn fail_on_chooses_which_findings_fail() {
    let path = fixture("lint/missing-description");
    assert_eq!(
        run(evdef().args(["check", "--fail-on", "warning", &path])).0,
        1
    );
    assert_eq!(
        run(evdef().args(["check", "--fail-on", "error", &path])).0,
        0
    );
    assert_eq!(
        run(evdef().args(["check", &path])).0,
        1,
        "default: warnings fail"
    );
    let (code, _, stderr) = run(evdef().args(["check", "--fail-on", "info", &path]));
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) =
        run(evdef().args(["check", "--fail-on", "error", "--allow-warnings", &path]));
    assert_eq!(code, 2, "{stderr}");
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// Write a baseline, then: the same findings pass; moved by unrelated edits they still pass; a new
/// finding alone fails; a fixed one is counted as no longer found.
#[test]
fn baseline_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("definitions")).unwrap();
    let defs = root.join("definitions");
    write(
        &defs,
        "a.yaml",
        "old_event:\n  parameters:\n    BadName: string\nother_event:\n  parameters:\n    x: string\n",
    );
    let (code, _, stderr) =
        run(evdef_in(root).args(["check", "--write-baseline", "baseline.json"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("wrote a baseline of 3 findings to baseline.json"),
        "{stderr}"
    );
    insta::assert_snapshot!(std::fs::read_to_string(root.join("baseline.json")).unwrap());

    let (code, _, stderr) = run(evdef_in(root).args(["check", "--baseline", "baseline.json"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("baseline baseline.json: 3 findings not shown"),
        "{stderr}"
    );

    // Unrelated lines above move every finding; one new finding is added, one old one fixed.
    write(
        &defs,
        "a.yaml",
        "# moved down\nfirst:\n  description: The first event of a session\nold_event:\n  parameters:\n    BadName: string\nother_event:\n  description: Now described for the record\n  parameters:\n    x: string\nnew_event:\n  parameters:\n    y: string\n",
    );
    let mut cmd = evdef_in(root);
    cmd.args(["check", "--baseline", "baseline.json"]);
    assert_cmd_snapshot!(cmd);
}

#[test]
fn a_baseline_of_named_files_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b.json");
    let file = fixture("lint/missing-description/a.yaml");
    let (code, _, stderr) = run(evdef()
        .args(["check", &file])
        .arg("--write-baseline")
        .arg(&out));
    assert_eq!(code, 2, "{stderr}");
    assert!(!out.exists());
}

#[test]
fn a_missing_or_broken_baseline_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture_path("lint/missing-description");
    let missing = dir.path().join("none.json");
    let (code, _, stderr) = run(evdef()
        .arg("check")
        .arg(&path)
        .arg("--baseline")
        .arg(&missing));
    assert_eq!(code, 2, "{stderr}");
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "[]").unwrap();
    let (code, _, stderr) = run(evdef()
        .arg("check")
        .arg(&path)
        .arg("--baseline")
        .arg(&broken));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("invalid baseline"), "{stderr}");
}

#[test]
fn explain_covers_configurable_warnings() {
    for code in [
        "empty-file",
        "duplicate-fragment",
        "unused-suppression",
        "invalid-suppression",
    ] {
        let (status, stdout, stderr) = run(evdef().args(["check", "--explain", code]));
        assert_eq!(status, 0, "{code}: {stderr}");
        assert!(
            stdout.starts_with(&format!("# {code}\n\n## What it does")),
            "{stdout}"
        );
    }
}

/// Errors that stop the definitions from compiling cannot be accepted: the baseline is written with the
/// rest, and they are printed and fail the run.
#[test]
fn write_baseline_fails_on_errors_it_cannot_record() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.yaml",
        "broken:\n  parameters:\n    x: strin\nundescribed:\n  parameters:\n    y: string\n",
    );
    let (code, _, stderr) =
        run(evdef_in(dir.path()).args(["check", ".", "--write-baseline", "b.json"]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("unknown type `strin`"), "{stderr}");
    assert!(
        stderr.contains("cannot be recorded in a baseline"),
        "{stderr}"
    );
    let written = std::fs::read_to_string(dir.path().join("b.json")).unwrap();
    assert!(
        written.contains("event `undescribed` has no description"),
        "{written}"
    );
    assert!(!written.contains("strin"), "{written}");
}
