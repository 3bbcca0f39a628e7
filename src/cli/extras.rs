//! `evdef completions SHELL` and `evdef man`: shell completion scripts (`clap_complete`) and a man page
//! (`clap_mangen`), generated from the same argument definitions as the parser and printed to stdout.

use clap::{Args, CommandFactory};
use evdef::Error;

use super::{Cli, Outcome};

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell. Example:
    /// `evdef completions bash > ~/.local/share/bash-completion/completions/evdef`.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// Print the completion script for a shell.
pub fn completions(args: CompletionsArgs) -> Result<Outcome, Error> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "evdef", &mut out);
    super::write_stdout(&out)?;
    Ok(Outcome::Clean)
}

/// Print the man page (roff): `evdef man > evdef.1`, or `evdef man | man -l -`.
pub fn man() -> Result<Outcome, Error> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(|e| Error::io("write", "<man page>", e))?;
    super::write_stdout(&out)?;
    Ok(Outcome::Clean)
}
