//! Writing files: the one module that touches the file system for outputs. Backends hand it
//! `(relative path, bytes)` as [`OutputFile`]s; it checks containment, replaces files atomically, writes
//! through what the user named (FIFO, device, symlink), keeps a manifest per output directory to remove
//! stale files, and compares without writing for `evdef build --check`.

pub mod manifest;
pub mod names;
mod pending;

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

pub use pending::Pending;

use crate::Error;

/// A generated file, relative to the backend's output location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative path (for a single-file backend, the file name). Must be plain: no root, no `..`.
    pub path: PathBuf,
    /// The contents.
    pub contents: String,
}

/// What `build --check` found for one output path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// Would be written, but is not there.
    Missing(PathBuf),
    /// Is there with other contents (or is not a regular file).
    Differs(PathBuf),
    /// Was written by an earlier run and would now be removed.
    Stale(PathBuf),
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Drift::Missing(p) => write!(f, "missing: {}", p.display()),
            Drift::Differs(p) => write!(f, "differs: {}", p.display()),
            Drift::Stale(p) => write!(f, "stale: {}", p.display()),
        }
    }
}

/// Write a file the user named (`--out FILE`): a FIFO, device, socket or symlink is written through, a
/// regular file or nothing is replaced atomically (see [`Pending::named`]).
pub fn write_named(path: &Path, contents: &[u8]) -> Result<(), Error> {
    let mut pending = Pending::named(path)?;
    pending
        .write_all(contents)
        .map_err(|e| Error::io("write", path, e))?;
    pending.commit()
}

/// Write a single output file whose path comes from configuration (`[emit.rust] out`), which a pull request
/// may change: whatever is at the path, a symlink included, is replaced atomically, never followed. A file
/// that already holds `contents` is left alone.
pub fn write_replacing(path: &Path, contents: &[u8]) -> Result<(), Error> {
    if is_same_regular_file(path, contents) {
        return Ok(());
    }
    if let Some(dir) = pending::parent(path) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("create directory", dir, e))?;
    }
    let mut pending = Pending::replace(path)?;
    pending
        .write_all(contents)
        .map_err(|e| Error::io("write", path, e))?;
    pending.commit()
}

/// Write every file under the output directory `root` (created if missing): each path must be plain and
/// relative; whatever is at an output path (regular file, symlink, FIFO) is replaced atomically, never
/// followed, and so is a symlink where a subdirectory belongs. A file already holding the same bytes is
/// left alone. New files are added to the manifest before they are written; files listed in the previous
/// manifest and not written now are removed, and the manifest then lists exactly the files written.
/// Returns the number of stale files removed.
pub fn write_dir(root: &Path, files: &[OutputFile]) -> Result<usize, Error> {
    let entries = entries(root, files)?;
    let previous = manifest::read(root)?;
    std::fs::create_dir_all(root).map_err(|e| Error::io("create directory", root, e))?;
    let written: BTreeSet<String> = entries.iter().cloned().collect();
    if !written.is_subset(&previous) {
        // Record the new files before writing them, so a run that stops half-way leaves none untracked.
        let both: BTreeSet<String> = previous.union(&written).cloned().collect();
        write_manifest(root, &both)?;
    }
    for (entry, file) in entries.iter().zip(files) {
        let path = prepare_parents(root, entry)?;
        if is_same_regular_file(&path, file.contents.as_bytes()) {
            continue;
        }
        let mut pending = Pending::replace(&path)?;
        pending
            .write_all(file.contents.as_bytes())
            .map_err(|e| Error::io("write", &path, e))?;
        pending.commit()?;
    }
    let mut removed = 0;
    for stale in previous.difference(&written) {
        removed += usize::from(remove_stale(root, stale)?);
    }
    write_manifest(root, &written)?;
    Ok(removed)
}

/// Replace the manifest of `root` (atomically, unless it already lists exactly these files).
fn write_manifest(root: &Path, files: &BTreeSet<String>) -> Result<(), Error> {
    let path = root.join(manifest::FILE_NAME);
    let text = manifest::render(files);
    if is_same_regular_file(&path, text.as_bytes()) {
        return Ok(());
    }
    let mut pending = Pending::replace(&path)?;
    pending
        .write_all(text.as_bytes())
        .map_err(|e| Error::io("write", &path, e))?;
    pending.commit()
}

/// What [`write_dir`] would change in `root`, writing nothing: missing files, files with other contents,
/// stale files of an earlier run, and the manifest itself.
pub fn check_dir(root: &Path, files: &[OutputFile]) -> Result<Vec<Drift>, Error> {
    let entries = entries(root, files)?;
    let previous = manifest::read(root)?;
    let mut drift = Vec::new();
    for (entry, file) in entries.iter().zip(files) {
        let path = root.join(entry);
        if let Some(d) = compare(root, entry, &path, file.contents.as_bytes()) {
            drift.push(d);
        }
    }
    let written: BTreeSet<String> = entries.into_iter().collect();
    for stale in previous.difference(&written) {
        let path = root.join(stale);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_dir()) {
            drift.push(Drift::Stale(path));
        }
    }
    let text = manifest::render(&written);
    let path = root.join(manifest::FILE_NAME);
    if let Some(d) = compare(root, manifest::FILE_NAME, &path, text.as_bytes()) {
        drift.push(d);
    }
    Ok(drift)
}

/// Whether the single output file [`write_replacing`] would write is up to date (`None`), missing, or
/// different (also when something other than a regular file is there: it would be replaced).
pub fn check_file(path: &Path, contents: &[u8]) -> Option<Drift> {
    match std::fs::symlink_metadata(path) {
        Err(_) => Some(Drift::Missing(path.to_path_buf())),
        Ok(_) if is_same_regular_file(path, contents) => None,
        Ok(_) => Some(Drift::Differs(path.to_path_buf())),
    }
}

/// Whether two output paths are the same file: both resolved through symlinks; a path that does not exist
/// yet is its canonical parent directory plus its file name.
pub fn same_output(a: &Path, b: &Path) -> bool {
    match (resolved(a), resolved(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a == b,
    }
}

fn resolved(path: &Path) -> Option<PathBuf> {
    if let Ok(real) = std::fs::canonicalize(path) {
        return Some(real);
    }
    let name = path.file_name()?;
    let dir = pending::parent(path).unwrap_or(Path::new("."));
    Some(std::fs::canonicalize(dir).ok()?.join(name))
}

/// The files' paths as `/`-separated manifest entries, each checked to be plain and relative, and unique.
fn entries(root: &Path, files: &[OutputFile]) -> Result<Vec<String>, Error> {
    let mut entries = Vec::with_capacity(files.len());
    let mut seen = BTreeSet::new();
    for file in files {
        let unsafe_path = |message: &str| Error::Output {
            path: root.join(&file.path),
            message: message.into(),
        };
        let mut parts = Vec::new();
        for component in file.path.components() {
            match component {
                Component::Normal(part) => match part.to_str() {
                    Some(part) => parts.push(part),
                    None => return Err(unsafe_path("the output path is not UTF-8")),
                },
                _ => {
                    return Err(unsafe_path(
                        "the output path is not a plain relative path (absolute, or `..`)",
                    ));
                }
            }
        }
        let entry = parts.join("/");
        if !manifest::is_plain(&entry) || entry == manifest::FILE_NAME {
            return Err(unsafe_path(
                "the output path is not a plain relative path inside the directory",
            ));
        }
        if !seen.insert(entry.clone()) {
            return Err(unsafe_path("two outputs have this path"));
        }
        entries.push(entry);
    }
    Ok(entries)
}

/// Make every directory between `root` and the entry a real directory: a missing one is created, a
/// symlink or special file in its place is replaced by a directory (never followed), a regular file there
/// is an error. Returns the entry's full path.
fn prepare_parents(root: &Path, entry: &str) -> Result<PathBuf, Error> {
    let mut path = root.to_path_buf();
    let mut components = entry.split('/').peekable();
    while let Some(component) = components.next() {
        path.push(component);
        if components.peek().is_none() {
            break;
        }
        let create =
            |p: &Path| std::fs::create_dir(p).map_err(|e| Error::io("create directory", p, e));
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_dir() => {}
            Ok(meta) if meta.is_file() => {
                return Err(Error::Output {
                    path,
                    message: "a file is where an output directory belongs".into(),
                });
            }
            Ok(_) => {
                std::fs::remove_file(&path).map_err(|e| Error::io("replace", &path, e))?;
                create(&path)?;
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => create(&path)?,
            Err(e) => return Err(Error::io("write", &path, e)),
        }
    }
    Ok(path)
}

/// Compare one output of a directory with what is on disk, without following symlinks anywhere under root.
fn compare(root: &Path, entry: &str, path: &Path, contents: &[u8]) -> Option<Drift> {
    let mut dir = root.to_path_buf();
    let mut parts: Vec<&str> = entry.split('/').collect();
    parts.pop();
    for part in parts {
        dir.push(part);
        match std::fs::symlink_metadata(&dir) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => return Some(Drift::Differs(path.to_path_buf())),
            Err(_) => return Some(Drift::Missing(path.to_path_buf())),
        }
    }
    match std::fs::symlink_metadata(path) {
        Err(_) => Some(Drift::Missing(path.to_path_buf())),
        Ok(_) if is_same_regular_file(path, contents) => None,
        Ok(_) => Some(Drift::Differs(path.to_path_buf())),
    }
}

/// Whether `path` is a regular file (not a symlink) holding exactly `contents`.
fn is_same_regular_file(path: &Path, contents: &[u8]) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == contents.len() as u64)
        && std::fs::read(path).is_ok_and(|bytes| bytes == contents)
}

/// Remove a file an earlier run wrote (a symlink put there is removed, not followed; a directory is left
/// alone), then its parent directories inside `root` that became empty. Returns whether a file went.
fn remove_stale(root: &Path, entry: &str) -> Result<bool, Error> {
    let path = root.join(entry);
    let removed = match std::fs::symlink_metadata(&path) {
        Ok(meta) if meta.is_dir() => false,
        Ok(_) => {
            std::fs::remove_file(&path).map_err(|e| Error::io("remove", &path, e))?;
            true
        }
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            false
        }
        Err(e) => return Err(Error::io("remove", &path, e)),
    };
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d == root || !d.starts_with(root) || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
    Ok(removed)
}

#[cfg(test)]
mod tests;
