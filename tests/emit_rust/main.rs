//! The Rust backend end to end: snapshots of the generated code for every fixture catalog, generated code
//! compiled into this test binary (hostile names and shapes), and the parse verdicts of generated types
//! compared with `evdef validate` on mutated events and on random lines (the property test).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod agreement;
mod cli;
mod compile;
mod property;
mod snapshots;

use std::path::Path;

use evdef::emit::rust::{self, RustOptions};
use evdef::{Catalog, Options};

/// Compile a fixture catalog; panics on definitions errors (fixtures are meant to resolve).
pub fn catalog(path: &Path) -> Catalog {
    let compiled = evdef::compile(&Options::new().with_path(path)).unwrap();
    assert!(
        !compiled.has_errors(),
        "{}: {:#?}",
        path.display(),
        compiled.diagnostics
    );
    compiled.catalog
}

/// The generated code, or the rendered diagnostics (no colours) when generation fails.
pub fn generate(path: &Path, options: &RustOptions) -> Result<String, String> {
    let catalog = catalog(path);
    rust::generate(&catalog, options)
        .map_err(|d| evdef::diagnostics::render::human(&catalog.sources, &d, false))
}
