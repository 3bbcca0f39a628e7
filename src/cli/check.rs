//! `evdef check`: parse, resolve, lint; print diagnostics in the chosen format.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use evdef::diagnostics::render;
use evdef::{Error, Severity};

use super::values::Format;
use super::{DefinitionsArgs, Outcome};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Definitions directories or files (in addition to `-d`).
    #[arg(value_name = "PATHS")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    definitions: DefinitionsArgs,
    /// Output format for diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Exit 0 when there are warnings but no errors.
    #[arg(long)]
    allow_warnings: bool,
    /// With only files named: skip those outside `[definitions] paths` of `evdef.toml` instead of
    /// checking them (for pre-commit hooks, which pass every changed YAML file).
    #[arg(long)]
    skip_outside_definitions: bool,
    /// Also compare against a git revision or directory, as `evdef diff --against` does (its changes are
    /// reported with the findings; a breaking one fails the run).
    #[arg(long, value_name = "REV|DIR")]
    against: Option<String>,
    /// Print the documentation of a lint rule (e.g. `merge-conflict`) or of `unsafe-output-name` /
    /// `output-name-collision`, and exit.
    #[arg(long, value_name = "CODE")]
    explain: Option<String>,
}

pub fn run(args: CheckArgs) -> Result<Outcome, Error> {
    if let Some(code) = &args.explain {
        if let Some(text) = evdef::output::names::explanation(code) {
            super::write_stdout(format!("# {code}\n\n{text}").as_bytes())?;
            return Ok(Outcome::Clean);
        }
        let Some(rule) = evdef::lint::Rule::from_code(code) else {
            let known: Vec<&str> = evdef::lint::Rule::ALL.iter().map(|r| r.code()).collect();
            return Err(Error::Usage(format!(
                "unknown rule `{code}`; rules: {}",
                known.join(", ")
            )));
        };
        super::write_stdout(format!("# {}\n\n{}", rule.code(), rule.explanation()).as_bytes())?;
        return Ok(Outcome::Clean);
    }
    // Named files are checked inside their tree (preludes, evdef.toml) and reported on alone.
    let Some(options) = args
        .definitions
        .focused_options(&args.paths, args.skip_outside_definitions)?
    else {
        super::note("no definitions files among the given paths: nothing to check");
        return Ok(Outcome::Clean);
    };
    let compiled = evdef::check(&options)?;
    let mut sources: &evdef::source::SourceMap = &compiled.catalog.sources;
    let mut diagnostics = &compiled.diagnostics;
    let mut incompatible = false;
    let with_diff;
    if let Some(against) = args.against.as_deref().filter(|_| !compiled.has_errors()) {
        let mode = options.config().diff.mode;
        let compared =
            super::diff::compare(&options, &args.definitions, &args.paths, against, mode)?;
        incompatible = !compared.report.compatible;
        let (combined, mut found) =
            super::diff::as_diagnostics(&compared, args.format != Format::Human);
        let mut all = compiled.diagnostics.clone();
        all.append(&mut found);
        with_diff = (combined, all);
        std::mem::forget(compared);
        sources = &with_diff.0;
        diagnostics = &with_diff.1;
    }
    let color = super::stderr_color();
    match args.format {
        // Human output is diagnostics, so it goes to stderr; machine formats are the command's output.
        Format::Human => {
            let mut text = render::human(sources, diagnostics, color);
            let own = &compiled.catalog.sources;
            let (events, files) = if options.focus().is_empty() {
                (compiled.catalog.events.len(), own.len())
            } else {
                let focus = evdef::focus_files(own, options.focus());
                let events = compiled
                    .catalog
                    .events
                    .values()
                    .filter(|e| focus.contains(&e.name_span.file))
                    .count();
                (events, focus.len())
            };
            text.push_str(&format!(
                "checked {events} event{} in {files} file{}: {}\n",
                if events == 1 { "" } else { "s" },
                if files == 1 { "" } else { "s" },
                render::summary(diagnostics)
            ));
            let _ = std::io::stderr().write_all(text.as_bytes());
        }
        other => super::write_stdout(
            render::render(sources, diagnostics, other.into(), false).as_bytes(),
        )?,
    }
    let fails = incompatible
        || compiled.diagnostics.iter().any(|d| {
            d.severity == Severity::Error
                || (d.severity == Severity::Warning && !args.allow_warnings)
        });
    // The process ends right after this: freeing a large catalog piece by piece would only cost time.
    std::mem::forget(compiled);
    Ok(if fails {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}
