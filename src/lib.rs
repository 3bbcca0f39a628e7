//! `evdef` compiles a repository of YAML event definitions into JSON Schema, Rust types and documentation,
//! lints them, and validates event logs against them.
//!
//! The pipeline runs one way: [`source`] text → [`yaml`] (a spanned tree with anchors, aliases and merge
//! keys) → [`resolve`] → [`model::Catalog`] → [`lint`] and [`examples`] (checks) → [`emit`], [`validate`],
//! [`diff`] and [`output`]. Problems in the definitions are [`Diagnostic`]s, collected and returned;
//! failures to run are [`Error`]s. The README's "Architecture" section lists what each module owns.
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
pub mod codes;
pub mod config;
pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod error;
pub mod examples;
pub mod lint;
pub mod load;
pub mod lsp;
pub mod model;
pub mod output;
pub mod resolve;
pub mod source;
pub mod validate;
pub mod yaml;

#[cfg(test)]
mod testing;

pub use build::{Build, BuildError};
pub use config::Config;
pub use diagnostics::{Diagnostic, Severity, Suggestion};
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
    focus: Vec<PathBuf>,
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

    /// Report only on these files ([`check`] keeps the diagnostics that point into them): what a
    /// pre-commit hook wants when it passes the changed files of a tree that is loaded whole, so that
    /// preludes and cross-file checks still apply. Files are compared by their canonical path.
    pub fn with_focus(mut self, files: impl IntoIterator<Item = PathBuf>) -> Self {
        self.focus.extend(files);
        self
    }

    /// The files to report on; empty means every file.
    pub fn focus(&self) -> &[PathBuf] {
        &self.focus
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
    let files = load::discover(&options.paths())?;
    let mut diagnostics = Vec::new();
    let (sources, parseable) = load::read(&files, &mut diagnostics)?;
    Ok(parse_and_resolve(sources, &parseable, diagnostics))
}

/// Parse and resolve files already in memory (an old git revision for `diff`), named as the caller wants
/// them shown (`main:definitions/api.yaml`). Preludes are recognised by the file name of each
/// [`source::SourceFile::path`]; files are taken in the order given.
pub fn compile_sources(sources: source::SourceMap) -> Compiled {
    let parseable = vec![true; sources.len()];
    parse_and_resolve(sources, &parseable, Vec::new())
}

/// Parse and resolve, in the trees of the groups the files were parsed in, each freed as soon as its events
/// are resolved: only the language server keeps the YAML ([`check_sources`]).
fn parse_and_resolve(
    sources: source::SourceMap,
    parseable: &[bool],
    mut diagnostics: Vec<Diagnostic>,
) -> Compiled {
    let forest = yaml::parse_forest(&sources, parseable, &mut diagnostics);
    let catalog = resolve::resolve_forest(std::sync::Arc::new(sources), forest, &mut diagnostics);
    resolved(catalog, diagnostics)
}

/// The front end's result: the catalog and its diagnostics, sorted and each once.
fn resolved(catalog: model::Catalog, mut diagnostics: Vec<Diagnostic>) -> Compiled {
    diagnostics::sort_and_dedup(&mut diagnostics);
    Compiled {
        catalog,
        diagnostics,
    }
}

/// [`compile`], then the output names: what a backend that writes one file per event (JSON Schema, docs)
/// needs, so that an unsafe or colliding name is refused before anything is written. Backends that write
/// one file (Rust, TypeScript) and `validate` do not need it: they name no file after an event.
pub fn compile_for_files(options: &Options) -> Result<Compiled, Error> {
    let mut compiled = compile(options)?;
    output::names::check(&compiled.catalog, &mut compiled.diagnostics);
    diagnostics::sort_and_dedup(&mut compiled.diagnostics);
    Ok(compiled)
}

/// [`check`] on definitions held in memory: `(name, text)` pairs, as if they were files of that name
/// (a name starting with `_` is a prelude). For tests and fuzzing; never fails, every problem is a diagnostic.
pub fn check_texts(files: &[(&str, &str)], config: &Config) -> Compiled {
    let mut sources = source::SourceMap::new();
    for (name, text) in files {
        sources.add(source::SourceFile::new(*name, *name, *text));
    }
    let mut compiled = parse_and_resolve(sources, &vec![true; files.len()], Vec::new());
    lint_and_examples(&mut compiled, config);
    compiled
}

/// [`compile`], then every lint rule and the output names: what `evdef check` reports (CI catches an
/// event name that `build` would refuse as a file name). With a focus ([`Options::with_focus`]), only the
/// diagnostics that point into the focused files are kept.
pub fn check(options: &Options) -> Result<Compiled, Error> {
    let mut compiled = compile(options)?;
    lint_and_examples(&mut compiled, &options.config);
    if !options.focus.is_empty() {
        let focus = focus_files(&compiled.catalog.sources, &options.focus);
        compiled.diagnostics.retain(|d| {
            d.span()
                .is_none_or(|_| d.files().any(|f| focus.contains(&f)))
        });
    }
    Ok(compiled)
}

/// [`check`] on files already in memory, keeping the YAML tree: what the language server runs on its open
/// buffers laid over the disk. Every file is parsed (decoding is the caller's job).
pub fn check_sources(sources: source::SourceMap, config: &Config) -> (Compiled, yaml::Tree) {
    let mut diagnostics = Vec::new();
    let tree = yaml::parse_all(&sources, &vec![true; sources.len()], &mut diagnostics);
    let catalog = resolve::resolve(std::sync::Arc::new(sources), &tree, &mut diagnostics);
    let mut compiled = resolved(catalog, diagnostics);
    lint_and_examples(&mut compiled, config);
    (compiled, tree)
}

/// Check the output names, lint the catalog and check its examples, then apply the project's levels and
/// suppressions; diagnostics end sorted.
fn lint_and_examples(compiled: &mut Compiled, config: &Config) {
    let catalog = &compiled.catalog;
    // The names, lint and the examples are independent: run them side by side.
    let ((mut examples, mut names), mut linted) = rayon::join(
        || {
            rayon::join(
                || {
                    let mut found = Vec::new();
                    examples::check(catalog, &config.envelope, &mut found);
                    found
                },
                || {
                    let mut found = Vec::new();
                    output::names::check(catalog, &mut found);
                    found
                },
            )
        },
        || {
            let mut found = Vec::new();
            lint::check(catalog, &config.lint, &mut found);
            found
        },
    );
    compiled.diagnostics.append(&mut names);
    compiled.diagnostics.append(&mut linted);
    compiled.diagnostics.append(&mut examples);
    // `[lint.rules]` levels and `# evdef-ignore` suppressions; sorts.
    lint::apply_policy(
        &compiled.catalog.sources,
        &config.lint,
        &mut compiled.diagnostics,
    );
}

/// The ids of the loaded files that are among `focus` (compared canonically, so `./a.yaml` is `a.yaml`).
pub fn focus_files(sources: &source::SourceMap, focus: &[PathBuf]) -> Vec<source::FileId> {
    let canonical = |p: &std::path::Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let wanted: Vec<PathBuf> = focus.iter().map(|p| canonical(p)).collect();
    sources
        .files()
        .filter(|(_, file)| wanted.contains(&canonical(&file.path)))
        .map(|(id, _)| id)
        .collect()
}
