//! Bounded work: the expansion budget is one per run and decided on the text alone, so the verdict and the
//! diagnostics are the same on one core and on sixteen, for the bombs and for a large honest catalog.

use super::{evdef, fixture, run};

#[path = "../../benches/support/catalog.rs"]
#[allow(dead_code, clippy::unwrap_used)]
mod catalog;

/// Run `evdef check PATH` with `threads` rayon threads: (exit code, stdout, stderr).
fn check_with_threads(path: &str, threads: usize) -> (i32, String, String) {
    run(evdef()
        .args(["check", path])
        .env("RAYON_NUM_THREADS", threads.to_string()))
}

#[test]
fn bombs_fail_the_same_way_on_one_core_and_on_sixteen() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diagnostics");
    let mut bombs: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| {
            name.starts_with("bomb-")
                || [
                    "billion-laughs",
                    "properties-alias-bomb",
                    "deep-alias-chain",
                ]
                .contains(&name.as_str())
        })
        .collect();
    bombs.sort();
    assert!(bombs.len() >= 12, "bomb fixtures missing: {bombs:?}");
    for bomb in bombs {
        let path = fixture(&format!("diagnostics/{bomb}"));
        let one = check_with_threads(&path, 1);
        let sixteen = check_with_threads(&path, 16);
        assert_eq!(one.0, 1, "{bomb}: exit code\n{}", one.2);
        assert!(
            ["alias-expansion-limit", "merge-too-large", "too-deep"]
                .iter()
                .any(|code| one.2.contains(code)),
            "{bomb}: no budget diagnostic in\n{}",
            one.2
        );
        assert_eq!(one, sixteen, "{bomb}: one core and sixteen disagree");
    }
}

#[test]
fn a_large_honest_catalog_passes_on_one_core_and_on_sixteen() {
    let dir = tempfile::tempdir().unwrap();
    catalog::write(dir.path());
    let path = dir.path().display().to_string();
    let one = check_with_threads(&path, 1);
    let sixteen = check_with_threads(&path, 16);
    assert_eq!(one.0, 0, "the generated catalog must pass\n{}", one.2);
    assert!(!one.2.contains("expand"), "{}", one.2);
    assert_eq!(one, sixteen);
}
