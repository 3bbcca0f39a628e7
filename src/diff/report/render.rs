//! Rendering a [`Report`]: the `--format json` object, a Markdown changelog grouped by event, and
//! [`Diagnostic`]s over one [`SourceMap`] holding both sides, so `human`, `github` and `sarif` go through
//! the same renderers as `evdef check` with spans on both sides.

use serde_json::{Value, json};

use super::{Report, counts};
use crate::diagnostics::{Diagnostic, Severity};
use crate::diff::change::Change;
use crate::source::{SourceFile, SourceMap, Span};

/// The two sides' sources: spans of a [`Change`] point into one or the other.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    /// The old side (file names labelled with the revision, `main:definitions/api.yaml`).
    pub old: &'a SourceMap,
    /// The new side.
    pub new: &'a SourceMap,
}

fn location(sources: &SourceMap, span: Option<Span>) -> Value {
    match span {
        Some(span) => {
            let at = sources.locate(span);
            json!({"file": at.file, "line": at.line, "column": at.column})
        }
        None => Value::Null,
    }
}

/// `--format json`: `{"against", "mode", "compatible", "changes": [...]}`.
pub fn json(report: &Report, sources: Sources<'_>) -> Value {
    let changes: Vec<Value> = report
        .changes
        .iter()
        .map(|c| {
            let breaks: Vec<&str> = c.breaks.directions().iter().map(|d| d.as_str()).collect();
            let mut o = json!({
                "rule": c.rule.code(),
                "event": c.event,
                "path": c.path,
                "breaks": breaks,
                "message": c.message,
                "old": location(sources.old, c.old),
                "new": location(sources.new, c.new),
            });
            if let Some(via) = c.via {
                let side = if via.old_side {
                    sources.old
                } else {
                    sources.new
                };
                o["via"] = location(side, Some(via.span));
            }
            if let Some(v) = &c.suggested_version {
                o["suggested_version"] = json!(v);
            }
            o
        })
        .collect();
    json!({
        "against": report.against,
        "mode": report.mode.as_str(),
        "compatible": report.compatible,
        "changes": changes,
    })
}

/// Both sides in one map: the new side's files keep their ids, the old side's follow.
pub fn combined(sources: Sources<'_>) -> SourceMap {
    let mut map = SourceMap::new();
    for (_, f) in sources.new.files().chain(sources.old.files()) {
        map.add(SourceFile::new(
            f.name.clone(),
            f.path.clone(),
            f.text.clone(),
        ));
    }
    map
}

fn breaks_text(c: &Change) -> String {
    let dirs: Vec<&str> = c.breaks.directions().iter().map(|d| d.as_str()).collect();
    match dirs.as_slice() {
        [] => String::new(),
        _ => format!(" (breaks {})", dirs.join(" and ")),
    }
}

/// Where a diagnostic's primary label goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Primary {
    /// The new span, else the old one: the most telling snippet (terminal output).
    Changed,
    /// A place in the new files whenever there is one (a removed parameter points at its owner), for
    /// annotations on a pull request, which can only sit on files that exist now.
    NewSide,
}

/// Each change as a diagnostic over [`combined`] sources: an error when it fails the run, a warning when it
/// breaks a direction the mode does not count, information otherwise. The code is the rule ID.
pub fn diagnostics(report: &Report, sources: Sources<'_>, primary: Primary) -> Vec<Diagnostic> {
    let offset = u32::try_from(sources.new.len()).unwrap_or(u32::MAX);
    let old_span = |s: Span| Span {
        file: s.file.saturating_add(offset),
        ..s
    };
    let before = format!("before ({})", report.against);
    report
        .changes
        .iter()
        .map(|c| {
            let severity = if counts(report.mode, c) {
                Severity::Error
            } else if c.breaks.any() {
                Severity::Warning
            } else {
                Severity::Info
            };
            let message = format!("{}{}", c.message, breaks_text(c));
            let code = c.rule.code();
            let new = match primary {
                Primary::Changed => c.new,
                Primary::NewSide => c.new.or(c.anchor),
            };
            let mut d = match (new, c.old) {
                (Some(new), old) => {
                    let label = if c.new.is_some() {
                        "now"
                    } else {
                        "removed from here"
                    };
                    let mut d = Diagnostic::new(severity, code, message, new).with_label(label);
                    if let Some(old) = old {
                        d = d.with_secondary(old_span(old), before.clone());
                    }
                    d
                }
                (None, Some(old)) => Diagnostic::new(severity, code, message, old_span(old))
                    .with_label(before.clone()),
                (None, None) => Diagnostic::global(severity, code, message),
            };
            if let Some(via) = c.via {
                let span = if via.old_side {
                    old_span(via.span)
                } else {
                    via.span
                };
                d = d.with_secondary(span, "inherited through this merge");
            }
            if let Some(v) = &c.suggested_version {
                d = d.with_help(format!("set `version: {v}`"));
            }
            d
        })
        .collect()
}

/// `--format markdown`: a changelog for release notes, one section per event, breaking changes marked.
pub fn markdown(report: &Report) -> String {
    let mut out = format!("# Changes against `{}`\n\n", report.against);
    if report.changes.is_empty() {
        out.push_str("No changes.\n");
        return out;
    }
    let mut current: Option<Option<&str>> = None;
    for c in &report.changes {
        let event = c.event.as_deref();
        if current != Some(event) {
            if current.is_some() {
                out.push('\n');
            }
            match event {
                Some(name) => out.push_str(&format!("## `{name}`\n\n")),
                None => out.push_str("## Envelope\n\n"),
            }
            current = Some(event);
        }
        let dirs: Vec<&str> = c.breaks.directions().iter().map(|d| d.as_str()).collect();
        let mark = if dirs.is_empty() {
            String::new()
        } else {
            format!("**breaking ({})** ", dirs.join(", "))
        };
        out.push_str(&format!("- {mark}{} (`{}`)\n", c.message, c.rule.code()));
    }
    out
}

/// One line for the end of human output: `3 changes, 1 breaking backward: incompatible`.
pub fn summary(report: &Report) -> String {
    let n = report.changes.len();
    let failing = report
        .changes
        .iter()
        .filter(|c| counts(report.mode, c))
        .count();
    let verdict = if report.compatible {
        "compatible"
    } else {
        "incompatible"
    };
    format!(
        "{n} change{} against {}, {failing} failing in mode `{}`: {verdict}\n",
        if n == 1 { "" } else { "s" },
        report.against,
        report.mode.as_str()
    )
}
