//! The tokenizer of the fast path: a cursor over one line's bytes that checks the JSON grammar exactly as
//! `serde_json` accepts it (RFC 8259, no extensions) while it moves, and never builds a value. It answers
//! "not sure" (`None` / `false`) on anything it does not decide itself, such as a lone surrogate escape or
//! nesting deeper than [`MAX_DEPTH`]; the slow path then gives the verdict.

/// Deepest nesting the fast path follows. `serde_json` refuses more than 128 levels; below this bound the
/// two cannot disagree, above it the slow path decides.
pub(super) const MAX_DEPTH: u32 = 100;

/// A string token: the bytes between its quotes, and whether they hold an escape.
#[derive(Debug, Clone, Copy)]
pub(super) struct RawStr {
    /// Offset of the first byte after the opening quote.
    pub start: usize,
    /// Offset of the closing quote.
    pub end: usize,
    /// Whether a backslash occurs (the text then needs decoding).
    pub escaped: bool,
}

/// A number token.
#[derive(Debug, Clone, Copy)]
pub(super) struct RawNum {
    /// Offset of the first byte (a digit or `-`).
    pub start: usize,
    /// Offset after the last byte.
    pub end: usize,
    /// No fraction and no exponent.
    pub integral: bool,
    /// An exponent (`e` or `E`).
    pub exponent: bool,
}

/// Bytes that end the quick run inside a string: the closing quote, a backslash, or a control character
/// (which JSON forbids unescaped).
const STOP: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// The offset of the first byte at or after `i` that ends a quick run ([`STOP`]), or `bytes.len()`. Eight
/// bytes at a time while they last (the classic "has a zero byte" word tests), then byte by byte.
#[inline]
fn quick_run(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        let quote = x ^ (ONES * u64::from(b'"'));
        let backslash = x ^ (ONES * u64::from(b'\\'));
        // A byte below 0x20, a `"` or a `\` sets its high bit here; a set bit may also follow a true
        // hit (borrows run upwards), so the first set bit always marks a real stop byte.
        let hits = (x.wrapping_sub(ONES * 0x20) & !x)
            | (quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash);
        let hits = hits & HIGHS;
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && !STOP[bytes[i] as usize] {
        i += 1;
    }
    i
}

/// A position in one line.
#[derive(Debug, Clone)]
pub(super) struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Cursor { bytes, pos: 0 }
    }

    /// The byte offset of the cursor.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Skip JSON whitespace (space, tab, line feed, carriage return; nothing else, not even a BOM).
    #[inline]
    pub fn ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    /// The next byte, without moving.
    #[inline]
    pub fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Skip whitespace, then consume `b` if it is next.
    #[inline]
    pub fn eat(&mut self, b: u8) -> bool {
        self.ws();
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Whether only whitespace is left.
    pub fn at_end(&mut self) -> bool {
        self.ws();
        self.pos == self.bytes.len()
    }

    /// Consume `true`, `false` or `null` (the cursor is on its first byte).
    #[inline]
    pub fn literal(&mut self, word: &[u8]) -> bool {
        if self.bytes[self.pos..].starts_with(word) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    /// Consume a string (the cursor is on its opening quote). `None` when it is malformed or holds an
    /// escaped surrogate that is not a proper pair.
    #[inline]
    pub fn string(&mut self) -> Option<RawStr> {
        let start = self.pos + 1;
        let mut i = start;
        let mut escaped = false;
        loop {
            i = quick_run(self.bytes, i);
            match self.bytes.get(i)? {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    i = self.escape(i + 1)?;
                }
                _ => return None,
            }
        }
        self.pos = i + 1;
        Some(RawStr {
            start,
            end: i,
            escaped,
        })
    }

    /// Check the escape whose letter is at `i`; the offset after it.
    fn escape(&self, i: usize) -> Option<usize> {
        match self.bytes.get(i)? {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(i + 1),
            b'u' => {
                let unit = hex4(self.bytes.get(i + 1..i + 5)?)?;
                match unit {
                    0xD800..=0xDBFF => {
                        // Only a pair is a code point; `serde_json` refuses a lone half.
                        if self.bytes.get(i + 5..i + 7)? != b"\\u" {
                            return None;
                        }
                        let low = hex4(self.bytes.get(i + 7..i + 11)?)?;
                        (0xDC00..=0xDFFF).contains(&low).then_some(i + 11)
                    }
                    0xDC00..=0xDFFF => None,
                    _ => Some(i + 5),
                }
            }
            _ => None,
        }
    }

    /// Consume a number (the cursor is on `-` or a digit), with JSON's grammar: no leading zeros, no `+`,
    /// digits on both sides of the point.
    #[inline]
    pub fn number(&mut self) -> Option<RawNum> {
        let start = self.pos;
        let b = self.bytes;
        let mut i = start;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i)? {
            b'0' => i += 1,
            b'1'..=b'9' => i = digits(b, i + 1),
            _ => return None,
        }
        let mut integral = true;
        let mut exponent = false;
        if b.get(i) == Some(&b'.') {
            integral = false;
            let after = digits(b, i + 1);
            if after == i + 1 {
                return None;
            }
            i = after;
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            integral = false;
            exponent = true;
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let after = digits(b, i);
            if after == i {
                return None;
            }
            i = after;
        }
        self.pos = i;
        Some(RawNum {
            start,
            end: i,
            integral,
            exponent,
        })
    }

    /// Consume any JSON value, checking only its grammar. `depth` is the nesting of the value's parent.
    pub fn skip_value(&mut self, depth: u32) -> bool {
        self.ws();
        match self.peek() {
            Some(b'"') => self.string().is_some(),
            Some(b'{') => self.skip_object(depth + 1),
            Some(b'[') => self.skip_array(depth + 1),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(b'-' | b'0'..=b'9') => self
                .number()
                .is_some_and(|n| number_in_range(self.bytes, n)),
            _ => false,
        }
    }

    fn skip_object(&mut self, depth: u32) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        self.pos += 1;
        if self.eat(b'}') {
            return true;
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') || self.string().is_none() || !self.eat(b':') {
                return false;
            }
            if !self.skip_value(depth) {
                return false;
            }
            if self.eat(b',') {
                continue;
            }
            return self.eat(b'}');
        }
    }

    fn skip_array(&mut self, depth: u32) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        self.pos += 1;
        if self.eat(b']') {
            return true;
        }
        loop {
            if !self.skip_value(depth) {
                return false;
            }
            if self.eat(b',') {
                continue;
            }
            return self.eat(b']');
        }
    }
}

/// The offset after a run of ASCII digits starting at `i`.
#[inline]
fn digits(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b'0'..=b'9')) {
        i += 1;
    }
    i
}

fn hex4(h: &[u8]) -> Option<u32> {
    let mut v = 0;
    for &c in h {
        v = v * 16 + (c as char).to_digit(16)?;
    }
    Some(v)
}

/// Whether `serde_json` reads this number token without "number out of range": integers always are
/// (past 64 bits they become floats), and so is a float whose exponent stays far from `f64`'s limits.
/// Near the limits `serde_json` itself is asked.
pub(super) fn number_in_range(bytes: &[u8], n: RawNum) -> bool {
    let token = &bytes[n.start..n.end];
    if n.integral {
        return token.len() <= 300
            || std::str::from_utf8(token).is_ok_and(|t| t.parse::<serde_json::Number>().is_ok());
    }
    // A fraction without an exponent and with at most 280 digits before its point (the common `12.5`).
    if !n.exponent && token.len() <= 280 {
        return true;
    }
    let (mantissa, exponent) = match token.iter().position(|&c| c == b'e' || c == b'E') {
        Some(e) => (
            &token[..e],
            std::str::from_utf8(&token[e + 1..])
                .ok()
                .and_then(|x| x.parse::<i64>().ok()),
        ),
        None => (token, Some(0)),
    };
    let Some(exponent) = exponent else {
        return false;
    };
    // The decimal exponent of the value is about (digits before the point) + exponent.
    let int_digits = mantissa
        .iter()
        .take_while(|&&c| c != b'.')
        .filter(|c| c.is_ascii_digit())
        .count() as i64;
    let magnitude = int_digits + exponent;
    (-280..=280).contains(&magnitude)
        || mantissa.iter().all(|&c| matches!(c, b'0' | b'.' | b'-'))
        || std::str::from_utf8(token).is_ok_and(|t| t.parse::<serde_json::Number>().is_ok())
}

/// Decode the text of a string token that holds escapes into `out` (the token was checked by
/// [`Cursor::string`], so every escape is well-formed and surrogates come in pairs).
pub(super) fn decode(raw: &[u8], out: &mut String) -> Option<()> {
    out.clear();
    let mut i = 0;
    while i < raw.len() {
        let run = raw[i..]
            .iter()
            .position(|&c| c == b'\\')
            .unwrap_or(raw.len() - i);
        out.push_str(std::str::from_utf8(&raw[i..i + run]).ok()?);
        i += run;
        if i >= raw.len() {
            break;
        }
        let c = match raw.get(i + 1)? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = hex4(raw.get(i + 2..i + 6)?)?;
                if (0xD800..=0xDBFF).contains(&unit) {
                    let low = hex4(raw.get(i + 8..i + 12)?)?;
                    i += 6;
                    char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))?
                } else {
                    char::from_u32(unit)?
                }
            }
            _ => return None,
        };
        i += if raw[i + 1] == b'u' { 6 } else { 2 };
        out.push(c);
    }
    Some(())
}

/// `a == b`, inlined for the short strings of keys, names and enum values: two overlapping 8-byte (or
/// 4-byte) loads a side instead of a call to `memcmp` (8% of a `--jobs 1` profile, most of it comparing
/// a key with its guessed property name).
#[inline]
pub(super) fn short_eq(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word8 = |s: &[u8], at: usize| {
        s.get(at..at + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            .map(u64::from_le_bytes)
    };
    let word4 = |s: &[u8], at: usize| {
        s.get(at..at + 4)
            .and_then(|w| <[u8; 4]>::try_from(w).ok())
            .map(u32::from_le_bytes)
    };
    match n {
        0..4 => a == b,
        4..8 => word4(a, 0) == word4(b, 0) && word4(a, n - 4) == word4(b, n - 4),
        8..=16 => word8(a, 0) == word8(b, 0) && word8(a, n - 8) == word8(b, n - 8),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_run_stops_where_the_table_says() {
        // Every stop byte among plain, non-ASCII and near-miss bytes, at every offset of lines of every length.
        let fill = [
            b'a', 0xC3, 0xA9, 0x7F, 0x80, 0xFF, b'!', b'#', b'[', b']', 0x21, 0x5B, 0x5D,
        ];
        let stops = [b'"', b'\\', 0x00, 0x1F, b'\n'];
        for len in 0..24 {
            for &f in &fill {
                let plain = vec![f; len];
                assert_eq!(quick_run(&plain, 0), len);
                for at in 0..len {
                    for &stop in &stops {
                        let mut bytes = plain.clone();
                        bytes[at] = stop;
                        if at + 1 < len {
                            bytes[at + 1] = stop;
                        }
                        for from in 0..=at {
                            assert_eq!(quick_run(&bytes, from), at, "{bytes:?} from {from}");
                        }
                    }
                }
            }
        }
    }

    fn skips(text: &str) -> bool {
        let mut c = Cursor::new(text.as_bytes());
        c.skip_value(0) && c.at_end()
    }

    #[test]
    fn grammar_agrees_with_serde_json() {
        let cases = [
            "0",
            "-0",
            "1.5",
            "1e5",
            "1E+5",
            "-1.0e-3",
            "01",
            "1.",
            ".5",
            "-",
            "+1",
            "1e",
            "1e+",
            "\"a\"",
            "\"\\u00e9\"",
            "\"\\ud83d\\ude00\"",
            "\"\\ud83d\"",
            "\"\\ude00\"",
            "\"\\x\"",
            "\"tab\there\"",
            "[1,2]",
            "[1,]",
            "[,1]",
            "{\"a\":1}",
            "{\"a\":1,}",
            "{a:1}",
            "true",
            "tru",
            "nul",
            "null ",
            " [ ] ",
            "{}",
            "[[[]]]",
            "\u{feff}1",
            "1 2",
            "\"\\/\"",
        ];
        for text in cases {
            let serde = serde_json::from_str::<serde_json::Value>(text).is_ok();
            assert_eq!(skips(text), serde, "{text:?}");
        }
    }

    #[test]
    fn decodes_escapes_and_pairs() {
        let mut out = String::new();
        decode(br#"a\"b\u00e9\ud83d\ude00\n"#, &mut out).unwrap();
        assert_eq!(out, "a\"bé😀\n");
    }

    #[test]
    fn short_eq_is_slice_equality() {
        // Every length up to 20 (both load widths and the fallback), a difference at every offset.
        for n in 0..20usize {
            let a: Vec<u8> = (0..n as u8).map(|i| b'a' + i).collect();
            assert!(short_eq(&a, &a.clone()));
            assert!(!short_eq(&a, &a[..n.saturating_sub(1)]) || n == 0);
            for at in 0..n {
                let mut b = a.clone();
                b[at] ^= 0x20;
                assert!(!short_eq(&a, &b), "{n} {at}");
            }
        }
    }
}
