//! Property test: on random lines built from the agreement catalog's own definitions, every line
//! `evdef validate` accepts deserialises into the generated Rust `Event`, and every line it rejects does
//! not. Lines are written as text, so numbers keep their spelling (`1.0`, `1e2`, `-0`, `2^63`,
//! `-2^63-1`, `1e400`); the generator walks every parameter (all types, optional and nullable, nesting,
//! enums, constraints) and mutates some values: wrong types, integral floats, numbers past 64 bits, missing
//! and extra keys, nulls, repeated keys, a line or an object written as an array. It runs twice: parameters
//! next to the name field, and under a payload field (`properties`).
//!
//! `EVDEF_AGREEMENT_CASES=<n>` (default 10000) and `EVDEF_AGREEMENT_SEED=<n>` explore further; the test
//! prints how many lines it ran and how many were accepted.
//!
//! Deliberate exceptions, each recognised exactly and counted (see [`exception`]):
//! - validate rejects, Rust accepts: formats (`email`, `url`, `uuid`, `timestamp`, `date` are `String`s by
//!   default), `pattern`, the user's `minimum`/`maximum` and length and item counts; the generated types
//!   list these in their doc comments as checked by `evdef validate` only. The 64-bit integer range is not
//!   an exception: the Rust types enforce it.
//! - Rust rejects, validate accepts: a key repeated in one JSON object of a struct. serde_json keeps the
//!   last value when it builds the `Value` that validate checks; serde's derived structs read every
//!   occurrence and reject the line (`duplicate field`, or the first value's error). The exception holds
//!   only when the line rewritten with the last values parses.

use std::fmt::Write as _;
use std::path::Path;

use evdef::model::{Parameters, Schema, Type};
use evdef::validate::{LineVerdict, Validator};

use evdef::config::EnvelopeConfig;

use super::agreement::{payload_types, types};

/// SplitMix64: a tiny seeded generator, so a failing seed can be replayed without extra dependencies.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Numbers as written in a line: integers, integral floats, values at and past the 64-bit edges, and
/// numbers serde_json cannot read at all (`1e400`).
const NUMBERS: [&str; 28] = [
    "0",
    "1",
    "-1",
    "7",
    "42",
    "100",
    "101",
    "1.0",
    "7.0",
    "1e2",
    "-1E2",
    "1.5",
    "-0",
    "-0.0",
    "0.5",
    "2.0e-1",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "9.2233720368547748e18",
    "9223372036854775807.0",
    "1e19",
    "-1e19",
    "1e30",
    "1e400",
    "-1e400",
];

/// Strings of every format, valid and not.
const STRINGS: [&str; 16] = [
    "",
    "a",
    "abc",
    "Hello",
    "abcdefghij",
    "x y",
    "ünï",
    "pro",
    "dark",
    "a@example.com",
    "not an email",
    "https://example.com/x",
    "6f1c2a9e-0b7d-4c3e-9a51-2f8d7c6b5a40",
    "2024-05-01T12:00:00Z",
    "2024-05-01",
    "2024-13-45",
];

/// Values of the wrong type (or the right one) that a mutation puts anywhere.
const ANYTHING: [&str; 19] = [
    "null",
    "true",
    "\"s\"",
    "1",
    "1.0",
    "1e2",
    "-0",
    "2.5",
    "9223372036854775808",
    "-9223372036854775809",
    "1e400",
    "[]",
    "[1]",
    "{}",
    "{\"k\":1}",
    "\"2024-05-01\"",
    // An enum value in serde's externally tagged form, and a struct's fields as an array.
    "{\"pro\":null}",
    "{\"dark\":null}",
    "[1.5,true]",
];

/// What the generator did to a line that the exception rules need to know.
#[derive(Default)]
struct Notes {
    repeated_key: bool,
}

/// Writes one random line of `event` as JSON text.
struct Writer<'r> {
    rng: &'r mut Rng,
    notes: Notes,
    /// Percent chance of a mutation at each value.
    mutate: u64,
    /// Parameters under a `properties` field rather than next to the name.
    payload: bool,
}

impl Writer<'_> {
    fn line(&mut self, event: &str, parameters: &Parameters) -> String {
        let mut out = String::new();
        let name = if self.rng.chance(1) {
            "unknown_event"
        } else {
            event
        };
        let _ = write!(out, "{{\"event\":{}", json_string(name));
        if self.payload {
            // The envelope may carry other fields; the payload is an object of its own.
            if self.rng.chance(10) {
                out.push_str(",\"ts\":1");
            }
            if self.rng.chance(self.mutate / 2) {
                let _ = write!(out, ",\"properties\":{}}}", self.rng.pick(&ANYTHING));
                return out;
            }
            out.push_str(",\"properties\":{");
            self.members(&mut out, parameters, false);
            out.push('}');
        } else {
            self.members(&mut out, parameters, true);
        }
        out.push('}');
        out
    }

    /// The members of an object holding `parameters`; `first_written` when a member precedes them.
    fn members(&mut self, out: &mut String, parameters: &Parameters, first_written: bool) {
        let mut first = !first_written;
        let mut sep = |out: &mut String| {
            if !std::mem::take(&mut first) {
                out.push(',');
            }
        };
        for (name, p) in parameters {
            let present = if p.required {
                !self.rng.chance(self.mutate / 2)
            } else {
                self.rng.chance(50)
            };
            if !present {
                continue;
            }
            sep(out);
            let _ = write!(out, "{}:", json_string(name));
            self.value(out, &p.schema);
            if self.rng.chance(self.mutate / 4) {
                self.notes.repeated_key = true;
                sep(out);
                let _ = write!(out, "{}:", json_string(name));
                self.value(out, &p.schema);
            }
        }
        if self.rng.chance(self.mutate / 2) {
            sep(out);
            let extra = self.rng.pick(&ANYTHING);
            let _ = write!(out, "\"zz_extra\":{extra}");
        }
    }

    fn value(&mut self, out: &mut String, schema: &Schema) {
        if self.rng.chance(self.mutate) {
            out.push_str(self.rng.pick(&ANYTHING));
            return;
        }
        if schema.nullable && self.rng.chance(20) {
            out.push_str("null");
            return;
        }
        if let Some(values) = &schema.constraints.enumeration
            && self.rng.chance(80)
        {
            let value = &values[self.rng.below(values.len())];
            // An integer enum value as an integral float half of the time (`7.0` is `7`).
            match value.as_i64() {
                Some(n) if self.rng.chance(50) => write!(out, "{n}.0").unwrap(),
                _ => out.push_str(&value.to_string()),
            }
            return;
        }
        // Mostly values of the right type and format within the bounds, so that lines are accepted often
        // enough and a single odd value decides the verdict.
        let fitting = self.rng.chance(75);
        match &schema.ty {
            Type::Integer | Type::Number => {
                let numbers: Vec<&str> = NUMBERS
                    .into_iter()
                    .filter(|n| !fitting || fits(n, schema))
                    .collect();
                out.push_str(self.rng.pick(&numbers));
            }
            Type::Boolean => out.push_str(if self.rng.chance(50) { "true" } else { "false" }),
            Type::Timestamp if fitting => out.push_str("\"2024-05-01T12:00:00Z\""),
            Type::Date if fitting => out.push_str("\"2024-05-01\""),
            Type::Uuid if fitting => out.push_str("\"6f1c2a9e-0b7d-4c3e-9a51-2f8d7c6b5a40\""),
            Type::Email if fitting => out.push_str("\"a@example.com\""),
            Type::Url if fitting => out.push_str("\"https://example.com/x\""),
            Type::String if fitting => {
                out.push_str(self.rng.pick(&["\"abc\"", "\"pro\"", "\"xy\""]))
            }
            Type::String | Type::Timestamp | Type::Date | Type::Uuid | Type::Email | Type::Url => {
                out.push_str(&json_string(self.rng.pick(&STRINGS)))
            }
            Type::Json => out.push_str(self.rng.pick(&ANYTHING)),
            Type::Object(properties) => {
                out.push('{');
                self.members(out, properties, false);
                out.push('}');
            }
            Type::Array(items) => {
                out.push('[');
                for i in 0..self.rng.below(5) {
                    if i > 0 {
                        out.push(',');
                    }
                    self.value(out, items);
                }
                out.push(']');
            }
            Type::Map(values) => {
                out.push('{');
                for i in 0..self.rng.below(4) {
                    if i > 0 {
                        out.push(',');
                    }
                    let _ = write!(out, "\"k{i}\":");
                    self.value(out, values);
                }
                out.push('}');
            }
        }
    }
}

/// Whether a number (as written) is of the schema's type and within its declared bounds.
fn fits(text: &str, schema: &Schema) -> bool {
    let Ok(n) = text.parse::<f64>() else {
        return false;
    };
    let integral = n.fract() == 0.0 && (-(2f64.powi(63))..2f64.powi(63)).contains(&n);
    let bound = |b: &Option<serde_json::Number>| b.as_ref().and_then(serde_json::Number::as_f64);
    n.is_finite()
        && (schema.ty != Type::Integer || integral)
        && bound(&schema.constraints.minimum).is_none_or(|min| n >= min)
        && bound(&schema.constraints.maximum).is_none_or(|max| n <= max)
}

/// A line's values as a JSON array, name first: serde's tagged enums read that too.
fn as_array(line: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    let values: Vec<serde_json::Value> = value.as_object()?.values().cloned().collect();
    Some(serde_json::Value::from(values).to_string())
}

fn json_string(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// Why a disagreement is deliberate, or `None` when it is a bug.
/// `deduplicated` tells whether the line, rewritten with each repeated key's last value (as serde_json
/// reads it into the `Value` validate checks), parses into the Rust types.
fn exception(
    rust: bool,
    verdict: &LineVerdict,
    notes: &Notes,
    deduplicated: impl FnOnce() -> bool,
) -> Option<&'static str> {
    const UNCHECKED_BY_RUST: [&str; 8] = [
        "format",
        "pattern",
        "minimum",
        "maximum",
        "min-length",
        "max-length",
        "min-items",
        "max-items",
    ];
    if rust {
        // The 64-bit range is enforced by both; a bound at its edges is never an exception.
        let only_unchecked = verdict.errors.iter().all(|e| {
            UNCHECKED_BY_RUST.contains(&e.kind)
                && !e.message.ends_with("the maximum of 9223372036854775807")
                && !e.message.ends_with("the minimum of -9223372036854775808")
        });
        only_unchecked.then_some("formats and value constraints are checked by validate only")
    } else {
        (notes.repeated_key && deduplicated())
            .then_some("a repeated key: validate keeps the last, serde's structs reject the line")
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn every_line_validate_accepts_deserialises_and_every_line_it_rejects_does_not() {
    agree::<types::Event>(EnvelopeConfig::default());
}

#[test]
fn the_same_with_parameters_under_a_payload_field() {
    let envelope = EnvelopeConfig {
        payload_field: "properties".into(),
        ..EnvelopeConfig::default()
    };
    agree::<payload_types::Event>(envelope);
}

/// Random lines for `envelope`, each checked by validate and parsed as `E`.
#[allow(clippy::print_stderr)] // how many lines ran, and how they fared
fn agree<E: serde::de::DeserializeOwned>(envelope: EnvelopeConfig) {
    let catalog = super::catalog(Path::new("tests/fixtures/emit-rust/agreement.yaml"));
    let validator = Validator::new(&catalog, &envelope).unwrap();
    let payload = !envelope.payload_field.is_empty();
    let cases = env_number("EVDEF_AGREEMENT_CASES", 10_000);
    let seed = env_number("EVDEF_AGREEMENT_SEED", 11);
    let mut rng = Rng(seed);
    let events: Vec<_> = catalog.events.values().collect();
    let (mut accepted, mut excepted, mut disagreements) = (0u64, [0u64; 2], Vec::new());
    let (mut integral_floats_accepted, mut rejected_only_for_64_bits) = (0u64, 0u64);
    for case in 0..cases {
        let event = events[rng.below(events.len())];
        // A third of the lines unmutated, the rest with rising mutation rates.
        let mutate = [0, 0, 0, 2, 5, 10, 20][rng.below(7)];
        let mut writer = Writer {
            rng: &mut rng,
            notes: Notes::default(),
            mutate,
            payload,
        };
        let mut line = writer.line(&event.name, &event.parameters);
        let notes = writer.notes;
        if rng.chance(1) {
            line = as_array(&line).unwrap_or(line);
        }
        let rust = serde_json::from_str::<E>(&line);
        let verdict = validator.validate_line(line.as_bytes());
        let schema = verdict.status.is_accepted();
        accepted += u64::from(schema);
        if schema && rust.is_ok() && (line.contains(".0,") || line.contains("e2")) {
            integral_floats_accepted += 1;
        }
        let only_i64_bounds = !schema
            && verdict.errors.iter().all(|e| {
                e.message.ends_with("the maximum of 9223372036854775807")
                    || e.message.ends_with("the minimum of -9223372036854775808")
            });
        rejected_only_for_64_bits += u64::from(only_i64_bounds && rust.is_err());
        if rust.is_ok() == schema {
            continue;
        }
        let deduplicated = || {
            serde_json::from_str::<serde_json::Value>(&line)
                .is_ok_and(|v| serde_json::from_str::<E>(&v.to_string()).is_ok())
        };
        match exception(rust.is_ok(), &verdict, &notes, deduplicated) {
            Some(_) => excepted[usize::from(rust.is_ok())] += 1,
            None => disagreements.push(format!(
                "case {case}: validate {}, rust {}: {line}\n  validate: {:?}\n  rust: {:?}",
                if schema { "accepts" } else { "rejects" },
                if rust.is_ok() { "accepts" } else { "rejects" },
                verdict
                    .errors
                    .iter()
                    .map(|e| &e.message)
                    .collect::<Vec<_>>(),
                rust.err().map(|e| e.to_string()),
            )),
        }
    }
    eprintln!(
        "payload field {payload}: {cases} lines (seed {seed}): {accepted} accepted by validate, {} rejected \
         ({rejected_only_for_64_bits} only for a number past 64 bits); {integral_floats_accepted} \
         accepted lines hold an integral float; exceptions: {} format/constraint lines only validate \
         rejects, {} repeated-key lines only Rust rejects",
        cases - accepted,
        excepted[1],
        excepted[0]
    );
    assert!(
        disagreements.is_empty(),
        "{} of {cases} lines disagree (seed {seed}):\n{}",
        disagreements.len(),
        disagreements
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    // Both verdicts must be well exercised, integral floats included.
    if cases >= 10_000 {
        assert!(
            accepted > cases / 20 && accepted < cases * 19 / 20,
            "{accepted} of {cases} accepted"
        );
        assert!(integral_floats_accepted > 0 && rejected_only_for_64_bits > 0);
    }
}
