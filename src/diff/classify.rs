//! Which directions a change breaks, decided from the set semantics of DESIGN.md §5: a change breaks
//! *backward* when a value (or line) valid under OLD can be invalid under NEW, and *forward* in the other
//! direction. Each function answers for one component of a schema; a line is invalid only when some
//! component rejects it, so a break that a concrete line witnesses is always claimed by some change.

use std::cmp::Ordering;

use serde_json::Number;

use super::change::{Breaks, Rule};
use crate::config::AdditionalParameters;
use crate::model::{Definition, Schema, Type};

/// Whether a schema accepts every JSON value (an unconstrained `json`): only then may a key be carried with
/// any value without breaking a reader that checks it.
pub fn accepts_anything(schema: &Schema) -> bool {
    schema.ty == Type::Json && schema.constraints.is_empty()
}

/// Whether `null` is a valid value: a nullable schema, or `json`, which accepts every value.
pub fn accepts_null(schema: &Schema) -> bool {
    schema.nullable || schema.ty == Type::Json
}

/// A parameter that exists only on the NEW side, under OLD's content model (NEW's does not matter: NEW
/// checks the key either way).
pub fn parameter_added(new: &Definition, old_model: AdditionalParameters) -> Breaks {
    Breaks {
        // Old lines lack the key, unless an open OLD let them carry it with a value NEW may reject.
        backward: new.required
            || (old_model == AdditionalParameters::Allow && !accepts_anything(&new.schema)),
        // New lines may carry the key; a closed OLD rejects it.
        forward: old_model == AdditionalParameters::Deny,
    }
}

/// A parameter that exists only on the OLD side, under NEW's content model (OLD's does not matter: OLD
/// checks the key either way).
pub fn parameter_removed(old: &Definition, new_model: AdditionalParameters) -> Breaks {
    Breaks {
        // Old lines may carry the key; a closed NEW rejects it.
        backward: new_model == AdditionalParameters::Deny,
        // New lines lack the key, or (under an open NEW) carry it with any value.
        forward: old.required
            || (new_model == AdditionalParameters::Allow && !accepts_anything(&old.schema)),
    }
}

/// The values a type accepts (without `null`) include another type's.
fn includes(wide: &Type, narrow: &Type) -> bool {
    use Type::*;
    match (wide, narrow) {
        (Json, _) => true,
        (Number, Integer) => true,
        (String, Timestamp | Date | Uuid | Email | Url) => true,
        (a, b) => a.name() == b.name(),
    }
}

/// How a type change relates the old and the new values, for two types of different kinds (compound types
/// of the same kind are compared element by element instead).
pub fn type_change(old: &Type, new: &Type) -> (Rule, Breaks) {
    match (includes(new, old), includes(old, new)) {
        (true, true) => (Rule::TypeChanged, Breaks::NONE),
        (true, false) => (Rule::TypeWidened, Breaks::FORWARD),
        (false, true) => (Rule::TypeNarrowed, Breaks::BACKWARD),
        (false, false) => (Rule::TypeChanged, Breaks::BOTH),
    }
}

/// Compare two JSON numbers by value (exactly for integers, as `f64` otherwise).
pub fn compare_numbers(a: &Number, b: &Number) -> Ordering {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return x.cmp(&y);
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return x.cmp(&y);
    }
    let (x, y) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
    x.total_cmp(&y)
}

/// Which way a bound moved: a lower bound (`minimum`, `min_length`, `min_items`) tightens when it rises or
/// appears; an upper bound tightens when it falls or appears. `None` when it did not change.
pub fn bound_change(order: Option<Ordering>, lower: bool) -> Option<(Rule, Breaks)> {
    let tightened = (Rule::ConstraintTightened, Breaks::BACKWARD);
    let loosened = (Rule::ConstraintLoosened, Breaks::FORWARD);
    match order? {
        Ordering::Equal => None,
        Ordering::Greater if lower => Some(tightened),
        Ordering::Less if !lower => Some(tightened),
        _ => Some(loosened),
    }
}

/// How a bound changed from `old` to `new`: `Greater` when NEW is higher. A bound that appears counts as
/// moving inwards (`Greater` for a lower bound), one that disappears as moving outwards.
pub fn bound_order<T>(
    old: Option<&T>,
    new: Option<&T>,
    lower: bool,
    cmp: impl Fn(&T, &T) -> Ordering,
) -> Option<Ordering> {
    let inwards = if lower {
        Ordering::Greater
    } else {
        Ordering::Less
    };
    match (old, new) {
        (None, None) => None,
        (None, Some(_)) => Some(inwards),
        (Some(_), None) => Some(inwards.reverse()),
        (Some(a), Some(b)) => Some(cmp(b, a)),
    }
}

/// A `pattern` change: appearing tightens, disappearing loosens, and a different pattern cannot be decided.
pub fn pattern_change(old: Option<&str>, new: Option<&str>) -> Option<(Rule, Breaks)> {
    match (old, new) {
        (None, Some(_)) => Some((Rule::ConstraintTightened, Breaks::BACKWARD)),
        (Some(_), None) => Some((Rule::ConstraintLoosened, Breaks::FORWARD)),
        (Some(a), Some(b)) if a != b => Some((Rule::ConstraintChanged, Breaks::BOTH)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::AdditionalParameters::{Allow, Deny};
    use crate::model::Constraints;

    fn def(ty: Type, required: bool) -> Definition {
        Definition {
            name: "p".into(),
            key_span: crate::source::Span::default(),
            value_span: crate::source::Span::default(),
            schema: Schema {
                ty,
                nullable: false,
                constraints: Constraints::default(),
                description: None,
            },
            required,
            description: None,
            deprecated: None,
            pii: None,
            classification: None,
        }
    }

    /// The README's table: change kind × content model → directions.
    #[test]
    fn added_and_removed_parameters_follow_the_content_model() {
        let cases = [
            // (optional string, optional json, required string) added under deny, then allow.
            (Deny, def(Type::String, false), Breaks::FORWARD),
            (Deny, def(Type::Json, false), Breaks::FORWARD),
            (Deny, def(Type::String, true), Breaks::BOTH),
            (Allow, def(Type::String, false), Breaks::BACKWARD),
            (Allow, def(Type::Json, false), Breaks::NONE),
            (Allow, def(Type::String, true), Breaks::BACKWARD),
        ];
        for (model, d, breaks) in &cases {
            assert_eq!(parameter_added(d, *model), *breaks, "add {model:?} {d:?}");
        }
        let removed = [
            (Deny, def(Type::String, false), Breaks::BACKWARD),
            (Deny, def(Type::String, true), Breaks::BOTH),
            (Allow, def(Type::String, false), Breaks::FORWARD),
            (Allow, def(Type::Json, false), Breaks::NONE),
            (Allow, def(Type::String, true), Breaks::FORWARD),
        ];
        for (model, d, breaks) in &removed {
            assert_eq!(
                parameter_removed(d, *model),
                *breaks,
                "remove {model:?} {d:?}"
            );
        }
    }

    #[test]
    fn type_lattice() {
        let cases = [
            (Type::Integer, Type::Number, Rule::TypeWidened),
            (Type::Number, Type::Integer, Rule::TypeNarrowed),
            (Type::Uuid, Type::String, Rule::TypeWidened),
            (Type::String, Type::Email, Rule::TypeNarrowed),
            (Type::Boolean, Type::Json, Rule::TypeWidened),
            (Type::Json, Type::Date, Rule::TypeNarrowed),
            (Type::Date, Type::Timestamp, Rule::TypeChanged),
            (Type::String, Type::Integer, Rule::TypeChanged),
        ];
        for (old, new, rule) in cases {
            assert_eq!(type_change(&old, &new).0, rule, "{old:?} → {new:?}");
        }
    }

    #[test]
    fn bounds_move_in_and_out() {
        let n = |v: i64| Number::from(v);
        let min = |a: Option<i64>, b: Option<i64>| {
            let (a, b) = (a.map(n), b.map(n));
            bound_change(
                bound_order(a.as_ref(), b.as_ref(), true, compare_numbers),
                true,
            )
            .map(|c| c.0)
        };
        assert_eq!(min(Some(1), Some(2)), Some(Rule::ConstraintTightened));
        assert_eq!(min(Some(2), Some(1)), Some(Rule::ConstraintLoosened));
        assert_eq!(min(None, Some(1)), Some(Rule::ConstraintTightened));
        assert_eq!(min(Some(1), None), Some(Rule::ConstraintLoosened));
        assert_eq!(min(Some(1), Some(1)), None);
        let max = |a: Option<u64>, b: Option<u64>| {
            bound_change(bound_order(a.as_ref(), b.as_ref(), false, Ord::cmp), false).map(|c| c.0)
        };
        assert_eq!(max(Some(5), Some(3)), Some(Rule::ConstraintTightened));
        assert_eq!(max(None, Some(3)), Some(Rule::ConstraintTightened));
        assert_eq!(max(Some(3), None), Some(Rule::ConstraintLoosened));
    }
}
