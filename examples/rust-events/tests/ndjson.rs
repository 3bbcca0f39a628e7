//! The generated types read real log lines: every valid line parses into `Event` and serializes back to
//! the same JSON; every invalid line is rejected.

use rust_events::events::{ApiCreatedCheckIn, ApiCreatedCheckInRewardTier, OrderPlacedCurrency, evdef_support::OptionalNullable};
use rust_events::{Event, parse_line};

fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().map(|(i, l)| (i + 1, l)).filter(|(_, l)| !l.trim().is_empty())
}

#[test]
fn valid_lines_parse_and_round_trip() {
    for (n, line) in lines(include_str!("data/valid.ndjson")) {
        let event = parse_line(line).unwrap_or_else(|e| panic!("valid.ndjson:{n}: {e}"));
        let written = serde_json::to_value(&event).unwrap();
        let read: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(same(&written, &read), "valid.ndjson:{n} does not round-trip:\n{written}\n{read}");
        assert_eq!(parse_line(&written.to_string()).unwrap(), event, "valid.ndjson:{n}");
    }
}

/// JSON equality where `0` and `0.0` are the same number (a `number` parameter is an `f64`).
fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn invalid_lines_are_rejected() {
    for (n, line) in lines(include_str!("data/invalid.ndjson")) {
        assert!(parse_line(line).is_err(), "invalid.ndjson:{n} was accepted: {line}");
    }
}

#[test]
fn optional_nullable_keeps_absent_null_and_value_apart() {
    let events: Vec<Event> = lines(include_str!("data/valid.ndjson")).map(|(_, l)| parse_line(l).unwrap()).collect();
    let tiers: Vec<&OptionalNullable<ApiCreatedCheckInRewardTier>> = events
        .iter()
        .filter_map(|e| match e {
            Event::ApiCreatedCheckIn(ApiCreatedCheckIn { reward_tier, .. }) => Some(reward_tier),
            _ => None,
        })
        .collect();
    assert_eq!(
        tiers,
        [&OptionalNullable::Value(ApiCreatedCheckInRewardTier::Gold), &OptionalNullable::Null, &OptionalNullable::Absent]
    );
}

#[test]
fn events_are_built_in_code_and_tagged_by_name() {
    let first = parse_line(include_str!("data/valid.ndjson").lines().nth(5).unwrap()).unwrap();
    let Event::OrderPlaced(order) = &first else { panic!("expected order_placed, got {}", first.name()) };
    assert_eq!(order.currency, OrderPlacedCurrency::Eur);
    assert_eq!(order.currency.as_str(), "EUR");
    let event: Event = order.clone().into();
    let json = serde_json::to_value(&event).unwrap();
    assert_eq!(json["event"], "order_placed");
    assert_eq!(event.name(), rust_events::events::OrderPlaced::NAME);
    assert!(Event::NAMES.contains(&"api_deleted_check_in"));
}
