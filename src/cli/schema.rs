//! `evdef schema`: the JSON Schema (draft-07) of the definitions language itself, for editors
//! (yaml-language-server), derived from the raw definition types in `resolve::raw`.

use std::path::PathBuf;

use clap::Args;
use evdef::Error;

use super::Outcome;

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Write the schema to this file instead of stdout (a FIFO or symlink is written through; a regular
    /// file is replaced atomically).
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    out: Option<PathBuf>,
}

pub fn run(args: SchemaArgs) -> Result<Outcome, Error> {
    let text = evdef::resolve::raw::schema_text();
    match args.out {
        Some(path) => {
            evdef::output::write_named(&path, text.as_bytes())?;
            super::note(&format!(
                "wrote the definitions schema to {}",
                path.display()
            ));
        }
        None => super::write_stdout(text.as_bytes())?,
    }
    Ok(Outcome::Clean)
}
