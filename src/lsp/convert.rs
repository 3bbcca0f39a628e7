//! Byte offsets (evdef's spans) ↔ LSP positions (line and UTF-16 column, as LSP requires by default), in
//! one place. Offsets past the end or inside a character snap to a valid place; nothing here panics.

use lsp_types::{Position, Range};

use crate::source::{CharIndex, Span};

/// Line starts of one text, for converting in both directions.
#[derive(Debug, Clone)]
pub struct LineIndex {
    text: std::sync::Arc<str>,
    starts: Vec<usize>,
    /// Built on the first column asked for far into a long line.
    units: std::sync::OnceLock<CharIndex>,
}

impl LineIndex {
    /// Index a text.
    pub fn new(text: std::sync::Arc<str>) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex {
            text,
            starts,
            units: std::sync::OnceLock::new(),
        }
    }

    /// The text indexed.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The LSP position of a byte offset (clamped to the text, moved back to a character boundary).
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let column = CharIndex::between(&self.text, &self.units, start, offset).1;
        Position::new(to_u32(line), to_u32(column))
    }

    /// The byte offset of an LSP position: a column past the end of its line is the line's end (before
    /// the newline), a line past the end is the end of the text, a column inside a surrogate pair is the
    /// start of that character.
    pub fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .map_or(self.text.len(), |next| next - 1);
        let line = &self.text[start..end];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut units = 0usize;
        for (at, c) in line.char_indices() {
            units += c.len_utf16();
            if units > position.character as usize {
                return start + at;
            }
        }
        start + line.len()
    }

    /// The LSP range of a byte span.
    pub fn range(&self, span: Span) -> Range {
        Range::new(
            self.position(span.start as usize),
            self.position(span.end as usize),
        )
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(text: &str) -> LineIndex {
        LineIndex::new(text.into())
    }

    #[test]
    fn ascii_round_trips() {
        let i = index("a: 1\nbb: 2\n");
        assert_eq!(i.position(0), Position::new(0, 0));
        assert_eq!(i.position(5), Position::new(1, 0));
        assert_eq!(i.position(7), Position::new(1, 2));
        assert_eq!(i.offset(Position::new(1, 2)), 7);
        assert_eq!(i.position(11), Position::new(2, 0));
    }

    #[test]
    fn non_ascii_columns_count_utf16_units() {
        // `é` is 2 bytes and 1 UTF-16 unit; `😀` is 4 bytes and 2 units (a surrogate pair).
        let text = "é: x\n😀é: y\n";
        let i = index(text);
        let x = text.find('x').unwrap();
        assert_eq!(i.position(x), Position::new(0, 3));
        assert_eq!(i.offset(Position::new(0, 3)), x);
        let y = text.find('y').unwrap();
        assert_eq!(i.position(y), Position::new(1, 5));
        assert_eq!(i.offset(Position::new(1, 5)), y);
        let e2 = text.rfind('é').unwrap();
        assert_eq!(i.position(e2), Position::new(1, 2));
        assert_eq!(i.offset(Position::new(1, 2)), e2);
    }

    #[test]
    fn out_of_range_positions_snap() {
        let text = "😀a\r\nb";
        let i = index(text);
        // Inside the surrogate pair: the start of the emoji.
        assert_eq!(i.offset(Position::new(0, 1)), 0);
        // Past the line's end: before `\r\n`.
        assert_eq!(i.offset(Position::new(0, 99)), 5);
        assert_eq!(i.offset(Position::new(9, 0)), text.len());
        // Inside a multi-byte character: back to its start.
        assert_eq!(i.position(2), Position::new(0, 0));
        assert_eq!(i.position(999), Position::new(1, 1));
    }
}
