//! Problems in the user's input, as plain data. Every stage pushes [`Diagnostic`]s into a `Vec` so one run
//! reports everything; only [`render`] turns them into text, and only the CLI prints that text.

pub mod render;
mod sarif;

use crate::source::Span;

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a run.
    Info,
    /// Fails `evdef check` (unless `--allow-warnings`), but generation still proceeds.
    #[serde(alias = "warn")]
    Warning,
    /// The definitions cannot be compiled.
    Error,
}

impl Severity {
    /// The lowercase name used in output and configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A span with a short text, shown under the snippet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What is there (may be empty).
    pub text: String,
}

impl Label {
    /// A label with text.
    pub fn new(span: Span, text: impl Into<String>) -> Self {
        Label {
            span,
            text: text.into(),
        }
    }
}

/// A machine-applicable fix: replace the text at `span` with `replacement`. The human wording stays in the
/// diagnostic's label and help; the language server's quick fixes, `--format json` and SARIF `fixes` use
/// this.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// Exactly the text to replace (the misspelt word, not the whole line or scalar).
    pub span: Span,
    /// What to write instead.
    pub replacement: String,
}

impl Suggestion {
    /// The span of `word` inside `span`, whose source text is `written`: the last occurrence, so that an
    /// anchor or tag written before a scalar is skipped. `None` when `written` is an alias (`*name`: the
    /// word lives in the anchored node, elsewhere) or does not contain the word (escapes in a quoted
    /// scalar).
    pub fn word_span(written: &str, span: Span, word: &str) -> Option<Span> {
        if word.is_empty() || written.starts_with('*') || written.len() != span.len() {
            return None;
        }
        let at = u32::try_from(written.rfind(word)?).ok()?;
        let len = u32::try_from(word.len()).ok()?;
        Some(Span {
            file: span.file,
            start: span.start + at,
            end: span.start + at + len,
        })
    }
}

/// One problem in the user's input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable kebab-case code, e.g. `unknown-type`.
    pub code: &'static str,
    /// How bad it is.
    pub severity: Severity,
    /// Lowercase, no trailing period, names the thing in backticks.
    pub message: String,
    /// Where the problem is. `None` only for problems with no place in a file (an empty directory).
    pub primary: Option<Label>,
    /// Other places that explain it: the anchor an alias points at, the first of two duplicate keys.
    pub secondary: Vec<Label>,
    /// How to fix it.
    pub help: Option<String>,
    /// The replacement the help text proposes, as data (see [`Suggestion`]).
    pub suggestion: Option<Suggestion>,
}

impl Diagnostic {
    /// What makes two diagnostics repeats of each other: the code, the place and the message
    /// ([`sort_and_dedup`] keeps one of each).
    pub fn identity(&self) -> (&'static str, Option<Span>, String) {
        (self.code, self.span(), self.message.clone())
    }

    /// An error at a span.
    pub fn error(code: &'static str, message: impl Into<String>, span: Span) -> Self {
        Self::new(Severity::Error, code, message, span)
    }

    /// A warning at a span.
    pub fn warning(code: &'static str, message: impl Into<String>, span: Span) -> Self {
        Self::new(Severity::Warning, code, message, span)
    }

    /// A diagnostic of any severity at a span, with an empty primary label.
    pub fn new(
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
        span: Span,
    ) -> Self {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            primary: Some(Label::new(span, "")),
            secondary: Vec::new(),
            help: None,
            suggestion: None,
        }
    }

    /// A diagnostic that has no place in a file.
    pub fn global(severity: Severity, code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
            suggestion: None,
        }
    }

    /// Set the primary label's text.
    pub fn with_label(mut self, text: impl Into<String>) -> Self {
        if let Some(primary) = &mut self.primary {
            primary.text = text.into();
        }
        self
    }

    /// Add a secondary label.
    pub fn with_secondary(mut self, span: Span, text: impl Into<String>) -> Self {
        self.secondary.push(Label::new(span, text));
        self
    }

    /// Set the help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Attach a machine-applicable replacement of the text at `span`.
    pub fn with_suggestion(mut self, span: Span, replacement: impl Into<String>) -> Self {
        self.suggestion = Some(Suggestion {
            span,
            replacement: replacement.into(),
        });
        self
    }

    /// The primary span, if any.
    pub fn span(&self) -> Option<Span> {
        self.primary.as_ref().map(|l| l.span)
    }

    /// The files this diagnostic points into (primary label first, then secondary labels).
    pub fn files(&self) -> impl Iterator<Item = crate::source::FileId> + '_ {
        self.primary
            .iter()
            .chain(&self.secondary)
            .map(|label| label.span.file)
    }
}

/// Whether any diagnostic is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

/// Sort diagnostics by file and position (stable for equal positions) and drop exact repeats, which arise
/// when one fragment is reached through several aliases.
pub fn sort_and_dedup(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by_key(|d| d.span().map(|s| (s.file, s.start, s.end)));
    let mut seen = std::collections::HashSet::new();
    diagnostics.retain(|d| seen.insert(d.identity()));
}

/// The best suggestion for a misspelt word among known ones, if one is close enough.
pub fn did_you_mean<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(word, k), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_close_words_only() {
        let known = ["description", "parameters", "deprecated", "owner"];
        assert_eq!(did_you_mean("descripton", known), Some("description"));
        assert_eq!(did_you_mean("paramters", known), Some("parameters"));
        assert_eq!(did_you_mean("zzz", known), None);
    }

    #[test]
    fn word_span_finds_the_written_word_only() {
        let span = Span::new(0, 10..19);
        // Plain, with a suffix: the word only.
        assert_eq!(
            Suggestion::word_span("strng[]?", Span::new(0, 10..18), "strng"),
            Some(Span::new(0, 10..15))
        );
        // An anchor before the scalar naming the same word: the value's occurrence.
        assert_eq!(
            Suggestion::word_span("&a strng?", span, "strng"),
            Some(Span::new(0, 13..18))
        );
        // Quoted.
        assert_eq!(
            Suggestion::word_span("\"strng\"", Span::new(0, 10..17), "strng"),
            Some(Span::new(0, 11..16))
        );
        // An alias: the word is written elsewhere.
        assert_eq!(Suggestion::word_span("*strng_ty", span, "strng"), None);
        // Escapes hide the word.
        assert_eq!(
            Suggestion::word_span("\"str\\x6eg\"", Span::new(0, 10..21), "strng"),
            None
        );
    }
}
