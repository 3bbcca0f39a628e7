//! CLI tests: the real `evdef` binary, run on fixtures, with NDJSON piped through stdin.

#![allow(clippy::unwrap_used)]

mod build;
mod emit_json_schema;
mod tagged;
mod validate;

use std::path::PathBuf;
use std::process::Command;

/// `evdef` with the working directory set to a fresh temporary directory (no `evdef.toml` above it).
pub fn evdef(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_evdef"));
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

/// A fixture directory.
pub fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}
