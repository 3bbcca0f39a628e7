//! `evdef init`, `evdef completions`, `evdef man`: the scaffold passes `check` and `build` and is never
//! written over an existing file; completions and the man page name the subcommands.

use super::{evdef, evdef_in, run};

#[test]
fn init_scaffolds_a_project_that_checks_and_builds() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run(evdef_in(dir.path()).args(["init", "project"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("uses: <owner>/evdef@<ref>"), "{stdout}");
    let project = dir.path().join("project");
    for file in [
        "evdef.toml",
        "definitions/_common.yaml",
        "definitions/app.yaml",
    ] {
        assert!(project.join(file).is_file(), "{file} missing");
    }
    let prelude = std::fs::read_to_string(project.join("definitions/_common.yaml")).unwrap();
    assert!(prelude.contains("&client"), "the prelude has an anchor");
    let event = std::fs::read_to_string(project.join("definitions/app.yaml")).unwrap();
    assert!(event.contains("<<: *client"), "the event uses it");
    let (code, _, stderr) = run(evdef_in(&project).arg("check"));
    assert_eq!(code, 0, "check: {stderr}");
    assert!(stderr.contains("0 errors, 0 warnings"), "{stderr}");
    let (code, _, stderr) = run(evdef_in(&project).arg("build"));
    assert_eq!(code, 0, "build: {stderr}");
    assert!(
        project
            .join("generated/json-schema/app_opened.schema.json")
            .is_file()
    );
    assert!(project.join("generated/docs/index.html").is_file());
}

#[test]
fn init_never_overwrites_and_then_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("evdef.toml"), "# mine\n").unwrap();
    let (code, stdout, stderr) = run(evdef_in(dir.path()).arg("init"));
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains("`evdef.toml` already exists"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("evdef.toml")).unwrap(),
        "# mine\n"
    );
    assert!(!dir.path().join("definitions").exists(), "nothing written");
    // A second init over a complete scaffold is refused too.
    let other = tempfile::tempdir().unwrap();
    assert_eq!(run(evdef_in(other.path()).arg("init")).0, 0);
    let before = std::fs::read(other.path().join("definitions/app.yaml")).unwrap();
    assert_eq!(run(evdef_in(other.path()).arg("init")).0, 2);
    let after = std::fs::read(other.path().join("definitions/app.yaml")).unwrap();
    assert_eq!(before, after);
}

#[test]
fn completions_and_man_page_name_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let (code, stdout, stderr) = run(evdef().args(["completions", shell]));
        assert_eq!(code, 0, "{shell}: {stderr}");
        for sub in ["check", "validate", "explain", "init"] {
            assert!(stdout.contains(sub), "{shell} completions lack `{sub}`");
        }
    }
    let (code, man, stderr) = run(evdef().arg("man"));
    assert_eq!(code, 0, "{stderr}");
    assert!(man.contains(".TH evdef 1"), "not a man page: {man}");
    for sub in ["check", "build", "validate", "diff", "init", "completions"] {
        assert!(man.contains(sub), "man page lacks `{sub}`");
    }
}
