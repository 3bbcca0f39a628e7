//! `textDocument/completion`, read from the line being typed (a half-typed file has no tree to ask): type
//! names with their `?` and `[]` forms after a parameter key, anchors after `*`, and the keys of an event
//! or of a long-form parameter at a key's place. The key lists are the resolver's, so they cannot drift.

use lsp_types::{CompletionItem, CompletionItemKind};

use crate::lsp::session::Analysis;
use crate::model::Type;
use crate::resolve::{EVENT_KEYS, PARAMETER_KEYS};
use crate::source::FileId;

/// Keys under which parameters are written: their children are parameter names.
const PARAMETER_PARENTS: [&str; 2] = ["parameters", "properties"];

/// Completions at `offset` of `text` (the buffer of `file`, which the analysis may hold an older state of).
pub fn complete(
    analysis: Option<&Analysis>,
    file: Option<FileId>,
    text: &str,
    offset: usize,
) -> Vec<CompletionItem> {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..offset];
    let word_start = line
        .rfind(|c: char| c.is_whitespace() || "[]{},:".contains(c))
        .map_or(0, |i| i + 1);
    if line[word_start..].starts_with('*') {
        return anchors(analysis, file, text);
    }
    let indent = line.len() - line.trim_start().len();
    let body = line.trim_start().trim_start_matches("- ");
    if let Some((key, _)) = body.split_once(':') {
        let key = key.trim();
        let mut chain = parents(&text[..line_start], indent);
        chain.push(key);
        return match key {
            "type" => types(false),
            "items" | "values" => types(true),
            _ if is_parameter(&chain) => types(true),
            _ => Vec::new(),
        };
    }
    if body.contains(char::is_whitespace) || indent == 0 {
        return Vec::new();
    }
    let parents = parents(&text[..line_start], indent);
    match parents.as_slice() {
        [event, ..] if !event.starts_with('.') && parents.len() == 1 => {
            keys(EVENT_KEYS.iter().map(|k| (k.name(), k.description())))
        }
        _ if is_parameter(&parents) => {
            keys(PARAMETER_KEYS.iter().map(|k| (k.name(), k.description())))
        }
        [.., "items" | "values"] => {
            keys(PARAMETER_KEYS.iter().map(|k| (k.name(), k.description())))
        }
        _ => Vec::new(),
    }
}

/// Whether the innermost key of a chain of keys names a parameter: a child of `parameters` or
/// `properties`, or of a fragment.
fn is_parameter(chain: &[&str]) -> bool {
    match chain {
        [fragment, _] if fragment.starts_with('.') => true,
        [.., parent, _] => PARAMETER_PARENTS.contains(parent),
        _ => false,
    }
}

/// The keys enclosing a line indented by `indent`, outermost first, read upward from the text before it.
fn parents(before: &str, indent: usize) -> Vec<&str> {
    let mut found = Vec::new();
    let mut limit = indent;
    for line in before.lines().rev() {
        if limit == 0 {
            break;
        }
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let own = line.len() - trimmed.len();
        if own < limit {
            let key = trimmed.trim_start_matches("- ");
            let key = key.split_once(':').map_or(key, |(k, _)| k).trim();
            found.push(key);
            limit = own;
        }
    }
    found.reverse();
    found
}

/// Type names, with their optional and array forms for a short-form parameter.
fn types(short_form: bool) -> Vec<CompletionItem> {
    let mut out = Vec::new();
    for name in Type::NAMES {
        let forms: &[&str] = if short_form && Type::scalar(name).is_some() {
            &["", "?", "[]", "[]?"]
        } else {
            &[""]
        };
        for suffix in forms {
            out.push(CompletionItem {
                label: format!("{name}{suffix}"),
                kind: Some(CompletionItemKind::TYPE_PARAMETER),
                detail: Some(describe(suffix).into()),
                ..CompletionItem::default()
            });
        }
    }
    out
}

fn describe(suffix: &str) -> &'static str {
    match suffix {
        "?" => "optional",
        "[]" => "array",
        "[]?" => "optional array",
        _ => "type",
    }
}

/// Keys of a mapping, each with its description from the definitions language (`resolve::raw`).
fn keys(keys: impl Iterator<Item = (&'static str, &'static str)>) -> Vec<CompletionItem> {
    keys.map(|(key, description)| CompletionItem {
        label: key.into(),
        kind: Some(CompletionItemKind::PROPERTY),
        documentation: Some(lsp_types::Documentation::String(description.into())),
        insert_text: Some(format!("{key}: ")),
        ..CompletionItem::default()
    })
    .collect()
}

/// Anchors visible from the file: its own (read from the buffer, which may be ahead of the analysis) and
/// the preludes'.
fn anchors(analysis: Option<&Analysis>, file: Option<FileId>, text: &str) -> Vec<CompletionItem> {
    let mut names: Vec<(String, String)> = Vec::new();
    for (at, _) in text.match_indices('&') {
        let name: String = text[at + 1..]
            .chars()
            .take_while(|c| !c.is_whitespace() && !"[]{},".contains(*c))
            .collect();
        if !name.is_empty() {
            names.push((name, "anchor in this file".into()));
        }
    }
    if let Some(analysis) = analysis {
        let tree = &analysis.tree;
        for document in tree.documents.iter().filter(|d| d.prelude) {
            if Some(document.file) == file {
                continue;
            }
            let source = analysis.sources().get(document.file);
            // Breadth first, so the fragments come in the order they are written.
            let mut pending: std::collections::VecDeque<u32> = document.root.into_iter().collect();
            while let Some(id) = pending.pop_front() {
                let node = tree.get(id);
                if let Some(anchor) = &node.anchor {
                    names.push((anchor.name.clone(), format!("anchor in {}", source.name)));
                }
                match &node.kind {
                    crate::yaml::NodeKind::Mapping(pairs) => {
                        pending.extend(pairs.iter().map(|(_, v)| *v));
                    }
                    crate::yaml::NodeKind::Sequence(items) => pending.extend(items.iter()),
                    _ => {}
                }
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    names
        .into_iter()
        .filter(|(name, _)| seen.insert(name.clone()))
        .map(|(label, detail)| CompletionItem {
            label,
            kind: Some(CompletionItemKind::REFERENCE),
            detail: Some(detail),
            ..CompletionItem::default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(text: &str) -> Vec<String> {
        let offset = text.find('|').unwrap();
        let text = text.replace('|', "");
        complete(None, None, &text, offset)
            .into_iter()
            .map(|c| c.label)
            .collect()
    }

    #[test]
    fn types_after_a_parameter_key() {
        let found = labels("e:\n  parameters:\n    user_id: str|\n");
        assert!(found.contains(&"string?".to_string()), "{found:?}");
        assert!(found.contains(&"uuid[]".to_string()));
        let found = labels(".user: &user\n  id: |\n");
        assert!(found.contains(&"integer".to_string()), "{found:?}");
        let found = labels("e:\n  parameters:\n    p:\n      type: |\n");
        assert!(found.contains(&"object".to_string()));
        assert!(!found.contains(&"string?".to_string()));
    }

    #[test]
    fn keys_of_events_and_long_form_parameters() {
        let found = labels("e:\n  desc|\n");
        assert!(found.contains(&"description".to_string()), "{found:?}");
        assert!(found.contains(&"parameters".to_string()));
        let found = labels("e:\n  parameters:\n    p:\n      type: string\n      min|\n");
        assert!(found.contains(&"min_length".to_string()), "{found:?}");
        assert!(!found.contains(&"owner".to_string()));
        // A parameter name's place offers nothing.
        assert!(labels("e:\n  parameters:\n    us|\n").is_empty());
    }

    #[test]
    fn anchors_after_a_star() {
        let found = labels(".a: &user_base\n  id: integer\ne:\n  parameters:\n    <<: *us|\n");
        assert_eq!(found, ["user_base"]);
    }
}
