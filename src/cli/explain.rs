//! `evdef explain EVENT`: each parameter with the chain of fragments it came through.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;
use evdef::Error;
use evdef::diagnostics::did_you_mean;
use evdef::model::{Parameters, Type};
use evdef::source::SourceMap;

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
        super::report_errors(&compiled);
        let mut message = format!("no event named `{}`", args.event);
        if let Some(s) = did_you_mean(&args.event, catalog.events.keys().map(String::as_str)) {
            message.push_str(&format!("; did you mean `{s}`?"));
        }
        return Err(Error::Usage(message));
    };
    let sources = &catalog.sources;
    let mut out = String::new();
    let _ = writeln!(out, "{}  ({})", event.name, sources.locate(event.name_span));
    if let Some(d) = &event.description {
        let _ = writeln!(out, "  {d}");
    }
    let _ = writeln!(out);
    write_parameters(&mut out, sources, &event.parameters, 1);
    super::write_stdout(out.as_bytes())?;
    Ok(Outcome::Clean)
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
        if p.origin.via.is_empty() {
            let _ = writeln!(out, "{pad}    written at {}", sources.locate(p.origin.key));
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
            let _ = writeln!(out, "{pad}    defined at {}", sources.locate(p.origin.key));
        }
        for s in &p.shadowed {
            let _ = writeln!(
                out,
                "{pad}    overrides {} from {}",
                s.schema.ty.display(),
                sources.locate(s.origin.key)
            );
        }
        if let Type::Object(props) = &p.schema.ty {
            write_parameters(out, sources, props, depth + 2);
        }
    }
}
