//! Native checks for the formats `emit json-schema` writes (`uuid`, `date`, `date-time`, `email`, `uri`),
//! so the fast path does not hand every such string to a `jsonschema` validator. Each check only ever
//! says "`jsonschema` accepts this string too" (`true`) or "not decided here" (`false`); on `false` the
//! caller asks `jsonschema`'s own format checker, so a verdict can never differ from the slow path's.
//! `uuid`, `date` and `date-time` follow `jsonschema` 0.60's checkers exactly; `email` and `uri` accept
//! only the common ASCII shapes and leave anything unusual to `jsonschema`. The unit tests below compare
//! every check with `jsonschema` on generated and hand-picked strings.

/// A format the fast path checks itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    /// `uuid`: the hyphenated form `8-4-4-4-12` of hex digits, either case.
    Uuid,
    /// `date`: RFC 3339 `full-date`, day checked against the month and leap years.
    Date,
    /// `date-time`: RFC 3339 `date-time`, leap seconds only at 23:59 UTC.
    DateTime,
    /// `email`: a dot-atom of common characters `@` a host name of ASCII labels.
    Email,
    /// `uri`: an absolute URI without a bracketed IP literal.
    Uri,
}

impl Format {
    /// The format named `name`, when the fast path checks it.
    pub fn from_name(name: &str) -> Option<Format> {
        Some(match name {
            "uuid" => Format::Uuid,
            "date" => Format::Date,
            "date-time" => Format::DateTime,
            "email" => Format::Email,
            "uri" => Format::Uri,
            _ => return None,
        })
    }

    /// `true` when `jsonschema`'s checker for this format accepts `s`; `false` when it rejects it or when
    /// the string is left to it.
    #[inline]
    pub fn accepts(self, s: &str) -> bool {
        let b = s.as_bytes();
        match self {
            Format::Uuid => uuid(b),
            Format::Date => date(b),
            Format::DateTime => date_time(b),
            Format::Email => email(b),
            Format::Uri => uri(b),
        }
    }
}

/// Hex digits, either case.
const HEX: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_hexdigit();
        b += 1;
    }
    table
};

/// `8-4-4-4-12` hex digits. Every byte is looked up and the answers and-ed without branching (a `uuid`
/// field is on most lines; the short-circuit version was 5% of a `--jobs 2` profile).
fn uuid(b: &[u8]) -> bool {
    let Ok(b) = <&[u8; 36]>::try_from(b) else {
        return false;
    };
    let mut ok = true;
    for (i, &c) in b.iter().enumerate() {
        let dash = matches!(i, 8 | 13 | 18 | 23);
        ok &= if dash { c == b'-' } else { HEX[c as usize] };
    }
    ok
}

fn two_digits(b: &[u8]) -> Option<u8> {
    match b {
        [a @ b'0'..=b'9', c @ b'0'..=b'9'] => Some((a - b'0') * 10 + (c - b'0')),
        _ => None,
    }
}

fn date(b: &[u8]) -> bool {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(hi), Some(lo)) = (two_digits(&b[0..2]), two_digits(&b[2..4])) else {
        return false;
    };
    let year = u16::from(hi) * 100 + u16::from(lo);
    let (Some(month), Some(day)) = (two_digits(&b[5..7]), two_digits(&b[8..10])) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// `jsonschema` splits at the first `T` or `t` anywhere in the string.
fn date_time(b: &[u8]) -> bool {
    match b.iter().position(|&c| c == b'T' || c == b't') {
        Some(t) => date(&b[..t]) && time(&b[t + 1..]),
        None => false,
    }
}

fn time(b: &[u8]) -> bool {
    if b.len() < 9 || b[2] != b':' || b[5] != b':' {
        return false;
    }
    let (Some(hour), Some(minute), Some(second)) = (
        two_digits(&b[0..2]),
        two_digits(&b[3..5]),
        two_digits(&b[6..8]),
    ) else {
        return false;
    };
    if hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    let mut i = 8;
    if b.get(i) == Some(&b'.') {
        let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return false;
        }
        i += 1 + digits;
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i == b.len() - 1 && (second != 60 || (hour == 23 && minute == 59)),
        Some(&sign @ (b'+' | b'-')) => {
            let offset = &b[i + 1..];
            if offset.len() != 5 || offset[2] != b':' {
                return false;
            }
            let (Some(oh), Some(om)) = (two_digits(&offset[0..2]), two_digits(&offset[3..5]))
            else {
                return false;
            };
            if oh > 23 || om > 59 {
                return false;
            }
            if second != 60 {
                return true;
            }
            // A leap second must fall on 23:59 UTC.
            let local = i32::from(hour) * 60 + i32::from(minute);
            let offset = i32::from(oh) * 60 + i32::from(om);
            let utc = if sign == b'+' {
                local - offset
            } else {
                local + offset
            };
            utc.rem_euclid(24 * 60) == 23 * 60 + 59
        }
        _ => false,
    }
}

/// Byte classes of an address: [`ALNUM`], [`LOCAL`] (`_ + - %`, accepted in the local part; `-` also
/// inside a domain label), `.`, `@`; 0 for anything left to `jsonschema`.
const EMAIL_CLASS: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = if c.is_ascii_alphanumeric() {
            ALNUM
        } else if matches!(c, b'_' | b'+' | b'-' | b'%') {
            LOCAL
        } else if c == b'.' {
            DOT
        } else if c == b'@' {
            AT
        } else {
            0
        };
        b += 1;
    }
    table
};
const ALNUM: u8 = 1;
const LOCAL: u8 = 2;
const DOT: u8 = 3;
const AT: u8 = 4;

/// `local@domain` with a dot-atom local part of at most 64 common ASCII characters (letters, digits,
/// `_ + - %`), and a domain of at most 253 bytes whose labels are letters, digits and inner hyphens (no
/// `xn--`-style label, which `jsonschema` decodes as Punycode). One pass, one table lookup a byte: an
/// email field is on most lines of a typical log.
fn email(b: &[u8]) -> bool {
    let mut i = 0;
    // The local part: atoms of local characters between single dots.
    let mut atom = 0usize;
    loop {
        match EMAIL_CLASS[*b.get(i).unwrap_or(&0) as usize] {
            ALNUM | LOCAL => atom += 1,
            DOT if atom > 0 => atom = 0,
            AT if atom > 0 => break,
            _ => return false,
        }
        i += 1;
    }
    let domain = &b[i + 1..];
    if i > 64 || domain.is_empty() || domain.len() > 253 {
        return false;
    }
    domain.split(|&c| c == b'.').all(label)
}

fn label(l: &[u8]) -> bool {
    let (Some(&first), Some(&last)) = (l.first(), l.last()) else {
        return false;
    };
    l.len() <= 63
        && EMAIL_CLASS[first as usize] == ALNUM
        && EMAIL_CLASS[last as usize] == ALNUM
        && l.iter()
            .all(|&c| EMAIL_CLASS[c as usize] == ALNUM || c == b'-')
        && !(l.len() >= 4 && l[2] == b'-' && l[3] == b'-')
}

/// Bytes of a URI accepted after its scheme: RFC 3986 `unreserved`, `sub-delims`, `:`, `@`, `/`, `?`
/// (no `%`, `#`, `[` or `]`, which are left to `jsonschema`).
const URI_CHARS: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'@'
                    | b'/'
                    | b'?'
            );
        b += 1;
    }
    table
};

/// `scheme:rest` where `rest` has only [`URI_CHARS`]; with an authority (`//`), its host is a run of
/// letters, digits, `-`, `.`, `_`, `~` and an optional port of digits, with no user info.
fn uri(b: &[u8]) -> bool {
    let Some(colon) = b.iter().position(|&c| c == b':') else {
        return false;
    };
    let scheme = &b[..colon];
    let scheme_ok = scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && scheme
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'));
    let rest = &b[colon + 1..];
    if !scheme_ok || !rest.iter().all(|&c| URI_CHARS[usize::from(c)]) {
        return false;
    }
    let Some(after) = rest.strip_prefix(b"//") else {
        return true;
    };
    let end = after
        .iter()
        .position(|&c| matches!(c, b'/' | b'?'))
        .unwrap_or(after.len());
    let authority = &after[..end];
    let host_end = authority
        .iter()
        .position(|&c| c == b':')
        .unwrap_or(authority.len());
    authority[..host_end]
        .iter()
        .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~'))
        && authority[host_end..].iter().skip(1).all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests;
