//! `evdef schema`: the definitions schema on stdout or in a file (written through a symlink the user
//! named), and `build` writing it to `generated/evdef.schema.json`.

use super::{evdef, evdef_in, run};

/// The schema the library derives, as `evdef schema` prints it.
fn expected() -> String {
    evdef::resolve::raw::schema_text()
}

#[test]
fn prints_the_draft07_schema() {
    let (code, stdout, stderr) = run(evdef().arg("schema"));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, expected());
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(value["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(stderr, "");
}

#[test]
fn out_writes_the_file_and_through_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run(evdef_in(dir.path()).args(["schema", "-o", "s.json"]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "");
    assert_eq!(stderr, "wrote the definitions schema to s.json\n");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("s.json")).unwrap(),
        expected()
    );
    #[cfg(unix)]
    {
        std::fs::write(dir.path().join("target.json"), "old").unwrap();
        std::os::unix::fs::symlink("target.json", dir.path().join("link.json")).unwrap();
        let (code, _, stderr) = run(evdef_in(dir.path()).args(["schema", "--out", "link.json"]));
        assert_eq!(code, 0, "{stderr}");
        let link = std::fs::symlink_metadata(dir.path().join("link.json")).unwrap();
        assert!(link.file_type().is_symlink(), "the named symlink is kept");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("target.json")).unwrap(),
            expected()
        );
    }
}

#[test]
fn build_writes_it_and_check_sees_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("evdef.toml"),
        "[emit.json_schema]\nout = \"gen\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("definitions")).unwrap();
    std::fs::write(
        dir.path().join("definitions/events.yaml"),
        "page_viewed:\n  description: A page was viewed\n",
    )
    .unwrap();
    let (code, _, stderr) = run(evdef_in(dir.path()).arg("build"));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("wrote the definitions schema to generated/evdef.schema.json"),
        "{stderr}"
    );
    let path = dir.path().join("generated/evdef.schema.json");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), expected());
    let (code, _, stderr) = run(evdef_in(dir.path()).args(["build", "--check"]));
    assert_eq!(code, 0, "{stderr}");
    std::fs::remove_file(&path).unwrap();
    let (code, _, stderr) = run(evdef_in(dir.path()).args(["build", "--check"]));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("missing: generated/evdef.schema.json"),
        "{stderr}"
    );
}
