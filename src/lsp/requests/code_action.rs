//! `textDocument/codeAction`: a quick fix for each diagnostic that carries a suggestion — "did you mean
//! `x`?" (unknown keys, types, aliases) and the naming convention's "try `x`" — with its edit.

use std::collections::HashMap;

use lsp_types::{CodeAction, CodeActionKind, TextEdit, Url, WorkspaceEdit};

use crate::diagnostics::Diagnostic;
use crate::lsp::session::Analysis;
use crate::source::{FileId, Span};

/// The quick fixes for diagnostics of `file` whose primary span overlaps `start..=end` (byte offsets).
pub fn actions(
    analysis: &Analysis,
    file: FileId,
    url: &Url,
    start: usize,
    end: usize,
) -> Vec<CodeAction> {
    let Some(lines) = analysis.lines(file) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for d in &analysis.compiled.diagnostics {
        let Some(span) = d.span().filter(|s| s.file == file) else {
            continue;
        };
        if (span.end as usize) < start || (span.start as usize) > end {
            continue;
        }
        let Some((replace, with)) = fix(analysis, d, span) else {
            continue;
        };
        let edit = TextEdit::new(lines.range(replace), with.clone());
        out.push(CodeAction {
            title: format!("replace with `{with}`"),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: None,
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(url.clone(), vec![edit])])),
                ..WorkspaceEdit::default()
            }),
            is_preferred: Some(true),
            ..CodeAction::default()
        });
    }
    out
}

/// The span to replace and its replacement: the suggestion replaces the word the message names (the
/// first backticked word), found in the diagnostic's text; without it, the whole span.
fn fix(analysis: &Analysis, d: &Diagnostic, span: Span) -> Option<(Span, String)> {
    let texts = d
        .primary
        .iter()
        .map(|l| l.text.as_str())
        .chain(d.help.as_deref());
    let suggestion = texts
        .filter_map(|t| {
            let rest = t
                .strip_prefix("did you mean `")
                .or_else(|| t.strip_prefix("try `"))?;
            rest.split_once('`').map(|(s, _)| s)
        })
        .next()?
        .trim_start_matches('*');
    let wrong = d.message.split('`').nth(1)?.trim_start_matches('*');
    let written = analysis.sources().get(span.file).slice(span);
    if wrong == suggestion {
        return None;
    }
    let replace = match written.find(wrong) {
        Some(at) => Span {
            file: span.file,
            start: span.start + u32::try_from(at).ok()?,
            end: span.start + u32::try_from(at + wrong.len()).ok()?,
        },
        None => span,
    };
    Some((replace, suggestion.to_string()))
}
