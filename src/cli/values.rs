//! The fixed value sets of command-line flags (`--format`, `--draft`, `--unknown-events`, `--mode`):
//! `clap` mirrors of library enums, so that `clap` stays in `cli/`. Each converts into its library
//! type with `From`; the doc comments are the `--help` text of each value.

use clap::ValueEnum;
use evdef::config::DiffMode;
use evdef::diagnostics::render;
use evdef::emit::json_schema::Draft;
use evdef::validate::UnknownEvents;

/// `evdef check --format`: output formats of diagnostics ([`render::Format`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style snippets.
    Human,
    /// One JSON array of diagnostics with file, line and column.
    Json,
    /// GitHub Actions workflow commands (`::error file=...`), shown as annotations on the pull request.
    Github,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
    /// GitLab Code Quality report (a JSON array), for merge-request widgets (`artifacts: reports:
    /// codequality:`).
    Gitlab,
}

impl From<Format> for render::Format {
    fn from(format: Format) -> Self {
        match format {
            Format::Human => render::Format::Human,
            Format::Json => render::Format::Json,
            Format::Github => render::Format::Github,
            Format::Sarif => render::Format::Sarif,
            Format::Gitlab => render::Format::Gitlab,
        }
    }
}

/// `evdef emit json-schema --draft` ([`Draft`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DraftArg {
    /// Draft 2020-12 (the default).
    #[value(name = "2020-12")]
    Draft202012,
    /// Draft 07, for older tools.
    #[value(name = "07")]
    Draft07,
}

impl From<DraftArg> for Draft {
    fn from(draft: DraftArg) -> Self {
        match draft {
            DraftArg::Draft202012 => Draft::Draft202012,
            DraftArg::Draft07 => Draft::Draft07,
        }
    }
}

/// `evdef validate --unknown-events` ([`UnknownEvents`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UnknownEventsArg {
    /// The line is invalid (kind `unknown-event`).
    Error,
    /// The line is valid but reported with a warning.
    Warn,
    /// The line is valid and not reported (it is counted in the summary).
    Allow,
}

impl From<UnknownEventsArg> for UnknownEvents {
    fn from(unknown: UnknownEventsArg) -> Self {
        match unknown {
            UnknownEventsArg::Error => UnknownEvents::Error,
            UnknownEventsArg::Warn => UnknownEvents::Warn,
            UnknownEventsArg::Allow => UnknownEvents::Allow,
        }
    }
}

/// `evdef diff --mode` ([`DiffMode`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffModeArg {
    /// New readers must read old data: a line valid before must stay valid.
    Backward,
    /// Old readers must read new data: a line valid now must have been valid before.
    Forward,
    /// Both.
    Full,
    /// Report changes, fail on none.
    None,
}

impl From<DiffModeArg> for DiffMode {
    fn from(mode: DiffModeArg) -> Self {
        match mode {
            DiffModeArg::Backward => DiffMode::Backward,
            DiffModeArg::Forward => DiffMode::Forward,
            DiffModeArg::Full => DiffMode::Full,
            DiffModeArg::None => DiffMode::None,
        }
    }
}
