//! `evdef lsp` latency: on a generated catalog of 1,000 events (10 files of 100, 50 fragments in a
//! prelude, deep merges), the time from sending `didChange` to receiving the `publishDiagnostics` for that
//! version, through the real binary over JSON-RPC. Target: under 200 ms. Run: `cargo bench --bench lsp`.
//! Edits alternate between introducing an error and fixing it, in an events file and in the prelude
//! (which every file depends on).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

#[path = "support/catalog.rs"]
#[allow(dead_code)]
mod catalog;
#[path = "../tests/lsp/client.rs"]
mod client;

use std::time::{Duration, Instant};

use serde_json::json;

const ROUNDS: usize = 40;

fn main() {
    // `cargo bench` passes `--bench`; any other argument filters nothing here.
    let dir = tempfile::tempdir().unwrap();
    let defs = dir.path().join("definitions");
    catalog::write_sized(&defs, 10, 100);
    let mut client = client::Client::start(dir.path(), &[]);
    for (name, from, to) in [
        ("source_005.yaml", "note: string?", "note: strng?"),
        ("_fragments.yaml", "f7_p0: ", "f7_p0: strng # "),
    ] {
        let path = defs.join(name);
        let uri = client::url(&path);
        let text = std::fs::read_to_string(&path).unwrap();
        let broken = text.replacen(from, to, 1);
        assert_ne!(text, broken);
        let opened = Instant::now();
        client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 0, "text": text}}),
        );
        assert!(client.diagnostics_at(&uri, 0).is_empty());
        let first = opened.elapsed();
        let mut times = Vec::with_capacity(ROUNDS);
        let cpu_before = cpu_time(client.pid());
        for round in 1..=ROUNDS {
            let version = i32::try_from(round).unwrap();
            let next = if round % 2 == 1 { &broken } else { &text };
            let sent = Instant::now();
            client.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version},
                       "contentChanges": [{"text": next}]}),
            );
            let found = client.diagnostics_at(&uri, version);
            times.push(sent.elapsed());
            assert_eq!(found.is_empty(), round % 2 == 0, "{found:?}");
        }
        let cpu = (cpu_time(client.pid()) - cpu_before) / u32::try_from(ROUNDS).unwrap();
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "lsp didChange → publishDiagnostics, 1,000 events, edit in {name}: median {:.1} ms, p90 {:.1} ms, max {:.1} ms ({ROUNDS} edits; server CPU {:.1} ms an edit; first open {:.1} ms)",
            ms(times[ROUNDS / 2]),
            ms(times[ROUNDS * 9 / 10]),
            ms(times[ROUNDS - 1]),
            ms(cpu),
            ms(first),
        );
    }
    assert!(client.shutdown().success());
}

/// User plus system CPU time of a process so far (Linux `/proc`; zero elsewhere): on a shared machine the
/// wall-clock latency includes waiting for a core, the CPU time does not.
fn cpu_time(pid: u32) -> Duration {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return Duration::ZERO;
    };
    // Fields after the `(command)`; utime and stime are the 14th and 15th fields, in clock ticks.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // USER_HZ is 100 on Linux.
    Duration::from_millis(ticks * 10)
}
