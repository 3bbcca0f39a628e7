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

/// A valid `metrics_recorded` line with `count` and the first item of `ints` replaced.
fn metrics(count: &str, item: &str) -> String {
    format!(
        r#"{{"event":"metrics_recorded","count":{count},"nullable_count":null,"percent":7,"wide":1,"ints":[{item}],"sparse_ints":[null,{item}],"int_map":{{"a":{item}}},"nested":{{"inner":{item},"deeper":{{"n":{item}}}}},"code":7.0,"maybe_code":2e0,"ratio":0.5,"contact":"a@example.com","request_id":"6f1c2a9e-0b7d-4c3e-9a51-2f8d7c6b5a40","at":"2024-05-01T12:00:00Z","label":"abc"}}"#
    )
}

#[test]
fn integers_are_read_as_json_schema_reads_them_in_every_position() {
    let validator = evdef::validate::Validator::new(
        &super::catalog(Path::new("tests/fixtures/emit-rust/agreement.yaml")),
        &evdef::config::EnvelopeConfig::default(),
    )
    .unwrap();
    let parse = |line: &str| serde_json::from_str::<types::Event>(line);
    for (text, expected) in [
        ("1.0", Some(1)),
        ("1e2", Some(100)),
        ("-0", Some(0)),
        ("-0.0", Some(0)),
        ("9223372036854775807", Some(i64::MAX)),
        ("-9223372036854775808", Some(i64::MIN)),
        ("9.2233720368547748e18", Some(9_223_372_036_854_774_784)),
        ("9223372036854775808", None),
        ("1e19", None),
        ("-1e19", None),
        ("1.5", None),
        ("\"1\"", None),
    ] {
        for line in [metrics(text, "1"), metrics("1", text)] {
            let accepted = validator
                .validate_line(line.as_bytes())
                .status
                .is_accepted();
            assert_eq!(accepted, expected.is_some(), "validate: {line}");
            match (parse(&line), expected) {
                (Ok(types::Event::MetricsRecorded(m)), Some(n)) => {
                    assert!(
                        m.count == n || (m.ints == [n] && m.nested.inner == n),
                        "{line}"
                    );
                    assert_eq!(m.code, types::MetricsRecordedCode::V7);
                }
                (Err(e), None) => assert!(
                    e.to_string().contains("a signed 64-bit integer")
                        || e.to_string().contains("invalid type"),
                    "{e}"
                ),
                (other, _) => panic!("{line}: {other:?}"),
            }
        }
    }
}

#[test]
fn objects_and_string_enums_are_read_from_their_json_types_only() {
    let line = |settings: &str, plan: &str| {
        format!(
            r#"{{"event":"profile_updated","user_id":1,"name":"a","score":1,"active":true,"plan":{plan},"level":1,"avatar":null,"settings":{settings}}}"#
        )
    };
    assert!(serde_json::from_str::<types::Event>(&line(r#"{"theme":"dark"}"#, r#""pro""#)).is_ok());
    // serde's derived structs read `[fields...]`, its derived enums `{"variant": null}`.
    assert!(serde_json::from_str::<types::Event>(&line(r#"["dark"]"#, r#""pro""#)).is_err());
    assert!(
        serde_json::from_str::<types::Event>(&line(r#"{"theme":"dark"}"#, r#"{"pro":null}"#))
            .is_err()
    );
    // A whole line as an array, with either envelope.
    assert!(serde_json::from_str::<types::Event>(r#"["order_shipped","o",[],{}]"#).is_err());
    assert!(
        serde_json::from_str::<payload_types::Event>(
            r#"["order_shipped",{"order_id":"o","parcels":[],"counts":{}}]"#
        )
        .is_err()
    );
    assert!(
        serde_json::from_str::<payload_types::Event>(
            r#"{"event":"order_shipped","properties":{"order_id":"o","parcels":[],"counts":{}}}"#
        )
        .is_ok()
    );
}
