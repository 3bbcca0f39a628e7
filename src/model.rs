//! The resolved model: what every backend, the linter and the validator consume. It knows nothing of
//! YAML; every item carries an [`Origin`] so any consumer can point back at the definition.

use std::sync::Arc;

use indexmap::IndexMap;
use rayon::prelude::*;
use thin_vec::ThinVec;

use crate::source::{SourceMap, Span};

mod event_parameters;

pub use event_parameters::EventParameters;
pub(crate) use event_parameters::{Prepended, SharedParameters};

/// Every event and fragment of a definitions tree, resolved.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// The files the catalog was read from; resolves every [`Span`] to a file, line and column.
    pub sources: Arc<SourceMap>,
    /// Events in file order (files sorted by path), then in the order written.
    pub events: IndexMap<String, Event>,
    /// Fragments (top-level keys starting with `.`), in file order.
    pub fragments: IndexMap<String, Fragment>,
    /// Fragments referred to by events that failed to resolve (and are left out of `events`), as in
    /// [`Event::uses`]: still used, so `unused-fragment` does not add noise to the real errors.
    pub unresolved_uses: Vec<String>,
}

impl Catalog {
    /// An empty catalog over the given sources.
    pub fn new(sources: Arc<SourceMap>) -> Self {
        Catalog {
            sources,
            events: IndexMap::new(),
            fragments: IndexMap::new(),
            unresolved_uses: Vec::new(),
        }
    }

    /// The fragment that carries the anchor an [`Inherit`] step went through, if it is a fragment.
    pub fn fragment_of(&self, step: &Inherit) -> Option<&Fragment> {
        step.fragment.as_deref().and_then(|f| self.fragments.get(f))
    }
}

/// Events from which a catalog is freed on every core.
const PARALLEL_DROP: usize = 2048;

impl Drop for Catalog {
    /// A large catalog holds hundreds of thousands of parameters (once its events' maps are put together,
    /// every event its own copy of each one it inherits): free its events on the rayon pool, a chunk per
    /// task, rather than on one thread. The language server drops one on every edit.
    fn drop(&mut self) {
        if self.events.len() < PARALLEL_DROP {
            return;
        }
        let events: Vec<Event> = std::mem::take(&mut self.events).into_values().collect();
        events.into_par_iter().with_min_len(256).for_each(drop);
    }
}

/// Parameters by name, in resolved order. Hashed with FxHash: a catalog holds hundreds of thousands of
/// short keys, and they come from the definitions, not from untrusted input.
pub type Parameters = IndexMap<Arc<str>, Parameter, rustc_hash::FxBuildHasher>;

/// One event definition.
#[derive(Debug, Clone)]
pub struct Event {
    /// The event name, e.g. `api_created_check_in`.
    pub name: String,
    /// Span of the name key.
    pub name_span: Span,
    /// `description:`.
    pub description: Option<String>,
    /// `deprecated:` (the reason, or `"deprecated"` when given as `true`).
    pub deprecated: Option<String>,
    /// `version:`.
    pub version: Option<String>,
    /// `owner:`.
    pub owner: Option<String>,
    /// `tags:`.
    pub tags: Vec<String>,
    /// Parameters in resolved order (merged keys first, in merge order, then explicit keys). Reads as
    /// [`Parameters`]; see [`EventParameters`] for when the map is put together.
    pub parameters: EventParameters,
    /// Sample payloads, checked against the event by `evdef check`.
    pub examples: Vec<Example>,
    /// Fragments the definition refers to anywhere inside it (merge keys and plain aliases, event-level
    /// templates and nested `properties` included), in order written, without following them: what
    /// `unused-fragment` starts from.
    pub uses: Vec<String>,
}

/// A sample payload from `examples:`.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// The payload as JSON.
    pub value: serde_json::Value,
    /// Where the example is written.
    pub span: Span,
}

/// A named set of shared parameters (a top-level `.name` key carrying an anchor).
#[derive(Debug, Clone)]
pub struct Fragment {
    /// The key as written, including the leading dot: `.user`.
    pub name: String,
    /// The anchor on its value (`user` for `&user`), if any.
    pub anchor: Option<String>,
    /// Span of the key.
    pub name_span: Span,
    /// Its parameters, resolved like an event's (empty for an event template, see [`Fragment::is_template`]).
    pub parameters: Parameters,
    /// Whether the fragment holds event-level keys (`owner`, `tags`, `parameters`, ...) rather than parameters.
    pub is_template: bool,
    /// Fragments this one merges directly, by fragment name, in merge order.
    pub merges: Vec<String>,
    /// Fragments referred to anywhere inside this one (merges at any depth and plain aliases), in order
    /// written, without following them (see [`Event::uses`]).
    pub uses: Vec<String>,
}

/// A parameter of an event (or a property of an object parameter): its definition and how it arrived here.
///
/// The definition is shared: a fragment's parameter is resolved once, and every event that inherits it
/// holds the same [`Definition`] with its own [`Origin`]. A parameter dereferences to its definition, so
/// `p.name`, `p.schema`, `p.required` and `p.key_span` read through.
///
/// A catalog's events hold one for every parameter, inherited ones included, once their maps are put
/// together (hundreds of thousands in a large one; see [`EventParameters`]): four words.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// What was written, and where: name, type, constraints, description, spans.
    pub definition: Arc<Definition>,
    /// How it arrived.
    pub origin: Origin,
    /// Inherited definitions of the same key that this one overrides, in the order they were overridden.
    /// Lint uses them (`merge-conflict`, `override-type-change`); backends ignore them. Nearly always
    /// empty, so a thin vector: one word in every parameter instead of three.
    pub shadowed: ThinVec<Parameter>,
}

impl Parameter {
    /// A parameter that arrived by `origin`, with no overridden definitions.
    pub fn new(definition: Definition, origin: Origin) -> Self {
        Parameter {
            definition: Arc::new(definition),
            origin,
            shadowed: ThinVec::new(),
        }
    }
}

impl std::ops::Deref for Parameter {
    type Target = Definition;

    fn deref(&self) -> &Definition {
        &self.definition
    }
}

/// A parameter's definition as written, independent of the event that uses it, and where it is written
/// (in the fragment, for an inherited parameter: every event that inherits it shares it).
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    /// The key, e.g. `user_id`.
    pub name: String,
    /// The key as written.
    pub key_span: Span,
    /// The value as written.
    pub value_span: Span,
    /// Type, nullability and constraints.
    pub schema: Schema,
    /// Whether the key must be present (default `true`; `string?` or `required: false` make it optional).
    pub required: bool,
    /// `description:`.
    pub description: Option<String>,
    /// `deprecated:` (the reason, or `"deprecated"` when given as `true`).
    pub deprecated: Option<String>,
    /// `pii:`: whether the value is personal data; `None` when the key is absent.
    pub pii: Option<bool>,
    /// `classification:` next to `pii: true`, e.g. `confidential` (free text, the team's own scheme).
    pub classification: Option<String>,
}

/// The shape of a value: a type, whether `null` is allowed, and constraints.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    /// The type.
    pub ty: Type,
    /// Whether `null` is a valid value (distinct from the key being absent).
    pub nullable: bool,
    /// `enum`, `pattern`, bounds.
    pub constraints: Constraints,
    /// Description of an array's items or a map's values (parameters carry theirs on [`Parameter`]).
    pub description: Option<String>,
}

/// A type of the definitions language.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    /// `string`.
    String,
    /// `integer`.
    Integer,
    /// `number` (alias `float`).
    Number,
    /// `boolean`.
    Boolean,
    /// `timestamp`: an RFC 3339 date-time string.
    Timestamp,
    /// `date`: an RFC 3339 full-date string.
    Date,
    /// `uuid`.
    Uuid,
    /// `email`.
    Email,
    /// `url`.
    Url,
    /// `json`: any value.
    Json,
    /// `object` with `properties`.
    Object(Box<Parameters>),
    /// `array` with `items`.
    Array(Box<Schema>),
    /// `map`: string keys, with `values`.
    Map(Box<Schema>),
}

impl Type {
    /// Every type name the language accepts (aliases included), for "did you mean" and error messages.
    pub const NAMES: [&'static str; 14] = [
        "string",
        "integer",
        "number",
        "float",
        "boolean",
        "timestamp",
        "date",
        "uuid",
        "email",
        "url",
        "json",
        "object",
        "array",
        "map",
    ];

    /// The canonical type name (`float` is reported as `number`).
    pub fn name(&self) -> &'static str {
        match self {
            Type::String => "string",
            Type::Integer => "integer",
            Type::Number => "number",
            Type::Boolean => "boolean",
            Type::Timestamp => "timestamp",
            Type::Date => "date",
            Type::Uuid => "uuid",
            Type::Email => "email",
            Type::Url => "url",
            Type::Json => "json",
            Type::Object(_) => "object",
            Type::Array(_) => "array",
            Type::Map(_) => "map",
        }
    }

    /// The scalar type for a name, or `None` for unknown names and the compound types.
    pub fn scalar(name: &str) -> Option<Type> {
        Some(match name {
            "string" => Type::String,
            "integer" => Type::Integer,
            "number" | "float" => Type::Number,
            "boolean" => Type::Boolean,
            "timestamp" => Type::Timestamp,
            "date" => Type::Date,
            "uuid" => Type::Uuid,
            "email" => Type::Email,
            "url" => Type::Url,
            "json" => Type::Json,
            _ => return None,
        })
    }

    /// A short human form: `string`, `uuid[]`, `map<integer>`, `object`.
    pub fn display(&self) -> String {
        match self {
            Type::Array(items) => format!("{}[]", items.ty.display()),
            Type::Map(values) => format!("map<{}>", values.ty.display()),
            other => other.name().to_string(),
        }
    }
}

/// Value constraints. Which apply depends on the type; resolve rejects the ones that do not.
///
/// Most values have none, and a catalog holds a schema for every parameter, item and property: so the
/// set is kept behind a pointer, allocated when the first constraint is set. It reads as a
/// [`ConstraintSet`] (`c.minimum`, `c.pattern = ...`).
#[derive(Clone, Default)]
pub struct Constraints(Option<Box<ConstraintSet>>);

/// The constraints themselves (see [`Constraints`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConstraintSet {
    /// Allowed values.
    pub enumeration: Option<Vec<serde_json::Value>>,
    /// Regular expression (ECMA 262) a string must match.
    pub pattern: Option<String>,
    /// Inclusive lower bound of a number.
    pub minimum: Option<serde_json::Number>,
    /// Inclusive upper bound of a number.
    pub maximum: Option<serde_json::Number>,
    /// Minimum string length, in characters.
    pub min_length: Option<u64>,
    /// Maximum string length, in characters.
    pub max_length: Option<u64>,
    /// Minimum array length.
    pub min_items: Option<u64>,
    /// Maximum array length.
    pub max_items: Option<u64>,
}

/// What an unconstrained value reads as.
static NO_CONSTRAINTS: ConstraintSet = ConstraintSet {
    enumeration: None,
    pattern: None,
    minimum: None,
    maximum: None,
    min_length: None,
    max_length: None,
    min_items: None,
    max_items: None,
};

impl Constraints {
    /// Whether no constraint is set.
    pub fn is_empty(&self) -> bool {
        **self == NO_CONSTRAINTS
    }
}

impl std::ops::Deref for Constraints {
    type Target = ConstraintSet;

    fn deref(&self) -> &ConstraintSet {
        self.0.as_deref().unwrap_or(&NO_CONSTRAINTS)
    }
}

impl std::ops::DerefMut for Constraints {
    fn deref_mut(&mut self) -> &mut ConstraintSet {
        self.0.get_or_insert_default()
    }
}

impl PartialEq for Constraints {
    fn eq(&self, other: &Constraints) -> bool {
        **self == **other
    }
}

impl std::fmt::Debug for Constraints {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

/// How a parameter arrived in its event: the aliases it came through. Where it is written is its
/// definition's ([`Definition::key_span`], [`Definition::value_span`]), shared by every use.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    /// The merge steps from the event down to the definition, outermost first. Empty when the parameter is
    /// written in the event itself. Shared: every parameter that came through the same merges holds the
    /// same list, and every list that passes through a fragment shares that step.
    pub via: InheritChain,
}

impl Origin {
    /// Whether the parameter arrived through a merge key.
    pub fn is_inherited(&self) -> bool {
        !self.via.is_empty()
    }
}

/// The merge steps a parameter arrived through, outermost first (see [`Origin::via`]).
pub type InheritChain = Arc<[Arc<Inherit>]>;

/// One merge step: `<<: *user` at `alias`, pointing at `&user` at `anchor`.
#[derive(Debug, Clone, PartialEq)]
pub struct Inherit {
    /// The anchor's name (`user`), or `None` for an inline mapping merged without an alias.
    pub anchor_name: Option<String>,
    /// The `*user` token (or the inline mapping) at the merge site.
    pub alias: Span,
    /// The `&user` token.
    pub anchor: Option<Span>,
    /// The fragment (`.user`) whose value carries the anchor, if it is a top-level fragment.
    pub fragment: Option<String>,
}

/// What one merge step brought in, as messages, docs and hovers name it: its fragment when it is one, else
/// its anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeSource<'a> {
    /// A top-level fragment (`.user`).
    Fragment(&'a str),
    /// An anchor that is not a top-level fragment (`user` of `&user`).
    Anchor(&'a str),
    /// An inline mapping merged without an alias.
    Inline,
}

impl Inherit {
    /// What the merge brought in: the fragment, else the anchor, else an inline mapping.
    pub fn source(&self) -> MergeSource<'_> {
        match (&self.fragment, &self.anchor_name) {
            (Some(f), _) => MergeSource::Fragment(f),
            (None, Some(a)) => MergeSource::Anchor(a),
            (None, None) => MergeSource::Inline,
        }
    }

    /// What the merge brought in, for messages: the fragment (`.user`), else the anchor (`&user`), else
    /// `an inline mapping`.
    pub fn source_label(&self) -> String {
        match self.source() {
            MergeSource::Fragment(f) => f.to_string(),
            MergeSource::Anchor(a) => format!("&{a}"),
            MergeSource::Inline => "an inline mapping".into(),
        }
    }
}
