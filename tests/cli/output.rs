//! Writing outputs (issue 11, "outputs"): unsafe and colliding event names, containment, write-through of
//! what the user named (FIFO, symlink, `/dev/null`, `>(wc -l)`), atomic replace keeping permission bits,
//! the manifest (stale files removed, foreign files kept, tampered entries refused) and `build --check`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use insta_cmd::assert_cmd_snapshot;

use super::{VALID, evdef, evdef_in, fixture, fixture_path, run, run_with_stdin};

/// Every path under `dir`, relative, sorted (symlinks not followed).
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(dir).unwrap();
        out.push(rel.display().to_string());
    }
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn unsafe_names_refuse_emit_and_write_nothing() {
    // Relative paths inside a fresh directory, so the snapshot holds no temporary path.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("defs")).unwrap();
    std::fs::copy(
        fixture_path("diagnostics/unsafe-output-name/events.yaml"),
        dir.path().join("defs/events.yaml"),
    )
    .unwrap();
    assert_cmd_snapshot!(evdef_in(dir.path()).args([
        "emit",
        "json-schema",
        "defs",
        "--out",
        "out/js"
    ]));
    let (code, _, stderr) =
        run(evdef_in(dir.path()).args(["emit", "docs", "defs", "--out", "out/docs"]));
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        tree(dir.path()),
        ["defs", "defs/events.yaml"],
        "nothing written"
    );
}

#[test]
fn colliding_names_fail_check_and_emit() {
    let collision = fixture("diagnostics/output-name-collision");
    let (code, stdout, _) = run(evdef().args(["check", "--format", "json", &collision]));
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let collisions: Vec<_> = report
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "output-name-collision")
        .map(|d| (d["location"]["line"].clone(), d["message"].clone()))
        .collect();
    insta::assert_json_snapshot!(collisions);
    let dir = tempfile::tempdir().unwrap();
    let (code, _, _) = run(evdef()
        .args(["emit", "json-schema", &collision, "--out"])
        .arg(dir.path()));
    assert_eq!(code, 1);
    assert_eq!(tree(dir.path()), Vec::<String>::new());
}

#[test]
fn legal_names_are_their_own_file_names() {
    let dir = tempfile::tempdir().unwrap();
    for backend in ["json-schema", "docs"] {
        let (code, _, stderr) = run(evdef()
            .args(["emit", backend, &fixture("output/legal-names"), "--out"])
            .arg(dir.path().join(backend)));
        assert_eq!(code, 0, "{stderr}");
    }
    let files = tree(dir.path());
    for expected in [
        "json-schema/with space.schema.json",
        "json-schema/café.v2.schema.json",
        "docs/events/with space.md",
        "docs/events/café.v2.md",
    ] {
        assert!(
            files.contains(&expected.to_string()),
            "{expected}: {files:?}"
        );
    }
    let readme = read(&dir.path().join("docs/README.md"));
    assert!(readme.contains("(events/with%20space.md)"), "{readme}");
    assert!(readme.contains("(events/caf%C3%A9.v2.md)"), "{readme}");
}

fn validate(dir: &Path) -> Command {
    let mut cmd = evdef_in(dir);
    cmd.args(["validate", "-d"])
        .arg(fixture_path("validate/catalog"));
    cmd
}

/// Two valid lines and one invalid line.
fn input() -> Vec<u8> {
    format!("{VALID}\n{{\"event\":\"nope\"}}\n{VALID}\n").into_bytes()
}

#[cfg(unix)]
#[test]
fn split_outputs_write_through_a_fifo_a_symlink_and_dev_null() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("valid.fifo");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    let target = dir.path().join("invalid.ndjson");
    std::fs::write(&target, "old\n").unwrap();
    let link = dir.path().join("invalid.link");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let mut cmd = validate(dir.path());
    cmd.arg("--valid-out")
        .arg(&fifo)
        .arg("--invalid-out")
        .arg(&link);
    let output = run_with_stdin(cmd, &input());
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        reader.join().unwrap(),
        format!("{VALID}\n{VALID}\n").as_bytes(),
        "the FIFO's reader got the valid lines"
    );
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert_eq!(
        read(&target),
        "{\"event\":\"nope\"}\n",
        "the symlink's target"
    );
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );

    let mut cmd = validate(dir.path());
    cmd.args(["--valid-out", "/dev/null", "--invalid-out"])
        .arg(&target);
    let output = run_with_stdin(cmd, &input());
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(read(&target), "{\"event\":\"nope\"}\n");
    assert_eq!(std::fs::metadata("/dev/null").unwrap().len(), 0);
}

#[cfg(unix)]
#[test]
fn split_output_to_bash_process_substitution() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.ndjson"), input()).unwrap();
    let script = format!(
        "'{}' validate -d '{}' in.ndjson --invalid-out >(wc -l > count) --valid-out >(wc -l > valid) >/dev/null; echo $? > code; wait",
        env!("CARGO_BIN_EXE_evdef"),
        fixture_path("validate/catalog").display()
    );
    let status = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    // The substituted processes may finish after bash: wait for their files.
    let deadline = Instant::now() + Duration::from_secs(10);
    while (read_trim(&dir.path().join("count")).is_empty()
        || read_trim(&dir.path().join("valid")).is_empty())
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(read_trim(&dir.path().join("code")), "1");
    assert_eq!(read_trim(&dir.path().join("count")), "1");
    assert_eq!(read_trim(&dir.path().join("valid")), "2");
}

fn read_trim(path: &Path) -> String {
    std::fs::read_to_string(path)
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

#[cfg(unix)]
#[test]
fn same_split_output_is_refused_before_reading_input() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("both.ndjson");
    std::fs::write(&target, "keep\n").unwrap();
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    for (valid, invalid) in [
        (target.clone(), link.clone()),
        (dir.path().join("new"), dir.path().join("sub/../new")),
    ] {
        std::fs::create_dir_all(dir.path().join("sub")).unwrap();
        let mut cmd = validate(dir.path());
        cmd.arg("--valid-out")
            .arg(&valid)
            .arg("--invalid-out")
            .arg(&invalid);
        // stdin stays open and empty: a run that read input would wait forever.
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "validate waited for input");
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(status.code(), Some(2));
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
        assert!(stderr.contains("are the same file"), "{stderr}");
    }
    assert_eq!(read(&target), "keep\n");
    assert!(!dir.path().join("new").exists());
}

#[cfg(unix)]
#[test]
fn replaced_split_file_keeps_its_mode_and_a_new_one_follows_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.ndjson"), input()).unwrap();
    let kept = dir.path().join("valid.ndjson");
    std::fs::write(&kept, "old\n").unwrap();
    std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o604)).unwrap();
    let script = format!(
        "umask 027; exec '{}' validate -d '{}' in.ndjson --valid-out valid.ndjson --invalid-out invalid.ndjson",
        env!("CARGO_BIN_EXE_evdef"),
        fixture_path("validate/catalog").display()
    );
    let output = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let mode = |name: &str| {
        std::fs::metadata(dir.path().join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("valid.ndjson"), 0o604, "kept");
    assert_eq!(mode("invalid.ndjson"), 0o640, "0666 minus umask 027");
    assert_eq!(read(&kept), format!("{VALID}\n{VALID}\n"));
}

#[cfg(unix)]
#[test]
fn a_symlink_inside_the_output_dir_is_replaced_and_its_target_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("js");
    std::fs::create_dir(&out).unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    std::os::unix::fs::symlink(&victim, out.join("api_created_check_in.schema.json")).unwrap();
    let (code, _, stderr) = run(evdef()
        .args(["emit", "json-schema", &fixture("validate/catalog"), "--out"])
        .arg(&out));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(read(&victim), "precious");
    let written = out.join("api_created_check_in.schema.json");
    assert!(std::fs::symlink_metadata(&written).unwrap().is_file());
    assert!(read(&written).contains("\"api_created_check_in\""));
}

#[test]
fn a_single_file_out_can_be_dev_null_and_a_symlink_target_gets_the_content() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(evdef().args([
        "emit",
        "rust",
        &fixture("validate/catalog"),
        "--out",
        "/dev/null",
    ]));
    assert_eq!(code, 0, "{stderr}");
    #[cfg(unix)]
    {
        let target = dir.path().join("bundle-target.json");
        let link = dir.path().join("bundle.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let (code, _, stderr) = run(evdef()
            .args([
                "emit",
                "json-schema",
                "--bundle",
                &fixture("validate/catalog"),
                "--out",
            ])
            .arg(&link));
        assert_eq!(code, 0, "{stderr}");
        assert!(read(&target).contains("\"api_created_check_in\""));
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
}

/// A project with `[emit.json_schema]` and `[emit.docs]`; `page_viewed` has no description (a warning).
fn project(events: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("evdef.toml"),
        "[emit.json_schema]\nout = \"gen/js\"\n[emit.docs]\nout = \"gen/docs\"\nformat = \"md\"\n[emit.rust]\nout = \"gen/events.rs\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("definitions")).unwrap();
    std::fs::write(dir.path().join("definitions/events.yaml"), events).unwrap();
    dir
}

const TWO_EVENTS: &str = "page_viewed:\n  parameters:\n    user_id: integer\nsigned_up:\n  description: A user signed up\n";
const ONE_EVENT: &str = "page_viewed:\n  parameters:\n    user_id: integer\n";

#[test]
fn stale_outputs_go_and_foreign_files_stay() {
    let dir = project(TWO_EVENTS);
    let (code, _, stderr) = run(evdef_in(dir.path()).arg("build"));
    assert_eq!(code, 0, "{stderr}");
    let js = dir.path().join("gen/js");
    assert!(js.join("signed_up.schema.json").is_file());
    std::fs::write(js.join("README.txt"), "ours, not evdef's").unwrap();
    std::fs::write(dir.path().join("definitions/events.yaml"), ONE_EVENT).unwrap();
    let (code, _, stderr) = run(evdef_in(dir.path()).arg("build"));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("removed 1 stale file"), "{stderr}");
    assert_eq!(
        tree(&js),
        [
            ".evdef-manifest.json",
            "README.txt",
            "events.schema.json",
            "page_viewed.schema.json"
        ]
    );
    assert!(!dir.path().join("gen/docs/events/signed_up.md").exists());
    assert!(dir.path().join("gen/docs/events/page_viewed.md").exists());
    insta::assert_snapshot!(read(&js.join(".evdef-manifest.json")));
}

#[test]
fn a_manifest_entry_outside_the_directory_is_an_error_and_nothing_is_deleted() {
    let dir = project(TWO_EVENTS);
    let (code, _, _) = run(evdef_in(dir.path()).arg("build"));
    assert_eq!(code, 0);
    std::fs::write(dir.path().join("gen/victim.txt"), "precious").unwrap();
    let manifest = dir.path().join("gen/js/.evdef-manifest.json");
    std::fs::write(
        &manifest,
        r#"{"generator":"evdef","files":["../victim.txt","signed_up.schema.json"]}"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("definitions/events.yaml"), ONE_EVENT).unwrap();
    let (code, _, stderr) = run(evdef_in(dir.path()).arg("build"));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("`../victim.txt` is not a plain relative path"),
        "{stderr}"
    );
    assert_eq!(read(&dir.path().join("gen/victim.txt")), "precious");
    assert!(dir.path().join("gen/js/signed_up.schema.json").exists());
}

#[test]
fn build_check_reports_up_to_date_differs_missing_and_stale() {
    let dir = project(TWO_EVENTS);
    let check = |dir: &Path| {
        let (code, _, stderr) = run(evdef_in(dir).args(["build", "--check"]));
        let lines: Vec<String> = stderr
            .lines()
            .filter(|l| {
                l.starts_with("  ") && l.contains(": gen/") || l.contains("generated output")
            })
            .map(String::from)
            .collect();
        (code, lines, stderr)
    };
    let (code, _, stderr) = check(dir.path());
    assert_eq!(code, 1, "nothing built yet: {stderr}");
    assert!(!dir.path().join("gen").exists(), "--check writes nothing");
    assert!(stderr.contains("missing: gen/events.rs"), "{stderr}");

    let (code, _, _) = run(evdef_in(dir.path()).arg("build"));
    assert_eq!(code, 0);
    let (code, lines, stderr) = check(dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("missing-description"),
        "warnings are printed: {stderr}"
    );
    assert_eq!(lines, ["generated outputs are up to date"]);

    std::fs::write(dir.path().join("gen/js/page_viewed.schema.json"), "{}").unwrap();
    std::fs::remove_file(dir.path().join("gen/events.rs")).unwrap();
    std::fs::write(dir.path().join("definitions/events.yaml"), ONE_EVENT).unwrap();
    let (code, lines, stderr) = check(dir.path());
    assert_eq!(code, 1, "{stderr}");
    insta::assert_snapshot!(lines.join("\n"));
    assert_eq!(
        read(&dir.path().join("gen/js/page_viewed.schema.json")),
        "{}",
        "--check writes nothing"
    );
}

#[test]
fn check_explains_the_output_name_codes() {
    for code in ["unsafe-output-name", "output-name-collision"] {
        let (status, stdout, _) = run(evdef().args(["check", "--explain", code]));
        assert_eq!(status, 0);
        assert!(stdout.starts_with(&format!("# {code}\n")), "{stdout}");
        assert!(stdout.contains("## Why is this bad?"), "{stdout}");
    }
}

#[cfg(unix)]
#[test]
fn dev_stdout_redirected_to_a_file_and_an_appending_descriptor_keep_every_byte() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.ndjson"), input()).unwrap();
    std::fs::write(dir.path().join("log"), "kept\n").unwrap();
    let script = format!(
        "'{bin}' validate -d '{defs}' in.ndjson --format json --invalid-out /dev/stdout > out.txt 2>/dev/null; \
         '{bin}' validate -d '{defs}' in.ndjson --invalid-out /dev/fd/3 3>>log >/dev/null 2>&1; true",
        bin = env!("CARGO_BIN_EXE_evdef"),
        defs = fixture_path("validate/catalog").display()
    );
    let status = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    let out = read(&dir.path().join("out.txt"));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "the report line and the split line: {out}");
    assert!(lines[0].starts_with("{\"line\":2,"), "{out}");
    assert_eq!(lines[1], "{\"event\":\"nope\"}");
    assert_eq!(
        read(&dir.path().join("log")),
        "kept\n{\"event\":\"nope\"}\n"
    );
}
