//! `evdef check`: exit codes, formats, bad paths.

use insta_cmd::assert_cmd_snapshot;

use super::{evdef, fixture, run};

#[test]
fn clean_definitions_exit_zero() {
    assert_cmd_snapshot!(evdef().args(["check", &fixture("cli/seed")]));
}

#[test]
fn every_bad_input_exits_one_and_names_file_line_col() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diagnostics");
    let mut dirs: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    dirs.sort();
    for dir in dirs {
        let dir = dir.to_string_lossy();
        let path = fixture(&format!("diagnostics/{dir}"));
        let (code, _, stderr) = run(evdef().args(["check", &path]));
        assert_eq!(code, 1, "{dir}: exit code\n{stderr}");
        // `file:line:col` as the renderer's header or inline position.
        let located = regex_lite_find(&stderr, &path);
        assert!(located, "{dir}: no file:line:col in\n{stderr}");
    }
}

/// Whether `text` contains `<path>/<file>:<line>:<col>`.
fn regex_lite_find(text: &str, path: &str) -> bool {
    text.match_indices(path).any(|(i, _)| {
        let rest = &text[i + path.len()..];
        let Some(rest) = rest.strip_prefix('/') else {
            return false;
        };
        let Some(colon) = rest.find(':') else {
            return false;
        };
        let mut parts = rest[colon + 1..].splitn(3, |c: char| !c.is_ascii_digit());
        let line = parts.next().unwrap_or("");
        let col = parts.next().unwrap_or("");
        !line.is_empty() && !col.is_empty()
    })
}

#[test]
fn json_format_has_line_and_column() {
    let (code, stdout, _) = run(evdef().args([
        "check",
        "--format",
        "json",
        &fixture("diagnostics/typo-in-key"),
    ]));
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    insta::assert_json_snapshot!(v);
}

#[test]
fn github_format_is_workflow_commands() {
    assert_cmd_snapshot!(evdef().args([
        "check",
        "--format",
        "github",
        &fixture("diagnostics/duplicate-event-across-files")
    ]));
}

#[test]
fn sarif_format_is_valid_sarif_shape() {
    let (code, stdout, _) = run(evdef().args([
        "check",
        "--format",
        "sarif",
        &fixture("lint/merge-conflict"),
    ]));
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(region["startColumn"].as_u64().unwrap() >= 1);
    }
    insta::assert_json_snapshot!(v);
}

#[test]
fn sarif_carries_the_suggested_replacement_as_a_fix() {
    let typo = fixture("diagnostics/typo-in-key");
    let (_, stdout, _) = run(evdef().args(["check", "--format", "sarif", &typo]));
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let change = &v["runs"][0]["results"][0]["fixes"][0]["artifactChanges"][0];
    assert_eq!(
        change["artifactLocation"]["uri"],
        "tests/fixtures/diagnostics/typo-in-key/a.yaml"
    );
    let replacement = &change["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], "description");
    // `  descripton: x` on line 2: the key only.
    let region = &replacement["deletedRegion"];
    assert_eq!(
        (
            &region["startLine"],
            &region["startColumn"],
            &region["endColumn"]
        ),
        (
            &serde_json::json!(2),
            &serde_json::json!(3),
            &serde_json::json!(13)
        )
    );
    // A finding without a mechanical fix has none.
    let (_, stdout, _) = run(evdef().args([
        "check",
        "--format",
        "sarif",
        &fixture("lint/merge-conflict"),
    ]));
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(v["runs"][0]["results"][0].get("fixes").is_none(), "{v}");
}

#[test]
fn warnings_fail_unless_allowed() {
    let path = fixture("lint/missing-description");
    assert_eq!(run(evdef().args(["check", &path])).0, 1);
    assert_eq!(run(evdef().args(["check", "--allow-warnings", &path])).0, 0);
}

#[test]
fn missing_path_exits_two() {
    assert_cmd_snapshot!(evdef().args(["check", "does/not/exist"]));
}

#[test]
fn directory_without_yaml_exits_two() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not yaml").unwrap();
    let (code, _, stderr) = run(evdef().args(["check"]).arg(dir.path()));
    assert_eq!(code, 2);
    assert!(stderr.contains("no definitions"), "{stderr}");
}

#[test]
fn bad_flag_exits_two() {
    let (code, _, stderr) = run(evdef().args(["check", "--format", "xml"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("xml"), "{stderr}");
}

#[test]
fn explain_prints_rule_docs() {
    assert_cmd_snapshot!(evdef().args(["check", "--explain", "override-type-change"]));
}

#[test]
fn explain_covers_codes_that_are_not_lint_rules() {
    assert_cmd_snapshot!(evdef().args(["check", "--explain", "undefined-alias"]));
    let (code, stdout, _) = run(evdef().args(["check", "--explain", "event-removed"]));
    assert_eq!(code, 0);
    assert!(stdout.starts_with("# event-removed\n"), "{stdout}");
    let (code, _, stderr) = run(evdef().args(["check", "--explain", "undefined-alais"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("did you mean `undefined-alias`?"),
        "{stderr}"
    );
}

#[test]
fn config_is_found_by_walking_up_and_flags_win() {
    let dir = tempfile::tempdir().unwrap();
    let defs = dir.path().join("defs");
    std::fs::create_dir_all(defs.join("nested")).unwrap();
    std::fs::write(
        defs.join("a.yaml"),
        "app_opened:\n  parameters:\n    x: string\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("evdef.toml"),
        "[definitions]\npaths = [\"defs\"]\n[lint.rules]\nmissing-description = \"off\"\n",
    )
    .unwrap();
    // From a subdirectory: the config is found above, its paths are relative to it, the rule is off.
    let mut cmd = super::evdef();
    cmd.current_dir(defs.join("nested")).arg("check");
    let (code, _, stderr) = run(&mut cmd);
    assert_eq!(code, 0, "{stderr}");
    // A path on the command line wins over the configured one.
    let mut cmd = super::evdef();
    cmd.current_dir(defs.join("nested"))
        .args(["check", "does-not-exist"]);
    assert_eq!(run(&mut cmd).0, 2);
}

/// What a pre-commit hook does: name changed files of a tree. The tree's own `evdef.toml` is found from
/// the file (not from the working directory, whose `evdef.toml` turns `missing-description` on), its
/// prelude's anchors resolve, and only the named file is reported on (`nested/b.yaml` is broken too).
#[test]
fn a_named_file_is_checked_in_its_tree_and_reported_alone() {
    assert_cmd_snapshot!(evdef().args(["check", &fixture("check-tree/defs/a.yaml")]));
}

#[test]
fn a_file_named_twice_is_read_once() {
    let file = fixture("check-tree/defs/a.yaml");
    let (code, stdout, _) =
        run(evdef().args(["check", "--format", "json", &file, &format!("./{file}")]));
    assert_eq!(code, 1);
    let found: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap();
    let codes: Vec<&str> = found.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["unknown-type"], "{stdout}");
}

#[test]
fn a_clean_named_file_passes_although_another_file_of_its_tree_is_broken() {
    let (code, _, stderr) = run(evdef().args(["check", &fixture("check-tree/defs/clean.yaml")]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("checked 1 event in 1 file"), "{stderr}");
}

#[test]
fn files_outside_the_definitions_paths_are_skipped_on_request() {
    let hook_config = fixture("check-tree/.pre-commit-config.yaml");
    let (code, _, stderr) =
        run(evdef().args(["check", "--skip-outside-definitions", &hook_config]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("nothing to check"), "{stderr}");
    // With a definitions file beside it, only that file is checked.
    let (code, stdout, _) = run(evdef().args([
        "check",
        "--skip-outside-definitions",
        "--format",
        "github",
        &hook_config,
        &fixture("check-tree/defs/nested/b.yaml"),
    ]));
    assert_eq!(code, 1);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stdout.starts_with(
            "::error file=tests/fixtures/check-tree/defs/nested/b.yaml,line=4,col=15,"
        ),
        "{stdout}"
    );
}

/// GitLab Code Quality: the fields GitLab reads, a fingerprint per finding, and the same fingerprint on
/// the next run (GitLab tracks findings between pipelines by it).
#[test]
fn gitlab_format_is_a_code_quality_report() {
    let args = [
        "check",
        "--format",
        "gitlab",
        &fixture("diagnostics/typo-in-key"),
    ];
    let (code, stdout, _) = run(evdef().args(args));
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    insta::assert_json_snapshot!(report);
    let (_, again, _) = run(evdef().args(args));
    assert_eq!(stdout, again, "fingerprints are stable");
    let fingerprints: std::collections::HashSet<&str> = report
        .as_array()
        .unwrap()
        .iter()
        .map(|issue| issue["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fingerprints.len(), report.as_array().unwrap().len());
}

/// A definitions file saved by a Windows editor: a UTF-8 BOM first and CRLF line endings. The BOM is
/// skipped, CRLF reads as LF, and positions are the ones the editor shows.
#[test]
fn a_bom_and_crlf_in_a_definitions_file_are_read_as_plain_text() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.yaml"),
        "\u{feff}a_happened:\r\n  description: Something happened here\r\n  parameters:\r\n    x: strin\r\n",
    )
    .unwrap();
    let (code, stdout, stderr) =
        run(super::evdef_in(dir.path()).args(["check", "--format", "json", "a.yaml"]));
    assert_eq!(code, 1, "{stderr}");
    let found: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap();
    assert_eq!(found.len(), 1, "{stdout}");
    assert_eq!(found[0]["code"], "unknown-type");
    assert_eq!(found[0]["location"]["line"], 4);
    assert_eq!(found[0]["location"]["column"], 8);
    assert_eq!(
        found[0]["location"]["end_column"], 13,
        "the span ends before the CR"
    );
}
