//! `evdef emit docs`: Markdown pages and/or one offline HTML page for the catalog, written atomically.

use std::io::Write as _;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use evdef::Error;
use evdef::emit::docs::{self, DocsFormat, DocsOptions};

use super::{DefinitionsArgs, Outcome};

/// Default output directory when neither `--out` nor `[emit.docs] out` is given.
const DEFAULT_OUT: &str = "generated/docs";

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    /// Markdown pages for GitHub: `README.md`, `events/*.md`, `fragments/*.md`, `inheritance.svg`.
    Md,
    /// One self-contained `index.html` that works offline.
    Html,
}

#[derive(Debug, Args)]
pub struct EmitDocsArgs {
    /// Definitions directories or files (in addition to `-d`).
    #[arg(value_name = "PATHS")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    definitions: DefinitionsArgs,
    /// Output directory. Default: `[emit.docs] out` in `evdef.toml`, else `generated/docs`.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Only this format. Default: `[emit.docs] format`, else both.
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
}

pub fn run(args: EmitDocsArgs) -> Result<Outcome, Error> {
    let options = args.definitions.options(&args.paths)?;
    let config = options.config().clone();
    let section = config.emit.docs.clone().unwrap_or_default();
    let format = match (args.format, &section.format) {
        (Some(FormatArg::Md), _) => Some(DocsFormat::Markdown),
        (Some(FormatArg::Html), _) => Some(DocsFormat::Html),
        (None, Some(name)) => {
            Some(
                name.parse::<DocsFormat>()
                    .map_err(|message| Error::Config {
                        path: config.root.join(evdef::config::FILE_NAME),
                        message: format!("[emit.docs] format: {message}"),
                    })?,
            )
        }
        (None, None) => None,
    };
    let out = match (args.out, &section.out) {
        (Some(out), _) => out,
        (None, Some(out)) => config.resolve_path(out),
        (None, None) => PathBuf::from(DEFAULT_OUT),
    };
    let compiled = evdef::compile(&options)?;
    if super::report_errors(&compiled) {
        return Ok(Outcome::Findings);
    }
    let files = docs::emit(&compiled.catalog, &DocsOptions::new().with_format(format));
    evdef::emit::write_all(&out, &files)?;
    let _ = writeln!(
        std::io::stderr(),
        "wrote {} file{} to {}",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        out.display()
    );
    Ok(Outcome::Clean)
}
