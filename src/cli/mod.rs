//! The command line: argument definitions and dispatch. The `cli` modules are the only code that prints.

mod build;
mod check;
mod diff;
mod emit;
mod emit_docs;
mod explain;
mod extras;
mod init;
mod lsp;
mod progress;
mod resolve;
mod schema;
mod validate;
mod values;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use evdef::{Config, Error, Options};

/// Compile YAML event definitions into JSON Schema, Rust types and docs; lint them; validate event logs.
#[derive(Debug, Parser)]
#[command(name = "evdef", version = env!("EVDEF_VERSION"), about, long_about = None, propagate_version = true)]
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
    /// Breaking changes against a git revision or another definitions directory.
    Diff(diff::DiffArgs),
    /// Print the JSON Schema of the definitions language (for editors: yaml-language-server).
    Schema(schema::SchemaArgs),
    /// Create `evdef.toml`, a definitions directory with a prelude and one event, and print a CI
    /// workflow; never overwrites a file.
    Init(init::InitArgs),
    /// Print a shell completion script.
    Completions(extras::CompletionsArgs),
    /// Print the man page (roff).
    Man,
    /// Run the language server (JSON-RPC on stdin/stdout) for editors.
    Lsp(lsp::LspArgs),
}

/// Where the definitions are: shared by every command.
#[derive(Debug, Args, Clone, Default)]
pub struct DefinitionsArgs {
    /// A definitions directory or file (repeatable). Default: `evdef.toml`'s `[definitions] paths`, else
    /// `./definitions`.
    #[arg(short = 'd', long = "definitions", value_name = "PATH")]
    pub definitions: Vec<PathBuf>,
    /// Use this configuration file. Default: the `evdef.toml` found by walking up from the first
    /// definitions path given, else from the working directory.
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
}

impl DefinitionsArgs {
    /// The configuration, then compile options with paths from the command line winning over it.
    pub fn options(&self, positional: &[PathBuf]) -> Result<Options, Error> {
        let given = self.given(positional);
        let mut options = Options::new().with_config(self.load_config(given.first())?);
        for path in given {
            options = options.with_path(path);
        }
        Ok(options)
    }

    /// Like [`options`](Self::options), except when only files are named (what a pre-commit hook
    /// passes): then the whole definitions tree of `evdef.toml` is loaded, so the files see its preludes
    /// and cross-file checks, and only the named files are reported on. With `skip_outside`, named files
    /// outside the configured definitions paths are left out (a hook passes every changed YAML file);
    /// returns `None` when that leaves nothing to check.
    pub fn focused_options(
        &self,
        positional: &[PathBuf],
        skip_outside: bool,
    ) -> Result<Option<Options>, Error> {
        let mut given = self.given(positional);
        if given.is_empty() || !given.iter().all(|p| p.is_file()) {
            return self.options(positional).map(Some);
        }
        let config = self.load_config(given.first())?;
        let tree: Vec<PathBuf> = config
            .definitions_paths()
            .into_iter()
            .filter(|p| p.exists())
            .collect();
        if skip_outside {
            let roots: Vec<PathBuf> = tree.iter().filter_map(|p| p.canonicalize().ok()).collect();
            given.retain(|file| {
                file.canonicalize()
                    .is_ok_and(|f| roots.iter().any(|root| f.starts_with(root)))
            });
            if given.is_empty() {
                return Ok(None);
            }
        }
        let mut options = Options::new().with_config(config);
        for path in tree.into_iter().chain(given.iter().cloned()) {
            options = options.with_path(path);
        }
        Ok(Some(options.with_focus(given)))
    }

    /// `-d` paths first, then positional ones.
    fn given(&self, positional: &[PathBuf]) -> Vec<PathBuf> {
        self.definitions.iter().chain(positional).cloned().collect()
    }

    /// The configuration file given by `--config`; else the `evdef.toml` found upward from `first` (the
    /// first definitions path named on the command line) or, without one, from the working directory.
    pub fn load_config(&self, first: Option<&PathBuf>) -> Result<Config, Error> {
        if let Some(path) = &self.config {
            return Config::load(path);
        }
        let cwd = std::env::current_dir().map_err(|e| Error::io("read", ".", e))?;
        match first {
            Some(path) => Config::discover_for(path, &cwd),
            None => Config::discover(&cwd),
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
    // A panic is a bug in evdef, never the input's fault; it must still end with the documented "cannot
    // run" code (2), not Rust's 101, so scripts and CI read it as a failure to run. The panic hook has
    // already printed the message and location; temporary outputs were removed while unwinding.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match cli.command {
        Command::Check(args) => check::run(args),
        Command::Resolve(args) => resolve::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Build(args) => build::run(args),
        Command::Emit(args) => emit::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Schema(args) => schema::run(args),
        Command::Init(args) => init::run(args),
        Command::Completions(args) => extras::completions(args),
        Command::Man => extras::man(),
        Command::Lsp(args) => lsp::run(args),
    }));
    let Ok(outcome) = outcome else {
        let _ = writeln!(
            std::io::stderr(),
            "error: evdef stopped on an internal error (a bug; please report it with the input that caused it)"
        );
        return ExitCode::from(2);
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

/// Name the catalog's files relative to the project root (the directory of `evdef.toml`, else the working
/// directory) before a backend writes them into generated files, so that outputs do not depend on the
/// machine or the checkout location. Returns the names messages use (relative to the working directory),
/// for reporting a backend's diagnostics.
pub fn name_files_for_output(
    catalog: &mut evdef::Catalog,
    config: &Config,
) -> std::sync::Arc<evdef::source::SourceMap> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let named = catalog.sources.named_for_output(&config.root, &cwd);
    std::mem::replace(&mut catalog.sources, std::sync::Arc::new(named))
}

/// A one-line note on stderr (what was written where).
pub fn note(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

/// Write a backend's files into `root` through the output module and say so: `wrote N <what>s to <root>`,
/// with the stale files removed.
pub fn write_dir(
    root: &std::path::Path,
    files: &[evdef::output::OutputFile],
    what: &str,
) -> Result<(), Error> {
    let removed = evdef::output::write_dir(root, files)?;
    note(&format!(
        "wrote {} {what}{} to {}{}",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        root.display(),
        removed_note(removed)
    ));
    Ok(())
}

/// `, removed N stale file(s)` after a "wrote ..." note, when an earlier run's files were removed.
pub fn removed_note(removed: usize) -> String {
    match removed {
        0 => String::new(),
        1 => ", removed 1 stale file".into(),
        n => format!(", removed {n} stale files"),
    }
}
