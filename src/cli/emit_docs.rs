//! `evdef emit docs`: Markdown pages and/or one offline HTML page for the catalog, written atomically.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use evdef::Error;
use evdef::emit::docs::{self, DocsFormat, DocsOptions};

use super::{DefinitionsArgs, Outcome};

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
    #[arg(long, short = 'o', value_name = "DIR")]
    out: Option<PathBuf>,
    /// Only this format. Default: `[emit.docs] format`, else both.
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
}

pub fn run(args: EmitDocsArgs) -> Result<Outcome, Error> {
    let options = args.definitions.options(&args.paths)?;
    let docs_options = match args.format {
        Some(FormatArg::Md) => DocsOptions::new().with_format(Some(DocsFormat::Markdown)),
        Some(FormatArg::Html) => DocsOptions::new().with_format(Some(DocsFormat::Html)),
        None => DocsOptions::from_config(options.config())?,
    };
    let out = args
        .out
        .unwrap_or_else(|| docs::configured_out(options.config()));
    let mut compiled = evdef::compile_for_files(&options)?;
    if super::report_errors(&compiled) {
        return Ok(Outcome::Findings);
    }
    super::name_files_for_output(&mut compiled.catalog, options.config());
    let files = docs::emit(&compiled.catalog, &docs_options);
    super::write_dir(&out, &files, "documentation file")?;
    Ok(Outcome::Clean)
}
