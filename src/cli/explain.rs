//! `evdef explain EVENT`: each parameter with the chain of fragments it came through, its constraints and
//! deprecation; an event that does not resolve is shown with its errors.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;
use evdef::Error;
use evdef::diagnostics::did_you_mean;
use evdef::model::{Parameters, Schema, Type};
use evdef::source::SourceMap;
use evdef::yaml::NodeKind;

use super::{DefinitionsArgs, Outcome};

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The event to explain.
    event: String,
    /// Definitions directories or files (in addition to `-d`).
    #[arg(value_name = "PATHS")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    definitions: DefinitionsArgs,
}

pub fn run(args: ExplainArgs) -> Result<Outcome, Error> {
    let options = args.definitions.options(&args.paths)?;
    let compiled = evdef::compile(&options)?;
    let catalog = &compiled.catalog;
    let Some(event) = catalog.events.get(&args.event) else {
        return unresolved(&compiled, &args.event);
    };
    let sources = &catalog.sources;
    let mut out = String::new();
    let _ = writeln!(out, "{}  ({})", event.name, sources.locate(event.name_span));
    if let Some(d) = &event.description {
        let _ = writeln!(out, "  {d}");
    }
    if let Some(reason) = &event.deprecated {
        let _ = writeln!(out, "  deprecated: {reason}");
    }
    let _ = writeln!(out);
    write_parameters(&mut out, sources, &event.parameters, 1);
    super::write_stdout(out.as_bytes())?;
    Ok(Outcome::Clean)
}

/// An event that is not in the catalog: written but failing to resolve (its errors are shown, exit 1), or
/// unknown (exit 2, with a suggestion).
fn unresolved(compiled: &evdef::Compiled, name: &str) -> Result<Outcome, Error> {
    let sources = &compiled.catalog.sources;
    let spans = written_at(sources, name);
    if !spans.is_empty() {
        let errors: Vec<evdef::Diagnostic> = compiled
            .diagnostics
            .iter()
            .filter(|d| d.severity == evdef::Severity::Error)
            .filter(|d| {
                d.primary.as_ref().is_some_and(|p| {
                    spans.iter().any(|s| {
                        s.file == p.span.file && s.start <= p.span.start && p.span.end <= s.end
                    })
                })
            })
            .cloned()
            .collect();
        let text = evdef::diagnostics::render::human(sources, &errors, super::stderr_color());
        let _ = std::io::Write::write_all(&mut std::io::stderr(), text.as_bytes());
        super::note(&format!(
            "event `{name}` ({}) does not resolve: {}",
            sources.locate(spans[0]),
            match errors.len() {
                0 => "an error elsewhere stops it (run `evdef check`)".to_string(),
                1 => "1 error".to_string(),
                n => format!("{n} errors"),
            }
        ));
        return Ok(Outcome::Findings);
    }
    super::report_errors(compiled);
    let mut message = format!("no event named `{name}`");
    let known = compiled.catalog.events.keys().map(String::as_str);
    if let Some(s) = did_you_mean(name, known) {
        message.push_str(&format!("; did you mean `{s}`?"));
    }
    Err(Error::Usage(message))
}

/// Where the event `name` is written: the span from its key to the end of its value, in every
/// non-prelude file that has it as a top-level key.
fn written_at(sources: &SourceMap, name: &str) -> Vec<evdef::source::Span> {
    let mut found = Vec::new();
    for (id, file) in sources.files() {
        if evdef::yaml::is_prelude(sources, id) || !file.text.contains(name) {
            continue;
        }
        let (tree, _) = evdef::yaml::load_str(&file.name, &file.text);
        for doc in &tree.documents {
            let Some(root) = doc.root else { continue };
            let NodeKind::Mapping(entries) = &tree.get(root).kind else {
                continue;
            };
            for (key, value) in entries.iter() {
                if tree.scalar(*key).is_some_and(|k| &*k.value == name) {
                    let (start, end) = (tree.get(*key).span.start, tree.get(*value).span.end);
                    found.push(evdef::source::Span::new(id, start as usize..end as usize));
                }
            }
        }
    }
    found
}

fn write_parameters(out: &mut String, sources: &SourceMap, params: &Parameters, depth: usize) {
    let pad = "  ".repeat(depth);
    for p in params.values() {
        let mut ty = p.schema.ty.display();
        if p.schema.nullable {
            ty.push_str(" | null");
        }
        let req = if p.required { "required" } else { "optional" };
        let pii = match (p.pii, &p.classification) {
            (Some(true), Some(c)) => format!(", pii: {c}"),
            (Some(true), None) => ", pii".to_string(),
            (Some(false), _) => ", not pii".to_string(),
            (None, _) => String::new(),
        };
        let _ = writeln!(out, "{pad}{}: {ty} ({req}{pii})", p.name);
        if let Some(d) = &p.description {
            let _ = writeln!(out, "{pad}    {d}");
        }
        for line in constraints(&p.schema) {
            let _ = writeln!(out, "{pad}    {line}");
        }
        match p.deprecated.as_deref() {
            Some("deprecated") => {
                let _ = writeln!(out, "{pad}    deprecated");
            }
            Some(reason) => {
                let _ = writeln!(out, "{pad}    deprecated: {reason}");
            }
            None => {}
        }
        if p.origin.via.is_empty() {
            let _ = writeln!(out, "{pad}    written at {}", sources.locate(p.key_span));
        } else {
            for step in p.origin.via.iter() {
                let what = match (&step.fragment, &step.anchor_name) {
                    (Some(f), Some(a)) => format!("{f} (&{a})"),
                    (None, Some(a)) => format!("&{a}"),
                    _ => "an inline mapping".to_string(),
                };
                let _ = writeln!(
                    out,
                    "{pad}    via {what}, merged at {}",
                    sources.locate(step.alias)
                );
            }
            let _ = writeln!(out, "{pad}    defined at {}", sources.locate(p.key_span));
        }
        for s in &p.shadowed {
            let _ = writeln!(
                out,
                "{pad}    overrides {} from {}",
                s.schema.ty.display(),
                sources.locate(s.key_span)
            );
        }
        if let Type::Object(props) = &p.schema.ty {
            write_parameters(out, sources, props, depth + 2);
        }
    }
}

/// One line per constraint: `enum: a, b`, `pattern: ^x$`, `minimum: 0`; those of an array's items or a
/// map's values are prefixed `items` / `values`.
fn constraints(schema: &Schema) -> Vec<String> {
    let c = &schema.constraints;
    let mut lines = Vec::new();
    if let Some(values) = &c.enumeration {
        let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        lines.push(format!("enum: {}", values.join(", ")));
    }
    if let Some(p) = &c.pattern {
        lines.push(format!("pattern: {p}"));
    }
    let numbers = [("minimum", &c.minimum), ("maximum", &c.maximum)];
    for (key, n) in numbers {
        if let Some(n) = n {
            lines.push(format!("{key}: {n}"));
        }
    }
    let counts = [
        ("min_length", c.min_length),
        ("max_length", c.max_length),
        ("min_items", c.min_items),
        ("max_items", c.max_items),
    ];
    for (key, n) in counts {
        if let Some(n) = n {
            lines.push(format!("{key}: {n}"));
        }
    }
    let inner = match &schema.ty {
        Type::Array(inner) => Some(("items", inner)),
        Type::Map(inner) => Some(("values", inner)),
        _ => None,
    };
    if let Some((what, inner)) = inner {
        lines.extend(
            constraints(inner)
                .into_iter()
                .map(|l| format!("{what} {l}")),
        );
    }
    lines
}
