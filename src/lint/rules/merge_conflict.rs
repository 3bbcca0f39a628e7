//! `merge-conflict`: two merged fragments define one parameter differently.

use crate::diagnostics::Diagnostic;
use crate::lint::Located;
use crate::model::{Catalog, Parameter};

#[doc = include_str!("merge_conflict.md")]
pub struct MergeConflict;

/// The rule's documentation.
pub const EXPLANATION: &str = include_str!("merge_conflict.md");

impl MergeConflict {
    /// Run the rule.
    pub fn check(catalog: &Catalog, out: &mut Vec<Diagnostic>) {
        super::super::for_each_parameter(catalog, out, |located, out| Self::visit(located, out));
    }

    /// One parameter's findings: [`Self::check`] runs it on every parameter; `lint::check` runs it in
    /// the one walk over the catalog's parameters that the parameter rules share.
    pub(crate) fn visit(located: &Located<'_, '_>, out: &mut Vec<Diagnostic>) {
        let p = located.param;
        let Some(win_hop) = p.origin.via.first() else {
            return;
        };
        for old in &p.shadowed {
            let Some(old_hop) = old.origin.via.first() else {
                continue;
            };
            // Both arrived through one merge: the clash lives in that fragment and is reported there.
            if old_hop.alias == win_hop.alias || !super::super::differs(p, old) {
                continue;
            }
            out.push(conflict(&located.path(), p, old));
        }
    }
}

fn conflict(path: &str, winner: &Parameter, loser: &Parameter) -> Diagnostic {
    let from = |p: &Parameter| {
        p.origin
            .via
            .last()
            .map_or_else(|| "an inline mapping".into(), |h| h.source_label())
    };
    let win_hop = &winner.origin.via[0];
    let old_hop = &loser.origin.via[0];
    Diagnostic::warning(
        "merge-conflict",
        format!(
            "`{path}` is merged from `{}` as `{}` and from `{}` as `{}`",
            from(winner),
            super::super::describe(winner),
            from(loser),
            super::super::describe(loser)
        ),
        win_hop.alias,
    )
    .with_label(format!(
        "this merge wins: `{}`",
        super::super::describe(winner)
    ))
    .with_secondary(
        old_hop.alias,
        format!(
            "this merge is overridden: `{}`",
            super::super::describe(loser)
        ),
    )
    .with_secondary(winner.key_span, "winning definition")
    .with_secondary(loser.key_span, "overridden definition")
    .with_help("make the fragments agree, or write the parameter explicitly in the event")
}
