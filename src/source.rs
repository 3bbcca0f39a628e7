//! Source files and byte spans: the first stage of the pipeline keeps every position as a byte range
//! into a [`SourceFile`]; line and column are derived only when something is rendered.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

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
    /// Built on the first column asked for on a long line (see [`CharIndex`]).
    chars: OnceLock<CharIndex>,
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
            chars: OnceLock::new(),
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
        let chars = CharIndex::between(&self.text, &self.chars, start, offset).0;
        LineCol {
            line: line + 1,
            column: chars + 1,
        }
    }

    /// The number of characters (Unicode scalar values) before a byte offset (clamped to the text, moved
    /// back to a character boundary).
    pub fn char_offset(&self, offset: usize) -> usize {
        CharIndex::between(&self.text, &self.chars, 0, offset).0
    }

    /// The byte range of the line that holds `offset` (clamped to the text), without its `\n`.
    pub fn line_range(&self, offset: usize) -> std::ops::Range<usize> {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |next| next - 1);
        self.line_starts[line]..end
    }

    /// The byte range of the lines around `range` (up to `context` lines before and after, whole lines,
    /// none longer than `longest` bytes: a context line is only there to help read the snippet), and the
    /// 0-based number of its first line: what a snippet of `range` needs, found by binary search so that
    /// rendering many diagnostics of one large file stays linear.
    pub fn window(
        &self,
        range: std::ops::Range<usize>,
        context: usize,
        longest: usize,
    ) -> (std::ops::Range<usize>, usize) {
        let len = self.text.len();
        let line_of = |offset: usize| match self.line_starts.binary_search(&offset.min(len)) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let line_len = |line: usize| {
            let end = self.line_starts.get(line + 1).map_or(len, |next| next - 1);
            end - self.line_starts[line]
        };
        let (from, to) = (line_of(range.start), line_of(range.end));
        let mut first = from;
        while first > 0 && from - first < context && line_len(first - 1) <= longest {
            first -= 1;
        }
        let mut last = to;
        while last + 1 < self.line_starts.len()
            && last - to < context
            && line_len(last + 1) <= longest
        {
            last += 1;
        }
        let end = self.line_starts.get(last + 1).copied().unwrap_or(len);
        (self.line_starts[first]..end, first)
    }

    /// The text a span covers (empty when the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}

/// How many characters and UTF-16 code units come before every [`CharIndex::STRIDE`]-th byte of a text, so
/// that a column far into a long line (a whole file written as one flow mapping, say) costs at most a
/// stride's count instead of one from the line's start: with a diagnostic on each of its entries, counting
/// from the start made rendering grow with the square of the line.
#[derive(Debug, Clone, Default)]
pub struct CharIndex {
    /// (characters, UTF-16 units) before byte `i * STRIDE`.
    marks: Vec<(usize, usize)>,
}

impl CharIndex {
    /// Bytes between two marks.
    pub const STRIDE: usize = 1024;

    /// Index a text.
    pub fn new(text: &str) -> Self {
        let mut marks = Vec::with_capacity(text.len() / Self::STRIDE + 1);
        let mut at = (0, 0);
        marks.push(at);
        for chunk in text.as_bytes().chunks_exact(Self::STRIDE) {
            let (chars, units) = counts(chunk);
            at = (at.0 + chars, at.1 + units);
            marks.push(at);
        }
        CharIndex { marks }
    }

    /// (characters, UTF-16 units) of `text[..offset]`, `offset` a character boundary.
    fn before(&self, text: &str, offset: usize) -> (usize, usize) {
        let mark = (offset / Self::STRIDE).min(self.marks.len() - 1);
        let (chars, units) = counts(&text.as_bytes()[mark * Self::STRIDE..offset]);
        (self.marks[mark].0 + chars, self.marks[mark].1 + units)
    }

    /// (characters, UTF-16 units) from byte `from` (a character boundary) to byte `to` (clamped to the
    /// text, moved back to a character boundary): counted directly when near, through the index, built
    /// once in `index`, when far.
    pub fn between(
        text: &str,
        index: &OnceLock<CharIndex>,
        from: usize,
        to: usize,
    ) -> (usize, usize) {
        let mut to = to.min(text.len());
        while !text.is_char_boundary(to) {
            to -= 1;
        }
        let from = from.min(to);
        if to - from <= 2 * Self::STRIDE {
            return counts(&text.as_bytes()[from..to]);
        }
        let index = index.get_or_init(|| CharIndex::new(text));
        let (end, start) = (index.before(text, to), index.before(text, from));
        (end.0 - start.0, end.1 - start.1)
    }
}

/// (characters, UTF-16 units) in UTF-8 bytes: a character starts at every byte that is not a continuation
/// byte, and those of four bytes (lead byte `0xF0` or above) take two UTF-16 units.
fn counts(bytes: &[u8]) -> (usize, usize) {
    let chars = bytes.iter().filter(|&&b| (b as i8) >= -0x40).count();
    let wide = bytes.iter().filter(|&&b| b >= 0xF0).count();
    (chars, chars + wide)
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
                    chars: f.chars.clone(),
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

    /// Columns, character offsets and line ranges through the index agree with counting from the start,
    /// on texts of short lines and of lines many strides long, in ASCII and in characters of two, three
    /// and four bytes, at every kind of offset: on a character, inside one, at a line's end, past the text.
    #[test]
    fn columns_far_into_long_lines_count_as_from_the_start() {
        let mut rng = crate::testing::Rng(0xc01_u64 << 20 | 7);
        for case in 0..200 {
            let mut text = String::new();
            let pieces = ["a", "é", "€", "😀", "\n", "bc: d"];
            let long = rng.chance(60);
            for _ in 0..rng.below(if long { 6000 } else { 300 }) {
                let piece = rng.pick(&pieces);
                // Long texts keep their lines long: few newlines.
                if piece == "\n" && long && !rng.chance(2) {
                    continue;
                }
                text.push_str(piece);
            }
            let file = SourceFile::new("t.yaml", "t.yaml", text.as_str());
            for _ in 0..60 {
                let offset = rng.below(text.len() + 3);
                let clamped = offset.min(text.len());
                let boundary = (0..=clamped)
                    .rev()
                    .find(|&o| text.is_char_boundary(o))
                    .unwrap();
                let bytes = text.as_bytes();
                let line_start = bytes[..clamped]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |i| i + 1);
                let line_end = (bytes[clamped..].iter().position(|&b| b == b'\n'))
                    .map_or(text.len(), |i| clamped + i);
                let column = text[line_start..boundary].chars().count() + 1;
                let line = bytes[..clamped].iter().filter(|&&b| b == b'\n').count() + 1;
                let at = format!("case {case}, offset {offset} of {}", text.len());
                assert_eq!(file.line_col(offset), LineCol { line, column }, "{at}");
                assert_eq!(
                    file.char_offset(offset),
                    text[..boundary].chars().count(),
                    "{at}"
                );
                assert_eq!(file.line_range(offset), line_start..line_end, "{at}");
                let units: usize = text[line_start..boundary]
                    .chars()
                    .map(char::len_utf16)
                    .sum();
                let index = OnceLock::new();
                assert_eq!(
                    CharIndex::between(&text, &index, line_start, offset),
                    (column - 1, units),
                    "{at}"
                );
            }
        }
    }

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
