//! The loader, resolver, lint and line validator on hostile input, quickly enough for every CI run: the
//! inputs the fuzzers (`fuzz/`) found crashing (kept under `tests/fixtures/fuzz/`), then a seeded loop of
//! random YAML-shaped definitions and random log lines. Each must end with diagnostics or a verdict, never a
//! panic, and every diagnostic must point inside its file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use evdef::validate::Validator;
use evdef::{Compiled, Config};

/// Cases of the seeded loop (`EVDEF_ROBUSTNESS_CASES` to explore further, `EVDEF_ROBUSTNESS_SEED` to
/// start elsewhere).
const CASES: u64 = 500;

/// A small deterministic generator (xorshift64*), so a failing case can be replayed from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Split a fuzz input the way the `compile_bytes` target does: a prelude before the first NUL.
fn compile(text: &str) -> Compiled {
    let files: Vec<(&str, &str)> = match text.split_once('\0') {
        Some((prelude, rest)) => vec![("_common.yaml", prelude), ("events.yaml", rest)],
        None => vec![("events.yaml", text)],
    };
    let compiled = evdef::check_texts(&files, &Config::default());
    for d in &compiled.diagnostics {
        if let Some(label) = &d.primary {
            let file = compiled.catalog.sources.get(label.span.file);
            assert!(
                label.span.range().end <= file.text.len(),
                "`{}` points past the end of {}:\n{text:?}",
                d.code,
                file.name
            );
        }
    }
    compiled
}

fn shipped_validator() -> Validator {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("definitions");
    let compiled = evdef::check(&evdef::Options::new().with_path(root)).unwrap();
    assert!(!compiled.has_errors());
    Validator::new(&compiled.catalog, &Config::default().envelope).unwrap()
}

fn fixture_inputs(dir: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(dir);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    out.sort();
    out
}

#[test]
fn fuzzer_findings_stay_fixed() {
    for (name, bytes) in fixture_inputs("compile") {
        let compiled = compile(&String::from_utf8_lossy(&bytes));
        let _ = name;
        drop(compiled);
    }
    let validator = shipped_validator();
    for (_, bytes) in fixture_inputs("validate") {
        let _ = validator.validate_line(&bytes);
    }
}

/// A random definitions text built from the pieces that interact: anchors, aliases, merge keys, nested
/// long forms, flow and block styles, enums and examples, and some plain noise.
fn random_definitions(rng: &mut Rng) -> String {
    const TYPES: [&str; 9] = [
        "string",
        "integer",
        "number",
        "boolean",
        "uuid",
        "json",
        "string?",
        "uuid[]",
        "timestamp",
    ];
    const NOISE: [&str; 14] = [
        "{", "}", "[", "]", ": ", ", ", "- ", "\n", "  ", "<<: ", "&", "*", "'", "\"",
    ];
    let mut text = String::new();
    let anchors = 1 + rng.below(6);
    for a in 0..anchors {
        text.push_str(&format!(".f{a}: &f{a}\n"));
        if a > 0 && rng.below(3) == 0 {
            let m = rng.below(a);
            let merge = match rng.below(3) {
                0 => format!("*f{m}"),
                1 => format!("[*f{m}, *f{}]", rng.below(a)),
                _ => format!("{{x{a}: string}}"),
            };
            text.push_str(&format!("  <<: {merge}\n"));
        }
        for k in 0..1 + rng.below(4) {
            text.push_str(&format!("  p{k}: "));
            random_parameter(rng, &mut text, a, &TYPES, 0);
            text.push('\n');
        }
    }
    for e in 0..1 + rng.below(4) {
        text.push_str(&format!("event_{e}:\n  description: d\n  parameters:\n"));
        if rng.below(2) == 0 {
            text.push_str(&format!("    <<: *f{}\n", rng.below(anchors + 1)));
        }
        for k in 0..rng.below(4) {
            text.push_str(&format!("    q{k}: "));
            random_parameter(rng, &mut text, anchors, &TYPES, 0);
            text.push('\n');
        }
        if rng.below(3) == 0 {
            let example = rng.pick(&["{q0: 1}", "{q0: *f0}", "[1, 2]", "null", "{p0: x, <<: *f0}"]);
            text.push_str(&format!("  examples:\n    - {example}\n"));
        }
    }
    // Some noise at a random place, in one case out of three.
    for _ in 0..rng.below(4) * usize::from(rng.below(3) == 0) {
        let at = rng.below(text.len() + 1);
        if text.is_char_boundary(at) {
            text.insert_str(at, rng.pick(&NOISE));
        }
    }
    if rng.below(10) == 0 {
        text = format!("{}\0{text}", ".g: &g {a: string}");
    }
    text
}

fn random_parameter(
    rng: &mut Rng,
    text: &mut String,
    anchors: usize,
    types: &[&str],
    depth: usize,
) {
    // Only earlier fragments can be aliased (a later one is undefined, the open one a cycle).
    let alias = format!("*f{}", rng.below(anchors.max(1)));
    let choice = match (depth < 3, anchors) {
        (false, _) => 0,
        (true, 0) => [0, 5, 6, 7][rng.below(4)],
        (true, _) => rng.below(8),
    };
    match choice {
        0 if rng.below(20) == 0 => text.push_str(rng.pick(&["object", "array", "nope?", "{}"])),
        0 => text.push_str(rng.pick(types)),
        1 => text.push_str(&alias),
        2 => text.push_str(&format!("{{type: object, properties: {alias}}}")),
        3 => text.push_str(&format!(
            "{{type: array, items: {{type: object, properties: {alias}}}}}"
        )),
        4 => text.push_str(&format!("{{type: map, values: {alias}}}")),
        5 => {
            let values = rng.pick(&[
                "[a, b]",
                "[1, 1]",
                "[]",
                "[yes, no]",
                "[*f0]",
                "{a: 1}",
                "[b]",
            ]);
            text.push_str(&format!("{{type: string, enum: {values}}}"));
        }
        6 => {
            text.push_str("{type: object, properties: {a: ");
            random_parameter(rng, text, anchors, types, depth + 1);
            text.push_str(", b: ");
            random_parameter(rng, text, anchors, types, depth + 1);
            text.push_str("}}");
        }
        _ => text.push_str(&format!(
            "{{type: {}, {}: {}}}",
            rng.pick(&["integer", "string", "number"]),
            rng.pick(&["minimum", "max_length"]),
            rng.pick(&["1", "-1", "x", "18446744073709551616", "2"])
        )),
    }
}

fn random_line(rng: &mut Rng, events: &[String]) -> Vec<u8> {
    let event = events[rng.below(events.len())].clone();
    let value = |rng: &mut Rng| -> String {
        [
            "1",
            "-1",
            "1.5",
            "1e999",
            "true",
            "null",
            "\"x\"",
            "\"2024-01-01T00:00:00Z\"",
            "[]",
            "{}",
            "\"\\ud800\"",
            "18446744073709551616",
            "[1,{\"a\":[]}]",
        ][rng.below(13)]
        .to_string()
    };
    let mut line = format!("{{\"event\":\"{event}\"");
    for _ in 0..rng.below(6) {
        let key = [
            "user_id",
            "user_email",
            "client_id",
            "business_id",
            "x",
            "properties",
            "event",
        ][rng.below(7)];
        line.push_str(&format!(",\"{key}\":{}", value(rng)));
    }
    line.push('}');
    let mut bytes = line.into_bytes();
    for _ in 0..rng.below(3) {
        let at = rng.below(bytes.len() + 1);
        bytes.insert(at, (rng.next() & 0xff) as u8);
    }
    if rng.below(5) == 0 {
        bytes.truncate(rng.below(bytes.len() + 1));
    }
    bytes
}

#[test]
fn random_definitions_end_in_diagnostics() {
    let seed = env_u64("EVDEF_ROBUSTNESS_SEED", 0x5eed_0001);
    let cases = env_u64("EVDEF_ROBUSTNESS_CASES", CASES);
    let mut accepted = 0;
    for case in 0..cases {
        let mut rng = Rng(seed.wrapping_add(case).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let text = random_definitions(&mut rng);
        let compiled = compile(&text);
        accepted += usize::from(!compiled.has_errors());
    }
    // The generator must reach both sides, or it is testing nothing.
    assert!(
        accepted > 0 && accepted < cases as usize,
        "accepted {accepted} of {cases}"
    );
}

#[test]
fn random_lines_get_a_verdict() {
    let validator = shipped_validator();
    let events = validator.event_names().to_vec();
    let seed = env_u64("EVDEF_ROBUSTNESS_SEED", 0x5eed_0002);
    let cases = env_u64("EVDEF_ROBUSTNESS_CASES", CASES) * 10;
    let mut rng = Rng(seed | 1);
    let mut valid = 0;
    for _ in 0..cases {
        let line = random_line(&mut rng, &events);
        valid += usize::from(validator.validate_line(&line).status.is_accepted());
    }
    assert!(valid < cases as usize, "every random line was accepted");
}

#[path = "../benches/support/catalog.rs"]
#[allow(dead_code)]
mod catalog;

#[test]
fn the_benchmark_catalog_is_far_below_the_budget() {
    let dir = tempfile::tempdir().unwrap();
    catalog::write(dir.path());
    let files = evdef::load::discover(&[dir.path().to_path_buf()]).unwrap();
    let mut diagnostics = Vec::new();
    let (sources, parseable) = evdef::load::read(&files, &mut diagnostics).unwrap();
    let tree = evdef::yaml::parse_all(&sources, &parseable, &mut diagnostics);
    let budget = evdef::yaml::budget::measure(&tree);
    assert!(
        budget.expanded.saturating_mul(10) < budget.limit,
        "an honest catalog must be far below the budget: {budget:?}"
    );
}
