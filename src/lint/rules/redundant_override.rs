//! `redundant-override`: an explicit key that repeats, word for word, the definition it overrides.

use crate::diagnostics::Diagnostic;
use crate::lint::Located;
use crate::model::{Catalog, Parameter, Schema, Type};

#[doc = include_str!("redundant_override.md")]
pub struct RedundantOverride;

/// The rule's documentation.
pub const EXPLANATION: &str = include_str!("redundant_override.md");

/// Whether two definitions say the same thing: type, constraints, nullability, requiredness, description,
/// deprecation and `pii`, nested properties included (but not where they are written).
pub(crate) fn same_definition(a: &Parameter, b: &Parameter) -> bool {
    a.name == b.name
        && a.required == b.required
        && a.description == b.description
        && a.deprecated == b.deprecated
        && a.pii == b.pii
        && a.classification == b.classification
        && same_schema(&a.schema, &b.schema)
}

fn same_schema(a: &Schema, b: &Schema) -> bool {
    if a.nullable != b.nullable || a.constraints != b.constraints || a.description != b.description
    {
        return false;
    }
    match (&a.ty, &b.ty) {
        (Type::Object(x), Type::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((kx, px), (ky, py))| kx == ky && same_definition(px, py))
        }
        (Type::Array(x), Type::Array(y)) | (Type::Map(x), Type::Map(y)) => same_schema(x, y),
        (x, y) => x.name() == y.name(),
    }
}

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
        if !same_definition(p, old) {
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
                p.origin.key,
            )
            .with_label("identical to the inherited definition")
            .with_secondary(old.origin.key, "inherited definition")
            .with_secondary(hop.alias, "merged here")
            .with_help("delete the explicit key: the merge already provides it"),
        );
    }
}
