//! Checking `examples:`, a stage of its own after resolving (beside lint): each event's sample payloads
//! are validated against the JSON Schema of its parameters, with the same `jsonschema` options as
//! [`crate::validate`], and a parameter named like the envelope's name field is reported.

use serde_json::Value;

use crate::config::EnvelopeConfig;
use crate::diagnostics::Diagnostic;
use crate::emit::json_schema::{self, Draft, JsonSchemaOptions};
use crate::model::Catalog;
use crate::validate::{jsonschema_options, truncate};

/// Check each event's `examples:` against its payload schema (a failing example is an `invalid-example`
/// error at the example), and that no parameter is named like the envelope's name field when parameters
/// sit at the top level (`name-field-clash`).
pub fn check(catalog: &Catalog, envelope: &EnvelopeConfig, diagnostics: &mut Vec<Diagnostic>) {
    let options = JsonSchemaOptions {
        draft: Draft::Draft202012,
        envelope: envelope.clone(),
        bundle_only: false,
    };
    let compile = jsonschema_options();
    if envelope.payload_field.is_empty() {
        for event in catalog.events.values() {
            if let Some(p) = event.parameters.definition(envelope.name_field.as_str()) {
                diagnostics.push(
                    Diagnostic::error(
                        "name-field-clash",
                        format!("parameter `{}` of `{}` clashes with the envelope's name field", p.name, event.name),
                        p.key_span,
                    )
                    .with_help("rename the parameter, or set `[envelope] name_field` / `payload_field` in evdef.toml"),
                );
            }
        }
    }
    for event in catalog.events.values().filter(|e| !e.examples.is_empty()) {
        let mut schema = json_schema::parameters_schema(&event.parameters, &options);
        schema.insert("$schema".into(), Draft::Draft202012.uri().into());
        let validator = match compile.build(&Value::Object(schema)) {
            Ok(v) => v,
            Err(e) => {
                diagnostics.push(Diagnostic::error(
                    "invalid-schema",
                    format!("cannot compile the schema of event `{}`: {e}", event.name),
                    event.name_span,
                ));
                continue;
            }
        };
        for (n, example) in event.examples.iter().enumerate() {
            for e in validator.iter_errors(&example.value) {
                let path = e.instance_path().as_str().to_string();
                let at = if path.is_empty() {
                    String::new()
                } else {
                    format!(" at `{path}`")
                };
                diagnostics.push(
                    Diagnostic::error(
                        "invalid-example",
                        format!("example {} of `{}` does not match the event{at}: {}", n + 1, event.name, truncate(e.to_string())),
                        example.span,
                    )
                    .with_help("fix the example or the definition; examples are checked against the event's parameters"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The codes and messages [`check`] reports on one file, with the default envelope.
    fn findings(text: &str) -> Vec<(String, String)> {
        let compiled = crate::check_texts(&[("events.yaml", text)], &crate::Config::default());
        let mut found = Vec::new();
        check(&compiled.catalog, &EnvelopeConfig::default(), &mut found);
        found
            .into_iter()
            .map(|d| (d.code.to_string(), d.message))
            .collect()
    }

    #[test]
    fn a_matching_example_is_clean_and_a_wrong_type_is_invalid_example() {
        let text = "a:\n  description: d\n  parameters:\n    n: integer\n  examples:\n    - {n: 1}\n    - {n: x}\n";
        let found = findings(text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "invalid-example");
        assert!(
            found[0]
                .1
                .starts_with("example 2 of `a` does not match the event at `/n`"),
            "{found:?}"
        );
    }

    #[test]
    fn a_parameter_named_like_the_name_field_clashes() {
        let found = findings("a:\n  description: d\n  parameters:\n    event: string\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "name-field-clash");
    }
}
