//! Walks one line with a compiled [`Node`] tree, checking while it tokenizes: nothing is built for a
//! valid line. Every function answers "proven valid" (`true`) or "not proven" (`false`); "not proven"
//! covers both invalid values and the rare cases left to the slow path (duplicate keys, floats near the
//! limits of `f64`, deep nesting).

use std::str::FromStr;

use serde_json::{Number, Value};

use super::compile::{Additional, Allowed, Node, ty};
use super::scan::{Cursor, MAX_DEPTH, RawNum, RawStr, decode, number_in_range, short_eq};

/// Per-thread buffers: decoded keys and strings, and the string handed to `jsonschema` for `pattern` and
/// `format` (kept allocated from line to line).
#[derive(Debug)]
pub(super) struct Scratch {
    key: String,
    text: String,
    value: Value,
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch {
            key: String::new(),
            text: String::new(),
            value: Value::String(String::new()),
        }
    }
}

/// The line being checked.
pub(super) struct Walk<'a, 's> {
    /// The line (valid UTF-8).
    pub text: &'a str,
    /// The cursor over it.
    pub cur: Cursor<'a>,
    /// Buffers.
    pub scratch: &'s mut Scratch,
}

impl Walk<'_, '_> {
    /// Check the value at the cursor against `node`; `depth` is the nesting of its parent.
    pub fn value(&mut self, node: &Node, depth: u32) -> bool {
        if node.is_any() {
            return self.cur.skip_value(depth);
        }
        self.cur.ws();
        match self.cur.peek() {
            Some(b'"') => match self.cur.string() {
                Some(raw) => node.types & ty::STR != 0 && self.string(node, raw),
                None => false,
            },
            Some(b'{') => node.types & ty::OBJ != 0 && self.object(node, depth + 1),
            Some(b'[') => node.types & ty::ARR != 0 && self.array(node, depth + 1),
            Some(b't') => {
                self.cur.literal(b"true")
                    && node.types & ty::BOOL != 0
                    && node.allowed.as_ref().is_none_or(|a| a.yes)
            }
            Some(b'f') => {
                self.cur.literal(b"false")
                    && node.types & ty::BOOL != 0
                    && node.allowed.as_ref().is_none_or(|a| a.no)
            }
            Some(b'n') => {
                self.cur.literal(b"null")
                    && node.types & ty::NULL != 0
                    && node.allowed.as_ref().is_none_or(|a| a.null)
            }
            Some(b'-' | b'0'..=b'9') => match self.cur.number() {
                Some(raw) => number(node, self.text.as_bytes(), raw),
                None => false,
            },
            _ => false,
        }
    }

    fn string(&mut self, node: &Node, raw: RawStr) -> bool {
        let needs_text = node.allowed.is_some()
            || node.length.is_some()
            || node.format.is_some()
            || node.string_check.is_some();
        if !needs_text {
            return true;
        }
        let scratch = &mut *self.scratch;
        let text: &str = if raw.escaped {
            if decode(&self.text.as_bytes()[raw.start..raw.end], &mut scratch.text).is_none() {
                return false;
            }
            &scratch.text
        } else {
            &self.text[raw.start..raw.end]
        };
        if let Some(allowed) = &node.allowed
            && !allowed
                .strings
                .iter()
                .any(|s| short_eq(s.as_bytes(), text.as_bytes()))
        {
            return false;
        }
        if let Some((min, max)) = node.length {
            // Lengths count code points: every byte that does not continue a UTF-8 sequence.
            let chars = text.bytes().filter(|&b| (b as i8) >= -0x40).count() as u64;
            if chars < min || chars > max {
                return false;
            }
        }
        if let Some(native) = &node.format
            && !native.format.accepts(text)
            && !string_is_valid(&native.fallback, text, &mut scratch.value)
        {
            return false;
        }
        match &node.string_check {
            Some(check) => string_is_valid(check, text, &mut scratch.value),
            None => true,
        }
    }

    fn object(&mut self, node: &Node, depth: u32) -> bool {
        let Some(rules) = node.object.as_deref() else {
            return self.cur.skip_value(depth - 1);
        };
        if depth > MAX_DEPTH {
            return false;
        }
        // Seen properties, one bit each; more than 256 declared properties take the slow path.
        let mut seen = [0u64; 4];
        if rules.required.len() > seen.len() {
            return false;
        }
        self.cur.eat(b'{');
        // The slot of the previous declared property (`props.len()` before the first).
        let mut previous = rules.props.len();
        if !self.cur.eat(b'}') {
            loop {
                self.cur.ws();
                if self.cur.peek() != Some(b'"') {
                    return false;
                }
                let Some(raw) = self.cur.string() else {
                    return false;
                };
                let found = if raw.escaped {
                    if decode(
                        &self.text.as_bytes()[raw.start..raw.end],
                        &mut self.scratch.key,
                    )
                    .is_none()
                    {
                        return false;
                    }
                    rules.index.get(self.scratch.key.as_str()).copied()
                } else {
                    rules.find(previous, &self.text[raw.start..raw.end])
                };
                if !self.cur.eat(b':') {
                    return false;
                }
                let ok = match found {
                    Some(i) => {
                        let (word, bit) = (i / 64, 1u64 << (i % 64));
                        if seen[word] & bit != 0 {
                            // A duplicate key: `serde_json` keeps the last value; the slow path decides.
                            return false;
                        }
                        seen[word] |= bit;
                        previous = i;
                        self.value(&rules.props[i].1, depth)
                    }
                    None => match &rules.additional {
                        Additional::Allow => self.cur.skip_value(depth),
                        Additional::Deny => false,
                        Additional::Schema(values) => self.value(values, depth),
                    },
                };
                if !ok {
                    return false;
                }
                if self.cur.eat(b',') {
                    continue;
                }
                if self.cur.eat(b'}') {
                    break;
                }
                return false;
            }
        }
        rules
            .required
            .iter()
            .zip(seen)
            .all(|(&required, seen)| required & seen == required)
    }

    fn array(&mut self, node: &Node, depth: u32) -> bool {
        let Some(rules) = node.array.as_deref() else {
            return self.cur.skip_value(depth - 1);
        };
        if depth > MAX_DEPTH {
            return false;
        }
        self.cur.eat(b'[');
        let mut count = 0u64;
        if !self.cur.eat(b']') {
            loop {
                let ok = match &rules.items {
                    Some(items) => self.value(items, depth),
                    None => self.cur.skip_value(depth),
                };
                if !ok {
                    return false;
                }
                count += 1;
                if self.cur.eat(b',') {
                    continue;
                }
                if self.cur.eat(b']') {
                    break;
                }
                return false;
            }
        }
        count >= rules.min && count <= rules.max
    }
}

/// `jsonschema`'s verdict on `text` as a JSON string; `buffer` keeps its allocation from call to call.
fn string_is_valid(check: &jsonschema::Validator, text: &str, buffer: &mut Value) -> bool {
    if let Value::String(s) = buffer {
        s.clear();
        s.push_str(text);
    }
    check.is_valid(buffer)
}

/// Check a number token. `integer` means a signed 64-bit integer: `1.0`, `1e2` and `-0` are integers,
/// `2^63` and `1e400` are not (a float token out of `f64`'s range is left to the slow path).
fn number(node: &Node, bytes: &[u8], raw: RawNum) -> bool {
    if !number_in_range(bytes, raw) {
        return false;
    }
    let token = &bytes[raw.start..raw.end];
    // An integral token within i64 is the common case: decided here, exactly, without a float.
    if raw.integral
        && let Some(i) = integer(token)
    {
        if node.types & (ty::INT | ty::NUM) == 0 {
            return false;
        }
        return allowed_number(node.allowed.as_ref(), || Number::from(i))
            && match &node.bounds {
                None => true,
                Some(b) if b.exact => b.min.is_none_or(|m| i >= m) && b.max.is_none_or(|m| i <= m),
                Some(b) => b.check.is_valid(&Value::Number(Number::from(i))),
            };
    }
    // A plain `number` with no `enum` or bounds takes any number `serde_json` reads: no value needed.
    if node.types & ty::NUM != 0 && node.allowed.is_none() && node.bounds.is_none() {
        return true;
    }
    // Anything else is read by `serde_json` itself, so the value is the one the slow path sees.
    let Some(n) = std::str::from_utf8(token)
        .ok()
        .and_then(|t| Number::from_str(t).ok())
    else {
        return false;
    };
    let is_integer = n.as_f64().is_some_and(|f| {
        f.fract() == 0.0 && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f)
    }) && n.as_u64().is_none_or(|u| i64::try_from(u).is_ok());
    let type_ok = if node.types & ty::NUM != 0 {
        true
    } else {
        node.types & ty::INT != 0 && is_integer
    };
    type_ok
        && allowed_number(node.allowed.as_ref(), || n.clone())
        && node
            .bounds
            .as_ref()
            .is_none_or(|b| b.check.is_valid(&Value::Number(n.clone())))
}

/// The value of an integral token (JSON grammar already checked) when it fits an `i64`. Up to 18 digits
/// cannot overflow and are summed in place; longer ones go through `str::parse`.
#[inline]
fn integer(token: &[u8]) -> Option<i64> {
    let (negative, digits) = match token.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, token),
    };
    if digits.len() > 18 {
        return std::str::from_utf8(token).ok()?.parse().ok();
    }
    let magnitude = digits
        .iter()
        .fold(0i64, |acc, &d| acc * 10 + i64::from(d - b'0'));
    Some(if negative { -magnitude } else { magnitude })
}

fn allowed_number(allowed: Option<&Allowed>, n: impl FnOnce() -> Number) -> bool {
    match allowed {
        None => true,
        Some(a) if a.numbers.is_empty() => false,
        Some(a) => {
            let n = Value::Number(n());
            a.numbers
                .iter()
                .any(|v| jsonschema::json::cmp::equal(v, &n))
        }
    }
}
