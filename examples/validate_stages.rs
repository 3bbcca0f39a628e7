//! Where `evdef validate` spends its time, stage by stage, on one thread with the whole input in memory:
//! splitting lines, checking UTF-8, `serde_json` parsing, name dispatch, `jsonschema` checking, the fast
//! path, and the slow path's errors for the lines the fast path does not prove. Built with mimalloc like
//! the `evdef` binary. Each stage is timed in CPU seconds of its thread (Linux `schedstat`), which a shared
//! machine skews far less than wall time. Reading stdin and writing the report are measured from outside (`benches/validate.sh`).
//!
//! usage: `validate_stages DEFINITIONS_DIR FILE`

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

use std::time::Instant;

use evdef::config::EnvelopeConfig;
use evdef::validate::{Status, Validator};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// CPU time of this thread in seconds (the scheduler's own count), so a busy machine does not skew the
/// stages; wall time is printed next to it.
fn cpu_time() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .next()
                .and_then(|ns| ns.parse::<f64>().ok())
        })
        .map_or(0.0, |ns| ns / 1e9)
}

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
    // `STAGE=text` runs only the stages whose name contains `text` (for a profiler).
    let only = std::env::var("STAGE").unwrap_or_default();
    let stage = |name: &str, f: &dyn Fn(&[u8]) -> bool| {
        if !name.contains(&only) {
            return;
        }
        let (t, cpu) = (Instant::now(), cpu_time());
        let count = lines.iter().filter(|l| f(l)).count();
        let (secs, cpu) = (t.elapsed().as_secs_f64(), cpu_time() - cpu);
        println!(
            "{name:<42} {cpu:6.3} s CPU ({secs:6.3} s wall) {:>9.0} lines/CPU-s ({count} true)",
            n as f64 / cpu
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
    stage("UTF-8 check (simdutf8, as validate)", &|l| {
        simdutf8::basic::from_utf8(l).is_ok()
    });
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
    stage("slow path, only the lines fast does not prove", &|l| {
        let proven = std::str::from_utf8(l)
            .ok()
            .and_then(|t| checker.check(t))
            .is_some();
        !proven && slow.validate_line(l).status != Status::Valid
    });
    stage(
        "fast errors: the errors walk on the lines fast does not prove",
        &|l| {
            std::str::from_utf8(l)
                .ok()
                .is_some_and(|t| checker.check(t).is_none() && checker.errors(t).is_some())
        },
    );
    stage(
        "  the same, slow path for the lines the errors walk leaves",
        &|l| {
            std::str::from_utf8(l).ok().is_some_and(|t| {
                checker.check(t).is_none()
                    && checker.errors(t).is_none()
                    && slow.validate_line(l).status != Status::Valid
            })
        },
    );
    stage("  of those, unknown event names decided fast", &|l| {
        std::str::from_utf8(l).ok().is_some_and(|t| {
            checker.check(t).is_none()
                && checker.errors(t).is_none()
                && checker.unknown_name(t).is_some()
        })
    });
    stage("  the same, verdict only (no errors)", &|l| {
        let proven = std::str::from_utf8(l)
            .ok()
            .and_then(|t| checker.check(t))
            .is_some();
        !proven
            && serde_json::from_slice::<serde_json::Value>(l).is_ok_and(|v| {
                v.get("event")
                    .and_then(|n| n.as_str())
                    .is_some_and(|n| names.iter().any(|x| x == n))
            })
    });
    stage("validate_line (fast, slow for the rest)", &|l| {
        fast.validate_line(l).status == Status::Valid
    });
}
