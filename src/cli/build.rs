//! `evdef build`: check the definitions, refuse on errors, then run every backend configured in
//! `evdef.toml` (`[emit.json_schema]`, `[emit.rust]`, `[emit.docs]`, `[emit.typescript]`).

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use evdef::diagnostics::render;
use evdef::{Catalog, Config, Error};

use super::{DefinitionsArgs, Outcome};

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Definitions directories or files (in addition to `-d`).
    #[arg(value_name = "PATHS")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    definitions: DefinitionsArgs,
}

/// A backend configured in `evdef.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    JsonSchema,
    Rust,
    Docs,
    TypeScript,
}

/// The backends with an `[emit.*]` section, in a fixed order.
fn configured(config: &Config) -> Vec<Backend> {
    let emit = &config.emit;
    let mut backends = Vec::new();
    if emit.json_schema.is_some() {
        backends.push(Backend::JsonSchema);
    }
    if emit.rust.is_some() {
        backends.push(Backend::Rust);
    }
    if emit.docs.is_some() {
        backends.push(Backend::Docs);
    }
    if emit.typescript.is_some() {
        backends.push(Backend::TypeScript);
    }
    backends
}

/// Run one backend. New backends plug in here. Findings (a backend's own diagnostics, such as Rust name
/// collisions) are printed and reported as [`Outcome::Findings`].
fn run_backend(backend: Backend, catalog: &Catalog, config: &Config) -> Result<Outcome, Error> {
    match backend {
        Backend::JsonSchema => {
            let settings = super::emit::json_schema_settings(config)?;
            super::emit::write_json_schema(
                catalog,
                &settings,
                &super::emit::json_schema_out(config),
            )?;
        }
        Backend::Rust => {
            let options = evdef::emit::rust::RustOptions::from_config(config)?;
            let section = config.emit.rust.clone().unwrap_or_default();
            let out = config.resolve_path(
                &section
                    .out
                    .unwrap_or_else(|| PathBuf::from("generated/events.rs")),
            );
            match evdef::emit::rust::generate(catalog, &options) {
                Ok(code) => {
                    evdef::emit::write_atomic(&out, code.as_bytes())?;
                    super::note(&format!("wrote Rust types to {}", out.display()));
                }
                Err(diagnostics) => {
                    let text = render::human(&catalog.sources, &diagnostics, super::stderr_color());
                    let _ = std::io::stderr().write_all(text.as_bytes());
                    return Ok(Outcome::Findings);
                }
            }
        }
        Backend::TypeScript => {
            let out = super::emit::typescript_out(config);
            return super::emit::write_typescript(catalog, config, &out);
        }
        Backend::Docs => {
            let options = evdef::emit::docs::DocsOptions::from_config(config)?;
            let out = evdef::emit::docs::configured_out(config);
            let files = evdef::emit::docs::emit(catalog, &options);
            evdef::emit::write_all(&out, &files)?;
            super::note(&format!(
                "wrote {} documentation file{} to {}",
                files.len(),
                if files.len() == 1 { "" } else { "s" },
                out.display()
            ));
        }
    }
    Ok(Outcome::Clean)
}

pub fn run(args: BuildArgs) -> Result<Outcome, Error> {
    let options = args.definitions.options(&args.paths)?;
    let config = options.config().clone();
    let backends = configured(&config);
    if backends.is_empty() {
        return Err(Error::Usage(
            "nothing to build: `evdef.toml` has no `[emit.json_schema]`, `[emit.rust]`, `[emit.docs]` or `[emit.typescript]` section".into(),
        ));
    }
    let compiled = evdef::check(&options)?;
    if !compiled.diagnostics.is_empty() {
        let text = render::human(
            &compiled.catalog.sources,
            &compiled.diagnostics,
            super::stderr_color(),
        );
        let _ = std::io::stderr().write_all(text.as_bytes());
    }
    if compiled.has_errors() {
        super::note(&format!(
            "build refused: {}",
            render::summary(&compiled.diagnostics)
        ));
        return Ok(Outcome::Findings);
    }
    let mut outcome = Outcome::Clean;
    for backend in backends {
        if run_backend(backend, &compiled.catalog, &config)? == Outcome::Findings {
            outcome = Outcome::Findings;
        }
    }
    Ok(outcome)
}
