//! The generated types and `evdef validate` must give the same verdict on the same line for what Rust
//! types can express: type, required, nullable, enum, and unknown keys under
//! `additional_parameters = "deny"`. Each valid event is mutated at every position (key removed, value
//! replaced by values of every JSON type and numbers at the 64-bit edges, unknown key added) and both
//! verdicts are compared, on the two events that hold no formats, patterns or bounds (which the Rust types
//! do not check). `property.rs` covers the whole fixture with random lines.

use std::path::Path;

use serde_json::{Value, json};

#[allow(dead_code)]
pub mod types {
    include!("generated/agreement.rs");
}

/// The same catalog with the parameters under `properties` (`[envelope] payload_field`).
#[allow(dead_code)]
pub mod payload_types {
    include!("generated/agreement_payload.rs");
}

const VALID: [&str; 3] = [
    r#"{"event":"profile_updated","user_id":1,"name":"Ann","score":2.5,"active":true,"plan":"pro","level":2,"nickname":"a","avatar":null,"bio":"hi","settings":{"theme":"dark","font_size":12},"extra":{"k":[1]}}"#,
    r#"{"event":"profile_updated","user_id":1,"name":"Ann","score":2,"active":false,"plan":"free","level":3,"avatar":"x.png","settings":{"theme":"light"}}"#,
    r#"{"event":"order_shipped","order_id":"o-1","parcels":[{"weight":1.5,"fragile":true},{"weight":2}],"counts":{"a":1,"b":2},"notes":["n",null]}"#,
];

/// Every value at every position of `v` replaced, removed, or extended with an unknown key.
fn mutations(v: &Value) -> Vec<Value> {
    let candidates = [
        json!(null),
        json!(true),
        json!(7),
        json!(-1.5),
        json!(2.0),
        json!(-0.0),
        json!(9_223_372_036_854_775_807_i64),
        json!(9_223_372_036_854_775_808_u64),
        json!(-9_223_372_036_854_775_808_i64),
        json!(1e19),
        json!("pro"),
        json!("bogus"),
        json!([]),
        json!(["x"]),
        json!({}),
        json!({"theme": "dark"}),
    ];
    let mut out: Vec<Value> = candidates.to_vec();
    match v {
        Value::Object(map) => {
            let mut extended = map.clone();
            extended.insert("zz_unknown".into(), json!(1));
            out.push(Value::Object(extended));
            for (key, child) in map {
                let mut removed = map.clone();
                removed.shift_remove(key);
                out.push(Value::Object(removed));
                for m in mutations(child) {
                    let mut changed = map.clone();
                    changed.insert(key.clone(), m);
                    out.push(Value::Object(changed));
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                for m in mutations(child) {
                    let mut changed = items.clone();
                    changed[i] = m;
                    out.push(Value::Array(changed));
                }
            }
        }
        _ => {}
    }
    out
}

#[test]
fn generated_types_agree_with_evdef_validate_on_mutated_events() {
    let catalog = super::catalog(Path::new("tests/fixtures/emit-rust/agreement.yaml"));
    let validator =
        evdef::validate::Validator::new(&catalog, &evdef::config::EnvelopeConfig::default())
            .unwrap();
    let (mut lines, mut accepted, mut disagreements) = (0, 0, Vec::new());
    for valid in VALID {
        let value: Value = serde_json::from_str(valid).unwrap();
        for line in std::iter::once(value.clone()).chain(mutations(&value)) {
            let text = line.to_string();
            let rust = serde_json::from_str::<types::Event>(&text).is_ok();
            let schema = validator
                .validate_line(text.as_bytes())
                .status
                .is_accepted();
            lines += 1;
            accepted += usize::from(rust);
            if rust != schema {
                disagreements.push(format!("rust {rust}, validate {schema}: {text}"));
            }
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {lines} lines disagree:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    // The mutations must exercise both verdicts, not only rejections.
    assert!(
        lines > 400 && accepted > 50,
        "{lines} lines, {accepted} accepted"
    );
}
