//! Verdicts on bad input, and the contract: every verdict equals the `jsonschema` crate's on the emitted
//! schemas (formats enforced).

use serde_json::{Value, json};

use super::*;
use crate::config::EnvelopeConfig;
use crate::emit::json_schema::{self, JsonSchemaOptions};
use crate::model::{Schema, Type};

fn catalog() -> Catalog {
    let root = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/validate/catalog"
    );
    let compiled = crate::compile(&crate::Options::new().with_path(root)).unwrap();
    assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
    compiled.catalog
}

fn validator(envelope: &EnvelopeConfig) -> Validator {
    Validator::new(&catalog(), envelope).unwrap()
}

fn kinds(v: &LineVerdict) -> Vec<&'static str> {
    v.errors.iter().map(|e| e.kind).collect()
}

const VALID: &str = r#"{"event":"api_created_check_in","user_id":1,"user_email":"a@example.com","client_id":"ios","checkin_id":"6f1c1b0e-3a43-4b2e-9a55-0f2b1b7c9d10","business_id":7,"insecure_mode":false,"offline_checkin":false,"checkin_at":"2024-05-01T12:00:00Z"}"#;

#[test]
fn verdicts_on_bad_input() {
    let v = validator(&EnvelopeConfig::default());
    let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
    let cases: Vec<(Vec<u8>, Status, Vec<&str>)> = vec![
        (VALID.into(), Status::Valid, vec![]),
        (format!("{VALID}\n").into(), Status::Valid, vec![]),
        (format!("{VALID}\r\n").into(), Status::Valid, vec![]),
        (b"".to_vec(), Status::Empty, vec![]),
        (b"\n".to_vec(), Status::Empty, vec![]),
        (b"\r\n".to_vec(), Status::Empty, vec![]),
        (
            b"{\"event\": \"api_created_check_in\"".to_vec(),
            Status::Invalid,
            vec!["malformed-json"],
        ),
        (
            b"{\"event\": \"\xff\xfe\"}".to_vec(),
            Status::Invalid,
            vec!["invalid-utf8"],
        ),
        (b"[1, 2]".to_vec(), Status::Invalid, vec!["type"]),
        (b"42".to_vec(), Status::Invalid, vec!["type"]),
        (
            b"{\"user_id\": 1}".to_vec(),
            Status::Invalid,
            vec!["missing-name"],
        ),
        (
            b"{\"event\": 7}".to_vec(),
            Status::Invalid,
            vec!["missing-name"],
        ),
        (
            b"{\"event\": \"nope\"}".to_vec(),
            Status::Invalid,
            vec!["unknown-event"],
        ),
        (deep.into_bytes(), Status::Invalid, vec!["malformed-json"]),
        (
            VALID.replace("\"user_id\":1", "\"user_id\":\"abc\"").into(),
            Status::Invalid,
            vec!["type"],
        ),
        (
            VALID
                .replace(
                    "\"client_id\":\"ios\",",
                    "\"client_id\":\"ios\",\"bogus\":1,",
                )
                .into(),
            Status::Invalid,
            vec!["additional"],
        ),
        (
            VALID
                .replace("2024-05-01T12:00:00Z", "yesterday")
                .replace("\"user_id\":1,", "")
                .into(),
            Status::Invalid,
            vec!["required", "format"],
        ),
    ];
    for (line, status, expected) in cases {
        let verdict = v.validate_line(&line);
        assert_eq!(verdict.status, status, "{}", String::from_utf8_lossy(&line));
        let mut got = kinds(&verdict);
        got.sort_unstable();
        let mut expected = expected;
        expected.sort_unstable();
        assert_eq!(got, expected, "{}", String::from_utf8_lossy(&line));
    }
}

#[test]
fn errors_name_the_path_and_the_value() {
    let v = validator(&EnvelopeConfig::default());
    let verdict = v.validate_line(
        VALID
            .replace("\"user_id\":1", "\"user_id\":\"abc\"")
            .as_bytes(),
    );
    assert_eq!(v.event_name(&verdict.event), Some("api_created_check_in"));
    assert_eq!(verdict.errors.len(), 1);
    assert_eq!(verdict.errors[0].path, "/user_id");
    assert_eq!(
        verdict.errors[0].message,
        r#""abc" is not of type "integer""#
    );
}

#[test]
fn huge_values_make_short_messages() {
    let v = validator(&EnvelopeConfig::default());
    let big = "x".repeat(1 << 20);
    let verdict = v.validate_line(
        VALID
            .replace("\"user_id\":1", &format!("\"user_id\":\"{big}\""))
            .as_bytes(),
    );
    assert_eq!(verdict.status, Status::Invalid);
    assert!(verdict.errors[0].message.len() <= MAX_MESSAGE + 4);
}

#[test]
fn unknown_events_policy() {
    let line = br#"{"event": "nope"}"#;
    let warn = validator(&EnvelopeConfig::default()).with_unknown_events(UnknownEvents::Warn);
    let verdict = warn.validate_line(line);
    assert_eq!(
        (verdict.status, kinds(&verdict)),
        (Status::Warning, vec!["unknown-event"])
    );
    assert_eq!(warn.event_name(&verdict.event), Some("nope"));
    let allow = validator(&EnvelopeConfig::default()).with_unknown_events(UnknownEvents::Allow);
    let verdict = allow.validate_line(line);
    assert_eq!((verdict.status, verdict.errors.len()), (Status::Valid, 0));
}

#[test]
fn nested_payload_and_other_name_field() {
    let envelope = EnvelopeConfig {
        name_field: "name".into(),
        payload_field: "properties".into(),
        ..EnvelopeConfig::default()
    };
    let v = validator(&envelope);
    let payload: Value = serde_json::from_str(VALID).unwrap();
    let mut payload = payload.as_object().unwrap().clone();
    payload.remove("event");
    let line = json!({"name": "api_created_check_in", "ts": 1, "properties": payload}).to_string();
    assert_eq!(v.validate_line(line.as_bytes()).status, Status::Valid);
    let line = json!({"name": "api_created_check_in"}).to_string();
    let verdict = v.validate_line(line.as_bytes());
    assert_eq!(kinds(&verdict), vec!["required"]);
    let verdict = v.validate_line(VALID.as_bytes());
    assert_eq!(kinds(&verdict), vec!["missing-name"]);
}

/// A pool of values of every JSON type and of the interesting string formats: substituted for each
/// parameter of each event, they make valid and invalid events of every kind.
fn value_pool() -> Vec<Value> {
    vec![
        json!(null),
        json!(true),
        json!(0),
        json!(-1),
        json!(7),
        json!(1.5),
        json!(1001),
        json!("abc"),
        json!(""),
        json!("ABC-12345"),
        json!("ABC-1234567890123"),
        json!("gold"),
        json!("platinum"),
        json!("2024-05-01T12:00:00Z"),
        json!("2024-05-01T12:00:00"),
        json!("2024-05-01"),
        json!("2024-13-01"),
        json!("6f1c1b0e-3a43-4b2e-9a55-0f2b1b7c9d10"),
        json!("6f1c1b0e-3a43"),
        json!("a@example.com"),
        json!("not an email"),
        json!("https://example.com/x?y=1"),
        json!("not a url"),
        json!([]),
        json!(["a"]),
        json!(["a", "b", "c", "d"]),
        json!([1]),
        json!({}),
        json!({"lat": 1.0, "lon": 2}),
        json!({"lat": 1.0, "lon": 2, "accuracy_m": null}),
        json!({"lat": 1.0, "lon": 2, "x": 1}),
        json!({"a": 1, "b": 2}),
        json!({"a": "1"}),
    ]
}

/// A value valid for the schema (for building a valid base event).
fn sample(schema: &Schema) -> Value {
    let c = &schema.constraints;
    if let Some(values) = &c.enumeration {
        return values[0].clone();
    }
    match &schema.ty {
        Type::String if c.pattern.is_some() => json!("ABC-12345"),
        Type::String => json!("text"),
        Type::Integer => json!(5),
        Type::Number => json!(2.5),
        Type::Boolean => json!(true),
        Type::Timestamp => json!("2024-05-01T12:00:00Z"),
        Type::Date => json!("2024-05-01"),
        Type::Uuid => json!("6f1c1b0e-3a43-4b2e-9a55-0f2b1b7c9d10"),
        Type::Email => json!("a@example.com"),
        Type::Url => json!("https://example.com/"),
        Type::Json => json!({"any": [1]}),
        Type::Object(props) => Value::Object(
            props
                .iter()
                .map(|(k, p)| (k.to_string(), sample(&p.schema)))
                .collect(),
        ),
        Type::Array(items) => json!([sample(items)]),
        Type::Map(values) => json!({"k": sample(values)}),
    }
}

fn generated_lines(catalog: &Catalog, name_field: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for event in catalog.events.values() {
        let mut base = serde_json::Map::new();
        base.insert(name_field.into(), event.name.clone().into());
        for (k, p) in &event.parameters {
            base.insert(k.to_string(), sample(&p.schema));
        }
        lines.push(Value::Object(base.clone()).to_string());
        for key in event.parameters.keys() {
            let mut without = base.clone();
            without.shift_remove(&**key);
            lines.push(Value::Object(without).to_string());
            for value in value_pool() {
                let mut changed = base.clone();
                changed.insert(key.to_string(), value);
                lines.push(Value::Object(changed).to_string());
            }
        }
        let mut extra = base.clone();
        extra.insert("unexpected".into(), json!(1));
        lines.push(Value::Object(extra).to_string());
    }
    lines.push(format!("{{\"{name_field}\": \"no_such_event\"}}"));
    lines.push("[]".into());
    lines.push("{\"x\": 1}".into());
    lines.push("{not json".into());
    lines
}

#[test]
fn verdicts_equal_jsonschema_on_the_emitted_schemas() {
    let catalog = catalog();
    for envelope in [
        EnvelopeConfig::default(),
        EnvelopeConfig {
            additional_parameters: crate::config::AdditionalParameters::Allow,
            ..EnvelopeConfig::default()
        },
    ] {
        let v = Validator::new(&catalog, &envelope).unwrap();
        let options = JsonSchemaOptions {
            envelope: envelope.clone(),
            ..JsonSchemaOptions::default()
        };
        // The bundle as emitted, parsed back from its text, validated as any user of the schema would.
        let files = json_schema::emit(&catalog, &options);
        let bundle_text = &files
            .iter()
            .find(|f| f.path.ends_with(json_schema::BUNDLE_FILE))
            .unwrap()
            .contents;
        let bundle: Value = serde_json::from_str(bundle_text).unwrap();
        let reference = jsonschema::options()
            .should_validate_formats(true)
            .build(&bundle)
            .unwrap();
        let lines = generated_lines(&catalog, &envelope.name_field);
        let (mut valid, mut invalid) = (0, 0);
        for line in &lines {
            let expected =
                serde_json::from_str::<Value>(line).is_ok_and(|value| reference.is_valid(&value));
            let verdict = v.validate_line(line.as_bytes());
            assert_eq!(verdict.status == Status::Valid, expected, "{line}");
            assert_eq!(
                verdict.errors.is_empty(),
                expected,
                "{line}: {:?}",
                verdict.errors
            );
            if expected { valid += 1 } else { invalid += 1 }
        }
        assert!(
            valid > 50 && invalid > 200,
            "{valid} valid, {invalid} invalid"
        );
    }
}

#[test]
fn validator_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Validator>();
}

#[test]
fn pointer_tokens_escape_tilde_then_slash() {
    assert_eq!(pointer_escape("plain"), "plain");
    assert_eq!(pointer_escape("a~b/c"), "a~0b~1c");
    assert_eq!(pointer_escape("~1"), "~01");
    assert_eq!(pointer_escape("é/~"), "é~1~0");
    let mut path = String::from("/x");
    push_pointer_token(&mut path, "k/v");
    assert_eq!(path, "/xk~1v");
}
