//! `evdef init [DIR]`: scaffold a project (`evdef.toml`, a definitions directory with a prelude and one
//! event) that passes `evdef check` and `evdef build`, and print a CI snippet. Never overwrites: when any
//! of its files exists, nothing is written.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;
use evdef::Error;

use super::Outcome;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The project directory (created if needed). Default: the working directory.
    #[arg(value_name = "DIR", default_value = ".")]
    dir: PathBuf,
}

/// What `init` writes, relative to the project directory.
const FILES: [(&str, &str); 3] = [
    ("evdef.toml", include_str!("init/evdef.toml")),
    (
        "definitions/_common.yaml",
        include_str!("init/_common.yaml"),
    ),
    ("definitions/app.yaml", include_str!("init/app.yaml")),
];

/// The CI snippet printed at the end (a workflow using the evdef GitHub Action).
const WORKFLOW: &str = include_str!("init/workflow.yml");

pub fn run(args: InitArgs) -> Result<Outcome, Error> {
    // `evdef.toml` rather than `./evdef.toml` in messages.
    let path = |name: &str| {
        if args.dir == Path::new(".") {
            PathBuf::from(name)
        } else {
            args.dir.join(name)
        }
    };
    let existing: Vec<PathBuf> = FILES
        .iter()
        .map(|(name, _)| path(name))
        .filter(|path| path.symlink_metadata().is_ok())
        .collect();
    if !existing.is_empty() {
        let names: Vec<String> = existing
            .iter()
            .map(|p| format!("`{}`", p.display()))
            .collect();
        return Err(Error::Usage(format!(
            "{} already exist{}: `evdef init` never overwrites a file, and wrote nothing",
            names.join(", "),
            if existing.len() == 1 { "s" } else { "" }
        )));
    }
    for (name, contents) in FILES {
        write_new(&path(name), contents)?;
        super::note(&format!("created {}", path(name).display()));
    }
    super::note(&format!(
        "next: `evdef check` and `evdef build` in {}; a GitHub Actions workflow follows on stdout (save \
         it as .github/workflows/evdef.yml; evdef's docs/ci.md has GitLab CI and pre-commit snippets)",
        args.dir.display()
    ));
    super::write_stdout(WORKFLOW.as_bytes())?;
    Ok(Outcome::Clean)
}

/// Create `path` (and its directory) with `contents`; fails rather than replace a file that appeared
/// since the check.
fn write_new(path: &Path, contents: &str) -> Result<(), Error> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("create directory", dir, e))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| Error::io("create", path, e))?;
    file.write_all(contents.as_bytes())
        .map_err(|e| Error::io("write", path, e))
}
