//! evdef diagnostics → LSP diagnostics, per file of a tree, with the help text and secondary labels kept
//! (as related information, so an alias's error can point at the anchor in a prelude).

use lsp_types::{DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Url};

use crate::diagnostics::{Diagnostic, Severity};
use crate::lsp::session::Analysis;
use crate::source::FileId;

/// The LSP diagnostics of every file of the analysis, by file id (an entry for each file, empty when clean).
/// Diagnostics without a place (an empty tree) are left out: they belong to no file.
pub fn by_file(analysis: &Analysis) -> Vec<Vec<lsp_types::Diagnostic>> {
    let mut out = vec![Vec::new(); analysis.sources().len()];
    for d in &analysis.compiled.diagnostics {
        let Some(span) = d.span() else { continue };
        if let Some(list) = out.get_mut(span.file as usize) {
            list.push(convert(analysis, d));
        }
    }
    out
}

/// The URL of a loaded file.
pub fn url(analysis: &Analysis, file: FileId) -> Option<Url> {
    Url::from_file_path(analysis.sources().path(file)).ok()
}

fn convert(analysis: &Analysis, d: &Diagnostic) -> lsp_types::Diagnostic {
    let range = d
        .primary
        .as_ref()
        .and_then(|l| Some(analysis.lines(l.span.file)?.range(l.span)))
        .unwrap_or_default();
    let mut message = d.message.clone();
    if let Some(label) = d.primary.as_ref().filter(|l| !l.text.is_empty()) {
        message.push_str(&format!(": {}", label.text));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .filter_map(|label| {
            let lines = analysis.lines(label.span.file)?;
            Some(DiagnosticRelatedInformation {
                location: Location::new(url(analysis, label.span.file)?, lines.range(label.span)),
                message: label.text.clone(),
            })
        })
        .collect();
    lsp_types::Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.code.into())),
        source: Some("evdef".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..lsp_types::Diagnostic::default()
    }
}
