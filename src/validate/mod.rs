//! The validator: compiles the schemas `emit json-schema` produces once, then gives a verdict for each log
//! line. Its verdicts are by construction those of the `jsonschema` crate on the emitted schemas (formats
//! enforced), and bad input (not JSON, not UTF-8, too deep, wrong shape) is a verdict, never a failure.
//! [`ndjson`] runs it over a stream.

pub mod bundle;
pub mod fast;
pub mod ndjson;
mod summary;

use std::collections::HashMap;

use serde_json::Value;

use crate::Error;
use crate::config::EnvelopeConfig;
use crate::emit::json_schema::{self, Draft, JsonSchemaOptions};
use crate::model::Catalog;

/// What to do with a line whose event name is not in the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnknownEvents {
    /// The line is invalid (kind `unknown-event`).
    #[default]
    Error,
    /// The line is valid but reported with a warning.
    Warn,
    /// The line is valid and not reported (it is counted in the summary).
    Allow,
}

/// The verdict on one line.
#[derive(Debug, Clone, PartialEq)]
pub struct LineVerdict {
    /// Valid, invalid, empty, or valid with a warning.
    pub status: Status,
    /// The event the line names, when it names one.
    pub event: EventRef,
    /// Every violation (for [`Status::Invalid`]) or the warning (for [`Status::Warning`]).
    pub errors: Vec<LineError>,
}

/// How a line fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// An empty line: not an event. Counted, and kept on the valid side of a split.
    Empty,
    /// The event matches its definition.
    Valid,
    /// Accepted, with a warning (an unknown event under `--unknown-events warn`).
    Warning,
    /// The line is not a valid event.
    Invalid,
}

impl Status {
    /// Whether the line belongs on the valid side of a split.
    pub fn is_accepted(self) -> bool {
        self != Status::Invalid
    }
}

/// The event a line names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EventRef {
    /// No name could be read (not JSON, no name field, ...).
    None,
    /// An event of the catalog, by index in [`Validator::event_names`].
    Known(usize),
    /// A name the catalog does not define.
    Unknown(String),
}

/// One violation in a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// JSON Pointer to the offending value (`""` for the whole line).
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// Stable kind: `malformed-json`, `invalid-utf8`, `missing-name`, `unknown-event`, `required`, `type`,
    /// `additional`, `enum`, `format`, `pattern`, `minimum`, `max-length`, ...
    pub kind: &'static str,
}

impl LineError {
    fn new(path: impl Into<String>, message: impl Into<String>, kind: &'static str) -> Self {
        LineError {
            path: path.into(),
            message: message.into(),
            kind,
        }
    }
}

/// Longest message kept for one error: a line may hold a 100 MB value, and messages quote values.
const MAX_MESSAGE: usize = 300;

/// Compiled checks for every event of a catalog. `Send + Sync`: one validator serves every thread.
pub struct Validator {
    validators: Vec<jsonschema::Validator>,
    names: Vec<String>,
    index: HashMap<String, usize>,
    name_field: String,
    unknown: UnknownEvents,
    /// The fast path (see [`fast`]); `None` when turned off.
    fast: Option<fast::FastChecker>,
}

impl std::fmt::Debug for Validator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Validator")
            .field("events", &self.names)
            .field("name_field", &self.name_field)
            .field("unknown", &self.unknown)
            .finish_non_exhaustive()
    }
}

/// `jsonschema` options equal to the ones the documentation tells users to validate with: draft 2020-12,
/// formats enforced.
pub fn jsonschema_options() -> jsonschema::ValidationOptions<'static> {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
}

impl Validator {
    /// Compile the emitted schema of every event (draft 2020-12, formats enforced).
    pub fn new(catalog: &Catalog, envelope: &EnvelopeConfig) -> Result<Validator, Error> {
        let options = JsonSchemaOptions {
            draft: Draft::Draft202012,
            envelope: envelope.clone(),
            bundle_only: false,
        };
        let compile = jsonschema_options();
        let mut validators = Vec::with_capacity(catalog.events.len());
        let mut names = Vec::with_capacity(catalog.events.len());
        let mut index = HashMap::with_capacity(catalog.events.len());
        let mut schemas = Vec::with_capacity(catalog.events.len());
        for (i, event) in catalog.events.values().enumerate() {
            let schema = json_schema::event_schema(event, &options);
            let validator = compile.build(&schema).map_err(|e| {
                Error::Usage(format!(
                    "cannot compile the schema of event `{}`: {e}",
                    event.name
                ))
            })?;
            validators.push(validator);
            schemas.push(schema);
            names.push(event.name.clone());
            index.insert(event.name.clone(), i);
        }
        let fast = fast::FastChecker::new(&names, schemas, &envelope.name_field, &compile);
        Ok(Validator {
            validators,
            names,
            index,
            name_field: envelope.name_field.clone(),
            unknown: UnknownEvents::default(),
            fast: Some(fast),
        })
    }

    /// Turn the fast path off: every line is then parsed into a `serde_json::Value` and checked by
    /// `jsonschema`, the reference the fast path is tested against.
    pub fn without_fast_path(mut self) -> Self {
        self.fast = None;
        self
    }

    /// The fast path, when it is on.
    pub fn fast_path(&self) -> Option<&fast::FastChecker> {
        self.fast.as_ref()
    }

    /// Set what to do with unknown event names (default: they are errors).
    pub fn with_unknown_events(mut self, unknown: UnknownEvents) -> Self {
        self.unknown = unknown;
        self
    }

    /// Event names, indexed by [`EventRef::Known`].
    pub fn event_names(&self) -> &[String] {
        &self.names
    }

    /// The name of a line's event, for output (`None` when the line names none).
    pub fn event_name<'a>(&'a self, event: &'a EventRef) -> Option<&'a str> {
        match event {
            EventRef::None => None,
            EventRef::Known(i) => self.names.get(*i).map(String::as_str),
            EventRef::Unknown(name) => Some(name),
        }
    }

    /// The verdict on one physical line (its line ending, `\n` or `\r\n`, is ignored).
    pub fn validate_line(&self, line: &[u8]) -> LineVerdict {
        let line = strip_line_ending(line);
        if line.is_empty() {
            return LineVerdict {
                status: Status::Empty,
                event: EventRef::None,
                errors: Vec::new(),
            };
        }
        // `simdutf8` checks a whole line at SIMD speed; only a bad line is checked again, for the offset.
        let text = match simdutf8::basic::from_utf8(line).or_else(|_| std::str::from_utf8(line)) {
            Ok(text) => text,
            Err(e) => {
                let message = format!("invalid UTF-8 at byte {}", e.valid_up_to());
                return invalid(EventRef::None, LineError::new("", message, "invalid-utf8"));
            }
        };
        // Most lines are valid: the fast path proves it without building a tree. Any other line is
        // parsed and checked by `jsonschema`, which gives the verdict and every error.
        if let Some(i) = self.fast.as_ref().and_then(|fast| fast.check(text)) {
            return LineVerdict {
                status: Status::Valid,
                event: EventRef::Known(i),
                errors: Vec::new(),
            };
        }
        // Most invalid lines have one error, which the fast path finds too, in `jsonschema`'s words.
        if let Some((i, errors)) = self.fast.as_ref().and_then(|fast| fast.errors(text)) {
            return LineVerdict {
                status: Status::Invalid,
                event: EventRef::Known(i),
                errors,
            };
        }
        // An unknown event name in a well-formed line: the slow path would say only that.
        if let Some(name) = self.fast.as_ref().and_then(|fast| fast.unknown_name(text)) {
            return self.unknown_event(name);
        }
        match serde_json::from_str::<Value>(text) {
            Ok(value) => self.judge(&value, true),
            Err(e) => {
                let message = truncate(format!("malformed JSON: {e}"));
                invalid(
                    EventRef::None,
                    LineError::new("", message, "malformed-json"),
                )
            }
        }
    }

    /// The verdict on one parsed line.
    pub fn validate_value(&self, value: &Value) -> LineVerdict {
        self.judge(value, false)
    }

    /// The verdict on one parsed line; `fast_tried` when the fast path has already failed to prove it.
    /// The verdict on a line of an event the catalog does not define, as `unknown_events` says.
    fn unknown_event(&self, name: &str) -> LineVerdict {
        let event = EventRef::Unknown(name.to_string());
        let path = format!("/{}", pointer_escape(&self.name_field));
        let error = LineError::new(
            path,
            truncate(format!("unknown event {}", Value::from(name))),
            "unknown-event",
        );
        match self.unknown {
            UnknownEvents::Error => invalid(event, error),
            UnknownEvents::Warn => LineVerdict {
                status: Status::Warning,
                event,
                errors: vec![error],
            },
            UnknownEvents::Allow => LineVerdict {
                status: Status::Valid,
                event,
                errors: Vec::new(),
            },
        }
    }

    fn judge(&self, value: &Value, fast_tried: bool) -> LineVerdict {
        let Some(object) = value.as_object() else {
            let message = truncate(format!("{} is not of type \"object\"", value));
            return invalid(EventRef::None, LineError::new("", message, "type"));
        };
        let name = match object.get(&self.name_field) {
            Some(Value::String(name)) => name,
            Some(other) => {
                let message = truncate(format!(
                    "the name field `{}` is not a string: {other}",
                    self.name_field
                ));
                let path = format!("/{}", pointer_escape(&self.name_field));
                return invalid(
                    EventRef::None,
                    LineError::new(path, message, "missing-name"),
                );
            }
            None => {
                let message = format!("no name field `{}`", self.name_field);
                return invalid(EventRef::None, LineError::new("", message, "missing-name"));
            }
        };
        let Some(&i) = self.index.get(name.as_str()) else {
            return self.unknown_event(name);
        };
        let validator = &self.validators[i];
        // A line the fast path walked with this event's checker and did not prove is almost always
        // invalid: its errors are collected straight away (none means valid). Otherwise most lines are
        // valid, and `is_valid` stops early and allocates nothing.
        let walked = fast_tried && self.fast.as_ref().is_some_and(|f| f.handles(i));
        if walked {
            let errors: Vec<LineError> =
                validator.iter_errors(value).map(|e| convert(&e)).collect();
            let status = if errors.is_empty() {
                Status::Valid
            } else {
                Status::Invalid
            };
            return LineVerdict {
                status,
                event: EventRef::Known(i),
                errors,
            };
        }
        if validator.is_valid(value) {
            return LineVerdict {
                status: Status::Valid,
                event: EventRef::Known(i),
                errors: Vec::new(),
            };
        }
        let errors: Vec<LineError> = validator.iter_errors(value).map(|e| convert(&e)).collect();
        LineVerdict {
            status: Status::Invalid,
            event: EventRef::Known(i),
            errors,
        }
    }
}

fn invalid(event: EventRef, error: LineError) -> LineVerdict {
    LineVerdict {
        status: Status::Invalid,
        event,
        errors: vec![error],
    }
}

/// The line without one trailing `\n` or `\r\n`.
pub fn strip_line_ending(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn pointer_escape(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    push_pointer_token(&mut out, token);
    out
}

/// Append `token` to a JSON Pointer, `~` and `/` escaped (RFC 6901); no allocation for a plain token.
fn push_pointer_token(path: &mut String, token: &str) {
    if !token.contains(['~', '/']) {
        path.push_str(token);
        return;
    }
    for c in token.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            c => path.push(c),
        }
    }
}

/// Cut a message to [`MAX_MESSAGE`] bytes (at a character boundary), marking the cut with `…`.
pub(crate) fn truncate(mut message: String) -> String {
    if message.len() > MAX_MESSAGE {
        let mut cut = MAX_MESSAGE;
        while !message.is_char_boundary(cut) {
            cut -= 1;
        }
        message.truncate(cut);
        message.push('…');
    }
    message
}

/// A `jsonschema` error as a [`LineError`].
fn convert(e: &jsonschema::ValidationError<'_>) -> LineError {
    LineError {
        path: e.instance_path().as_str().to_string(),
        message: truncate(e.to_string()),
        kind: kind_of(e.kind().keyword()),
    }
}

/// A stable kebab-case kind for a JSON Schema keyword.
fn kind_of(keyword: &str) -> &'static str {
    match keyword {
        "additionalProperties" | "unevaluatedProperties" => "additional",
        "type" => "type",
        "required" => "required",
        "enum" => "enum",
        "const" => "const",
        "format" => "format",
        "pattern" => "pattern",
        "minimum" | "exclusiveMinimum" => "minimum",
        "maximum" | "exclusiveMaximum" => "maximum",
        "minLength" => "min-length",
        "maxLength" => "max-length",
        "minItems" => "min-items",
        "maxItems" => "max-items",
        "uniqueItems" => "unique-items",
        "multipleOf" => "multiple-of",
        "anyOf" | "oneOf" | "allOf" | "not" | "if" | "then" | "else" => "combinator",
        _ => "other",
    }
}

#[cfg(test)]
mod tests;
