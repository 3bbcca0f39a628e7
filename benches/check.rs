//! `evdef check` on a generated catalog of 10,000 events in 100 files with 50 fragments and deep merges,
//! against parsing the same files with `granit-parser` alone (the floor: no tree, no merges, no lint).
//! Target: check ≤ 2× parse-only.
//!
//! Like for like: both sides read the files inside the timing, both drop what they built inside the
//! timing (each returns a count), both take the same number of samples, and both run on the same rayon
//! pool: `check` parses files and resolves events on it, parse-only parses the files on it in parallel
//! (`RAYON_NUM_THREADS=1` puts both on one thread). `benches/check.sh` runs it both ways and prints the
//! ratios.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/catalog.rs"]
mod catalog;

use std::path::PathBuf;
use std::sync::OnceLock;

use rayon::prelude::*;

// Both sides run on the allocator the `evdef` binary ships with (see src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
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

/// The catalog's `evdef.toml` is read and the catalog dropped inside the timing, like the parse-only
/// side's events.
#[divan::bench(sample_count = 10)]
fn check() -> usize {
    let (dir, _) = tree();
    // The catalog's own `evdef.toml` (it raises `too-many-parameters`), read as `evdef check` reads it.
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
    compiled.catalog.events.len()
}

/// Every file read and parsed into events (each dropped at once), the files in parallel on the pool.
#[divan::bench(sample_count = 10)]
fn parse_only() -> usize {
    let (_, files) = tree();
    files
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let options =
                granit_parser::options! { emit_anchor_events: true, emit_unresolved_aliases: true };
            granit_parser::Parser::new_from_str_with_options(&text, options).fold(0, |n, event| {
                let _ = event.unwrap();
                n + 1
            })
        })
        .sum()
}
