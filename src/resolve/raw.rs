//! The definitions language as written, before merges: the shapes of an event, a long-form parameter, a
//! fragment and a file, as Rust types with `schemars` derives. They are the source of truth for the keys
//! the resolver accepts ([`EventKey`], [`ParameterKey`]), for each key's description, and for the JSON
//! Schema of the language ([`schema`], printed by `evdef schema`). The resolver still reads the spanned
//! YAML tree; these types are never deserialized.

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::Value;

use crate::model::Type;

/// Declares a mapping shape: the struct (whose `schemars` derive gives the schema: one property per key,
/// none required, unknown keys rejected, `<<` merge keys allowed) and the enum of its keys (what the
/// resolver matches on, exhaustively). Adding a key is one line here; the compiler then asks the resolver
/// to handle it. Each key takes exactly one `///` line: it is the key's description in both places.
macro_rules! raw_shape {
    (
        $(#[doc = $shape_doc:literal])*
        struct $shape:ident;
        $(#[doc = $keys_doc:literal])*
        enum $keys:ident {
            $(
                #[doc = $doc:literal]
                $name:literal => $variant:ident($field:ident: $ty:ty),
            )*
        }
    ) => {
        $(#[doc = $shape_doc])*
        #[derive(Debug, Clone, Copy, Default, JsonSchema)]
        #[serde(default, deny_unknown_fields)]
        pub struct $shape {
            $(
                #[doc = $doc]
                #[serde(rename = $name)]
                pub $field: $ty,
            )*
            /// A YAML merge key: a mapping, or a list of mappings, whose keys are merged into this one
            /// (explicit keys win; in a list, earlier mappings win).
            #[serde(rename = "<<")]
            pub merge: Merge,
        }

        $(#[doc = $keys_doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $keys {
            $(
                #[doc = $doc]
                $variant,
            )*
        }

        impl $keys {
            /// Every key, in the order they are declared (and listed in the schema).
            pub const ALL: &[$keys] = &[$($keys::$variant),*];
            /// Every key's name, in the same order.
            pub const NAMES: &[&str] = &[$($name),*];

            /// The key as written in YAML.
            pub const fn name(self) -> &'static str {
                match self {
                    $($keys::$variant => $name,)*
                }
            }

            /// The key's description (its `description` in the schema).
            pub const fn description(self) -> &'static str {
                match self {
                    $($keys::$variant => $doc.trim_ascii(),)*
                }
            }

            /// The key with this name; `None` for an unknown key.
            pub fn from_name(name: &str) -> Option<$keys> {
                match name {
                    $($name => Some($keys::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

raw_shape! {
    /// An event definition, as written: every key optional, unknown keys rejected.
    struct RawEvent;
    /// The keys of an event definition.
    enum EventKey {
        /// What the event means and when it is sent.
        "description" => Description(description: Text),
        /// The event's parameters: a mapping of names to types (`user_id: integer`) or long-form definitions.
        "parameters" => Parameters(parameters: Parameters),
        /// `true`, or the reason the event is deprecated (what to use instead).
        "deprecated" => Deprecated(deprecated: Deprecation),
        /// The event's version (any scalar; read as text).
        "version" => Version(version: Text),
        /// Who owns the event (a team or a person).
        "owner" => Owner(owner: Text),
        /// Free-form labels.
        "tags" => Tags(tags: Tags),
        /// Sample payloads, each checked against the event by `evdef check`.
        "examples" => Examples(examples: Examples),
    }
}

raw_shape! {
    /// A long-form parameter, as written: a mapping with `type` (or only `properties`, for an object),
    /// constraints and metadata; unknown keys rejected.
    struct RawParameter;
    /// The keys of a long-form parameter.
    enum ParameterKey {
        /// The type: a scalar type in short form (`string`, `integer?`, `uuid[]`), or `object`, `array`, `map`.
        "type" => Type(ty: TypeName),
        /// What the parameter holds.
        "description" => Description(description: Text),
        /// Whether the parameter must be present (default `true`; `type: x?` also makes it optional).
        "required" => Required(required: Flag),
        /// Whether `null` is a valid value (default `false`); independent of `required`.
        "nullable" => Nullable(nullable: Flag),
        /// `true`, or the reason the parameter is deprecated (what to use instead).
        "deprecated" => Deprecated(deprecated: Deprecation),
        /// The allowed values: a non-empty list without repeats, each of the parameter's type.
        "enum" => Enum(enumeration: EnumValues),
        /// A regular expression every value must match (string types).
        "pattern" => Pattern(pattern: Text),
        /// The smallest allowed value (`integer`, `number`).
        "minimum" => Minimum(minimum: Bound),
        /// The largest allowed value (`integer`, `number`).
        "maximum" => Maximum(maximum: Bound),
        /// The shortest allowed length in characters (string types).
        "min_length" => MinLength(min_length: Count),
        /// The longest allowed length in characters (string types).
        "max_length" => MaxLength(max_length: Count),
        /// The fewest allowed items (`array`).
        "min_items" => MinItems(min_items: Count),
        /// The most allowed items (`array`).
        "max_items" => MaxItems(max_items: Count),
        /// The fields of an `object`: a mapping of names to types, like an event's `parameters`.
        "properties" => Properties(properties: Parameters),
        /// The type of an `array`'s items: a short type without `?`, or a long form without `required`.
        "items" => Items(items: Item),
        /// The type of a `map`'s values (its keys are strings): like `items`.
        "values" => Values(values: Item),
        /// Whether the value is personal data (`true`) or explicitly not (`false`); JSON Schema `x-pii`.
        "pii" => Pii(pii: Flag),
        /// The team's class of personal data (e.g. `contact`); needs `pii: true`. JSON Schema `x-pii-classification`.
        "classification" => Classification(classification: Text),
    }
}

/// The keys of an event definition, with their descriptions (for completion in editors).
pub const EVENT_KEYS: &[EventKey] = EventKey::ALL;

/// The keys of a long-form parameter, with their descriptions (for completion in editors).
pub const PARAMETER_KEYS: &[ParameterKey] = ParameterKey::ALL;

/// The JSON Schema (draft-07) of a definitions file, as yaml-language-server reads it.
pub fn schema() -> Value {
    SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<DefinitionsFile>()
        .to_value()
}

/// The schema as pretty JSON text, ending with a newline: what `evdef schema` prints and `build` writes.
pub fn schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&schema()).unwrap_or_default();
    text.push('\n');
    text
}

/// The scalar type names (`string`, `integer`, ...: every name but `object`, `array`, `map`) as a regex
/// alternation.
fn scalar_names() -> String {
    Type::NAMES
        .iter()
        .filter(|n| Type::scalar(n).is_some())
        .copied()
        .collect::<Vec<_>>()
        .join("|")
}

/// A short-form type as the resolver reads it (surrounding spaces trimmed): `string`, `string?`, `uuid[]`,
/// `integer[]?`.
pub fn short_type_pattern() -> String {
    format!(r"^\s*(?:{})\s*(?:\[\]\s*)?(?:\?\s*)?$", scalar_names())
}

/// The type of `items:` / `values:` in short form: no `?`.
pub fn item_type_pattern() -> String {
    format!(r"^\s*(?:{})\s*(?:\[\]\s*)?$", scalar_names())
}

/// The value of a long form's `type:`: a short-form type, or `object`, `array`, `map`.
pub fn type_name_pattern() -> String {
    format!(
        r"^\s*(?:object|array|map|(?:{})\s*(?:\[\]\s*)?(?:\?\s*)?)\s*$",
        scalar_names()
    )
}

/// Implements `JsonSchema` for a marker type: its schema is inline (a small fragment, no definition).
macro_rules! inline_schema {
    ($ty:ident, $name:literal, |$generator:ident| $body:expr) => {
        impl JsonSchema for $ty {
            fn inline_schema() -> bool {
                true
            }
            fn schema_name() -> Cow<'static, str> {
                $name.into()
            }
            fn json_schema($generator: &mut SchemaGenerator) -> Schema {
                $body
            }
        }
    };
}

/// A whole definitions file (one YAML document): event names to events, `.name` keys to fragments.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefinitionsFile;

impl JsonSchema for DefinitionsFile {
    fn schema_name() -> Cow<'static, str> {
        "DefinitionsFile".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "title": "evdef event definitions",
            "description": "A definitions file: event names mapped to event definitions; keys starting with `.` are fragments that carry shared parameters under an anchor. Files whose name starts with `_` are preludes: their anchors are visible in every other file.",
            "type": ["object", "null"],
            "properties": { "<<": generator.subschema_for::<Merge>() },
            "patternProperties": { "^\\.": generator.subschema_for::<Fragment>() },
            "additionalProperties": generator.subschema_for::<RawEvent>(),
        })
    }
}

/// A fragment (`.name: &anchor`): a mapping of parameters, or an event template (event keys only).
#[derive(Debug, Clone, Copy, Default)]
pub struct Fragment;

impl JsonSchema for Fragment {
    fn schema_name() -> Cow<'static, str> {
        "Fragment".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A fragment: a mapping of parameters to merge into events (`<<: *name`), or an event template (only event keys).",
            "type": "object",
            "anyOf": [
                generator.subschema_for::<Parameters>(),
                generator.subschema_for::<RawEvent>(),
            ],
        })
    }
}

/// A mapping of parameter names to parameters (`parameters:`, `properties:`); empty when `null`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Parameters;

impl JsonSchema for Parameters {
    fn schema_name() -> Cow<'static, str> {
        "Parameters".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Parameter names mapped to types: `name: type` (short form) or `name: {type: ..., ...}` (long form).",
            "type": ["object", "null"],
            "properties": { "<<": generator.subschema_for::<Merge>() },
            "additionalProperties": generator.subschema_for::<Parameter>(),
        })
    }
}

/// One parameter: a short-form type string, or a long-form mapping.
#[derive(Debug, Clone, Copy, Default)]
pub struct Parameter;

impl JsonSchema for Parameter {
    fn schema_name() -> Cow<'static, str> {
        "Parameter".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A parameter: a type in short form (`string`, `integer?` optional, `uuid[]` array, `integer[]?`), or a long-form mapping.",
            "if": { "type": "string" },
            "then": { "pattern": short_type_pattern() },
            "else": generator.subschema_for::<LongParameter>(),
        })
    }
}

/// A long-form parameter: [`RawParameter`], with `type` required unless `properties` is given.
#[derive(Debug, Clone, Copy, Default)]
pub struct LongParameter;

impl JsonSchema for LongParameter {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "LongParameter".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "allOf": [generator.subschema_for::<RawParameter>()],
            "anyOf": [{ "required": ["type"] }, { "required": ["properties"] }],
        })
    }
}

/// The type of `items:` / `values:`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Item;

impl JsonSchema for Item {
    fn schema_name() -> Cow<'static, str> {
        "Item".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An item type: short form without `?` (`string`, `uuid[]`), or a long form without `required` (use `nullable: true` for null items).",
            "if": { "type": "string" },
            "then": { "pattern": item_type_pattern() },
            "else": {
                "allOf": [generator.subschema_for::<LongParameter>()],
                "not": { "required": ["required"] },
            },
        })
    }
}

/// A YAML merge key's value.
#[derive(Debug, Clone, Copy, Default)]
pub struct Merge;

inline_schema!(Merge, "Merge", |_g| json_schema!({
    "anyOf": [
        { "type": "object" },
        { "type": "array", "items": { "type": "object" } },
    ],
}));

/// Text: any scalar but `null` (`version: 2` reads as `"2"`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Text;

inline_schema!(Text, "Text", |_g| json_schema!({
    "type": ["string", "number", "boolean"],
}));

/// `true`, `false`, or a reason.
#[derive(Debug, Clone, Copy, Default)]
pub struct Deprecation;

inline_schema!(Deprecation, "Deprecation", |_g| json_schema!({
    "type": ["boolean", "string", "number"],
}));

/// `true` or `false`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Flag;

inline_schema!(Flag, "Flag", |_g| json_schema!({ "type": "boolean" }));

/// A whole number ≥ 0.
#[derive(Debug, Clone, Copy, Default)]
pub struct Count;

inline_schema!(Count, "Count", |_g| json_schema!({
    "type": "integer",
    "minimum": 0,
}));

/// A number.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bound;

inline_schema!(Bound, "Bound", |_g| json_schema!({ "type": "number" }));

/// A long form's `type:` value.
#[derive(Debug, Clone, Copy, Default)]
pub struct TypeName;

inline_schema!(TypeName, "TypeName", |_g| json_schema!({
    "type": "string",
    "pattern": type_name_pattern(),
}));

/// `enum:` values.
#[derive(Debug, Clone, Copy, Default)]
pub struct EnumValues;

inline_schema!(EnumValues, "EnumValues", |_g| json_schema!({
    "type": "array",
    "minItems": 1,
    "uniqueItems": true,
}));

/// `tags:`: a list of scalars.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tags;

inline_schema!(Tags, "Tags", |_g| json_schema!({
    "type": "array",
    "items": { "type": ["string", "number", "boolean"] },
}));

/// `examples:`: a list of payloads.
#[derive(Debug, Clone, Copy, Default)]
pub struct Examples;

inline_schema!(Examples, "Examples", |_g| json_schema!({
    "type": "array",
}));

#[cfg(test)]
mod tests {
    use super::*;

    /// The names and descriptions of a definition's properties in the schema, `<<` left out.
    fn properties(definition: &str) -> Vec<(String, String)> {
        let schema = schema();
        let props = schema["definitions"][definition]["properties"]
            .as_object()
            .unwrap();
        assert!(props.contains_key("<<"), "{definition} allows no merge key");
        props
            .iter()
            .filter(|(k, _)| *k != "<<")
            .map(|(k, v)| {
                let description = v["description"].as_str().unwrap_or_default();
                (k.clone(), description.to_string())
            })
            .collect()
    }

    /// The codes of the errors found in one definitions text.
    fn codes(text: &str) -> Vec<String> {
        let compiled = crate::check_texts(&[("defs.yaml", text)], &crate::Config::default());
        compiled
            .diagnostics
            .iter()
            .filter(|d| d.severity == crate::Severity::Error)
            .map(|d| d.code.to_string())
            .collect()
    }

    #[test]
    fn schema_lists_exactly_the_event_keys_with_their_descriptions() {
        let expected: Vec<(String, String)> = EVENT_KEYS
            .iter()
            .map(|k| (k.name().to_string(), k.description().to_string()))
            .collect();
        assert_eq!(properties("RawEvent"), expected);
        assert!(EVENT_KEYS.iter().all(|k| !k.description().is_empty()));
    }

    #[test]
    fn schema_lists_exactly_the_parameter_keys_with_their_descriptions() {
        let expected: Vec<(String, String)> = PARAMETER_KEYS
            .iter()
            .map(|k| (k.name().to_string(), k.description().to_string()))
            .collect();
        assert_eq!(properties("RawParameter"), expected);
        assert!(PARAMETER_KEYS.iter().all(|k| !k.description().is_empty()));
    }

    /// Every key in the schema is accepted by the resolver (whatever its value, it is no `unknown-key`),
    /// and a key missing from the schema is rejected: schema and loader cannot drift.
    #[test]
    fn resolver_accepts_exactly_the_event_keys_of_the_schema() {
        for (key, _) in properties("RawEvent") {
            let found = codes(&format!("ev:\n  {key}: x\n"));
            assert!(!found.contains(&"unknown-key".into()), "{key}: {found:?}");
        }
        for key in ["colour", "format", "type", "parameter", "example"] {
            let found = codes(&format!("ev:\n  {key}: x\n"));
            assert!(found.contains(&"unknown-key".into()), "{key}: {found:?}");
        }
    }

    #[test]
    fn resolver_accepts_exactly_the_parameter_keys_of_the_schema() {
        for (key, _) in properties("RawParameter") {
            let found = codes(&format!(
                "ev:\n  parameters:\n    p:\n      type: string\n      {key}: x\n"
            ));
            assert!(!found.contains(&"unknown-key".into()), "{key}: {found:?}");
        }
        for key in ["format", "owner", "default", "optional", "examples"] {
            let found = codes(&format!(
                "ev:\n  parameters:\n    p:\n      type: string\n      {key}: x\n"
            ));
            assert!(found.contains(&"unknown-key".into()), "{key}: {found:?}");
        }
    }

    #[test]
    fn key_lookup_round_trips() {
        for key in EVENT_KEYS {
            assert_eq!(EventKey::from_name(key.name()), Some(*key));
        }
        for key in PARAMETER_KEYS {
            assert_eq!(ParameterKey::from_name(key.name()), Some(*key));
        }
        assert_eq!(EventKey::from_name("<<"), None);
    }

    /// The patterns accept what the resolver's short form reads, and nothing else (a table, checked against
    /// the resolver itself).
    #[test]
    fn type_patterns_agree_with_the_resolver() {
        let short = fancy_regex::Regex::new(&short_type_pattern()).unwrap();
        let item = fancy_regex::Regex::new(&item_type_pattern()).unwrap();
        let long = fancy_regex::Regex::new(&type_name_pattern()).unwrap();
        let cases = [
            "string",
            "integer?",
            "uuid[]",
            "integer[]?",
            " float ",
            "string ?",
            "string [] ?",
            "json",
            "strin",
            "string??",
            "string?[]",
            "string[][]",
            "map",
            "object",
            "map<string>",
            "String",
            "",
            "?",
            "[]",
        ];
        for text in cases {
            let found = codes(&format!("ev:\n  parameters:\n    p: '{text}'\n"));
            let resolver_ok = found.is_empty();
            assert_eq!(
                short.is_match(text).unwrap(),
                resolver_ok,
                "short `{text}`: {found:?}"
            );
            let found = codes(&format!(
                "ev:\n  parameters:\n    p: {{type: array, items: '{text}'}}\n"
            ));
            assert_eq!(
                item.is_match(text).unwrap(),
                found.is_empty(),
                "item `{text}`: {found:?}"
            );
        }
        for (text, ok) in [
            ("object", true),
            ("map", true),
            (" array ", true),
            ("string?", true),
        ] {
            assert_eq!(long.is_match(text).unwrap(), ok, "type `{text}`");
        }
        assert!(!long.is_match("objects").unwrap());
    }
}
