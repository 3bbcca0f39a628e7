//! `evdef resolve`: print the resolved catalog.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use evdef::emit::resolved;
use evdef::Error;

use super::{DefinitionsArgs, Outcome};

#[derive(Debug, Clone, Copy, ValueEnum)]
enum DataFormat {
    Json,
    Yaml,
}

#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// Definitions directories or files (in addition to `-d`).
    #[arg(value_name = "PATHS")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    definitions: DefinitionsArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DataFormat::Json)]
    format: DataFormat,
}

pub fn run(args: ResolveArgs) -> Result<Outcome, Error> {
    let options = args.definitions.options(&args.paths)?;
    let compiled = evdef::compile(&options)?;
    if super::report_errors(&compiled) {
        return Ok(Outcome::Findings);
    }
    let value = resolved::to_json(&compiled.catalog);
    let text = match args.format {
        DataFormat::Json => {
            let mut s = serde_json::to_string_pretty(&value).unwrap_or_default();
            s.push('\n');
            s
        }
        DataFormat::Yaml => resolved::to_yaml(&value),
    };
    super::write_stdout(text.as_bytes())?;
    Ok(Outcome::Clean)
}
