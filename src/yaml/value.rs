//! Converting a YAML node to JSON (for `examples:` and enum values), with merge keys applied. The run's
//! expansion budget ([`super::budget`]), checked before, bounds the nodes produced.

use serde_json::{Map, Number, Value};

use super::merge::Merger;
use super::node::{NodeId, NodeKind, Scalar};
use crate::diagnostics::Diagnostic;

/// The JSON value of a node: plain scalars are typed by the YAML 1.2 core schema (`true`, `12`, `1.5`,
/// `null`), quoted scalars are strings, merge keys are applied.
pub fn to_json(
    merger: &mut Merger<'_>,
    id: NodeId,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Value> {
    convert(merger, id, diagnostics)
}

fn convert(
    merger: &mut Merger<'_>,
    id: NodeId,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Value> {
    let tree = merger.tree();
    let node = tree.resolved(id);
    match &node.kind {
        NodeKind::Scalar(s) => Some(scalar(s)),
        NodeKind::Alias { .. } => None,
        NodeKind::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for &item in items {
                out.push(convert(merger, item, diagnostics)?);
            }
            Some(Value::Array(out))
        }
        NodeKind::Mapping(_) => {
            let merged = merger.mapping(id, diagnostics)?;
            let mut out = Map::new();
            for entry in &merged.entries {
                out.insert(
                    String::from(&*entry.key),
                    convert(merger, entry.value, diagnostics)?,
                );
            }
            Some(Value::Object(out))
        }
    }
}

/// A scalar's JSON value under the YAML 1.2 core schema.
pub fn scalar(s: &Scalar) -> Value {
    if let Some(tag) = &s.tag {
        return match tag.strip_prefix("tag:yaml.org,2002:") {
            Some("str") => Value::String(String::from(&*s.value)),
            Some("null") => Value::Null,
            Some("bool") => core(&s.value)
                .filter(Value::is_boolean)
                .unwrap_or(Value::String(String::from(&*s.value))),
            Some("int" | "float") => core(&s.value)
                .filter(Value::is_number)
                .unwrap_or(Value::String(String::from(&*s.value))),
            _ => Value::String(String::from(&*s.value)),
        };
    }
    if !s.plain {
        return Value::String(String::from(&*s.value));
    }
    core(&s.value).unwrap_or_else(|| Value::String(String::from(&*s.value)))
}

/// Core-schema resolution of a plain scalar; `None` means "a string".
fn core(text: &str) -> Option<Value> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        let clean = text.strip_prefix('+').unwrap_or(text);
        if let Ok(i) = clean.parse::<i64>() {
            return Some(Value::Number(i.into()));
        }
        if let Ok(u) = clean.parse::<u64>() {
            return Some(Value::Number(u.into()));
        }
    }
    if let Some(hex) = text.strip_prefix("0x")
        && let Ok(i) = i64::from_str_radix(hex, 16)
    {
        return Some(Value::Number(i.into()));
    }
    if let Some(oct) = text.strip_prefix("0o")
        && let Ok(i) = i64::from_str_radix(oct, 8)
    {
        return Some(Value::Number(i.into()));
    }
    let looks_float = digits.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && digits
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'.');
    if looks_float && let Ok(f) = text.parse::<f64>() {
        return Number::from_f64(f).map(Value::Number);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_follow_the_core_schema() {
        let cases: [(&str, Value); 10] = [
            ("12", Value::from(12)),
            ("-3", Value::from(-3)),
            ("1.5", Value::from(1.5)),
            ("1e3", Value::from(1000.0)),
            ("true", Value::Bool(true)),
            ("null", Value::Null),
            ("~", Value::Null),
            ("yes", Value::from("yes")),
            ("12abc", Value::from("12abc")),
            ("0x1f", Value::from(31)),
        ];
        for (text, expected) in cases {
            let s = Scalar {
                value: text.into(),
                plain: true,
                tag: None,
            };
            assert_eq!(scalar(&s), expected, "{text}");
        }
        let quoted = Scalar {
            value: "12".into(),
            plain: false,
            tag: None,
        };
        assert_eq!(scalar(&quoted), Value::from("12"));
    }
}
