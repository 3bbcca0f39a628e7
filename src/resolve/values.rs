//! Reading scalar settings (`description`, `required`, `minimum`, `tags`, ...) with one kind of error for a
//! value of the wrong kind.

use serde_json::Value;

use super::types::Resolver;
use crate::diagnostics::Diagnostic;
use crate::yaml::{self, Entry, NodeId, NodeKind};

impl Resolver<'_, '_> {
    /// ``invalid-value``: `` `key` must be <what>, not <what it is> ``, at the value.
    fn expected(&self, key: &str, node: NodeId, what: &str) -> Diagnostic {
        let tree = self.tree();
        Diagnostic::error(
            "invalid-value",
            format!("`{key}` must be {what}, not {}", tree.describe(node)),
            tree.get(node).span,
        )
    }

    /// A non-empty string (any scalar: `version: 2` reads as `"2"`).
    pub fn string(&self, entry: &Entry, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
        match self.tree().scalar(entry.value) {
            Some(s) if !(s.plain && matches!(s.value.as_ref(), "" | "null" | "~")) => {
                Some(String::from(&*s.value))
            }
            _ => {
                diagnostics.push(self.expected(&entry.key, entry.value, "a string"));
                None
            }
        }
    }

    /// `true` or `false`.
    pub fn boolean(&self, entry: &Entry, diagnostics: &mut Vec<Diagnostic>) -> Option<bool> {
        match self.tree().scalar(entry.value).map(yaml::value::scalar) {
            Some(Value::Bool(b)) => Some(b),
            _ => {
                diagnostics.push(self.expected(&entry.key, entry.value, "`true` or `false`"));
                None
            }
        }
    }

    /// `deprecated: true`, `deprecated: false`, or `deprecated: <reason>`.
    pub fn deprecation(&self, entry: &Entry, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
        let Some(s) = self.tree().scalar(entry.value) else {
            diagnostics.push(self.expected(&entry.key, entry.value, "`true` or a reason"));
            return None;
        };
        match yaml::value::scalar(s) {
            Value::Bool(true) => Some("deprecated".into()),
            Value::Bool(false) => None,
            _ => Some(String::from(&*s.value)),
        }
    }

    /// A list of strings (`tags`).
    pub fn string_list(&self, entry: &Entry, diagnostics: &mut Vec<Diagnostic>) -> Vec<String> {
        let tree = self.tree();
        let NodeKind::Sequence(items) = &tree.resolved(entry.value).kind else {
            diagnostics.push(self.expected(&entry.key, entry.value, "a list of strings"));
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|&item| match tree.scalar(item) {
                Some(s) => Some(String::from(&*s.value)),
                None => {
                    diagnostics.push(self.expected(&entry.key, item, "a list of strings"));
                    None
                }
            })
            .collect()
    }

    /// A number (`minimum`, `maximum`).
    pub fn number(
        &self,
        entry: &Entry,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<serde_json::Number> {
        match self.tree().scalar(entry.value).map(yaml::value::scalar) {
            Some(Value::Number(n)) => Some(n),
            _ => {
                diagnostics.push(self.expected(&entry.key, entry.value, "a number"));
                None
            }
        }
    }

    /// A whole number ≥ 0 (`min_length`, `max_items`, ...).
    pub fn count(&self, entry: &Entry, diagnostics: &mut Vec<Diagnostic>) -> Option<u64> {
        match self.tree().scalar(entry.value).map(yaml::value::scalar) {
            Some(Value::Number(n)) if n.is_u64() => n.as_u64(),
            _ => {
                diagnostics.push(self.expected(&entry.key, entry.value, "a whole number ≥ 0"));
                None
            }
        }
    }
}
