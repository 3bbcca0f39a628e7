//! `evdef build` and `evdef check`'s example validation.

use super::{evdef_in as evdef, fixture_path as fixture};

fn project(config: &str, definitions: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("evdef.toml"), config).unwrap();
    std::fs::create_dir(dir.path().join("definitions")).unwrap();
    std::fs::write(dir.path().join("definitions/events.yaml"), definitions).unwrap();
    dir
}

const EVENTS: &str =
    "page_viewed:\n  description: A page was viewed\n  parameters:\n    user_id: integer\n";

#[test]
fn runs_the_configured_emitters() {
    let dir = project("[emit.json_schema]\nout = \"gen/schemas\"\n", EVENTS);
    let output = evdef(dir.path()).arg("build").output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        dir.path()
            .join("gen/schemas/page_viewed.schema.json")
            .is_file()
    );
    assert!(dir.path().join("gen/schemas/events.schema.json").is_file());
}

#[test]
fn refuses_on_errors_and_writes_nothing() {
    let dir = project(
        "[emit.json_schema]\nout = \"gen\"\n",
        "page_viewed:\n  parameters:\n    user_id: integr\n",
    );
    let output = evdef(dir.path()).arg("build").output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("events.yaml:3"), "{stderr}");
    assert!(stderr.contains("build refused"), "{stderr}");
    assert!(!dir.path().join("gen").exists());
}

#[test]
fn nothing_configured_cannot_run() {
    let dir = project("", EVENTS);
    let output = evdef(dir.path()).arg("build").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("nothing to build"));
}

#[test]
fn check_reports_an_invalid_example_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let output = evdef(dir.path())
        .args(["check", "--format", "json"])
        .arg(fixture("validate/bad-example"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let text = report.to_string();
    assert!(text.contains("invalid-example"), "{text}");
    assert!(text.contains("\"line\":9"), "{text}");
    let ok = evdef(dir.path())
        .arg("check")
        .arg(fixture("validate/catalog"))
        .output()
        .unwrap();
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
}

#[test]
fn check_reports_a_parameter_named_like_the_name_field() {
    let dir = tempfile::tempdir().unwrap();
    let output = evdef(dir.path())
        .arg("check")
        .arg(fixture("validate/name-clash"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("name-field-clash") && stderr.contains("events.yaml:4:5"),
        "{stderr}"
    );
}
