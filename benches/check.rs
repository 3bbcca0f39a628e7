//! `evdef check` on a generated catalog of 10,000 events in 100 files with 50 fragments and deep merges,
//! against parsing the same files with `granit-parser` alone (the floor: no tree, no merges, no lint).
//! Target: check ≤ 2× parse-only, as medians of interleaved runs.
//!
//! Like for like: both sides read the files inside the timing, run on the same allocator and the same
//! rayon pool (`check` parses files and resolves events on it, parse-only parses the files on it in
//! parallel; `RAYON_NUM_THREADS=1` puts both on one thread), and take turns, A B A B, the same number of
//! times, after one warm-up run each. Each pair is measured twice: each side returning what it built, freed
//! after the timing (the CLI never frees its catalog: it exits), and each side freeing it inside the timing.
//! Prints, for each pair, the median and fastest of each side, the median of the per-round ratios and the
//! ratio of the medians. `benches/check.sh` runs it on every core and on one thread.
//!
//! Usage: `cargo bench --bench check -- [ROUNDS]` (default 20).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

#[path = "support/catalog.rs"]
mod catalog;

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use rayon::prelude::*;

// Both sides run on the allocator the `evdef` binary ships with (see src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // `cargo bench` passes `--bench`; the first number given is the rounds.
    let rounds: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(20)
        .max(1);
    tree();
    println!(
        "{} rounds a side, interleaved; {} rayon thread(s)",
        rounds,
        rayon::current_num_threads()
    );
    // Results returned: what each side built is freed after its timing.
    let (check, parse) = interleaved(rounds, || timed(checked).0, || timed(parsed).0);
    report("check", "parse_only", &check, &parse);
    // Results freed inside the timing.
    let (check, parse) = interleaved(
        rounds,
        || timed(|| drop(checked())).0,
        || timed(|| drop(parsed())).0,
    );
    report("check_freed", "parse_only_freed", &check, &parse);
}

/// How long `f` takes, and what it returned (freed by the caller, after the timing).
fn timed<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let start = Instant::now();
    let out = std::hint::black_box(f());
    (start.elapsed(), out)
}

/// `rounds` timings of each side, taken in turns (A B A B ...) after one warm-up run of each.
fn interleaved(
    rounds: usize,
    a: impl Fn() -> Duration,
    b: impl Fn() -> Duration,
) -> (Vec<Duration>, Vec<Duration>) {
    a();
    b();
    (0..rounds).map(|_| (a(), b())).unzip()
}

/// One pair's figures, in ms.
fn report(a_name: &str, b_name: &str, a: &[Duration], b: &[Duration]) {
    let ms = |d: &Duration| d.as_secs_f64() * 1e3;
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let n = v.len();
        if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        }
    };
    let mut a_ms: Vec<f64> = a.iter().map(ms).collect();
    let mut b_ms: Vec<f64> = b.iter().map(ms).collect();
    let mut ratios: Vec<f64> = a_ms.iter().zip(&b_ms).map(|(x, y)| x / y).collect();
    let (a_fast, b_fast) = (
        a_ms.iter().copied().fold(f64::INFINITY, f64::min),
        b_ms.iter().copied().fold(f64::INFINITY, f64::min),
    );
    let (a_med, b_med, ratio_med) = (median(&mut a_ms), median(&mut b_ms), median(&mut ratios));
    println!("  {a_name}: median {a_med:.1} ms, fastest {a_fast:.1} ms");
    println!("  {b_name}: median {b_med:.1} ms, fastest {b_fast:.1} ms");
    println!(
        "    {a_name} / {b_name}: median of per-round ratios {ratio_med:.2}x, ratio of medians {:.2}x, of fastest {:.2}x (target <= 2x)",
        a_med / b_med,
        a_fast / b_fast
    );
}

fn tree() -> &'static (tempfile::TempDir, Vec<PathBuf>) {
    static TREE: OnceLock<(tempfile::TempDir, Vec<PathBuf>)> = OnceLock::new();
    TREE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        catalog::write(dir.path());
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            // The YAML files `check` parses; not the catalog's `evdef.toml`.
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        files.sort();
        (dir, files)
    })
}

/// `evdef check` on the catalog, with the catalog's `evdef.toml` read as `evdef check` reads it (it
/// raises `too-many-parameters`); it must find nothing.
fn checked() -> evdef::Compiled {
    let (dir, _) = tree();
    let config = evdef::Config::load(&dir.path().join("evdef.toml")).unwrap();
    let options = evdef::Options::new()
        .with_config(config)
        .with_path(dir.path());
    let compiled = evdef::check(&options).unwrap();
    assert!(
        compiled.diagnostics.is_empty(),
        "{:?}",
        compiled.diagnostics.first()
    );
    assert_eq!(
        compiled.catalog.events.len(),
        catalog::FILES * catalog::EVENTS_PER_FILE
    );
    compiled
}

/// Every file read and parsed to the end, the files in parallel on the pool (each event dropped as the next
/// comes, as a streaming parser's consumer does); returns the texts, as `check` returns its sources.
fn parsed() -> Vec<String> {
    let (_, files) = tree();
    files
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let options =
                granit_parser::options! { emit_anchor_events: true, emit_unresolved_aliases: true };
            let events = granit_parser::Parser::new_from_str_with_options(&text, options).fold(
                0usize,
                |n, event| {
                    let _ = event.unwrap();
                    n + 1
                },
            );
            assert!(events > 0);
            text
        })
        .collect()
}
