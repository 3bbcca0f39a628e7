//! Finding and reading definitions files: directories are walked recursively and sorted by path; a file
//! that is not UTF-8 is still loaded (lossily) so its diagnostic can show where the bad byte is.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::Error;
use crate::diagnostics::Diagnostic;
use crate::source::{SourceFile, SourceMap, Span};

/// Whether a path names a definitions file (`*.yaml`, `*.yml`).
pub fn is_definitions_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// Every definitions file under `paths`, each directory sorted by path, duplicates removed.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::PathNotFound(path.clone()),
            _ => Error::io("read", path, e),
        })?;
        if meta.is_file() {
            files.push(path.clone());
            continue;
        }
        let mut found = Vec::new();
        let walker = walkdir::WalkDir::new(path)
            .sort_by_file_name()
            .into_iter()
            // Hidden directories (`.git`) are never definitions; the root itself may be `.`.
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker {
            let entry = entry.map_err(|e| {
                let p = e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| path.clone());
                Error::io("read", p, e.into())
            })?;
            if entry.file_type().is_file() && is_definitions_file(entry.path()) {
                found.push(entry.into_path());
            }
        }
        if found.is_empty() {
            return Err(Error::NoDefinitions(path.clone()));
        }
        found.sort();
        files.extend(found);
    }
    // The same file named twice, or under two spellings (`a.yaml`, `./a.yaml`, a directory and a file
    // in it), is read once, under its first spelling.
    // The spellings are resolved in parallel (a few system calls each), then kept in order.
    let canonical: Vec<PathBuf> = files
        .par_iter()
        .map(|f| f.canonicalize().unwrap_or_else(|_| f.clone()))
        .collect();
    let mut seen = std::collections::HashSet::new();
    let mut first = canonical.into_iter().map(|c| seen.insert(c));
    files.retain(|_| first.next().unwrap_or(true));
    Ok(files)
}

/// Read files into a [`SourceMap`]. A file that is not valid UTF-8 gets an `invalid-utf8` diagnostic at the
/// first bad byte and is returned in `unreadable` so later stages skip it.
pub fn read(
    files: &[PathBuf],
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(SourceMap, Vec<bool>), Error> {
    let cwd = std::env::current_dir().unwrap_or_default();
    // Each file is read, decoded and indexed on its own, in parallel; they are then added in order, and a
    // read error is the first in that order, as if they had been read one after the other.
    let loaded: Vec<Result<(SourceFile, Option<usize>), Error>> = files
        .par_iter()
        .map(|path| {
            let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
            let name = crate::source::display_name(path, &cwd);
            Ok(match String::from_utf8(bytes) {
                Ok(text) => (SourceFile::new(name, path, text), None),
                Err(e) => {
                    let at = e.utf8_error().valid_up_to();
                    let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                    (SourceFile::new(name, path, text), Some(at))
                }
            })
        })
        .collect();
    let mut sources = SourceMap::new();
    let mut parseable = Vec::with_capacity(files.len());
    for (path, file) in files.iter().zip(loaded) {
        let (file, invalid_at) = file?;
        let id = sources.add(file);
        if let Some(at) = invalid_at {
            diagnostics.push(
                Diagnostic::error(
                    "invalid-utf8",
                    format!("`{}` is not valid UTF-8", path.display()),
                    Span::new(id, at..at + 1),
                )
                .with_label("invalid byte here")
                .with_help("definitions files must be UTF-8; re-save the file as UTF-8"),
            );
        }
        parseable.push(invalid_at.is_none());
    }
    Ok((sources, parseable))
}
