//! `missing-description`: an event without a description.

use crate::diagnostics::Diagnostic;
use crate::model::Catalog;

#[doc = include_str!("missing_description.md")]
pub struct EventWithoutDescription;

/// The rule's documentation.
pub const EXPLANATION: &str = include_str!("missing_description.md");

impl EventWithoutDescription {
    /// Run the rule.
    pub fn check(catalog: &Catalog, out: &mut Vec<Diagnostic>) {
        for event in catalog.events.values() {
            if event
                .description
                .as_deref()
                .is_none_or(|d| d.trim().is_empty())
            {
                out.push(
                    Diagnostic::warning(
                        "missing-description",
                        format!("event `{}` has no description", event.name),
                        event.name_span,
                    )
                    .with_help(
                        "add `description:` saying when the event is sent and what it means",
                    ),
                );
            }
        }
    }
}
