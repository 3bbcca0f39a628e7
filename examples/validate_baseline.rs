//! The baseline of `benches/validate.sh`: the minimal loop `evdef validate` is measured against. It reads
//! NDJSON lines with `serde_json`, looks the event up by its `event` field, and calls
//! `jsonschema::Validator::is_valid` with the per-event schemas `evdef emit json-schema` wrote (formats
//! enforced). No error reporting, no splitting, one thread. Built with mimalloc, the allocator of the
//! `evdef` binary, so the comparison is like for like.
//!
//! usage: `validate_baseline [--errors] SCHEMA_DIR [FILE]` (stdin without FILE). With `--errors`, every
//! error of every invalid line is collected (its message and instance path formatted), as
//! `evdef validate --format json` reports them; nothing is printed per line either way.

#![allow(clippy::print_stderr, clippy::unwrap_used)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    let collect_errors = args.next_if(|a| a == "--errors").is_some();
    let dir = args
        .next()
        .expect("usage: validate_baseline SCHEMA_DIR [FILE]");
    let mut validators = HashMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        let Some(name) = file.strip_suffix(".schema.json") else {
            continue;
        };
        if name == "events" {
            continue;
        }
        let schema: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&schema)
            .unwrap();
        validators.insert(name.to_string(), validator);
    }
    let input: Box<dyn Read> = match args.next() {
        Some(path) => Box::new(std::fs::File::open(path).unwrap()),
        None => Box::new(std::io::stdin()),
    };
    let mut reader = BufReader::with_capacity(256 * 1024, input);
    let start = Instant::now();
    let (mut lines, mut valid, mut errors) = (0u64, 0u64, 0u64);
    let mut line = Vec::new();
    while reader.read_until(b'\n', &mut line).unwrap() > 0 {
        lines += 1;
        let ok = serde_json::from_slice::<serde_json::Value>(&line)
            .ok()
            .is_some_and(|value| {
                let validator = value
                    .get("event")
                    .and_then(|n| n.as_str())
                    .and_then(|n| validators.get(n));
                let ok = validator.is_some_and(|v| v.is_valid(&value));
                if let (false, true, Some(v)) = (ok, collect_errors, validator) {
                    let found: Vec<(String, String)> = v
                        .iter_errors(&value)
                        .map(|e| (e.instance_path().as_str().to_string(), e.to_string()))
                        .collect();
                    errors += found.len() as u64;
                }
                ok
            });
        valid += u64::from(ok);
        line.clear();
    }
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "baseline: {lines} lines, {valid} valid, {} invalid ({errors} errors collected) in {secs:.3}s ({:.0} events/s)",
        lines - valid,
        lines as f64 / secs
    );
}
