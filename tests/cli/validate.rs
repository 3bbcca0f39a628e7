//! `evdef validate`: bad input never stops the stream, every line lands in exactly one split file (also when
//! stdout closes; nothing is committed when the run cannot finish), odd bytes, exit codes, formats, and a
//! closed stdout.

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
        // The last line, without `\n`, gets one in its split output.
        input.push(b'\n');
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
        input.pop();
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

/// A line with its ending (or none), and whether it belongs on the valid side.
type OddLine = (Vec<u8>, bool);

/// Input files of odd lines, each line with whether it belongs on the valid side (issue 11, "Odd bytes" and
/// "Every line accounted for").
fn odd_inputs() -> Vec<(&'static str, Vec<OddLine>)> {
    let bad = invalid_line();
    let many: Vec<OddLine> = (0..5000)
        .map(|i| {
            let line = if i % 3 == 0 { bad.as_str() } else { VALID };
            let ending = if i == 4999 { "" } else { "\n" };
            (format!("{line}{ending}").into_bytes(), i % 3 != 0)
        })
        .collect();
    vec![
        (
            "a.ndjson",
            vec![
                // A byte order mark at the start of an input is skipped for validation, copied to the split.
                (format!("\u{feff}{VALID}\n").into(), true),
                // Spaces and tabs only: an empty line.
                (b"  \t \n".to_vec(), true),
                (format!("{VALID}\r\n").into(), true),
                (b"{\"event\": \"\xff\xfe\"}\r\n".to_vec(), false),
                (format!("{bad}\n").into(), false),
                (b"\r\n".to_vec(), true),
                // The last line has no `\n`: it must not merge with the first line of the next input.
                (bad.clone().into(), false),
            ],
        ),
        (
            "b.ndjson",
            vec![
                (format!("{VALID}\n").into(), true),
                // A byte order mark anywhere else is not skipped.
                (format!("\u{feff}{VALID}\n").into(), false),
                (b" \t\r\n".to_vec(), true),
                (VALID.into(), true),
            ],
        ),
        ("empty.ndjson", vec![]),
        ("c.ndjson", vec![(format!("{bad}\r").into(), false)]),
        ("many.ndjson", many),
        ("d.ndjson", vec![(b"   ".to_vec(), true)]),
    ]
}

#[test]
fn every_line_of_every_input_is_in_exactly_one_split_output_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = odd_inputs();
    let (mut expected_valid, mut expected_invalid) = (Vec::new(), Vec::new());
    for (name, lines) in &inputs {
        let mut file = Vec::new();
        for (bytes, valid) in lines {
            file.extend_from_slice(bytes);
            let side = if *valid {
                &mut expected_valid
            } else {
                &mut expected_invalid
            };
            side.extend_from_slice(bytes);
            if !bytes.ends_with(b"\n") {
                side.push(b'\n');
            }
        }
        std::fs::write(dir.path().join(name), file).unwrap();
    }
    for jobs in ["1", "2"] {
        let mut cmd = validate(dir.path());
        cmd.args(["--jobs", jobs, "--valid-out", "ok", "--invalid-out", "bad"]);
        cmd.args(inputs.iter().map(|(name, _)| name));
        let output = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        let valid = std::fs::read(dir.path().join("ok")).unwrap();
        let invalid = std::fs::read(dir.path().join("bad")).unwrap();
        assert!(valid == expected_valid, "--jobs {jobs}: valid side differs");
        assert!(
            invalid == expected_invalid,
            "--jobs {jobs}: invalid side differs"
        );
        assert!(
            stderr.starts_with("5013 lines read: 3337 valid, 1672 invalid, 4 empty"),
            "{stderr}"
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        let reported: Vec<&str> = stdout.lines().take(5).collect();
        assert_eq!(
            reported,
            [
                "a.ndjson:4: invalid UTF-8 at byte 11",
                r#"a.ndjson:5: api_created_check_in: /user_id: "abc" is not of type "integer""#,
                r#"a.ndjson:7: api_created_check_in: /user_id: "abc" is not of type "integer""#,
                "b.ndjson:2: malformed JSON: expected value at line 1 column 1",
                r#"c.ndjson:1: api_created_check_in: /user_id: "abc" is not of type "integer""#,
            ]
        );
    }
}

#[test]
fn max_errors_is_refused_with_split_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = validate(dir.path());
    cmd.args(["--max-errors", "1", "--invalid-out", "bad"]);
    let output = run_with_stdin(cmd, format!("{}\n", invalid_line()).as_bytes());
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: --max-errors cannot be used with --valid-out/--invalid-out (every input line goes to a split output)\n"
    );
    assert!(!dir.path().join("bad").exists());
}

/// The files in `dir`, sorted (used by the debug-only test below).
#[cfg(debug_assertions)]
fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Issue 11: a worker panic used to end the run as if the input had ended, with exit 0 or 1 and partial
/// split files renamed into place. The hook that injects the panic exists in debug builds only (the ones
/// `cargo test` builds), hence the `cfg`.
#[cfg(debug_assertions)]
#[test]
fn a_panic_while_validating_exits_2_and_commits_no_split_output() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ok"), "old\n").unwrap();
    let bad = invalid_line();
    let input: String = (0..10_000)
        .map(|i| format!("{}\n", if i % 3 == 0 { bad.as_str() } else { VALID }))
        .collect();
    for (jobs, split) in [("1", true), ("2", true), ("2", false)] {
        let mut cmd = validate(dir.path());
        cmd.env("EVDEF_TEST_PANIC_AT_LINE", "9000")
            .env_remove("RUST_BACKTRACE")
            .args(["--jobs", jobs]);
        if split {
            cmd.args(["--valid-out", "ok", "--invalid-out", "bad"]);
        }
        let output = run_with_stdin(cmd, input.as_bytes());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "--jobs {jobs}: {stderr}");
        let error = "error: internal error while validating line 9000 of `<stdin>`: injected by EVDEF_TEST_PANIC_AT_LINE=9000\n";
        let incomplete = "the run did not finish: the split outputs are incomplete (--valid-out `ok`, --invalid-out `bad`); a regular file there was left as it was\n";
        if split {
            assert!(
                stderr.ends_with(&format!("{error}{incomplete}")),
                "{stderr}"
            );
        } else {
            assert!(stderr.ends_with(error), "{stderr}");
        }
        assert!(!stderr.contains("lines read"), "no summary: {stderr}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("ok")).unwrap(),
            "old\n"
        );
        assert_eq!(files_in(dir.path()), ["ok"], "no temporary file is left");
    }
}

/// Issue 11: `evdef validate --valid-out a --invalid-out b | head -1` used to rename partial split files into
/// place and exit 0. Now reports stop, every line is still split, and the exit code is the verdicts'.
#[test]
fn a_closed_stdout_stops_reports_but_not_the_split() {
    let dir = tempfile::tempdir().unwrap();
    let bad = invalid_line();
    // 10,000 reports (~700 KB) cannot all fit in the pipe and the output buffer: stdout closes mid-run.
    let input: String = (0..20_000)
        .map(|i| format!("{}\n", if i % 2 == 0 { bad.as_str() } else { VALID }))
        .collect();
    let expected_invalid: String = (0..10_000).map(|_| format!("{bad}\n")).collect();
    let expected_valid: String = (0..10_000).map(|_| format!("{VALID}\n")).collect();
    for jobs in ["1", "2"] {
        let mut child = validate(dir.path())
            .args(["--jobs", jobs, "--valid-out", "ok", "--invalid-out", "bad"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let bytes = input.clone();
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(bytes.as_bytes());
        });
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
        assert_eq!(status.code(), Some(1), "--jobs {jobs}: {stderr}");
        assert!(
            stderr.contains("stdout was closed before the end: later reports were not written; the split outputs hold every line"),
            "{stderr}"
        );
        assert!(
            stderr.starts_with("20000 lines read: 10000 valid, 10000 invalid"),
            "{stderr}"
        );
        let valid = std::fs::read_to_string(dir.path().join("ok")).unwrap();
        let invalid = std::fs::read_to_string(dir.path().join("bad")).unwrap();
        assert!(valid == expected_valid, "--jobs {jobs}: valid side differs");
        assert!(
            invalid == expected_invalid,
            "--jobs {jobs}: invalid side differs"
        );
    }
}

#[test]
fn help_says_how_lines_are_read_and_split() {
    let dir = tempfile::tempdir().unwrap();
    let output = evdef(dir.path())
        .args(["validate", "--help"])
        .output()
        .unwrap();
    // Clap wraps the text: compare it with its runs of blanks made single spaces.
    let help = String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for text in [
        "a line of spaces and tabs only is an empty line",
        "a UTF-8 byte order mark at the start of an input is skipped",
        "The last line of an input without `\\n` gets one there",
        "If stdout closes, reports stop and every line is still split",
    ] {
        assert!(help.contains(text), "{text}: {help}");
    }
}

#[test]
fn an_unknown_event_name_gets_a_suggestion_in_the_human_report_only() {
    let dir = tempfile::tempdir().unwrap();
    let input = "{\"event\":\"api_created_checkin\"}\n{\"event\":\"zzz\"}\n";
    let human = run_with_stdin(validate(dir.path()), input.as_bytes());
    assert_eq!(human.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&human.stdout),
        "line 1: api_created_checkin: /event: unknown event \"api_created_checkin\"; did you mean `api_created_check_in`?\n\
         line 2: zzz: /event: unknown event \"zzz\"\n"
    );
    // JSON messages stay those of the fast path and the TypeScript guards.
    let mut json = validate(dir.path());
    json.args(["--format", "json"]);
    let json = run_with_stdin(json, input.as_bytes());
    let stdout = String::from_utf8_lossy(&json.stdout);
    assert!(!stdout.contains("did you mean"), "{stdout}");
    assert!(stdout.contains("\"kind\":\"unknown-event\""), "{stdout}");
}
