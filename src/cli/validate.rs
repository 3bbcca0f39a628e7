//! `evdef validate`: validate NDJSON event logs from files or stdin against the definitions, report every
//! bad line, optionally split the input into valid and invalid files, and summarise on stderr.
//!
//! With split outputs every input line must end in exactly one of them: they are committed only when the run
//! read every input to its end, and a closed stdout then stops the reports, never the splitting.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, ValueEnum};
use evdef::diagnostics::did_you_mean;
use evdef::validate::bundle::is_bundle_path;
use evdef::validate::ndjson::{self, Input, LinePos, Sink, StreamOptions, Summary};
use evdef::validate::{LineVerdict, Status, Validator, strip_line_ending};
use evdef::{Config, Error, Options};
use serde_json::{Value, json};

use super::progress::Progress;
use super::values::UnknownEventsArg;
use super::{DefinitionsArgs, Outcome};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    /// `line 42: event: /path: message`, one line per error.
    Human,
    /// One JSON object per reported line.
    Json,
    /// A filter for Spark, Hadoop Streaming, Fluentd: one output line per input line, in order,
    /// `valid\t<line>` or `invalid\t<errors as JSON>\t<line>`; invalid lines do not fail the run (exit 0).
    Tagged,
}

#[derive(Debug, Args)]
#[command(after_help = LINES_HELP)]
pub struct ValidateArgs {
    /// NDJSON files to validate (`-` is stdin). Default: stdin.
    #[arg(value_name = "FILES")]
    files: Vec<PathBuf>,
    #[command(flatten)]
    definitions: DefinitionsArgs,
    /// How to report invalid lines on stdout.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    format: ReportFormat,
    /// Write every valid (and every empty) line here, byte for byte (a last line without `\n` gets one).
    #[arg(long, value_name = "FILE")]
    valid_out: Option<PathBuf>,
    /// Write every invalid line here, byte for byte (a last line without `\n` gets one).
    #[arg(long, value_name = "FILE")]
    invalid_out: Option<PathBuf>,
    /// Stop after this many invalid lines (not with --valid-out/--invalid-out, which take every line).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    max_errors: Option<u64>,
    /// What an event name missing from the definitions is.
    #[arg(long, value_enum, default_value_t = UnknownEventsArg::Error)]
    unknown_events: UnknownEventsArg,
    /// The field holding the event name (overrides `[envelope] name_field`).
    #[arg(long, value_name = "FIELD")]
    event_field: Option<String>,
    /// The field holding the parameters; `""` for the top level (overrides `[envelope] payload_field`).
    #[arg(long, value_name = "FIELD")]
    payload_field: Option<String>,
    /// Validating threads. Default: the number of cores.
    #[arg(long, short, value_name = "N", value_parser = clap::value_parser!(u64).range(1..1025))]
    jobs: Option<u64>,
}

/// How lines are read and split, shown after the options in `--help`.
const LINES_HELP: &str = "Lines: `\\r\\n` reads as `\\n`; a line of spaces and tabs only is an empty \
    line (not an event, valid side); a UTF-8 byte order mark at the start of an input is skipped; a line \
    that is not UTF-8 is invalid (`invalid-utf8`).\n\n\
    Split outputs: every input line goes to exactly one of --valid-out / --invalid-out, once, byte for byte \
    (a byte order mark and `\\r\\n` included). The last line of an input without `\\n` gets one there, so \
    lines of different inputs never merge. If stdout closes, reports stop and every line is still split. A \
    run that cannot finish (an unreadable input, an internal error) exits 2 and leaves a regular file at \
    either path as it was.";

pub fn run(args: ValidateArgs) -> Result<Outcome, Error> {
    let tagged = args.format == ReportFormat::Tagged;
    if tagged && args.max_errors.is_some() {
        return Err(Error::Usage(
            "--max-errors cannot be used with --format tagged (every input line gets an output line)"
                .into(),
        ));
    }
    check_split_outputs(&args)?;
    let outputs = split_outputs(&args);
    if !outputs.is_empty() && args.max_errors.is_some() {
        return Err(Error::Usage(
            "--max-errors cannot be used with --valid-out/--invalid-out (every input line goes to a split output)"
                .into(),
        ));
    }
    let validator =
        Arc::new(build_validator(&args)?.with_unknown_events(args.unknown_events.into()));

    let (inputs, total_bytes) = open_inputs(&args.files)?;
    let names: Vec<String> = inputs.iter().map(|i| i.name.clone()).collect();
    let jobs = match args.jobs {
        Some(n) => n as usize,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let mut sink = CliSink::new(&args, Arc::clone(&validator), &names, total_bytes)?;
    let stream = StreamOptions {
        jobs,
        max_errors: args.max_errors,
    };
    let result = ndjson::run(validator, inputs, stream, &mut sink);
    sink.progress.finish();
    // The split outputs are committed only after a complete run; on an error the sink is dropped, which
    // removes their temporary files.
    let finished = result.and_then(|summary| sink.finish().map(|closed| (summary, closed)));
    let (summary, stdout_closed) = match finished {
        Ok(done) => done,
        Err(cause) if !outputs.is_empty() => {
            return Err(Error::Incomplete {
                cause: Box::new(cause),
                outputs: outputs.join(", "),
            });
        }
        Err(e) => return Err(e),
    };
    let mut text = render_summary(&summary, &names);
    if stdout_closed {
        text.push_str(
            "stdout was closed before the end: later reports were not written; the split outputs hold every line\n",
        );
    }
    let _ = std::io::stderr().write_all(text.as_bytes());
    Ok(if summary.invalid > 0 && !tagged {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

impl CliSink {
    /// The sink `args` ask for: the report format, the split outputs (created as temporary files), the
    /// progress bar over `total_bytes`.
    fn new(
        args: &ValidateArgs,
        validator: Arc<Validator>,
        names: &[String],
        total_bytes: Option<u64>,
    ) -> Result<Self, Error> {
        Ok(CliSink {
            validator,
            out: BufWriter::with_capacity(64 * 1024, std::io::stdout()),
            format: args.format,
            names: if names.len() > 1 {
                Some(names.to_vec())
            } else {
                None
            },
            valid: args
                .valid_out
                .as_deref()
                .map(SplitFile::create)
                .transpose()?,
            invalid: args
                .invalid_out
                .as_deref()
                .map(SplitFile::create)
                .transpose()?,
            progress: Progress::new(total_bytes),
            scratch: String::new(),
            stdout_closed: false,
            suggestions: std::collections::HashMap::new(),
        })
    }
}

/// The split outputs asked for, named for messages: `` --valid-out `ok.ndjson` ``.
fn split_outputs(args: &ValidateArgs) -> Vec<String> {
    [
        ("--valid-out", &args.valid_out),
        ("--invalid-out", &args.invalid_out),
    ]
    .into_iter()
    .filter_map(|(flag, path)| Some(format!("{flag} `{}`", path.as_ref()?.display())))
    .collect()
}

/// The validator: from a bundle (`-d events.schema.json`, which carries its envelope, so `evdef.toml` is not
/// read), or from YAML definitions. With `--format tagged` nothing is discovered from the working directory:
/// `--definitions` is required and `evdef.toml` is read only when named by `--config`.
fn build_validator(args: &ValidateArgs) -> Result<Validator, Error> {
    let defs = &args.definitions;
    if let Some(bundle) = defs.definitions.iter().find(|p| is_bundle_path(p)) {
        if defs.definitions.len() > 1 {
            return Err(Error::Usage(format!(
                "a bundle (`{}`) holds every event: give it as the only --definitions",
                bundle.display()
            )));
        }
        if defs.config.is_some() || args.event_field.is_some() || args.payload_field.is_some() {
            return Err(Error::Usage(
                "a bundle carries its envelope: --config, --event-field and --payload-field do not apply"
                    .into(),
            ));
        }
        return Validator::from_bundle_file(bundle);
    }
    let options = if args.format == ReportFormat::Tagged {
        if defs.definitions.is_empty() {
            return Err(Error::Usage(
                "--format tagged needs --definitions (a bundle, a YAML file or a directory)".into(),
            ));
        }
        let config = match &defs.config {
            Some(path) => Config::load(path)?,
            None => Config::default(),
        };
        defs.definitions
            .iter()
            .fold(Options::new().with_config(config), |o, p| o.with_path(p))
    } else {
        defs.options(&[])?
    };
    let compiled = evdef::compile(&options)?;
    if super::report_errors(&compiled) {
        return Err(Error::InvalidDefinitions(
            compiled
                .diagnostics
                .iter()
                .filter(|d| d.severity == evdef::Severity::Error)
                .count(),
        ));
    }
    let mut envelope = options.config().envelope.clone();
    if let Some(field) = &args.event_field {
        envelope.name_field = field.clone();
    }
    if let Some(field) = &args.payload_field {
        envelope.payload_field = field.clone();
    }
    Validator::new(&compiled.catalog, &envelope)
}

/// Open every input before reading any, so a missing file fails the run before output starts.
fn open_inputs(files: &[PathBuf]) -> Result<(Vec<Input>, Option<u64>), Error> {
    if files.is_empty() {
        return Ok((vec![stdin_input()], None));
    }
    let mut inputs = Vec::new();
    let mut total = Some(0u64);
    for path in files {
        if path.as_os_str() == "-" {
            inputs.push(stdin_input());
            total = None;
            continue;
        }
        let file = File::open(path).map_err(|e| Error::io("read", path, e))?;
        let len = file.metadata().map(|m| m.len()).ok();
        total = total.zip(len).map(|(a, b)| a + b);
        inputs.push(Input {
            name: path.display().to_string(),
            reader: Box::new(file),
        });
    }
    Ok((inputs, total))
}

fn stdin_input() -> Input {
    Input {
        name: "<stdin>".into(),
        reader: Box::new(std::io::stdin()) as Box<dyn Read + Send>,
    }
}

/// A split output (`--valid-out`, `--invalid-out`), opened through [`evdef::output::Pending::named`]: a
/// regular file (or nothing) is written to a temporary file next to it and renamed into place by
/// [`SplitFile::commit`] (fsynced first); a FIFO, device, socket or symlink is written through. Without
/// `commit` ([`SplitFile::abort`], or drop) the temporary file is removed and the target is untouched.
struct SplitFile {
    writer: BufWriter<evdef::output::Pending>,
}

impl SplitFile {
    fn create(path: &Path) -> Result<SplitFile, Error> {
        Ok(SplitFile {
            writer: BufWriter::with_capacity(256 * 1024, evdef::output::Pending::named(path)?),
        })
    }

    fn write(&mut self, raw: &[u8]) -> Result<(), Error> {
        self.writer
            .write_all(raw)
            .map_err(|e| Error::io("write", self.writer.get_ref().path(), e))
    }

    /// Flush, fsync and put the output in place.
    fn commit(self) -> Result<(), Error> {
        let path = self.writer.get_ref().path().to_path_buf();
        let pending = self
            .writer
            .into_inner()
            .map_err(|e| Error::io("write", &path, e.into_error()))?;
        pending.commit()
    }

    /// Leave the target as it was (a written-through output keeps what it already received).
    #[allow(dead_code, reason = "for runs that end in failure; the caller decides")]
    fn abort(self) {
        let (pending, _unflushed) = self.writer.into_parts();
        pending.abort();
    }
}

/// `--valid-out` and `--invalid-out` naming the same file (after symlinks; a file not there yet is its
/// canonical directory plus its name) would interleave both kinds of lines: refused before reading input.
fn check_split_outputs(args: &ValidateArgs) -> Result<(), Error> {
    if let (Some(valid), Some(invalid)) = (&args.valid_out, &args.invalid_out)
        && evdef::output::same_output(valid, invalid)
    {
        return Err(Error::Usage(format!(
            "--valid-out `{}` and --invalid-out `{}` are the same file: every line must go to exactly one output",
            valid.display(),
            invalid.display()
        )));
    }
    Ok(())
}

struct CliSink {
    validator: Arc<Validator>,
    out: BufWriter<std::io::Stdout>,
    format: ReportFormat,
    /// Input names, when there are several (then each line is reported with its file).
    names: Option<Vec<String>>,
    valid: Option<SplitFile>,
    invalid: Option<SplitFile>,
    progress: Progress,
    scratch: String,
    /// Stdout was found closed while split outputs are written: reports stop, splitting goes on.
    stdout_closed: bool,
    /// "did you mean" for each unknown event name met (human report only: JSON messages stay the same
    /// as the fast path's and the TypeScript guards').
    suggestions: std::collections::HashMap<String, Option<String>>,
}

impl CliSink {
    /// After a complete run: flush stdout, then commit the split outputs. Returns whether stdout was closed.
    fn finish(mut self) -> Result<bool, Error> {
        if !self.stdout_closed {
            let flushed = self.out.flush();
            self.check_stdout(flushed)?;
        }
        if self.stdout_closed {
            // Drop the reports still buffered without trying to write them again.
            let _ = self.out.into_parts();
        }
        for split in [self.valid.take(), self.invalid.take()]
            .into_iter()
            .flatten()
        {
            split.commit()?;
        }
        Ok(self.stdout_closed)
    }

    /// A closed stdout (`| head`) ends the run quietly (ripgrep's convention), unless split outputs are
    /// written: they must receive every line, so the run goes on without reports.
    fn check_stdout(&mut self, written: std::io::Result<()>) -> Result<(), Error> {
        match written {
            Err(e)
                if e.kind() == std::io::ErrorKind::BrokenPipe
                    && (self.valid.is_some() || self.invalid.is_some()) =>
            {
                self.stdout_closed = true;
                Ok(())
            }
            other => other.map_err(|e| Error::io("write", "<stdout>", e)),
        }
    }

    fn location(&self, pos: LinePos) -> String {
        match &self.names {
            Some(names) => format!(
                "{}:{}",
                names.get(pos.input).map_or("?", String::as_str),
                pos.line
            ),
            None => format!("line {}", pos.line),
        }
    }

    fn report(&mut self, pos: LinePos, verdict: &LineVerdict) -> std::io::Result<()> {
        let event = self.validator.event_name(&verdict.event);
        self.scratch.clear();
        match self.format {
            ReportFormat::Human => {
                let location = self.location(pos);
                let warning = if verdict.status == Status::Warning {
                    "warning: "
                } else {
                    ""
                };
                for error in &verdict.errors {
                    self.scratch.push_str(&location);
                    self.scratch.push_str(": ");
                    if let Some(event) = event {
                        self.scratch.push_str(event);
                        self.scratch.push_str(": ");
                    }
                    self.scratch.push_str(warning);
                    if !error.path.is_empty() {
                        self.scratch.push_str(&error.path);
                        self.scratch.push_str(": ");
                    }
                    self.scratch.push_str(&error.message);
                    if let (Some(name), "unknown-event") = (event, error.kind) {
                        let names = self.validator.event_names();
                        let hint = self.suggestions.entry(name.to_string()).or_insert_with(|| {
                            did_you_mean(name, names.iter().map(String::as_str)).map(str::to_string)
                        });
                        if let Some(hint) = hint {
                            self.scratch.push_str(&format!("; did you mean `{hint}`?"));
                        }
                    }
                    self.scratch.push('\n');
                }
            }
            ReportFormat::Json | ReportFormat::Tagged => {
                let errors: Vec<Value> = verdict
                    .errors
                    .iter()
                    .map(|e| json!({"path": e.path, "message": e.message, "kind": e.kind}))
                    .collect();
                let mut object = serde_json::Map::new();
                object.insert("line".into(), pos.line.into());
                if let Some(names) = &self.names {
                    object.insert("file".into(), names.get(pos.input).cloned().into());
                }
                object.insert("event".into(), event.into());
                let key = if verdict.status == Status::Warning {
                    "warnings"
                } else {
                    "errors"
                };
                object.insert(key.into(), errors.into());
                self.scratch.push_str(&Value::Object(object).to_string());
                self.scratch.push('\n');
            }
        }
        self.out.write_all(self.scratch.as_bytes())
    }
}

impl CliSink {
    /// `valid\t<line>\n` or `invalid\t<errors>\t<line>\n`: the line is the input line's bytes without its
    /// `\n` or `\r\n` ending (the validator sees the same bytes, less a byte order mark at the start of an
    /// input); warnings count as valid.
    fn tagged(&mut self, raw: &[u8], verdict: &LineVerdict) -> std::io::Result<()> {
        self.scratch.clear();
        if verdict.status.is_accepted() {
            self.scratch.push_str("valid\t");
        } else {
            let errors: Vec<Value> = verdict
                .errors
                .iter()
                .map(|e| json!({"path": e.path, "message": e.message, "kind": e.kind}))
                .collect();
            self.scratch.push_str("invalid\t");
            // Compact JSON escapes every control character: the errors never hold a tab or a newline.
            self.scratch.push_str(&Value::Array(errors).to_string());
            self.scratch.push('\t');
        }
        let line = strip_line_ending(raw);
        self.out
            .write_all(self.scratch.as_bytes())
            .and_then(|()| self.out.write_all(line))
            .and_then(|()| self.out.write_all(b"\n"))
    }
}

impl Sink for CliSink {
    fn line(&mut self, pos: LinePos, raw: &[u8], verdict: &LineVerdict) -> Result<(), Error> {
        self.progress.advance(raw.len());
        if !self.stdout_closed {
            let written = if self.format == ReportFormat::Tagged {
                self.tagged(raw, verdict)
            } else if !verdict.errors.is_empty() {
                self.report(pos, verdict)
            } else {
                Ok(())
            };
            self.check_stdout(written)?;
        }
        let split = if verdict.status.is_accepted() {
            &mut self.valid
        } else {
            &mut self.invalid
        };
        if let Some(split) = split {
            split.write(raw)?;
            // The last line of an input may lack its `\n`: the next input's first line must not join it.
            if !raw.ends_with(b"\n") {
                split.write(b"\n")?;
            }
        }
        Ok(())
    }
}

fn render_summary(s: &Summary, names: &[String]) -> String {
    let secs = s.elapsed.as_secs_f64();
    let mut out = format!(
        "{} line{} read: {} valid, {} invalid, {} empty",
        s.lines,
        if s.lines == 1 { "" } else { "s" },
        s.valid,
        s.invalid,
        s.empty
    );
    if s.warnings > 0 {
        out.push_str(&format!(", {} with warnings", s.warnings));
    }
    out.push_str(&format!(" in {secs:.2}s ({:.0} lines/s)\n", s.rate()));
    if let Some(pos) = s.stopped_at {
        let place = if names.len() > 1 {
            format!(
                "{}:{}",
                names.get(pos.input).map_or("?", String::as_str),
                pos.line
            )
        } else {
            format!("line {}", pos.line)
        };
        out.push_str(&format!(
            "stopped at {place} after {} invalid lines (--max-errors)\n",
            s.invalid
        ));
    }
    if !s.by_event.is_empty() {
        out.push_str("by event:\n");
        let width = s.by_event.keys().map(String::len).max().unwrap_or(0);
        for (name, c) in &s.by_event {
            out.push_str(&format!(
                "  {name:width$}  {:>9} valid  {:>9} invalid\n",
                c.valid, c.invalid
            ));
        }
    }
    if !s.by_kind.is_empty() {
        out.push_str("by kind:\n");
        let width = s.by_kind.keys().map(|k| k.len()).max().unwrap_or(0);
        for (kind, n) in &s.by_kind {
            out.push_str(&format!("  {kind:width$}  {n:>9}\n"));
        }
    }
    out
}
