//! The `build.rs` API: compile the definitions, generate Rust types into `OUT_DIR`, and tell cargo when to
//! rerun. This is the one library module that prints, because cargo reads its instructions from a build
//! script's stdout.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::config::{Config, FILE_NAME};
use crate::diagnostics::{render, Severity};
use crate::emit::rust::{RustOptions, TimeTypes};
use crate::{Error, Options};

/// Generate Rust types from event definitions in a build script.
///
/// ```no_run
/// // build.rs
/// fn main() {
///     evdef::Build::new()
///         .definitions("definitions")
///         .emit_rust(std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("events.rs"))
///         .unwrap();
/// }
/// ```
///
/// Without [`Build::definitions`], the paths come from `evdef.toml` (found from the working directory up,
/// which for a build script is the package root), else `./definitions`. The envelope and the
/// `[emit.rust]` options come from `evdef.toml` too; the `with_*` methods override them.
#[derive(Debug, Clone, Default)]
pub struct Build {
    paths: Vec<PathBuf>,
    config: Option<Config>,
    time: Option<TimeTypes>,
    uuid: Option<bool>,
    quiet: bool,
}

/// Why [`Build::emit_rust`] failed. Its `Display` is what a developer needs to see in cargo's output:
/// for bad definitions, every diagnostic rendered as `evdef check` renders it (file:line:col and snippet).
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The definitions have errors (or cannot be turned into Rust); the text is the rendered diagnostics.
    Definitions {
        /// Every diagnostic, rendered without colours.
        rendered: String,
        /// How many of them are errors.
        errors: usize,
    },
    /// Something else went wrong: unreadable files, a bad `evdef.toml`, an unwritable output.
    Run(Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Definitions { rendered, errors } => {
                write!(f, "evdef: the event definitions have {errors} error(s)\n\n{rendered}")
            }
            BuildError::Run(e) => write!(f, "evdef: {e}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Run(e) => Some(e),
            BuildError::Definitions { .. } => None,
        }
    }
}

impl From<Error> for BuildError {
    fn from(e: Error) -> Self {
        BuildError::Run(e)
    }
}

impl Build {
    /// A build with paths and options from `evdef.toml` (or the defaults).
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a definitions directory or file (repeatable). Relative paths are relative to the package root.
    pub fn definitions(mut self, path: impl Into<PathBuf>) -> Self {
        self.paths.push(path.into());
        self
    }

    /// Use this configuration instead of looking for `evdef.toml`.
    pub fn with_config(mut self, config: Config) -> Self {
        self.config = Some(config);
        self
    }

    /// Types for `timestamp` and `date`: `String` (default), `chrono` or `time`.
    pub fn with_time_types(mut self, time: TimeTypes) -> Self {
        self.time = Some(time);
        self
    }

    /// Use `uuid::Uuid` for `uuid` parameters.
    pub fn with_uuid(mut self, uuid: bool) -> Self {
        self.uuid = Some(uuid);
        self
    }

    /// Do not print `cargo:` instructions (for use outside build scripts).
    pub fn quiet(mut self) -> Self {
        self.quiet = true;
        self
    }

    /// Compile the definitions and write the Rust types to `out` (atomically; an unchanged file is not
    /// rewritten, so nothing downstream rebuilds needlessly). Prints `cargo:rerun-if-changed` for every
    /// definitions file and directory and for `evdef.toml`, and each warning as `cargo:warning`.
    pub fn emit_rust(&self, out: impl AsRef<Path>) -> Result<(), BuildError> {
        let config = match &self.config {
            Some(c) => c.clone(),
            None => {
                let cwd = std::env::current_dir().map_err(|e| Error::io("read", ".", e))?;
                let config = Config::discover(&cwd)?;
                let file = config.root.join(FILE_NAME);
                if file.is_file() {
                    self.cargo(&format!("rerun-if-changed={}", file.display()));
                }
                config
            }
        };
        let mut rust = RustOptions::from_config(&config)?;
        if let Some(time) = self.time {
            rust = rust.with_time_types(time);
        }
        if let Some(uuid) = self.uuid {
            rust = rust.with_uuid(uuid);
        }
        let mut options = Options::new().with_config(config);
        for path in &self.paths {
            options = options.with_path(path.clone());
        }
        // Rerun instructions first: if the definitions are broken, the next edit must rerun the script.
        for path in options.paths() {
            self.rerun_if_changed(&path);
        }
        let compiled = crate::check(&options)?;
        let sources = &compiled.catalog.sources;
        let errors = compiled.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
        if errors > 0 {
            return Err(BuildError::Definitions {
                rendered: render::human(sources, &compiled.diagnostics, false),
                errors,
            });
        }
        for d in &compiled.diagnostics {
            self.cargo(&format!("warning={}", render::plain_line(sources, d).trim_end()));
        }
        let code = crate::emit::rust::generate(&compiled.catalog, &rust).map_err(|diagnostics| {
            BuildError::Definitions {
                rendered: render::human(sources, &diagnostics, false),
                errors: diagnostics.iter().filter(|d| d.severity == Severity::Error).count(),
            }
        })?;
        let out = out.as_ref();
        if std::fs::read(out).ok().as_deref() != Some(code.as_bytes()) {
            crate::emit::write_atomic(out, code.as_bytes())?;
        }
        Ok(())
    }

    /// `rerun-if-changed` for a path and, for a directory, every directory and definitions file in it, so
    /// adding, removing or editing a file reruns the build script.
    fn rerun_if_changed(&self, path: &Path) {
        self.cargo(&format!("rerun-if-changed={}", path.display()));
        if !path.is_dir() {
            return;
        }
        let walker = walkdir::WalkDir::new(path)
            .sort_by_file_name()
            .min_depth(1)
            .into_iter()
            .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker.flatten() {
            if entry.file_type().is_dir() || crate::load::is_definitions_file(entry.path()) {
                self.cargo(&format!("rerun-if-changed={}", entry.path().display()));
            }
        }
    }

    #[allow(clippy::print_stdout, reason = "cargo reads build script instructions from stdout")]
    fn cargo(&self, instruction: &str) {
        if !self.quiet {
            println!("cargo:{instruction}");
        }
    }
}
