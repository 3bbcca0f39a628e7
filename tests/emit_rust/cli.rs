//! `evdef emit rust` through the real binary: exit codes, stdout, `--out`, diagnostics on stderr.

use std::process::Command;

fn evdef() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_evdef"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1");
    cmd
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (
        out.status.code().unwrap_or(-1),
        text(out.stdout),
        text(out.stderr),
    )
}

#[test]
fn prints_the_generated_code_to_stdout() {
    let (code, stdout, stderr) =
        run(evdef().args(["emit", "rust", "-o", "-", "tests/fixtures/emit-rust/basic"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with(evdef::emit::rust::HEADER), "{stdout}");
    assert!(stdout.contains("pub struct ApiCreatedCheckIn {"));
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn writes_the_file_given_by_out() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("src/events.rs");
    let (code, stdout, stderr) = run(evdef()
        .args([
            "emit",
            "rust",
            "-d",
            "tests/fixtures/emit-rust/basic",
            "--uuid",
            "--chrono",
            "--out",
        ])
        .arg(&out));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty());
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(
        written.contains("pub checkin_id: ::uuid::Uuid,"),
        "{written}"
    );
    assert!(
        written.contains("::chrono::DateTime<::chrono::FixedOffset>"),
        "{written}"
    );
}

#[test]
fn name_collisions_exit_1_with_diagnostics() {
    let (code, stdout, stderr) =
        run(evdef().args(["emit", "rust", "tests/fixtures/emit-rust/collisions.yaml"]));
    assert_eq!(code, 1);
    assert!(stdout.is_empty(), "no code on stdout: {stdout}");
    assert!(stderr.contains("rust-name-collision"), "{stderr}");
    assert!(stderr.contains("collisions.yaml:5:5"), "{stderr}");
}

#[test]
fn chrono_and_time_together_are_a_usage_error() {
    let (code, _, stderr) = run(evdef().args([
        "emit",
        "rust",
        "tests/fixtures/emit-rust/basic",
        "--chrono",
        "--time",
    ]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--time"), "{stderr}");
}
