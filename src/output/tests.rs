//! Unit tests of the output module: atomic replace, modes, write-through, containment, manifest, drift.

use super::*;

fn file(path: &str, contents: &str) -> OutputFile {
    OutputFile {
        path: path.into(),
        contents: contents.into(),
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn write_dir_creates_directories_replaces_files_and_leaves_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    write_dir(dir.path(), &[file("a/b.txt", "one")]).unwrap();
    write_dir(dir.path(), &[file("a/b.txt", "two")]).unwrap();
    assert_eq!(read(&dir.path().join("a/b.txt")), "two");
    let names: Vec<String> = std::fs::read_dir(dir.path().join("a"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["b.txt"], "no temp file left");
}

#[test]
fn unplain_paths_are_refused_before_writing() {
    for bad in ["../x", "/tmp/x", "a/../../x", "", ".evdef-manifest.json"] {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("out");
        let error = write_dir(&root, &[file("ok", "1"), file(bad, "2")]).unwrap_err();
        assert!(matches!(error, Error::Output { .. }), "{bad}: {error}");
        assert!(!root.exists(), "{bad}: nothing written");
    }
    let dir = tempfile::tempdir().unwrap();
    let twice = write_dir(dir.path(), &[file("a", "1"), file("a", "2")]).unwrap_err();
    assert!(twice.to_string().contains("two outputs"), "{twice}");
}

#[cfg(unix)]
mod unix {
    use super::*;
    use std::os::unix::fs::{PermissionsExt, symlink};

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    /// The process umask, read without changing it (Linux `/proc`), else assumed 022.
    fn umask() -> u32 {
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("Umask:"))
                    .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
            })
            .unwrap_or(0o022)
    }

    #[test]
    fn a_new_file_gets_0666_minus_the_umask_and_a_replaced_file_keeps_its_bits() {
        let dir = tempfile::tempdir().unwrap();
        write_dir(dir.path(), &[file("new.json", "1"), file("old.json", "2")]).unwrap();
        assert_eq!(mode(&dir.path().join("new.json")), 0o666 & !umask());
        std::fs::set_permissions(
            dir.path().join("old.json"),
            std::fs::Permissions::from_mode(0o640),
        )
        .unwrap();
        write_dir(dir.path(), &[file("new.json", "1"), file("old.json", "3")]).unwrap();
        assert_eq!(read(&dir.path().join("old.json")), "3");
        assert_eq!(mode(&dir.path().join("old.json")), 0o640);
        let named = dir.path().join("named.rs");
        std::fs::write(&named, "x").unwrap();
        std::fs::set_permissions(&named, std::fs::Permissions::from_mode(0o755)).unwrap();
        write_named(&named, b"y").unwrap();
        assert_eq!(mode(&named), 0o755);
    }

    #[test]
    fn inside_an_output_dir_symlinks_are_replaced_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret");
        std::fs::write(&secret, "keep").unwrap();
        let root = dir.path().join("out");
        std::fs::create_dir(&root).unwrap();
        symlink(&secret, root.join("a.json")).unwrap();
        // A symlinked subdirectory: writing through it would land in `outside`.
        symlink(outside.path(), root.join("events")).unwrap();
        write_dir(&root, &[file("a.json", "new"), file("events/b.md", "page")]).unwrap();
        assert_eq!(read(&secret), "keep");
        assert!(!outside.path().join("b.md").exists());
        let meta = std::fs::symlink_metadata(root.join("a.json")).unwrap();
        assert!(meta.is_file(), "the symlink became a regular file");
        assert_eq!(read(&root.join("a.json")), "new");
        assert!(
            std::fs::symlink_metadata(root.join("events"))
                .unwrap()
                .is_dir()
        );
        assert_eq!(read(&root.join("events/b.md")), "page");
    }

    #[test]
    fn a_named_symlink_is_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target.rs");
        std::fs::write(&target, "old contents, longer").unwrap();
        let link = dir.path().join("link.rs");
        symlink(&target, &link).unwrap();
        write_named(&link, b"new").unwrap();
        assert_eq!(read(&target), "new");
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        write_named(Path::new("/dev/null"), b"discarded").unwrap();
    }

    #[test]
    fn a_named_socket_is_connected_and_written_through() {
        use std::io::Read;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.sock");
        let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
        let reader = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut got = Vec::new();
            stream.read_to_end(&mut got).unwrap();
            got
        });
        write_named(&path, b"line\n").unwrap();
        assert_eq!(reader.join().unwrap(), b"line\n");
        assert!(std::fs::symlink_metadata(&path).is_ok(), "the socket stays");
    }

    #[test]
    fn stale_files_of_ours_go_and_foreign_files_stay() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("foreign.txt"), "mine").unwrap();
        write_dir(root, &[file("a.json", "1"), file("sub/b.md", "2")]).unwrap();
        let removed = write_dir(root, &[file("a.json", "1")]).unwrap();
        assert_eq!(removed, 1);
        assert!(!root.join("sub/b.md").exists());
        assert!(!root.join("sub").exists(), "the emptied directory goes too");
        assert_eq!(read(&root.join("foreign.txt")), "mine");
        assert!(read(&root.join(manifest::FILE_NAME)).contains("a.json"));
    }

    #[test]
    fn a_tampered_manifest_deletes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("out");
        write_dir(&root, &[file("a.json", "1")]).unwrap();
        let victim = dir.path().join("x");
        std::fs::write(&victim, "precious").unwrap();
        std::fs::write(
            root.join(manifest::FILE_NAME),
            r#"{"generator":"evdef","files":["../x","a.json"]}"#,
        )
        .unwrap();
        let error = write_dir(&root, &[file("b.json", "2")]).unwrap_err();
        assert!(error.to_string().contains("nothing was deleted"), "{error}");
        assert_eq!(read(&victim), "precious");
        assert!(root.join("a.json").exists());
        assert!(!root.join("b.json").exists());
    }

    #[test]
    fn check_dir_reports_missing_different_and_stale() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let files = [
            file("a.json", "1"),
            file("b.json", "2"),
            file("c.json", "3"),
        ];
        assert!(
            check_dir(root, &files).unwrap().len() == 4,
            "all missing + manifest"
        );
        write_dir(root, &files).unwrap();
        assert_eq!(check_dir(root, &files).unwrap(), []);
        std::fs::write(root.join("a.json"), "changed").unwrap();
        std::fs::remove_file(root.join("b.json")).unwrap();
        let now = [file("a.json", "1"), file("b.json", "2")];
        let drift = check_dir(root, &now).unwrap();
        assert_eq!(
            drift,
            [
                Drift::Differs(root.join("a.json")),
                Drift::Missing(root.join("b.json")),
                Drift::Stale(root.join("c.json")),
                Drift::Differs(root.join(manifest::FILE_NAME)),
            ]
        );
        assert_eq!(
            read(&root.join("a.json")),
            "changed",
            "check writes nothing"
        );
    }

    #[test]
    fn pending_abort_leaves_the_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("valid.ndjson");
        std::fs::write(&path, "before").unwrap();
        let mut pending = Pending::named(&path).unwrap();
        pending.write_all(b"partial").unwrap();
        pending.abort();
        assert_eq!(read(&path), "before");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn same_output_resolves_symlinks_and_missing_files() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("sub/../a");
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        assert!(same_output(&a, &b), "neither exists yet");
        std::fs::write(&a, "").unwrap();
        let link = dir.path().join("link");
        symlink(&a, &link).unwrap();
        assert!(same_output(&a, &link));
        assert!(!same_output(&a, &dir.path().join("other")));
    }
}
