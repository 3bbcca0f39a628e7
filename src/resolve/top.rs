//! The top level of every document: its keys sorted into fragments (`.name`) and events, each event name
//! once and none in a prelude, with the diagnostics of empty files and of documents that are not mappings.

use std::collections::HashMap;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::diagnostics::Diagnostic;
use crate::source::{SourceMap, Span};
use crate::yaml::{self, Entry, Merger, NodeId, NodeKind, Tree};

/// A fragment (`.name: ...`) found at the top level of a document.
pub(super) struct FragmentNode {
    pub(super) name: String,
    pub(super) name_span: Span,
    pub(super) node: NodeId,
    pub(super) anchor: Option<yaml::Anchor>,
}

/// An event found at the top level of a document: its name, the name's span, and its definition.
pub(super) struct EventNode {
    pub(super) name: Arc<str>,
    pub(super) span: Span,
    pub(super) value: NodeId,
}

/// The top-level keys of a tree's documents, sorted into fragments and events.
pub(super) struct TopLevel {
    pub(super) fragments: Vec<FragmentNode>,
    pub(super) events: Vec<EventNode>,
}

/// Reads the top level of every document, a tree at a time in order: fragments, events (each name once,
/// none in a prelude), and the diagnostics of empty files and of documents that are not mappings.
pub(super) struct Reader {
    documents_per_file: HashMap<crate::source::FileId, usize>,
    /// Keyed by the names the tree holds (shared, not copied).
    event_spans: FxHashMap<Arc<str>, Span>,
}

impl Reader {
    /// A reader for the documents of `trees`.
    pub(super) fn new<'t>(trees: impl Iterator<Item = &'t Tree>) -> Self {
        let mut documents_per_file: HashMap<crate::source::FileId, usize> = HashMap::new();
        for doc in trees.flat_map(|t| &t.documents) {
            *documents_per_file.entry(doc.file).or_default() += 1;
        }
        Reader {
            documents_per_file,
            event_spans: FxHashMap::default(),
        }
    }

    /// The top level of the documents of `merger`'s tree, after every earlier tree's.
    pub(super) fn read(
        &mut self,
        sources: &SourceMap,
        merger: &mut Merger<'_>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> TopLevel {
        let mut top = TopLevel {
            fragments: Vec::new(),
            events: Vec::new(),
        };
        let tree = merger.tree();
        for doc in &tree.documents {
            let Some(root) = doc.root else {
                if sources.get(doc.file).text.trim().is_empty()
                    || self.documents_per_file.get(&doc.file) == Some(&1)
                {
                    diagnostics.push(
                        Diagnostic::warning(
                            "empty-file",
                            format!("`{}` defines nothing", sources.get(doc.file).name),
                            Span::new(doc.file, 0..0),
                        )
                        .with_help("add event definitions, or delete the file"),
                    );
                }
                continue;
            };
            let root_node = tree.resolved(root);
            if matches!(&root_node.kind, NodeKind::Scalar(s) if s.plain && s.value.is_empty()) {
                continue;
            }
            let Some(mapping) = merger.mapping(root, diagnostics) else {
                diagnostics.push(
                    Diagnostic::error(
                        "invalid-document",
                        format!("a definitions file must be a mapping of event names to definitions, not {}", tree.describe(root)),
                        root_node.span,
                    )
                    .with_label("expected `event_name: {...}`"),
                );
                continue;
            };
            for entry in &mapping.entries {
                top.add(tree, doc.prelude, entry, &mut self.event_spans, diagnostics);
            }
        }
        top
    }
}

impl TopLevel {
    /// One top-level entry of `tree`: a fragment, or an event (refused in a prelude, and when its name is
    /// taken).
    fn add(
        &mut self,
        tree: &Tree,
        prelude: bool,
        entry: &Entry,
        event_spans: &mut FxHashMap<Arc<str>, Span>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let key_span = tree.get(entry.key_node).span;
        if entry.key.starts_with('.') {
            let node = tree.deref(entry.value);
            self.fragments.push(FragmentNode {
                name: String::from(&*entry.key),
                name_span: key_span,
                node,
                anchor: tree.get(node).anchor.as_deref().cloned(),
            });
        } else if prelude {
            diagnostics.push(
                Diagnostic::error(
                    "event-in-prelude",
                    format!("prelude files hold only fragments, but `{}` is an event", entry.key),
                    key_span,
                )
                .with_help(format!(
                    "move `{}` to a file whose name does not start with `_`, or rename it `.{}` to make it a fragment",
                    entry.key, entry.key
                )),
            );
        } else if let Some(first) = event_spans.get(&*entry.key) {
            diagnostics.push(
                Diagnostic::error(
                    "duplicate-event",
                    format!("event `{}` is defined twice", entry.key),
                    key_span,
                )
                .with_label("second definition")
                .with_secondary(*first, "first defined here")
                .with_help("event names must be unique across all definitions files"),
            );
        } else {
            event_spans.insert(Arc::clone(&entry.key), key_span);
            self.events.push(EventNode {
                name: Arc::clone(&entry.key),
                span: key_span,
                value: entry.value,
            });
        }
    }
}
