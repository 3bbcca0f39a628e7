//! A [`Validator`] from the one-file bundle written by `evdef emit json-schema --bundle`
//! (`events.schema.json`), so a worker can validate without the YAML definitions or `evdef.toml`.
//!
//! The bundle is self-contained: every event's schema is under `$defs` (`definitions` in draft 07) with the
//! envelope already applied (payload field, `additionalProperties`), and the name field is the one property
//! of the root (`properties: {NAME_FIELD: {enum: [...]}}`, `required: [NAME_FIELD]`). Each event schema is
//! compiled on its own, exactly as [`Validator::new`] compiles the per-event schemas, so the verdicts are the
//! same as with the YAML definitions.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{Map, Value};

use super::{UnknownEvents, Validator};
use crate::Error;
use crate::emit::json_schema::Draft;

/// Whether a definitions path names a bundle (`*.json`) rather than YAML.
pub fn is_bundle_path(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

impl Validator {
    /// Read a bundle file and compile every event schema in it.
    pub fn from_bundle_file(path: &Path) -> Result<Validator, Error> {
        let text = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
        let value: Value = serde_json::from_slice(&text).map_err(|e| {
            Error::Usage(format!(
                "{}:{}:{}: the bundle is not valid JSON: {e}",
                path.display(),
                e.line(),
                e.column()
            ))
        })?;
        Validator::from_bundle(&value).map_err(|message| {
            Error::Usage(format!(
                "{}: not a bundle written by `evdef emit json-schema --bundle`: {message}",
                path.display()
            ))
        })
    }

    /// Compile a parsed bundle. The error says which part of the bundle is missing or malformed.
    pub fn from_bundle(bundle: &Value) -> Result<Validator, String> {
        let root = bundle.as_object().ok_or("the root is not an object")?;
        let draft = match root.get("$schema").and_then(Value::as_str) {
            Some(uri) if uri == Draft::Draft202012.uri() => Draft::Draft202012,
            Some(uri) if uri == Draft::Draft07.uri() => Draft::Draft07,
            Some(uri) => return Err(format!("unsupported `$schema` {uri:?}")),
            None => return Err("no `$schema`".into()),
        };
        let name_field = match root.get("required").and_then(Value::as_array) {
            Some(required) if required.len() == 1 => required[0]
                .as_str()
                .ok_or("`required` does not hold the name field")?
                .to_owned(),
            _ => return Err("`required` must hold exactly the name field".into()),
        };
        let names: Vec<&str> = root
            .get("properties")
            .and_then(|p| p.get(&name_field))
            .and_then(|p| p.get("enum"))
            .and_then(Value::as_array)
            .ok_or_else(|| format!("no `properties/{name_field}/enum` listing the events"))?
            .iter()
            .map(|n| {
                n.as_str()
                    .ok_or("an event name in the `enum` is not a string")
            })
            .collect::<Result<_, _>>()?;
        let defs_keyword = match draft {
            Draft::Draft202012 => "$defs",
            Draft::Draft07 => "definitions",
        };
        let defs: &Map<String, Value> = root
            .get(defs_keyword)
            .and_then(Value::as_object)
            .ok_or_else(|| format!("no `{defs_keyword}` object holding the event schemas"))?;
        let compile = jsonschema::options()
            .with_draft(draft.jsonschema())
            .should_validate_formats(true);
        let mut validators = Vec::with_capacity(names.len());
        let mut index = HashMap::with_capacity(names.len());
        let mut schemas = Vec::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            let Some(Value::Object(body)) = defs.get(*name) else {
                return Err(format!("no schema for event `{name}` in `{defs_keyword}`"));
            };
            // The same document `emit json-schema` writes per event: `$schema` and `$id` added to the body.
            let mut schema = Map::with_capacity(body.len() + 2);
            schema.insert("$schema".into(), draft.uri().into());
            schema.insert("$id".into(), format!("{name}.schema.json").into());
            schema.extend(body.iter().map(|(k, v)| (k.clone(), v.clone())));
            let schema = Value::Object(schema);
            let validator = compile
                .build(&schema)
                .map_err(|e| format!("cannot compile the schema of event `{name}`: {e}"))?;
            validators.push(validator);
            schemas.push(schema);
            if index.insert((*name).to_owned(), i).is_some() {
                return Err(format!("event `{name}` is listed twice"));
            }
        }
        let names: Vec<String> = names.into_iter().map(str::to_owned).collect();
        let fast = super::fast::FastChecker::new(&names, schemas, &name_field, &compile);
        Ok(Validator {
            validators,
            names,
            index,
            name_field,
            unknown: UnknownEvents::default(),
            fast: Some(fast),
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::config::EnvelopeConfig;
    use crate::emit::json_schema::{JsonSchemaOptions, bundle_schema};
    use crate::validate::LineVerdict;

    fn catalog() -> crate::Catalog {
        let root = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/validate/catalog"
        );
        let compiled = crate::compile(&crate::Options::new().with_path(root)).unwrap();
        assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
        compiled.catalog
    }

    fn summary(v: &LineVerdict) -> (super::super::Status, Vec<(String, String, &'static str)>) {
        let errors = v
            .errors
            .iter()
            .map(|e| (e.path.clone(), e.message.clone(), e.kind))
            .collect();
        (v.status, errors)
    }

    const VALID: &str = r#"{"event":"api_created_check_in","user_id":1,"user_email":"a@example.com","client_id":"ios","checkin_id":"6f1c1b0e-3a43-4b2e-9a55-0f2b1b7c9d10","business_id":7,"insecure_mode":false,"offline_checkin":false,"checkin_at":"2024-05-01T12:00:00Z"}"#;

    /// The bundle gives the very verdicts (status, paths, messages, kinds) of the YAML definitions, for
    /// every envelope and both drafts.
    #[test]
    fn bundle_verdicts_equal_yaml_verdicts() {
        let catalog = catalog();
        let lines: Vec<Vec<u8>> = vec![
            VALID.into(),
            VALID.replace("\"user_id\":1", "\"user_id\":\"abc\"").into(),
            VALID.replace("\"business_id\":7,", "").into(),
            VALID.replace("\"client_id\"", "\"extra\":1,\"client_id\"").into(),
            VALID.replace("2024-05-01T12:00:00Z", "yesterday").into(),
            VALID.replace("api_created_check_in", "nope").into(),
            br#"{"event":"reward_granted","user_id":1,"user_email":"a@example.com","points":2000,"code":"x"}"#.to_vec(),
            br#"{"event":"reward_granted","user_id":1,"user_email":"a@example.com","reward_tier":null,"points":5,"code":"ABC-12"}"#.to_vec(),
            br#"{"name":"reward_granted","properties":{"user_id":1}}"#.to_vec(),
            b"[1]".to_vec(),
            b"{".to_vec(),
            b"\xff".to_vec(),
            b"".to_vec(),
        ];
        let envelopes = [
            EnvelopeConfig::default(),
            EnvelopeConfig {
                name_field: "name".into(),
                payload_field: "properties".into(),
                ..EnvelopeConfig::default()
            },
        ];
        for envelope in envelopes {
            let yaml = Validator::new(&catalog, &envelope).unwrap();
            for draft in [Draft::Draft202012, Draft::Draft07] {
                let options = JsonSchemaOptions {
                    draft,
                    envelope: envelope.clone(),
                    bundle_only: true,
                };
                let bundle = Validator::from_bundle(&bundle_schema(&catalog, &options)).unwrap();
                assert_eq!(bundle.event_names(), yaml.event_names());
                for line in &lines {
                    assert_eq!(
                        summary(&bundle.validate_line(line)),
                        summary(&yaml.validate_line(line)),
                        "{draft:?} {}",
                        String::from_utf8_lossy(line)
                    );
                }
            }
        }
    }

    #[test]
    fn malformed_bundles_are_refused_with_a_reason() {
        let options = JsonSchemaOptions::default();
        let good = bundle_schema(&catalog(), &options);
        let mut no_defs = good.clone();
        no_defs.as_object_mut().unwrap().remove("$defs");
        let mut no_schema = good.clone();
        no_schema.as_object_mut().unwrap().remove("$schema");
        let cases = [
            (serde_json::json!([]), "the root is not an object"),
            (no_defs, "no `$defs` object"),
            (no_schema, "no `$schema`"),
        ];
        for (bundle, reason) in cases {
            let error = Validator::from_bundle(&bundle).unwrap_err();
            assert!(error.contains(reason), "{error}");
        }
    }
}
