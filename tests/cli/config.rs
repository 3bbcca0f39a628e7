//! `evdef.toml` problems: every command refuses a bad configuration with exit 2 and names the line and
//! column, and explicit paths find the `evdef.toml` of their own tree.

use insta_cmd::assert_cmd_snapshot;

use super::{evdef_in, run};

/// A project with one clean event and the given `evdef.toml`.
fn project(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("definitions")).unwrap();
    std::fs::write(
        dir.path().join("definitions/app.yaml"),
        "app_opened:\n  description: The app came to the foreground\n  parameters:\n    user_id: integer\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("evdef.toml"), config).unwrap();
    dir
}

/// Every command that loads the configuration, as a new user would type it.
const COMMANDS: &[&[&str]] = &[
    &["check"],
    &["check", "definitions/app.yaml"],
    &["build"],
    &["resolve"],
    &["explain", "app_opened"],
    &["emit", "json-schema", "--out", "out"],
    &["emit", "rust", "--out", "out.rs"],
    &["emit", "docs", "--out", "docs"],
    &["emit", "typescript", "--out", "ts"],
    &["validate", "/dev/null"],
    &["diff", "--against", "definitions"],
];

/// The language server reads no configuration before a file is opened, but a given one is checked at once
/// (not in [`COMMANDS`]: without a client it does not exit 0).
const LSP: &[&str] = &["lsp", "--config", "evdef.toml"];

#[test]
fn a_bad_config_is_exit_two_with_line_and_column_in_every_command() {
    let bad = [
        ("unparsable", "[lint\n", "line 1, column 6"),
        ("wrong type", "[lint]\nnaming = 3\n", "line 2, column 10"),
        ("unknown key", "[lint]\nnamin = \"x\"\n", "line 2, column 1"),
        (
            "unknown rule",
            "[lint.rules]\nmissing-descripton = \"warn\"\n",
            "line 2, column 1",
        ),
        (
            "bad regex",
            "[lint]\nnaming = \"(x\"\n",
            "line 2, column 10",
        ),
        (
            "bad level",
            "[lint.rules]\nmissing-description = \"loud\"\n",
            "line 2, column 23",
        ),
    ];
    for (what, config, at) in bad {
        // `line 2, column 10` in toml's snippet, `evdef.toml:2:10` where evdef names the file.
        let numbers: Vec<&str> = at
            .split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .collect();
        let place = format!("invalid configuration `evdef.toml:{}`", numbers.join(":"));
        let dir = project(config);
        for args in COMMANDS.iter().chain([&LSP]) {
            let (code, stdout, stderr) = run(evdef_in(dir.path()).args(*args));
            assert_eq!(code, 2, "{what}: evdef {args:?}\n{stderr}");
            assert!(stdout.is_empty(), "{what}: evdef {args:?} printed {stdout}");
            assert!(
                stderr.contains(&place) && stderr.contains(at),
                "{what}: evdef {args:?}: expected {place} and {at} in\n{stderr}"
            );
        }
        assert!(
            !dir.path().join("out").exists() && !dir.path().join("docs").exists(),
            "{what}: something was written"
        );
    }
}

#[test]
fn lsp_with_a_missing_config_is_exit_two() {
    let dir = project("");
    let (code, stdout, stderr) = run(evdef_in(dir.path()).args(["lsp", "--config", "nope.toml"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("nope.toml"), "{stderr}");
}

#[test]
fn an_unknown_rule_names_the_key_and_suggests() {
    let dir = project("[lint.rules]\nmissing-descripton = \"warn\"\n");
    assert_cmd_snapshot!(evdef_in(dir.path()).arg("check"));
}

#[test]
fn a_good_config_still_runs_every_command() {
    let dir = project(
        "[lint]\nnaming = \"^[a-z_]+$\"\n[lint.rules]\nmissing-description = \"error\"\n[emit.json_schema]\nout = \"gen\"\n",
    );
    for args in COMMANDS {
        let (code, _, stderr) = run(evdef_in(dir.path()).args(*args));
        assert!(code == 0, "evdef {args:?}: exit {code}\n{stderr}");
    }
}

#[test]
fn emit_rust_writes_to_the_configured_out_and_docs_takes_dash_o() {
    let dir = project("[emit.rust]\nout = \"src/events.rs\"\n");
    std::fs::create_dir(dir.path().join("src")).unwrap();
    let (code, stdout, stderr) = run(evdef_in(dir.path()).args(["emit", "rust"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty(), "the code went to stdout: {stdout}");
    assert!(
        stderr.contains("wrote Rust types to src/events.rs"),
        "{stderr}"
    );
    let code_text = std::fs::read_to_string(dir.path().join("src/events.rs")).unwrap();
    assert!(code_text.contains("pub struct AppOpened"), "{code_text}");
    // `-o` wins over the configuration (`-o -` is stdout); without either, the code goes to stdout.
    let (code, stdout, _) = run(evdef_in(dir.path()).args(["emit", "rust", "-o", "-"]));
    assert_eq!(code, 0);
    assert!(stdout.contains("pub struct AppOpened"));
    let (code, _, _) = run(evdef_in(dir.path()).args(["emit", "rust", "-o", "other.rs"]));
    assert_eq!(code, 0);
    assert!(dir.path().join("other.rs").is_file());
    let bare = project("");
    let (code, stdout, _) = run(evdef_in(bare.path()).args(["emit", "rust"]));
    assert_eq!(code, 0);
    assert!(stdout.contains("pub struct AppOpened"));
    let (code, _, stderr) = run(evdef_in(bare.path()).args(["emit", "docs", "-o", "site"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(bare.path().join("site/index.html").is_file());
}

#[test]
fn every_out_says_whether_it_names_a_file_or_a_directory() {
    for (backend, kind) in [
        ("json-schema", "Output directory"),
        ("rust", "Output file"),
        ("docs", "Output directory"),
        ("typescript", "Output directory"),
    ] {
        let (code, help, _) = run(super::evdef().args(["emit", backend, "--help"]));
        assert_eq!(code, 0);
        // The `--out` entry: its line and the wrapped lines under it, up to the next option.
        let mut lines = help.lines().skip_while(|l| !l.contains("--out"));
        let first = lines.next().unwrap_or_default().to_string();
        let rest = lines.take_while(|l| !l.trim_start().starts_with('-'));
        let out = std::iter::once(first)
            .chain(rest.map(str::to_string))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(out.contains(kind), "emit {backend} --help: {out:?}\n{help}");
    }
}
