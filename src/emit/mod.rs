//! Backends: pure functions from a [`Catalog`](crate::model::Catalog) to files, plus the one place that
//! writes files, atomically.

use std::io::Write;
use std::path::{Path, PathBuf};

pub mod docs;
pub mod json_schema;
pub mod resolved;
pub mod rust;
pub mod shared;
pub mod typescript;

use crate::Error;

/// A generated file, relative to the backend's output location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative path (for a single-file backend, the file name).
    pub path: PathBuf,
    /// The contents.
    pub contents: String,
}

/// Write every file under `root`, each atomically: the contents go to a temporary file in the same
/// directory, which is then renamed over the target, so an interrupted run never leaves half a file.
pub fn write_all(root: &Path, files: &[OutputFile]) -> Result<(), Error> {
    for file in files {
        write_atomic(&root.join(&file.path), file.contents.as_bytes())?;
    }
    Ok(())
}

/// Write one file atomically (temporary file in the target's directory, then rename).
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), Error> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create directory", dir, e))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io("write", path, e))?;
    tmp.write_all(contents)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| Error::io("write", path, e))?;
    // Temporary files are created private (0600); a generated file is read by other tools and users, so
    // it gets the target's mode if it exists, else the usual 0644.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io("write", path, e))?;
    }
    tmp.persist(path)
        .map_err(|e| Error::io("write", path, e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_all_creates_directories_and_replaces_files() {
        let dir = tempfile::tempdir().unwrap();
        let files = vec![OutputFile {
            path: "a/b.txt".into(),
            contents: "one".into(),
        }];
        write_all(dir.path(), &files).unwrap();
        write_all(
            dir.path(),
            &[OutputFile {
                path: "a/b.txt".into(),
                contents: "two".into(),
            }],
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a/b.txt")).unwrap(),
            "two"
        );
        assert_eq!(
            std::fs::read_dir(dir.path().join("a")).unwrap().count(),
            1,
            "no temp file left"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("a/b.txt"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(
                mode & 0o777,
                0o644,
                "generated files are readable by everyone"
            );
        }
    }
}
