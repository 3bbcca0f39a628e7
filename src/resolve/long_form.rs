//! Long-form parameters: a mapping with `type`, constraints, `properties`, `items` or `values`, read key by
//! key (the keys come from [`ParameterKey`]), then typed, then checked as a whole.

use std::rc::Rc;

use rustc_hash::FxHashMap;
use serde_json::Value;

use super::raw::ParameterKey;
use super::types::{MAX_DEPTH, Resolver};
use super::unknown_key;
use crate::diagnostics::Diagnostic;
use crate::model::{Schema, Type};
use crate::source::Span;
use crate::yaml::{self, Entry, Merged, NodeId, NodeKind, Tree};

/// A long-form parameter, read.
pub struct LongForm {
    /// Type, nullability and constraints.
    pub schema: Schema,
    /// Whether the type was written optional (`type: string?`).
    pub optional: bool,
    /// `description:`.
    pub description: Option<String>,
    /// `deprecated:`, as a reason.
    pub deprecated: Option<String>,
    /// `required:`, when written.
    pub required: Option<bool>,
    /// The mapping as merged, for the keys read after it (`pii:`, `classification:`): a mapping that is
    /// not anchored is not memoised by the merger, so it is merged once and handed on.
    pub merged: Rc<Merged>,
}

impl Resolver<'_, '_> {
    /// A long-form definition. `None` when it has errors (they are pushed).
    pub(super) fn long_form(
        &mut self,
        node: NodeId,
        depth: usize,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<LongForm> {
        let tree = self.tree();
        let merged = self.merger.mapping(node, diagnostics)?;
        if depth >= MAX_DEPTH {
            diagnostics.push(Diagnostic::error(
                "too-deep",
                format!("parameters nest more than {MAX_DEPTH} levels deep"),
                tree.get(node).span,
            ));
            return None;
        }
        let errors_before = diagnostics.len();
        let (mut form, type_name) = self.long_form_keys(&merged, diagnostics);
        // The type: explicit, or `object` when only `properties` is given.
        let (name, type_span) = match type_name {
            Some(t) => t,
            None if merged.get(ParameterKey::Properties.name()).is_some() => {
                ("object".to_string(), tree.get(node).span)
            }
            None => {
                diagnostics.push(
                    Diagnostic::error(
                        "missing-type",
                        "parameter has no `type`",
                        tree.get(node).span,
                    )
                    .with_help(format!(
                        "add `type:`; known types: {}",
                        Type::NAMES.join(", ")
                    )),
                );
                return None;
            }
        };
        let (ty, optional) = self.long_form_type(&name, type_span, &merged, depth, diagnostics)?;
        form.schema.ty = ty;
        form.optional = optional;
        check_structure_keys(&form.schema.ty, &name, &merged, tree, diagnostics);
        if let Some(e) = merged.get(ParameterKey::Enum.name()) {
            form.schema.constraints.enumeration = self.enumeration(&form.schema.ty, e, diagnostics);
        }
        check_constraints(&form.schema, &name, &merged, tree, diagnostics);
        if diagnostics[errors_before..]
            .iter()
            .any(|d| d.severity == crate::Severity::Error)
        {
            return None;
        }
        form.merged = merged;
        Some(form)
    }

    /// Every key of a long form but the structural ones (read once the type is known): the form so far and
    /// the `type:` written, with its span.
    fn long_form_keys(
        &mut self,
        merged: &Merged,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> (LongForm, Option<(String, Span)>) {
        let tree = self.tree();
        let mut form = LongForm {
            schema: Schema::plain(),
            optional: false,
            description: None,
            deprecated: None,
            required: None,
            merged: Rc::default(),
        };
        let mut type_name = None;
        for entry in &merged.entries {
            let mut local = Vec::new();
            let c = &mut form.schema.constraints;
            // The keys come from the raw parameter type, so the schema lists exactly the keys handled here.
            match ParameterKey::from_name(&entry.key) {
                Some(ParameterKey::Type) => {
                    if let Some(t) = self.string(entry, &mut local) {
                        type_name = Some((t, tree.get(entry.value).span));
                    }
                }
                Some(ParameterKey::Description) => form.description = self.string(entry, &mut local),
                Some(ParameterKey::Deprecated) => form.deprecated = self.deprecation(entry, &mut local),
                Some(ParameterKey::Required) => form.required = self.boolean(entry, &mut local),
                Some(ParameterKey::Nullable) => {
                    form.schema.nullable = self.boolean(entry, &mut local).unwrap_or(false)
                }
                Some(ParameterKey::Pattern) => c.pattern = self.pattern(entry, &mut local),
                Some(ParameterKey::Minimum) => c.minimum = self.number(entry, &mut local),
                Some(ParameterKey::Maximum) => c.maximum = self.number(entry, &mut local),
                Some(ParameterKey::MinLength) => c.min_length = self.count(entry, &mut local),
                Some(ParameterKey::MaxLength) => c.max_length = self.count(entry, &mut local),
                Some(ParameterKey::MinItems) => c.min_items = self.count(entry, &mut local),
                Some(ParameterKey::MaxItems) => c.max_items = self.count(entry, &mut local),
                // Read once the type is known.
                Some(
                    ParameterKey::Enum
                    | ParameterKey::Properties
                    | ParameterKey::Items
                    | ParameterKey::Values,
                ) => {}
                // Read by `pii` (resolve/pii.rs).
                Some(ParameterKey::Pii | ParameterKey::Classification) => {}
                None if &*entry.key == "format" => local.push(
                    Diagnostic::error("unknown-key", "unknown key `format` in a parameter", tree.get(entry.key_node).span)
                        .with_help("the format is implied by the type: use `timestamp`, `date`, `uuid`, `email` or `url`"),
                ),
                None => local.push(unknown_key(self.sources(), tree, entry, &entry.key, ParameterKey::NAMES, "a parameter")),
            }
            self.add_inherited_labels(entry, &mut local);
            diagnostics.append(&mut local);
        }
        (form, type_name)
    }

    /// `pattern:`: kept even when it is not a valid regular expression (that is reported).
    fn pattern(&self, entry: &Entry, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
        let p = self.string(entry, diagnostics)?;
        if let Err(e) = fancy_regex::Regex::new(&p) {
            diagnostics.push(
                Diagnostic::error(
                    "invalid-pattern",
                    format!("invalid regular expression `{p}`"),
                    self.tree().get(entry.value).span,
                )
                .with_label(e.to_string()),
            );
        }
        Some(p)
    }

    /// The type named by `type:` (`object`, `array` and `map` with their structural key), and whether it
    /// was written optional.
    fn long_form_type(
        &mut self,
        name: &str,
        type_span: Span,
        merged: &Merged,
        depth: usize,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<(Type, bool)> {
        let structural = |key: ParameterKey, diagnostics: &mut Vec<Diagnostic>| -> Option<Entry> {
            let key = key.name();
            let found = merged.get(key).cloned();
            if found.is_none() {
                diagnostics.push(
                    Diagnostic::error(
                        "missing-key",
                        format!("type `{name}` needs `{key}`"),
                        type_span,
                    )
                    .with_help(format!("add `{key}:` next to `type: {name}`")),
                );
            }
            found
        };
        Some(match name.trim() {
            "object" => {
                let props = structural(ParameterKey::Properties, diagnostics)?;
                let params = self.parameters(props.value, depth + 1, diagnostics)?;
                (Type::Object(Box::new(params)), false)
            }
            "array" => {
                let items = structural(ParameterKey::Items, diagnostics)?;
                let items = self.item_schema(&items, depth + 1, diagnostics)?;
                (Type::Array(Box::new(items)), false)
            }
            "map" => {
                let values = structural(ParameterKey::Values, diagnostics)?;
                let values = self.item_schema(&values, depth + 1, diagnostics)?;
                (Type::Map(Box::new(values)), false)
            }
            other => {
                let (s, optional) = self.short_form(other, type_span, depth, diagnostics)?;
                (s.ty, optional)
            }
        })
    }

    /// `items:` / `values:`: a short type or a long form (whose `required` makes no sense and is rejected).
    fn item_schema(
        &mut self,
        entry: &Entry,
        depth: usize,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Schema> {
        let tree = self.tree();
        match &tree.resolved(entry.value).kind {
            NodeKind::Scalar(s) => {
                let (schema, optional) =
                    self.short_form(&s.value, tree.get(entry.value).span, depth, diagnostics)?;
                if optional {
                    diagnostics.push(
                        Diagnostic::error(
                            "invalid-constraint",
                            format!("`{}` items cannot be optional", entry.key),
                            tree.get(entry.value).span,
                        )
                        .with_help("use `nullable: true` to allow null items"),
                    );
                    return None;
                }
                Some(schema)
            }
            NodeKind::Mapping(_) => {
                if !self.no_pii_on_items(entry.value, diagnostics) {
                    return None;
                }
                let form = self.long_form(entry.value, depth, diagnostics)?;
                if form.optional || form.required.is_some() {
                    diagnostics.push(
                        Diagnostic::error(
                            "invalid-constraint",
                            format!("`{}` cannot be optional or required", entry.key),
                            tree.get(entry.value).span,
                        )
                        .with_help("use `nullable: true` to allow null items"),
                    );
                    return None;
                }
                let mut schema = form.schema;
                schema.description = form.description;
                Some(schema)
            }
            _ => {
                diagnostics.push(Diagnostic::error(
                    "invalid-value",
                    format!(
                        "`{}` must be a type, not {}",
                        entry.key,
                        tree.describe(entry.value)
                    ),
                    tree.get(entry.value).span,
                ));
                None
            }
        }
    }

    /// `enum:` values, read as the parameter's type (so `enum: [yes, no]` on a string stays strings).
    fn enumeration(
        &mut self,
        ty: &Type,
        entry: &Entry,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Vec<Value>> {
        let tree = self.tree();
        let NodeKind::Sequence(items) = &tree.resolved(entry.value).kind else {
            diagnostics.push(Diagnostic::error(
                "invalid-value",
                format!("`enum` must be a list, not {}", tree.describe(entry.value)),
                tree.get(entry.value).span,
            ));
            return None;
        };
        if items.is_empty() {
            diagnostics.push(
                Diagnostic::error(
                    "invalid-value",
                    "`enum` is empty",
                    tree.get(entry.value).span,
                )
                .with_help("list at least one value"),
            );
            return None;
        }
        let mut values = Vec::new();
        // Where each value was first listed, by a key that equal values share (looking through every value
        // listed before grew with the square of the list: 2.5 s for 40,000 values).
        let mut seen = FxHashMap::<String, Vec<(Value, Span)>>::default();
        for &item in items {
            let span = tree.get(item).span;
            let v = match (ty, tree.scalar(item)) {
                (
                    Type::String
                    | Type::Timestamp
                    | Type::Date
                    | Type::Uuid
                    | Type::Email
                    | Type::Url,
                    Some(s),
                ) => Some(Value::String(String::from(&*s.value))),
                (_, _) => yaml::value::to_json(self.merger, item, diagnostics),
            }?;
            let fits = match ty {
                Type::String
                | Type::Timestamp
                | Type::Date
                | Type::Uuid
                | Type::Email
                | Type::Url => v.is_string(),
                Type::Integer => v.is_i64() || v.is_u64(),
                Type::Number => v.is_number(),
                Type::Boolean => v.is_boolean(),
                Type::Json => true,
                Type::Object(_) | Type::Array(_) | Type::Map(_) => false,
            };
            if !fits {
                diagnostics.push(Diagnostic::error(
                    "invalid-constraint",
                    format!("enum value `{v}` is not a valid `{}`", ty.name()),
                    span,
                ));
                continue;
            }
            let listed = seen.entry(equality_key(&v)).or_default();
            if let Some((_, first)) = listed.iter().find(|(s, _)| *s == v) {
                diagnostics.push(
                    Diagnostic::error(
                        "duplicate-enum-value",
                        format!("enum value `{v}` is listed twice"),
                        span,
                    )
                    .with_secondary(*first, "first listed here"),
                );
                continue;
            }
            listed.push((v.clone(), span));
            values.push(v);
        }
        Some(values)
    }
}

/// A text that values equal as `serde_json::Value`s share: numbers as their JSON text (`1` and `1.0` are
/// not equal values), but `0.0` and `-0.0` alike (they are); an object's entries in key order (objects are
/// equal whatever their order).
fn equality_key(v: &Value) -> String {
    fn write(v: &Value, out: &mut String) {
        match v {
            Value::Number(n) if n.as_f64() == Some(0.0) && n.is_f64() => out.push_str("0.0"),
            Value::Array(items) => {
                out.push('[');
                for item in items {
                    write(item, out);
                    out.push(',');
                }
                out.push(']');
            }
            Value::Object(map) => {
                let mut entries: Vec<_> = map.iter().collect();
                entries.sort_unstable_by_key(|(k, _)| *k);
                out.push('{');
                for (k, item) in entries {
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push(':');
                    write(item, out);
                    out.push(',');
                }
                out.push('}');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut out = String::new();
    write(v, &mut out);
    out
}

/// `properties`, `items` and `values` on a type they do not belong to.
fn check_structure_keys(
    ty: &Type,
    type_name: &str,
    merged: &Merged,
    tree: &Tree,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for (key, applies) in [
        (ParameterKey::Properties, matches!(ty, Type::Object(_))),
        (ParameterKey::Items, matches!(ty, Type::Array(_))),
        (ParameterKey::Values, matches!(ty, Type::Map(_))),
    ] {
        if let Some(e) = merged.get(key.name())
            && !applies
        {
            diagnostics.push(Diagnostic::error(
                "invalid-constraint",
                format!("`{}` does not apply to type `{type_name}`", key.name()),
                tree.get(e.key_node).span,
            ));
        }
    }
}

/// Constraints that do not apply to the type, and bounds that contradict each other.
fn check_constraints(
    schema: &Schema,
    type_name: &str,
    merged: &yaml::Merged,
    tree: &Tree,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let ty = &schema.ty;
    let stringy = matches!(
        ty,
        Type::String | Type::Timestamp | Type::Date | Type::Uuid | Type::Email | Type::Url
    );
    let numeric = matches!(ty, Type::Integer | Type::Number);
    let array = matches!(ty, Type::Array(_));
    for (key, applies) in [
        ("pattern", stringy),
        ("min_length", stringy),
        ("max_length", stringy),
        ("minimum", numeric),
        ("maximum", numeric),
        ("min_items", array),
        ("max_items", array),
    ] {
        if let Some(e) = merged.get(key)
            && !applies
        {
            diagnostics.push(
                Diagnostic::error(
                    "invalid-constraint",
                    format!("`{key}` does not apply to type `{type_name}`"),
                    tree.get(e.key_node).span,
                )
                .with_label(format!("not a constraint of `{type_name}`")),
            );
        }
    }
    let c = &schema.constraints;
    let pairs = [
        (
            "minimum",
            "maximum",
            c.minimum.as_ref().and_then(serde_json::Number::as_f64),
            c.maximum.as_ref().and_then(serde_json::Number::as_f64),
        ),
        (
            "min_length",
            "max_length",
            c.min_length.map(|v| v as f64),
            c.max_length.map(|v| v as f64),
        ),
        (
            "min_items",
            "max_items",
            c.min_items.map(|v| v as f64),
            c.max_items.map(|v| v as f64),
        ),
    ];
    for (lo_key, hi_key, lo, hi) in pairs {
        if let (Some(lo), Some(hi)) = (lo, hi)
            && lo > hi
            && let (Some(lo_e), Some(hi_e)) = (merged.get(lo_key), merged.get(hi_key))
        {
            diagnostics.push(
                Diagnostic::error(
                    "invalid-constraint",
                    format!("`{lo_key}` is greater than `{hi_key}`"),
                    tree.get(lo_e.value).span,
                )
                .with_secondary(tree.get(hi_e.value).span, format!("`{hi_key}` is here"))
                .with_help("no value can satisfy both bounds"),
            );
        }
    }
}
