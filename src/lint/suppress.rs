//! `# evdef-ignore: code[, code] -- reason` comments: a finding with one of the codes on the comment's
//! line (or, for a comment on a line of its own, on the next line that is not a comment) is dropped.
//! A suppression without a reason or with an unknown code is an `invalid-suppression` error and hides
//! nothing; a code that hides nothing is an `unused-suppression` warning.

use std::collections::HashMap;

use rayon::prelude::*;

use super::config::LintConfig;
use crate::diagnostics::{Diagnostic, Severity, Suggestion, did_you_mean};
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::yaml::comments;

use super::codes;

/// The word that starts a suppression comment.
pub const MARKER: &str = "evdef-ignore";

/// One valid suppression comment.
#[derive(Debug)]
struct Suppression {
    file: FileId,
    /// 0-based lines it covers: its own, and the next non-comment line for a comment on its own line.
    lines: Vec<usize>,
    /// The codes with their spans inside the comment, and whether each hid something.
    codes: Vec<(String, Span, bool)>,
    /// Whether the comment stands on a line of its own (it covers the next line too).
    own_line: bool,
}

/// Drop the diagnostics that a suppression covers, then report invalid suppressions (errors) and unused
/// ones (`unused-suppression`, at its configured level). Only codes in [`codes::configurable`] can be
/// suppressed. Files that do not mention [`MARKER`] are not scanned again.
pub fn apply(sources: &SourceMap, config: &LintConfig, diagnostics: &mut Vec<Diagnostic>) {
    let files: Vec<(FileId, &SourceFile)> = sources
        .files()
        .filter(|(_, f)| memchr::memmem::find(f.text.as_bytes(), MARKER.as_bytes()).is_some())
        .collect();
    if files.is_empty() {
        return;
    }
    let scanned: Vec<(Vec<Suppression>, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|&(id, file)| scan_file(id, file))
        .collect();
    let mut suppressions = Vec::new();
    for (mut found, mut invalid) in scanned {
        suppressions.append(&mut found);
        diagnostics.append(&mut invalid);
    }
    let mut by_line: HashMap<(FileId, usize), Vec<usize>> = HashMap::new();
    for (i, s) in suppressions.iter().enumerate() {
        for &line in &s.lines {
            by_line.entry((s.file, line)).or_default().push(i);
        }
    }
    diagnostics.retain(|d| {
        let Some(span) = d.span() else { return true };
        if !codes::is_configurable(d.code) {
            return true;
        }
        let line = sources.get(span.file).line_col(span.start as usize).line - 1;
        let Some(candidates) = by_line.get(&(span.file, line)) else {
            return true;
        };
        let mut hidden = false;
        for &i in candidates {
            for (code, _, used) in &mut suppressions[i].codes {
                if code == d.code {
                    *used = true;
                    hidden = true;
                }
            }
        }
        !hidden
    });
    report_unused(&suppressions, config, diagnostics);
}

/// An `unused-suppression` for each code that hid nothing, unless the code is configured `off` (then it
/// could hide nothing anyway) or `unused-suppression` itself is.
fn report_unused(suppressions: &[Suppression], config: &LintConfig, out: &mut Vec<Diagnostic>) {
    let Some(severity) = codes::configured(config, "unused-suppression", Severity::Warning) else {
        return;
    };
    for s in suppressions {
        let place = if s.own_line {
            "this line or the next"
        } else {
            "this line"
        };
        for (code, span, used) in &s.codes {
            if *used || codes::configured(config, code, Severity::Warning).is_none() {
                continue;
            }
            out.push(
                Diagnostic::new(
                    severity,
                    "unused-suppression",
                    format!("suppression of `{code}` hides nothing"),
                    *span,
                )
                .with_label(format!("no `{code}` finding on {place}"))
                .with_help("remove it (or this code from the list)"),
            );
        }
    }
}

/// The suppressions of one file and the errors of the invalid ones.
fn scan_file(id: FileId, file: &SourceFile) -> (Vec<Suppression>, Vec<Diagnostic>) {
    let all = comments::scan(&file.text);
    let comment_lines: std::collections::HashSet<usize> = all
        .iter()
        .filter(|c| c.own_line)
        .map(|c| file.line_col(c.span.start).line - 1)
        .collect();
    let mut found = Vec::new();
    let mut invalid = Vec::new();
    for c in &all {
        let Some(rest) = c.text.trim_start().strip_prefix(MARKER) else {
            continue;
        };
        // `#evdef-ignored` or `# evdef-ignore-foo` is some other comment.
        if rest.starts_with(|ch: char| ch.is_alphanumeric() || ch == '-' || ch == '_') {
            continue;
        }
        let offset = c.span.end.saturating_sub(rest.len());
        match parse(rest, id, offset) {
            Ok(codes) => {
                let line = file.line_col(c.span.start).line - 1;
                let mut lines = vec![line];
                if c.own_line {
                    let mut next = line + 1;
                    while comment_lines.contains(&next) {
                        next += 1;
                    }
                    lines.push(next);
                }
                found.push(Suppression {
                    file: id,
                    lines,
                    codes: codes.into_iter().map(|(c, s)| (c, s, false)).collect(),
                    own_line: c.own_line,
                });
            }
            Err((message, help, suggestion)) => {
                let mut d = Diagnostic::error(
                    "invalid-suppression",
                    message,
                    Span::new(id, c.span.clone()),
                )
                .with_help(help);
                d.suggestion = suggestion;
                invalid.push(d);
            }
        }
    }
    (found, invalid)
}

/// Why a suppression comment is invalid: the message, the help, and the replacement of a misspelt code.
type Invalid = (String, String, Option<Suggestion>);

/// Parse what follows [`MARKER`] (`: code, code -- reason`; `offset` is its byte offset in the file) into
/// the codes and their spans, or a message and help.
fn parse(rest: &str, file: FileId, offset: usize) -> Result<Vec<(String, Span)>, Invalid> {
    const FORM: &str = "write `# evdef-ignore: rule-id[, rule-id] -- reason`";
    let Some(list) = rest.strip_prefix(':') else {
        return Err((
            format!("`{MARKER}` must be followed by `:` and the codes to suppress"),
            FORM.into(),
            None,
        ));
    };
    let (list, reason) = match list.split_once("--") {
        Some((list, reason)) => (list, reason.trim()),
        None => (list, ""),
    };
    if reason.is_empty() {
        return Err((
            "suppression without a reason".into(),
            format!("{FORM}: say why the finding is acceptable here"),
            None,
        ));
    }
    let mut codes = Vec::new();
    let mut at = offset + 1;
    for part in list.split(',') {
        let code = part.trim();
        let start = at + (part.len() - part.trim_start().len());
        at += part.len() + 1;
        if code.is_empty() {
            return Err(("suppression names no code".into(), FORM.into(), None));
        }
        if code == "unused-suppression" {
            return Err((
                "`unused-suppression` cannot be suppressed".into(),
                "remove the unused suppression, or set `unused-suppression = \"off\"` in `[lint.rules]`"
                    .into(),
            None,
));
        }
        if !codes::is_configurable(code) {
            let known: Vec<&str> = codes::configurable().collect();
            let span = Span::new(file, start..start + code.len());
            let (help, suggestion) = match did_you_mean(code, known.iter().copied()) {
                Some(s) => (
                    format!("did you mean `{s}`?"),
                    Some(Suggestion {
                        span,
                        replacement: s.to_string(),
                    }),
                ),
                None => (
                    format!("codes that can be suppressed: {}", known.join(", ")),
                    None,
                ),
            };
            return Err((
                format!("`{code}` cannot be suppressed: not a warning or lint code"),
                help,
                suggestion,
            ));
        }
        codes.push((code.to_string(), Span::new(file, start..start + code.len())));
    }
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes_of(rest: &str) -> Result<Vec<String>, String> {
        parse(rest, 0, 0)
            .map(|v| v.into_iter().map(|(c, _)| c).collect())
            .map_err(|(m, _, _)| m)
    }

    #[test]
    fn parses_codes_and_requires_a_reason() {
        assert_eq!(
            codes_of(": empty-file -- old"),
            Ok(vec!["empty-file".into()])
        );
        assert_eq!(
            codes_of(":empty-file,duplicate-fragment--why"),
            Ok(vec!["empty-file".into(), "duplicate-fragment".into()])
        );
        assert_eq!(
            codes_of(": empty-file"),
            Err("suppression without a reason".into())
        );
        assert_eq!(
            codes_of(": empty-file --   "),
            Err("suppression without a reason".into())
        );
        assert_eq!(
            codes_of(" empty-file -- x"),
            Err("`evdef-ignore` must be followed by `:` and the codes to suppress".into())
        );
        assert_eq!(
            codes_of(": , empty-file -- x"),
            Err("suppression names no code".into())
        );
        assert!(codes_of(": unknown-type -- x").is_err());
        assert!(codes_of(": unused-suppression -- x").is_err());
    }

    #[test]
    fn code_spans_point_at_the_codes() {
        let rest = ": empty-file,  duplicate-fragment -- x";
        let parsed = parse(rest, 3, 100).unwrap();
        let spans: Vec<_> = parsed.iter().map(|(_, s)| s.range()).collect();
        assert_eq!(spans, vec![102..112, 115..133]);
        assert_eq!(
            &rest[spans[1].start - 100..spans[1].end - 100],
            "duplicate-fragment"
        );
    }

    #[test]
    fn a_misspelt_code_suggests_the_code_at_its_span() {
        let rest = ": empty-file, duplicate-fragmnt -- x";
        let Err((_, help, suggestion)) = parse(rest, 3, 100) else {
            panic!("accepted");
        };
        assert_eq!(help, "did you mean `duplicate-fragment`?");
        let s = suggestion.expect("a suggestion");
        assert_eq!(s.replacement, "duplicate-fragment");
        assert_eq!(
            &rest[s.span.start as usize - 100..s.span.end as usize - 100],
            "duplicate-fragmnt"
        );
        assert_eq!(s.span.file, 3);
        // Nothing close: no suggestion.
        let Err((_, _, none)) = parse(": zzz -- x", 0, 0) else {
            panic!("accepted");
        };
        assert_eq!(none, None);
    }

    #[test]
    fn scanned_suppressions_cover_their_lines_and_point_at_codes() {
        let text = "a: 1 # evdef-ignore: empty-file -- x\r\n# evdef-ignore: empty-file -- y\r\n# more\r\nb: 2\r\n";
        let file = SourceFile::new("t.yaml", "t.yaml", text);
        let (found, invalid) = scan_file(0, &file);
        assert!(invalid.is_empty(), "{invalid:?}");
        let lines: Vec<_> = found.iter().map(|s| s.lines.clone()).collect();
        assert_eq!(lines, vec![vec![0], vec![1, 3]]);
        for s in &found {
            assert_eq!(file.slice(s.codes[0].1), "empty-file");
        }
    }
}
