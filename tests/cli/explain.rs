//! `evdef explain`: parameters with their inheritance chain.

use insta_cmd::assert_cmd_snapshot;

use super::{evdef, fixture};

#[test]
fn explains_inherited_parameters() {
    assert_cmd_snapshot!(evdef().args([
        "explain",
        "api_created_check_in",
        "-d",
        &fixture("cli/seed")
    ]));
}

#[test]
fn unknown_event_suggests_and_exits_two() {
    assert_cmd_snapshot!(evdef().args([
        "explain",
        "api_created_checkin",
        "-d",
        &fixture("cli/seed")
    ]));
}

#[test]
fn shows_enums_constraints_and_deprecation() {
    assert_cmd_snapshot!(evdef().args(["explain", "app_opened", "-d", &fixture("cli/explain")]));
}

#[test]
fn an_event_that_does_not_resolve_is_shown_with_its_errors() {
    assert_cmd_snapshot!(evdef().args(["explain", "broken_event", "-d", &fixture("cli/explain")]));
}
