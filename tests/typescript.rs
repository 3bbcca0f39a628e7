//! The TypeScript backend against the real tools: `tsc --strict` (TypeScript 5 from the npm registry)
//! compiles `events.ts` for the shipped and a hostile catalog, and the runtime guards, run by `node` over
//! generated lines, give the verdicts, paths and kinds of the real `evdef validate --format json`.
//!
//! TypeScript is taken from `$EVDEF_TSC`, else `target/npm/node_modules/.bin/tsc`, installed there with
//! `npm install --prefix target/npm typescript@5 @types/node@20` when missing (the example needs Node's
//! types). Without node or npm the tests say so and
//! pass, except under `CI=true`, where they fail.

#![allow(clippy::unwrap_used, clippy::print_stderr)] // a test binary: panics are failures, notes go to stderr

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use evdef::emit::typescript::{self, TypeScriptOptions};
use evdef::model::{Schema, Type};
use evdef::{Catalog, Config};
use serde_json::{Value, json};

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// The `tsc` to use, installing TypeScript 5 under `target/npm` once; `None` (outside CI) when impossible.
fn tsc() -> Option<PathBuf> {
    static TSC: OnceLock<Option<PathBuf>> = OnceLock::new();
    TSC.get_or_init(|| {
        if let Some(path) = std::env::var_os("EVDEF_TSC") {
            return Some(PathBuf::from(path));
        }
        let prefix = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/npm");
        let bin = prefix.join("node_modules/.bin/tsc");
        let installed = || bin.exists() && prefix.join("node_modules/@types/node").exists();
        let _ = std::fs::create_dir_all(&prefix);
        // nextest runs each test in a process of its own: one installs while the others wait on the lock
        // (several `npm install`s into one prefix at once leave it broken), then find it installed.
        let lock = std::fs::File::create(prefix.join(".install.lock"))
            .and_then(|f| f.lock().map(|()| f));
        if !installed() {
            let status = Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--prefix"])
                .arg(&prefix)
                .args(["typescript@5", "@types/node@20"])
                .status();
            if !status.is_ok_and(|s| s.success()) {
                let message = "cannot install TypeScript 5 with npm (`npm install --prefix target/npm typescript@5 @types/node@20`)";
                assert!(!in_ci(), "{message}");
                eprintln!("skipped: {message}");
                return None;
            }
        }
        drop(lock);
        Some(bin)
    })
    .clone()
}

fn node_available() -> bool {
    let ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(ok || !in_ci(), "node is required under CI=true");
    if !ok {
        eprintln!("skipped: node is not installed");
    }
    ok
}

fn compile(paths: &[PathBuf], config: Config) -> Catalog {
    let mut options = evdef::Options::new().with_config(config);
    for p in paths {
        options = options.with_path(p);
    }
    let compiled = evdef::compile(&options).unwrap();
    assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
    compiled.catalog
}

fn write_events_ts(catalog: &Catalog, config: &Config, dir: &Path) {
    let options = TypeScriptOptions {
        envelope: config.envelope.clone(),
    };
    let files = typescript::emit(catalog, &options).unwrap();
    evdef::output::write_dir(dir, &files).unwrap();
}

/// `tsc --strict` with the issue's settings on the files in `dir`; `emit` writes JavaScript to `dir/out`.
fn run_tsc(tsc: &Path, dir: &Path, files: &[&str], emit: bool) {
    let mut cmd = Command::new(tsc);
    cmd.current_dir(dir)
        .args(["--strict", "--target", "es2022", "--module", "nodenext"]);
    // Node's types for the example, from the same npm prefix as `tsc` (`.bin/tsc` → `node_modules`).
    if let Some(modules) = tsc.parent().and_then(Path::parent) {
        let types = modules.join("@types");
        if types.join("node").exists() {
            cmd.arg("--typeRoots").arg(types).args(["--types", "node"]);
        }
    }
    if emit {
        cmd.args(["--outDir", "out"]);
    } else {
        cmd.arg("--noEmit");
    }
    let output = cmd.args(files).output().unwrap();
    assert!(
        output.status.success(),
        "tsc failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

#[test]
fn shipped_catalog_compiles_under_tsc_strict() {
    let Some(tsc) = tsc() else { return };
    let config = Config::load(&repo("evdef.toml")).unwrap();
    let catalog = compile(&[repo("definitions")], config.clone());
    let dir = tempfile::tempdir().unwrap();
    write_events_ts(&catalog, &config, dir.path());
    run_tsc(&tsc, dir.path(), &["events.ts"], false);
}

#[test]
fn hostile_catalog_compiles_under_tsc_strict() {
    let Some(tsc) = tsc() else { return };
    for payload_field in ["", "properties"] {
        let mut config = Config::default();
        config.envelope.payload_field = payload_field.into();
        let catalog = compile(&[repo("tests/fixtures/typescript/hostile")], config.clone());
        let dir = tempfile::tempdir().unwrap();
        write_events_ts(&catalog, &config, dir.path());
        let text = std::fs::read_to_string(dir.path().join("events.ts")).unwrap();
        for needle in [
            "\"2fa_enabled\"?: boolean;",
            "export interface UserSignedUp",
            "class: string;",
        ] {
            assert!(text.contains(needle), "{needle}:\n{text}");
        }
        run_tsc(&tsc, dir.path(), &["events.ts"], false);
    }
}

/// Values of every JSON type and every interesting format, substituted for each parameter.
fn value_pool() -> Vec<Value> {
    vec![
        json!(null),
        json!(true),
        json!(0),
        json!(-1),
        json!(7),
        json!(1.5),
        json!(2.0),
        json!(1001),
        json!(-91),
        json!("abc"),
        json!(""),
        json!("ABC-12345"),
        json!("𝄞𝄞é"),
        json!("gold"),
        json!("platinum"),
        json!("2024-05-01T12:00:00Z"),
        json!("2024-05-01T12:00:00"),
        json!("2024-05-01t12:00:00.5+02:00"),
        json!("2016-12-31T23:59:60Z"),
        json!("2016-12-31T22:59:60-01:00"),
        json!("2024-05-01T12:00:60Z"),
        json!("2024-05-01"),
        json!("2024-02-29"),
        json!("2023-02-29"),
        json!("2024-13-01"),
        json!("6f1c1b0e-3a43-4b2e-9a55-0f2b1b7c9d10"),
        json!("6F1C1B0E-3A43-4B2E-9A55-0F2B1B7C9D10"),
        json!("6f1c1b0e-3a43"),
        json!("a@example.com"),
        json!("first.last+tag@sub.example.org"),
        json!("a..b@example.com"),
        json!("a@-example.com"),
        json!("not an email"),
        json!("https://example.com/x?y=1#z"),
        json!("https://user@example.com:8080/%41"),
        json!("https://example.com:80a/"),
        json!("https://example.com/%zz"),
        json!("mailto:someone@example.com"),
        json!("urn:isbn:0451450523"),
        json!("/relative/path"),
        json!("not a url"),
        // Edges of the formats' grammars.
        json!("2024-05-01 12:00:00Z"),
        json!("2024-05-01T24:00:00Z"),
        json!("2024-05-01T12:00:00.Z"),
        json!("2024-05-01T12:00:00+2:00"),
        json!("2024-05-01T12:00:00+02:00:00"),
        json!("2000-02-29T00:00:00z"),
        json!("1900-02-29"),
        json!("2024-5-01"),
        json!("２０２４-05-01"),
        json!("6f1c1b0e3a434b2e9a550f2b1b7c9d10"),
        json!("{6f1c1b0e-3a43-4b2e-9a55-0f2b1b7c9d10}"),
        json!("6f1c1b0e-3a43-4b2e-9a55-0f2b1b7c9d1g"),
        json!("\"quoted local\"@example.com"),
        json!("a@[127.0.0.1]"),
        json!("a@[IPv6:::1]"),
        json!("a@localhost"),
        json!(".a@example.com"),
        json!("a.@example.com"),
        json!("a@example..com"),
        json!("a@ex_ample.com"),
        json!("a b@example.com"),
        json!("ü@example.com"),
        json!("a@xn--bcher-kva.example"),
        json!("a@ab--cd.example"),
        json!("http://[::1]:8080/x"),
        json!("http://[v1.fe]/"),
        json!("http://[::1"),
        json!("http://a b/"),
        json!("http://example.com/ü"),
        json!("http://example.com:/"),
        json!("http://u:p@example.com"),
        json!("x:"),
        json!("1http://example.com"),
        json!("http://example.com/?q=a|b"),
        json!("http://example.com/#f#g"),
        json!([]),
        json!(["a"]),
        json!(["a", "b", "c", "d"]),
        json!([1]),
        json!({}),
        json!({"latitude": 1.0, "longitude": 2}),
        json!({"latitude": 1.0, "longitude": 2, "x": 1}),
        json!({"a": 1, "b": 2}),
        json!({"a": "1"}),
    ]
}

/// A value valid for the schema.
fn sample(schema: &Schema) -> Value {
    let c = &schema.constraints;
    if let Some(values) = &c.enumeration {
        return values[0].clone();
    }
    match &schema.ty {
        Type::String if c.pattern.is_some() => json!("ABC-12345"),
        Type::String => json!("text"),
        Type::Integer => json!(5),
        Type::Number => json!(2.5),
        Type::Boolean => json!(true),
        Type::Timestamp => json!("2024-05-01T12:00:00Z"),
        Type::Date => json!("2024-05-01"),
        Type::Uuid => json!("6f1c1b0e-3a43-4b2e-9a55-0f2b1b7c9d10"),
        Type::Email => json!("a@example.com"),
        Type::Url => json!("https://example.com/"),
        Type::Json => json!({"any": [1]}),
        Type::Object(props) => Value::Object(
            props
                .iter()
                .map(|(k, p)| (k.to_string(), sample(&p.schema)))
                .collect(),
        ),
        Type::Array(items) => json!([sample(items)]),
        Type::Map(values) => json!({"k": sample(values)}),
    }
}

/// For each event: a valid line, then each parameter removed, replaced by each pool value, and (for an
/// object parameter) each of its properties replaced; plus lines that name no event or no known one.
fn generated_lines(catalog: &Catalog, config: &Config) -> Vec<String> {
    let name_field = &config.envelope.name_field;
    let payload_field = &config.envelope.payload_field;
    let wrap = |event: &str, payload: serde_json::Map<String, Value>| -> String {
        if payload_field.is_empty() {
            let mut line = serde_json::Map::new();
            line.insert(name_field.clone(), event.into());
            line.extend(payload);
            Value::Object(line).to_string()
        } else {
            json!({ name_field: event, payload_field: payload, "ts": 1 }).to_string()
        }
    };
    let mut lines = Vec::new();
    for event in catalog.events.values() {
        let base: serde_json::Map<String, Value> = event
            .parameters
            .iter()
            .map(|(k, p)| (k.to_string(), sample(&p.schema)))
            .collect();
        lines.push(wrap(&event.name, base.clone()));
        for (key, p) in &event.parameters {
            let mut without = base.clone();
            without.shift_remove(&**key);
            lines.push(wrap(&event.name, without));
            for value in value_pool() {
                let mut changed = base.clone();
                changed.insert(key.to_string(), value.clone());
                lines.push(wrap(&event.name, changed));
                if let (Type::Object(props), Some(Value::Object(inner))) =
                    (&p.schema.ty, base.get(&**key))
                {
                    for prop in props.keys() {
                        let mut inner = inner.clone();
                        inner.insert(prop.to_string(), value.clone());
                        let mut changed = base.clone();
                        changed.insert(key.to_string(), Value::Object(inner));
                        lines.push(wrap(&event.name, changed));
                    }
                }
            }
        }
        let mut extra = base.clone();
        extra.insert("unexpected".into(), json!(1));
        lines.push(wrap(&event.name, extra));
    }
    lines.push(json!({ name_field: "no_such_event" }).to_string());
    lines.push(json!({ name_field: "constructor" }).to_string());
    lines.push(json!({ name_field: 5 }).to_string());
    lines.push("[]".into());
    lines.push("5".into());
    lines.push("{\"x\": 1}".into());
    lines.push("{not json".into());
    lines
}

/// Line number → sorted `(path, kind)` of every invalid line, from `evdef validate --format json` output.
fn parse_report(text: &str) -> BTreeMap<u64, Vec<(String, String)>> {
    let mut report = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).unwrap();
        let mut errors: Vec<(String, String)> = v["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["path"].as_str().unwrap().to_string(),
                    e["kind"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        errors.sort();
        report.insert(v["line"].as_u64().unwrap(), errors);
    }
    report
}

const DRIVER: &str = r#"
const { validateEvent, isEvent } = require("./out/events.js");
const fs = require("fs");
const lines = fs.readFileSync(process.argv[2], "utf8").split("\n");
const out = [];
lines.forEach((text, i) => {
  if (text === "" && i === lines.length - 1) return;
  if (text.trim() === "") return;
  let value;
  try {
    value = JSON.parse(text);
  } catch (e) {
    out.push(JSON.stringify({ line: i + 1, errors: [{ path: "", kind: "malformed-json" }] }));
    return;
  }
  const result = validateEvent(value);
  if (result.ok !== isEvent(value)) throw new Error("isEvent disagrees with validateEvent on line " + (i + 1));
  if (!result.ok) out.push(JSON.stringify({ line: i + 1, errors: result.errors }));
});
process.stdout.write(out.join("\n") + "\n");
"#;

/// The differential test for one definitions directory and envelope.
fn guards_agree(tsc: &Path, definitions: &Path, envelope: &str) {
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("evdef.toml");
    std::fs::write(
        &config_path,
        format!(
            "[definitions]\npaths = [{}]\n[envelope]\n{envelope}\n",
            json!(definitions.to_str().unwrap())
        ),
    )
    .unwrap();
    let config = Config::load(&config_path).unwrap();
    let catalog = compile(&[definitions.to_path_buf()], config.clone());
    write_events_ts(&catalog, &config, dir.path());
    run_tsc(tsc, dir.path(), &["events.ts"], true);
    std::fs::write(dir.path().join("driver.cjs"), DRIVER).unwrap();
    let lines = generated_lines(&catalog, &config);
    let log = dir.path().join("lines.ndjson");
    std::fs::write(&log, lines.join("\n") + "\n").unwrap();

    let expected = Command::new(env!("CARGO_BIN_EXE_evdef"))
        .args(["validate", "--format", "json", "--config"])
        .arg(&config_path)
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(expected.status.code(), Some(1), "{expected:?}");
    let actual = Command::new("node")
        .current_dir(dir.path())
        .arg("driver.cjs")
        .arg(&log)
        .output()
        .unwrap();
    assert!(actual.status.success(), "{actual:?}");
    let expected = parse_report(&String::from_utf8(expected.stdout).unwrap());
    let actual = parse_report(&String::from_utf8(actual.stdout).unwrap());
    let mut disagreements = Vec::new();
    for n in 1..=lines.len() as u64 {
        if expected.get(&n) != actual.get(&n) {
            disagreements.push(format!(
                "line {n}: {}\n  validate: {:?}\n  guards:   {:?}",
                lines[n as usize - 1],
                expected.get(&n),
                actual.get(&n)
            ));
        }
    }
    eprintln!(
        "{}: {} lines compared, {} invalid",
        definitions.display(),
        lines.len(),
        expected.len()
    );
    assert!(
        disagreements.is_empty(),
        "{} of {} lines disagree:\n{}",
        disagreements.len(),
        lines.len(),
        disagreements[..disagreements.len().min(20)].join("\n")
    );
    assert!(
        expected.len() > 200 && lines.len() - expected.len() > 50,
        "{} lines, {} invalid: the corpus must hold both",
        lines.len(),
        expected.len()
    );
}

#[test]
fn guards_agree_with_validate_on_the_shipped_catalog() {
    let Some(tsc) = tsc() else { return };
    if !node_available() {
        return;
    }
    guards_agree(&tsc, &repo("definitions"), "");
}

#[test]
fn guards_agree_with_validate_under_other_envelopes() {
    let Some(tsc) = tsc() else { return };
    if !node_available() {
        return;
    }
    let definitions = repo("tests/fixtures/validate/catalog");
    guards_agree(&tsc, &definitions, "additional_parameters = \"allow\"");
    guards_agree(
        &tsc,
        &definitions,
        "name_field = \"name\"\npayload_field = \"properties\"",
    );
    guards_agree(&tsc, &repo("tests/fixtures/typescript/hostile"), "");
}

#[test]
fn example_compiles_refuses_bad_events_and_counts() {
    let Some(tsc) = tsc() else { return };
    if !node_available() {
        return;
    }
    let config = Config::load(&repo("evdef.toml")).unwrap();
    let catalog = compile(&[repo("definitions")], config.clone());
    let dir = tempfile::tempdir().unwrap();
    write_events_ts(&catalog, &config, dir.path());
    for file in ["count.ts", "type_errors.ts"] {
        std::fs::copy(
            repo("examples/typescript").join(file),
            dir.path().join(file),
        )
        .unwrap();
    }
    // Every `@ts-expect-error` line must be an error, or tsc reports the unused directive.
    let expected_errors = std::fs::read_to_string(dir.path().join("type_errors.ts"))
        .unwrap()
        .matches("// @ts-expect-error")
        .count();
    assert_eq!(expected_errors, 5);
    run_tsc(&tsc, dir.path(), &["count.ts", "type_errors.ts"], true);
    // Without the directives, exactly those lines fail.
    let text = std::fs::read_to_string(dir.path().join("type_errors.ts")).unwrap();
    std::fs::write(
        dir.path().join("type_errors.ts"),
        text.replace("// @ts-expect-error", "// expected error:"),
    )
    .unwrap();
    let output = Command::new(&tsc)
        .current_dir(dir.path())
        .args([
            "--strict", "--noEmit", "--target", "es2022", "--module", "nodenext",
        ])
        .arg("type_errors.ts")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout.matches("type_errors.ts(").count(),
        expected_errors,
        "{stdout}"
    );

    let input = std::fs::File::open(repo("examples/typescript/events.ndjson")).unwrap();
    let output = Command::new("node")
        .current_dir(dir.path())
        .arg("out/count.js")
        .stdin(input)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "api_created_check_in\t2\napi_rejected_check_in:too_soon\t1\ninvalid\t2\n"
    );
}

#[test]
fn shipped_catalog_snapshot() {
    // Relative path: the header names the definitions files as given.
    let config = Config::load(&repo("evdef.toml")).unwrap();
    let catalog = compile(&[PathBuf::from("definitions")], config.clone());
    let options = TypeScriptOptions {
        envelope: config.envelope.clone(),
    };
    let text = typescript::generate(&catalog, &options).unwrap();
    // The runtime is the same for every catalog; the snapshot holds what the definitions decide.
    let declarations = text.split("const __evdefNameField").next().unwrap();
    insta::assert_snapshot!("events.ts", declarations);
}
