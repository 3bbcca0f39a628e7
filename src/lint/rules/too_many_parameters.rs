//! `too-many-parameters`: an event with more parameters than `[lint.too-many-parameters] max`, after
//! merges.

use crate::diagnostics::Diagnostic;
use crate::model::Catalog;

#[doc = include_str!("too_many_parameters.md")]
pub struct TooManyParameters {
    max: usize,
}

/// The rule's documentation.
pub const EXPLANATION: &str = include_str!("too_many_parameters.md");

/// The most parameters an event may have unless configured otherwise.
pub const DEFAULT_MAX: usize = 50;

impl TooManyParameters {
    /// The rule with the configured maximum (the default when `None`).
    pub fn new(max: Option<usize>) -> Self {
        TooManyParameters {
            max: max.unwrap_or(DEFAULT_MAX),
        }
    }

    /// Run the rule.
    pub fn check(&self, catalog: &Catalog, out: &mut Vec<Diagnostic>) {
        for event in catalog.events.values() {
            let count = event.parameters.len();
            if count <= self.max {
                continue;
            }
            let inherited = event
                .parameters
                .each()
                .filter(|(p, step)| step.is_some() || p.origin.is_inherited())
                .count();
            out.push(
                Diagnostic::warning(
                    "too-many-parameters",
                    format!(
                        "event `{}` has {count} parameters ({inherited} of them merged), more than {}",
                        event.name, self.max
                    ),
                    event.name_span,
                )
                .with_label(format!("{count} parameters"))
                .with_help(
                    "group related parameters into an `object`, split the event, or raise \
                     `[lint.too-many-parameters] max`",
                ),
            );
        }
    }
}
