//! The differential test of the validator's fast path (issue 12): on random catalogs covering every
//! type, constraint, optional/nullable combination and nesting level, random lines (mostly valid, then
//! mutated: wrong types, `1.0` and `-0` for integers, integers past 64 bits, `1e400`, duplicate keys,
//! `\u` escapes and surrogate pairs in enum values, patterns and length-limited strings, deep nesting,
//! trailing garbage, a BOM inside a line, ...) are judged three ways:
//!
//! 1. the oracle: `serde_json` + the `jsonschema` crate (formats enforced) on the emitted per-event schema,
//!    with `integer` bounded to i64 (`minimum`/`maximum` added where the emitted schema lacks them: that is
//!    what `integer` means everywhere, DESIGN.md §5);
//! 2. the fast path alone (`FastChecker::check`): it must prove valid exactly the lines the oracle accepts,
//!    except the classes it leaves to the slow path on purpose (duplicate keys, an escaped name field,
//!    nesting deeper than 100), where it may only say "not proven";
//! 3. `Validator::validate_line` with and without the fast path: the same verdict and the same errors.
//!
//! `EVDEF_DIFF_CASES` (default 4,000) and `EVDEF_DIFF_SEED` (default 1) choose the run; a local run of ten
//! million: `EVDEF_DIFF_CASES=10000000 nice -n 10 cargo test --release --test fast_differential -- --nocapture`.

#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod cases;

use std::collections::HashMap;

use cases::{Rng, raw};
use evdef::config::{AdditionalParameters, EnvelopeConfig};
use evdef::emit::json_schema::{self, Draft, JsonSchemaOptions};
use evdef::validate::Validator;
use serde_json::{Map, Value, json};

/// How a line is written.
struct Style {
    spaces: bool,
    escape_non_ascii: bool,
    /// Percent of ASCII letters written as `\u00XX`.
    escape_ascii: u64,
}

/// Writes JSON with the quirks the tests need (raw tokens, duplicate keys, escapes), noting the cases the
/// fast path may leave to the slow path.
struct Writer<'r> {
    out: String,
    style: Style,
    rng: &'r mut Rng,
    may_defer: bool,
}

impl Writer<'_> {
    fn string(&mut self, s: &str, escapes: bool) {
        self.out.push('"');
        for c in s.chars() {
            match c {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                '/' if escapes && self.rng.chance(20) => self.out.push_str("\\/"),
                c if (c as u32) < 0x20 => {
                    let short = match c {
                        '\n' => Some("\\n"),
                        '\t' => Some("\\t"),
                        _ => None,
                    };
                    match short {
                        Some(e) if self.rng.chance(50) => self.out.push_str(e),
                        _ => self.out.push_str(&format!("\\u{:04x}", c as u32)),
                    }
                }
                c if escapes && !c.is_ascii() && self.style.escape_non_ascii => {
                    let mut units = [0u16; 2];
                    for u in c.encode_utf16(&mut units) {
                        self.out.push_str(&format!("\\u{u:04X}"));
                    }
                }
                c if escapes
                    && c.is_ascii_alphabetic()
                    && self.rng.chance(self.style.escape_ascii) =>
                {
                    self.out.push_str(&format!("\\u{:04x}", c as u32));
                }
                c => self.out.push(c),
            }
        }
        self.out.push('"');
    }

    fn value(&mut self, v: &Value) {
        let sp = if self.style.spaces { " " } else { "" };
        match v {
            Value::String(s) => match s.strip_prefix("\u{0}RAW:") {
                Some(text) => {
                    if text.starts_with("[[[[") {
                        self.may_defer = true;
                    }
                    self.out.push_str(text);
                }
                None => self.string(s, true),
            },
            Value::Array(items) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                        self.out.push_str(sp);
                    }
                    self.value(item);
                }
                self.out.push(']');
            }
            Value::Object(m) => {
                self.out.push('{');
                for (i, (k, item)) in m.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                        self.out.push_str(sp);
                    }
                    let key = match k.strip_prefix("\u{0}DUP:") {
                        Some(k) => {
                            self.may_defer = true;
                            k
                        }
                        None => k,
                    };
                    self.string(key, true);
                    self.out.push(':');
                    self.out.push_str(sp);
                    self.value(item);
                }
                self.out.push('}');
            }
            other => self.out.push_str(&other.to_string()),
        }
    }
}

const WRONG: fn() -> Vec<Value> = || {
    vec![
        json!("x"),
        json!(7),
        json!(1.5),
        json!(true),
        Value::Null,
        json!([]),
        json!({}),
        raw("1.0"),
        raw("-0"),
        raw("9223372036854775808"),
        raw("-9223372036854775809"),
        raw("1e400"),
        raw("1e2"),
        raw("1E400"),
        json!("\u{1F600}"),
        json!("2024-05-01T12:00:00Z"),
    ]
};

/// Change one random place of `v` (descending at random).
fn mutate(rng: &mut Rng, v: &mut Value) {
    let descend = rng.chance(60);
    match v {
        Value::Object(m) if !m.is_empty() && descend => {
            let i = rng.below(m.len());
            if let Some(child) = m.values_mut().nth(i) {
                return mutate(rng, child);
            }
        }
        Value::Array(items) if !items.is_empty() && descend => {
            let i = rng.below(items.len());
            return mutate(rng, &mut items[i]);
        }
        _ => {}
    }
    match (rng.below(6), &mut *v) {
        (0, Value::Object(m)) if !m.is_empty() => {
            let i = rng.below(m.len());
            let key = m.keys().nth(i).cloned().unwrap_or_default();
            m.shift_remove(&key);
        }
        (1, Value::Object(m)) => {
            m.insert(
                rng.pick(&["zz", "p0_a", "p1_b", "p2_é"]).into(),
                rng.pick(&WRONG()),
            );
        }
        (2, Value::Object(m)) if !m.is_empty() => {
            let i = rng.below(m.len());
            let key = m.keys().nth(i).cloned().unwrap_or_default();
            let dup = if rng.chance(50) {
                m[&key].clone()
            } else {
                rng.pick(&WRONG())
            };
            m.insert(format!("\u{0}DUP:{key}"), dup);
        }
        (3, Value::String(s)) => {
            let extra = rng.pick(&["é", "😀", "a", "-1", " ", "\u{0}"]);
            if extra == "\u{0}" {
                s.clear();
            } else {
                s.push_str(extra);
            }
        }
        (4, Value::Array(items)) => items.push(rng.pick(&WRONG())),
        _ => *v = rng.pick(&WRONG()),
    }
}

/// Break the text of a line.
fn mangle(rng: &mut Rng, line: &mut String) {
    let at = |line: &str, rng: &mut Rng| {
        let mut i = rng.below(line.len().max(1));
        while !line.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    match rng.below(8) {
        0 => line.push_str(rng.pick(&[" x", "}", "\u{feff}", " ", "\t", ",", " {}", "\r"])),
        1 => line.insert(0, '\u{feff}'),
        2 => line.insert(1, '\u{feff}'),
        3 => {
            let i = at(line, rng);
            line.truncate(i);
        }
        4 | 5 => {
            // Inside the first string after the name: a control character or a broken escape.
            if let Some(q) = line.match_indices("\":\"").nth(1).map(|(i, _)| i + 3) {
                line.insert_str(
                    q,
                    rng.pick(&[
                        "\u{1}",
                        "\\x",
                        "\\ud800",
                        "\\udc00x",
                        "\\u12",
                        "\\ud83d\\u0041",
                    ]),
                );
            }
        }
        _ => {
            let i = at(line, rng);
            line.insert(i, rng.pick(&[' ', '\n', '"', ':', '0']));
        }
    }
}

/// Add `minimum`/`maximum` of i64 to every `integer` schema that lacks them.
fn bound_integers(v: &mut Value) {
    match v {
        Value::Object(m) => {
            let is_integer = match m.get("type") {
                Some(Value::String(t)) => t == "integer",
                Some(Value::Array(ts)) => ts.iter().any(|t| t == "integer"),
                _ => false,
            };
            if is_integer {
                m.entry("minimum").or_insert(json!(i64::MIN));
                m.entry("maximum").or_insert(json!(i64::MAX));
            }
            for (k, child) in m.iter_mut() {
                if k != "enum" && k != "const" && k != "examples" {
                    bound_integers(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(bound_integers),
        _ => {}
    }
}

struct Setup {
    envelope: EnvelopeConfig,
    fast: Validator,
    slow: Validator,
    oracle: HashMap<String, jsonschema::Validator>,
}

#[derive(Default, Debug)]
struct Stats {
    cases: u64,
    oracle_valid: u64,
    proven: u64,
    deferred: u64,
    defer_class: u64,
    /// Invalid lines whose errors the fast path gave itself (compared with the slow path's, error by error).
    fast_errors: u64,
    /// Lines the fast path found to name an unknown event (their verdict compared with the slow path's).
    unknown_fast: u64,
}

fn catalog(
    rng: &mut Rng,
    dir: &std::path::Path,
    events: &[(String, Vec<cases::Param>)],
) -> evdef::Catalog {
    let _ = rng;
    let doc: Map<String, Value> = events
        .iter()
        .map(|(name, ps)| {
            (
                name.clone(),
                json!({"description": "generated", "parameters": cases::parameters(ps)}),
            )
        })
        .collect();
    std::fs::write(
        dir.join("events.yaml"),
        serde_json::to_string_pretty(&doc).unwrap(),
    )
    .unwrap();
    let compiled = evdef::compile(&evdef::Options::new().with_path(dir)).unwrap();
    let errors: Vec<_> = compiled
        .diagnostics
        .iter()
        .filter(|d| d.severity == evdef::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(compiled.catalog.events.len(), events.len());
    compiled.catalog
}

fn setup(catalog: &evdef::Catalog, envelope: EnvelopeConfig) -> Setup {
    let options = JsonSchemaOptions {
        draft: Draft::Draft202012,
        envelope: envelope.clone(),
        bundle_only: false,
    };
    let oracle = catalog
        .events
        .values()
        .map(|e| {
            let mut schema = json_schema::event_schema(e, &options);
            bound_integers(&mut schema);
            (
                e.name.clone(),
                evdef::validate::jsonschema_options()
                    .build(&schema)
                    .unwrap(),
            )
        })
        .collect();
    let fast = Validator::new(catalog, &envelope).unwrap();
    let compiled = fast.fast_path().unwrap().compiled();
    assert_eq!(
        compiled,
        catalog.events.len(),
        "every generated event compiles on the fast path"
    );
    let slow = Validator::new(catalog, &envelope)
        .unwrap()
        .without_fast_path();
    Setup {
        envelope,
        fast,
        slow,
        oracle,
    }
}

fn line_for(
    rng: &mut Rng,
    s: &Setup,
    name: &str,
    ps: &[cases::Param],
    stats: &mut Stats,
) -> (String, bool) {
    let mut payload = cases::object(rng, ps);
    let mutated = rng.chance(35);
    if mutated && rng.chance(80) {
        mutate(rng, &mut payload);
    }
    let env = &s.envelope;
    let mut root = Map::new();
    let name_last = rng.chance(15);
    if !name_last {
        root.insert(env.name_field.clone(), name.into());
    }
    if env.payload_field.is_empty() {
        if let Value::Object(m) = payload {
            root.extend(m);
        }
    } else {
        if rng.chance(30) {
            root.insert("ts".into(), json!(12));
        }
        root.insert(env.payload_field.clone(), payload);
    }
    if name_last {
        root.insert(env.name_field.clone(), name.into());
    }
    let mut w = Writer {
        out: String::new(),
        style: Style {
            spaces: rng.chance(30),
            escape_non_ascii: rng.chance(30),
            escape_ascii: if rng.chance(20) { 10 } else { 0 },
        },
        rng,
        may_defer: false,
    };
    // The name field and its value are written plainly, except in a few lines.
    let escape_name = w.rng.chance(2);
    w.out.push('{');
    for (i, (k, v)) in root.iter().enumerate() {
        if i > 0 {
            w.out.push(',');
        }
        if *k == env.name_field {
            w.string(k, escape_name);
            w.out.push(':');
            w.string(v.as_str().unwrap_or_default(), escape_name);
            w.may_defer |= escape_name;
        } else {
            w.string(k, true);
            w.out.push(':');
            w.value(v);
        }
    }
    w.out.push('}');
    let (mut line, may_defer) = (w.out, w.may_defer);
    if mutated && rng.chance(20) {
        mangle(rng, &mut line);
    }
    stats.defer_class += u64::from(may_defer);
    (line, may_defer)
}

fn oracle(s: &Setup, line: &str) -> bool {
    let Ok(value) = serde_json::from_str::<Value>(line) else {
        return false;
    };
    value
        .get(&s.envelope.name_field)
        .and_then(Value::as_str)
        .and_then(|n| s.oracle.get(n))
        .is_some_and(|v| v.is_valid(&value))
}

#[test]
fn fast_path_agrees_with_jsonschema() {
    let cases: u64 = std::env::var("EVDEF_DIFF_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(4000);
    let seed: u64 = std::env::var("EVDEF_DIFF_SEED")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(1);
    let mut rng = Rng(seed);
    let mut stats = Stats::default();
    let mut failures = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    let per_catalog = 1500;
    while stats.cases < cases {
        let events: Vec<(String, Vec<cases::Param>)> = (0..6)
            .map(|i| (format!("ev_{i}"), cases::params(&mut rng, 0, 8)))
            .collect();
        let catalog = catalog(&mut rng, dir.path(), &events);
        let envelopes = [
            EnvelopeConfig::default(),
            EnvelopeConfig {
                additional_parameters: AdditionalParameters::Allow,
                ..EnvelopeConfig::default()
            },
            EnvelopeConfig {
                name_field: "name".into(),
                payload_field: "data".into(),
                ..EnvelopeConfig::default()
            },
        ];
        for envelope in envelopes {
            let s = setup(&catalog, envelope);
            for _ in 0..per_catalog / 3 {
                let (name, ps) = &events[rng.below(events.len())];
                // A name the catalog does not define, sometimes; a second name field, sometimes
                // (`serde_json` keeps the last one).
                let name = if rng.chance(4) { "ev_unknown" } else { name };
                let (mut line, mut may_defer) = line_for(&mut rng, &s, name, ps, &mut stats);
                if rng.chance(3) {
                    // A duplicate key: left to the slow path on purpose.
                    may_defer = true;
                    let other = rng.pick(&["ev_unknown", "ev_0", "ev_1"]);
                    let field = format!("\"{}\":\"{other}\"", s.envelope.name_field);
                    if rng.chance(50) && line.starts_with('{') {
                        line.insert_str(1, &format!("{field},"));
                    } else if line.ends_with('}') {
                        line.insert_str(line.len() - 1, &format!(",{field}"));
                    }
                }
                stats.unknown_fast += u64::from(
                    s.fast
                        .fast_path()
                        .and_then(|f| f.unknown_name(&line))
                        .is_some(),
                );
                stats.cases += 1;
                let expected = oracle(&s, &line);
                let proven = s.fast.fast_path().and_then(|f| f.check(&line)).is_some();
                stats.oracle_valid += u64::from(expected);
                stats.proven += u64::from(proven);
                if expected && !proven && may_defer {
                    stats.deferred += 1;
                }
                let slow = s.slow.validate_line(line.as_bytes());
                let verdicts_agree = s.fast.validate_line(line.as_bytes()) == slow;
                // The errors the fast path gives itself: path, kind and message, byte for byte.
                let errors_agree = match s.fast.fast_path().and_then(|f| f.errors(&line)) {
                    Some((_, errors)) => {
                        stats.fast_errors += 1;
                        !expected && errors == slow.errors
                    }
                    None => true,
                };
                if stats.cases.is_multiple_of(1_000_000) {
                    eprintln!("after {stats:?}: {} disagreements", failures.len());
                }
                if (proven && !expected)
                    || (expected && !proven && !may_defer)
                    || !verdicts_agree
                    || !errors_agree
                {
                    let failure = format!(
                        "oracle {expected}, fast {proven}, full verdicts agree {verdicts_agree}, \
                         fast errors agree {errors_agree}: {line}"
                    );
                    // Shown at once too: a long local run reports its first disagreements early.
                    if failures.len() < 10 {
                        eprintln!("disagreement: {failure}");
                    }
                    failures.push(failure);
                }
            }
        }
    }
    eprintln!(
        "fast path differential: {stats:?}, {} disagreements",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} disagreements, first:\n{}",
        failures.len(),
        failures[..failures.len().min(10)].join("\n")
    );
    assert!(
        stats.oracle_valid * 6 > stats.cases,
        "too few valid lines to mean anything: {stats:?}"
    );
    assert!(
        stats.unknown_fast * 100 > stats.cases,
        "too few lines of unknown events decided by the fast path: {stats:?}"
    );
    assert!(
        stats.fast_errors * 10 > stats.cases,
        "too few lines with errors from the fast path to mean anything: {stats:?}"
    );
}
