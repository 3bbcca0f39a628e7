//! The run's expansion budget, checked before anything is resolved.
//!
//! Aliases stay references in the tree, but everything after it (merges, parameters, enum and example
//! values, provenance) expands them. So before resolving, what every node expands to is known (memoised
//! per node, saturating arithmetic, so a billion-laughs file costs as much as its text): the nodes it
//! becomes with every alias replaced by its target, plus one per merge step an entry comes through (the
//! provenance each parameter carries). The parser's builder adds it up as each node closes (an alias
//! takes its target's); `sizes` computes it by one walk over the alias DAG where the builder did not
//! (preludes, a tree put together otherwise, and finding where to point). The whole run may expand to at most
//! [`Budget::limit`]: the larger of [`MIN_BUDGET`] and [`NODES_FACTOR`] × the nodes written. A run over it
//! is rejected with one diagnostic at the alias that expands the most, whatever the number of cores: the
//! verdict depends only on the text.

use super::node::{Expansion, NodeId, NodeKind, Tree};
use crate::diagnostics::Diagnostic;

/// The budget of a small run: expanded parameters and values.
pub const MIN_BUDGET: u64 = 1_000_000;
/// A larger run may expand to this many times the YAML nodes it writes.
pub const NODES_FACTOR: u64 = 100;
/// Deepest nesting of expanded values, counting each alias and merge step: past it, the recursive stages
/// after this one could exhaust a thread's stack.
pub const EXPANDED_DEPTH_LIMIT: u32 = 512;

/// The run's budget and what the documents expand to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// YAML nodes written, in every file.
    pub written: u64,
    /// The most the run may expand to: `max(MIN_BUDGET, NODES_FACTOR × written)`.
    pub limit: u64,
    /// What every document together expands to (saturating).
    pub expanded: u64,
}

/// Compute the run's expansion and check it against the budget. `false` (with an error diagnostic) when
/// the definitions expand too far or too deep: nothing should be expanded then.
pub fn check(tree: &Tree, diagnostics: &mut Vec<Diagnostic>) -> bool {
    check_forest(&[tree], 0, diagnostics)
}

/// [`check`] on a run parsed in groups (a [`super::Forest`]'s trees, each after the same `shared` prelude
/// nodes, counted once): the same verdict and diagnostic as on the tree they make together.
pub(crate) fn check_forest<T: std::ops::Deref<Target = Tree>>(
    trees: &[T],
    shared: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    let expansions: Vec<_> = trees.iter().map(|t| expansion(t)).collect();
    let written = trees
        .iter()
        .enumerate()
        .map(|(i, t)| t.nodes.len() - if i == 0 { 0 } else { shared.min(t.nodes.len()) })
        .sum::<usize>() as u64;
    let budget = budget(written, expansions.iter().flat_map(|e| e.iter()));
    // The documents with a root, each with its tree and what it expands to, in order.
    let roots = || {
        trees.iter().zip(&expansions).flat_map(|(tree, documents)| {
            let tree: &Tree = tree;
            tree.documents
                .iter()
                .zip(documents.iter())
                .filter_map(move |(d, e)| d.root.map(|r| (tree, r, *e)))
        })
    };
    if budget.expanded > budget.limit {
        if let Some((tree, root, _)) = roots().max_by_key(|(_, _, e)| e.cost) {
            // Where to point needs every node's expansion: walked again, on this failing run only.
            let sizes = sizes(tree);
            let at = descend(tree, root, |id| sizes[id as usize].cost);
            diagnostics.push(over_budget(tree, &budget, at, sizes[at as usize].cost));
        }
        return false;
    }
    if let Some((tree, root, e)) = roots().max_by_key(|(_, _, e)| e.depth)
        && e.depth > EXPANDED_DEPTH_LIMIT
    {
        let sizes = sizes(tree);
        let at = descend(tree, root, |id| u64::from(sizes[id as usize].depth));
        diagnostics.push(too_deep(tree, at));
        return false;
    }
    true
}

/// The run's budget and expansion, without diagnostics.
pub fn measure(tree: &Tree) -> Budget {
    budget(tree.nodes.len() as u64, expansion(tree).iter())
}

/// What each document expands to: as `yaml::parse_all` computed it while parsing (each parse group for its
/// own files), or computed here for a tree put together otherwise.
fn expansion(tree: &Tree) -> std::borrow::Cow<'_, [Expansion]> {
    if tree.expansion.len() == tree.documents.len() && tree.expansion_nodes == tree.nodes.len() {
        std::borrow::Cow::Borrowed(&tree.expansion)
    } else {
        std::borrow::Cow::Owned(by_document(tree, &sizes(tree)))
    }
}

/// What each document expands to, from every node's expansion (nothing for a document without a root).
pub(crate) fn by_document(tree: &Tree, sizes: &[Expansion]) -> Vec<Expansion> {
    tree.documents
        .iter()
        .map(|d| {
            d.root
                .map_or_else(Expansion::default, |r| sizes[r as usize])
        })
        .collect()
}

fn budget<'a>(written: u64, documents: impl Iterator<Item = &'a Expansion>) -> Budget {
    let expanded = documents.fold(0u64, |sum, e| sum.saturating_add(e.cost));
    Budget {
        written,
        limit: MIN_BUDGET.max(NODES_FACTOR.saturating_mul(written)),
        expanded,
    }
}

/// Every node's expansion, children before parents and alias targets before aliases, without recursion
/// (alias chains can be as long as the file). Only the documents' nodes are computed (and what their aliases
/// reach); other nodes stay at zero.
pub(crate) fn sizes(tree: &Tree) -> Vec<Expansion> {
    let mut done = vec![false; tree.nodes.len()];
    let mut sizes = vec![Expansion::default(); tree.nodes.len()];
    let mut stack: Vec<(NodeId, bool)> = Vec::new();
    for root in tree.documents.iter().filter_map(|d| d.root) {
        stack.push((root, false));
        while let Some((id, children_done)) = stack.pop() {
            if done[id as usize] {
                continue;
            }
            // A leaf (most nodes) is done at once, without a second trip through the stack.
            let leaf = matches!(
                tree.get(id).kind,
                NodeKind::Scalar(_) | NodeKind::Alias { target: None, .. }
            );
            if children_done || leaf {
                sizes[id as usize] = size_of(tree, id, &sizes);
                done[id as usize] = true;
                continue;
            }
            stack.push((id, true));
            let pending = |c: NodeId| (!done[c as usize]).then_some((c, false));
            match &tree.get(id).kind {
                NodeKind::Scalar(_) | NodeKind::Alias { target: None, .. } => {}
                NodeKind::Alias {
                    target: Some(t), ..
                } => stack.extend(pending(*t)),
                NodeKind::Sequence(items) => stack.extend(items.iter().filter_map(|&c| pending(c))),
                NodeKind::Mapping(pairs) => {
                    stack.extend(pairs.iter().flat_map(|&(k, v)| [k, v]).filter_map(pending))
                }
            }
        }
    }
    sizes
}

/// One node's expansion from its children's (a child not computed yet, which only a cycle could cause,
/// counts as a scalar).
fn size_of(tree: &Tree, id: NodeId, sizes: &[Expansion]) -> Expansion {
    let of = |c: NodeId| sizes.get(c as usize).copied().unwrap_or(Expansion::SCALAR);
    match &tree.get(id).kind {
        NodeKind::Scalar(_) | NodeKind::Alias { target: None, .. } => Expansion::SCALAR,
        NodeKind::Alias {
            target: Some(t), ..
        } => of(*t),
        NodeKind::Sequence(items) => items
            .iter()
            .fold(Expansion::SCALAR, |acc, &c| acc.with_item(of(c))),
        NodeKind::Mapping(pairs) => pairs.iter().fold(Expansion::SCALAR, |acc, &(k, v)| {
            acc.with_entry(of(k), of(v), tree.is_merge_key(k))
        }),
    }
}

/// How a collection's expansion grows child by child: the walk here and the parser's builder (which
/// measures each document as it builds it) both compute it so.
impl Expansion {
    /// A scalar, an alias to nothing, and an empty collection: one node.
    pub(crate) const SCALAR: Expansion = Expansion {
        cost: 1,
        entries: 0,
        depth: 1,
    };

    /// A sequence's expansion with one more item.
    pub(crate) fn with_item(self, item: Expansion) -> Expansion {
        Expansion {
            cost: self.cost.saturating_add(item.cost),
            entries: self.entries.saturating_add(item.entries),
            depth: self.depth.max(item.depth.saturating_add(1)),
        }
    }

    /// A mapping's expansion with one more entry; `merge` when its key is a merge key.
    pub(crate) fn with_entry(self, key: Expansion, value: Expansion, merge: bool) -> Expansion {
        let cost = self
            .cost
            .saturating_add(key.cost)
            .saturating_add(value.cost);
        let depth = self.depth.max(value.depth.saturating_add(1));
        if merge {
            // Every merged entry comes through one more merge step.
            Expansion {
                cost: cost.saturating_add(value.entries),
                entries: self.entries.saturating_add(value.entries),
                depth,
            }
        } else {
            Expansion {
                cost,
                entries: self.entries.saturating_add(1),
                depth,
            }
        }
    }
}

/// From `root`, follow the child that weighs most until an alias (or a leaf): where to point.
fn descend(tree: &Tree, root: NodeId, weight: impl Fn(NodeId) -> u64) -> NodeId {
    let mut at = root;
    loop {
        let children: Vec<NodeId> = match &tree.get(at).kind {
            NodeKind::Sequence(items) => items.to_vec(),
            NodeKind::Mapping(pairs) => pairs.iter().flat_map(|&(k, v)| [k, v]).collect(),
            NodeKind::Scalar(_) | NodeKind::Alias { .. } => return at,
        };
        // The first of the heaviest children, in document order.
        let heaviest = children.iter().copied().rev().max_by_key(|&c| weight(c));
        match heaviest {
            Some(c) => at = c,
            None => return at,
        }
    }
}

/// Whether `node` is the value of a merge key (`<<: *a`) or an item of one (`<<: [*a, *b]`).
fn in_merge(tree: &Tree, node: NodeId) -> bool {
    tree.nodes.iter().any(|n| match &n.kind {
        NodeKind::Mapping(pairs) => pairs.iter().any(|&(k, v)| {
            tree.is_merge_key(k)
                && (v == node
                    || matches!(&tree.get(v).kind, NodeKind::Sequence(items) if items.contains(&node)))
        }),
        _ => false,
    })
}

fn over_budget(tree: &Tree, budget: &Budget, at: NodeId, cost: u64) -> Diagnostic {
    let node = tree.get(at);
    let merge = in_merge(tree, at);
    let (code, what) = if merge {
        ("merge-too-large", "merges")
    } else {
        ("alias-expansion-limit", "aliases")
    };
    let amount = |n: u64| {
        if n == u64::MAX {
            "more than 18446744073709551614".to_string()
        } else {
            n.to_string()
        }
    };
    let mut d = Diagnostic::error(
        code,
        format!(
            "the definitions expand to {} parameters and values through {what}, over the run's budget of {}",
            amount(budget.expanded),
            budget.limit
        ),
        node.span,
    )
    .with_help(format!(
        "the budget is the larger of {MIN_BUDGET} and {NODES_FACTOR} × the YAML nodes written ({} here); \
         this looks like an alias bomb (billion laughs): share large fragments through fewer aliases, \
         and merge each fragment once",
        budget.written
    ));
    match &node.kind {
        NodeKind::Alias {
            name,
            target: Some(t),
        } => {
            d = d.with_label(format!("`*{name}` alone expands to {}", amount(cost)));
            if let Some(anchor) = &tree.get(*t).anchor {
                d = d.with_secondary(anchor.span, format!("`&{name}` is defined here"));
            }
        }
        _ => d = d.with_label(format!("this expands to {}", amount(cost))),
    }
    d
}

fn too_deep(tree: &Tree, at: NodeId) -> Diagnostic {
    Diagnostic::error(
        "too-deep",
        format!("aliases and merges nest values more than {EXPANDED_DEPTH_LIMIT} levels deep"),
        tree.get(at).span,
    )
    .with_label("the deepest expansion goes through here")
    .with_help("flatten the chain of fragments that include each other")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn expanded(text: &str) -> Budget {
        let (tree, diagnostics) = crate::yaml::load_str("t.yaml", text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        measure(&tree)
    }

    #[test]
    fn an_alias_costs_what_its_target_expands_to() {
        // root 1, `a` 1, `[1, 2]` 3, `b` 1, `[*a, *a]` 1 + 3 + 3.
        let b = expanded("a: &a [1, 2]\nb: [*a, *a]\n");
        assert_eq!((b.written, b.expanded), (9, 13));
        assert_eq!(b.limit, MIN_BUDGET);
    }

    #[test]
    fn a_merged_entry_costs_one_more_for_its_merge_step() {
        // root 1, `.a` 1, `{x: 1}` 3, `b` 1, `{<<: *a, y: 2}` 1 + (1 + 3 + 1) + 2.
        let b = expanded(".a: &a {x: 1}\nb: {<<: *a, y: 2}\n");
        assert_eq!(b.expanded, 14);
    }

    #[test]
    fn expansion_saturates_instead_of_overflowing() {
        let mut text = String::from("l0: &l0 [x, x]\n");
        for i in 1..80 {
            text.push_str(&format!("l{i}: &l{i} [*l{}, *l{}]\n", i - 1, i - 1));
        }
        assert_eq!(expanded(&text).expanded, u64::MAX);
        let (tree, _) = crate::yaml::load_str("t.yaml", &text);
        let mut diagnostics = Vec::new();
        assert!(!check(&tree, &mut diagnostics));
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, "alias-expansion-limit");
        assert!(
            diagnostics[0]
                .message
                .contains("over the run's budget of 1000000")
        );
    }

    #[test]
    fn merge_chains_count_every_copy() {
        let mut text = String::from(".f0: &f0 {a: string}\n");
        for i in 1..40 {
            text.push_str(&format!(
                ".f{i}: &f{i} {{<<: [*f{}, *f{}]}}\n",
                i - 1,
                i - 1
            ));
        }
        let (tree, _) = crate::yaml::load_str("t.yaml", &text);
        let mut diagnostics = Vec::new();
        assert!(!check(&tree, &mut diagnostics));
        assert_eq!(diagnostics[0].code, "merge-too-large");
    }

    /// A parsed tree carries what its documents expand to; a tree whose nodes were changed afterwards (the
    /// fields are public) is measured afresh, not by the stale figures.
    #[test]
    fn a_tree_changed_after_parsing_is_measured_again() {
        let (mut tree, _) = crate::yaml::load_str("t.yaml", "a: 1\n");
        let (bomb, _) = crate::yaml::load_str("b.yaml", "b: &x [1, 2]\nc: [*x, *x, *x]\n");
        assert_eq!(tree.documents.len(), bomb.documents.len());
        tree.nodes = bomb.nodes.clone();
        tree.documents[0].root = bomb.documents[0].root;
        assert_eq!(measure(&tree), measure(&bomb));
        assert!(measure(&tree).expanded > 3);
    }

    #[test]
    fn the_budget_grows_with_the_text() {
        let text: String = (0..5000).map(|i| format!("k{i}: [a, b, c]\n")).collect();
        let b = expanded(&text);
        assert_eq!(b.limit, 100 * b.written);
        assert!(b.expanded <= b.written);
    }
}
