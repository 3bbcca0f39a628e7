//! The command line: argument definitions and dispatch. The `cli` modules are the only code that prints.

mod build;
mod check;
mod emit;
mod emit_docs;
mod explain;
mod resolve;
mod validate;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use evdef::{Config, Error, Options};

/// Compile YAML event definitions into JSON Schema, Rust types and docs; lint them; validate event logs.
#[derive(Debug, Parser)]
#[command(name = "evdef", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse, resolve and lint the definitions, and check their examples.
    Check(check::CheckArgs),
    /// Print the resolved catalog (every merge applied) as JSON or YAML.
    Resolve(resolve::ResolveArgs),
    /// Show each parameter of an event with the chain of fragments it was inherited through.
    Explain(explain::ExplainArgs),
    /// Check the definitions, then run every backend configured in `evdef.toml`.
    Build(build::BuildArgs),
    /// Run one backend.
    Emit(emit::EmitArgs),
    /// Validate NDJSON event logs (files or stdin) against the definitions.
    Validate(validate::ValidateArgs),
}

/// Where the definitions are: shared by every command.
#[derive(Debug, Args, Clone, Default)]
pub struct DefinitionsArgs {
    /// A definitions directory or file (repeatable). Default: `evdef.toml`'s `[definitions] paths`, else
    /// `./definitions`.
    #[arg(short = 'd', long = "definitions", value_name = "PATH")]
    pub definitions: Vec<PathBuf>,
    /// Use this configuration file instead of searching for `evdef.toml` from the working directory up.
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
}

impl DefinitionsArgs {
    /// The configuration, then compile options with paths from the command line winning over it.
    pub fn options(&self, positional: &[PathBuf]) -> Result<Options, Error> {
        let config = self.load_config()?;
        let mut options = Options::new().with_config(config);
        for path in self.definitions.iter().chain(positional) {
            options = options.with_path(path.clone());
        }
        Ok(options)
    }

    /// The configuration file given by `--config`, else the one found from the working directory.
    pub fn load_config(&self) -> Result<Config, Error> {
        match &self.config {
            Some(path) => Config::load(path),
            None => {
                let cwd = std::env::current_dir().map_err(|e| Error::io("read", ".", e))?;
                Config::discover(&cwd)
            }
        }
    }
}

/// Parse the arguments, run the command, and turn the outcome into the documented exit code:
/// 0 clean, 1 findings, 2 cannot run.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(2),
            };
        }
    };
    let outcome = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Resolve(args) => resolve::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Build(args) => build::run(args),
        Command::Emit(args) => emit::run(args),
        Command::Validate(args) => validate::run(args),
    };
    match outcome {
        Ok(code) => code.into(),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            ExitCode::from(2)
        }
    }
}

/// How a command ended when it could run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to report.
    Clean,
    /// Findings (invalid definitions or events).
    Findings,
}

impl From<Outcome> for ExitCode {
    fn from(o: Outcome) -> ExitCode {
        match o {
            Outcome::Clean => ExitCode::SUCCESS,
            Outcome::Findings => ExitCode::from(1),
        }
    }
}

/// A closed stdout (`evdef ... | head`) ends the program quietly with success, as ripgrep does.
fn is_broken_pipe(e: &Error) -> bool {
    matches!(e, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Write to stdout, mapping failure (including a closed pipe) to an [`Error`].
pub fn write_stdout(bytes: &[u8]) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| Error::io("write", "<stdout>", e))
}

/// Whether to colour stderr: only on a terminal, and never with `NO_COLOR` set.
pub fn stderr_color() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Print diagnostics to stderr if the compilation has errors (commands that need a valid catalog stop then).
/// Returns whether there were errors.
pub fn report_errors(compiled: &evdef::Compiled) -> bool {
    if !compiled.has_errors() {
        return false;
    }
    let text = evdef::diagnostics::render::human(
        &compiled.catalog.sources,
        &compiled.diagnostics,
        stderr_color(),
    );
    let _ = std::io::stderr().write_all(text.as_bytes());
    true
}

/// A one-line note on stderr (what was written where).
pub fn note(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

/// `, removed N stale file(s)` after a "wrote ..." note, when an earlier run's files were removed.
pub fn removed_note(removed: usize) -> String {
    match removed {
        0 => String::new(),
        1 => ", removed 1 stale file".into(),
        n => format!(", removed {n} stale files"),
    }
}
