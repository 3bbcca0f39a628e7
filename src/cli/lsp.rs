//! `evdef lsp`: run the language server on stdin/stdout (see [`evdef::lsp`]).

use clap::Args;
use evdef::Error;

use super::Outcome;

#[derive(Debug, Args)]
pub struct LspArgs {
    /// Accepted for editors that pass it; stdio is the only transport.
    #[arg(long)]
    stdio: bool,
}

pub fn run(args: LspArgs) -> Result<Outcome, Error> {
    let _ = args.stdio;
    evdef::lsp::run_stdio()?;
    Ok(Outcome::Clean)
}
