//! `evdef check`: parse, resolve, lint; print diagnostics in the chosen format.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use evdef::diagnostics::render;
use evdef::lint::baseline::{self, Baseline};
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
    /// Which findings fail the run (exit 1): `warning` (the default) fails on warnings and errors,
    /// `error` on errors only. Info never fails.
    #[arg(long, value_enum, value_name = "LEVEL", default_value_t = FailOn::Warning)]
    fail_on: FailOn,
    /// The same as `--fail-on error`.
    #[arg(long, conflicts_with = "fail_on")]
    allow_warnings: bool,
    /// Findings recorded in this baseline file are not reported and do not fail the run; new ones do.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record the current findings (warnings and lint findings) in FILE as a baseline and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["baseline", "against"])]
    write_baseline: Option<PathBuf>,
    /// With only files named: skip those outside `[definitions] paths` of `evdef.toml` instead of
    /// checking them (for pre-commit hooks, which pass every changed YAML file).
    #[arg(long)]
    skip_outside_definitions: bool,
    /// Also compare against a git revision or directory, as `evdef diff --against` does (its changes are
    /// reported with the findings; a breaking one fails the run).
    #[arg(long, value_name = "REV|DIR")]
    against: Option<String>,
    /// Print the documentation of a diagnostic code (any code evdef reports, e.g. `merge-conflict`,
    /// `undefined-alias`), and exit.
    #[arg(long, value_name = "CODE")]
    explain: Option<String>,
}

/// `--fail-on`: the least severity that fails `evdef check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum FailOn {
    /// Errors only.
    Error,
    /// Warnings and errors.
    Warning,
}

impl FailOn {
    fn severity(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
        }
    }
}

pub fn run(args: CheckArgs) -> Result<Outcome, Error> {
    if let Some(code) = &args.explain {
        return explain(code);
    }
    // Named files are checked inside their tree (preludes, evdef.toml) and reported on alone.
    let Some(options) = args
        .definitions
        .focused_options(&args.paths, args.skip_outside_definitions)?
    else {
        super::note("no definitions files among the given paths: nothing to check");
        return Ok(Outcome::Clean);
    };
    let mut compiled = evdef::check(&options)?;
    let root = options.config().root.clone();
    if let Some(path) = &args.write_baseline {
        if !options.focus().is_empty() {
            return Err(Error::Usage(
                "--write-baseline records the whole tree: name directories, not files".into(),
            ));
        }
        return write_baseline(path, &compiled, &root);
    }
    let baselined = match &args.baseline {
        Some(path) => Some(apply_baseline(path, &mut compiled, &root)?),
        None => None,
    };
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
    print(args.format, &options, &compiled, sources, diagnostics)?;
    if let Some((path, filtered)) = baselined {
        super::note(&baseline_note(&path, filtered, options.focus().is_empty()));
    }
    let fail_on = if args.allow_warnings {
        FailOn::Error
    } else {
        args.fail_on
    };
    let fails = incompatible
        || compiled
            .diagnostics
            .iter()
            .any(|d| d.severity >= fail_on.severity());
    // The process ends right after this: freeing a large catalog piece by piece would only cost time.
    std::mem::forget(compiled);
    Ok(if fails {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// `--explain CODE`: print the documentation of any diagnostic code.
fn explain(code: &str) -> Result<Outcome, Error> {
    let Some(text) = evdef::codes::explanation(code) else {
        let known = evdef::codes::all();
        let hint = evdef::diagnostics::did_you_mean(code, known.iter().copied())
            .map(|s| format!("did you mean `{s}`? "))
            .unwrap_or_default();
        return Err(Error::Usage(format!(
            "unknown code `{code}`; {hint}codes: {}",
            known.join(", ")
        )));
    };
    super::write_stdout(text.as_bytes())?;
    Ok(Outcome::Clean)
}

/// Print the findings: human output is diagnostics, so it goes to stderr with a summary line; machine
/// formats are the command's output.
fn print(
    format: Format,
    options: &evdef::Options,
    compiled: &evdef::Compiled,
    sources: &evdef::source::SourceMap,
    diagnostics: &[evdef::Diagnostic],
) -> Result<(), Error> {
    if format != Format::Human {
        return super::write_stdout(
            render::render(sources, diagnostics, format.into(), false).as_bytes(),
        );
    }
    let mut text = render::human(sources, diagnostics, super::stderr_color());
    text.push_str(&summary_line(options, compiled, diagnostics));
    let _ = std::io::stderr().write_all(text.as_bytes());
    Ok(())
}

/// `checked N events in M files: ...`, counting only the named files when some are.
fn summary_line(
    options: &evdef::Options,
    compiled: &evdef::Compiled,
    diagnostics: &[evdef::Diagnostic],
) -> String {
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
    format!(
        "checked {events} event{} in {files} file{}: {}\n",
        if events == 1 { "" } else { "s" },
        if files == 1 { "" } else { "s" },
        render::summary(diagnostics)
    )
}

/// `--write-baseline`: record the findings a baseline can hold and write them atomically. Findings it
/// cannot hold (errors that stop the definitions from compiling) are printed and fail the run.
fn write_baseline(path: &Path, compiled: &evdef::Compiled, root: &Path) -> Result<Outcome, Error> {
    let sources = &compiled.catalog.sources;
    let baseline = Baseline::record(sources, root, &compiled.diagnostics);
    evdef::output::write_named(path, baseline.to_json().as_bytes())?;
    let n = baseline.len();
    super::note(&format!(
        "wrote a baseline of {n} finding{} to {}",
        if n == 1 { "" } else { "s" },
        path.display()
    ));
    let rest: Vec<evdef::Diagnostic> = compiled
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error && !baseline::records(d))
        .cloned()
        .collect();
    if rest.is_empty() {
        return Ok(Outcome::Clean);
    }
    let mut text = render::human(sources, &rest, super::stderr_color());
    text.push_str(&format!(
        "{}: these cannot be recorded in a baseline\n",
        render::summary(&rest)
    ));
    let _ = std::io::stderr().write_all(text.as_bytes());
    Ok(Outcome::Findings)
}

/// `--baseline`: drop the findings the baseline file holds.
fn apply_baseline(
    path: &Path,
    compiled: &mut evdef::Compiled,
    root: &Path,
) -> Result<(PathBuf, baseline::Filtered), Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io("read", path, e))?;
    let baseline = Baseline::parse(&text).map_err(|message| {
        Error::Usage(format!("invalid baseline `{}`: {message}", path.display()))
    })?;
    let sources = &compiled.catalog.sources;
    let filtered = baseline.filter(sources, root, &mut compiled.diagnostics);
    Ok((path.to_path_buf(), filtered))
}

/// `baseline FILE: N findings not shown[, M entries match nothing]`. Stale entries are only counted when
/// the whole tree was reported on (named files leave the other files' entries unmatched).
fn baseline_note(path: &Path, filtered: baseline::Filtered, whole_tree: bool) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut note = format!(
        "baseline {}: {} not shown",
        path.display(),
        plural(filtered.hidden, "finding", "findings")
    );
    if whole_tree && filtered.stale > 0 {
        note.push_str(&format!(
            ", {} no longer found (rewrite it with --write-baseline)",
            plural(filtered.stale, "entry", "entries")
        ));
    }
    note
}
