//! `evdef` compiles a repository of YAML event definitions into JSON Schema, Rust types and documentation,
//! lints them, and validates event logs against them.
//!
//! The pipeline runs one way: text → [`yaml`] (a spanned tree with anchors, aliases and merge keys) →
//! [`resolve`] → [`model::Catalog`] → [`lint`], [`emit`] and [`validate`]. Problems in the definitions
//! are [`Diagnostic`]s, collected and returned; failures to run are [`Error`]s.
//!
//! # Typed events in `build.rs`
//!
//! Add `evdef` as a build-dependency (and `serde` with `derive`, and `serde_json`, as dependencies), then
//! generate the types into `OUT_DIR` and include them:
//!
//! ```no_run
//! // build.rs
//! fn main() {
//!     evdef::Build::new()
//!         .definitions("definitions")
//!         .emit_rust(std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("events.rs"))
//!         .unwrap();
//! }
//! ```
//!
//! ```ignore
//! // src/events.rs
//! include!(concat!(env!("OUT_DIR"), "/events.rs"));
//! ```
//!
//! A definitions error fails the build with the same file:line:col snippets as `evdef check`. Runnable:
//!
//! ```
//! let out = std::env::temp_dir().join(format!("evdef-doctest-{}.rs", std::process::id()));
//! evdef::Build::new()
//!     .definitions("tests/fixtures/emit-rust/basic")
//!     .quiet()
//!     .emit_rust(&out)
//!     .unwrap();
//! let code = std::fs::read_to_string(&out).unwrap();
//! assert!(code.contains("pub struct ApiCreatedCheckIn {"));
//! assert!(code.contains("#[serde(tag = \"event\")]"));
//! # std::fs::remove_file(&out).ok();
//! ```

#![allow(
    clippy::needless_doctest_main,
    reason = "a build.rs example needs its `fn main`"
)]

pub mod build;
pub mod config;
pub mod diagnostics;
pub mod emit;
pub mod error;
pub mod lint;
pub mod load;
pub mod model;
pub mod resolve;
pub mod source;
pub mod validate;
pub mod yaml;

pub use build::{Build, BuildError};
pub use config::Config;
pub use diagnostics::{Diagnostic, Severity};
pub use error::Error;
pub use model::Catalog;

use std::path::PathBuf;

/// The result of compiling a definitions tree: the catalog (as far as it could be resolved) and every
/// problem found on the way.
#[derive(Debug)]
pub struct Compiled {
    /// The resolved catalog. Events with errors are left out.
    pub catalog: Catalog,
    /// Every diagnostic, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Compiled {
    /// Whether any diagnostic is an error (nothing should be generated then).
    pub fn has_errors(&self) -> bool {
        diagnostics::has_errors(&self.diagnostics)
    }
}

/// What to compile and how.
#[derive(Debug, Clone, Default)]
pub struct Options {
    paths: Vec<PathBuf>,
    config: Config,
}

impl Options {
    /// Options with default configuration and no paths (`./definitions` is used then).
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a definitions directory or file.
    pub fn with_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.paths.push(path.into());
        self
    }

    /// Use this configuration (lint rule levels, naming, envelope).
    pub fn with_config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// The definitions paths: the ones given, else the configuration's.
    pub fn paths(&self) -> Vec<PathBuf> {
        if self.paths.is_empty() {
            self.config.definitions_paths()
        } else {
            self.paths.clone()
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }
}

/// Load, parse and resolve the definitions: the front end shared by every command.
pub fn compile(options: &Options) -> Result<Compiled, Error> {
    let (compiled, tree) = front_end(options)?;
    drop(tree);
    Ok(compiled)
}

/// [`compile`], returning the YAML tree too so that the caller decides when to spend the time freeing it.
fn front_end(options: &Options) -> Result<(Compiled, yaml::Tree), Error> {
    let files = load::discover(&options.paths())?;
    let mut diagnostics = Vec::new();
    let (sources, parseable) = load::read(&files, &mut diagnostics)?;
    let tree = yaml::parse_all(&sources, &parseable, &mut diagnostics);
    let catalog = resolve::resolve(std::sync::Arc::new(sources), &tree, &mut diagnostics);
    diagnostics::sort_and_dedup(&mut diagnostics);
    let compiled = Compiled {
        catalog,
        diagnostics,
    };
    Ok((compiled, tree))
}

/// [`check`] on definitions held in memory: `(name, text)` pairs, as if they were files of that name
/// (a name starting with `_` is a prelude). For tests and fuzzing; never fails, every problem is a diagnostic.
pub fn check_texts(files: &[(&str, &str)], config: &Config) -> Compiled {
    let mut sources = source::SourceMap::new();
    for (name, text) in files {
        sources.add(source::SourceFile::new(*name, *name, *text));
    }
    let mut diagnostics = Vec::new();
    let tree = yaml::parse_all(&sources, &vec![true; files.len()], &mut diagnostics);
    let catalog = resolve::resolve(std::sync::Arc::new(sources), &tree, &mut diagnostics);
    let mut compiled = Compiled {
        catalog,
        diagnostics,
    };
    lint_and_examples(&mut compiled, config, tree);
    compiled
}

/// [`compile`], then every lint rule: what `evdef check` reports.
pub fn check(options: &Options) -> Result<Compiled, Error> {
    let (mut compiled, tree) = front_end(options)?;
    lint_and_examples(&mut compiled, &options.config, tree);
    Ok(compiled)
}

/// Lint the catalog and check its examples, freeing the tree meanwhile; diagnostics end sorted.
fn lint_and_examples(compiled: &mut Compiled, config: &Config, tree: yaml::Tree) {
    let catalog = &compiled.catalog;
    // Lint, the examples and freeing the tree are independent: run them side by side.
    let (mut linted, (mut examples, ())) = rayon::join(
        || {
            let mut found = Vec::new();
            lint::check(catalog, &config.lint, &mut found);
            found
        },
        || {
            rayon::join(
                || {
                    let mut found = Vec::new();
                    validate::check_examples(catalog, &config.envelope, &mut found);
                    found
                },
                || tree.free_in_parallel(),
            )
        },
    );
    compiled.diagnostics.append(&mut linted);
    compiled.diagnostics.append(&mut examples);
    diagnostics::sort_and_dedup(&mut compiled.diagnostics);
}
