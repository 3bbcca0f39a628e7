//! Where diagnostics point and how files are named: columns count Unicode scalar values in every format,
//! messages name files relative to the working directory, and generated files do not depend on where
//! the project is checked out.

use std::path::Path;

use super::{evdef, evdef_in, fixture, run};

/// `é` (2 bytes) and `😀` (4 bytes) stand before the bad key `bogus`, at character column 42 of line 2.
const UNICODE: &str = "cli/unicode-columns";

fn check_json(format: &str) -> serde_json::Value {
    let (code, stdout, stderr) =
        run(evdef().args(["check", "--format", format, &fixture(UNICODE)]));
    assert_eq!(code, 1, "{stderr}");
    serde_json::from_str(&stdout).unwrap()
}

#[test]
fn columns_count_characters_in_every_format() {
    let (_, _, human) = run(evdef().args(["check", &fixture(UNICODE)]));
    assert!(
        human.contains("unicode-columns/events.yaml:2:42]"),
        "human header: {human}"
    );

    let json = check_json("json");
    assert_eq!(json[0]["location"]["line"], 2);
    assert_eq!(json[0]["location"]["column"], 42);
    assert_eq!(json[0]["location"]["end_column"], 47);

    let (_, github, _) = run(evdef().args(["check", "--format", "github", &fixture(UNICODE)]));
    assert!(
        github.contains("line=2,col=42,endLine=2,endColumn=47,"),
        "github: {github}"
    );

    let gitlab = check_json("gitlab");
    assert_eq!(gitlab[0]["location"]["positions"]["begin"]["column"], 42);

    let sarif = check_json("sarif");
    let run0 = &sarif["runs"][0];
    assert_eq!(run0["columnKind"], "unicodeCodePoints");
    let region = &run0["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startColumn"], 42);
    assert_eq!(region["endColumn"], 47);
    // The offset agrees with the column kind: code points from the start of the file.
    let text = std::fs::read_to_string(super::fixture_path(UNICODE).join("events.yaml")).unwrap();
    let at = text.find("bogus").unwrap();
    assert_eq!(region["charOffset"], text[..at].chars().count());
    assert_eq!(region["charLength"], 5);
}

#[test]
fn messages_name_files_relative_to_the_working_directory_else_absolute() {
    let absolute = super::fixture_path(UNICODE);
    // An absolute path under the working directory is shown relative to it.
    let (_, stdout, _) =
        run(evdef().args(["check", "--format", "github", absolute.to_str().unwrap()]));
    assert!(
        stdout.starts_with("::error file=tests/fixtures/cli/unicode-columns/events.yaml,"),
        "{stdout}"
    );
    // A file outside the working directory is shown absolute, `..` resolved.
    let dir = tempfile::tempdir().unwrap();
    let (_, stdout, _) = run(evdef_in(dir.path()).args([
        "check",
        "--format",
        "github",
        absolute
            .join("..")
            .join("unicode-columns")
            .to_str()
            .unwrap(),
    ]));
    assert!(
        stdout.starts_with(&format!(
            "::error file={},",
            absolute.join("events.yaml").display()
        )),
        "{stdout}"
    );
}

/// Copy the shipped catalog and its `evdef.toml` into `dir`.
fn copy_project(dir: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(root.join("evdef.toml"), dir.join("evdef.toml")).unwrap();
    for entry in walkdir::WalkDir::new(root.join("definitions")) {
        let entry = entry.unwrap();
        let to = dir.join(entry.path().strip_prefix(root).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
}

/// Every file under `dir`, by relative path, with its bytes.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let name = e.path().strip_prefix(dir).unwrap().display().to_string();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn generated_files_are_the_same_from_two_checkouts() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let b_root = b.path().join("some/deeper/checkout");
    std::fs::create_dir_all(&b_root).unwrap();
    copy_project(a.path());
    copy_project(&b_root);
    // One built from its root, the other from a subdirectory (evdef.toml found upward) ...
    let (code, _, stderr) = run(evdef_in(a.path()).arg("build"));
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = run(evdef_in(&b_root.join("definitions")).arg("build"));
    assert_eq!(code, 0, "{stderr}");
    let generated_a = tree(&a.path().join("generated"));
    let generated_b = tree(&b_root.join("generated"));
    assert!(generated_a.len() > 10, "{generated_a:?}");
    // ... and single backends run from elsewhere with `--config`.
    let outside = tempfile::tempdir().unwrap();
    let config = b_root.join("evdef.toml");
    let out = outside.path().join("docs");
    let (code, _, stderr) = run(evdef_in(outside.path()).args([
        "emit",
        "docs",
        "--config",
        config.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{stderr}");
    for (name, bytes) in &generated_a {
        let text = String::from_utf8_lossy(bytes);
        for root in [a.path(), b.path()] {
            let root = root.display().to_string();
            assert!(!text.contains(&root), "{name} names the checkout `{root}`");
        }
    }
    let names = |t: &[(String, Vec<u8>)]| t.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&generated_a), names(&generated_b));
    for ((name, x), (_, y)) in generated_a.iter().zip(&generated_b) {
        assert!(x == y, "{name} differs between the two checkouts");
    }
    let docs_a = tree(&a.path().join("generated/docs"));
    assert_eq!(
        docs_a,
        tree(&out),
        "docs run from outside the project differ"
    );
    let ts = outside.path().join("ts");
    let (code, _, stderr) = run(evdef_in(outside.path()).args([
        "emit",
        "typescript",
        "--config",
        config.to_str().unwrap(),
        "-o",
        ts.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{stderr}");
    let ts_a = tree(&a.path().join("generated/typescript"));
    assert_eq!(
        ts_a,
        tree(&ts),
        "TypeScript run from outside the project differs"
    );
}
