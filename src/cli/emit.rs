//! `evdef emit <backend>`: run one backend over the definitions. Each backend is a subcommand; the shared
//! steps (compile, refuse on errors, write atomically) live in [`run`].

use std::path::PathBuf;

use clap::{Args, Subcommand};
use evdef::emit::json_schema::{self, Draft, JsonSchemaOptions};
use evdef::emit::rust::{RustOptions, TimeTypes};
use evdef::emit::typescript::{self, TypeScriptOptions};
use evdef::{Config, Error};

use super::values::DraftArg;
use super::{DefinitionsArgs, Outcome};

#[derive(Debug, Args)]
pub struct EmitArgs {
    #[command(subcommand)]
    backend: Backend,
}

/// One variant per backend.
#[derive(Debug, Subcommand)]
enum Backend {
    /// One JSON Schema per event plus `events.schema.json`, a bundle dispatching on the name field.
    JsonSchema(JsonSchemaArgs),
    /// Rust types: a serde struct per event and an `Event` enum that parses any log line.
    Rust(RustArgs),
    /// Markdown pages and one offline HTML page documenting every event and fragment.
    Docs(super::emit_docs::EmitDocsArgs),
    /// `events.ts`: interfaces, the `Event` union and runtime guards with the verdicts of `validate`.
    Typescript(TypeScriptArgs),
}

#[derive(Debug, Args)]
struct TypeScriptArgs {
    /// Definitions directories or files (in addition to `-d`).
    #[arg(value_name = "PATHS")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    definitions: DefinitionsArgs,
    /// Output directory (it receives `events.ts`). Default: `[emit.typescript] out` in `evdef.toml`,
    /// else `generated/typescript`.
    #[arg(long, short, value_name = "DIR")]
    out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct JsonSchemaArgs {
    /// Definitions directories or files (in addition to `-d`).
    #[arg(value_name = "PATHS")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    definitions: DefinitionsArgs,
    /// Output directory (with `--bundle`, a `*.json` path names the bundle file itself). Default:
    /// `[emit.json_schema] out` in `evdef.toml`, else `generated/json-schema`.
    #[arg(long, short, value_name = "DIR")]
    out: Option<PathBuf>,
    /// JSON Schema draft. Default: `[emit.json_schema] draft`, else 2020-12.
    #[arg(long, value_enum)]
    draft: Option<DraftArg>,
    /// Write only the bundle (`events.schema.json`), not one file per event.
    #[arg(long)]
    bundle: bool,
}

#[derive(Debug, Args)]
struct RustArgs {
    /// Definitions directories or files (in addition to `-d`).
    #[arg(value_name = "PATHS")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    definitions: DefinitionsArgs,
    /// Output file (one file, written atomically). Default: `[emit.rust] out` in `evdef.toml`, else
    /// stdout.
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
        Backend::Docs(args) => super::emit_docs::run(args),
        Backend::Typescript(args) => typescript(args),
        Backend::JsonSchema(args) => {
            let options = args.definitions.options(&args.paths)?;
            let mut compiled = evdef::compile_for_files(&options)?;
            if super::report_errors(&compiled) {
                return Ok(Outcome::Findings);
            }
            let config = options.config();
            super::name_files_for_output(&mut compiled.catalog, config);
            let mut settings = json_schema_settings(config)?;
            if let Some(draft) = args.draft {
                settings.draft = draft.into();
            }
            settings.bundle_only = args.bundle;
            let out = args.out.unwrap_or_else(|| json_schema_out(config));
            if args.bundle && evdef::validate::bundle::is_bundle_path(&out) {
                // `--bundle --out bundle.json`: the one file to ship to workers (`validate -d bundle.json`).
                // With `bundle_only`, the bundle is the one (and last) file emitted.
                let files = json_schema::emit(&compiled.catalog, &settings);
                if let Some(bundle) = files.last() {
                    evdef::output::write_named(&out, bundle.contents.as_bytes())?;
                }
                super::note(&format!("wrote the bundle to {}", out.display()));
                return Ok(Outcome::Clean);
            }
            write_json_schema(&compiled.catalog, &settings, &out)?;
            Ok(Outcome::Clean)
        }
    }
}

/// The JSON Schema backend's settings from `evdef.toml`.
pub fn json_schema_settings(config: &Config) -> Result<JsonSchemaOptions, Error> {
    let section = config.emit.json_schema.clone().unwrap_or_default();
    let draft = match section.draft.as_deref() {
        None => Draft::default(),
        Some(text) => Draft::parse(text).ok_or_else(|| {
            Error::Usage(format!(
                "unknown JSON Schema draft `{text}` in [emit.json_schema] (use `2020-12` or `07`)"
            ))
        })?,
    };
    Ok(JsonSchemaOptions {
        draft,
        envelope: config.envelope.clone(),
        bundle_only: false,
    })
}

/// The JSON Schema output directory from `evdef.toml`, else `generated/json-schema`.
pub fn json_schema_out(config: &Config) -> PathBuf {
    let out = config.emit.json_schema.as_ref().and_then(|s| s.out.clone());
    configured_out(config, out, "generated/json-schema")
}

/// A backend's `out` from `evdef.toml` (relative to it), else its default.
fn configured_out(config: &Config, out: Option<PathBuf>, default: &str) -> PathBuf {
    config.resolve_path(&out.unwrap_or_else(|| PathBuf::from(default)))
}

/// Emit and write the JSON Schema files, and say where they went.
pub fn write_json_schema(
    catalog: &evdef::Catalog,
    settings: &JsonSchemaOptions,
    out: &std::path::Path,
) -> Result<(), Error> {
    super::write_dir(
        out,
        &json_schema::emit(catalog, settings),
        "JSON Schema file",
    )
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
    let mut compiled = evdef::compile(&options)?;
    if super::report_errors(&compiled) {
        return Ok(Outcome::Findings);
    }
    let messages = super::name_files_for_output(&mut compiled.catalog, options.config());
    let code = match evdef::emit::rust::generate(&compiled.catalog, &rust_options) {
        Ok(code) => code,
        Err(diagnostics) => {
            let mut failed = evdef::Compiled {
                catalog: compiled.catalog,
                diagnostics,
            };
            failed.catalog.sources = messages;
            super::report_errors(&failed);
            return Ok(Outcome::Findings);
        }
    };
    let configured = options
        .config()
        .emit
        .rust
        .as_ref()
        .and_then(|s| s.out.clone());
    let out = args
        .out
        .or_else(|| configured.map(|out| options.config().resolve_path(&out)));
    match out.filter(|path| path.as_os_str() != "-") {
        Some(path) => {
            evdef::output::write_named(&path, code.as_bytes())?;
            super::note(&format!("wrote Rust types to {}", path.display()));
        }
        None => super::write_stdout(code.as_bytes())?,
    }
    Ok(Outcome::Clean)
}

fn typescript(args: TypeScriptArgs) -> Result<Outcome, Error> {
    let options = args.definitions.options(&args.paths)?;
    let mut compiled = evdef::compile(&options)?;
    if super::report_errors(&compiled) {
        return Ok(Outcome::Findings);
    }
    let config = options.config();
    let messages = super::name_files_for_output(&mut compiled.catalog, config);
    let out = args.out.unwrap_or_else(|| typescript_out(config));
    write_typescript(&compiled.catalog, &messages, config, &out)
}

/// The TypeScript output directory from `evdef.toml`, else `generated/typescript`.
pub fn typescript_out(config: &Config) -> PathBuf {
    let out = config.emit.typescript.as_ref().and_then(|s| s.out.clone());
    configured_out(config, out, "generated/typescript")
}

/// Emit and write `events.ts` into `out`; name collisions are reported as findings, naming files as
/// `messages` does.
pub fn write_typescript(
    catalog: &evdef::Catalog,
    messages: &evdef::source::SourceMap,
    config: &Config,
    out: &std::path::Path,
) -> Result<Outcome, Error> {
    let options = TypeScriptOptions {
        envelope: config.envelope.clone(),
    };
    match typescript::emit(catalog, &options) {
        Ok(files) => {
            let removed = evdef::output::write_dir(out, &files)?;
            super::note(&format!(
                "wrote {} to {}{}",
                typescript::FILE_NAME,
                out.display(),
                super::removed_note(removed)
            ));
            Ok(Outcome::Clean)
        }
        Err(diagnostics) => {
            let text =
                evdef::diagnostics::render::human(messages, &diagnostics, super::stderr_color());
            let _ = std::io::Write::write_all(&mut std::io::stderr(), text.as_bytes());
            Ok(Outcome::Findings)
        }
    }
}
