//! Where `evdef validate` spends its time, stage by stage, on one thread with the whole input in memory:
//! splitting lines, checking UTF-8, `serde_json` parsing, name dispatch, `jsonschema` checking, the fast
//! path, and the slow path's errors for the lines the fast path does not prove. Built with mimalloc like
//! the `evdef` binary. Reading stdin and writing the report are measured from outside (`benches/validate.sh`).
//!
//! usage: `validate_stages DEFINITIONS_DIR FILE`

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

use std::time::Instant;

use evdef::config::EnvelopeConfig;
use evdef::validate::{Status, Validator};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let defs = args
        .next()
        .expect("usage: validate_stages DEFINITIONS_DIR FILE");
    let file = args
        .next()
        .expect("usage: validate_stages DEFINITIONS_DIR FILE");
    let compiled = evdef::compile(&evdef::Options::new().with_path(&defs)).unwrap();
    let envelope = EnvelopeConfig::default();
    let fast = Validator::new(&compiled.catalog, &envelope).unwrap();
    let slow = Validator::new(&compiled.catalog, &envelope)
        .unwrap()
        .without_fast_path();

    let t = Instant::now();
    let data = std::fs::read(&file).unwrap();
    let read = t.elapsed();
    let mut lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let n = lines.len();
    let stage = |name: &str, f: &dyn Fn(&[u8]) -> bool| {
        let t = Instant::now();
        let count = lines.iter().filter(|l| f(l)).count();
        let secs = t.elapsed().as_secs_f64();
        println!(
            "{name:<44} {secs:7.3} s  {:>10.0} lines/s  ({count} true)",
            n as f64 / secs
        );
    };
    println!(
        "{n} lines, {} bytes; read into memory {:.3} s",
        data.len(),
        read.as_secs_f64()
    );
    stage("split (memchr over the buffer)", &|l| {
        memchr::memchr(b'\n', l).is_none()
    });
    stage("UTF-8 check", &|l| std::str::from_utf8(l).is_ok());
    stage("serde_json parse into Value", &|l| {
        serde_json::from_slice::<serde_json::Value>(l).is_ok()
    });
    let names = fast.event_names().to_vec();
    stage("serde_json parse + dispatch on the name", &|l| {
        serde_json::from_slice::<serde_json::Value>(l)
            .ok()
            .and_then(|v| {
                v.get("event")
                    .and_then(|n| n.as_str())
                    .map(|n| names.iter().any(|x| x == n))
            })
            .unwrap_or(false)
    });
    stage("slow path: parse + jsonschema (+ errors)", &|l| {
        slow.validate_line(l).status == Status::Valid
    });
    let checker = fast.fast_path().unwrap();
    stage("fast path alone (UTF-8 + check)", &|l| {
        std::str::from_utf8(l)
            .ok()
            .and_then(|t| checker.check(t))
            .is_some()
    });
    stage("validate_line (fast, slow for the rest)", &|l| {
        fast.validate_line(l).status == Status::Valid
    });
}
