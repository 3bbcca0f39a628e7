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
