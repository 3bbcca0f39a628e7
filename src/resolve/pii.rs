//! `pii:` and `classification:` on a long-form parameter: whether its value is personal data, and under
//! which of the team's classes. Read apart from the rest of the long form so the two keys stay one
//! small addition to the parameter keys.

use super::types::Resolver;
use crate::diagnostics::Diagnostic;
use crate::model::Definition;
use crate::yaml::{Merged, NodeId};

impl Resolver<'_, '_> {
    /// Read `pii:` and `classification:` from a long form's `merged` mapping into `def`. `false` when either is
    /// malformed (the errors are pushed), or when `classification` is given without `pii: true`.
    pub(super) fn pii(
        &mut self,
        merged: &Merged,
        def: &mut Definition,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> bool {
        let before = diagnostics.len();
        if let Some(entry) = merged.get("pii") {
            def.pii = self.boolean(entry, diagnostics);
        }
        if let Some(entry) = merged.get("classification") {
            def.classification = self.string(entry, diagnostics);
            if def.classification.is_some() && def.pii != Some(true) {
                let tree = self.tree();
                diagnostics.push(
                    Diagnostic::error(
                        "invalid-value",
                        "`classification` needs `pii: true` next to it",
                        tree.get(entry.key_node).span,
                    )
                    .with_help("add `pii: true`, or remove `classification`"),
                );
            }
        }
        diagnostics.len() == before
    }

    /// `items:` and `values:` cannot carry `pii:` or `classification:`: personal data is a property of the
    /// parameter. `false` (with an error) when they do.
    pub(super) fn no_pii_on_items(
        &mut self,
        node: NodeId,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> bool {
        let Some(merged) = self.merger.mapping(node, &mut Vec::new()) else {
            return true;
        };
        let tree = self.tree();
        let mut ok = true;
        for key in ["pii", "classification"] {
            if let Some(entry) = merged.get(key) {
                diagnostics.push(
                    Diagnostic::error(
                        "invalid-constraint",
                        format!("`{key}` belongs on the parameter, not on its `items` or `values`"),
                        tree.get(entry.key_node).span,
                    )
                    .with_help(format!("move `{key}:` up to the parameter")),
                );
                ok = false;
            }
        }
        ok
    }
}
