//! Rendering diagnostics: human snippets through miette, and JSON, GitHub annotations, SARIF and GitLab
//! Code Quality for machines. Byte offsets become line and column only here.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use serde_json::{Value, json};

use super::{Diagnostic, Label, Severity};
use crate::source::{SourceMap, Span};

/// Output formats of `evdef check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style snippets.
    Human,
    /// One JSON array of diagnostics with file, line and column.
    Json,
    /// GitHub Actions workflow commands (`::error file=...`), shown as annotations on the pull request.
    Github,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
    /// GitLab Code Quality report (a JSON array), for merge-request widgets (`artifacts: reports:
    /// codequality:`).
    Gitlab,
}

/// Render diagnostics in a format. `color` applies to `human` only.
pub fn render(
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    format: Format,
    color: bool,
) -> String {
    match format {
        Format::Human => human(sources, diagnostics, color),
        Format::Json => {
            let mut s =
                serde_json::to_string_pretty(&json_value(sources, diagnostics)).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Github => github(sources, diagnostics),
        Format::Sarif => {
            let mut s =
                serde_json::to_string_pretty(&sarif(sources, diagnostics)).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Gitlab => {
            let mut s =
                serde_json::to_string_pretty(&gitlab(sources, diagnostics)).unwrap_or_default();
            s.push('\n');
            s
        }
    }
}

/// rustc-style snippets, one per diagnostic, labels in other files shown as related reports.
pub fn human(sources: &SourceMap, diagnostics: &[Diagnostic], color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false)
        .without_syntax_highlighting();
    let mut out = String::new();
    for d in diagnostics {
        let mut report = Report::new(sources, d);
        if touches_long_line(sources, d) {
            // A snippet of a megabyte-long line helps nobody: name the position instead.
            if let Some(span) = d.span() {
                report.message = format!("{} (at {})", report.message, sources.locate(span));
            }
            report.source = None;
            report.labels.clear();
            report.related.clear();
        }
        if handler.render_report(&mut out, &report).is_err() {
            out.push_str(&plain_line(sources, d));
        }
        out.push('\n');
    }
    out
}

/// Lines longer than this are not shown in snippets.
const MAX_SNIPPET_LINE: usize = 300;

fn touches_long_line(sources: &SourceMap, d: &Diagnostic) -> bool {
    d.primary.iter().chain(&d.secondary).any(|l| {
        let text = &sources.get(l.span.file).text;
        let at = (l.span.start as usize).min(text.len());
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        end - start > MAX_SNIPPET_LINE
    })
}

/// `file:line:col: severity[code]: message`, for logs and build scripts.
pub fn plain_line(sources: &SourceMap, d: &Diagnostic) -> String {
    match d.span() {
        Some(span) => format!(
            "{}: {}[{}]: {}\n",
            sources.locate(span),
            d.severity.as_str(),
            d.code,
            d.message
        ),
        None => format!("{}[{}]: {}\n", d.severity.as_str(), d.code, d.message),
    }
}

/// A one-line count: `2 errors, 1 warning`.
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut parts = vec![
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning"),
    ];
    let infos = count(Severity::Info);
    if infos > 0 {
        parts.push(format!("{infos} info"));
    }
    parts.join(", ")
}

/// A diagnostic adapted to miette: one source file; labels in other files become related reports.
struct Report {
    code: String,
    severity: Severity,
    message: String,
    help: Option<String>,
    source: Option<NamedSource<String>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl Report {
    fn new(sources: &SourceMap, d: &Diagnostic) -> Report {
        let file = d.primary.as_ref().map(|l| l.span.file);
        let mut labels = Vec::new();
        let mut related = Vec::new();
        if let Some(primary) = &d.primary {
            labels.push(labeled(primary, true));
        }
        for l in &d.secondary {
            if Some(l.span.file) == file {
                labels.push(labeled(l, false));
            } else {
                related.push(Report {
                    code: String::new(),
                    severity: Severity::Info,
                    message: if l.text.is_empty() {
                        "related".into()
                    } else {
                        l.text.clone()
                    },
                    help: None,
                    source: Some(named(sources, l.span)),
                    labels: vec![labeled(l, true)],
                    related: Vec::new(),
                });
            }
        }
        Report {
            code: d.code.to_string(),
            severity: d.severity,
            message: d.message.clone(),
            help: d.help.clone(),
            source: d.primary.as_ref().map(|l| named(sources, l.span)),
            labels,
            related,
        }
    }
}

fn named(sources: &SourceMap, span: Span) -> NamedSource<String> {
    let file = sources.get(span.file);
    NamedSource::new(file.name.clone(), file.text.to_string())
}

fn labeled(l: &Label, primary: bool) -> LabeledSpan {
    let span = SourceSpan::new((l.span.start as usize).into(), l.span.len());
    let text = (!l.text.is_empty()).then(|| l.text.clone());
    if primary {
        LabeledSpan::new_primary_with_span(text, span)
    } else {
        LabeledSpan::new_with_span(text, span)
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        (!self.labels.is_empty())
            .then(|| Box::new(self.labels.iter().cloned()) as Box<dyn Iterator<Item = LabeledSpan>>)
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        (!self.related.is_empty()).then(|| {
            Box::new(self.related.iter().map(|r| r as &dyn miette::Diagnostic))
                as Box<dyn Iterator<Item = _>>
        })
    }
}

fn position(sources: &SourceMap, span: Span) -> Value {
    let file = sources.get(span.file);
    let start = file.line_col(span.start as usize);
    let end = file.line_col(span.end as usize);
    json!({
        "file": file.name,
        "line": start.line,
        "column": start.column,
        "end_line": end.line,
        "end_column": end.column,
        "offset": span.start,
        "length": span.len(),
    })
}

/// Diagnostics as a JSON array, each with its position resolved to line and column.
pub fn json_value(sources: &SourceMap, diagnostics: &[Diagnostic]) -> Value {
    Value::Array(
        diagnostics
            .iter()
            .map(|d| {
                let mut o = json!({
                    "code": d.code,
                    "severity": d.severity.as_str(),
                    "message": d.message,
                });
                if let Some(p) = &d.primary {
                    o["location"] = position(sources, p.span);
                    if !p.text.is_empty() {
                        o["label"] = json!(p.text);
                    }
                }
                if !d.secondary.is_empty() {
                    o["related"] = Value::Array(
                        d.secondary
                            .iter()
                            .map(|l| json!({"message": l.text, "location": position(sources, l.span)}))
                            .collect(),
                    );
                }
                if let Some(h) = &d.help {
                    o["help"] = json!(h);
                }
                o
            })
            .collect(),
    )
}

/// GitHub workflow commands. Properties and messages are escaped as the runner expects.
pub fn github(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let escape_data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let escape_prop = |s: &str| escape_data(s).replace(':', "%3A").replace(',', "%2C");
    let mut out = String::new();
    for d in diagnostics {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut message = d.message.clone();
        for l in &d.secondary {
            let at = sources.locate(l.span);
            message.push_str(&format!("\n{at}: {}", l.text));
        }
        if let Some(h) = &d.help {
            message.push_str(&format!("\nhelp: {h}"));
        }
        let props = match &d.primary {
            Some(p) => {
                let file = sources.get(p.span.file);
                let start = file.line_col(p.span.start as usize);
                let end = file.line_col(p.span.end as usize);
                format!(
                    "file={},line={},col={},endLine={},endColumn={},title={}",
                    escape_prop(&file.name),
                    start.line,
                    start.column,
                    end.line,
                    end.column,
                    escape_prop(d.code)
                )
            }
            None => format!("title={}", escape_prop(d.code)),
        };
        out.push_str(&format!("::{level} {props}::{}\n", escape_data(&message)));
    }
    out
}

/// A SARIF 2.1.0 log with one run.
pub fn sarif(sources: &SourceMap, diagnostics: &[Diagnostic]) -> Value {
    let mut rules: Vec<&str> = diagnostics.iter().map(|d| d.code).collect();
    rules.sort_unstable();
    rules.dedup();
    let region = |span: Span| {
        let file = sources.get(span.file);
        let start = file.line_col(span.start as usize);
        let end = file.line_col(span.end as usize);
        json!({
            "physicalLocation": {
                "artifactLocation": {"uri": file.name.replace('\\', "/")},
                "region": {
                    "startLine": start.line, "startColumn": start.column,
                    "endLine": end.line, "endColumn": end.column,
                    "charOffset": span.start, "charLength": span.len(),
                }
            }
        })
    };
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str(&format!(" (help: {h})"));
            }
            let mut r = json!({
                "ruleId": d.code,
                "ruleIndex": rules.iter().position(|c| *c == d.code).unwrap_or(0),
                "level": match d.severity { Severity::Error => "error", Severity::Warning => "warning", Severity::Info => "note" },
                "message": {"text": text},
            });
            if let Some(p) = &d.primary {
                r["locations"] = json!([region(p.span)]);
            }
            if !d.secondary.is_empty() {
                r["relatedLocations"] = Value::Array(
                    d.secondary
                        .iter()
                        .enumerate()
                        .map(|(i, l)| {
                            let mut loc = region(l.span);
                            loc["id"] = json!(i);
                            loc["message"] = json!({"text": l.text});
                            loc
                        })
                        .collect(),
                );
            }
            r
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "evdef",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules.iter().map(|c| json!({"id": c, "name": c})).collect::<Vec<_>>(),
            }},
            "results": results,
        }]
    })
}

/// A GitLab Code Quality report: one issue per diagnostic, with a fingerprint that stays the same for the
/// same finding at the same place (GitLab compares reports of two pipelines by fingerprint).
pub fn gitlab(sources: &SourceMap, diagnostics: &[Diagnostic]) -> Value {
    Value::Array(
        diagnostics
            .iter()
            .map(|d| {
                let (path, begin) = match &d.primary {
                    Some(p) => {
                        let file = sources.get(p.span.file);
                        let at = file.line_col(p.span.start as usize);
                        (file.name.replace('\\', "/"), (at.line, at.column))
                    }
                    None => (String::new(), (1, 1)),
                };
                let mut description = d.message.clone();
                if let Some(h) = &d.help {
                    description.push_str(&format!(" (help: {h})"));
                }
                let identity = format!(
                    "{}\0{path}\0{}\0{}\0{}",
                    d.code, begin.0, begin.1, d.message
                );
                json!({
                    "description": description,
                    "check_name": d.code,
                    "fingerprint": format!("{:016x}", fnv1a(identity.as_bytes())),
                    "severity": match d.severity {
                        Severity::Error => "major",
                        Severity::Warning => "minor",
                        Severity::Info => "info",
                    },
                    "location": {
                        "path": path,
                        "positions": {"begin": {"line": begin.0, "column": begin.1}},
                    },
                })
            })
            .collect(),
    )
}

/// 64-bit FNV-1a: a stable hash (unlike `std`'s, which may change between Rust releases) for fingerprints.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::fnv1a;

    #[test]
    fn fnv1a_matches_the_reference_values() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
