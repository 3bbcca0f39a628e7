//! The `build.rs` API: compile the definitions, generate Rust types into `OUT_DIR`, and tell cargo when to
//! rerun. This is the one library module that prints, because cargo reads its instructions from a build
//! script's stdout.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::config::{Config, FILE_NAME};
use crate::diagnostics::{Severity, render};
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
/// `Debug` prints the same text, because a build script's `.unwrap()` shows the error through `Debug`.
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
                write!(
                    f,
                    "evdef: the event definitions have {errors} error(s)\n\n{rendered}"
                )
            }
            BuildError::Run(e) => write!(f, "evdef: {e}"),
        }
    }
}

impl fmt::Debug for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
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
        let quiet = self.quiet;
        self.run(out.as_ref(), &mut |instruction| cargo(quiet, &instruction))
    }

    /// [`Build::emit_rust`], handing each cargo instruction (without `cargo:`) to `cargo`.
    fn run(&self, out: &Path, cargo: &mut dyn FnMut(String)) -> Result<(), BuildError> {
        let config = match &self.config {
            Some(c) => c.clone(),
            None => {
                let cwd = std::env::current_dir().map_err(|e| Error::io("read", ".", e))?;
                let config = Config::discover(&cwd)?;
                let file = config.root.join(FILE_NAME);
                if file.is_file() {
                    cargo(format!("rerun-if-changed={}", file.display()));
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
            rerun_if_changed(&path, cargo);
        }
        let compiled = crate::check(&options)?;
        let sources = &compiled.catalog.sources;
        let errors = compiled
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        if errors > 0 {
            return Err(BuildError::Definitions {
                rendered: render::human(sources, &compiled.diagnostics, false),
                errors,
            });
        }
        for d in &compiled.diagnostics {
            cargo(format!(
                "warning={}",
                render::plain_line(sources, d).trim_end()
            ));
        }
        let code =
            crate::emit::rust::generate(&compiled.catalog, &rust).map_err(|diagnostics| {
                BuildError::Definitions {
                    rendered: render::human(sources, &diagnostics, false),
                    errors: diagnostics
                        .iter()
                        .filter(|d| d.severity == Severity::Error)
                        .count(),
                }
            })?;
        if std::fs::read(out).ok().as_deref() != Some(code.as_bytes()) {
            crate::output::write_named(out, code.as_bytes())?;
        }
        Ok(())
    }
}

/// `rerun-if-changed` for a path and, for a directory, every directory and definitions file in it, so
/// adding, removing or editing a file reruns the build script.
fn rerun_if_changed(path: &Path, cargo: &mut dyn FnMut(String)) {
    cargo(format!("rerun-if-changed={}", path.display()));
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
            cargo(format!("rerun-if-changed={}", entry.path().display()));
        }
    }
}

#[allow(
    clippy::print_stdout,
    reason = "cargo reads build script instructions from stdout"
)]
fn cargo(quiet: bool, instruction: &str) {
    if !quiet {
        println!("cargo:{instruction}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn run(build: &Build, out: &Path) -> (Result<(), BuildError>, Vec<String>) {
        let mut instructions = Vec::new();
        let result = build.run(out, &mut |i| instructions.push(i));
        (result, instructions)
    }

    #[test]
    fn reruns_on_every_definitions_file_and_directory() {
        let dir = tempfile::tempdir().unwrap();
        let defs = dir.path().join("definitions");
        write(&defs, "_common.yaml", ".user: &user\n  user_id: integer\n");
        write(
            &defs,
            "web/page.yaml",
            "page_viewed:\n  description: A page was viewed\n  parameters:\n    <<: *user\n    path: string\n",
        );
        write(&defs, "README.md", "not a definition");
        let out = dir.path().join("out/events.rs");
        let build = Build::new()
            .with_config(Config::default())
            .definitions(&defs);
        let (result, instructions) = run(&build, &out);
        result.unwrap();
        let rerun = |p: &Path| format!("rerun-if-changed={}", p.display());
        let expected = [
            rerun(&defs),
            rerun(&defs.join("_common.yaml")),
            rerun(&defs.join("web")),
            rerun(&defs.join("web/page.yaml")),
        ];
        assert_eq!(instructions, expected);
        let code = std::fs::read_to_string(&out).unwrap();
        assert!(code.contains("pub struct PageViewed {"), "{code}");
    }

    #[test]
    fn bad_definitions_fail_with_rendered_diagnostics() {
        let dir = tempfile::tempdir().unwrap();
        let defs = dir.path().join("definitions");
        write(
            &defs,
            "api.yaml",
            "page_viewed:\n  parameters:\n    path: strng\n",
        );
        let out = dir.path().join("events.rs");
        let (result, instructions) = run(
            &Build::new()
                .with_config(Config::default())
                .definitions(&defs),
            &out,
        );
        let message = result.unwrap_err().to_string();
        assert!(
            message.starts_with("evdef: the event definitions have 1 error(s)"),
            "{message}"
        );
        assert!(message.contains("api.yaml:3:11"), "{message}");
        assert!(
            message.contains("path: strng"),
            "snippet missing: {message}"
        );
        assert!(
            !message.contains('\u{1b}'),
            "no colours in build output: {message}"
        );
        assert!(!out.exists());
        assert!(
            instructions.iter().any(|i| i.ends_with("api.yaml")),
            "reruns after a fix: {instructions:?}"
        );
    }

    #[test]
    fn name_collisions_fail_the_build() {
        let dir = tempfile::tempdir().unwrap();
        let defs = dir.path().join("definitions");
        write(
            &defs,
            "api.yaml",
            "a_b:\n  parameters:\n    x: integer\na-b:\n  parameters:\n    x: integer\n",
        );
        let (result, _) = run(
            &Build::new()
                .with_config(Config::default())
                .definitions(&defs),
            &dir.path().join("e.rs"),
        );
        let message = result.unwrap_err().to_string();
        assert!(message.contains("rust-name-collision"), "{message}");
        assert!(message.contains("api.yaml:4:1"), "{message}");
    }

    #[test]
    fn unchanged_output_is_not_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let defs = dir.path().join("definitions");
        write(
            &defs,
            "api.yaml",
            "page_viewed:\n  parameters:\n    path: string\n",
        );
        let out = dir.path().join("events.rs");
        let build = Build::new()
            .with_config(Config::default())
            .definitions(&defs);
        run(&build, &out).0.unwrap();
        let before = std::fs::metadata(&out).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        run(&build, &out).0.unwrap();
        assert_eq!(std::fs::metadata(&out).unwrap().modified().unwrap(), before);
    }
}
