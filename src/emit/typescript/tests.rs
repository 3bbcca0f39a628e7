//! Unit tests of the TypeScript backend: the shapes it prints. `tests/typescript.rs` compiles the output
//! with the real `tsc` and runs the guards against `evdef validate`.

use super::*;

fn catalog(files: &[(&str, &str)]) -> Catalog {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let compiled = crate::compile(&crate::Options::new().with_path(dir.path())).unwrap();
    assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
    compiled.catalog
}

fn print(catalog: &Catalog, envelope: EnvelopeConfig) -> String {
    generate(catalog, &TypeScriptOptions { envelope }).unwrap()
}

#[test]
fn optional_and_nullable_are_independent() {
    let c = catalog(&[(
        "e.yaml",
        "e:\n  parameters:\n    a: string\n    b: string?\n    c: {type: string, nullable: true}\n    d: {type: string, nullable: true, required: false}\n    j: json?\n",
    )]);
    let ts = print(&c, EnvelopeConfig::default());
    for line in [
        "  a: string;",
        "  b?: string;",
        "  c: string | null;",
        "  d?: string | null;",
        "  j?: unknown;",
    ] {
        assert!(ts.contains(line), "{line} in\n{ts}");
    }
}

#[test]
fn shared_fragments_are_extended_and_overrides_omitted() {
    let c = catalog(&[
        (
            "_p.yaml",
            ".user: &user\n  user_id: integer\n  email: email\n",
        ),
        (
            "e.yaml",
            "a:\n  parameters:\n    <<: *user\nb:\n  parameters:\n    <<: *user\n    user_id: string\n",
        ),
    ]);
    let ts = print(&c, EnvelopeConfig::default());
    assert!(ts.contains("export interface A extends User {"), "{ts}");
    assert!(
        ts.contains("export interface B extends Omit<User, \"user_id\"> {"),
        "{ts}"
    );
    assert_eq!(ts.matches("  email: string;").count(), 1, "{ts}");
}

#[test]
fn allow_adds_index_signatures_and_payload_field_nests() {
    let c = catalog(&[("e.yaml", "a:\n  parameters:\n    x: integer\n")]);
    let envelope = EnvelopeConfig {
        payload_field: "properties".into(),
        additional_parameters: AdditionalParameters::Allow,
        ..EnvelopeConfig::default()
    };
    let ts = print(&c, envelope);
    assert!(
        ts.contains("  properties: AParameters;\n  [key: string]: unknown;"),
        "{ts}"
    );
    assert!(ts.contains("export interface AParameters {\n  /**\n   * @format int64\n   */\n  x: number;\n  [key: string]: unknown;\n}"), "{ts}");
    let ts = print(&c, EnvelopeConfig::default());
    assert!(!ts.contains("[key: string]: unknown;\n}"), "{ts}");
}

#[test]
fn comments_cannot_be_closed_by_descriptions() {
    let c = catalog(&[(
        "e.yaml",
        "a:\n  description: \"ends */ here — ünïcode\"\n  parameters:\n    x: {type: string, description: \"*/ x\"}\n",
    )]);
    let ts = print(&c, EnvelopeConfig::default());
    assert!(ts.contains("ends *\\/ here — ünïcode"), "{ts}");
    assert!(!ts.contains("*/ x"), "{ts}");
}
