//! YAML front end: parses every file into spanned [`Tree`]s (preludes first, then the other files in
//! parallel groups, a tree each, see [`Forest`]; [`parse_all`] puts them together into one; `builder`
//! turns one file's `granit-parser` events into nodes), links aliases to anchors
//! (prelude anchors are visible in every file), rejects alias cycles and duplicate keys, and resolves
//! merge keys ([`merge`]). It knows nothing about events.

pub mod budget;
mod builder;
pub mod comments;
pub mod merge;
pub mod node;
pub mod value;

use std::collections::HashMap;

use rayon::prelude::*;

pub use merge::{Entry, Hop, Merged, Merger, Overriding, Via, overrides};
pub use node::{Anchor, Document, Node, NodeId, NodeKind, Scalar, Tree};

use crate::diagnostics::Diagnostic;
use crate::source::{FileId, SourceMap, Span};
use builder::parse_file;

/// Bytes of YAML text per node, near the dense end of real definitions (`a: b` is two nodes in five
/// bytes): used to reserve room for a file's nodes before parsing it. Only a hint either way.
const BYTES_PER_NODE: usize = 3;

/// Mappings up to this many entries are checked for repeated keys by comparing each key with the earlier
/// ones, instead of building a set: nearly every mapping in definitions is that small.
pub(crate) const SMALL_MAPPING: usize = 16;

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
    parse_forest(sources, parseable, diagnostics).into_tree()
}

/// The files parsed in groups, one tree a group, not yet put together: what resolving needs when the caller
/// does not keep the tree (see [`crate::resolve::resolve_forest`]), which spares copying every group's
/// nodes into one arena on one core.
///
/// Every tree begins with the same `shared` nodes, the preludes' (each group parsed into its own copy, so
/// that an alias to a prelude is the same id in every tree). The first tree also holds the preludes'
/// documents; each tree holds its group's documents, the groups in file order.
#[derive(Debug, Default)]
pub struct Forest {
    /// The groups' trees, in file order.
    pub trees: Vec<Tree>,
    /// How many nodes at the start of every tree are the preludes'.
    pub shared: usize,
}

impl Forest {
    /// One tree of every group's nodes, in file order: each later group's own nodes renumbered (on every
    /// core) and moved after the earlier ones.
    pub fn into_tree(self) -> Tree {
        let Forest { trees, shared } = self;
        let mut shift = 0;
        let mut shifts = Vec::with_capacity(trees.len());
        for (i, local) in trees.iter().enumerate() {
            shifts.push(shift);
            shift += local
                .nodes
                .len()
                .saturating_sub(if i == 0 { 0 } else { shared });
        }
        // The first tree's own nodes come after the preludes' already: it keeps its numbering.
        let mut trees: Vec<Tree> = trees
            .into_par_iter()
            .zip(shifts)
            .enumerate()
            .map(|(i, (mut local, shift))| {
                if i > 0 {
                    renumber(&mut local, shared, shift.saturating_sub(shared));
                }
                local
            })
            .collect();
        let mut trees = trees.drain(..);
        let Some(mut tree) = trees.next() else {
            return Tree::default();
        };
        let added: usize = trees
            .as_slice()
            .iter()
            .map(|t| t.nodes.len().saturating_sub(shared))
            .sum();
        tree.nodes.reserve_exact(added);
        for mut local in trees {
            tree.nodes
                .extend(local.nodes.drain(shared.min(local.nodes.len())..));
            tree.expansion.append(&mut local.expansion);
            tree.documents.append(&mut local.documents);
        }
        tree.expansion_nodes = tree.nodes.len();
        tree
    }
}

/// [`parse_all`] without putting the groups' trees together.
pub fn parse_forest(
    sources: &SourceMap,
    parseable: &[bool],
    diagnostics: &mut Vec<Diagnostic>,
) -> Forest {
    let mut tree = Tree::default();
    let (preludes, others): (Vec<_>, Vec<_>) = sources
        .files()
        .filter(|(id, _)| parseable.get(*id as usize).copied().unwrap_or(false))
        .map(|(id, _)| id)
        .partition(|id| is_prelude(sources, *id));
    let prelude_anchors = parse_preludes(sources, &preludes, &mut tree, diagnostics);
    let prelude_sizes = budget::sizes(&tree);
    tree.expansion = budget::by_document(&tree, &prelude_sizes);
    parse_others(
        sources,
        &others,
        &prelude_anchors,
        &prelude_sizes,
        tree,
        diagnostics,
    )
}

/// Parse the preludes, one after the other, into `tree`; returns their anchors (visible in every later
/// file), with a `duplicate-anchor` warning for a name two preludes define.
fn parse_preludes(
    sources: &SourceMap,
    preludes: &[FileId],
    tree: &mut Tree,
    diagnostics: &mut Vec<Diagnostic>,
) -> HashMap<String, (NodeId, Span)> {
    let mut prelude_anchors: HashMap<String, (NodeId, Span)> = HashMap::new();
    for &file in preludes {
        let before = tree.documents.len();
        // Measured afterwards, by one walk over every prelude.
        parse_file(
            sources,
            file,
            true,
            &prelude_anchors,
            None,
            tree,
            diagnostics,
        );
        // Anchors defined in this prelude become visible to every later file.
        for doc in &tree.documents[before..] {
            let Some(root) = doc.root else { continue };
            collect_anchors(tree, root, &mut |name, id, span| {
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
    prelude_anchors
}

/// Parse the files other than preludes after `tree`'s prelude nodes, in groups, with what each document
/// expands to (`prelude_sizes`: what each prelude node expands to). The first group's tree takes over the
/// preludes' documents.
fn parse_others(
    sources: &SourceMap,
    others: &[FileId],
    prelude_anchors: &HashMap<String, (NodeId, Span)>,
    prelude_sizes: &[node::Expansion],
    tree: Tree,
    diagnostics: &mut Vec<Diagnostic>,
) -> Forest {
    // The other files only read the preludes' nodes: parse them in parallel, a few groups of files per core
    // (so a core that falls behind does not hold the others up), each group into its own copy of the
    // prelude tree.
    let shared = tree.nodes.len();
    // The number of nodes is known only after parsing. Reserving by text size spares the arenas from
    // growing by copying (pages never written cost nothing).
    let room_for = |files: &[FileId]| -> usize {
        files
            .iter()
            .map(|&f| sources.get(f).text.len() / BYTES_PER_NODE)
            .sum()
    };
    let groups = balanced_groups(
        others,
        group_count(rayon::current_num_threads(), shared, room_for(others)),
        |f| sources.get(f).text.len(),
    );
    let parsed: Vec<(Tree, Vec<Diagnostic>)> = groups
        .par_iter()
        // One group a task, so that a core that is done takes the next group.
        .with_max_len(1)
        .map(|&files| {
            // Only a hint: if the room cannot be had (a huge input), the arena grows as it fills.
            let mut nodes = Vec::new();
            let _ = nodes.try_reserve_exact(shared + room_for(files));
            nodes.extend_from_slice(&tree.nodes);
            let mut local = Tree {
                nodes,
                ..Tree::default()
            };
            let mut found = Vec::new();
            for &file in files {
                parse_file(
                    sources,
                    file,
                    false,
                    prelude_anchors,
                    // Each document is measured as it is built: its aliases reach only its own nodes and
                    // the preludes'.
                    Some(prelude_sizes),
                    &mut local,
                    &mut found,
                );
            }
            local.expansion_nodes = local.nodes.len();
            (local, found)
        })
        .collect();
    let mut trees = Vec::with_capacity(parsed.len().max(1));
    for (local, mut found) in parsed {
        trees.push(local);
        diagnostics.append(&mut found);
    }
    // The preludes' documents go with the first tree (the preludes alone when there is no other file).
    let Tree {
        nodes,
        mut documents,
        mut expansion,
        ..
    } = tree;
    match trees.first_mut() {
        Some(first) => {
            documents.append(&mut first.documents);
            expansion.append(&mut first.expansion);
            first.documents = documents;
            first.expansion = expansion;
        }
        None => trees.push(Tree {
            expansion_nodes: nodes.len(),
            nodes,
            documents,
            expansion,
        }),
    }
    Forest { trees, shared }
}

/// How many groups to parse the other files in: a few a core (so that a core that falls behind does not
/// hold the others up), but no more than keep the copies of the preludes' `shared` nodes within the other
/// files' own room (`room`, nodes as estimated from their text): every group copies the preludes, so a
/// large prelude beside small files would otherwise cost memory in proportion to the number of cores.
fn group_count(threads: usize, shared: usize, room: usize) -> usize {
    let per_cores = threads.max(1).saturating_mul(4);
    match room.checked_div(shared) {
        Some(copies) => per_cores.min(copies.max(1)),
        None => per_cores,
    }
}

/// Split `files` into at most `count` runs of neighbouring files with about the same text each.
fn balanced_groups(
    files: &[FileId],
    count: usize,
    size: impl Fn(FileId) -> usize,
) -> Vec<&[FileId]> {
    let total: usize = files.iter().map(|&f| size(f).max(1)).sum();
    let count = count.max(1);
    let mut groups = Vec::with_capacity(count);
    let (mut start, mut so_far) = (0, 0);
    for (i, &f) in files.iter().enumerate() {
        so_far += size(f).max(1);
        // Close the group once the text up to here reaches its share of the whole.
        if so_far.saturating_mul(count) >= total.saturating_mul(groups.len() + 1) {
            groups.push(&files[start..=i]);
            start = i + 1;
        }
    }
    if start < files.len() {
        groups.push(&files[start..]);
    }
    groups
}

/// Renumber the nodes a group added after the first `base` (shared) nodes, and its documents, as if
/// `shift` nodes came before them.
fn renumber(local: &mut Tree, base: usize, shift: usize) {
    if shift == 0 {
        return;
    }
    let base = NodeId::try_from(base).unwrap_or(NodeId::MAX);
    let shift = NodeId::try_from(shift).unwrap_or(NodeId::MAX);
    let moved = |id: NodeId| {
        if id >= base {
            id.saturating_add(shift)
        } else {
            id
        }
    };
    for node in local.nodes.iter_mut().skip(base as usize) {
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
    }
    for d in &mut local.documents {
        d.root = d.root.map(moved);
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
    let documents = tree
        .documents
        .iter()
        .map(|doc| match doc.root {
            Some(root) => value::to_json(&mut merger, root, diagnostics),
            None => Some(serde_json::Value::Null),
        })
        .collect();
    // The merger's problems that no document reported already (a mapping merged twice reports its
    // problems once).
    let reported: std::collections::HashSet<_> =
        diagnostics.iter().map(Diagnostic::identity).collect();
    diagnostics.extend(
        merger
            .take_problems()
            .into_iter()
            .filter(|p| !reported.contains(&p.identity())),
    );
    documents
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

    /// Every parse group copies the preludes' nodes: a large prelude beside small files is parsed in one
    /// group (its copies would outweigh the files), a small one in a few groups a core, whatever the cores.
    #[test]
    fn a_large_prelude_is_not_copied_into_a_group_a_core() {
        let files = |prelude: String| {
            let mut sources = SourceMap::new();
            sources.add(crate::source::SourceFile::new(
                "_p.yaml", "_p.yaml", prelude,
            ));
            for f in 0..40 {
                let name = format!("f{f:02}.yaml");
                let text = format!("e{f}:\n  parameters:\n    <<: *f0\n    b: integer\n");
                sources.add(crate::source::SourceFile::new(
                    name.as_str(),
                    name.as_str(),
                    text,
                ));
            }
            sources
        };
        let large: String = (0..2000)
            .map(|f| format!(".f{f}: &f{f}\n  a: string\n"))
            .collect();
        let small = ".f0: &f0\n  a: string\n".to_string();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(7)
            .build()
            .unwrap();
        let groups = |sources: &SourceMap| {
            let mut diagnostics = Vec::new();
            let forest = pool.install(|| parse_forest(sources, &[true; 41], &mut diagnostics));
            assert_eq!(diagnostics.len(), 0, "{diagnostics:?}");
            forest.trees.len()
        };
        assert_eq!(groups(&files(large)), 1);
        assert!(groups(&files(small)) > 7);
    }

    /// The parse groups compute what their documents expand to while parsing; the budget reads that
    /// instead of walking the tree again. It must be exactly what one walk over the whole tree finds: with preludes
    /// and aliases into them, merges of mappings and sequences, alias chains, several documents a file,
    /// empty files, files that do not parse, and enough files for several parse groups.
    #[test]
    fn the_expansion_computed_while_parsing_is_one_walks() {
        let mut rng = crate::testing::Rng(0x5eed_b0d9);
        for case in 0..60 {
            let mut sources = SourceMap::new();
            let fragments = 1 + rng.below(6);
            let mut prelude = String::new();
            for f in 0..fragments {
                prelude.push_str(&format!(".f{f}: &f{f}\n  a{f}: [x, {{y: z}}]\n"));
                if f > 0 && rng.chance(70) {
                    prelude.push_str(&format!("  <<: *f{}\n", rng.below(f)));
                }
                if f > 0 && rng.chance(40) {
                    prelude.push_str(&format!(
                        "  copy: [*f{}, *f{}]\n",
                        rng.below(f),
                        rng.below(f)
                    ));
                }
            }
            if rng.chance(25) {
                // A prelude that breaks after its anchors.
                prelude.push_str(".broken: &b {k: [*f0, *f0]}\nbad: [unclosed\n");
            }
            if rng.chance(80) {
                sources.add(crate::source::SourceFile::new(
                    "_p.yaml", "_p.yaml", prelude,
                ));
            }
            let files = 1 + rng.below(30);
            for file in 0..files {
                let mut text = String::new();
                match rng.below(10) {
                    0 => {}
                    1 => text.push_str("a: [unclosed\n"),
                    _ => {
                        for e in 0..1 + rng.below(8) {
                            let f = rng.below(fragments);
                            let g = rng.below(fragments);
                            if rng.chance(20) {
                                text.push_str(&format!("x{file}_{e}: [*b, *b]\n"));
                            }
                            text.push_str(&format!(
                                "e{file}_{e}:\n  <<: [*f{f}, *f{g}]\n  own: &l{e} {{q: [1, 2]}}\n  again: *l{e}\n  both: [*l{e}, *f{f}]\n"
                            ));
                            if rng.chance(30) {
                                // A chain of aliases, each doubling the one before.
                                text.push_str(&format!("  c0_{e}: &c0_{e} [*l{e}, *l{e}]\n"));
                                for c in 1..4 {
                                    let p = c - 1;
                                    text.push_str(&format!(
                                        "  c{c}_{e}: &c{c}_{e} [*c{p}_{e}, *c{p}_{e}]\n"
                                    ));
                                }
                            }
                        }
                        if rng.chance(20) {
                            text.push_str("---\nsecond: {<<: {k: v}, w: [1]}\n");
                        }
                    }
                }
                let name = format!("f{file:02}.yaml");
                sources.add(crate::source::SourceFile::new(
                    name.as_str(),
                    name.as_str(),
                    text,
                ));
            }
            let tree = parse_all(&sources, &vec![true; sources.len()], &mut Vec::new());
            assert_eq!(tree.expansion.len(), tree.documents.len(), "case {case}");
            let walked = budget::by_document(&tree, &budget::sizes(&tree));
            assert_eq!(tree.expansion, walked, "case {case}");
            // And the budget's verdict and measure are those of one walk.
            let mut put_together = tree.clone();
            put_together.expansion.clear();
            assert_eq!(
                budget::measure(&tree),
                budget::measure(&put_together),
                "case {case}"
            );
        }
    }
}
