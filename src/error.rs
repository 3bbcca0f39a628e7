//! Failures to run (as opposed to problems in the definitions, which are [`crate::Diagnostic`]s).

use std::path::PathBuf;

/// The operation could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A path given by the user does not exist.
    #[error("path `{}` does not exist", .0.display())]
    PathNotFound(PathBuf),
    /// A definitions directory holds no `*.yaml` / `*.yml` file.
    #[error("no definitions (`*.yaml`, `*.yml`) found in `{}`", .0.display())]
    NoDefinitions(PathBuf),
    /// Reading or writing a file failed.
    #[error("cannot {action} `{}`: {source}", path.display())]
    Io {
        /// What was attempted: `read`, `write`, `create directory`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// `evdef.toml` is not valid.
    #[error("invalid configuration `{}`: {message}", config_place(path, *at))]
    Config {
        /// The configuration file.
        path: PathBuf,
        /// Line and column (1-based, the column in Unicode scalar values) of the bad value, when known.
        at: Option<(usize, usize)>,
        /// What is wrong.
        message: String,
    },
    /// Options that make no sense together or a bad value.
    #[error("{0}")]
    Usage(String),
    /// An output path is unsafe or cannot be written as asked (containment, a tampered manifest).
    #[error("cannot write output `{}`: {message}", path.display())]
    Output {
        /// The output path.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The definitions have errors, so nothing can be generated from them. The diagnostics explain.
    #[error("the definitions have {0} error(s)")]
    InvalidDefinitions(usize),
    /// evdef itself failed (a panic: a bug), and the run stopped there.
    #[error("internal error while {during}: {message}")]
    Internal {
        /// What was going on: ``validating line 12 of `app.ndjson` ``.
        during: String,
        /// The panic's message.
        message: String,
    },
    /// A run that must account for every input line stopped early, so its outputs were not written.
    #[error(
        "{cause}\nthe run did not finish: the split outputs are incomplete ({outputs}); a regular file there was left as it was"
    )]
    Incomplete {
        /// Why the run stopped.
        cause: Box<Error>,
        /// The outputs, for the message: `` `valid.ndjson`, `invalid.ndjson` ``.
        outputs: String,
    },
}

impl Error {
    /// An I/O error with its path.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// `evdef.toml:2:10`, or the path alone when no position is known.
fn config_place(path: &std::path::Path, at: Option<(usize, usize)>) -> String {
    match at {
        Some((line, column)) => format!("{}:{line}:{column}", path.display()),
        None => path.display().to_string(),
    }
}
