//! `--help` of the commands whose flags take a fixed set of values (`--format`, `--draft`,
//! `--unknown-events`, `--mode`): the values and their descriptions are part of the CLI contract.

use insta_cmd::assert_cmd_snapshot;

use super::evdef;

#[test]
fn check_help() {
    assert_cmd_snapshot!(evdef().args(["check", "--help"]));
}

#[test]
fn validate_help() {
    assert_cmd_snapshot!(evdef().args(["validate", "--help"]));
}

#[test]
fn diff_help() {
    assert_cmd_snapshot!(evdef().args(["diff", "--help"]));
}

#[test]
fn emit_json_schema_help() {
    assert_cmd_snapshot!(evdef().args(["emit", "json-schema", "--help"]));
}
