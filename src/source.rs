//! Source files and byte spans: the first stage of the pipeline keeps every position as a byte range
//! into a [`SourceFile`]; line and column are derived only when something is rendered.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Index of a file in a [`SourceMap`].
pub type FileId = u32;

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    /// The file the range belongs to.
    pub file: FileId,
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from a byte range, saturating offsets that do not fit in `u32`.
    pub fn new(file: FileId, range: std::ops::Range<usize>) -> Self {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            file,
            start: clamp(range.start),
            end: clamp(range.end.max(range.start)),
        }
    }

    /// The byte range as `usize`s.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Number of bytes covered.
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    /// Whether the span covers no byte.
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// A 1-based line and column (column counted in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct LineCol {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in Unicode scalar values.
    pub column: usize,
}

/// One loaded definitions file.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user gave it (relative paths stay relative), used in every message.
    pub name: String,
    /// The path on disk.
    pub path: PathBuf,
    /// The text. A file that is not UTF-8 is stored lossily so its diagnostics can still show a snippet.
    pub text: Arc<str>,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// A source file from its text.
    pub fn new(
        name: impl Into<String>,
        path: impl Into<PathBuf>,
        text: impl Into<Arc<str>>,
    ) -> Self {
        let text: Arc<str> = text.into();
        let line_starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect();
        SourceFile {
            name: name.into(),
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// Line and column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let mut col_end = offset;
        while !self.text.is_char_boundary(col_end) {
            col_end -= 1;
        }
        LineCol {
            line: line + 1,
            column: self.text[start..col_end].chars().count() + 1,
        }
    }

    /// The byte range of the lines around `range` (up to `context` lines before and after, whole lines),
    /// and the 0-based number of its first line: what a snippet of `range` needs, found by binary search
    /// so that rendering many diagnostics of one large file stays linear.
    pub fn window(
        &self,
        range: std::ops::Range<usize>,
        context: usize,
    ) -> (std::ops::Range<usize>, usize) {
        let len = self.text.len();
        let line_of = |offset: usize| match self.line_starts.binary_search(&offset.min(len)) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let first = line_of(range.start).saturating_sub(context);
        let last = line_of(range.end) + context + 1;
        let end = self.line_starts.get(last).copied().unwrap_or(len);
        (self.line_starts[first]..end, first)
    }

    /// The text a span covers (empty when the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}

/// Every file of one run, addressed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a file and return its id.
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId::try_from(self.files.len() - 1).expect("fewer than 4 billion definitions files")
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id as usize]
    }

    /// All files in load order.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (i as FileId, f))
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no file was loaded.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// `file:line:col` of a span's start.
    pub fn locate(&self, span: Span) -> Location {
        let file = self.get(span.file);
        let lc = file.line_col(span.start as usize);
        Location {
            file: file.name.clone(),
            line: lc.line,
            column: lc.column,
        }
    }

    /// Path of a file on disk.
    pub fn path(&self, id: FileId) -> &Path {
        &self.get(id).path
    }
}

impl SourceMap {
    /// The same files named for generated output: relative to `root` (the project root, the directory of
    /// `evdef.toml`), with `/` separators, so that what evdef writes does not depend on the machine or the
    /// checkout location. A file outside `root` is named by its file name alone. `cwd` is the directory
    /// relative paths are relative to.
    pub fn named_for_output(&self, root: &Path, cwd: &Path) -> SourceMap {
        let root = normalize(&cwd.join(root));
        let files = self
            .files
            .iter()
            .map(|f| {
                let path = normalize(&cwd.join(&f.path));
                let name = match path.strip_prefix(&root) {
                    Ok(below) => slash_path(below),
                    Err(_) => path
                        .file_name()
                        .map_or_else(|| f.name.clone(), |n| n.to_string_lossy().into_owned()),
                };
                SourceFile {
                    name,
                    path: f.path.clone(),
                    text: f.text.clone(),
                    line_starts: f.line_starts.clone(),
                }
            })
            .collect();
        SourceMap { files }
    }
}

/// How a message names `path`: relative to `cwd` when the file is under it (what CI annotations resolve
/// against the checkout), absolute otherwise.
pub fn display_name(path: &Path, cwd: &Path) -> String {
    let absolute = normalize(&cwd.join(path));
    match absolute.strip_prefix(normalize(cwd)) {
        Ok(below) if !below.as_os_str().is_empty() => below.display().to_string(),
        _ => absolute.display().to_string(),
    }
}

/// `path` with `.` and `name/..` removed, without touching the file system (symbolic links are not
/// resolved: `..` after one is taken lexically, as a shell does for `cd`).
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// A relative path with `/` between its parts on every platform.
fn slash_path(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// A rendered position: file name, 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Location {
    /// File name as given by the user.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_files_under_the_working_directory_relatively() {
        let cwd = Path::new("/work/repo");
        assert_eq!(display_name(Path::new("defs/a.yaml"), cwd), "defs/a.yaml");
        assert_eq!(
            display_name(Path::new("./defs/../defs/a.yaml"), cwd),
            "defs/a.yaml"
        );
        assert_eq!(
            display_name(Path::new("/work/repo/defs/a.yaml"), cwd),
            "defs/a.yaml"
        );
        assert_eq!(
            display_name(Path::new("../other/a.yaml"), cwd),
            "/work/other/a.yaml"
        );
        assert_eq!(
            display_name(Path::new("/elsewhere/a.yaml"), cwd),
            "/elsewhere/a.yaml"
        );
    }

    #[test]
    fn generated_output_names_files_from_the_project_root() {
        let mut map = SourceMap::new();
        map.add(SourceFile::new("x", "../defs/api/a.yaml", "a: 1\n"));
        map.add(SourceFile::new("y", "/far/b.yaml", ""));
        let named = map.named_for_output(Path::new(".."), Path::new("/checkout/sub"));
        assert_eq!(named.get(0).name, "defs/api/a.yaml");
        assert_eq!(named.get(1).name, "b.yaml");
        assert_eq!(named.get(0).line_col(3).line, 1);
    }

    #[test]
    fn line_col_counts_from_one_and_in_chars() {
        let f = SourceFile::new("a.yaml", "a.yaml", "ab\nçd: x\n");
        let cases = [
            (0, 1, 1),
            (1, 1, 2),
            (3, 2, 1),
            (5, 2, 2),
            (6, 2, 3),
            (99, 3, 1),
        ];
        for (offset, line, column) in cases {
            assert_eq!(
                f.line_col(offset),
                LineCol { line, column },
                "offset {offset}"
            );
        }
    }
}
