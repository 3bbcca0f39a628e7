//! CLI tests: the real `evdef` binary, with exit codes, stdout and stderr snapshotted, NDJSON piped through
//! stdin.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bounds;
mod build;
mod check;
mod config;
mod diff;
mod emit_json_schema;
mod emit_typescript;
mod explain;
mod help;
mod init;
mod lint_rules;
mod numbers;
mod output;
mod positions;
mod resolve;
mod schema;
mod suppress;
mod tagged;
mod validate;
mod version;

use std::path::{Path, PathBuf};
use std::process::Command;

/// `evdef` with the crate root as working directory, no colours and no user configuration.
pub fn evdef() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_evdef"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

/// A fixture path relative to the crate root.
pub fn fixture(path: &str) -> String {
    let p = Path::new("tests/fixtures").join(path);
    assert!(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(&p).exists(),
        "missing fixture {}",
        p.display()
    );
    p.display().to_string()
}

/// Run and return (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("evdef runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `evdef` with the working directory set to `dir` (a fresh temporary directory: no `evdef.toml` above it).
pub fn evdef_in(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_evdef"));
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

/// A fixture directory, as an absolute path.
pub fn fixture_path(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

/// A valid `api_created_check_in` line for the `validate` fixture catalog.
pub const VALID: &str = r#"{"event":"api_created_check_in","user_id":1,"user_email":"a@example.com","client_id":"ios","checkin_id":"6f1c1b0e-3a43-4b2e-9a55-0f2b1b7c9d10","business_id":7,"insecure_mode":false,"offline_checkin":false,"checkin_at":"2024-05-01T12:00:00Z"}"#;

/// Run with `input` on stdin (written from a thread, so a large input cannot deadlock against stdout).
pub fn run_with_stdin(mut cmd: Command, input: &[u8]) -> std::process::Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output
}
