//! SARIF 2.1.0 for code scanning: each diagnostic a result, its suggestion a fix. Columns and offsets count
//! Unicode scalar values (`columnKind: unicodeCodePoints`).

use serde_json::{Value, json};

use super::{Diagnostic, Severity};
use crate::source::{SourceMap, Span};

/// A SARIF 2.1.0 log with one run.
pub fn sarif(sources: &SourceMap, diagnostics: &[Diagnostic]) -> Value {
    let mut rules: Vec<&str> = diagnostics.iter().map(|d| d.code).collect();
    rules.sort_unstable();
    rules.dedup();
    let region = |span: Span| {
        let file = sources.get(span.file);
        let start = file.line_col(span.start as usize);
        let end = file.line_col(span.end as usize);
        // `columnKind` is `unicodeCodePoints`: offsets count scalar values, like the columns.
        let (from, to) = (
            file.char_offset(span.start as usize),
            file.char_offset(span.end as usize),
        );
        json!({
            "physicalLocation": {
                "artifactLocation": {"uri": file.name.replace('\\', "/")},
                "region": {
                    "startLine": start.line, "startColumn": start.column,
                    "endLine": end.line, "endColumn": end.column,
                    "charOffset": from,
                    "charLength": to.saturating_sub(from),
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
            if let Some(s) = &d.suggestion {
                let at = region(s.span);
                r["fixes"] = json!([{
                    "description": {"text": format!("replace with `{}`", s.replacement)},
                    "artifactChanges": [{
                        "artifactLocation": at["physicalLocation"]["artifactLocation"],
                        "replacements": [{
                            "deletedRegion": at["physicalLocation"]["region"],
                            "insertedContent": {"text": s.replacement},
                        }],
                    }],
                }]);
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
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}
