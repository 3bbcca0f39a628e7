//! The JSON Schema of the definitions language (`evdef schema`): a snapshot of it; the shipped catalog and
//! every fixture tree that evdef accepts validate against it after merge expansion (evdef's own loader,
//! preludes included); each fixture of `tests/fixtures/schema/invalid/` fails at the JSON pointer its first
//! line names; python-jsonschema gives the same verdicts (under `CI=true` a missing oracle fails the run).

#![allow(clippy::unwrap_used, clippy::print_stderr)] // a test binary: a panic is a failure; notes go to stderr

use std::path::{Path, PathBuf};
use std::process::Command;

use evdef::{Options, Severity};
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn validator() -> jsonschema::Validator {
    let schema = evdef::resolve::raw::schema();
    jsonschema::draft7::meta::validate(&schema).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .build(&schema)
        .unwrap()
}

/// Whether evdef accepts a definitions tree (no error-level diagnostic).
fn accepted(path: &Path) -> bool {
    let compiled = evdef::compile(&Options::new().with_path(path)).unwrap();
    !compiled
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error)
}

/// Every document of a definitions tree as JSON with merges expanded (prelude anchors seen), named by file.
fn documents(path: &Path) -> Vec<(String, Value)> {
    let files = evdef::load::discover(&[path.to_path_buf()]).unwrap();
    let mut diagnostics = Vec::new();
    let (sources, parseable) = evdef::load::read(&files, &mut diagnostics).unwrap();
    let tree = evdef::yaml::parse_all(&sources, &parseable, &mut diagnostics);
    let values = evdef::yaml::documents_to_json(&tree, &mut diagnostics);
    tree.documents
        .iter()
        .zip(values)
        .map(|(doc, value)| {
            let name = sources.get(doc.file).name.clone();
            let value = value.unwrap_or_else(|| panic!("{name} has no JSON"));
            (name, value)
        })
        .collect()
}

/// The definitions trees among the fixtures: a directory with a prelude is one tree; otherwise each of
/// its YAML files is a tree of its own.
fn fixture_trees() -> Vec<PathBuf> {
    let mut trees = Vec::new();
    let mut dirs = vec![root().join("tests/fixtures")];
    while let Some(dir) = dirs.pop() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        let yaml: Vec<&PathBuf> = entries
            .iter()
            .filter(|p| evdef::load::is_definitions_file(p))
            .collect();
        let has_prelude = yaml.iter().any(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('_'))
        });
        if has_prelude {
            trees.push(dir.clone());
        } else {
            trees.extend(yaml.into_iter().cloned());
        }
        dirs.extend(entries.into_iter().filter(|p| p.is_dir()));
    }
    trees
}

/// The instance paths of the schema errors in a document, each with its message.
fn errors(validator: &jsonschema::Validator, value: &Value) -> Vec<(String, String)> {
    validator
        .iter_errors(value)
        .map(|e| (e.instance_path().to_string(), e.to_string()))
        .collect()
}

#[test]
fn schema_snapshot() {
    insta::assert_json_snapshot!("evdef.schema.json", evdef::resolve::raw::schema());
}

#[test]
fn shipped_catalog_validates() {
    let validator = validator();
    let docs = documents(&root().join("definitions"));
    assert!(docs.len() >= 5);
    for (name, value) in docs {
        assert_eq!(errors(&validator, &value), [], "{name}");
    }
}

/// Every fixture tree evdef accepts is valid under the schema: the schema never flags a definition the
/// language accepts.
#[test]
fn every_accepted_fixture_validates() {
    let validator = validator();
    let mut checked = 0;
    for tree in fixture_trees() {
        if tree.starts_with(root().join("tests/fixtures/schema/invalid")) || !accepted(&tree) {
            continue;
        }
        for (name, value) in documents(&tree) {
            assert_eq!(errors(&validator, &value), [], "{name}");
            checked += 1;
        }
    }
    assert!(checked >= 60, "only {checked} documents checked");
    eprintln!("{checked} documents of accepted fixture trees validate");
}

/// `tests/fixtures/schema/invalid/<case>.yaml` starts with `# pointer: /json/pointer`; evdef rejects the
/// file, and the schema reports an error at that pointer. The errors are snapshotted for review.
#[test]
fn invalid_fixtures_fail_at_their_pointer() {
    let validator = validator();
    insta::glob!("fixtures/schema/invalid/*.yaml", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let expected = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# pointer: "))
            .unwrap_or_else(|| panic!("{}: no `# pointer:` line", path.display()));
        assert!(!accepted(path), "evdef accepts {}", path.display());
        let found: Vec<(String, String)> = documents(path)
            .iter()
            .flat_map(|(_, value)| errors(&validator, value))
            .collect();
        assert!(
            found.iter().any(|(pointer, _)| pointer == expected),
            "{}: no error at {expected}: {found:#?}",
            path.display()
        );
        let lines: Vec<String> = found.iter().map(|(p, m)| format!("{p}: {m}")).collect();
        insta::assert_snapshot!(lines.join("\n"));
    });
}

/// python-jsonschema (Draft 7) agrees: the schema is a valid draft-07 schema, and every document above
/// gets the same verdict.
#[test]
fn python_jsonschema_agrees() {
    let probe = Command::new("python3")
        .args(["-c", "import jsonschema"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "python3 with jsonschema not found, and CI=true requires it (pip install jsonschema)"
        );
        eprintln!("skipped: python3 with jsonschema not found");
        return;
    }
    let validator = validator();
    let mut trees = fixture_trees();
    trees.push(root().join("definitions"));
    let mut docs = Vec::new();
    let mut verdicts = Vec::new();
    for tree in trees {
        if !tree.starts_with(root().join("tests/fixtures/schema")) && !accepted(&tree) {
            continue;
        }
        for (_, value) in documents(&tree) {
            verdicts.push(Value::Bool(validator.is_valid(&value)));
            docs.push(value);
        }
    }
    let input = serde_json::json!({ "schema": evdef::resolve::raw::schema(), "docs": docs });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("input.json");
    std::fs::write(&file, input.to_string()).unwrap();
    let script = "import json, sys, jsonschema\n\
        data = json.load(open(sys.argv[1]))\n\
        jsonschema.Draft7Validator.check_schema(data['schema'])\n\
        v = jsonschema.Draft7Validator(data['schema'])\n\
        print(json.dumps([v.is_valid(d) for d in data['docs']]))\n";
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let python: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(python, verdicts);
    eprintln!("python-jsonschema agrees on {} documents", verdicts.len());
    assert!(verdicts.contains(&Value::Bool(false)) && verdicts.contains(&Value::Bool(true)));
}
