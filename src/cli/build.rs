//! `evdef build`: check the definitions, refuse on errors, then run every backend configured in
//! `evdef.toml` (`[emit.json_schema]`, `[emit.rust]`, `[emit.docs]`, `[emit.typescript]`), and write the
//! schema of the definitions language for editors (`generated/evdef.schema.json`).

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use evdef::diagnostics::render;
use evdef::output::{Drift, OutputFile};
use evdef::{Catalog, Config, Diagnostic, Error};

use super::{DefinitionsArgs, Outcome};

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Definitions directories or files (in addition to `-d`).
    #[arg(value_name = "PATHS")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    definitions: DefinitionsArgs,
    /// Write nothing; exit 1 when a generated file is missing, differs or is stale (for repositories that
    /// commit generated code).
    #[arg(long)]
    check: bool,
}

/// A backend configured in `evdef.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    JsonSchema,
    Rust,
    Docs,
    TypeScript,
    /// The JSON Schema of the definitions language (`evdef schema`), written by every build.
    DefinitionsSchema,
}

/// Where `build` writes the definitions schema, relative to `evdef.toml`.
const DEFINITIONS_SCHEMA: &str = "generated/evdef.schema.json";

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
    // Only alongside a configured backend: without one, `build` has nothing to do and says so.
    if !backends.is_empty() {
        backends.push(Backend::DefinitionsSchema);
    }
    backends
}

/// Where a backend's output goes: a directory of files (with a manifest) or one file.
enum Target {
    Dir {
        what: &'static str,
        root: PathBuf,
        files: Vec<OutputFile>,
    },
    File {
        what: &'static str,
        path: PathBuf,
        contents: String,
    },
}

/// What one backend would write. New backends plug in here. A backend's own diagnostics (such as Rust
/// name collisions) come back as `Err`.
fn plan(
    backend: Backend,
    catalog: &Catalog,
    config: &Config,
) -> Result<Result<Target, Vec<Diagnostic>>, Error> {
    Ok(Ok(match backend {
        Backend::JsonSchema => {
            let settings = super::emit::json_schema_settings(config)?;
            Target::Dir {
                what: "JSON Schema file",
                root: super::emit::json_schema_out(config),
                files: evdef::emit::json_schema::emit(catalog, &settings),
            }
        }
        Backend::Rust => {
            let options = evdef::emit::rust::RustOptions::from_config(config)?;
            let section = config.emit.rust.clone().unwrap_or_default();
            let path = config.resolve_path(
                &section
                    .out
                    .unwrap_or_else(|| PathBuf::from("generated/events.rs")),
            );
            match evdef::emit::rust::generate(catalog, &options) {
                Ok(contents) => Target::File {
                    what: "Rust types",
                    path,
                    contents,
                },
                Err(diagnostics) => return Ok(Err(diagnostics)),
            }
        }
        Backend::TypeScript => {
            let options = evdef::emit::typescript::TypeScriptOptions {
                envelope: config.envelope.clone(),
            };
            match evdef::emit::typescript::emit(catalog, &options) {
                Ok(files) => Target::Dir {
                    what: "TypeScript file",
                    root: super::emit::typescript_out(config),
                    files,
                },
                Err(diagnostics) => return Ok(Err(diagnostics)),
            }
        }
        Backend::DefinitionsSchema => Target::File {
            what: "the definitions schema",
            path: config.resolve_path(std::path::Path::new(DEFINITIONS_SCHEMA)),
            contents: evdef::resolve::raw::schema_text(),
        },
        Backend::Docs => {
            let options = evdef::emit::docs::DocsOptions::from_config(config)?;
            Target::Dir {
                what: "documentation file",
                root: evdef::emit::docs::configured_out(config),
                files: evdef::emit::docs::emit(catalog, &options),
            }
        }
    }))
}

/// Write a target and say where it went.
fn write(target: &Target) -> Result<(), Error> {
    match target {
        Target::Dir { what, root, files } => super::write_dir(root, files, what)?,
        Target::File {
            what,
            path,
            contents,
        } => {
            // The path comes from `evdef.toml`, not the command line: a symlink there is replaced.
            evdef::output::write_replacing(path, contents.as_bytes())?;
            super::note(&format!("wrote {what} to {}", path.display()));
        }
    }
    Ok(())
}

/// What writing a target would change (nothing is written).
fn drift(target: &Target) -> Result<Vec<Drift>, Error> {
    Ok(match target {
        Target::Dir { root, files, .. } => evdef::output::check_dir(root, files)?,
        Target::File { path, contents, .. } => evdef::output::check_file(path, contents.as_bytes())
            .into_iter()
            .collect(),
    })
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
    let mut compiled = evdef::check(&options)?;
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
    let messages = super::name_files_for_output(&mut compiled.catalog, &config);
    let mut targets = Vec::new();
    let mut outcome = Outcome::Clean;
    for backend in backends {
        match plan(backend, &compiled.catalog, &config)? {
            Ok(target) => targets.push(target),
            Err(diagnostics) => {
                let text = render::human(&messages, &diagnostics, super::stderr_color());
                let _ = std::io::stderr().write_all(text.as_bytes());
                outcome = Outcome::Findings;
            }
        }
    }
    refuse_shared_roots(&targets)?;
    if args.check {
        return check_targets(&targets, outcome);
    }
    for target in &targets {
        write(target)?;
    }
    Ok(outcome)
}

/// `build --check`: list every drifted output on stderr; findings when there is any.
fn check_targets(targets: &[Target], outcome: Outcome) -> Result<Outcome, Error> {
    let mut drifted = Vec::new();
    for target in targets {
        drifted.extend(drift(target)?);
    }
    if drifted.is_empty() {
        super::note("generated outputs are up to date");
        return Ok(outcome);
    }
    let mut text = format!(
        "{} generated output{} out of date (run `evdef build`):\n",
        drifted.len(),
        if drifted.len() == 1 { " is" } else { "s are" }
    );
    for d in &drifted {
        text.push_str(&format!("  {d}\n"));
    }
    let _ = std::io::stderr().write_all(text.as_bytes());
    Ok(Outcome::Findings)
}

/// Two backends writing the same output directory would each remove the other's files as stale (the
/// manifest is per directory): refused before anything is written.
fn refuse_shared_roots(targets: &[Target]) -> Result<(), Error> {
    let roots: Vec<&PathBuf> = targets
        .iter()
        .filter_map(|t| match t {
            Target::Dir { root, .. } => Some(root),
            Target::File { .. } => None,
        })
        .collect();
    for (i, a) in roots.iter().enumerate() {
        if let Some(b) = roots[i + 1..]
            .iter()
            .find(|b| evdef::output::same_output(a, b))
        {
            return Err(Error::Usage(format!(
                "two backends in `evdef.toml` write the same directory `{}` (and `{}`): give each its own `out`",
                a.display(),
                b.display()
            )));
        }
    }
    Ok(())
}
