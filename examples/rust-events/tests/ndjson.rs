//! The generated types read real log lines: every valid line parses into `Event` and serializes back to
//! the same JSON; every invalid line is rejected.

use rust_events::events::{ApiCreatedBusiness, ApiDeletedUser, BusinessCategory};
use rust_events::{Event, parse_line};

fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.trim().is_empty())
}

#[test]
fn valid_lines_parse_and_round_trip() {
    for (n, line) in lines(include_str!("data/valid.ndjson")) {
        let event = parse_line(line).unwrap_or_else(|e| panic!("valid.ndjson:{n}: {e}"));
        let written = serde_json::to_value(&event).unwrap();
        let read: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(
            same(&written, &read),
            "valid.ndjson:{n} does not round-trip:\n{written}\n{read}"
        );
        assert_eq!(
            parse_line(&written.to_string()).unwrap(),
            event,
            "valid.ndjson:{n}"
        );
    }
}

/// JSON equality where `0` and `0.0` are the same number (a `number` parameter is an `f64`).
fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn invalid_lines_are_rejected() {
    for (n, line) in lines(include_str!("data/invalid.ndjson")) {
        assert!(
            parse_line(line).is_err(),
            "invalid.ndjson:{n} was accepted: {line}"
        );
    }
}

#[test]
fn nullable_parameters_must_be_present() {
    let reasons: Vec<Option<String>> = lines(include_str!("data/valid.ndjson"))
        .filter_map(|(_, l)| match parse_line(l).unwrap() {
            Event::ApiDeletedUser(ApiDeletedUser {
                deletion_reason, ..
            }) => Some(deletion_reason),
            _ => None,
        })
        .collect();
    assert_eq!(reasons, [None, Some("moving away".to_string())]);
}

#[test]
fn events_are_built_in_code_and_tagged_by_name() {
    let line = include_str!("data/valid.ndjson").lines().nth(7).unwrap();
    let parsed = parse_line(line).unwrap();
    let Event::ApiCreatedBusiness(business) = &parsed else {
        panic!("expected api_created_business, got {}", parsed.name())
    };
    assert_eq!(business.business_category, BusinessCategory::Cafe);
    assert_eq!(business.business_category.as_str(), "cafe");
    assert_eq!(business.address.position.latitude, 52.5035);
    let event: Event = business.clone().into();
    let json = serde_json::to_value(&event).unwrap();
    assert_eq!(json["event"], "api_created_business");
    assert_eq!(event.name(), ApiCreatedBusiness::NAME);
}

/// Every `examples:` entry of the catalog, with its event name added, parses into `Event` and round-trips.
#[test]
fn every_catalog_example_parses() {
    let compiled = evdef::compile(&evdef::Options::new().with_path("../../definitions")).unwrap();
    assert!(!compiled.has_errors());
    let mut seen = 0;
    for (name, event) in &compiled.catalog.events {
        for example in &event.examples {
            let mut line = serde_json::Map::new();
            line.insert("event".into(), name.clone().into());
            line.extend(example.value.as_object().unwrap().clone());
            let line = serde_json::Value::Object(line);
            let parsed = parse_line(&line.to_string())
                .unwrap_or_else(|e| panic!("example of `{name}`: {e}\n{line}"));
            assert!(
                same(&serde_json::to_value(&parsed).unwrap(), &line),
                "example of `{name}` does not round-trip"
            );
            seen += 1;
        }
    }
    assert!(seen >= 5, "only {seen} examples in the catalog");
}

/// Issue 14: every event that merges a shared fragment implements its trait, so one function takes "any
/// event that carries a user".
#[test]
fn events_that_merge_a_fragment_implement_its_trait() {
    use rust_events::events::User;

    fn user_of(event: &impl User) -> (i64, &str) {
        (*event.user_id(), event.user_email())
    }
    let mut users = Vec::new();
    for (_, line) in lines(include_str!("data/valid.ndjson")) {
        match parse_line(line).unwrap() {
            Event::ApiCreatedCheckIn(e) => users.push(user_of(&e).0),
            Event::ApiRejectedCheckIn(e) => users.push(user_of(&e).0),
            _ => {}
        }
    }
    assert!(users.contains(&42) && users.contains(&43), "{users:?}");
}
