//! Building a file's part of the [`Tree`] from `granit-parser` events: nodes with spans, anchors,
//! aliases (to this document's anchors or a prelude's), duplicate keys and alias cycles diagnosed on the
//! way, and what each document expands to ([`super::budget`]) measured as its nodes close. [`parse_file`]
//! is the entry point; [`super::parse_all`] calls it for every file.

use std::collections::HashMap;

use granit_parser::{Event, Parser};

use super::node::Expansion;
use super::{Anchor, Document, NESTING_LIMIT, Node, NodeId, NodeKind, SMALL_MAPPING, Scalar, Tree};
use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::source::{FileId, SourceMap, Span};

/// An open collection while building. Its children so far are the tail of the builder's `items` or
/// `pairs` from `start` on; closing it moves them into an exactly sized slice. `size` is what its children
/// so far expand to, `anchored` whether it carries an anchor (an alias may then take its size).
enum Frame {
    Sequence {
        id: NodeId,
        start: usize,
        size: Expansion,
        anchored: bool,
    },
    Mapping {
        id: NodeId,
        start: usize,
        /// The key waiting for its value, and what it expands to.
        key: Option<(NodeId, Expansion)>,
        size: Expansion,
        anchored: bool,
    },
}

impl Frame {
    fn id(&self) -> NodeId {
        match self {
            Frame::Sequence { id, .. } | Frame::Mapping { id, .. } => *id,
        }
    }
}

/// Builds one file's nodes into the shared tree from the parser's events.
struct Builder<'a> {
    file: FileId,
    /// Whether the file is a prelude (recorded on its documents).
    prelude: bool,
    /// Whether a document has ended (a file with none still gets an empty document).
    any_document: bool,
    tree: &'a mut Tree,
    stack: Vec<Frame>,
    /// Children of the open sequences, innermost last.
    items: Vec<NodeId>,
    /// Entries of the open mappings, innermost last.
    pairs: Vec<(NodeId, NodeId)>,
    /// granit anchor id → node, for this document.
    anchors: rustc_hash::FxHashMap<usize, NodeId>,
    /// Anchor names defined so far in this document (for "did you mean").
    anchor_names: Vec<String>,
    prelude_anchors: &'a HashMap<String, (NodeId, Span)>,
    last_node: Option<NodeId>,
    root: Option<NodeId>,
    /// What the root expands to.
    root_size: Expansion,
    /// What each node parsed before this file expands to (the preludes'), by id: given when this file's
    /// documents are to be measured as they are built (pushed to the tree's `expansion`), `None` when a
    /// walk measures them afterwards (preludes: their aliases reach earlier preludes' nodes).
    measure: Option<&'a [Expansion]>,
    /// What each anchored node of this document expands to, for its aliases.
    anchored_sizes: rustc_hash::FxHashMap<NodeId, Expansion>,
}

impl Builder<'_> {
    fn push_node(&mut self, kind: NodeKind, span: Span) -> NodeId {
        let id = NodeId::try_from(self.tree.nodes.len()).unwrap_or(NodeId::MAX);
        self.tree.nodes.push(Node {
            kind,
            span,
            anchor: None,
        });
        self.last_node = Some(id);
        id
    }

    /// Attach a finished node that expands to `size` (and carries an anchor if `anchored`) to its parent, or
    /// make it the root.
    fn attach(
        &mut self,
        id: NodeId,
        size: Expansion,
        anchored: bool,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        if anchored {
            self.anchored_sizes.insert(id, size);
        }
        match self.stack.last_mut() {
            None => {
                self.root = Some(id);
                self.root_size = size;
            }
            Some(Frame::Sequence { size: so_far, .. }) => {
                *so_far = so_far.with_item(size);
                self.items.push(id);
            }
            Some(Frame::Mapping {
                key, size: so_far, ..
            }) => match key.take() {
                None => {
                    if !matches!(
                        self.tree.get(id).kind,
                        NodeKind::Scalar(_) | NodeKind::Alias { .. }
                    ) {
                        diagnostics.push(
                            Diagnostic::error(
                                "complex-key",
                                "mapping keys must be scalars",
                                self.tree.get(id).span,
                            )
                            .with_label("a collection used as a key"),
                        );
                    }
                    *key = Some((id, size));
                }
                Some((k, key_size)) => {
                    *so_far = so_far.with_entry(key_size, size, self.tree.is_merge_key(k));
                    self.pairs.push((k, id));
                }
            },
        }
    }

    fn close(&mut self, end: usize, diagnostics: &mut Vec<Diagnostic>) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let id = frame.id();
        let (kind, size, anchored) = match frame {
            Frame::Sequence {
                start,
                size,
                anchored,
                ..
            } => (
                NodeKind::Sequence(self.items.drain(start..).collect()),
                size,
                anchored,
            ),
            Frame::Mapping {
                start,
                size,
                anchored,
                ..
            } => {
                let entries: Box<[(NodeId, NodeId)]> = self.pairs.drain(start..).collect();
                self.check_duplicate_keys(&entries, diagnostics);
                (NodeKind::Mapping(entries), size, anchored)
            }
        };
        let node = &mut self.tree.nodes[id as usize];
        node.kind = kind;
        node.span.end = node.span.end.max(u32::try_from(end).unwrap_or(u32::MAX));
        self.attach(id, size, anchored, diagnostics);
    }

    /// Two ordinary keys with the same text in one mapping: an error pointing at both. Merge keys may repeat.
    fn check_duplicate_keys(
        &self,
        entries: &[(NodeId, NodeId)],
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let keys = entries.iter().filter_map(|&(key, _)| {
            if self.tree.is_merge_key(key) {
                return None;
            }
            let scalar = self.tree.scalar(key)?;
            Some((&*scalar.value, self.tree.get(key).span))
        });
        let mut duplicates = Vec::new();
        if entries.len() <= SMALL_MAPPING {
            for (i, (text, span)) in keys.clone().enumerate() {
                if let Some((_, first)) = keys.clone().take(i).find(|(t, _)| *t == text) {
                    duplicates.push((text, span, first));
                }
            }
        } else {
            let mut seen: rustc_hash::FxHashMap<&str, Span> = rustc_hash::FxHashMap::default();
            for (text, span) in keys {
                match seen.get(text) {
                    Some(first) => duplicates.push((text, span, *first)),
                    None => {
                        seen.insert(text, span);
                    }
                }
            }
        }
        for (text, span, first) in duplicates {
            diagnostics.push(
                Diagnostic::error("duplicate-key", format!("duplicate key `{text}`"), span)
                    .with_label("second definition")
                    .with_secondary(first, "first defined here")
                    .with_help("remove one of them; to override an inherited key, merge it with `<<` instead"),
            );
        }
    }

    fn alias(
        &mut self,
        target: Option<NodeId>,
        name: String,
        span: Span,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        // An alias to a collection that is still open would make the tree cyclic (`a: &a {b: *a}`).
        let target = match target {
            Some(t) if self.stack.iter().any(|f| f.id() == t) => {
                let anchor_span = self.tree.get(t).anchor.as_ref().map(|a| a.span);
                let mut d = Diagnostic::error(
                    "alias-cycle",
                    format!("alias `*{name}` refers to a node that contains it"),
                    span,
                )
                .with_label("this alias is inside its own anchor")
                .with_help(
                    "a definition cannot include itself; move the shared part to its own fragment",
                );
                if let Some(a) = anchor_span {
                    d = d.with_secondary(a, "anchor defined here");
                }
                diagnostics.push(d);
                None
            }
            other => other,
        };
        // An alias expands to what its target does: a prelude's node, else an anchored node of this
        // document (closed: an open one is a cycle, refused above).
        let size = match (target, self.measure) {
            (Some(t), Some(before)) if (t as usize) < before.len() => before[t as usize],
            (Some(t), _) => self
                .anchored_sizes
                .get(&t)
                .copied()
                .unwrap_or(Expansion::SCALAR),
            (None, _) => Expansion::SCALAR,
        };
        let id = self.push_node(
            NodeKind::Alias {
                name: name.into_boxed_str(),
                target,
            },
            span,
        );
        self.attach(id, size, false, diagnostics);
    }
}

/// Parse one file into `tree`: each document becomes a [`Document`] (a file with none still gets one,
/// with no root). A syntax error ends the file with a `yaml-syntax` diagnostic; the documents completed
/// before it are kept.
pub(super) fn parse_file(
    sources: &SourceMap,
    file: FileId,
    prelude: bool,
    prelude_anchors: &HashMap<String, (NodeId, Span)>,
    measure: Option<&[Expansion]>,
    tree: &mut Tree,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let text = &sources.get(file).text;
    let options = granit_parser::options! {
        emit_anchor_events: true,
        emit_unresolved_aliases: true,
        emit_comments: false,
        flow_nesting_limit: NESTING_LIMIT,
        block_nesting_limit: NESTING_LIMIT,
    };
    let mut b = Builder {
        file,
        prelude,
        any_document: false,
        tree,
        stack: Vec::new(),
        items: Vec::new(),
        pairs: Vec::new(),
        anchors: rustc_hash::FxHashMap::default(),
        anchor_names: Vec::new(),
        prelude_anchors,
        last_node: None,
        root: None,
        root_size: Expansion::default(),
        measure,
        anchored_sizes: rustc_hash::FxHashMap::default(),
    };
    for next in Parser::new_from_str_with_options(text, options) {
        match next {
            Ok((event, span)) => {
                let sp = Span::new(file, span.byte_range().unwrap_or(0..0));
                b.event(event, sp, sources, diagnostics);
            }
            Err(e) => {
                diagnostics.push(syntax_error(&e, file, text));
                // The rest of the file cannot be trusted; earlier complete documents are kept.
                return;
            }
        }
    }
    if !b.any_document {
        // A file with no document at all (empty or only comments) still counts as loaded.
        b.tree.documents.push(Document {
            root: None,
            file,
            prelude,
        });
        if b.measure.is_some() {
            b.tree.expansion.push(Expansion::default());
        }
    }
}

/// The `yaml-syntax` diagnostic for a parser error, with a hint for deep nesting and for tabs.
fn syntax_error(e: &granit_parser::ScanError, file: FileId, text: &str) -> Diagnostic {
    let at = e.marker().byte_offset().unwrap_or(0);
    let message = e.to_string();
    // granit appends " at byte N line L column C"; our renderer shows the position itself.
    let info = message
        .split(" at byte ")
        .next()
        .and_then(|m| m.split(" at char ").next())
        .unwrap_or(&message)
        .to_string();
    let mut d = Diagnostic::error(
        "yaml-syntax",
        format!("invalid YAML: {info}"),
        Span::new(file, at..at),
    )
    .with_label(info.clone());
    if info.contains("nest") || info.contains("recursion") {
        d = d.with_help(format!(
            "definitions may nest at most {NESTING_LIMIT} levels deep"
        ));
    } else if text.contains('\t') && (info.contains("tab") || info.contains("indent")) {
        d = d.with_help("YAML indentation must use spaces, not tabs");
    }
    d
}

impl Builder<'_> {
    /// Take one parser event at `sp`.
    fn event(
        &mut self,
        event: Event,
        sp: Span,
        sources: &SourceMap,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        match event {
            Event::StreamStart | Event::StreamEnd => {}
            Event::DocumentStart(..) => self.start_document(),
            Event::DocumentEnd => {
                self.any_document = true;
                let root = self.root.take();
                if self.measure.is_some() {
                    // What a document without a root expands to: nothing.
                    let size = root.map_or_else(Expansion::default, |_| self.root_size);
                    self.tree.expansion.push(size);
                }
                self.tree.documents.push(Document {
                    root,
                    file: self.file,
                    prelude: self.prelude,
                });
            }
            Event::Scalar(value, style, anchor_id, tag) => {
                let scalar = Scalar {
                    value: value.into(),
                    plain: matches!(style, granit_parser::ScalarStyle::Plain),
                    tag: tag.map(|t| t.to_string().into_boxed_str()),
                };
                let id = self.push_node(NodeKind::Scalar(scalar), sp);
                self.anchor(anchor_id, id);
                self.attach(id, Expansion::SCALAR, anchor_id != 0, diagnostics);
            }
            Event::SequenceStart(_, anchor_id, _) => {
                let id = self.push_node(NodeKind::Sequence(Box::default()), sp);
                self.anchor(anchor_id, id);
                self.stack.push(Frame::Sequence {
                    id,
                    start: self.items.len(),
                    size: Expansion::SCALAR,
                    anchored: anchor_id != 0,
                });
            }
            Event::MappingStart(_, anchor_id, _) => {
                let id = self.push_node(NodeKind::Mapping(Box::default()), sp);
                self.anchor(anchor_id, id);
                self.stack.push(Frame::Mapping {
                    id,
                    start: self.pairs.len(),
                    key: None,
                    size: Expansion::SCALAR,
                    anchored: anchor_id != 0,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                // A collection ends where its last node does, if that is after the end event.
                let end = self
                    .tree
                    .nodes
                    .last()
                    .map_or(sp.end, |last| last.span.end.max(sp.end));
                self.close(end as usize, diagnostics);
            }
            Event::Anchor(_, name) => {
                if let Some(id) = self.last_node {
                    self.anchor_names.push(name.to_string());
                    self.tree.nodes[id as usize].anchor = Some(Box::new(Anchor {
                        name: name.into_owned(),
                        span: sp,
                    }));
                }
            }
            Event::Alias(anchor_id) => {
                let target = self.anchors.get(&anchor_id).copied();
                let name = sources
                    .get(self.file)
                    .slice(sp)
                    .trim_start_matches('*')
                    .to_string();
                self.alias(target, name, sp, diagnostics);
            }
            Event::UnresolvedAlias(name) => {
                self.unresolved_alias(name.into_owned(), sp, diagnostics)
            }
            // Comments (disabled in the options) and any event a later granit version adds carry no data.
            _ => {}
        }
    }

    /// A new document: its anchors and open collections start empty.
    fn start_document(&mut self) {
        self.anchors.clear();
        self.anchor_names.clear();
        self.root = None;
        self.anchored_sizes.clear();
        self.stack.clear();
        self.items.clear();
        self.pairs.clear();
    }

    /// Record granit's anchor id (0 for none) for the node just pushed.
    fn anchor(&mut self, anchor_id: usize, id: NodeId) {
        if anchor_id != 0 {
            self.anchors.insert(anchor_id, id);
        }
    }

    /// An alias to no anchor of this document: a prelude's anchor, else `undefined-alias`.
    fn unresolved_alias(&mut self, name: String, sp: Span, diagnostics: &mut Vec<Diagnostic>) {
        let target = self.prelude_anchors.get(&name).map(|(id, _)| *id);
        if target.is_none() {
            let known: Vec<&str> = self
                .anchor_names
                .iter()
                .map(String::as_str)
                .chain(self.prelude_anchors.keys().map(String::as_str))
                .collect();
            let mut d =
                Diagnostic::error("undefined-alias", format!("undefined alias `*{name}`"), sp)
                    .with_label("no anchor with this name");
            d = match did_you_mean(&name, known.iter().copied()) {
                Some(s) => {
                    // The name after `*`: the alias token ends with it.
                    let name_len = u32::try_from(name.len()).unwrap_or(u32::MAX);
                    let at = Span {
                        start: sp.end.saturating_sub(name_len).max(sp.start),
                        ..sp
                    };
                    d.with_help(format!("did you mean `*{s}`?"))
                        .with_suggestion(at, s)
                }
                None => d.with_help(
                    "define the anchor earlier in this document, or in a prelude file (`_*.yaml`) to share it",
                ),
            };
            diagnostics.push(d);
        }
        self.alias(target, name, sp, diagnostics);
    }
}
