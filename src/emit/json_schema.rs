//! The JSON Schema backend: one schema per event (`<event>.schema.json`) describing a whole log line
//! (envelope included), plus `events.schema.json`, a bundle that dispatches on the envelope's name field.
//! `evdef validate` compiles exactly these schemas, so the two always agree.

use serde_json::{Map, Value, json};

use crate::config::{AdditionalParameters, EnvelopeConfig};
use crate::emit::OutputFile;
use crate::model::{Catalog, Event, Parameter, Parameters, Schema, Type};
use crate::output::names;

mod integers;

pub use integers::integer_bounds;

/// File name of the bundle.
pub const BUNDLE_FILE: &str = "events.schema.json";

/// A JSON Schema draft the backend can target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Draft {
    /// Draft 2020-12 (the default).
    #[default]
    Draft202012,
    /// Draft 07, for older tools.
    Draft07,
}

impl Draft {
    /// Parse `2020-12` or `07` (as written in `evdef.toml`).
    pub fn parse(text: &str) -> Option<Draft> {
        match text.trim() {
            "2020-12" | "2020" | "202012" => Some(Draft::Draft202012),
            "07" | "7" | "draft-07" => Some(Draft::Draft07),
            _ => None,
        }
    }

    /// The `$schema` URI.
    pub fn uri(self) -> &'static str {
        match self {
            Draft::Draft202012 => "https://json-schema.org/draft/2020-12/schema",
            Draft::Draft07 => "http://json-schema.org/draft-07/schema#",
        }
    }

    /// The keyword holding reusable definitions.
    fn defs_keyword(self) -> &'static str {
        match self {
            Draft::Draft202012 => "$defs",
            Draft::Draft07 => "definitions",
        }
    }

    /// The matching `jsonschema` draft.
    pub fn jsonschema(self) -> jsonschema::Draft {
        match self {
            Draft::Draft202012 => jsonschema::Draft::Draft202012,
            Draft::Draft07 => jsonschema::Draft::Draft7,
        }
    }
}

/// How to emit.
#[derive(Debug, Clone, Default)]
pub struct JsonSchemaOptions {
    /// The target draft.
    pub draft: Draft,
    /// The envelope: name field, payload field, additional parameters.
    pub envelope: EnvelopeConfig,
    /// Emit only the bundle, not one file per event.
    pub bundle_only: bool,
}

/// Every schema file: one per event (unless `bundle_only`), then the bundle.
pub fn emit(catalog: &Catalog, options: &JsonSchemaOptions) -> Vec<OutputFile> {
    let mut files = Vec::new();
    if !options.bundle_only {
        for event in catalog.events.values() {
            // An unsafe name is an `unsafe-output-name` error from `compile`: such a catalog is never
            // written, and its file is left out here too.
            let Ok(stem) = names::event_file_stem(&event.name) else {
                continue;
            };
            files.push(OutputFile {
                path: format!("{stem}.schema.json").into(),
                contents: to_text(&event_schema(event, options)),
            });
        }
    }
    files.push(OutputFile {
        path: BUNDLE_FILE.into(),
        contents: to_text(&bundle_schema(catalog, options)),
    });
    files
}

fn to_text(value: &Value) -> String {
    // Serialising a `Value` cannot fail; the fallback only keeps library code free of `expect`.
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// The schema of a whole log line of `event`: the envelope's name field as a `const`, and the parameters
/// at the top level or under the payload field.
pub fn event_schema(event: &Event, options: &JsonSchemaOptions) -> Value {
    let mut root = Map::new();
    root.insert("$schema".into(), options.draft.uri().into());
    root.insert(
        "$id".into(),
        format!("{}.schema.json", names::url_escape(&event.name)).into(),
    );
    root.extend(event_body(event, options));
    Value::Object(root)
}

/// The event schema without `$schema` and `$id` (also what the bundle embeds).
fn event_body(event: &Event, options: &JsonSchemaOptions) -> Map<String, Value> {
    let envelope = &options.envelope;
    let name = &envelope.name_field;
    let mut root = Map::new();
    root.insert("title".into(), event.name.clone().into());
    if let Some(d) = describe(event.description.as_deref(), event.deprecated.as_deref()) {
        root.insert("description".into(), d.into());
    }
    if event.deprecated.is_some() {
        root.insert("deprecated".into(), true.into());
    }
    let payload = parameters_schema(&event.parameters, options);
    let name_schema = json!({ "const": event.name });
    if envelope.payload_field.is_empty() {
        // Parameters sit next to the name field: one object holding both.
        let mut body = payload;
        if let Some(Value::Object(props)) = body.get_mut("properties") {
            // A parameter named like the name field cannot be: the name wins (`evdef check` reports it).
            let mut with_name = Map::new();
            with_name.insert(name.clone(), name_schema);
            with_name.extend(std::mem::take(props).into_iter().filter(|(k, _)| k != name));
            *props = with_name;
        }
        if let Some(Value::Array(required)) = body.get_mut("required") {
            required.retain(|r| r.as_str() != Some(name.as_str()));
            required.insert(0, name.clone().into());
        }
        root.extend(body);
        if !event.examples.is_empty() {
            let examples = event
                .examples
                .iter()
                .map(|e| with_name_field(&e.value, name, &event.name));
            root.insert("examples".into(), Value::Array(examples.collect()));
        }
    } else {
        // Parameters are nested; the envelope itself may carry other fields (timestamps, ids, ...).
        let field = &envelope.payload_field;
        root.insert("type".into(), "object".into());
        let mut props = Map::new();
        props.insert(name.clone(), name_schema);
        props.insert(field.clone(), Value::Object(payload));
        root.insert("properties".into(), Value::Object(props));
        root.insert("required".into(), json!([name, field]));
        if !event.examples.is_empty() {
            let examples = event
                .examples
                .iter()
                .map(|e| json!({ name: event.name, field: e.value }));
            root.insert("examples".into(), Value::Array(examples.collect()));
        }
    }
    root
}

/// An example payload as a whole log line (the name field first).
fn with_name_field(payload: &Value, name_field: &str, event: &str) -> Value {
    match payload {
        Value::Object(map) => {
            let mut line = Map::new();
            line.insert(name_field.into(), event.into());
            for (k, v) in map {
                if k != name_field {
                    line.insert(k.clone(), v.clone());
                }
            }
            Value::Object(line)
        }
        other => other.clone(),
    }
}

/// The schema of an object holding `parameters` (an event's payload, or an `object` parameter).
pub fn parameters_schema(
    parameters: &Parameters,
    options: &JsonSchemaOptions,
) -> Map<String, Value> {
    let mut schema = Map::new();
    schema.insert("type".into(), "object".into());
    let mut props = Map::new();
    let mut required = Vec::new();
    for (name, p) in parameters {
        props.insert(name.to_string(), parameter_schema(p, options));
        if p.required {
            required.push(Value::from(&**name));
        }
    }
    schema.insert("properties".into(), Value::Object(props));
    schema.insert("required".into(), Value::Array(required));
    if options.envelope.additional_parameters == AdditionalParameters::Deny {
        schema.insert("additionalProperties".into(), false.into());
    }
    schema
}

fn parameter_schema(p: &Parameter, options: &JsonSchemaOptions) -> Value {
    let mut schema = value_schema(&p.schema, options);
    if let Some(d) = describe(p.description.as_deref(), p.deprecated.as_deref()) {
        schema.insert("description".into(), d.into());
    }
    if p.deprecated.is_some() {
        schema.insert("deprecated".into(), true.into());
    }
    // Annotations, ignored by validators: whether the value is personal data, and its class.
    if let Some(pii) = p.pii {
        schema.insert("x-pii".into(), pii.into());
    }
    if let Some(c) = &p.classification {
        schema.insert("x-pii-classification".into(), c.clone().into());
    }
    Value::Object(schema)
}

/// A description, with the deprecation reason appended when there is one.
fn describe(description: Option<&str>, deprecated: Option<&str>) -> Option<String> {
    let reason = deprecated.filter(|r| !r.is_empty() && *r != "deprecated");
    match (description, reason) {
        (Some(d), Some(r)) => Some(format!("{d}\n\nDeprecated: {r}")),
        (Some(d), None) => Some(d.to_string()),
        (None, Some(r)) => Some(format!("Deprecated: {r}")),
        (None, None) => None,
    }
}

/// The schema of one value: type (with `null` when nullable), format, constraints.
fn value_schema(s: &Schema, options: &JsonSchemaOptions) -> Map<String, Value> {
    let mut schema = Map::new();
    let (ty, format): (Option<&str>, Option<&str>) = match &s.ty {
        Type::String => (Some("string"), None),
        Type::Integer => (Some("integer"), None),
        Type::Number => (Some("number"), None),
        Type::Boolean => (Some("boolean"), None),
        Type::Timestamp => (Some("string"), Some("date-time")),
        Type::Date => (Some("string"), Some("date")),
        Type::Uuid => (Some("string"), Some("uuid")),
        Type::Email => (Some("string"), Some("email")),
        Type::Url => (Some("string"), Some("uri")),
        Type::Json => (None, None),
        Type::Object(_) | Type::Map(_) => (Some("object"), None),
        Type::Array(_) => (Some("array"), None),
    };
    if let Some(ty) = ty {
        let ty = if s.nullable {
            json!([ty, "null"])
        } else {
            json!(ty)
        };
        schema.insert("type".into(), ty);
    }
    if let Some(format) = format {
        schema.insert("format".into(), format.into());
    }
    match &s.ty {
        Type::Object(props) => schema.extend(
            parameters_schema(props, options)
                .into_iter()
                .filter(|(k, _)| k != "type"),
        ),
        Type::Array(items) => {
            schema.insert("items".into(), Value::Object(item_schema(items, options)));
        }
        Type::Map(values) => {
            schema.insert(
                "additionalProperties".into(),
                Value::Object(item_schema(values, options)),
            );
        }
        _ => {}
    }
    let c = &s.constraints;
    if let Some(values) = &c.enumeration {
        let mut values = values.clone();
        if s.nullable && !values.contains(&Value::Null) {
            values.push(Value::Null);
        }
        schema.insert("enum".into(), Value::Array(values));
    }
    if let Some(p) = &c.pattern {
        schema.insert("pattern".into(), p.clone().into());
    }
    let (minimum, maximum) = if s.ty == Type::Integer {
        integer_bounds(c.minimum.as_ref(), c.maximum.as_ref())
    } else {
        (c.minimum.clone(), c.maximum.clone())
    };
    if let Some(n) = minimum {
        schema.insert("minimum".into(), Value::Number(n));
    }
    if let Some(n) = maximum {
        schema.insert("maximum".into(), Value::Number(n));
    }
    for (key, v) in [
        ("minLength", c.min_length),
        ("maxLength", c.max_length),
        ("minItems", c.min_items),
        ("maxItems", c.max_items),
    ] {
        if let Some(v) = v {
            schema.insert(key.into(), v.into());
        }
    }
    schema
}

fn item_schema(s: &Schema, options: &JsonSchemaOptions) -> Map<String, Value> {
    let mut schema = value_schema(s, options);
    if let Some(d) = &s.description {
        schema.insert("description".into(), d.clone().into());
    }
    schema
}

/// The bundle: any event of the catalog, dispatched on the name field with `if`/`then` on a `const`, so a
/// validator's error names the event whose schema failed.
pub fn bundle_schema(catalog: &Catalog, options: &JsonSchemaOptions) -> Value {
    let name = &options.envelope.name_field;
    let defs_keyword = options.draft.defs_keyword();
    let names: Vec<Value> = catalog
        .events
        .keys()
        .map(|n| Value::from(n.clone()))
        .collect();
    let mut dispatch = Vec::new();
    let mut defs = Map::new();
    for event in catalog.events.values() {
        dispatch.push(json!({
            "if": { "properties": { name: { "const": event.name } }, "required": [name] },
            "then": { "$ref": format!("#/{defs_keyword}/{}", pointer_escape(&event.name)) },
        }));
        defs.insert(
            event.name.clone(),
            Value::Object(event_body(event, options)),
        );
    }
    let mut root = Map::new();
    root.insert("$schema".into(), options.draft.uri().into());
    root.insert("$id".into(), BUNDLE_FILE.into());
    root.insert("title".into(), "events".into());
    root.insert(
        "description".into(),
        format!("Any event of the catalog, chosen by its `{name}` field").into(),
    );
    root.insert("type".into(), "object".into());
    root.insert(
        "properties".into(),
        json!({ name: { "type": "string", "enum": names } }),
    );
    root.insert("required".into(), json!([name]));
    root.insert("allOf".into(), Value::Array(dispatch));
    root.insert(defs_keyword.into(), Value::Object(defs));
    Value::Object(root)
}

/// Escape a JSON Pointer token (RFC 6901) and percent-encode what a URI fragment cannot hold.
fn pointer_escape(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c if c.is_ascii_alphanumeric() || "-._".contains(c) => out.push(c),
            c => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::EnvelopeConfig;

    fn catalog(dir: &str) -> Catalog {
        let root = format!("{}/tests/fixtures/{dir}", env!("CARGO_MANIFEST_DIR"));
        let compiled = crate::compile(&crate::Options::new().with_path(root)).unwrap();
        assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
        compiled.catalog
    }

    fn variants() -> Vec<(&'static str, JsonSchemaOptions)> {
        let nested = EnvelopeConfig {
            name_field: "name".into(),
            payload_field: "properties".into(),
            additional_parameters: AdditionalParameters::Allow,
        };
        vec![
            ("2020-12", JsonSchemaOptions::default()),
            (
                "07",
                JsonSchemaOptions {
                    draft: Draft::Draft07,
                    ..JsonSchemaOptions::default()
                },
            ),
            (
                "nested-allow",
                JsonSchemaOptions {
                    envelope: nested,
                    ..JsonSchemaOptions::default()
                },
            ),
        ]
    }

    #[test]
    fn snapshots() {
        let catalog = catalog("validate/catalog");
        for (variant, options) in variants() {
            for file in emit(&catalog, &options) {
                let name = format!("{variant}__{}", file.path.display());
                insta::assert_snapshot!(name, file.contents);
            }
        }
    }

    #[test]
    fn every_schema_is_valid_against_its_meta_schema_and_compiles() {
        let catalog = catalog("validate/catalog");
        for (variant, options) in variants() {
            for file in emit(&catalog, &options) {
                let schema: Value = serde_json::from_str(&file.contents).unwrap();
                let what = format!("{variant}/{}", file.path.display());
                match options.draft {
                    Draft::Draft202012 => jsonschema::draft202012::meta::validate(&schema)
                        .unwrap_or_else(|e| panic!("{what}: {e}")),
                    Draft::Draft07 => jsonschema::draft7::meta::validate(&schema)
                        .unwrap_or_else(|e| panic!("{what}: {e}")),
                }
                jsonschema::options()
                    .with_draft(options.draft.jsonschema())
                    .should_validate_formats(true)
                    .build(&schema)
                    .unwrap_or_else(|e| panic!("{what}: {e}"));
            }
        }
    }

    #[test]
    fn output_is_deterministic() {
        let options = JsonSchemaOptions::default();
        assert_eq!(
            emit(&catalog("validate/catalog"), &options),
            emit(&catalog("validate/catalog"), &options)
        );
    }

    #[test]
    fn examples_of_the_definitions_are_valid_under_the_emitted_schemas() {
        let catalog = catalog("validate/catalog");
        for (variant, options) in variants() {
            for event in catalog.events.values() {
                let schema = event_schema(event, &options);
                let validator = jsonschema::options()
                    .with_draft(options.draft.jsonschema())
                    .should_validate_formats(true)
                    .build(&schema)
                    .unwrap();
                for example in schema
                    .get("examples")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    assert!(
                        validator.is_valid(example),
                        "{variant}/{}: {example}",
                        event.name
                    );
                }
            }
        }
    }

    #[test]
    fn the_bundle_names_the_failing_event() {
        let catalog = catalog("validate/catalog");
        let bundle = bundle_schema(&catalog, &JsonSchemaOptions::default());
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&bundle)
            .unwrap();
        let line = serde_json::json!({"event": "reward_granted", "user_id": "x"});
        let errors: Vec<String> = validator
            .iter_errors(&line)
            .map(|e| e.schema_path().to_string())
            .collect();
        assert!(
            errors.iter().any(|p| p.contains("reward_granted")),
            "{errors:?}"
        );
        assert!(!validator.is_valid(&serde_json::json!({"event": "nope"})));
        assert!(!validator.is_valid(&serde_json::json!({"user_id": 1})));
    }

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(pointer_escape("a/b~c d"), "a~1b~0c%20d");
    }
}
