//! Compiles one event's emitted JSON Schema into the tree of [`Node`]s the fast path walks. Only the
//! keywords `emit json-schema` writes are understood; a schema with any other keyword is refused (the
//! event then always takes the slow path), so the fast path never guesses at a keyword's meaning.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use rustc_hash::FxHashMap;
use serde_json::{Map, Value};

use super::format::Format;

/// JSON types as bits, so a `type` list is one mask.
pub(super) mod ty {
    /// `null`.
    pub const NULL: u8 = 1;
    /// `true` / `false`.
    pub const BOOL: u8 = 2;
    /// An integral number (a number whose value has no fraction, `1.0` included).
    pub const INT: u8 = 4;
    /// Any number.
    pub const NUM: u8 = 8;
    /// A string.
    pub const STR: u8 = 16;
    /// An array.
    pub const ARR: u8 = 32;
    /// An object.
    pub const OBJ: u8 = 64;
    /// No `type` keyword.
    pub const ANY: u8 = 127;
}

/// Annotations: they never change a verdict.
const ANNOTATIONS: &[&str] = &[
    "$schema",
    "$id",
    "$comment",
    "title",
    "description",
    "deprecated",
    "examples",
    "default",
    "readOnly",
    "writeOnly",
    "x-pii",
    "x-pii-classification",
];

/// The checks on one value.
#[derive(Debug, Default)]
pub(super) struct Node {
    /// Allowed types ([`ty`] bits).
    pub types: u8,
    /// `enum` / `const`.
    pub allowed: Option<Allowed>,
    /// `minLength` / `maxLength` in code points.
    pub length: Option<(u64, u64)>,
    /// A `format` checked natively (see [`Format`]).
    pub format: Option<NativeFormat>,
    /// `pattern` and any other `format`, checked by `jsonschema` itself on the string value alone.
    pub string_check: Option<jsonschema::Validator>,
    /// `minimum` / `maximum`.
    pub bounds: Option<Bounds>,
    /// `properties`, `required`, `additionalProperties`.
    pub object: Option<Box<ObjectRules>>,
    /// `items`, `minItems`, `maxItems`.
    pub array: Option<Box<ArrayRules>>,
    /// JSON Pointer to this node's schema inside the event's schema, for [`Node::validator`].
    pub pointer: Box<str>,
    /// This node's schema compiled by `jsonschema` on its own, built the first time a value fails here
    /// (only for the errors of an invalid line; `None` when it cannot be compiled alone).
    pub validator: OnceLock<Option<jsonschema::Validator>>,
}

impl Node {
    /// Whether the node checks nothing (a `json` parameter): its value is only skipped.
    pub fn is_any(&self) -> bool {
        self.types == ty::ANY
            && self.allowed.is_none()
            && self.length.is_none()
            && self.format.is_none()
            && self.string_check.is_none()
            && self.bounds.is_none()
            && self.object.is_none()
            && self.array.is_none()
    }

    /// This node's schema as a `jsonschema` validator (`event` is the whole schema the node was compiled
    /// from), compiled once, on first use.
    pub fn validator(
        &self,
        event: &Value,
        options: &jsonschema::ValidationOptions<'static>,
    ) -> Option<&jsonschema::Validator> {
        self.validator
            .get_or_init(|| options.build(event.pointer(&self.pointer)?).ok())
            .as_ref()
    }
}

/// A `format` the fast path checks itself, with `jsonschema`'s own checker for the strings the native
/// check leaves open.
#[derive(Debug)]
pub(super) struct NativeFormat {
    /// The format.
    pub format: Format,
    /// `{"format": ...}` alone, as a `jsonschema` validator.
    pub fallback: jsonschema::Validator,
}

/// The values of an `enum` (or a `const`).
#[derive(Debug, Default)]
pub(super) struct Allowed {
    /// String values.
    pub strings: Vec<Box<str>>,
    /// Number values (compared with `jsonschema`'s own numeric equality).
    pub numbers: Vec<Value>,
    /// `null` is allowed.
    pub null: bool,
    /// `true` is allowed.
    pub yes: bool,
    /// `false` is allowed.
    pub no: bool,
}

/// `minimum` / `maximum`: exact on 64-bit integers, else `jsonschema` decides on the parsed number.
#[derive(Debug)]
pub(super) struct Bounds {
    /// The lower bound when it is a 64-bit integer (or there is none).
    pub min: Option<i64>,
    /// The upper bound when it is a 64-bit integer (or there is none).
    pub max: Option<i64>,
    /// Whether both bounds fit `min`/`max` (else every number goes to `check`).
    pub exact: bool,
    /// The bounds as a `jsonschema` validator, for floats and bounds past `i64`.
    pub check: jsonschema::Validator,
}

/// The checks on an object.
#[derive(Debug, Default)]
pub(super) struct ObjectRules {
    /// Declared properties, in schema order.
    pub props: Vec<(Box<str>, Node)>,
    /// Property name → index in `props`.
    pub index: FxHashMap<Box<str>, usize>,
    /// For each slot of `props` (and one more for the start of the object), the property that followed
    /// it in the last line where the guess failed: producers write an event's properties in one order,
    /// so after a line or two the guess is right and no key is hashed. Only a speed hint: a guess is
    /// always checked against the key, so it never changes a verdict.
    pub follows: Vec<AtomicUsize>,
    /// Bit `i` set when `props[i]` is required (`words` words).
    pub required: Vec<u64>,
    /// What an undeclared property may be.
    pub additional: Additional,
}

impl ObjectRules {
    /// The index of the declared property `key`, read after the property in slot `previous`.
    #[inline]
    pub fn find(&self, previous: usize, key: &str) -> Option<usize> {
        let follows = self.follows.get(previous)?;
        let guess = follows.load(Ordering::Relaxed);
        if let Some((name, _)) = self.props.get(guess)
            && super::scan::short_eq(name.as_bytes(), key.as_bytes())
        {
            return Some(guess);
        }
        let found = self.index.get(key).copied()?;
        follows.store(found, Ordering::Relaxed);
        Some(found)
    }
}

/// `additionalProperties`.
#[derive(Debug, Default)]
pub(super) enum Additional {
    /// Absent or `true`.
    #[default]
    Allow,
    /// `false`.
    Deny,
    /// A schema every undeclared property's value must match.
    Schema(Box<Node>),
}

/// The checks on an array.
#[derive(Debug, Default)]
pub(super) struct ArrayRules {
    /// `items` (absent: anything).
    pub items: Option<Node>,
    /// `minItems`.
    pub min: u64,
    /// `maxItems`.
    pub max: u64,
}

/// Compile a schema. `Err` names the first thing the fast path does not handle.
pub(super) fn compile(
    schema: &Value,
    options: &jsonschema::ValidationOptions<'static>,
) -> Result<Node, String> {
    compile_at(schema, options, "")
}

/// Compile the schema found at `pointer` in the event's schema.
fn compile_at(
    schema: &Value,
    options: &jsonschema::ValidationOptions<'static>,
    pointer: &str,
) -> Result<Node, String> {
    let Value::Object(map) = schema else {
        return Err("a schema that is not an object".into());
    };
    let mut node = Node {
        types: types(map.get("type"))?,
        pointer: pointer.into(),
        ..Node::default()
    };
    let mut string_keywords = Map::new();
    let mut bound_keywords = Map::new();
    let mut length = (0, u64::MAX);
    let mut has_length = false;
    let mut items = (0, u64::MAX);
    for (key, value) in map {
        match key.as_str() {
            "type" | "properties" | "required" | "additionalProperties" | "items" => {}
            "enum" => node.allowed = Some(allowed(value.as_array().ok_or("`enum` not a list")?)?),
            "const" => node.allowed = Some(allowed(std::slice::from_ref(value))?),
            "format" if value.as_str().and_then(Format::from_name).is_some() => {
                node.format = Some(native_format(key, value, options)?);
            }
            "pattern" | "format" => {
                string_keywords.insert(key.clone(), value.clone());
            }
            "minimum" | "maximum" => {
                bound_keywords.insert(key.clone(), value.clone());
            }
            "minLength" => (length.0, has_length) = (count(value)?, true),
            "maxLength" => (length.1, has_length) = (count(value)?, true),
            "minItems" => items.0 = count(value)?,
            "maxItems" => items.1 = count(value)?,
            k if ANNOTATIONS.contains(&k) => {}
            k => return Err(format!("keyword `{k}`")),
        }
    }
    if has_length {
        node.length = Some(length);
    }
    if !string_keywords.is_empty() {
        let check = options
            .build(&Value::Object(string_keywords))
            .map_err(|e| e.to_string())?;
        node.string_check = Some(check);
    }
    if !bound_keywords.is_empty() {
        node.bounds = Some(bounds(bound_keywords, options)?);
    }
    if ["properties", "required", "additionalProperties"]
        .iter()
        .any(|k| map.contains_key(*k))
    {
        node.object = Some(Box::new(object(map, options, pointer)?));
    }
    if map.contains_key("items") || items != (0, u64::MAX) {
        let item_node = match map.get("items") {
            Some(schema) => Some(compile_at(schema, options, &format!("{pointer}/items"))?),
            None => None,
        };
        node.array = Some(Box::new(ArrayRules {
            items: item_node,
            min: items.0,
            max: items.1,
        }));
    }
    Ok(node)
}

fn native_format(
    key: &str,
    value: &Value,
    options: &jsonschema::ValidationOptions<'static>,
) -> Result<NativeFormat, String> {
    let format = value
        .as_str()
        .and_then(Format::from_name)
        .ok_or("a `format` not checked natively")?;
    let mut keywords = Map::new();
    keywords.insert(key.into(), value.clone());
    let fallback = options
        .build(&Value::Object(keywords))
        .map_err(|e| e.to_string())?;
    Ok(NativeFormat { format, fallback })
}

fn types(value: Option<&Value>) -> Result<u8, String> {
    let one = |name: &str| -> Result<u8, String> {
        Ok(match name {
            "null" => ty::NULL,
            "boolean" => ty::BOOL,
            "integer" => ty::INT,
            "number" => ty::NUM | ty::INT,
            "string" => ty::STR,
            "array" => ty::ARR,
            "object" => ty::OBJ,
            other => return Err(format!("type `{other}`")),
        })
    };
    match value {
        None => Ok(ty::ANY),
        Some(Value::String(name)) => one(name),
        Some(Value::Array(names)) => names.iter().try_fold(0, |mask, name| {
            Ok(mask | one(name.as_str().ok_or("a type that is not a string")?)?)
        }),
        Some(_) => Err("a malformed `type`".into()),
    }
}

fn allowed(values: &[Value]) -> Result<Allowed, String> {
    let mut allowed = Allowed::default();
    for value in values {
        match value {
            Value::String(s) => allowed.strings.push(s.as_str().into()),
            Value::Number(_) => allowed.numbers.push(value.clone()),
            Value::Null => allowed.null = true,
            Value::Bool(true) => allowed.yes = true,
            Value::Bool(false) => allowed.no = true,
            _ => return Err("an `enum` value that is an array or an object".into()),
        }
    }
    Ok(allowed)
}

fn count(value: &Value) -> Result<u64, String> {
    value
        .as_u64()
        .ok_or_else(|| format!("a count that is not a whole number: {value}"))
}

fn bounds(
    keywords: Map<String, Value>,
    options: &jsonschema::ValidationOptions<'static>,
) -> Result<Bounds, String> {
    let as_i64 = |key: &str| keywords.get(key).map(Value::as_i64);
    let (min, max) = (as_i64("minimum"), as_i64("maximum"));
    let exact = !matches!(min, Some(None)) && !matches!(max, Some(None));
    let check = options
        .build(&Value::Object(keywords.clone()))
        .map_err(|e| e.to_string())?;
    Ok(Bounds {
        min: min.flatten(),
        max: max.flatten(),
        exact,
        check,
    })
}

fn object(
    map: &Map<String, Value>,
    options: &jsonschema::ValidationOptions<'static>,
    pointer: &str,
) -> Result<ObjectRules, String> {
    let mut rules = ObjectRules::default();
    if let Some(props) = map.get("properties") {
        let props = props.as_object().ok_or("`properties` not an object")?;
        for (name, schema) in props {
            rules.index.insert(name.as_str().into(), rules.props.len());
            let at = format!(
                "{pointer}/properties/{}",
                crate::validate::pointer_escape(name)
            );
            rules
                .props
                .push((name.as_str().into(), compile_at(schema, options, &at)?));
        }
    }
    rules.required = vec![0; rules.props.len().div_ceil(64)];
    // Until a line says otherwise, properties are guessed in schema order.
    rules.follows = (0..=rules.props.len())
        .map(|slot| {
            AtomicUsize::new(if slot == rules.props.len() {
                0
            } else {
                slot + 1
            })
        })
        .collect();
    let required = match map.get("required") {
        None => &[][..],
        Some(r) => r.as_array().ok_or("`required` not a list")?.as_slice(),
    };
    for name in required {
        let name = name
            .as_str()
            .ok_or("a `required` entry that is not a string")?;
        let &i = rules
            .index
            .get(name)
            .ok_or_else(|| format!("required `{name}` is not a declared property"))?;
        rules.required[i / 64] |= 1 << (i % 64);
    }
    rules.additional = match map.get("additionalProperties") {
        None | Some(Value::Bool(true)) => Additional::Allow,
        Some(Value::Bool(false)) => Additional::Deny,
        Some(schema) => {
            let at = format!("{pointer}/additionalProperties");
            Additional::Schema(Box::new(compile_at(schema, options, &at)?))
        }
    };
    Ok(rules)
}
