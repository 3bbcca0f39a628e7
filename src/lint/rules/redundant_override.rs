//! `redundant-override`: an explicit key that repeats, word for word, the definition it overrides.

use crate::diagnostics::Diagnostic;
use crate::lint::{Likeness, Located, same_parameter};
use crate::model::Catalog;

#[doc = include_str!("redundant_override.md")]
pub struct RedundantOverride;

/// The rule's documentation.
pub const EXPLANATION: &str = include_str!("redundant_override.md");

impl RedundantOverride {
    /// Run the rule.
    pub fn check(catalog: &Catalog, out: &mut Vec<Diagnostic>) {
        super::super::for_each_parameter(catalog, out, |located, out| Self::visit(located, out));
    }

    /// One parameter's findings: [`Self::check`] runs it on every parameter; `lint::check` runs it in
    /// the one walk over the catalog's parameters that the parameter rules share.
    pub(crate) fn visit(located: &Located<'_, '_>, out: &mut Vec<Diagnostic>) {
        let p = located.param;
        if p.origin.is_inherited() {
            return;
        }
        // The definition the merges would give without the explicit key is the last one overridden.
        let Some(old) = p.shadowed.last() else {
            return;
        };
        let Some(hop) = old.origin.via.first() else {
            return;
        };
        if !same_parameter(p, old, Likeness::Written) {
            return;
        }
        let from = hop.source_label();
        out.push(
            Diagnostic::warning(
                "redundant-override",
                format!(
                    "`{}` repeats the definition it inherits from `{from}`",
                    located.path()
                ),
                p.key_span,
            )
            .with_label("identical to the inherited definition")
            .with_secondary(old.key_span, "inherited definition")
            .with_secondary(hop.alias, "merged here")
            .with_help("delete the explicit key: the merge already provides it"),
        );
    }
}
