//! `textDocument/codeAction`: a quick fix for each diagnostic that carries a [`Suggestion`] (unknown keys,
//! types and aliases, misspelt suppression codes, the naming convention), with its edit.
//!
//! [`Suggestion`]: crate::diagnostics::Suggestion

use std::collections::HashMap;

use lsp_types::{CodeAction, CodeActionKind, TextEdit, Url, WorkspaceEdit};

use crate::lsp::session::Analysis;
use crate::source::FileId;

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
        // A suggestion edits the file the diagnostic is shown in (the code action's document).
        let Some(fix) = d.suggestion.as_ref().filter(|s| s.span.file == file) else {
            continue;
        };
        let with = &fix.replacement;
        let edit = TextEdit::new(lines.range(fix.span), with.clone());
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
