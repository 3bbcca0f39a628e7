//! `evdef validate`: bad input never stops the stream, every line lands in exactly one split file, exit
//! codes, formats, and a closed stdout.

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use super::{VALID, evdef_in as evdef, fixture_path as fixture, run_with_stdin};

fn validate(dir: &std::path::Path) -> Command {
    let mut cmd = evdef(dir);
    cmd.arg("validate")
        .arg("-d")
        .arg(fixture("validate/catalog"));
    cmd
}

fn invalid_line() -> String {
    VALID.replace("\"user_id\":1", "\"user_id\":\"abc\"")
}

/// Every kind of bad input, one per line, between valid lines.
fn mixed_input() -> Vec<u8> {
    let mut input = Vec::new();
    let deep = format!("{}{}", "[".repeat(1000), "]".repeat(1000));
    let lines: Vec<Vec<u8>> = vec![
        VALID.into(),
        invalid_line().into(),
        b"{\"event\": \"api_created_check_in\"".to_vec(),
        b"{\"event\": \"\xff\xfe\"}".to_vec(),
        b"[1, 2, 3]".to_vec(),
        b"{\"user_id\": 1}".to_vec(),
        b"{\"event\": 12}".to_vec(),
        b"".to_vec(),
        deep.into_bytes(),
        format!("{VALID}\r").into_bytes(),
        b"{\"event\": \"nope\"}".to_vec(),
        VALID.into(),
    ];
    for line in lines {
        input.extend_from_slice(&line);
        input.push(b'\n');
    }
    input.extend_from_slice(VALID.as_bytes()); // a last line without a newline
    input
}

#[test]
fn reports_every_bad_line_and_keeps_going() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_with_stdin(validate(dir.path()), &mixed_input());
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let expected = [
        r#"line 2: api_created_check_in: /user_id: "abc" is not of type "integer""#,
        "line 3: malformed JSON: EOF while parsing an object at line 1 column 32",
        "line 4: invalid UTF-8 at byte 11",
        r#"line 5: [1,2,3] is not of type "object""#,
        "line 6: no name field `event`",
        "line 7: /event: the name field `event` is not a string: 12",
        "line 9: malformed JSON: recursion limit exceeded at line 1 column 128",
        r#"line 11: nope: /event: unknown event "nope""#,
    ];
    assert_eq!(stdout.lines().collect::<Vec<_>>(), expected);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with("13 lines read: 4 valid, 8 invalid, 1 empty"),
        "{stderr}"
    );
    assert!(stderr.contains("malformed-json"), "{stderr}");
    assert!(stderr.contains("api_created_check_in"), "{stderr}");
}

#[test]
fn json_format() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = validate(dir.path());
    cmd.args(["--format", "json"]);
    let input = format!(
        "{VALID}\n{}\n",
        VALID.replace("\"user_id\":1,", "\"extra\":true,")
    );
    let output = run_with_stdin(cmd, input.as_bytes());
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["line"], 2);
    assert_eq!(report["event"], "api_created_check_in");
    let mut kinds: Vec<&str> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    kinds.sort();
    assert_eq!(kinds, ["additional", "required"]);
}

#[test]
fn split_outputs_add_up_to_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = mixed_input();
    // A long line too (several batches' worth), valid.
    let big = VALID.replace(
        "\"client_id\":\"ios\"",
        &format!("\"client_id\":\"{}\"", "x".repeat(3 << 20)),
    );
    input.splice(0..0, format!("{big}\n").into_bytes());
    for jobs in ["1", "2"] {
        let mut cmd = validate(dir.path());
        cmd.args([
            "--jobs",
            jobs,
            "--valid-out",
            "valid.ndjson",
            "--invalid-out",
            "invalid.ndjson",
        ]);
        let output = run_with_stdin(cmd, &input);
        assert_eq!(output.status.code(), Some(1));
        let valid = std::fs::read(dir.path().join("valid.ndjson")).unwrap();
        let invalid = std::fs::read(dir.path().join("invalid.ndjson")).unwrap();
        assert_eq!(valid.len() + invalid.len(), input.len());
        let lines = |b: &[u8]| {
            b.split_inclusive(|&c| c == b'\n')
                .map(<[u8]>::to_vec)
                .collect::<Vec<_>>()
        };
        let (mut all, valid_lines, invalid_lines) = (lines(&input), lines(&valid), lines(&invalid));
        assert_eq!(valid_lines.len(), 6);
        assert_eq!(invalid_lines.len(), 8);
        // Each side keeps input order, and together they are the input.
        let mut merged = valid_lines.clone();
        merged.extend(invalid_lines);
        merged.sort();
        all.sort();
        assert_eq!(merged, all);
        assert!(valid.starts_with(big.as_bytes()));
        assert!(
            invalid.windows(2).any(|w| w == b"\xff\xfe"),
            "non-UTF-8 line kept byte for byte"
        );
    }
}

#[test]
fn exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let ok = run_with_stdin(
        validate(dir.path()),
        format!("{VALID}\n\n{VALID}\r\n").as_bytes(),
    );
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(ok.stdout.is_empty());
    let empty = run_with_stdin(validate(dir.path()), b"");
    assert_eq!(empty.status.code(), Some(0));
    let mut missing = validate(dir.path());
    missing.arg("no-such-file.ndjson");
    let missing = missing.output().unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no-such-file.ndjson"));
    let broken = evdef(dir.path())
        .args(["validate", "-d", "no-such-definitions"])
        .output()
        .unwrap();
    assert_eq!(broken.status.code(), Some(2));
}

#[test]
fn unknown_events_policies() {
    let dir = tempfile::tempdir().unwrap();
    let input = format!("{{\"event\":\"nope\"}}\n{VALID}\n");
    let mut warn = validate(dir.path());
    warn.args(["--unknown-events", "warn"]);
    let warn = run_with_stdin(warn, input.as_bytes());
    assert_eq!(warn.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&warn.stdout),
        "line 1: nope: warning: /event: unknown event \"nope\"\n"
    );
    let mut allow = validate(dir.path());
    allow.args(["--unknown-events", "allow"]);
    let allow = run_with_stdin(allow, input.as_bytes());
    assert_eq!(allow.status.code(), Some(0));
    assert!(allow.stdout.is_empty());
}

#[test]
fn envelope_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let payload = VALID.replace("\"event\":\"api_created_check_in\",", "");
    let input = format!("{{\"name\":\"api_created_check_in\",\"props\":{payload}}}\n");
    let mut cmd = validate(dir.path());
    cmd.args(["--event-field", "name", "--payload-field", "props"]);
    let output = run_with_stdin(cmd, input.as_bytes());
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn max_errors_stops_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let bad = invalid_line();
    let input = format!("{VALID}\n{bad}\n{VALID}\n{bad}\n{bad}\n{bad}\n");
    let mut cmd = validate(dir.path());
    cmd.args(["--max-errors", "2"]);
    let output = run_with_stdin(cmd, input.as_bytes());
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 2);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("stopped at line 4 after 2 invalid lines"),
        "{stderr}"
    );
}

#[test]
fn several_files_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.ndjson"), format!("{VALID}\n")).unwrap();
    std::fs::write(
        dir.path().join("b.ndjson"),
        format!("{VALID}\n{}\n", invalid_line()),
    )
    .unwrap();
    let output = validate(dir.path())
        .args(["a.ndjson", "b.ndjson"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("b.ndjson:2: api_created_check_in: /user_id:"),
        "{stdout}"
    );
}

#[test]
fn output_order_is_input_order_with_threads() {
    let dir = tempfile::tempdir().unwrap();
    let bad = invalid_line();
    let mut input = String::new();
    for i in 0..20_000 {
        input.push_str(if i % 7 == 0 { &bad } else { VALID });
        input.push('\n');
    }
    let mut cmd = validate(dir.path());
    cmd.args(["--jobs", "2"]);
    let output = run_with_stdin(cmd, input.as_bytes());
    let numbers: Vec<u64> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| {
            l.strip_prefix("line ")
                .unwrap()
                .split(':')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    let expected: Vec<u64> = (0..20_000u64)
        .filter(|i| i % 7 == 0)
        .map(|i| i + 1)
        .collect();
    assert_eq!(numbers, expected);
}

#[test]
fn closed_stdout_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let bad = invalid_line();
    let input: String = (0..200_000).map(|_| format!("{bad}\n")).collect();
    let mut child = validate(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    // Read one line, then close the pipe, as `| head -1` does.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    writer.join().unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_100_mb_line_is_one_bad_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = Vec::with_capacity(101 << 20);
    input.extend_from_slice(b"{\"event\":\"api_created_check_in\",\"user_id\":\"");
    input.resize(100 << 20, b'a');
    input.extend_from_slice(b"\"}\n");
    input.extend_from_slice(VALID.as_bytes());
    input.push(b'\n');
    let output = run_with_stdin(validate(dir.path()), &input);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout
            .lines()
            .all(|l| l.len() < 1000 && l.starts_with("line 1: ")),
        "{}",
        &stdout[..stdout.len().min(2000)]
    );
    assert!(
        String::from_utf8_lossy(&output.stderr).starts_with("2 lines read: 1 valid, 1 invalid")
    );
}
