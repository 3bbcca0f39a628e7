//! The manifest every output directory holds (`.evdef-manifest.json`): the sorted list of files evdef wrote
//! there, so a later run removes the ones it no longer writes and never touches anything else. Entries
//! are checked before anything is deleted: only plain relative paths inside the directory count.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

use crate::Error;

/// The manifest's file name inside an output directory.
pub const FILE_NAME: &str = ".evdef-manifest.json";

#[derive(serde::Serialize, serde::Deserialize)]
struct Manifest {
    /// Always `evdef`: says which tool owns the listed files.
    generator: String,
    /// Paths relative to the directory, `/`-separated, sorted.
    files: Vec<String>,
}

/// The manifest's bytes for these relative paths: deterministic (sorted, pretty, final newline).
pub fn render(files: &BTreeSet<String>) -> String {
    let manifest = Manifest {
        generator: "evdef".into(),
        files: files.iter().cloned().collect(),
    };
    let mut text = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    text.push('\n');
    text
}

/// The files a previous run wrote in `root`, from its manifest (empty when there is none). Every entry
/// must be a plain relative path whose parent directories inside `root` are real directories (no symlink):
/// anything else is an error, so nothing is deleted on the strength of a tampered manifest.
pub fn read(root: &Path) -> Result<BTreeSet<String>, Error> {
    let path = root.join(FILE_NAME);
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(BTreeSet::new()),
        Err(e) => return Err(Error::io("read", &path, e)),
    };
    let bad = |message: String| Error::Output {
        path: path.clone(),
        message,
    };
    if !meta.is_file() {
        return Err(bad("the manifest is not a regular file".into()));
    }
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
    let manifest: Manifest =
        serde_json::from_str(&text).map_err(|e| bad(format!("not an evdef manifest: {e}")))?;
    let mut files = BTreeSet::new();
    for entry in manifest.files {
        if !is_plain(&entry) || entry == FILE_NAME {
            return Err(bad(format!(
                "entry `{}` is not a plain relative path inside the directory; nothing was deleted",
                entry.escape_debug()
            )));
        }
        if let Some(link) = symlinked_parent(root, &entry) {
            return Err(bad(format!(
                "entry `{entry}` lies under `{}`, a symlink or not a directory; nothing was deleted",
                link.display()
            )));
        }
        files.insert(entry);
    }
    Ok(files)
}

/// Whether a manifest entry is a plain relative path: `/`-separated, no empty, `.` or `..` component, no
/// backslash, NUL or leading `/`.
pub fn is_plain(entry: &str) -> bool {
    !entry.is_empty()
        && !entry.contains(['\\', '\0'])
        && entry
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

/// The first directory on the way to `entry` inside `root` that is a symlink or something other than a
/// directory (`None` when every existing one is a real directory).
fn symlinked_parent(root: &Path, entry: &str) -> Option<PathBuf> {
    let mut dir = root.to_path_buf();
    let mut components: Vec<&str> = entry.split('/').collect();
    components.pop();
    for component in components {
        dir.push(component);
        match std::fs::symlink_metadata(&dir) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => return Some(dir),
            Err(_) => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_entries() {
        for ok in ["a.json", "events/a b.md", "x/y/z", "é"] {
            assert!(is_plain(ok), "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../b",
            "a//b",
            "a/",
            "./a",
            "a\\b",
            "a\0",
            ".",
            "..",
        ] {
            assert!(!is_plain(bad), "{bad:?}");
        }
    }

    #[test]
    fn render_is_sorted_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let files: BTreeSet<String> = ["b.json", "a/c.md"].into_iter().map(String::from).collect();
        let text = render(&files);
        assert!(text.find("a/c.md").unwrap() < text.find("b.json").unwrap());
        std::fs::write(dir.path().join(FILE_NAME), &text).unwrap();
        assert_eq!(read(dir.path()).unwrap(), files);
    }

    #[test]
    fn tampered_entries_are_errors() {
        for entry in ["../x", "/etc/passwd", "a/../../b", ".evdef-manifest.json"] {
            let dir = tempfile::tempdir().unwrap();
            let text = format!(r#"{{"generator":"evdef","files":["ok.json",{entry:?}]}}"#);
            std::fs::write(dir.path().join(FILE_NAME), text).unwrap();
            let error = read(dir.path()).unwrap_err().to_string();
            assert!(error.contains("nothing was deleted"), "{entry}: {error}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn entries_under_a_symlinked_directory_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("events")).unwrap();
        std::fs::write(
            dir.path().join(FILE_NAME),
            r#"{"generator":"evdef","files":["events/a.md"]}"#,
        )
        .unwrap();
        let error = read(dir.path()).unwrap_err().to_string();
        assert!(error.contains("symlink"), "{error}");
    }
}
