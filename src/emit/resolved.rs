//! The resolved catalog as data (`evdef resolve`): every merge applied, every parameter with its declared
//! type name and its origin (`file:line:col`, and the fragments it was inherited through).

use serde_json::{Map, Value, json};

use crate::model::{Catalog, Event, Inherit, Parameter, Parameters, Schema, Type};
use crate::source::{SourceMap, Span};

/// The catalog as `{"events": {NAME: {...}}, "fragments": {...}}`, keys in resolved order.
pub fn to_json(catalog: &Catalog) -> Value {
    let sources = &catalog.sources;
    let events: Map<String, Value> = catalog
        .events
        .iter()
        .map(|(name, e)| (name.clone(), event(sources, e)))
        .collect();
    let fragments: Map<String, Value> = catalog
        .fragments
        .iter()
        .map(|(name, f)| {
            let mut o = Map::new();
            if let Some(a) = &f.anchor {
                o.insert("anchor".into(), json!(a));
            }
            o.insert("origin".into(), json!(location(sources, f.name_span)));
            if !f.merges.is_empty() {
                o.insert("merges".into(), json!(f.merges));
            }
            if f.is_template {
                o.insert("template".into(), json!(true));
            } else {
                o.insert("parameters".into(), parameters(sources, &f.parameters));
            }
            (name.clone(), Value::Object(o))
        })
        .collect();
    json!({ "events": events, "fragments": fragments })
}

fn event(sources: &SourceMap, e: &Event) -> Value {
    let mut o = Map::new();
    if let Some(d) = &e.description {
        o.insert("description".into(), json!(d));
    }
    for (key, value) in [
        ("owner", &e.owner),
        ("version", &e.version),
        ("deprecated", &e.deprecated),
    ] {
        if let Some(v) = value {
            o.insert(key.into(), json!(v));
        }
    }
    if !e.tags.is_empty() {
        o.insert("tags".into(), json!(e.tags));
    }
    o.insert("parameters".into(), parameters(sources, &e.parameters));
    if !e.examples.is_empty() {
        o.insert(
            "examples".into(),
            Value::Array(e.examples.iter().map(|x| x.value.clone()).collect()),
        );
    }
    o.insert("origin".into(), json!(location(sources, e.name_span)));
    Value::Object(o)
}

fn parameters(sources: &SourceMap, params: &Parameters) -> Value {
    Value::Object(
        params
            .iter()
            .map(|(name, p)| (name.to_string(), parameter(sources, p)))
            .collect(),
    )
}

fn parameter(sources: &SourceMap, p: &Parameter) -> Value {
    let mut o = schema(sources, &p.schema);
    o.insert("required".into(), json!(p.required));
    o.insert("nullable".into(), json!(p.schema.nullable));
    if let Some(d) = &p.description {
        o.insert("description".into(), json!(d));
    }
    if let Some(d) = &p.deprecated {
        o.insert("deprecated".into(), json!(d));
    }
    if let Some(pii) = p.pii {
        o.insert("pii".into(), json!(pii));
    }
    if let Some(c) = &p.classification {
        o.insert("classification".into(), json!(c));
    }
    let mut origin = Map::new();
    origin.insert("at".into(), json!(location(sources, p.key_span)));
    if p.origin.is_inherited() {
        origin.insert(
            "via".into(),
            Value::Array(p.origin.via.iter().map(|i| inherit(sources, i)).collect()),
        );
    }
    o.insert("origin".into(), Value::Object(origin));
    Value::Object(o)
}

/// `type` and constraints (shared by parameters and array items / map values).
fn schema(sources: &SourceMap, s: &Schema) -> Map<String, Value> {
    let mut o = Map::new();
    o.insert("type".into(), json!(s.ty.name()));
    match &s.ty {
        Type::Object(props) => {
            o.insert("properties".into(), parameters(sources, props));
        }
        Type::Array(items) => {
            o.insert("items".into(), item(sources, items));
        }
        Type::Map(values) => {
            o.insert("values".into(), item(sources, values));
        }
        _ => {}
    }
    let c = &s.constraints;
    if let Some(e) = &c.enumeration {
        o.insert("enum".into(), json!(e));
    }
    if let Some(p) = &c.pattern {
        o.insert("pattern".into(), json!(p));
    }
    for (k, v) in [("minimum", &c.minimum), ("maximum", &c.maximum)] {
        if let Some(v) = v {
            o.insert(k.into(), Value::Number(v.clone()));
        }
    }
    for (k, v) in [
        ("min_length", c.min_length),
        ("max_length", c.max_length),
        ("min_items", c.min_items),
        ("max_items", c.max_items),
    ] {
        if let Some(v) = v {
            o.insert(k.into(), json!(v));
        }
    }
    o
}

fn item(sources: &SourceMap, s: &Schema) -> Value {
    let mut o = schema(sources, s);
    if s.nullable {
        o.insert("nullable".into(), json!(true));
    }
    if let Some(d) = &s.description {
        o.insert("description".into(), json!(d));
    }
    Value::Object(o)
}

fn inherit(sources: &SourceMap, i: &Inherit) -> Value {
    let mut o = Map::new();
    if let Some(f) = &i.fragment {
        o.insert("fragment".into(), json!(f));
    }
    if let Some(a) = &i.anchor_name {
        o.insert("anchor".into(), json!(a));
    }
    o.insert("alias_at".into(), json!(location(sources, i.alias)));
    if let Some(a) = i.anchor {
        o.insert("anchor_at".into(), json!(location(sources, a)));
    }
    Value::Object(o)
}

/// `file:line:col` of a span.
pub fn location(sources: &SourceMap, span: Span) -> String {
    sources.locate(span).to_string()
}

/// A JSON value as YAML (block style; strings are JSON-quoted where YAML would misread them).
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    write_yaml(value, 0, &mut out);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn write_yaml(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                out.push_str(&pad);
                out.push_str(&yaml_scalar(&Value::String(k.clone())));
                out.push(':');
                write_child(v, indent, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for v in items {
                match v {
                    // `- key: value` with the mapping's first key on the dash's line.
                    Value::Object(m) if !m.is_empty() => {
                        let mut item = String::new();
                        write_yaml(v, indent + 2, &mut item);
                        out.push_str(&pad);
                        out.push_str("- ");
                        out.push_str(&item[indent + 2..]);
                    }
                    _ => {
                        out.push_str(&pad);
                        out.push('-');
                        write_child(v, indent, out);
                    }
                }
            }
        }
        other => {
            out.push_str(&pad);
            out.push_str(&yaml_scalar(other));
            out.push('\n');
        }
    }
}

fn write_child(v: &Value, indent: usize, out: &mut String) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            write_yaml(v, indent + 2, out);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            write_yaml(v, indent + 2, out);
        }
        _ => {
            out.push(' ');
            out.push_str(&yaml_scalar(v));
            out.push('\n');
        }
    }
}

fn yaml_scalar(v: &Value) -> String {
    match v {
        Value::String(s) => {
            // Plain only when no YAML reader (1.1 or 1.2) could take it for anything but a string: it starts
            // with a letter or `_`, and is not a boolean or null word. Everything else is JSON-quoted.
            const WORDS: [&str; 11] = [
                "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~", "nan",
            ];
            let plain_safe = s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
                && !WORDS.contains(&s.to_ascii_lowercase().as_str());
            if plain_safe {
                s.clone()
            } else {
                Value::String(s.clone()).to_string()
            }
        }
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        other => other.to_string(),
    }
}
