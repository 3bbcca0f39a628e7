//! Snapshots of the generated Rust (or the diagnostics) for every fixture under `tests/fixtures/emit-rust`.

use std::path::Path;

use evdef::emit::rust::{RustOptions, TimeTypes};

fn snapshot(path: &Path, options: &RustOptions) -> String {
    match super::generate(path, options) {
        Ok(code) => code,
        Err(diagnostics) => format!("// diagnostics\n{diagnostics}"),
    }
}

#[test]
fn fixture_catalogs() {
    insta::glob!("../fixtures/emit-rust", "*.yaml", |path| {
        insta::assert_snapshot!(snapshot(path, &RustOptions::default()));
    });
}

#[test]
fn catalog_with_a_prelude() {
    let path = Path::new("tests/fixtures/emit-rust/basic");
    insta::assert_snapshot!(snapshot(path, &RustOptions::default()));
}

#[test]
fn payload_field_and_allowed_additional_parameters() {
    let options = RustOptions {
        name_field: "type".into(),
        payload_field: "properties".into(),
        deny_unknown_fields: false,
        ..RustOptions::default()
    };
    let path = Path::new("tests/fixtures/emit-rust/basic");
    insta::assert_snapshot!(snapshot(path, &options));
}

#[test]
fn chrono_and_uuid_types() {
    let options = RustOptions::default()
        .with_time_types(TimeTypes::Chrono)
        .with_uuid(true);
    let path = Path::new("tests/fixtures/emit-rust/basic");
    insta::assert_snapshot!(snapshot(path, &options));
}

#[test]
fn time_types() {
    let options = RustOptions::default().with_time_types(TimeTypes::Time);
    let code = snapshot(Path::new("tests/fixtures/emit-rust/basic"), &options);
    assert!(
        code.contains("pub checkin_at: evdef_support::Timestamp,"),
        "{code}"
    );
    assert!(
        code.contains("pub struct Timestamp(pub ::time::OffsetDateTime);"),
        "{code}"
    );
}

#[test]
fn output_is_deterministic() {
    let path = Path::new("tests/fixtures/emit-rust/hostile.yaml");
    let first = snapshot(path, &RustOptions::default());
    for _ in 0..3 {
        assert_eq!(snapshot(path, &RustOptions::default()), first);
    }
}

/// Issue 14: the shipped catalog, where fragments are merged into many events: a type declared once is
/// emitted once, and each shared fragment is a trait implemented by the events that merge it.
#[test]
fn shipped_catalog() {
    let code = snapshot(Path::new("definitions"), &RustOptions::default());
    assert_eq!(code.matches("pub enum BusinessCategory {").count(), 1);
    assert!(code.contains("pub trait MobileApp: Client {"), "{code}");
    assert!(code.contains("impl User for ApiCreatedCheckIn {"), "{code}");
    insta::assert_snapshot!(code);
}
