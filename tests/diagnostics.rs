//! Every bad-input and lint fixture directory is checked, and its rendered diagnostics are snapshotted.
//! A new case is a new directory under `tests/fixtures/diagnostics/` or `tests/fixtures/lint/<rule-code>/`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use evdef::diagnostics::render;
use evdef::{Options, Severity};

fn cases(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

/// Check a fixture directory, with paths relative to the crate root so snapshots are stable.
fn check(dir: &Path) -> (evdef::Compiled, String) {
    let relative = dir.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap();
    let compiled = evdef::check(&Options::new().with_path(relative)).unwrap();
    let text = render::human(&compiled.catalog.sources, &compiled.diagnostics, false);
    (compiled, text)
}

#[test]
fn bad_inputs_are_reported_with_positions() {
    let all = cases("tests/fixtures/diagnostics");
    assert!(all.len() >= 15, "fixtures missing: {all:?}");
    for dir in all {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let (compiled, text) = check(&dir);
        assert!(
            !compiled.diagnostics.is_empty(),
            "{name}: a bad input must produce a diagnostic"
        );
        assert!(
            compiled
                .diagnostics
                .iter()
                .any(|d| d.severity >= Severity::Warning),
            "{name}: a bad input must fail `evdef check`"
        );
        for d in &compiled.diagnostics {
            assert!(
                d.primary.is_some(),
                "{name}: `{}` has no position",
                d.message
            );
        }
        insta::assert_snapshot!(format!("diagnostics__{name}"), text);
    }
}

#[test]
fn each_lint_rule_fires_on_its_fixture() {
    for dir in cases("tests/fixtures/lint") {
        let code = dir.file_name().unwrap().to_string_lossy().to_string();
        let (compiled, text) = check(&dir);
        assert!(
            compiled.diagnostics.iter().any(|d| d.code == code),
            "rule `{code}` did not fire on its fixture:\n{text}"
        );
        assert!(
            evdef::lint::Rule::from_code(&code).is_some(),
            "fixture names unknown rule `{code}`"
        );
        insta::assert_snapshot!(format!("lint__{code}"), text);
    }
}
