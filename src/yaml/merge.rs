//! YAML 1.1 merge keys, exactly as PyYAML's `flatten_mapping` applies them, with provenance.
//!
//! PyYAML builds one list: the entries of every `<<` in order (a sequence `<<: [*a, *b]` contributes its
//! mappings in reverse), then the explicit entries; a dict built from that list keeps each key at its first
//! position with its last value. So a later `<<` wins over an earlier one, the earlier mapping of a
//! sequence wins, and explicit keys always win. Deduplicating a nested mapping's list first gives the same
//! result, which is what keeps merges linear: each mapping is flattened once and memoized.

use std::rc::Rc;
use std::sync::Arc;

use rustc_hash::{FxBuildHasher, FxHashMap};

use super::node::{NodeId, NodeKind, Tree};
use crate::diagnostics::Diagnostic;
use crate::source::Span;

/// One merge step an entry arrived through. `Copy`: entries are copied through every merge, and a
/// merge chain ten fragments deep must not cost ten string allocations per key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hop {
    /// The `*name` token, or the inline mapping when merged without an alias.
    pub alias: Span,
    /// The merged mapping (its anchor, if any, is `tree.get(target).anchor`).
    pub target: NodeId,
}

/// The merge steps of an entry, outermost first, as a shared list: adding the outer step of a merge is one
/// small allocation however deep the chain is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Via(Option<Rc<Link>>);

#[derive(Debug, PartialEq)]
struct Link {
    hop: Hop,
    next: Via,
}

impl Via {
    /// No merge step: the entry is written in the mapping itself.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// The outermost step.
    pub fn first(&self) -> Option<Hop> {
        self.0.as_ref().map(|l| l.hop)
    }

    /// The steps, outermost first.
    pub fn iter(&self) -> impl Iterator<Item = Hop> + '_ {
        let mut at = self.0.as_deref();
        std::iter::from_fn(move || {
            let link = at?;
            at = link.next.0.as_deref();
            Some(link.hop)
        })
    }

    /// Identity of the shared list (0 for the empty one). Two entries with the same id came through the
    /// same merge steps. Only meaningful while the list is alive.
    pub fn id(&self) -> usize {
        self.0.as_ref().map_or(0, |l| Rc::as_ptr(l) as usize)
    }

    fn prepend(&self, hop: Hop) -> Via {
        Via(Some(Rc::new(Link {
            hop,
            next: self.clone(),
        })))
    }
}

/// A key of a flattened mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key's text, shared with the resolved parameters' keys.
    pub key: Arc<str>,
    /// The key node, where the winning definition was written.
    pub key_node: NodeId,
    /// The value node (may be an alias: use [`Tree::deref`]).
    pub value: NodeId,
    /// Merge steps from the flattened mapping to where the entry was written, outermost first.
    pub via: Via,
    /// Definitions of the same key that this one overrode, oldest first (capped at [`SHADOW_LIMIT`]).
    pub shadowed: Vec<Entry>,
}

impl Entry {
    /// An entry written in the mapping itself (not merged), overriding nothing yet.
    pub fn written(text: &str, key: NodeId, value: NodeId) -> Entry {
        Entry {
            key: Arc::from(text),
            key_node: key,
            value,
            via: Via::default(),
            shadowed: Vec::new(),
        }
    }
}

/// A mapping with its merge keys applied: keys in PyYAML's order, each once.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Merged {
    /// The entries.
    pub entries: Vec<Entry>,
}

impl Merged {
    /// The entry for a key.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| &*e.key == key)
    }
}

/// Overridden definitions kept per key; they feed lint only, so a bound keeps a merge bomb small.
pub const SHADOW_LIMIT: usize = 8;

/// Flattens mappings, memoizing each one.
pub struct Merger<'t> {
    tree: &'t Tree,
    /// Anchored mappings flattened, each with the first problem of merging it (its merges' included),
    /// given to every later caller: whoever asks first, every definition that merges a broken mapping
    /// hears of it.
    memo: FxHashMap<NodeId, (Rc<Merged>, Option<Rc<Diagnostic>>)>,
    in_progress: Vec<NodeId>,
    /// Every problem found, once: what a caller that threw its list away (or heard only the first
    /// problem of a mapping) did not report ([`Merger::take_problems`]).
    problems: Vec<Diagnostic>,
}

impl<'t> Merger<'t> {
    /// A merger over a tree. It expands merges without a limit of its own: check the tree against the run's
    /// expansion budget first ([`super::budget::check`]), which bounds its work.
    pub fn new(tree: &'t Tree) -> Self {
        Merger {
            tree,
            memo: FxHashMap::default(),
            in_progress: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// Every problem found so far, each once, and forget them: to be reported with the run's diagnostics
    /// (copies of those the callers reported are merged away when diagnostics are deduplicated).
    pub fn take_problems(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.problems)
    }

    /// The tree.
    pub fn tree(&self) -> &'t Tree {
        self.tree
    }

    /// The flattened mapping at `id` (after following an alias), or `None` if it is not a mapping.
    /// Problems (merging a non-mapping, here or in a mapping merged) are pushed on every call, so that
    /// whether a definition fails does not depend on what was asked before it: the first time a mapping
    /// is flattened, its own problems and the first of each mapping it merges; later, its first problem.
    /// Every problem is also kept for [`Merger::take_problems`]. Work and memory stay linear in the
    /// merges, however many definitions merge a broken mapping.
    pub fn mapping(&mut self, id: NodeId, diagnostics: &mut Vec<Diagnostic>) -> Option<Rc<Merged>> {
        let id = self.tree.deref(id);
        if !matches!(self.tree.get(id).kind, NodeKind::Mapping(_)) {
            return None;
        }
        Some(self.flatten(id, diagnostics))
    }

    fn flatten(&mut self, id: NodeId, diagnostics: &mut Vec<Diagnostic>) -> Rc<Merged> {
        if let Some((done, first)) = self.memo.get(&id) {
            if let Some(first) = first {
                diagnostics.push(Diagnostic::clone(first));
            }
            return Rc::clone(done);
        }
        let tree = self.tree;
        let NodeKind::Mapping(pairs) = &tree.get(id).kind else {
            return Rc::default();
        };
        if self.in_progress.contains(&id) {
            // Unreachable for trees built by `yaml::parse_all`, which cuts alias cycles; kept as a guard.
            return Rc::default();
        }
        self.in_progress.push(id);
        let mut problems = Vec::new();
        let mut merged: Vec<Entry> = Vec::new();
        let mut explicit: Vec<Entry> = Vec::new();
        for &(key, value) in pairs {
            if tree.is_merge_key(key) {
                self.merge_value(value, &mut merged, &mut problems);
            } else if let Some(scalar) = tree.scalar(key) {
                explicit.push(Entry::written(&scalar.value, key, value));
            }
        }
        self.in_progress.pop();
        let result = if merged.is_empty() && all_distinct(&explicit) {
            // Nothing merged and no key repeated (the common case): the entries are the mapping as written.
            Rc::new(Merged { entries: explicit })
        } else {
            merged.append(&mut explicit);
            Rc::new(Merged {
                entries: dedup(merged.into_iter()),
            })
        };
        // Only an anchored mapping can be reached again (through an alias): remember just those.
        if tree.get(id).anchor.is_some() {
            let first = problems.first().cloned().map(Rc::new);
            self.memo.insert(id, (Rc::clone(&result), first));
        }
        diagnostics.append(&mut problems);
        result
    }

    /// A problem of the mapping being flattened: for its callers, and kept.
    fn problem(&mut self, problem: Diagnostic, diagnostics: &mut Vec<Diagnostic>) {
        self.problems.push(problem.clone());
        diagnostics.push(problem);
    }

    /// Append the entries a `<<` value contributes, in PyYAML's order.
    fn merge_value(
        &mut self,
        value: NodeId,
        out: &mut Vec<Entry>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let tree = self.tree;
        let target = tree.deref(value);
        match &tree.get(target).kind {
            NodeKind::Mapping(_) => self.merge_one(value, out, diagnostics),
            NodeKind::Sequence(items) => {
                let mut ok = Vec::new();
                for &item in items {
                    if matches!(tree.resolved(item).kind, NodeKind::Mapping(_)) {
                        ok.push(item);
                    } else {
                        self.problem(non_mapping(tree, item), diagnostics);
                    }
                }
                // Earlier mappings of the sequence win: they come later in the list.
                for &item in ok.iter().rev() {
                    self.merge_one(item, out, diagnostics);
                }
            }
            _ => {
                if !matches!(tree.get(target).kind, NodeKind::Alias { target: None, .. }) {
                    self.problem(non_mapping(tree, value), diagnostics);
                }
            }
        }
    }

    fn merge_one(
        &mut self,
        value: NodeId,
        out: &mut Vec<Entry>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let target = self.tree.deref(value);
        // The merged mapping's problems are kept whole (`Merger::problems`); the caller hears the first.
        let mut found = Vec::new();
        let sub = self.flatten(target, &mut found);
        diagnostics.extend(found.into_iter().next());
        let hop = Hop {
            alias: self.tree.get(value).span,
            target,
        };
        // Entries that came through the same steps share one list after this step too, so later stages can
        // work once per distinct chain (see `Via::id`).
        let mut shared: FxHashMap<usize, Via> = FxHashMap::default();
        let mut prepend = |via: &Via| {
            shared
                .entry(via.id())
                .or_insert_with(|| via.prepend(hop))
                .clone()
        };
        out.extend(sub.entries.iter().map(|e| {
            Entry {
                key: Arc::clone(&e.key),
                key_node: e.key_node,
                value: e.value,
                via: prepend(&e.via),
                shadowed: e
                    .shadowed
                    .iter()
                    .map(|s| Entry {
                        via: prepend(&s.via),
                        ..s.clone()
                    })
                    .collect(),
            }
        }));
    }
}

/// Whether no key repeats, for small lists (larger ones take the general path).
fn all_distinct(entries: &[Entry]) -> bool {
    entries.len() <= super::SMALL_MAPPING
        && entries
            .iter()
            .enumerate()
            .all(|(i, e)| entries[..i].iter().all(|earlier| earlier.key != e.key))
}

/// What merging needs of a key's definition: which definition it is, and the definitions of the same key
/// it overrode. [`Entry`] is one; the resolver merges already resolved parameters by the same rule
/// ([`overrides`]).
pub trait Overriding: Sized {
    /// The definition: its key node and value node. The same definition reached along two merge paths
    /// overrides nothing.
    fn definition(&self) -> (NodeId, NodeId);
    /// Definitions of the same key this one overrode, oldest first.
    fn shadowed_mut(&mut self) -> &mut Vec<Self>;
}

impl Overriding for Entry {
    fn definition(&self) -> (NodeId, NodeId) {
        (self.key_node, self.value)
    }

    fn shadowed_mut(&mut self) -> &mut Vec<Entry> {
        &mut self.shadowed
    }
}

/// Keep each key at its first position with its last value, recording what was overridden: PyYAML's
/// dict built from the merged list.
fn dedup(entries: impl ExactSizeIterator<Item = Entry>) -> Vec<Entry> {
    // The entries in place, and each key's position: they are moved once, into the result.
    let mut out: Vec<Entry> = Vec::with_capacity(entries.len());
    let mut by_key: FxHashMap<Arc<str>, usize> =
        FxHashMap::with_capacity_and_hasher(entries.len(), FxBuildHasher);
    for entry in entries {
        // One hash a key: the slot is found once, whether the key is new or overrides an earlier one.
        match by_key.entry(Arc::clone(&entry.key)) {
            std::collections::hash_map::Entry::Occupied(slot) => {
                let existing = &mut out[*slot.get()];
                let old = std::mem::replace(existing, entry);
                overrides(existing, old);
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(out.len());
                out.push(entry);
            }
        }
    }
    out
}

/// A later definition of a key (`winner`) replaces `old` at its position: what `winner` overrides is then
/// what `old` overrode, `old` itself, and what `winner` overrode before, each definition once and never
/// the winner's own (a fragment merged along two paths overrides nothing), at most [`SHADOW_LIMIT`].
pub fn overrides<T: Overriding>(winner: &mut T, mut old: T) {
    let id = winner.definition();
    let mut shadowed = std::mem::take(old.shadowed_mut());
    if old.definition() != id {
        shadowed.push(old);
    }
    shadowed.append(winner.shadowed_mut());
    let mut i = 0;
    while i < shadowed.len() {
        let this = shadowed[i].definition();
        if this == id || shadowed[..i].iter().any(|e| e.definition() == this) {
            shadowed.remove(i);
        } else {
            i += 1;
        }
    }
    shadowed.truncate(SHADOW_LIMIT);
    *winner.shadowed_mut() = shadowed;
}

fn non_mapping(tree: &Tree, value: NodeId) -> Diagnostic {
    let node = tree.get(value);
    let mut d = Diagnostic::error(
        "merge-non-mapping",
        format!("`<<` can only merge mappings, not {}", tree.describe(value)),
        node.span,
    )
    .with_label("not a mapping")
    .with_help("merge a fragment's mapping with `<<: *name`, or several with `<<: [*a, *b]`");
    if let NodeKind::Alias {
        target: Some(t),
        name,
    } = &node.kind
        && let Some(anchor) = &tree.get(*t).anchor
    {
        d = d.with_secondary(anchor.span, format!("`&{name}` is defined here"));
    }
    d
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::fmt::Write as _;

    use super::*;

    /// A chain of fragments, each merging a scalar (a problem) and the one before it: whoever asks first,
    /// every caller hears of a problem, each problem is kept once, and what the callers hear stays linear
    /// in the merges (not each caller every problem of the chain).
    #[test]
    fn every_caller_hears_of_a_broken_chain_and_the_work_stays_linear() {
        const CHAIN: usize = 300;
        const USERS: usize = 1000;
        let mut text = String::from(".f0: &f0\n  <<: 0\n  k0: string\n");
        for f in 1..CHAIN {
            let _ = writeln!(
                text,
                ".f{f}: &f{f}\n  <<: [*f{}, {f}]\n  k{f}: string",
                f - 1
            );
        }
        for u in 0..USERS {
            let _ = writeln!(text, "u{u}:\n  <<: *f{}", CHAIN - 1);
        }
        let (tree, parse_problems) = crate::yaml::load_str("chain.yaml", &text);
        assert!(parse_problems.is_empty(), "{parse_problems:?}");
        let root = tree.documents[0].root.unwrap();
        let NodeKind::Mapping(pairs) = &tree.get(root).kind else {
            panic!("not a mapping")
        };
        let mut merger = Merger::new(&tree);
        let mut heard = 0;
        // The users first (the first of them flattens the whole chain, top down), then the fragments.
        for &(_, value) in pairs.iter().rev() {
            let mut found = Vec::new();
            let merged = merger.mapping(value, &mut found).unwrap();
            assert!(!found.is_empty(), "a caller heard of no problem");
            assert!(found.iter().all(|d| d.code == "merge-non-mapping"));
            heard += found.len();
            assert!(merged.entries.len() <= CHAIN + 1);
        }
        // Every `<<` of a scalar is kept once.
        let kept = merger.take_problems();
        assert_eq!(kept.len(), CHAIN);
        let mut spans: Vec<_> = kept.iter().map(|d| d.span()).collect();
        spans.sort();
        spans.dedup();
        assert_eq!(spans.len(), CHAIN);
        // Each caller heard its mapping's own problems and one of each mapping it merges: a few each,
        // not the chain's 300.
        assert!(heard <= 3 * (CHAIN + USERS), "{heard}");
    }
}
