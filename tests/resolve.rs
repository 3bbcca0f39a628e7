//! Snapshots of the resolved catalog (`evdef resolve` JSON): one definitions tree per case under
//! `tests/fixtures/resolve/<case>/`, and the shipped `definitions/`. Paths are given relative to the crate
//! root (cargo runs integration tests there), so the origins in the snapshots are stable.

#![allow(clippy::unwrap_used)] // a test binary: a panic is a failure

use std::path::Path;

use evdef::Options;

/// Compile a definitions tree given relative to the crate root; no diagnostic is expected.
fn resolved(relative: &Path) -> serde_json::Value {
    let compiled = evdef::compile(&Options::new().with_path(relative)).unwrap();
    let messages: Vec<String> = compiled
        .diagnostics
        .iter()
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    assert!(messages.is_empty(), "{}: {messages:#?}", relative.display());
    evdef::emit::resolved::to_json(&compiled.catalog)
}

#[test]
fn resolve_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    insta::glob!("fixtures/resolve/*", |path| {
        let relative = path.strip_prefix(root).unwrap();
        insta::assert_json_snapshot!(resolved(relative));
    });
}

#[test]
fn resolve_shipped_definitions() {
    let catalog = resolved(Path::new("definitions"));
    let events = catalog["events"].as_object().unwrap();
    assert!(events.len() >= 30, "only {} events", events.len());
    for prefix in ["api_", "ios_", "android_", "crm_"] {
        assert!(
            events.keys().any(|k| k.starts_with(prefix)),
            "no `{prefix}` events"
        );
    }
    insta::assert_json_snapshot!(catalog);
}

/// The seed event of DESIGN.md resolves to its parameters in PyYAML's order, each merged one through the
/// fragment it came from.
#[test]
fn seed_event_resolves_in_order() {
    let catalog = resolved(Path::new("definitions"));
    let event = &catalog["events"]["api_created_check_in"];
    let params = event["parameters"].as_object().unwrap();
    let names: Vec<&str> = params.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "user_id",
            "user_email",
            "client_id",
            "client_version",
            "checkin_id",
            "business_id",
            "insecure_mode",
            "offline_checkin",
            "checkin_at"
        ]
    );
    assert_eq!(params["client_version"]["required"], false);
    assert_eq!(params["checkin_at"]["type"], "timestamp");
    assert_eq!(params["user_id"]["origin"]["via"][0]["fragment"], ".user");
    assert_eq!(
        params["business_id"]["origin"]["via"][0]["fragment"],
        ".checkin"
    );
    assert!(
        params["insecure_mode"]["origin"]
            .get("via")
            .is_none_or(|v| v.as_array().unwrap().is_empty())
    );
}

/// Two fragments with one name (here in two documents of a file, where reusing the anchor is legal YAML)
/// would silently collapse into one catalog entry: a warning points at both.
#[test]
fn duplicate_fragment_names_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("events.yaml"),
        ".local: &local\n  a: string\nfirst:\n  description: One\n  parameters: {<<: *local}\n---\n\
         .local: &local\n  b: string\nsecond:\n  description: Two\n  parameters: {<<: *local}\n",
    )
    .unwrap();
    let compiled = evdef::compile(&Options::new().with_path(dir.path())).unwrap();
    let codes: Vec<&str> = compiled.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["duplicate-fragment"]);
    let d = &compiled.diagnostics[0];
    assert_eq!(d.severity, evdef::Severity::Warning);
    assert_eq!(d.secondary.len(), 1);
    // Each event still got its own document's fragment.
    let events = &compiled.catalog.events;
    assert!(events["first"].parameters.contains_key("a"));
    assert!(events["second"].parameters.contains_key("b"));
}

/// The shipped catalog stays clean for the `merge-conflict` and `override-type-change` lints: no parameter
/// of any event (at any depth) overrides another definition.
#[test]
fn shipped_catalog_overrides_nothing() {
    fn walk(prefix: &str, params: &evdef::model::Parameters, out: &mut Vec<String>) {
        for (name, p) in params {
            let path = format!("{prefix}.{name}");
            if !p.shadowed.is_empty() {
                out.push(path.clone());
            }
            let mut schema = &p.schema;
            loop {
                match &schema.ty {
                    evdef::model::Type::Array(inner) | evdef::model::Type::Map(inner) => {
                        schema = inner
                    }
                    evdef::model::Type::Object(props) => {
                        walk(&path, props, out);
                        break;
                    }
                    _ => break,
                }
            }
        }
    }
    let compiled = evdef::compile(&Options::new().with_path("definitions")).unwrap();
    let mut overrides = Vec::new();
    for (name, event) in &compiled.catalog.events {
        assert!(event.description.is_some(), "{name} has no description");
        walk(name, &event.parameters, &mut overrides);
    }
    assert!(overrides.is_empty(), "{overrides:?}");
}

/// A fragment reached along two merge paths (a diamond) brings the same definition twice: that overrides
/// nothing. A different definition of the key does.
#[test]
fn a_definition_reached_twice_overrides_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("events.yaml"),
        "\
.a: &a
  x: string
.b: &b
  <<: *a
  y: integer
.c: &c
  x: integer
diamond:
  description: Two paths to `.a`.
  parameters:
    <<: [*a, *b]
clash:
  description: Two definitions of `x`.
  parameters:
    <<: [*a, *c]
",
    )
    .unwrap();
    let compiled = evdef::check(&Options::new().with_path(dir.path())).unwrap();
    let events = &compiled.catalog.events;
    assert!(events["diamond"].parameters["x"].shadowed.is_empty());
    let clash = &events["clash"].parameters["x"];
    assert_eq!(clash.shadowed.len(), 1);
    assert_eq!(clash.shadowed[0].schema.ty.name(), "integer");
    let codes: Vec<&str> = compiled.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["merge-conflict"]);
}
