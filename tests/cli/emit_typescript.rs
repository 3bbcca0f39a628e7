//! `evdef emit typescript` and `[emit.typescript]` in `evdef build`.

use insta_cmd::assert_cmd_snapshot;

use super::{evdef, evdef_in, fixture, fixture_path};

#[test]
fn writes_events_ts_into_the_out_directory() {
    let dir = tempfile::tempdir().unwrap();
    assert_cmd_snapshot!(
        evdef_in(dir.path())
            .args(["emit", "typescript", "--out", "ts", "-d"])
            .arg(fixture_path("validate/catalog"))
    );
    let text = std::fs::read_to_string(dir.path().join("ts/events.ts")).unwrap();
    assert!(text.contains("export type Event =\n  | ApiCreatedCheckIn\n  | RewardGranted;"));
    assert!(text.contains("export function validateEvent(value: unknown): ValidationResult"));
}

#[test]
fn name_collisions_are_diagnostics_and_nothing_is_written() {
    // A relative path, so the snapshot holds no temporary directory; nothing may be written there.
    let out = "target/evdef-test-collision-never-written";
    let mut cmd = evdef();
    cmd.args([
        "emit",
        "typescript",
        &fixture("typescript/collision"),
        "--out",
        out,
    ]);
    assert_cmd_snapshot!(cmd);
    assert!(
        !std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(out)
            .exists()
    );
}

#[test]
fn build_runs_the_configured_typescript_backend() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("evdef.toml"),
        format!(
            "[definitions]\npaths = [{:?}]\n[emit.typescript]\nout = \"web/generated\"\n",
            fixture_path("validate/catalog")
        ),
    )
    .unwrap();
    assert_cmd_snapshot!(evdef_in(dir.path()).arg("build"));
    assert!(dir.path().join("web/generated/events.ts").is_file());
}
