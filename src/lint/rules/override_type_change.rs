//! `override-type-change`: an explicit key overrides an inherited one with another type.

use crate::diagnostics::Diagnostic;
use crate::lint::Located;
use crate::model::Catalog;

#[doc = include_str!("override_type_change.md")]
pub struct OverrideTypeChange;

/// The rule's documentation.
pub const EXPLANATION: &str = include_str!("override_type_change.md");

impl OverrideTypeChange {
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
        for old in &p.shadowed {
            let Some(hop) = old.origin.via.first() else {
                continue;
            };
            if old.schema.ty.display() == p.schema.ty.display() {
                continue;
            }
            let from = hop.source_label();
            out.push(
                Diagnostic::warning(
                    "override-type-change",
                    format!(
                        "`{}` overrides the `{}` inherited from `{from}` with `{}`",
                        located.path(),
                        old.schema.ty.display(),
                        p.schema.ty.display()
                    ),
                    p.key_span,
                )
                .with_label(format!("now `{}`", p.schema.ty.display()))
                .with_secondary(
                    old.key_span,
                    format!("inherited as `{}` here", old.schema.ty.display()),
                )
                .with_secondary(hop.alias, "merged here")
                .with_help("rename the parameter, or change the type in the fragment"),
            );
        }
    }
}
