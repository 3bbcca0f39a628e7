//! Finding and reading definitions files: directories are walked recursively and sorted by path; a file
//! that is not UTF-8 is still loaded (lossily) so its diagnostic can show where the bad byte is.

use std::path::{Path, PathBuf};

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
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(f.canonicalize().unwrap_or_else(|_| f.clone())));
    Ok(files)
}

/// Read files into a [`SourceMap`]. A file that is not valid UTF-8 gets an `invalid-utf8` diagnostic at the
/// first bad byte and is returned in `unreadable` so later stages skip it.
pub fn read(
    files: &[PathBuf],
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(SourceMap, Vec<bool>), Error> {
    let mut sources = SourceMap::new();
    let mut parseable = Vec::with_capacity(files.len());
    let cwd = std::env::current_dir().unwrap_or_default();
    for path in files {
        let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
        let name = crate::source::display_name(path, &cwd);
        match String::from_utf8(bytes) {
            Ok(text) => {
                sources.add(SourceFile::new(name, path, text));
                parseable.push(true);
            }
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let id = sources.add(SourceFile::new(name, path, text));
                diagnostics.push(
                    Diagnostic::error(
                        "invalid-utf8",
                        format!("`{}` is not valid UTF-8", path.display()),
                        Span::new(id, at..at + 1),
                    )
                    .with_label("invalid byte here")
                    .with_help("definitions files must be UTF-8; re-save the file as UTF-8"),
                );
                parseable.push(false);
            }
        }
    }
    Ok((sources, parseable))
}
