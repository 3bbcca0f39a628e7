//! `evdef validate --format tagged`: the filter contract for Spark, Hadoop Streaming and Fluentd. One output
//! line per input line, in order, carrying the line byte for byte; exit 0 on invalid data; nothing taken from
//! the environment or the working directory; definitions as one file (a bundle or a single YAML file).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use super::{VALID, fixture_path as fixture, run_with_stdin};

/// `evdef` as an engine starts it: empty environment (no PATH, no HOME), a scratch working directory.
fn bare(cwd: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_evdef"));
    cmd.env_clear().current_dir(cwd);
    cmd
}

fn tagged(cwd: &Path, definitions: &Path, input: &[u8]) -> Output {
    let mut cmd = bare(cwd);
    cmd.args(["validate", "--format", "tagged", "-d"])
        .arg(definitions);
    run_with_stdin(cmd, input)
}

/// Lines of the input (each with its ending) and what the tagged output must be for each.
fn cases() -> Vec<(Vec<u8>, Vec<u8>)> {
    let invalid = VALID.replace("\"user_id\":1", "\"user_id\":\"abc\"");
    let type_error =
        r#"[{"path":"/user_id","message":"\"abc\" is not of type \"integer\"","kind":"type"}]"#;
    let tab_inside = VALID.replace(",\"business_id\"", ",\t\"business_id\"");
    vec![
        (format!("{VALID}\n").into(), format!("valid\t{VALID}\n").into()),
        (
            format!("{invalid}\n").into(),
            format!("invalid\t{type_error}\t{invalid}\n").into(),
        ),
        // CRLF: the validator sees the line without `\r`; the carried line drops the `\r\n` ending too.
        (format!("{VALID}\r\n").into(), format!("valid\t{VALID}\n").into()),
        (
            format!("{invalid}\r\n").into(),
            format!("invalid\t{type_error}\t{invalid}\n").into(),
        ),
        // Empty lines (also `\r\n` alone) are not events: valid side, like `--valid-out`.
        (b"\n".to_vec(), b"valid\t\n".to_vec()),
        (b"\r\n".to_vec(), b"valid\t\n".to_vec()),
        // A tab between JSON tokens is whitespace: carried as is (the errors field never holds a tab).
        (format!("{tab_inside}\n").into(), format!("valid\t{tab_inside}\n").into()),
        // Not UTF-8: invalid, and the raw bytes are carried unchanged.
        (
            b"{\"event\": \"\xff\xfe\"}\n".to_vec(),
            b"invalid\t[{\"path\":\"\",\"message\":\"invalid UTF-8 at byte 11\",\"kind\":\"invalid-utf8\"}]\t{\"event\": \"\xff\xfe\"}\n".to_vec(),
        ),
        (
            b"{\"event\": \"nope\"}\n".to_vec(),
            b"invalid\t[{\"path\":\"/event\",\"message\":\"unknown event \\\"nope\\\"\",\"kind\":\"unknown-event\"}]\t{\"event\": \"nope\"}\n".to_vec(),
        ),
        (
            b"not json\n".to_vec(),
            b"invalid\t[{\"path\":\"\",\"message\":\"malformed JSON: expected ident at line 1 column 2\",\"kind\":\"malformed-json\"}]\tnot json\n".to_vec(),
        ),
        // A last line without a newline still gets its output line, with one.
        (VALID.into(), format!("valid\t{VALID}\n").into()),
    ]
}

fn input_and_expected() -> (Vec<u8>, Vec<u8>) {
    let (mut input, mut expected) = (Vec::new(), Vec::new());
    for (line, out) in cases() {
        input.extend_from_slice(&line);
        expected.extend_from_slice(&out);
    }
    (input, expected)
}

/// A scratch directory holding a stray `evdef.toml` that would change the verdicts if it were read.
fn scratch_with_stray_config() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("evdef.toml"),
        "[envelope]\nname_field = \"name\"\nadditional_parameters = \"allow\"\n",
    )
    .unwrap();
    dir
}

fn bundle(dir: &Path, definitions: &Path) -> PathBuf {
    let out = dir.join("bundle.json");
    let status = bare(dir)
        .args(["emit", "json-schema", "--bundle", "--out"])
        .arg(&out)
        .arg("-d")
        .arg(definitions)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    out
}

#[test]
fn one_line_per_input_line_byte_for_byte_and_exit_0_with_a_bundle_a_yaml_file_and_a_directory() {
    let (input, expected) = input_and_expected();
    let scratch = scratch_with_stray_config();
    let work = tempfile::tempdir().unwrap();
    let bundle = bundle(work.path(), &fixture("spark/single.yaml"));
    for definitions in [
        bundle,
        fixture("spark/single.yaml"),
        fixture("validate/catalog"),
    ] {
        let output = tagged(scratch.path(), &definitions, &input);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&expected),
            "{}",
            definitions.display()
        );
        assert_eq!(output.stdout, expected, "{}", definitions.display());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with("11 lines read: 4 valid, 5 invalid, 2 empty"),
            "{stderr}"
        );
    }
}

#[test]
fn tagged_output_agrees_with_the_split_files() {
    let (input, _) = input_and_expected();
    let dir = tempfile::tempdir().unwrap();
    let output = tagged(dir.path(), &fixture("validate/catalog"), &input);
    let mut cmd = bare(dir.path());
    cmd.args(["validate", "-d"])
        .arg(fixture("validate/catalog"))
        .args([
            "--valid-out",
            "valid.ndjson",
            "--invalid-out",
            "invalid.ndjson",
        ]);
    let split = run_with_stdin(cmd, &input);
    assert_eq!(split.status.code(), Some(1));
    let strip = |l: &[u8]| {
        let l = l.strip_suffix(b"\n").unwrap_or(l);
        l.strip_suffix(b"\r").unwrap_or(l).to_vec()
    };
    let lines = |bytes: &[u8]| -> Vec<Vec<u8>> {
        bytes.split_inclusive(|&b| b == b'\n').map(strip).collect()
    };
    let (mut valid, mut invalid) = (Vec::new(), Vec::new());
    for line in lines(&output.stdout) {
        if let Some(rest) = line.strip_prefix(b"valid\t") {
            valid.push(rest.to_vec());
        } else {
            let rest = line.strip_prefix(b"invalid\t").unwrap();
            let tab = rest.iter().position(|&b| b == b'\t').unwrap();
            let errors: serde_json::Value = serde_json::from_slice(&rest[..tab]).unwrap();
            assert!(!errors.as_array().unwrap().is_empty());
            invalid.push(rest[tab + 1..].to_vec());
        }
    }
    let read = |name: &str| lines(&std::fs::read(dir.path().join(name)).unwrap());
    assert_eq!(valid, read("valid.ndjson"));
    assert_eq!(invalid, read("invalid.ndjson"));
}

#[test]
fn the_working_directory_and_environment_do_not_matter() {
    let (input, expected) = input_and_expected();
    // The same run from the repository (inherited environment) and from a scratch directory with a stray
    // evdef.toml (empty environment) gives the same bytes.
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_evdef"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("HOME", home.path())
        .args(["validate", "--format", "tagged", "-d"])
        .arg(fixture("validate/catalog"));
    let from_repo = run_with_stdin(cmd, &input);
    let scratch = scratch_with_stray_config();
    let from_scratch = tagged(scratch.path(), &fixture("validate/catalog"), &input);
    assert_eq!(from_repo.stdout, expected);
    assert_eq!(from_scratch.stdout, expected);
    // Without --format tagged, `evdef.toml` is discovered from the definitions path upward (the documented
    // discovery): definitions inside the scratch directory get its stray configuration, whose name field
    // is `name`, so every event line misses it; the fixture catalog elsewhere gets the repository's.
    let copied = scratch.path().join("defs");
    std::fs::create_dir(&copied).unwrap();
    for entry in std::fs::read_dir(fixture("validate/catalog")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, copied.join(path.file_name().unwrap())).unwrap();
    }
    let json = |definitions: &Path| {
        let mut cmd = bare(scratch.path());
        cmd.args(["validate", "--format", "json", "-d"])
            .arg(definitions);
        let out = run_with_stdin(cmd, format!("{VALID}\n").as_bytes());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let inside = json(Path::new("defs"));
    assert!(inside.contains("missing-name"), "{inside}");
    let elsewhere = json(&fixture("validate/catalog"));
    assert_eq!(
        elsewhere, "",
        "the repository's evdef.toml applies: the line is valid"
    );
}

#[test]
fn fatal_problems_still_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.yaml"),
        "ev:\n  parameters:\n    x: nosuchtype\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("bad.json"), "{\"$schema\": 1,\n  oops}").unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["-d", "bad.yaml"], "error"),
        (vec!["-d", "bad.json"], "bad.json:2:3"),
        (vec!["-d", "missing.json"], "missing.json"),
        (vec!["-d", "bad.yaml", "missing.ndjson"], "error"),
        (vec![], "--format tagged needs --definitions"),
        (vec!["-d", "bad.yaml", "--max-errors", "1"], "--max-errors"),
    ];
    for (args, needle) in cases {
        let mut cmd = bare(dir.path());
        cmd.args(["validate", "--format", "tagged"]).args(&args);
        let output = run_with_stdin(cmd, format!("{VALID}\n").as_bytes());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn a_bundle_refuses_options_it_already_carries() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = bundle(dir.path(), &fixture("validate/catalog"));
    for extra in [["--event-field", "name"], ["--config", "evdef.toml"]] {
        let mut cmd = bare(dir.path());
        cmd.args(["validate", "--format", "tagged", "-d"])
            .arg(&bundle)
            .args(extra);
        let output = run_with_stdin(cmd, b"");
        assert_eq!(output.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&output.stderr).contains("a bundle carries its envelope"));
    }
}
