//! `evdef lsp`: run the language server on stdin/stdout (see [`evdef::lsp`]).

use std::path::PathBuf;

use clap::Args;
use evdef::{Config, Error};

use super::Outcome;

#[derive(Debug, Args)]
pub struct LspArgs {
    /// Accepted for editors that pass it; stdio is the only transport.
    #[arg(long)]
    stdio: bool,
    /// Use this configuration file for every definitions file. Default: the `evdef.toml` found by walking
    /// up from each file.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

pub fn run(args: LspArgs) -> Result<Outcome, Error> {
    let _ = args.stdio;
    // A missing or broken file is reported now, not as a silent server with no diagnostics.
    if let Some(path) = &args.config {
        Config::load(path)?;
    }
    evdef::lsp::run_stdio(args.config)?;
    Ok(Outcome::Clean)
}
