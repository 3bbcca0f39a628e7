//! What is at a place in a file: an alias, an anchor, an event or fragment name, or a parameter key. Every
//! request that points at something (hover, definition, references) asks here, on the last analysis.

use crate::lsp::session::Analysis;
use crate::model::{Event, Fragment, Parameter, Parameters, Type};
use crate::source::{FileId, Span};
use crate::yaml::{NodeId, NodeKind};

/// Something a cursor can be on.
#[derive(Debug, Clone, Copy)]
pub enum Item<'a> {
    /// `*name`: the alias node.
    Alias(NodeId),
    /// `&name`: the anchored node.
    Anchor(NodeId),
    /// An event's name.
    Event(&'a Event),
    /// A fragment's name (`.user`).
    Fragment(&'a Fragment),
    /// A parameter's key where it is written.
    Parameter(&'a Parameter),
}

/// Whether a span of `file` holds `offset` (its end included, where an editor's cursor stops after a word).
pub fn holds(span: Span, file: FileId, offset: usize) -> bool {
    span.file == file && (span.start as usize..=span.end as usize).contains(&offset)
}

/// The innermost item at `offset` in `file`.
pub fn item_at(analysis: &Analysis, file: FileId, offset: usize) -> Option<Item<'_>> {
    if let Some(item) = token_at(analysis, file, offset) {
        return Some(item);
    }
    let catalog = &analysis.compiled.catalog;
    if let Some(e) = catalog
        .events
        .values()
        .find(|e| holds(e.name_span, file, offset))
    {
        return Some(Item::Event(e));
    }
    if let Some(f) = catalog
        .fragments
        .values()
        .find(|f| holds(f.name_span, file, offset))
    {
        return Some(Item::Fragment(f));
    }
    let written = catalog
        .fragments
        .values()
        .map(|f| &f.parameters)
        .chain(catalog.events.values().map(|e| &*e.parameters));
    for parameters in written {
        if let Some(p) = parameter_at(parameters, file, offset) {
            return Some(Item::Parameter(p));
        }
    }
    None
}

/// An alias or an anchor token at `offset` (the smallest one, should they nest).
fn token_at(analysis: &Analysis, file: FileId, offset: usize) -> Option<Item<'_>> {
    let mut best: Option<(usize, Item<'_>)> = None;
    for (id, node) in analysis.tree.nodes.iter().enumerate() {
        let id = NodeId::try_from(id).unwrap_or(NodeId::MAX);
        let found = match (&node.kind, &node.anchor) {
            (NodeKind::Alias { .. }, _) if holds(node.span, file, offset) => {
                Some((node.span.len(), Item::Alias(id)))
            }
            (_, Some(anchor)) if holds(anchor.span, file, offset) => {
                Some((anchor.span.len(), Item::Anchor(id)))
            }
            _ => None,
        };
        if let Some((len, item)) = found
            && best.as_ref().is_none_or(|(l, _)| len < *l)
        {
            best = Some((len, item));
        }
    }
    best.map(|(_, item)| item)
}

/// The parameter written at `offset` (its key or its definition), the innermost of nested properties,
/// items and values.
fn parameter_at(parameters: &Parameters, file: FileId, offset: usize) -> Option<&Parameter> {
    for p in parameters.values() {
        if holds(p.key_span, file, offset) {
            return Some(p);
        }
        // Anywhere in a long-form definition (`type:`, `enum:` ...) is the parameter, or a property in it.
        if p.key_span.file == file
            && p.value_span.file == file
            && (p.key_span.start as usize..=p.value_span.end as usize).contains(&offset)
        {
            let inner = nested(&p.schema.ty).and_then(|inner| parameter_at(inner, file, offset));
            return Some(inner.unwrap_or(p));
        }
    }
    None
}

/// The parameters nested in a type: an object's properties, through arrays and maps.
pub fn nested(ty: &Type) -> Option<&Parameters> {
    match ty {
        Type::Object(properties) => Some(properties),
        Type::Array(items) => nested(&items.ty),
        Type::Map(values) => nested(&values.ty),
        _ => None,
    }
}

/// The anchored node an alias points at, the anchored node itself, or the value of a fragment (`.user`).
pub fn anchored_node(analysis: &Analysis, item: Item<'_>) -> Option<NodeId> {
    match item {
        Item::Anchor(id) => Some(id),
        Item::Fragment(fragment) => fragment_value(analysis, fragment),
        Item::Alias(id) => match &analysis.tree.get(id).kind {
            NodeKind::Alias { target, .. } => *target,
            _ => None,
        },
        _ => None,
    }
}

/// The fragment whose value is the anchored node `target`, if it is a top-level fragment.
pub fn fragment_of(analysis: &Analysis, target: NodeId) -> Option<&Fragment> {
    let node = analysis.tree.get(target);
    let name = &node.anchor.as_ref()?.name;
    analysis
        .compiled
        .catalog
        .fragments
        .values()
        .filter(|f| f.anchor.as_deref() == Some(name.as_str()))
        .rfind(|f| f.name_span.file == node.span.file && f.name_span.start <= node.span.start)
}

/// The anchored value node of a top-level fragment.
fn fragment_value(analysis: &Analysis, fragment: &Fragment) -> Option<NodeId> {
    let tree = &analysis.tree;
    let key = fragment.name_span;
    tree.documents
        .iter()
        .filter(|d| d.file == key.file)
        .filter_map(|d| d.root)
        .find_map(|root| match &tree.get(root).kind {
            NodeKind::Mapping(pairs) => pairs
                .iter()
                .find(|(k, _)| tree.get(*k).span == key)
                .map(|(_, v)| *v),
            _ => None,
        })
        .filter(|v| tree.get(*v).anchor.is_some())
}
