//! `evdef emit <backend>`: run one backend and write its output to a file or stdout.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use evdef::Error;
use evdef::emit::rust::{RustOptions, TimeTypes};

use super::{DefinitionsArgs, Outcome};

#[derive(Debug, Args)]
pub struct EmitArgs {
    #[command(subcommand)]
    backend: Backend,
}

/// One variant per backend.
#[derive(Debug, Subcommand)]
enum Backend {
    /// Rust types: a serde struct per event and an `Event` enum that parses any log line.
    Rust(RustArgs),
}

#[derive(Debug, Args)]
struct RustArgs {
    /// Definitions directories or files (in addition to `-d`).
    #[arg(value_name = "PATHS")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    definitions: DefinitionsArgs,
    /// Write the generated file here (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    out: Option<PathBuf>,
    /// Use `chrono` types for `timestamp` and `date` (overrides `[emit.rust] chrono`).
    #[arg(long, conflicts_with = "time")]
    chrono: bool,
    /// Use `time` types for `timestamp` and `date` (overrides `[emit.rust] time`).
    #[arg(long)]
    time: bool,
    /// Use `uuid::Uuid` for `uuid` (overrides `[emit.rust] uuid`).
    #[arg(long)]
    uuid: bool,
}

pub fn run(args: EmitArgs) -> Result<Outcome, Error> {
    match args.backend {
        Backend::Rust(args) => rust(args),
    }
}

fn rust(args: RustArgs) -> Result<Outcome, Error> {
    let options = args.definitions.options(&args.paths)?;
    let mut rust_options = RustOptions::from_config(options.config())?;
    if args.chrono {
        rust_options = rust_options.with_time_types(TimeTypes::Chrono);
    }
    if args.time {
        rust_options = rust_options.with_time_types(TimeTypes::Time);
    }
    if args.uuid {
        rust_options = rust_options.with_uuid(true);
    }
    let compiled = evdef::compile(&options)?;
    if super::report_errors(&compiled) {
        return Ok(Outcome::Findings);
    }
    let code = match evdef::emit::rust::generate(&compiled.catalog, &rust_options) {
        Ok(code) => code,
        Err(diagnostics) => {
            let failed = evdef::Compiled {
                catalog: compiled.catalog,
                diagnostics,
            };
            super::report_errors(&failed);
            return Ok(Outcome::Findings);
        }
    };
    match args.out {
        Some(path) => evdef::emit::write_atomic(&path, code.as_bytes())?,
        None => super::write_stdout(code.as_bytes())?,
    }
    Ok(Outcome::Clean)
}
