//! `evdef check`: parse, resolve, lint; print diagnostics in the chosen format.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use evdef::diagnostics::render::{self, Format};
use evdef::{Error, Severity};

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
    let options = args.definitions.options(&args.paths)?;
    let compiled = evdef::check(&options)?;
    let sources = &compiled.catalog.sources;
    let diagnostics = &compiled.diagnostics;
    let color = super::stderr_color();
    match args.format {
        // Human output is diagnostics, so it goes to stderr; machine formats are the command's output.
        Format::Human => {
            let mut text = render::human(sources, diagnostics, color);
            let events = compiled.catalog.events.len();
            let files = sources.len();
            text.push_str(&format!(
                "checked {events} event{} in {files} file{}: {}\n",
                if events == 1 { "" } else { "s" },
                if files == 1 { "" } else { "s" },
                render::summary(diagnostics)
            ));
            let _ = std::io::stderr().write_all(text.as_bytes());
        }
        other => {
            super::write_stdout(render::render(sources, diagnostics, other, false).as_bytes())?
        }
    }
    let fails = diagnostics.iter().any(|d| {
        d.severity == Severity::Error || (d.severity == Severity::Warning && !args.allow_warnings)
    });
    // The process ends right after this: freeing a large catalog piece by piece would only cost time.
    std::mem::forget(compiled);
    Ok(if fails {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}
