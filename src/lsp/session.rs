//! The server's state: the open buffers (which win over the disk) and, per definitions tree, the last
//! analysis (catalog, YAML tree, diagnostics) that every request reads. A tree is found like `evdef check`
//! finds it: the `evdef.toml` above the file (or the one given with `--config`) and its
//! `[definitions] paths`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::lsp::convert::LineIndex;
use crate::source::{FileId, SourceFile, SourceMap};
use crate::{Compiled, Config};

/// An open editor buffer.
#[derive(Debug, Clone)]
pub struct Document {
    /// The buffer's text, saved or not.
    pub text: Arc<str>,
    /// The version the editor gave it.
    pub version: i32,
}

/// One run of the `check` pipeline over a definitions tree, with what requests need to answer from it.
#[derive(Debug)]
pub struct Analysis {
    /// The tree's roots (canonical directories or files).
    pub roots: Vec<PathBuf>,
    /// The catalog and every diagnostic, as `evdef check` reports them.
    pub compiled: Compiled,
    /// The YAML tree: anchors, aliases and their spans.
    pub tree: crate::yaml::Tree,
    /// Line indexes, one per file id.
    pub lines: Vec<LineIndex>,
}

impl Analysis {
    /// The loaded files.
    pub fn sources(&self) -> &SourceMap {
        &self.compiled.catalog.sources
    }

    /// The id of a loaded file by its canonical path.
    pub fn file(&self, path: &Path) -> Option<FileId> {
        self.sources()
            .files()
            .find(|(_, f)| f.path == path)
            .map(|(id, _)| id)
    }

    /// The line index of a file.
    pub fn lines(&self, file: FileId) -> Option<&LineIndex> {
        self.lines.get(file as usize)
    }

    /// Whether a path lies in this tree.
    pub fn contains(&self, path: &Path) -> bool {
        self.roots.iter().any(|root| path.starts_with(root))
    }
}

/// Open buffers and the analyses of their trees.
#[derive(Debug, Default)]
pub struct Session {
    cwd: PathBuf,
    /// `--config`: this `evdef.toml` for every file instead of the one found above it.
    config: Option<PathBuf>,
    documents: HashMap<PathBuf, Document>,
    analyses: Vec<Arc<Analysis>>,
}

impl Session {
    /// A session whose messages name files relative to `cwd`.
    pub fn new(cwd: PathBuf) -> Self {
        Session {
            cwd,
            ..Session::default()
        }
    }

    /// Use this configuration file (relative to the working directory) instead of searching for one.
    pub fn with_config(mut self, config: Option<PathBuf>) -> Self {
        self.config = config.map(|path| self.cwd.join(path));
        self
    }

    /// Open or replace a buffer.
    pub fn set_document(&mut self, path: PathBuf, text: Arc<str>, version: i32) {
        self.documents.insert(path, Document { text, version });
    }

    /// Forget a buffer: the file on disk counts again.
    pub fn close_document(&mut self, path: &Path) {
        self.documents.remove(path);
    }

    /// The paths of the open buffers.
    pub fn open_paths(&self) -> Vec<PathBuf> {
        self.documents.keys().cloned().collect()
    }

    /// The buffer of an open file.
    pub fn document(&self, path: &Path) -> Option<&Document> {
        self.documents.get(path)
    }

    /// The last analysis of the tree holding `path`, running one if there is none yet; `None` for a file
    /// outside every definitions tree.
    pub fn analysis(&mut self, path: &Path) -> Result<Option<Arc<Analysis>>, crate::Error> {
        if let Some(found) = self.analyses.iter().find(|a| a.contains(path)) {
            return Ok(Some(found.clone()));
        }
        self.analyze(path)
    }

    /// Run the pipeline again over the tree holding `path` (after a change), replacing its last analysis;
    /// `None` for a file outside every definitions tree.
    pub fn analyze(&mut self, path: &Path) -> Result<Option<Arc<Analysis>>, crate::Error> {
        let Some((roots, config)) = self.tree_of(path)? else {
            return Ok(None);
        };
        let analysis = Arc::new(self.run(roots, &config));
        let (stale, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.analyses)
            .into_iter()
            .partition(|a| a.roots == analysis.roots);
        self.analyses = kept;
        self.analyses.push(analysis.clone());
        // Freeing a large catalog and tree takes milliseconds the editor would wait for: do it aside.
        if !stale.is_empty() {
            std::thread::spawn(move || drop(stale));
        }
        Ok(Some(analysis))
    }

    /// The roots of the tree a file belongs to, with its configuration: `[definitions] paths` of the
    /// `evdef.toml` above it (`definitions` under the working directory without one). An editor opens
    /// every YAML file (CI workflows, manifests), so a file outside the tree is left alone, as
    /// `evdef check --skip-outside-definitions` does.
    fn tree_of(&self, path: &Path) -> Result<Option<(Vec<PathBuf>, Config)>, crate::Error> {
        if !crate::load::is_definitions_file(path) {
            return Ok(None);
        }
        let config = match &self.config {
            Some(given) => Config::load(given)?,
            None => Config::discover_for(path, &self.cwd)?,
        };
        let roots: Vec<PathBuf> = config
            .definitions_paths()
            .iter()
            .filter_map(|p| self.cwd.join(p).canonicalize().ok())
            .collect();
        Ok(roots
            .iter()
            .any(|root| path.starts_with(root))
            .then_some((roots, config)))
    }

    /// Load the tree (open buffers over the disk) and check it.
    fn run(&self, roots: Vec<PathBuf>, config: &Config) -> Analysis {
        let mut files = crate::load::discover(&roots).unwrap_or_default();
        // A buffer not yet saved is part of its tree too.
        let mut unsaved: Vec<&PathBuf> = self
            .documents
            .keys()
            .filter(|p| crate::load::is_definitions_file(p))
            .filter(|p| roots.iter().any(|root| p.starts_with(root)) && !files.contains(p))
            .collect();
        unsaved.sort();
        files.extend(unsaved.into_iter().cloned());
        let mut sources = SourceMap::new();
        for path in files {
            let text: Arc<str> = match self.documents.get(&path) {
                Some(document) => document.text.clone(),
                None => match std::fs::read(&path) {
                    Ok(bytes) => String::from_utf8_lossy(&bytes).into(),
                    Err(_) => continue,
                },
            };
            let name = path
                .strip_prefix(&self.cwd)
                .unwrap_or(&path)
                .display()
                .to_string();
            sources.add(SourceFile::new(name, path, text));
        }
        let lines = sources
            .files()
            .map(|(_, f)| LineIndex::new(f.text.clone()))
            .collect();
        let (compiled, tree) = crate::check_sources(sources, config);
        Analysis {
            roots,
            compiled,
            tree,
            lines,
        }
    }
}

/// The canonical path of a file, also for a new file not yet on disk (its directory is canonicalised).
pub fn canonical(path: &Path) -> PathBuf {
    if let Ok(found) = path.canonicalize() {
        return found;
    }
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => dir
            .canonicalize()
            .map_or_else(|_| path.to_path_buf(), |d| d.join(name)),
        _ => path.to_path_buf(),
    }
}
