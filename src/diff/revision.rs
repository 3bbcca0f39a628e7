//! The old side of a diff from a git revision, read with git plumbing (`rev-parse`, `ls-tree`,
//! `cat-file --batch`) so neither the work tree nor the index is touched. Files are named `REV:path` so
//! every span on the old side says which revision it is from.

use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::Error;
use crate::config::{self, Config};
use crate::load::is_definitions_file;
use crate::source::{SourceFile, SourceMap, normalize};

/// Definitions and configuration of one git revision.
#[derive(Debug)]
pub struct RevisionSide {
    /// That revision's `evdef.toml` (defaults when it has none), paths relative to the repository root.
    pub config: Config,
    /// Its definitions files, named `REV:path`.
    pub sources: SourceMap,
    /// The commit the revision names.
    pub commit: String,
}

/// What to read from a revision.
#[derive(Debug, Clone)]
pub struct RevisionRequest<'a> {
    /// The revision as the user wrote it (`main`, `HEAD~1`, a tag).
    pub rev: &'a str,
    /// A directory inside the repository (the working directory).
    pub cwd: &'a Path,
    /// NEW's configuration file (`evdef.toml`, or the `--config` file), relative to `cwd` or absolute: the
    /// revision's configuration is read from the same path.
    pub config_file: &'a Path,
    /// Definitions paths from the command line (relative to `cwd`); empty to use the revision's
    /// configuration.
    pub paths: &'a [PathBuf],
}

/// Run git in `dir`; its stdout, or an error naming the command and quoting git's message.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, Error> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Error::Usage(format!("cannot run git: {e}")))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(Error::Usage(format!(
            "`git {}` failed: {}",
            args.join(" "),
            stderr.trim()
        )));
    }
    Ok(out.stdout)
}

fn trimmed(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).trim().to_string()
}

/// A path (relative to `cwd` or absolute) as a path relative to the repository root `top`.
fn repo_relative(top: &Path, cwd: &Path, path: &Path) -> Result<PathBuf, Error> {
    let absolute = cwd.join(path);
    let absolute = std::fs::canonicalize(&absolute).unwrap_or_else(|_| normalize(&absolute));
    absolute
        .strip_prefix(top)
        .map(Path::to_path_buf)
        .map_err(|_| {
            Error::Usage(format!(
                "`{}` is outside the git repository `{}`",
                path.display(),
                top.display()
            ))
        })
}

/// A repository-relative path in git's spelling (`/` separators, `.` for the root).
fn git_path(path: &Path) -> String {
    let s = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    if s.is_empty() { ".".into() } else { s }
}

/// Load the definitions and configuration of `request.rev`.
pub fn load(request: &RevisionRequest<'_>) -> Result<RevisionSide, Error> {
    let rev = request.rev;
    if rev.starts_with('-') || rev.is_empty() {
        // Never let a revision be read as an option of git.
        return Err(Error::Usage(format!("unknown git revision `{rev}`")));
    }
    let top = PathBuf::from(trimmed(
        git(request.cwd, &["rev-parse", "--show-toplevel"]).map_err(|_| {
            Error::Usage(format!(
                "`{rev}` is not a directory, and `{}` is not inside a git repository",
                request.cwd.display()
            ))
        })?,
    ));
    let top = std::fs::canonicalize(&top).unwrap_or(top);
    let commit = trimmed(
        git(
            &top,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{rev}^{{commit}}"),
            ],
        )
        .map_err(|_| Error::Usage(format!("unknown git revision `{rev}`")))?,
    );
    let dir = request.config_file.parent().unwrap_or(Path::new("."));
    let config_dir = repo_relative(&top, request.cwd, dir)?;
    let name = request
        .config_file
        .file_name()
        .unwrap_or(std::ffi::OsStr::new(config::FILE_NAME));
    let config = revision_config(&top, rev, &commit, &config_dir, Path::new(name))?;
    let paths: Vec<PathBuf> = if request.paths.is_empty() {
        config
            .definitions
            .paths
            .iter()
            .map(|p| normalize(&config_dir.join(p)))
            .collect()
    } else {
        request
            .paths
            .iter()
            .map(|p| repo_relative(&top, request.cwd, p))
            .collect::<Result<_, _>>()?
    };
    let files = list_files(&top, rev, &commit, &paths)?;
    let texts = read_blobs(&top, files.iter().map(|(_, oid)| oid.as_str()))?;
    let mut sources = SourceMap::new();
    for ((path, _), bytes) in files.into_iter().zip(texts) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        sources.add(SourceFile::new(format!("{rev}:{path}"), path, text));
    }
    Ok(RevisionSide {
        config,
        sources,
        commit,
    })
}

/// The revision's configuration file `name` in `dir` (defaults when it has none), with its root set to
/// `dir`.
fn revision_config(
    top: &Path,
    rev: &str,
    commit: &str,
    dir: &Path,
    name: &Path,
) -> Result<Config, Error> {
    let file = git_path(&dir.join(name));
    let listed = git(top, &["ls-tree", "-z", "--full-tree", commit, "--", &file])?;
    let mut config = if listed.is_empty() {
        Config::default()
    } else {
        let text = git(top, &["cat-file", "blob", &format!("{commit}:{file}")])?;
        Config::parse(
            &String::from_utf8_lossy(&text),
            Path::new(&format!("{rev}:{file}")),
        )?
    };
    config.root = dir.to_path_buf();
    Ok(config)
}

/// Definitions files (`*.yaml`, `*.yml`, no hidden directory below the given path) under each path, each
/// path's files sorted, duplicates removed: the same selection [`crate::load::discover`] makes on disk.
fn list_files(
    top: &Path,
    rev: &str,
    commit: &str,
    paths: &[PathBuf],
) -> Result<Vec<(String, String)>, Error> {
    let mut out: Vec<(String, String)> = Vec::new();
    for path in paths {
        let spelled = git_path(path);
        let listing = git(
            top,
            &["ls-tree", "-r", "-z", "--full-tree", commit, "--", &spelled],
        )?;
        let mut found = Vec::new();
        for entry in listing.split(|b| *b == 0).filter(|e| !e.is_empty()) {
            let entry = String::from_utf8_lossy(entry);
            let Some((meta, file)) = entry.split_once('\t') else {
                continue;
            };
            let mut meta = meta.split(' ');
            let (Some(mode), Some("blob"), Some(oid)) = (meta.next(), meta.next(), meta.next())
            else {
                continue;
            };
            let below = Path::new(file)
                .strip_prefix(path)
                .unwrap_or(Path::new(file));
            let hidden = below
                .components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
            if mode != "120000" && !hidden && is_definitions_file(Path::new(file)) {
                found.push((PathBuf::from(file), oid.to_string()));
            }
        }
        if found.is_empty() {
            return Err(Error::NoDefinitions(PathBuf::from(format!(
                "{rev}:{spelled}"
            ))));
        }
        found.sort();
        out.extend(found.into_iter().map(|(p, oid)| (git_path(&p), oid)));
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|(p, _)| seen.insert(p.clone()));
    Ok(out)
}

/// The contents of blobs, in order, through one `git cat-file --batch`.
fn read_blobs<'a>(top: &Path, oids: impl Iterator<Item = &'a str>) -> Result<Vec<Vec<u8>>, Error> {
    let request: String = oids.map(|o| format!("{o}\n")).collect();
    let count = request.lines().count();
    let mut child = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| Error::Usage(format!("cannot run git: {e}")))?;
    let failed = |what: &str| Error::Usage(format!("`git cat-file --batch` {what}"));
    let mut stdin = child.stdin.take().ok_or_else(|| failed("has no stdin"))?;
    // Written from a thread: git answers while it reads, and a full pipe must not deadlock us.
    let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
    let stdout = child.stdout.take().ok_or_else(|| failed("has no stdout"))?;
    let mut reader = std::io::BufReader::new(stdout);
    let mut blobs = Vec::with_capacity(count);
    for _ in 0..count {
        let mut header = String::new();
        reader
            .read_line(&mut header)
            .map_err(|e| failed(&format!("failed: {e}")))?;
        let size: usize = header
            .trim_end()
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| failed(&format!("answered `{}`", header.trim_end())))?;
        let mut blob = vec![0; size + 1];
        reader
            .read_exact(&mut blob)
            .map_err(|e| failed(&format!("failed: {e}")))?;
        blob.pop();
        blobs.push(blob);
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(blobs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalize_lexically_and_spell_like_git() {
        assert_eq!(normalize(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(git_path(Path::new("")), ".");
        assert_eq!(
            git_path(Path::new("definitions/api.yaml")),
            "definitions/api.yaml"
        );
    }
}
