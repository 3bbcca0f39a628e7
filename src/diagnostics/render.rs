//! Rendering diagnostics: human snippets through miette, and JSON, GitHub annotations, SARIF and GitLab
//! Code Quality for machines. Byte offsets become line and column only here.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceSpan};
use serde_json::{Value, json};

pub use super::sarif::sarif;
use super::{Diagnostic, Label, Severity};
use crate::source::{SourceMap, Span};

/// Output formats of `evdef check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
        // A snippet of a megabyte-long line helps nobody: name the position instead (and copy no line).
        let report = if touches_long_line(sources, d) {
            Report::without_snippet(sources, d)
        } else {
            Report::new(sources, d)
        };
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
    (d.primary.iter().chain(&d.secondary)).any(|l| {
        sources
            .get(l.span.file)
            .line_range(l.span.start as usize)
            .len()
            > MAX_SNIPPET_LINE
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
    source: Option<Window>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

/// Secondary labels this close to the primary one (in bytes) share its snippet; farther ones get their own,
/// as labels in other files do. Each snippet copies only its own lines, so rendering stays linear in the
/// number of diagnostics whatever the file size.
const SHARED_SNIPPET_BYTES: usize = 4096;

impl Report {
    fn new(sources: &SourceMap, d: &Diagnostic) -> Report {
        let Some(primary) = &d.primary else {
            return Report {
                code: d.code.to_string(),
                severity: d.severity,
                message: d.message.clone(),
                help: d.help.clone(),
                source: None,
                labels: Vec::new(),
                related: d
                    .secondary
                    .iter()
                    .map(|l| Report::related(sources, l))
                    .collect(),
            };
        };
        let near = |l: &Label| {
            l.span.file == primary.span.file
                && (l.span.start as usize).abs_diff(primary.span.start as usize)
                    <= SHARED_SNIPPET_BYTES
                && (l.span.end as usize).abs_diff(primary.span.end as usize) <= SHARED_SNIPPET_BYTES
        };
        let (shared, apart): (Vec<&Label>, Vec<&Label>) = d.secondary.iter().partition(|l| near(l));
        let start = shared
            .iter()
            .map(|l| l.span.start)
            .fold(primary.span.start, u32::min);
        let end = shared
            .iter()
            .map(|l| l.span.end)
            .fold(primary.span.end, u32::max);
        let window = Window::new(sources, primary.span.file, start as usize..end as usize);
        let mut labels = vec![window.labeled(primary, true)];
        labels.extend(shared.iter().map(|l| window.labeled(l, false)));
        Report {
            code: d.code.to_string(),
            severity: d.severity,
            message: d.message.clone(),
            help: d.help.clone(),
            source: Some(window),
            labels,
            related: apart.iter().map(|l| Report::related(sources, l)).collect(),
        }
    }

    /// The diagnostic's message, with the position of its span, and nothing else.
    fn without_snippet(sources: &SourceMap, d: &Diagnostic) -> Report {
        let message = match d.span() {
            Some(span) => format!("{} (at {})", d.message, sources.locate(span)),
            None => d.message.clone(),
        };
        Report {
            code: d.code.to_string(),
            severity: d.severity,
            message,
            help: d.help.clone(),
            source: None,
            labels: Vec::new(),
            related: Vec::new(),
        }
    }

    /// A label shown on its own, after the main snippet.
    fn related(sources: &SourceMap, l: &Label) -> Report {
        let span = l.span.start as usize..l.span.end as usize;
        let window = Window::new(sources, l.span.file, span);
        Report {
            code: String::new(),
            severity: Severity::Info,
            message: if l.text.is_empty() {
                "related".into()
            } else {
                l.text.clone()
            },
            help: None,
            labels: vec![window.labeled(l, true)],
            source: Some(window),
            related: Vec::new(),
        }
    }
}

/// The lines of a file that one snippet shows, with where they start, so that miette reports the real line
/// numbers while only these lines are copied and scanned.
struct Window {
    name: String,
    text: String,
    /// Byte offset of `text` in the file.
    offset: usize,
    /// 0-based line number of the first line of `text`.
    first_line: usize,
}

impl Window {
    fn new(
        sources: &SourceMap,
        file: crate::source::FileId,
        range: std::ops::Range<usize>,
    ) -> Window {
        let file = sources.get(file);
        // miette shows one line of context on each side; two leaves room for multi-line labels.
        let (lines, first_line) = file.window(range, 2, MAX_SNIPPET_LINE);
        Window {
            name: file.name.clone(),
            text: file.text.get(lines.clone()).unwrap_or("").to_string(),
            offset: lines.start,
            first_line,
        }
    }

    fn labeled(&self, l: &Label, primary: bool) -> LabeledSpan {
        let start = (l.span.start as usize)
            .saturating_sub(self.offset)
            .min(self.text.len());
        let span = SourceSpan::new(start.into(), l.span.len().min(self.text.len() - start));
        let text = (!l.text.is_empty()).then(|| l.text.clone());
        if primary {
            LabeledSpan::new_primary_with_span(text, span)
        } else {
            LabeledSpan::new_with_span(text, span)
        }
    }
}

impl miette::SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner =
            self.text
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            char_column(self.text.as_str(), span.offset(), inner.column()),
            // miette's own `str` source counts lines from the start of the text here (its renderer merges
            // two label contexts when `line + line_count` reaches the next one); keep that meaning so
            // snippets look as they did with the whole file.
            inner.line_count() + self.first_line,
        )))
    }
}

/// miette counts the column of a span's start (the one in the `[file:line:col]` header) in bytes; evdef
/// counts Unicode scalar values everywhere, so recount it. `bytes` is miette's count: 0 (a snippet with
/// context lines starts at a line start) stays 0.
fn char_column(text: &str, offset: usize, bytes: usize) -> usize {
    if bytes == 0 {
        return 0;
    }
    let Some(before) = text.get(..offset) else {
        return bytes;
    };
    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    before[line_start..].chars().count()
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
                if let Some(s) = &d.suggestion {
                    o["suggestion"] =
                        json!({"replacement": s.replacement, "location": position(sources, s.span)});
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
    use crate::diagnostics::Diagnostic;
    use crate::source::{SourceFile, SourceMap, Span};

    /// Snippets copy only the lines around their labels, yet show the file's real line numbers; a label
    /// far from the primary one gets a snippet of its own.
    #[test]
    fn snippets_show_real_line_numbers_from_a_window() {
        let mut text: String = (1..=5000).map(|i| format!("k{i}: v{i}\n")).collect();
        text.push_str("bad: here\n");
        let mut sources = SourceMap::new();
        let file = sources.add(SourceFile::new("a.yaml", "a.yaml", text.as_str()));
        let at = |needle: &str| {
            let start = text.find(needle).unwrap();
            Span::new(file, start..start + needle.len())
        };
        let d = Diagnostic::error("test-code", "the message", at("here"))
            .with_label("primary label")
            .with_secondary(at("v4999"), "near label")
            .with_secondary(at("v2\n"), "far label");
        let out = super::human(&sources, &[d], false);
        assert!(out.contains("[a.yaml:5001:6]"), "{out}");
        assert!(out.contains("5001 │ bad: here"), "{out}");
        assert!(out.contains("4999 │ k4999: v4999"), "{out}");
        assert!(out.contains("near label"), "{out}");
        assert!(
            out.contains("[a.yaml:2:5]"),
            "the far label has its own snippet: {out}"
        );
        assert!(
            !out.contains("2500 │"),
            "lines between are not shown: {out}"
        );
    }

    /// Lines longer than a snippet shows are left out of the context around a label; a label on such a
    /// line gets its position instead of a snippet.
    #[test]
    fn long_lines_are_neither_context_nor_snippet() {
        let long = "x".repeat(super::MAX_SNIPPET_LINE + 1);
        let text = format!("a: 1\nlong: {long}\nbad: here\nb: 2\nalso: {long} there\n");
        let mut sources = SourceMap::new();
        let file = sources.add(SourceFile::new("a.yaml", "a.yaml", text.as_str()));
        let at = |needle: &str| {
            let start = text.find(needle).unwrap();
            Span::new(file, start..start + needle.len())
        };
        let short =
            Diagnostic::error("test-code", "on a short line", at("here")).with_label("label");
        let out = super::human(&sources, &[short], false);
        assert!(
            out.contains("3 │ bad: here") && out.contains("4 │ b: 2"),
            "{out}"
        );
        assert!(!out.contains("xxx") && !out.contains("1 │ a: 1"), "{out}");
        let on_long =
            Diagnostic::error("test-code", "on a long line", at("there")).with_label("label");
        let out = super::human(&sources, &[on_long], false);
        let column = "also: ".len() + long.len() + 2;
        assert!(
            out.contains(&format!("on a long line (at a.yaml:5:{column})")),
            "{out}"
        );
        assert!(!out.contains("xxx"), "{out}");
    }

    #[test]
    fn fnv1a_matches_the_reference_values() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
