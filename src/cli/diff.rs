//! `evdef diff --against REV|DIR`: load both sides (each with its own `evdef.toml`), compare the resolved
//! catalogs and print the changes; exit 1 when one breaks a direction the `[diff] mode` counts.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use evdef::config::{self, Config, DiffMode};

use super::values::DiffModeArg;
use evdef::diagnostics::render as diag_render;
use evdef::diff::report::render::{self, Primary, Sources};
use evdef::diff::{self, Report, Rule, Side, revision};
use evdef::{Compiled, Error, Options};

use super::{DefinitionsArgs, Outcome};

/// Output formats of `evdef diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// rustc-style snippets on stderr, both spans shown.
    Human,
    /// One JSON object: `{"against", "mode", "compatible", "changes"}`.
    Json,
    /// GitHub Actions workflow commands.
    Github,
    /// SARIF 2.1.0.
    Sarif,
    /// A changelog for release notes, grouped by event.
    Markdown,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// A git revision of the repository holding the definitions (`main`, `origin/main`, `HEAD~1`, a tag),
    /// or another definitions directory.
    #[arg(long, value_name = "REV|DIR", required_unless_present = "explain")]
    against: Option<String>,
    /// Definitions directories or files of the new side (in addition to `-d`).
    #[arg(value_name = "PATHS")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    definitions: DefinitionsArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    format: DiffFormat,
    /// Which breaks fail the run (overrides `[diff] mode`).
    #[arg(long, value_enum)]
    mode: Option<DiffModeArg>,
    /// Print the documentation of a change rule (e.g. `parameter-removed`) and exit.
    #[arg(long, value_name = "RULE")]
    explain: Option<String>,
}

pub fn run(args: DiffArgs) -> Result<Outcome, Error> {
    if let Some(code) = &args.explain {
        return explain(code);
    }
    let against = args.against.clone().unwrap_or_default();
    let options = args.definitions.options(&args.paths)?;
    let mode = args.mode.map_or(options.config().diff.mode, DiffMode::from);
    let report = compare(&options, &args.definitions, &args.paths, &against, mode)?;
    print(&report, args.format)?;
    let outcome = if report.report.compatible {
        Outcome::Clean
    } else {
        Outcome::Findings
    };
    // The process ends right after this: freeing large catalogs piece by piece would only cost time.
    std::mem::forget(report);
    Ok(outcome)
}

fn explain(code: &str) -> Result<Outcome, Error> {
    let Some(rule) = Rule::from_code(code) else {
        let known: Vec<&str> = Rule::ALL.iter().map(|r| r.code()).collect();
        return Err(Error::Usage(format!(
            "unknown rule `{code}`; rules: {}",
            known.join(", ")
        )));
    };
    super::write_stdout(format!("# {}\n\n{}", rule.code(), rule.explanation()).as_bytes())?;
    Ok(Outcome::Clean)
}

/// Both compiled sides and the report.
pub struct Compared {
    old: Compiled,
    new: Compiled,
    /// The changes under the `[diff]` settings.
    pub report: Report,
}

/// Load both sides, compare them, apply `[diff]` from NEW's configuration.
pub fn compare(
    options: &Options,
    definitions: &DefinitionsArgs,
    positional: &[PathBuf],
    against: &str,
    mode: DiffMode,
) -> Result<Compared, Error> {
    let config = options.config();
    let unknown = diff::report::unknown_ignores(&config.diff.ignore);
    if !unknown.is_empty() {
        return Err(Error::Usage(format!(
            "`[diff] ignore` names unknown rules: {}",
            unknown.join(", ")
        )));
    }
    let cli_paths: Vec<PathBuf> = definitions
        .definitions
        .iter()
        .chain(positional)
        .cloned()
        .collect();
    // The two sides are independent: load them side by side.
    let (new, old) = rayon::join(
        || evdef::compile(options),
        || load_old(against, config, definitions.config.as_deref(), &cli_paths),
    );
    let new = new?;
    if super::report_errors(&new) {
        return Err(side_failed("new side (the working tree)", &new));
    }
    let (old, old_config) = old?;
    if super::report_errors(&old) {
        return Err(side_failed(&format!("old side (`{against}`)"), &old));
    }
    let changes = diff::compare(
        Side {
            catalog: &old.catalog,
            envelope: &old_config.envelope,
        },
        Side {
            catalog: &new.catalog,
            envelope: &config.envelope,
        },
    );
    let report = Report::new(
        against,
        changes,
        &old.catalog,
        &new.catalog,
        &config.diff,
        mode,
    );
    Ok(Compared { old, new, report })
}

fn side_failed(side: &str, compiled: &Compiled) -> Error {
    let errors = compiled
        .diagnostics
        .iter()
        .filter(|d| d.severity == evdef::Severity::Error)
        .count();
    Error::Usage(format!(
        "the {side} does not load: {errors} error{} (shown above)",
        if errors == 1 { "" } else { "s" }
    ))
}

/// The old side: a directory when `against` names one, else a git revision.
fn load_old(
    against: &str,
    new_config: &Config,
    config_file: Option<&Path>,
    cli_paths: &[PathBuf],
) -> Result<(Compiled, Config), Error> {
    let dir = Path::new(against);
    if dir.is_dir() {
        let (config, paths) = if dir.join(config::FILE_NAME).is_file() {
            let config = Config::load(&dir.join(config::FILE_NAME))?;
            let paths = config.definitions_paths();
            (config, paths)
        } else {
            let found = std::fs::canonicalize(dir)
                .ok()
                .and_then(|abs| {
                    abs.ancestors()
                        .map(|d| d.join(config::FILE_NAME))
                        .find(|f| f.is_file())
                })
                .map(|f| Config::load(&f))
                .transpose()?;
            (
                found.unwrap_or_else(|| new_config.clone()),
                vec![dir.to_path_buf()],
            )
        };
        let mut options = Options::new().with_config(config.clone());
        for p in paths {
            options = options.with_path(p);
        }
        return Ok((evdef::compile(&options)?, config));
    }
    let cwd = std::env::current_dir().map_err(|e| Error::io("read", ".", e))?;
    // The revision's configuration is read from where NEW's is (or would be).
    let config_file = match config_file {
        Some(file) => file.to_path_buf(),
        None => new_config.root.join(config::FILE_NAME),
    };
    let side = revision::load(&revision::RevisionRequest {
        rev: against,
        cwd: &cwd,
        config_file: &config_file,
        paths: cli_paths,
    })?;
    Ok((evdef::compile_sources(side.sources), side.config))
}

/// Print a report in a format: human on stderr (it is diagnostics), the others on stdout.
pub fn print(compared: &Compared, format: DiffFormat) -> Result<(), Error> {
    let sources = Sources {
        old: &compared.old.catalog.sources,
        new: &compared.new.catalog.sources,
    };
    let report = &compared.report;
    let diagnostics = |primary| render::diagnostics(report, sources, primary);
    let text = match format {
        DiffFormat::Human => {
            let combined = render::combined(sources);
            let mut text = diag_render::human(
                &combined,
                &diagnostics(Primary::Changed),
                super::stderr_color(),
            );
            text.push_str(&render::summary(report));
            let _ = std::io::stderr().write_all(text.as_bytes());
            return Ok(());
        }
        DiffFormat::Json => {
            let mut s =
                serde_json::to_string_pretty(&render::json(report, sources)).unwrap_or_default();
            s.push('\n');
            s
        }
        DiffFormat::Markdown => render::markdown(report),
        DiffFormat::Github => {
            diag_render::github(&render::combined(sources), &diagnostics(Primary::NewSide))
        }
        DiffFormat::Sarif => {
            let combined = render::combined(sources);
            let sarif = diag_render::sarif(&combined, &diagnostics(Primary::NewSide));
            let mut s = serde_json::to_string_pretty(&sarif).unwrap_or_default();
            s.push('\n');
            s
        }
    };
    super::write_stdout(text.as_bytes())
}

/// The diff as diagnostics for `evdef check --against`, over sources holding both sides (the new side's
/// files first, with the ids `check` gave them, since both load the same paths in the same order).
pub fn as_diagnostics(
    compared: &Compared,
    machine: bool,
) -> (evdef::source::SourceMap, Vec<evdef::Diagnostic>) {
    let sources = Sources {
        old: &compared.old.catalog.sources,
        new: &compared.new.catalog.sources,
    };
    let primary = if machine {
        Primary::NewSide
    } else {
        Primary::Changed
    };
    (
        render::combined(sources),
        render::diagnostics(&compared.report, sources, primary),
    )
}
