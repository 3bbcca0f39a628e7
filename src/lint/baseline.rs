//! Baselines (`evdef check --baseline FILE`, `--write-baseline FILE`): the findings a project accepts for
//! now. A finding is recorded by a fingerprint without line numbers (file relative to the project root,
//! code, message — which names the event or parameter), so edits elsewhere in a file keep it matching.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Severity};
use crate::source::{FileId, SourceMap};

use super::codes;

/// The format version written into every baseline file.
pub const VERSION: u32 = 1;

/// What identifies a finding across edits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fingerprint {
    /// The file, `/`-separated and relative to the project root (`""` for a finding in no file).
    pub file: String,
    /// The diagnostic code.
    pub code: String,
    /// The message.
    pub message: String,
}

/// A set of accepted findings, each with how many times it occurs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    entries: BTreeMap<Fingerprint, usize>,
}

/// What [`Baseline::filter`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Filtered {
    /// Findings dropped because the baseline holds them.
    pub hidden: usize,
    /// Baseline occurrences that matched no finding (fixed since, or changed).
    pub stale: usize,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    evdef_baseline: u32,
    findings: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    file: String,
    code: String,
    message: String,
    count: usize,
}

/// Whether a baseline records this finding: warnings and errors with a configurable code (errors that
/// stop the definitions from compiling cannot be accepted).
pub fn records(d: &Diagnostic) -> bool {
    d.severity >= Severity::Warning && codes::is_configurable(d.code)
}

/// The fingerprint of `d`, with its file made relative to `root` (the directory of `evdef.toml`).
pub fn fingerprint(sources: &SourceMap, root: &Path, d: &Diagnostic) -> Fingerprint {
    Names::new(sources, root).fingerprint(d)
}

/// File names for fingerprints, each resolved on disk once (a catalog may have many findings per file).
struct Names<'s> {
    sources: &'s SourceMap,
    root: &'s Path,
    known: HashMap<FileId, String>,
}

impl<'s> Names<'s> {
    fn new(sources: &'s SourceMap, root: &'s Path) -> Self {
        Names {
            sources,
            root,
            known: HashMap::new(),
        }
    }

    fn fingerprint(&mut self, d: &Diagnostic) -> Fingerprint {
        let file = d.span().map_or_else(String::new, |span| {
            let (sources, root) = (self.sources, self.root);
            self.known
                .entry(span.file)
                .or_insert_with(|| {
                    let source = sources.get(span.file);
                    relative(&source.path, root).unwrap_or_else(|| source.name.replace('\\', "/"))
                })
                .clone()
        });
        Fingerprint {
            file,
            code: d.code.to_string(),
            message: d.message.clone(),
        }
    }
}

/// `path` relative to `root`, both resolved on disk, `/`-separated.
fn relative(path: &Path, root: &Path) -> Option<String> {
    let root = if root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        root
    };
    let path = path.canonicalize().ok()?;
    let root = root.canonicalize().ok()?;
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

impl Baseline {
    /// The baseline of these findings (those [`records`] accepts).
    pub fn record(sources: &SourceMap, root: &Path, diagnostics: &[Diagnostic]) -> Baseline {
        let mut names = Names::new(sources, root);
        let mut entries = BTreeMap::new();
        for d in diagnostics.iter().filter(|d| records(d)) {
            *entries.entry(names.fingerprint(d)).or_insert(0) += 1;
        }
        Baseline { entries }
    }

    /// How many findings it holds (counting repeats).
    pub fn len(&self) -> usize {
        self.entries.values().sum()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The baseline file: JSON, entries sorted by file, code and message, one trailing newline.
    pub fn to_json(&self) -> String {
        let file = File {
            evdef_baseline: VERSION,
            findings: self
                .entries
                .iter()
                .map(|(f, &count)| Entry {
                    file: f.file.clone(),
                    code: f.code.clone(),
                    message: f.message.clone(),
                    count,
                })
                .collect(),
        };
        let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Read a baseline file's text.
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let file: File = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if file.evdef_baseline != VERSION {
            return Err(format!(
                "baseline format {} is not supported (expected {VERSION})",
                file.evdef_baseline
            ));
        }
        let mut entries = BTreeMap::new();
        for e in file.findings {
            let key = Fingerprint {
                file: e.file,
                code: e.code,
                message: e.message,
            };
            *entries.entry(key).or_insert(0) += e.count;
        }
        Ok(Baseline { entries })
    }

    /// Drop the findings the baseline holds (each entry hides up to its count of matching findings; any
    /// more are new).
    pub fn filter(
        &self,
        sources: &SourceMap,
        root: &Path,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Filtered {
        let mut names = Names::new(sources, root);
        let mut left = self.entries.clone();
        let mut hidden = 0;
        diagnostics.retain(|d| {
            if !records(d) {
                return true;
            }
            match left.get_mut(&names.fingerprint(d)) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    hidden += 1;
                    false
                }
                _ => true,
            }
        });
        Filtered {
            hidden,
            stale: left.values().sum(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceFile, Span};

    fn sources() -> SourceMap {
        let mut s = SourceMap::new();
        s.add(SourceFile::new(
            "defs/a.yaml",
            "/nonexistent/defs/a.yaml",
            "a: b\n",
        ));
        s
    }

    #[test]
    fn round_trip_is_sorted_and_counts_repeats() {
        let s = sources();
        let span = Span::new(0, 0..1);
        let found = vec![
            Diagnostic::warning("naming-convention", "b", span),
            Diagnostic::warning("empty-file", "a", span),
            Diagnostic::warning("naming-convention", "b", span),
            Diagnostic::error("unknown-type", "not recorded", span),
        ];
        let baseline = Baseline::record(&s, Path::new("."), &found);
        assert_eq!(baseline.len(), 3);
        let json = baseline.to_json();
        assert!(json.find("empty-file").unwrap() < json.find("naming-convention").unwrap());
        assert!(json.contains("\"count\": 2"));
        assert!(json.contains("\"file\": \"defs/a.yaml\""));
        assert_eq!(Baseline::parse(&json).unwrap(), baseline);

        let mut again = found.clone();
        again.push(Diagnostic::warning("naming-convention", "b", span));
        let filtered = baseline.filter(&s, Path::new("."), &mut again);
        assert_eq!(
            filtered,
            Filtered {
                hidden: 3,
                stale: 0
            }
        );
        let left: Vec<_> = again.iter().map(|d| d.code).collect();
        assert_eq!(left, vec!["unknown-type", "naming-convention"]);
    }

    #[test]
    fn stale_entries_are_counted_and_bad_files_refused() {
        let baseline = Baseline::record(
            &sources(),
            Path::new("."),
            &[Diagnostic::warning("empty-file", "x", Span::new(0, 0..0))],
        );
        let filtered = baseline.filter(&sources(), Path::new("."), &mut Vec::new());
        assert_eq!(filtered.stale, 1);
        assert!(Baseline::parse("{}").is_err());
        assert!(Baseline::parse(r#"{"evdef_baseline": 9, "findings": []}"#).is_err());
    }
}
