//! `unused-fragment`: a fragment that no event reaches, directly or through other fragments.

use crate::diagnostics::Diagnostic;
use crate::model::Catalog;

#[doc = include_str!("unused_fragment.md")]
pub struct UnusedFragment;

/// The rule's documentation.
pub const EXPLANATION: &str = include_str!("unused_fragment.md");

impl UnusedFragment {
    /// Run the rule.
    pub fn check(catalog: &Catalog, out: &mut Vec<Diagnostic>) {
        let mut reached: rustc_hash::FxHashSet<&str> = Default::default();
        let mut stack: Vec<&str> = catalog
            .events
            .values()
            .flat_map(|e| e.uses.iter().map(String::as_str))
            .chain(catalog.unresolved_uses.iter().map(String::as_str))
            .collect();
        while let Some(name) = stack.pop() {
            if !reached.insert(name) {
                continue;
            }
            if let Some(fragment) = catalog.fragments.get(name) {
                stack.extend(fragment.uses.iter().map(String::as_str));
            }
        }
        for fragment in catalog.fragments.values() {
            if reached.contains(fragment.name.as_str()) {
                continue;
            }
            let users: Vec<String> = catalog
                .fragments
                .values()
                .filter(|f| f.uses.contains(&fragment.name))
                .map(|f| format!("`{}`", f.name))
                .collect();
            let label = if users.is_empty() {
                "no event merges or refers to this fragment".to_string()
            } else {
                format!("only unused fragments refer to it: {}", users.join(", "))
            };
            out.push(
                Diagnostic::warning(
                    "unused-fragment",
                    format!("fragment `{}` is not used by any event", fragment.name),
                    fragment.name_span,
                )
                .with_label(label)
                .with_help("merge it into an event with `<<: *anchor`, or delete it"),
            );
        }
    }
}
