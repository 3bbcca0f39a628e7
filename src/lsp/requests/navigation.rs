//! Navigation: go to definition (alias → anchor, across prelude files), find references (every alias of an
//! anchor) and document symbols (events, fragments and their parameters, named by their YAML key).

use lsp_types::{DocumentSymbol, SymbolKind};

use crate::lsp::query;
use crate::lsp::session::Analysis;
use crate::model::Parameters;
use crate::source::{FileId, Span};
use crate::yaml::NodeKind;

/// The anchor (`&name` token) an alias at `offset` refers to, or the anchor itself.
pub fn definition(analysis: &Analysis, file: FileId, offset: usize) -> Option<Span> {
    let item = query::item_at(analysis, file, offset)?;
    let target = query::anchored_node(analysis, item)?;
    analysis.tree.get(target).anchor.as_ref().map(|a| a.span)
}

/// Every alias of the anchor at `offset` (or of the anchor an alias there refers to), with the anchor
/// itself first when `declaration` is asked for.
pub fn references(
    analysis: &Analysis,
    file: FileId,
    offset: usize,
    declaration: bool,
) -> Vec<Span> {
    let Some(item) = query::item_at(analysis, file, offset) else {
        return Vec::new();
    };
    let Some(target) = query::anchored_node(analysis, item) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    if declaration && let Some(anchor) = &analysis.tree.get(target).anchor {
        found.push(anchor.span);
    }
    found.extend(
        analysis
            .tree
            .nodes
            .iter()
            .filter_map(|node| match &node.kind {
                NodeKind::Alias {
                    target: Some(t), ..
                } if *t == target => Some(node.span),
                _ => None,
            }),
    );
    found
}

/// The symbols of one file: its events and fragments, each with the parameters written in it.
#[allow(
    deprecated,
    reason = "`DocumentSymbol::deprecated` must be set; `tags` replaces it"
)]
pub fn symbols(analysis: &Analysis, file: FileId) -> Vec<DocumentSymbol> {
    let Some(lines) = analysis.lines(file) else {
        return Vec::new();
    };
    let catalog = &analysis.compiled.catalog;
    let events = catalog.events.values().map(|e| {
        (
            &e.name,
            e.name_span,
            &*e.parameters,
            SymbolKind::EVENT,
            None,
        )
    });
    let fragments = catalog.fragments.values().map(|f| {
        let detail = f.anchor.as_ref().map(|a| format!("&{a}"));
        (
            &f.name,
            f.name_span,
            &f.parameters,
            SymbolKind::OBJECT,
            detail,
        )
    });
    events
        .chain(fragments)
        .filter(|(_, span, ..)| span.file == file)
        .map(|(name, span, parameters, kind, detail)| {
            let whole = entry_span(analysis, span).unwrap_or(span);
            DocumentSymbol {
                name: name.clone(),
                detail,
                kind,
                tags: None,
                deprecated: None,
                range: lines.range(whole),
                selection_range: lines.range(span),
                children: Some(parameter_symbols(lines, parameters, file)),
            }
        })
        .collect()
}

#[allow(
    deprecated,
    reason = "`DocumentSymbol::deprecated` must be set; `tags` replaces it"
)]
fn parameter_symbols(
    lines: &crate::lsp::convert::LineIndex,
    parameters: &Parameters,
    file: FileId,
) -> Vec<DocumentSymbol> {
    parameters
        .values()
        .filter(|p| !p.origin.is_inherited() && p.key_span.file == file)
        .map(|p| {
            let key = p.key_span;
            let value = p.value_span;
            let end = if value.file == file {
                value.end.max(key.end)
            } else {
                key.end
            };
            let whole = Span {
                file,
                start: key.start,
                end,
            };
            DocumentSymbol {
                name: p.name.clone(),
                detail: Some(p.schema.ty.display()),
                kind: SymbolKind::FIELD,
                tags: None,
                deprecated: None,
                range: lines.range(whole),
                selection_range: lines.range(key),
                children: query::nested(&p.schema.ty)
                    .map(|inner| parameter_symbols(lines, inner, file)),
            }
        })
        .collect()
}

/// The span of a top-level entry from its key to the end of its value.
fn entry_span(analysis: &Analysis, key: Span) -> Option<Span> {
    let tree = &analysis.tree;
    tree.documents
        .iter()
        .filter(|d| d.file == key.file)
        .filter_map(|d| d.root)
        .find_map(|root| match &tree.get(root).kind {
            NodeKind::Mapping(pairs) => {
                pairs
                    .iter()
                    .find(|(k, _)| tree.get(*k).span == key)
                    .map(|(_, v)| match tree.get(*v).span {
                        value if value.file == key.file => Span {
                            file: key.file,
                            start: key.start,
                            end: value.end.max(key.end),
                        },
                        _ => key,
                    })
            }
            _ => None,
        })
}
