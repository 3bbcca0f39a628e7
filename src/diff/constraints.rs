//! Constraint changes of one value (`enum`, `pattern`, bounds and lengths), each classified on its own by
//! [`super::classify`]: constraints are a conjunction, so a value newly rejected is rejected by one of them.

use std::cmp::Ordering;

use serde_json::Value;

use super::change::{Breaks, Rule};
use super::classify::{bound_change, bound_order, compare_numbers, pattern_change};
use super::{At, Differ};
use crate::model::Schema;

/// A constraint value for messages: `5`, `none`.
fn show<T: std::fmt::Display>(v: Option<&T>) -> String {
    v.map_or_else(|| "none".to_string(), |v| v.to_string())
}

impl Differ {
    pub(super) fn constraints(&mut self, path: &str, o: &Schema, n: &Schema, at: At) {
        let name = self.shown(path);
        let (a, b) = (&o.constraints, &n.constraints);
        self.enumeration(
            path,
            &name,
            a.enumeration.as_deref(),
            b.enumeration.as_deref(),
            at,
        );
        if let Some((rule, breaks)) = pattern_change(a.pattern.as_deref(), b.pattern.as_deref()) {
            let message = format!(
                "`pattern` of {name} changed from {} to {}",
                show(a.pattern.as_ref().map(|p| format!("`{p}`")).as_ref()),
                show(b.pattern.as_ref().map(|p| format!("`{p}`")).as_ref()),
            );
            self.push(rule, Some(path), breaks, message, at);
        }
        let numbers = [
            ("minimum", a.minimum.as_ref(), b.minimum.as_ref(), true),
            ("maximum", a.maximum.as_ref(), b.maximum.as_ref(), false),
        ];
        for (key, x, y, lower) in numbers {
            let order = bound_order(x, y, lower, compare_numbers);
            self.bound(path, &name, key, order, lower, (show(x), show(y)), at);
        }
        let lengths = [
            ("min_length", a.min_length, b.min_length, true),
            ("max_length", a.max_length, b.max_length, false),
            ("min_items", a.min_items, b.min_items, true),
            ("max_items", a.max_items, b.max_items, false),
        ];
        for (key, x, y, lower) in lengths {
            let order = bound_order(x.as_ref(), y.as_ref(), lower, Ord::cmp);
            let shown_values = (show(x.as_ref()), show(y.as_ref()));
            self.bound(path, &name, key, order, lower, shown_values, at);
        }
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "one call site per kind of bound, all local"
    )]
    fn bound(
        &mut self,
        path: &str,
        name: &str,
        key: &str,
        order: Option<Ordering>,
        lower: bool,
        (from, to): (String, String),
        at: At,
    ) {
        if let Some((rule, breaks)) = bound_change(order, lower) {
            let message = format!("`{key}` of {name} changed from {from} to {to}");
            self.push(rule, Some(path), breaks, message, at);
        }
    }

    fn enumeration(
        &mut self,
        path: &str,
        name: &str,
        old: Option<&[Value]>,
        new: Option<&[Value]>,
        at: At,
    ) {
        match (old, new) {
            (None, None) => {}
            (None, Some(values)) => {
                let message = format!("`enum` added to {name}: {}", list(values));
                self.push(
                    Rule::ConstraintTightened,
                    Some(path),
                    Breaks::BACKWARD,
                    message,
                    at,
                );
            }
            (Some(values), None) => {
                let message = format!("`enum` removed from {name} (was {})", list(values));
                self.push(
                    Rule::ConstraintLoosened,
                    Some(path),
                    Breaks::FORWARD,
                    message,
                    at,
                );
            }
            (Some(old), Some(new)) => {
                for v in new.iter().filter(|v| !old.contains(v)) {
                    let message = format!("enum value `{v}` added to {name}");
                    self.push(
                        Rule::EnumValueAdded,
                        Some(path),
                        Breaks::FORWARD,
                        message,
                        at,
                    );
                }
                for v in old.iter().filter(|v| !new.contains(v)) {
                    let message = format!("enum value `{v}` removed from {name}");
                    self.push(
                        Rule::EnumValueRemoved,
                        Some(path),
                        Breaks::BACKWARD,
                        message,
                        at,
                    );
                }
            }
        }
    }
}

fn list(values: &[Value]) -> String {
    let items: Vec<String> = values.iter().map(Value::to_string).collect();
    format!("[{}]", items.join(", "))
}
