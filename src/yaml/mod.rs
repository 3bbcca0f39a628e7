//! YAML front end: turns `granit-parser` events into a spanned [`Tree`], links aliases to anchors (prelude
//! anchors are visible in every file), rejects alias cycles and duplicate keys, and resolves merge keys
//! ([`merge`]). It knows nothing about events.

pub mod budget;
pub mod comments;
pub mod merge;
pub mod node;
pub mod value;

use std::collections::HashMap;

use granit_parser::{Event, Parser};
use rayon::prelude::*;

pub use merge::{Entry, Hop, Merged, Merger, Via};
pub use node::{Anchor, Document, Node, NodeId, NodeKind, Scalar, Tree};

use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::source::{FileId, SourceMap, Span};

/// Bytes of YAML text per node, near the dense end of real definitions (`a: b` is two nodes in five
/// bytes): used to reserve room for a file's nodes before parsing it. Only a hint either way.
const BYTES_PER_NODE: usize = 3;

/// Mappings up to this many entries are checked for repeated keys by comparing each key with the earlier
/// ones, instead of building a set: nearly every mapping in definitions is that small.
const SMALL_MAPPING: usize = 16;

/// Maximum nesting of collections. Deeper input is rejected by the parser with a diagnostic.
pub const NESTING_LIMIT: usize = 128;

/// Whether a file name marks a prelude (`_common.yaml`).
pub fn is_prelude(sources: &SourceMap, file: FileId) -> bool {
    sources
        .path(file)
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('_'))
}

/// Parse every file (preludes first, each group in path order) into one tree. `parseable[i]` is false for
/// files that could not be decoded (already diagnosed).
pub fn parse_all(
    sources: &SourceMap,
    parseable: &[bool],
    diagnostics: &mut Vec<Diagnostic>,
) -> Tree {
    let mut tree = Tree::default();
    let mut prelude_anchors: HashMap<String, (NodeId, Span)> = HashMap::new();
    let (preludes, others): (Vec<_>, Vec<_>) = sources
        .files()
        .filter(|(id, _)| parseable.get(*id as usize).copied().unwrap_or(false))
        .map(|(id, _)| id)
        .partition(|id| is_prelude(sources, *id));
    for file in preludes {
        let before = tree.documents.len();
        parse_file(
            sources,
            file,
            true,
            &prelude_anchors,
            &mut tree,
            diagnostics,
        );
        // Anchors defined in this prelude become visible to every later file.
        for doc in &tree.documents[before..] {
            let Some(root) = doc.root else { continue };
            collect_anchors(&tree, root, &mut |name, id, span| {
                if let Some((_, first)) = prelude_anchors.get(name) {
                    diagnostics.push(
                        Diagnostic::warning(
                            "duplicate-anchor",
                            format!("anchor `&{name}` is defined in more than one prelude"),
                            span,
                        )
                        .with_label("this definition wins")
                        .with_secondary(*first, "first defined here"),
                    );
                }
                prelude_anchors.insert(name.to_string(), (id, span));
            });
        }
    }
    // The other files only read the preludes' nodes: parse them in parallel, a few groups of files per core
    // (so a core that falls behind does not hold the others up), each group into its own copy of the
    // prelude tree, then append the groups' new nodes in file order.
    let base = tree.nodes.len();
    let threads = rayon::current_num_threads().max(1);
    let group = others.len().div_ceil(threads * 4).max(1);
    // The number of nodes is known only after parsing. Reserving by text size spares the arenas from
    // growing by copying (pages never written cost nothing), and the first group's arena has room for
    // every group's nodes: it becomes the tree, so only the later groups are copied.
    let room_for = |files: &[FileId]| -> usize {
        files
            .iter()
            .map(|&f| sources.get(f).text.len() / BYTES_PER_NODE)
            .sum()
    };
    let parsed: Vec<(Tree, Vec<Diagnostic>)> = others
        .par_chunks(group)
        .enumerate()
        .map(|(i, files)| {
            let room = if i == 0 {
                room_for(&others)
            } else {
                room_for(files)
            };
            // Only a hint: if the room cannot be had (a huge input), the arena grows as it fills.
            let mut nodes = Vec::new();
            let _ = nodes.try_reserve_exact(base + room);
            nodes.extend_from_slice(&tree.nodes);
            let mut local = Tree {
                nodes,
                documents: Vec::new(),
            };
            let mut found = Vec::new();
            for &file in files {
                parse_file(
                    sources,
                    file,
                    false,
                    &prelude_anchors,
                    &mut local,
                    &mut found,
                );
            }
            (local, found)
        })
        .collect();
    let mut parsed = parsed.into_iter();
    if let Some((first, mut found)) = parsed.next() {
        let mut documents = std::mem::take(&mut tree.documents);
        documents.extend(first.documents);
        tree = Tree {
            nodes: first.nodes,
            documents,
        };
        diagnostics.append(&mut found);
    }
    let added: usize = parsed
        .as_slice()
        .iter()
        .map(|(local, _)| local.nodes.len() - base)
        .sum();
    tree.nodes.reserve_exact(added);
    for (local, mut found) in parsed {
        append(&mut tree, local, base);
        diagnostics.append(&mut found);
    }
    tree
}

/// Append the nodes a group added after the first `base` (shared) nodes, renumbering its own node ids.
fn append(tree: &mut Tree, local: Tree, base: usize) {
    let shift = tree.nodes.len() - base;
    let base = NodeId::try_from(base).unwrap_or(NodeId::MAX);
    let shift = NodeId::try_from(shift).unwrap_or(NodeId::MAX);
    let moved = |id: NodeId| {
        if id >= base {
            id.saturating_add(shift)
        } else {
            id
        }
    };
    for mut node in local.nodes.into_iter().skip(base as usize) {
        match &mut node.kind {
            NodeKind::Sequence(items) => items.iter_mut().for_each(|id| *id = moved(*id)),
            NodeKind::Mapping(pairs) => pairs.iter_mut().for_each(|(k, v)| {
                *k = moved(*k);
                *v = moved(*v);
            }),
            NodeKind::Alias {
                target: Some(t), ..
            } => *t = moved(*t),
            NodeKind::Scalar(_) | NodeKind::Alias { target: None, .. } => {}
        }
        tree.nodes.push(node);
    }
    tree.documents
        .extend(local.documents.into_iter().map(|mut d| {
            d.root = d.root.map(moved);
            d
        }));
}

impl Tree {
    /// Free the tree on every core: a large one has hundreds of thousands of nodes, each with its own
    /// allocations.
    pub fn free_in_parallel(self) {
        self.nodes.into_par_iter().for_each(drop);
    }
}

/// Parse one YAML text on its own, as the only (non-prelude) file of a run. For comparing evdef's reading of
/// YAML with other loaders (`tests/merge.rs` checks it against PyYAML); `name` only labels diagnostics.
pub fn load_str(name: &str, text: &str) -> (Tree, Vec<Diagnostic>) {
    let mut sources = SourceMap::new();
    sources.add(crate::source::SourceFile::new(name, name, text));
    let mut diagnostics = Vec::new();
    let tree = parse_all(&sources, &[true], &mut diagnostics);
    (tree, diagnostics)
}

/// Every document of a tree as JSON with merge keys applied, in order: what `yaml.safe_load_all` returns,
/// but with scalars typed by the YAML 1.2 core schema. An empty document is `null`; `None` marks a document
/// whose conversion failed (diagnosed), and every document when the tree is over the run's expansion budget
/// ([`budget`]).
pub fn documents_to_json(
    tree: &Tree,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Option<serde_json::Value>> {
    if !budget::check(tree, diagnostics) {
        return vec![None; tree.documents.len()];
    }
    let mut merger = Merger::new(tree);
    tree.documents
        .iter()
        .map(|doc| match doc.root {
            Some(root) => value::to_json(&mut merger, root, diagnostics),
            None => Some(serde_json::Value::Null),
        })
        .collect()
}

/// Every anchor in the subtree under `root` (aliases not followed), in document order.
fn collect_anchors(tree: &Tree, root: NodeId, f: &mut impl FnMut(&str, NodeId, Span)) {
    let mut stack = vec![root];
    let mut order = Vec::new();
    while let Some(id) = stack.pop() {
        let node = tree.get(id);
        if let Some(anchor) = &node.anchor {
            order.push((anchor.span, anchor.name.clone(), id));
        }
        match &node.kind {
            NodeKind::Sequence(items) => stack.extend(items.iter().rev()),
            NodeKind::Mapping(entries) => {
                stack.extend(entries.iter().rev().flat_map(|(k, v)| [*v, *k]))
            }
            _ => {}
        }
    }
    order.sort_by_key(|(span, _, _)| span.start);
    for (span, name, id) in order {
        f(&name, id, span);
    }
}

/// An open collection while building. Its children so far are the tail of the builder's `items` or
/// `pairs` from `start` on; closing it moves them into an exactly sized slice.
enum Frame {
    Sequence {
        id: NodeId,
        start: usize,
    },
    Mapping {
        id: NodeId,
        start: usize,
        key: Option<NodeId>,
    },
}

impl Frame {
    fn id(&self) -> NodeId {
        match self {
            Frame::Sequence { id, .. } | Frame::Mapping { id, .. } => *id,
        }
    }
}

struct Builder<'a> {
    file: FileId,
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

    /// Attach a finished node to its parent (or make it the root).
    fn attach(&mut self, id: NodeId, diagnostics: &mut Vec<Diagnostic>) {
        match self.stack.last_mut() {
            None => self.root = Some(id),
            Some(Frame::Sequence { .. }) => self.items.push(id),
            Some(Frame::Mapping { key, .. }) => match key.take() {
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
                    *key = Some(id);
                }
                Some(k) => self.pairs.push((k, id)),
            },
        }
    }

    fn close(&mut self, end: usize, diagnostics: &mut Vec<Diagnostic>) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let id = frame.id();
        let kind = match frame {
            Frame::Sequence { start, .. } => {
                NodeKind::Sequence(self.items.drain(start..).collect())
            }
            Frame::Mapping { start, .. } => {
                let entries: Box<[(NodeId, NodeId)]> = self.pairs.drain(start..).collect();
                self.check_duplicate_keys(&entries, diagnostics);
                NodeKind::Mapping(entries)
            }
        };
        let node = &mut self.tree.nodes[id as usize];
        node.kind = kind;
        node.span.end = node.span.end.max(u32::try_from(end).unwrap_or(u32::MAX));
        self.attach(id, diagnostics);
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
        let id = self.push_node(
            NodeKind::Alias {
                name: name.into_boxed_str(),
                target,
            },
            span,
        );
        self.attach(id, diagnostics);
    }
}

fn parse_file(
    sources: &SourceMap,
    file: FileId,
    prelude: bool,
    prelude_anchors: &HashMap<String, (NodeId, Span)>,
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
    let span_of = |s: &granit_parser::Span| {
        let range = s.byte_range().unwrap_or(0..0);
        Span::new(file, range)
    };
    let mut b = Builder {
        file,
        tree,
        stack: Vec::new(),
        items: Vec::new(),
        pairs: Vec::new(),
        anchors: rustc_hash::FxHashMap::default(),
        anchor_names: Vec::new(),
        prelude_anchors,
        last_node: None,
        root: None,
    };
    let mut any_document = false;
    for next in Parser::new_from_str_with_options(text, options) {
        let (event, span) = match next {
            Ok(pair) => pair,
            Err(e) => {
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
                diagnostics.push(d);
                // The rest of the file cannot be trusted; earlier complete documents are kept.
                return;
            }
        };
        let sp = span_of(&span);
        match event {
            Event::StreamStart | Event::StreamEnd => {}
            Event::DocumentStart(..) => {
                b.anchors.clear();
                b.anchor_names.clear();
                b.root = None;
                b.stack.clear();
                b.items.clear();
                b.pairs.clear();
            }
            Event::DocumentEnd => {
                any_document = true;
                b.tree.documents.push(Document {
                    root: b.root.take(),
                    file,
                    prelude,
                });
            }
            Event::Scalar(value, style, anchor_id, tag) => {
                let scalar = Scalar {
                    value: value.into(),
                    plain: matches!(style, granit_parser::ScalarStyle::Plain),
                    tag: tag.map(|t| t.to_string().into_boxed_str()),
                };
                let id = b.push_node(NodeKind::Scalar(scalar), sp);
                if anchor_id != 0 {
                    b.anchors.insert(anchor_id, id);
                }
                b.attach(id, diagnostics);
            }
            Event::SequenceStart(_, anchor_id, _) => {
                let id = b.push_node(NodeKind::Sequence(Box::default()), sp);
                if anchor_id != 0 {
                    b.anchors.insert(anchor_id, id);
                }
                b.stack.push(Frame::Sequence {
                    id,
                    start: b.items.len(),
                });
            }
            Event::MappingStart(_, anchor_id, _) => {
                let id = b.push_node(NodeKind::Mapping(Box::default()), sp);
                if anchor_id != 0 {
                    b.anchors.insert(anchor_id, id);
                }
                b.stack.push(Frame::Mapping {
                    id,
                    start: b.pairs.len(),
                    key: None,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let end = b
                    .tree
                    .nodes
                    .len()
                    .checked_sub(1)
                    .map_or(sp.end as usize, |last| {
                        (b.tree.nodes[last].span.end as usize).max(sp.end as usize)
                    });
                b.close(end, diagnostics);
            }
            Event::Anchor(_, name) => {
                if let Some(id) = b.last_node {
                    b.anchor_names.push(name.to_string());
                    b.tree.nodes[id as usize].anchor = Some(Box::new(Anchor {
                        name: name.into_owned(),
                        span: sp,
                    }));
                }
            }
            Event::Alias(anchor_id) => {
                let target = b.anchors.get(&anchor_id).copied();
                let name = sources
                    .get(file)
                    .slice(sp)
                    .trim_start_matches('*')
                    .to_string();
                b.alias(target, name, sp, diagnostics);
            }
            Event::UnresolvedAlias(name) => {
                let name = name.into_owned();
                let target = b.prelude_anchors.get(&name).map(|(id, _)| *id);
                if target.is_none() {
                    let known: Vec<&str> = b
                        .anchor_names
                        .iter()
                        .map(String::as_str)
                        .chain(b.prelude_anchors.keys().map(String::as_str))
                        .collect();
                    let mut d = Diagnostic::error(
                        "undefined-alias",
                        format!("undefined alias `*{name}`"),
                        sp,
                    )
                    .with_label("no anchor with this name");
                    d = match did_you_mean(&name, known.iter().copied()) {
                        Some(s) => d.with_help(format!("did you mean `*{s}`?")),
                        None => d.with_help(
                            "define the anchor earlier in this document, or in a prelude file (`_*.yaml`) to share it",
                        ),
                    };
                    diagnostics.push(d);
                }
                b.alias(target, name, sp, diagnostics);
            }
            // Comments (disabled in the options) and any event a later granit version adds carry no data.
            _ => {}
        }
    }
    let _ = b.file;
    if !any_document {
        // A file with no document at all (empty or only comments) still counts as loaded.
        b.tree.documents.push(Document {
            root: None,
            file,
            prelude,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The duplicate-key check scans small mappings and hashes large ones; both must find every repeat and
    /// point at the first definition.
    #[test]
    fn duplicate_keys_in_small_and_large_mappings() {
        for size in [3, 16, 17, 40] {
            let mut text: String = (0..size).map(|i| format!("k{i}: {i}\n")).collect();
            text.push_str("<<: {x: 1}\n<<: {y: 2}\nk1: again\nk1: thrice\n");
            let (_, diagnostics) = load_str("t.yaml", &text);
            let found: Vec<(u32, u32)> = diagnostics
                .iter()
                .filter(|d| d.code == "duplicate-key")
                .map(|d| (d.span().map_or(0, |s| s.start), d.secondary[0].span.start))
                .collect();
            let first = text.find("k1:").unwrap() as u32;
            let again = text.find("k1: again").unwrap() as u32;
            let thrice = text.find("k1: thrice").unwrap() as u32;
            assert_eq!(found, [(again, first), (thrice, first)], "size {size}");
        }
    }
}
