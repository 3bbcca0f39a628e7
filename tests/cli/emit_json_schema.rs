//! `evdef emit json-schema`.

use super::{evdef_in as evdef, fixture_path as fixture};

#[test]
fn writes_one_schema_per_event_and_the_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("schemas");
    let status = evdef(dir.path())
        .args(["emit", "json-schema", "-d"])
        .arg(fixture("validate/catalog"))
        .arg("--out")
        .arg(&out)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".evdef-manifest.json",
            "api_created_check_in.schema.json",
            "events.schema.json",
            "reward_granted.schema.json"
        ]
    );
    let bundle: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("events.schema.json")).unwrap()).unwrap();
    assert_eq!(
        bundle["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
}

#[test]
fn draft_07_and_bundle_only() {
    let dir = tempfile::tempdir().unwrap();
    let status = evdef(dir.path())
        .args([
            "emit",
            "json-schema",
            "--draft",
            "07",
            "--bundle",
            "--out",
            "s",
            "-d",
        ])
        .arg(fixture("validate/catalog"))
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let names: Vec<_> = std::fs::read_dir(dir.path().join("s")).unwrap().collect();
    assert_eq!(names.len(), 2, "the bundle and the manifest");
    let bundle: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("s/events.schema.json")).unwrap())
            .unwrap();
    assert_eq!(bundle["$schema"], "http://json-schema.org/draft-07/schema#");
    assert!(bundle.get("definitions").is_some());
}

#[test]
fn same_input_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    for out in ["a", "b"] {
        let status = evdef(dir.path())
            .args(["emit", "json-schema", "--out", out, "-d"])
            .arg(fixture("validate/catalog"))
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(0));
    }
    for file in ["events.schema.json", "reward_granted.schema.json"] {
        assert_eq!(
            std::fs::read(dir.path().join("a").join(file)).unwrap(),
            std::fs::read(dir.path().join("b").join(file)).unwrap()
        );
    }
}

#[test]
fn refuses_broken_definitions() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.yaml"),
        "ev:\n  parameters:\n    x: strnig\n",
    )
    .unwrap();
    let output = evdef(dir.path())
        .args(["emit", "json-schema", "--out", "s", "bad.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("bad.yaml:3"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!dir.path().join("s").exists());
}
