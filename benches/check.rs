//! `evdef check` on a generated catalog of 10,000 events in 100 files with 50 fragments and deep merges,
//! against parsing the same files with `granit-parser` alone (the floor: no tree, no merges, no lint).
//! Target: check ≤ 2× parse-only.
//!
//! Like for like: both sides read the files inside the timing, both take the same number of samples, and
//! both run on the same rayon pool: `check` parses files and resolves events on it, parse-only parses the
//! files on it in parallel (`RAYON_NUM_THREADS=1` puts both on one thread). Each side is measured twice:
//! returning what it built, which divan frees after the sample (`check`, `parse_only`: the CLI never frees
//! its catalog), and freeing it inside the timing (`check_freed`, `parse_only_freed`). `benches/check.sh`
//! runs it both ways and prints the ratios of each pair.

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

/// `evdef check` as the CLI runs it: the result (the catalog, its sources and its findings) is returned,
/// and divan frees it after the sample, outside the timing, as the CLI never frees it (it exits). The
/// YAML tree, which `check` frees itself, is freed inside.
#[divan::bench(sample_count = 10)]
fn check() -> evdef::Compiled {
    checked()
}

/// [`check`] with its result freed inside the timing.
#[divan::bench(sample_count = 10)]
fn check_freed() -> usize {
    checked().catalog.events.len()
}

/// Every file read and parsed into events (each dropped as the next comes, as a streaming parser's
/// consumer does), the files in parallel on the pool; the texts are returned, like `check`'s sources, and
/// freed by divan after the sample.
#[divan::bench(sample_count = 10)]
fn parse_only() -> Vec<String> {
    parsed()
}

/// [`parse_only`] with its texts freed inside the timing.
#[divan::bench(sample_count = 10)]
fn parse_only_freed() -> usize {
    parsed().len()
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

/// Every file's text, each parsed to the end.
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
