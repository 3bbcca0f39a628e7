//! Unit tests of the fast path on the validator's fixture catalog; the differential test against
//! `jsonschema` on generated catalogs is `tests/fast_differential/`.

use crate::config::EnvelopeConfig;
use crate::validate::Validator;

fn validator() -> Validator {
    let root = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/validate/catalog"
    );
    let compiled = crate::compile(&crate::Options::new().with_path(root)).unwrap();
    Validator::new(&compiled.catalog, &EnvelopeConfig::default()).unwrap()
}

const VALID: &str = r#"{"event":"api_created_check_in","user_id":1,"user_email":"a@example.com","client_id":"ios","checkin_id":"6f1c1b0e-3a43-4b2e-9a55-0f2b1b7c9d10","business_id":7,"insecure_mode":false,"offline_checkin":false,"checkin_at":"2024-05-01T12:00:00Z"}"#;

#[test]
fn every_fixture_event_compiles() {
    let v = validator();
    let fast = v.fast_path().unwrap();
    assert_eq!(fast.compiled(), v.event_names().len());
}

#[test]
fn proves_valid_lines_and_leaves_the_rest() {
    let v = validator();
    let fast = v.fast_path().unwrap();
    assert!(fast.check(VALID).is_some());
    let name_last = VALID
        .replace(r#""event":"api_created_check_in","#, "")
        .replace('}', r#","event":"api_created_check_in"}"#);
    assert!(fast.check(&name_last).is_some(), "{name_last}");
    for bad in [
        VALID.replace("\"user_id\":1", "\"user_id\":1.5"),
        VALID.replace("\"user_id\":1", "\"user_id\":9223372036854775808"),
        VALID.replace("\"user_id\":1", "\"user_id\":1e400"),
        VALID.replace("\"user_id\":1", "\"user_id\":1,\"user_id\":2"),
        VALID.replace("2024-05-01T12:00:00Z", "yesterday"),
        format!("{VALID} x"),
        format!("\u{feff}{VALID}"),
        VALID.replace("\"ios\"", "\"\\ud800\""),
    ] {
        assert_eq!(fast.check(&bad), None, "{bad}");
    }
    for good in [
        VALID.replace("\"user_id\":1", "\"user_id\":1.0"),
        VALID.replace("\"user_id\":1", "\"user_id\":1e2"),
        VALID.replace("\"user_id\":1", "\"user_id\":-0"),
        VALID.replace("\"ios\"", "\"\\ud83d\\ude00 \\u00e9\""),
        format!(" {VALID}\t"),
    ] {
        assert!(fast.check(&good).is_some(), "{good}");
    }
}

/// The errors walk answers a line with one error exactly as the slow path does, and leaves every other
/// line (two errors, malformed JSON, an unknown event, a duplicate key) to it.
#[test]
fn errors_walk_answers_one_error_lines_like_the_slow_path() {
    let v = validator();
    let slow = validator().without_fast_path();
    let fast = v.fast_path().unwrap();
    let long_key = "k".repeat(400);
    let answered = [
        VALID.replace("\"user_id\":1", "\"user_id\":\"abc\""),
        VALID.replace("\"business_id\":7,", ""),
        VALID.replace("\"client_id\"", "\"extra\":1,\"client_id\""),
        VALID.replace("\"client_id\"", &format!("\"{long_key}\":1,\"client_id\"")),
        VALID.replace("2024-05-01T12:00:00Z", "yesterday"),
    ];
    for line in &answered {
        let (_, errors) = fast
            .errors(line)
            .unwrap_or_else(|| panic!("not answered: {line}"));
        assert_eq!(errors.len(), 1, "{line}");
        assert_eq!(errors, slow.validate_line(line.as_bytes()).errors, "{line}");
        assert!(
            errors[0].message.len() <= super::super::MAX_MESSAGE + 3,
            "{line}"
        );
    }
    let left = [
        VALID
            .replace("\"user_id\":1", "\"user_id\":\"abc\"")
            .replace("\"business_id\":7,", ""),
        VALID.replace("}", ""),
        VALID.replace("api_created_check_in", "nope"),
        VALID.replace("\"user_id\":1", "\"user_id\":\"a\",\"user_id\":\"b\""),
        VALID.to_string(),
    ];
    for line in &left {
        assert!(fast.errors(line).is_none(), "{line}");
    }
}
