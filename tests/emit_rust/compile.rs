//! Generated code must compile and behave: `generated/*.rs` is the backend's output for two fixtures (one
//! of them also with parameters under a payload field),
//! compiled into this test binary. `generated_code_is_up_to_date` fails when the backend's output changes;
//! rerun with `EVDEF_BLESS=1` to rewrite the files (and review the diff).

use std::path::Path;

use evdef::emit::rust::RustOptions;

// Dead code: the test uses some of the generated API only.
#[allow(deprecated, dead_code)]
mod hostile {
    include!("generated/hostile.rs");
}

#[test]
fn generated_code_is_up_to_date() {
    let payload = RustOptions {
        payload_field: "properties".into(),
        ..RustOptions::default()
    };
    let cases = [
        ("hostile", "hostile.yaml", RustOptions::default()),
        ("agreement", "agreement.yaml", RustOptions::default()),
        ("agreement_payload", "agreement.yaml", payload),
    ];
    let mut stale = Vec::new();
    for (name, fixture, options) in cases {
        let code = super::generate(
            &Path::new("tests/fixtures/emit-rust").join(fixture),
            &options,
        )
        .unwrap_or_else(|d| panic!("{fixture}:\n{d}"));
        let target = Path::new("tests/emit_rust/generated").join(format!("{name}.rs"));
        if std::fs::read_to_string(&target).ok().as_deref() != Some(code.as_str()) {
            if std::env::var_os("EVDEF_BLESS").is_some() {
                std::fs::write(&target, code).unwrap();
            } else {
                stale.push(target.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated code (rerun with EVDEF_BLESS=1): {stale:?}"
    );
}

fn parse(line: &str) -> Result<hostile::Event, String> {
    serde_json::from_str(line).map_err(|e| e.to_string())
}

fn round_trip(line: &str) -> hostile::Event {
    let event = parse(line).unwrap_or_else(|e| panic!("{line}: {e}"));
    let written = serde_json::to_value(&event).unwrap();
    let read: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(written, read, "round trip of {line}");
    event
}

#[test]
fn keywords_digits_and_dashes_keep_their_names_on_the_wire() {
    let line = r#"{"event":"type","type":"t","self":1,"super":null,"crate":2.5,"2fa_code":"123456","user-id":7,"userName":"ann","async":{"a":[1]},"weird key with spaces":"w","ünïcödé":"u"}"#;
    let hostile::Event::Type(event) = round_trip(line) else {
        panic!("not a `type` event")
    };
    assert_eq!(event.type_, "t");
    assert_eq!(event.self_, Some(1));
    assert_eq!(event.super_, None);
    assert_eq!(
        event.crate_,
        hostile::evdef_support::OptionalNullable::Value(2.5)
    );
    assert_eq!(event._2fa_code, "123456");
    assert_eq!(event.user_id, 7);
    assert_eq!(event.user_name, "ann");
    assert_eq!(event.n_c_d.as_deref(), Some("u"));
    // `user_id` is not the wire name of `user-id`.
    assert!(parse(&line.replace("user-id", "user_id")).is_err());
}

#[test]
fn deprecated_event_with_a_digit_name() {
    let event = round_trip(r#"{"event":"2fa-enabled","enabled":true}"#);
    assert_eq!(event.name(), "2fa-enabled");
}

const EVERY_TYPE: &str = r#"{"event":"every_type","s":"s","i":-3,"n":1.5,"f":2.5,"b":true,"ts":"2024-05-01T12:00:00Z","d":"2024-05-01","u":"6f1c2a9e-0b7d-4c3e-9a51-2f8d7c6b5a40","e":"a@b.c","url":"https://x.y","j":[1,{"k":null}],"j_null":null,"arr":[1,2],"arr_null_items":["a",null],"m":{"x":1.5},"m_null_values":{"y":null,"z":true},"req_plain":"r","req_null":null,"constrained":"abc","float_choice":0.5}"#;

fn with(line: &str, extra: &str) -> String {
    format!("{},{extra}}}", line.trim_end_matches('}'))
}

fn without(line: &str, key: &str) -> String {
    let mut value: serde_json::Value = serde_json::from_str(line).unwrap();
    value.as_object_mut().unwrap().shift_remove(key);
    value.to_string()
}

#[test]
fn every_type_and_the_four_presence_combinations() {
    use hostile::evdef_support::OptionalNullable;
    let hostile::Event::EveryType(base) = round_trip(EVERY_TYPE) else {
        panic!()
    };
    assert_eq!(base.opt_plain, None);
    assert_eq!(base.opt_null, OptionalNullable::Absent);
    assert_eq!(base.req_null, None);
    assert_eq!(base.j_null, serde_json::Value::Null);
    assert_eq!(base.arr_null_items, [Some("a".to_string()), None]);

    // required, not nullable
    assert!(parse(&without(EVERY_TYPE, "req_plain")).is_err());
    assert!(parse(&EVERY_TYPE.replace(r#""req_plain":"r""#, r#""req_plain":null"#)).is_err());
    // required, nullable: null is fine, absent is not
    assert!(parse(&without(EVERY_TYPE, "req_null")).is_err());
    let hostile::Event::EveryType(e) =
        round_trip(&EVERY_TYPE.replace(r#""req_null":null"#, r#""req_null":"v""#))
    else {
        panic!()
    };
    assert_eq!(e.req_null.as_deref(), Some("v"));
    // optional, not nullable: absent is fine, null is not
    assert!(parse(&with(EVERY_TYPE, r#""opt_plain":null"#)).is_err());
    let hostile::Event::EveryType(e) = round_trip(&with(EVERY_TYPE, r#""opt_plain":"o""#)) else {
        panic!()
    };
    assert_eq!(e.opt_plain.as_deref(), Some("o"));
    // optional and nullable: three states, each written back as read
    let hostile::Event::EveryType(e) = round_trip(&with(EVERY_TYPE, r#""opt_null":null"#)) else {
        panic!()
    };
    assert_eq!(e.opt_null, OptionalNullable::Null);
    let hostile::Event::EveryType(e) = round_trip(&with(EVERY_TYPE, r#""opt_null":"v""#)) else {
        panic!()
    };
    assert_eq!(e.opt_null, OptionalNullable::Value("v".to_string()));
    // unknown parameters are rejected (`additional_parameters = "deny"`)
    assert!(parse(&with(EVERY_TYPE, r#""surprise":1"#)).is_err());
    // wrong types
    assert!(parse(&EVERY_TYPE.replace(r#""i":-3"#, r#""i":"-3""#)).is_err());
    assert!(parse(&EVERY_TYPE.replace(r#""arr":[1,2]"#, r#""arr":[1,null]"#)).is_err());
    assert!(parse(&EVERY_TYPE.replace(r#""m":{"x":1.5}"#, r#""m":{"x":null}"#)).is_err());
}

#[test]
fn enums_with_awkward_values() {
    let line = r#"{"event":"enums","status":"in_progress","priority":-1,"tags":["red","green"]}"#;
    let hostile::Event::Enums(e) = round_trip(line) else {
        panic!()
    };
    assert_eq!(e.status, hostile::EnumsStatus::InProgress2);
    assert_eq!(e.priority, hostile::EnumsPriority::VMinus1);
    for (value, variant) in [
        ("in-progress", hostile::EnumsStatus::InProgress),
        ("", hostile::EnumsStatus::Empty),
        ("Self", hostile::EnumsStatus::Self_),
        ("1st", hostile::EnumsStatus::_1st),
    ] {
        let hostile::Event::Enums(e) = round_trip(&line.replace("in_progress", value)) else {
            panic!()
        };
        assert_eq!(e.status, variant);
        assert_eq!(e.status.as_str(), value);
    }
    let big = round_trip(&line.replace("-1", "9223372036854775807"));
    assert!(matches!(
        big,
        hostile::Event::Enums(hostile::Enums {
            priority: hostile::EnumsPriority::V9223372036854775807,
            ..
        })
    ));
    assert!(parse(&line.replace("-1", "2")).is_err());
    assert!(parse(&line.replace("in_progress", "In_Progress")).is_err());
    assert!(parse(&line.replace("green", "blue")).is_err());
    let hostile::Event::Enums(e) = round_trip(&with(line, r#""maybe_status":null"#)) else {
        panic!()
    };
    assert_eq!(
        e.maybe_status,
        hostile::evdef_support::OptionalNullable::Null
    );
}

#[test]
fn deep_nesting() {
    let line = r#"{"event":"deep","level1":{"level2":{"k":[{"level3":{"leaf":1,"kind":"a"}},null,{"level3":null},{}]}}}"#;
    let hostile::Event::Deep(e) = round_trip(line) else {
        panic!()
    };
    let items = &e.level1.level2["k"];
    assert_eq!(items.len(), 4);
    let first: &hostile::DeepLevel1Level2ValueItem = items[0].as_ref().unwrap();
    assert!(matches!(
        &first.level3,
        hostile::evdef_support::OptionalNullable::Value(hostile::DeepLevel1Level2ValueItemLevel3 {
            leaf: 1,
            kind: hostile::DeepLevel1Level2ValueItemLevel3Kind::A
        })
    ));
    assert!(items[1].is_none());
    assert!(parse(&line.replace(r#""kind":"a""#, r#""kind":"c""#)).is_err());
    assert!(parse(&line.replace(r#""leaf":1,"#, "")).is_err());
}
