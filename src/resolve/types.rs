//! Parameters: the short form (`string?`, `uuid[]`) and the long form (a mapping with `type`, constraints,
//! `properties`, `items`, `values`), each with its provenance.

use std::collections::HashMap;
use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde_json::Value;

use super::unknown_key;
use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::model::{
    Constraints, Definition, Inherit, InheritChain, Origin, Parameter, Parameters, Schema, Type,
};
use crate::source::Span;
use crate::yaml::{self, Entry, Hop, Merger, NodeId, NodeKind, Tree, Via};

/// The keys of a long-form parameter.
pub const PARAMETER_KEYS: [&str; 18] = [
    "type",
    "description",
    "required",
    "nullable",
    "deprecated",
    "enum",
    "pattern",
    "minimum",
    "maximum",
    "min_length",
    "max_length",
    "min_items",
    "max_items",
    "properties",
    "items",
    "values",
    "pii",
    "classification",
];

/// Deepest nesting of `properties` / `items` / `values`.
const MAX_DEPTH: usize = 64;

/// Resolves parameters, sharing one merger. Its work is bounded by the run's expansion budget, checked on
/// the tree before resolving ([`yaml::budget`]).
pub struct Resolver<'m, 't> {
    pub merger: &'m mut Merger<'t>,
    fragments: &'m HashMap<NodeId, String>,
    /// A fragment's parameter is the same in every event that merges it, but for its provenance: resolve
    /// it once. Keyed by (key node, value node, depth).
    /// The problems found are kept too: every event that inherits a broken parameter must fail (the copies
    /// are merged away when diagnostics are deduplicated).
    #[allow(clippy::type_complexity)]
    memo: FxHashMap<(NodeId, NodeId, usize), (Option<Parameter>, Vec<Diagnostic>)>,
    /// Provenance chains by [`Via::id`]; the value keeps the `Via` alive so that its id is not reused.
    chains: FxHashMap<usize, (Via, InheritChain)>,
    /// One model step per merge step: the steps inside fragments are shared by every event.
    hops: FxHashMap<Hop, Arc<Inherit>>,
    no_via: InheritChain,
}

impl<'m, 't> Resolver<'m, 't> {
    pub fn new(merger: &'m mut Merger<'t>, fragments: &'m HashMap<NodeId, String>) -> Self {
        Resolver {
            merger,
            fragments,
            memo: FxHashMap::default(),
            chains: FxHashMap::default(),
            hops: FxHashMap::default(),
            no_via: Arc::from([]),
        }
    }

    /// Start afresh for the next event or fragment: no provenance chains (each starts at the definition's
    /// own merge keys, so none is shared with the next one).
    pub fn reset(&mut self) {
        self.chains.clear();
    }

    pub fn tree(&self) -> &'t Tree {
        self.merger.tree()
    }

    /// Every fragment by the node of its value.
    pub fn fragments(&self) -> &'m HashMap<NodeId, String> {
        self.fragments
    }

    /// The fragment whose value is this node.
    pub fn fragment_of(&self, node: NodeId) -> Option<String> {
        self.fragments.get(&node).cloned()
    }

    /// The model's provenance for an entry, built once per distinct merge chain and shared. The cache holds
    /// the chain itself, which keeps its identity from being reused.
    fn inherit_chain(&mut self, entry: &Entry) -> InheritChain {
        if entry.via.is_empty() {
            return Arc::clone(&self.no_via);
        }
        if let Some((_, chain)) = self.chains.get(&entry.via.id()) {
            return Arc::clone(chain);
        }
        let chain: InheritChain = entry.via.iter().map(|hop| self.inherit(hop)).collect();
        self.chains
            .insert(entry.via.id(), (entry.via.clone(), Arc::clone(&chain)));
        chain
    }

    /// One merge step in the model's terms, built once.
    fn inherit(&mut self, hop: Hop) -> Arc<Inherit> {
        let tree = self.merger.tree();
        let fragments = self.fragments;
        let step = self.hops.entry(hop).or_insert_with(|| {
            let anchor = tree.get(hop.target).anchor.as_deref();
            Arc::new(Inherit {
                anchor_name: anchor.map(|a| a.name.clone()),
                alias: hop.alias,
                anchor: anchor.map(|a| a.span),
                fragment: fragments.get(&tree.deref(hop.target)).cloned(),
            })
        });
        Arc::clone(step)
    }

    /// When an entry was inherited, every problem found in it also points at the alias that brought it in.
    pub fn add_inherited_labels(&self, entry: &Entry, diagnostics: &mut [Diagnostic]) {
        if diagnostics.is_empty() {
            return;
        }
        let Some(first) = entry.via.first() else {
            return;
        };
        let name = self.tree().get(first.target).anchor.as_ref().map_or_else(
            || "an inline mapping".to_string(),
            |a| format!("`*{}`", a.name),
        );
        for d in diagnostics.iter_mut() {
            if !d.secondary.iter().any(|l| l.span == first.alias) {
                d.secondary.push(crate::diagnostics::Label::new(
                    first.alias,
                    format!("inherited through {name} here"),
                ));
            }
        }
    }

    /// A mapping of parameters (`parameters:` or `properties:`). `None` if it is not a mapping.
    pub fn parameters(
        &mut self,
        node: NodeId,
        depth: usize,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Parameters> {
        let tree = self.tree();
        let resolved = tree.resolved(node);
        if matches!(&resolved.kind, NodeKind::Scalar(s) if s.plain && (s.value.is_empty() || &*s.value == "null"))
        {
            return Some(Parameters::default());
        }
        let Some(merged) = self.merger.mapping(node, diagnostics) else {
            diagnostics.push(
                Diagnostic::error(
                    "invalid-value",
                    format!(
                        "parameters must be a mapping of names to types, not {}",
                        tree.describe(node)
                    ),
                    tree.get(node).span,
                )
                .with_help("write `name: type` pairs, e.g. `user_id: integer`"),
            );
            return None;
        };
        let mut out =
            Parameters::with_capacity_and_hasher(merged.entries.len(), Default::default());
        for entry in &merged.entries {
            let mut local = Vec::new();
            if let Some(p) = self.parameter(entry, depth, &mut local) {
                out.insert(String::from(&*entry.key), p);
            }
            self.add_inherited_labels(entry, &mut local);
            diagnostics.append(&mut local);
        }
        Some(out)
    }

    /// One parameter from its entry, with overridden definitions resolved into `shadowed`.
    fn parameter(
        &mut self,
        entry: &Entry,
        depth: usize,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Parameter> {
        let mut p = self.memoized(entry, depth, diagnostics)?;
        for old in &entry.shadowed {
            // Problems in overridden definitions are reported where the fragment itself is resolved.
            if let Some(s) = self.memoized(old, depth, &mut Vec::new()) {
                p.shadowed.push(s);
            }
        }
        Some(p)
    }

    /// [`Self::parameter_body`] once per definition; later uses clone it and set their own provenance.
    /// Every use is a copy: the run's expansion budget has counted it.
    fn memoized(
        &mut self,
        entry: &Entry,
        depth: usize,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Parameter> {
        // Only a definition reached through a merge or an alias can be met again.
        let shared = !entry.via.is_empty()
            || matches!(self.tree().get(entry.value).kind, NodeKind::Alias { .. });
        if !shared {
            return self.parameter_body(entry, depth, diagnostics);
        }
        let key = (entry.key_node, entry.value, depth);
        let cached = match self.memo.get(&key) {
            Some((hit, found)) => {
                diagnostics.extend(found.iter().cloned());
                hit.clone()
            }
            None => {
                let mut found = Vec::new();
                let hit = self.parameter_body(entry, depth, &mut found);
                diagnostics.extend(found.iter().cloned());
                self.memo.insert(key, (hit.clone(), found));
                hit
            }
        };
        let mut p = cached?;
        p.origin.via = self.inherit_chain(entry);
        Some(p)
    }

    fn parameter_body(
        &mut self,
        entry: &Entry,
        depth: usize,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Parameter> {
        let tree = self.tree();
        let origin = Origin {
            key: tree.get(entry.key_node).span,
            value: tree.get(entry.value).span,
            via: Arc::from([]),
        };
        let mut p = Definition {
            name: String::from(&*entry.key),
            schema: Schema {
                ty: Type::Json,
                nullable: false,
                constraints: Constraints::default(),
                description: None,
            },
            required: true,
            description: None,
            deprecated: None,
            pii: None,
            classification: None,
        };
        let value = entry.value;
        match &tree.resolved(value).kind {
            NodeKind::Scalar(s) if !(s.plain && (s.value.is_empty() || &*s.value == "null")) => {
                let (schema, optional) =
                    self.short_form(&s.value, tree.get(value).span, depth, diagnostics)?;
                p.schema = schema;
                p.required = !optional;
            }
            NodeKind::Mapping(_) => {
                let (schema, optional, desc, deprecated, required) =
                    self.long_form(value, depth, diagnostics)?;
                p.schema = schema;
                p.description = desc;
                p.deprecated = deprecated;
                p.required = required.unwrap_or(true) && !optional;
                if !self.pii(value, &mut p, diagnostics) {
                    return None;
                }
            }
            // An undefined or cyclic alias has been reported where it is written.
            NodeKind::Alias { target: None, .. } => return None,
            _ => {
                diagnostics.push(
                    Diagnostic::error(
                        "missing-type",
                        format!("parameter `{}` has no type", entry.key),
                        tree.get(entry.key_node).span,
                    )
                    .with_help(format!(
                        "give it a type, e.g. `{}: string`; known types: {}",
                        entry.key,
                        Type::NAMES.join(", ")
                    )),
                );
                return None;
            }
        }
        Some(Parameter::new(p, origin))
    }

    /// `string`, `string?`, `uuid[]`, `integer[]?`: the schema and whether it is optional.
    fn short_form(
        &mut self,
        text: &str,
        span: Span,
        _depth: usize,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<(Schema, bool)> {
        let trimmed = text.trim();
        let (rest, optional) = match trimmed.strip_suffix('?') {
            Some(r) => (r.trim_end(), true),
            None => (trimmed, false),
        };
        let (base, array) = match rest.strip_suffix("[]") {
            Some(b) => (b.trim_end(), true),
            None => (rest, false),
        };
        let ty = match Type::scalar(base) {
            Some(t) => t,
            None => {
                diagnostics.push(self.type_error(base, text, span));
                return None;
            }
        };
        let scalar = Schema {
            ty,
            nullable: false,
            constraints: Constraints::default(),
            description: None,
        };
        let schema = if array {
            Schema {
                ty: Type::Array(Box::new(scalar)),
                ..Schema::plain()
            }
        } else {
            scalar
        };
        Some((schema, optional))
    }

    fn type_error(&self, base: &str, written: &str, span: Span) -> Diagnostic {
        let d = match base {
            "object" | "array" | "map" => {
                let key = match base {
                    "object" => "properties",
                    "array" => "items",
                    _ => "values",
                };
                return Diagnostic::error(
                    "missing-type",
                    format!("`{base}` needs `{key}`, so it cannot be written in the short form"),
                    span,
                )
                .with_help(format!(
                    "use the long form: `type: {base}` with `{key}:`, or `json` for any value"
                ));
            }
            _ if base.contains('?') || base.contains('[') => {
                return Diagnostic::error(
                    "unknown-type",
                    format!("cannot read the type `{written}`"),
                    span,
                )
                .with_help("the short form is `type`, `type?`, `type[]` or `type[]?`");
            }
            _ => Diagnostic::error("unknown-type", format!("unknown type `{base}`"), span),
        };
        match did_you_mean(base, Type::NAMES) {
            Some(s) => d
                .with_label(format!("did you mean `{s}`?"))
                .with_help(format!(
                    "did you mean `{s}`? known types: {}",
                    Type::NAMES.join(", ")
                )),
            None => d.with_help(format!("known types: {}", Type::NAMES.join(", "))),
        }
    }

    /// A long-form definition: (schema, optional from `type: x?`, description, deprecated, required).
    #[allow(clippy::type_complexity)]
    fn long_form(
        &mut self,
        node: NodeId,
        depth: usize,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<(Schema, bool, Option<String>, Option<String>, Option<bool>)> {
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
        let mut schema = Schema::plain();
        let mut optional = false;
        let mut description = None;
        let mut deprecated = None;
        let mut required = None;
        let mut type_name: Option<(String, Span)> = None;
        for entry in &merged.entries {
            let mut local = Vec::new();
            match &*entry.key {
                "type" => {
                    if let Some(t) = self.string(entry, &mut local) {
                        type_name = Some((t, tree.get(entry.value).span));
                    }
                }
                "description" => description = self.string(entry, &mut local),
                "deprecated" => deprecated = self.deprecation(entry, &mut local),
                "required" => required = self.boolean(entry, &mut local),
                "nullable" => schema.nullable = self.boolean(entry, &mut local).unwrap_or(false),
                "pattern" => {
                    if let Some(p) = self.string(entry, &mut local) {
                        if let Err(e) = fancy_regex::Regex::new(&p) {
                            local.push(
                                Diagnostic::error("invalid-pattern", format!("invalid regular expression `{p}`"), tree.get(entry.value).span)
                                    .with_label(e.to_string()),
                            );
                        }
                        schema.constraints.pattern = Some(p);
                    }
                }
                "minimum" => schema.constraints.minimum = self.number(entry, &mut local),
                "maximum" => schema.constraints.maximum = self.number(entry, &mut local),
                "min_length" => schema.constraints.min_length = self.count(entry, &mut local),
                "max_length" => schema.constraints.max_length = self.count(entry, &mut local),
                "min_items" => schema.constraints.min_items = self.count(entry, &mut local),
                "max_items" => schema.constraints.max_items = self.count(entry, &mut local),
                "enum" | "properties" | "items" | "values" | "pii" | "classification" => {}
                "format" => local.push(
                    Diagnostic::error("unknown-key", "unknown key `format` in a parameter", tree.get(entry.key_node).span)
                        .with_help("the format is implied by the type: use `timestamp`, `date`, `uuid`, `email` or `url`"),
                ),
                other => local.push(unknown_key(tree, entry, other, &PARAMETER_KEYS, "a parameter")),
            }
            self.add_inherited_labels(entry, &mut local);
            diagnostics.append(&mut local);
        }
        let get = |k: &str| merged.get(k);
        // The type: explicit, or `object` when only `properties` is given.
        let (name, type_span) = match type_name {
            Some(t) => t,
            None if get("properties").is_some() => ("object".to_string(), tree.get(node).span),
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
        let structural = |key: &str, diagnostics: &mut Vec<Diagnostic>| -> Option<Entry> {
            let found = get(key).cloned();
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
        schema.ty = match name.trim() {
            "object" => {
                let props = structural("properties", diagnostics)?;
                Type::Object(self.parameters(props.value, depth + 1, diagnostics)?)
            }
            "array" => {
                let items = structural("items", diagnostics)?;
                Type::Array(Box::new(self.item_schema(
                    &items,
                    depth + 1,
                    diagnostics,
                )?))
            }
            "map" => {
                let values = structural("values", diagnostics)?;
                Type::Map(Box::new(self.item_schema(
                    &values,
                    depth + 1,
                    diagnostics,
                )?))
            }
            other => {
                let (s, opt) = self.short_form(other, type_span, depth, diagnostics)?;
                optional = opt;
                s.ty
            }
        };
        for (key, applies) in [
            ("properties", matches!(schema.ty, Type::Object(_))),
            ("items", matches!(schema.ty, Type::Array(_))),
            ("values", matches!(schema.ty, Type::Map(_))),
        ] {
            if let Some(e) = get(key)
                && !applies
            {
                diagnostics.push(Diagnostic::error(
                    "invalid-constraint",
                    format!("`{key}` does not apply to type `{name}`"),
                    tree.get(e.key_node).span,
                ));
            }
        }
        if let Some(e) = get("enum") {
            schema.constraints.enumeration = self.enumeration(&schema.ty, e, diagnostics);
        }
        check_constraints(&schema, &name, &merged, tree, diagnostics);
        if diagnostics.len() > errors_before
            && diagnostics[errors_before..]
                .iter()
                .any(|d| d.severity == crate::Severity::Error)
        {
            return None;
        }
        Some((schema, optional, description, deprecated, required))
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
                let (mut schema, optional, description, _, required) =
                    self.long_form(entry.value, depth, diagnostics)?;
                if optional || required.is_some() {
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
                schema.description = description;
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
        let mut seen = Vec::<(Value, Span)>::new();
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
            if let Some((_, first)) = seen.iter().find(|(s, _)| *s == v) {
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
            seen.push((v.clone(), span));
            values.push(v);
        }
        Some(values)
    }
}

impl Schema {
    /// A non-nullable `json` schema without constraints, to be filled in.
    pub fn plain() -> Schema {
        Schema {
            ty: Type::Json,
            nullable: false,
            constraints: Constraints::default(),
            description: None,
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
