//! Which fragments a definition refers to: every alias (merge key or plain value) anywhere inside it whose
//! target is a fragment's value. Recorded on events and fragments for `unused-fragment`; the fragments
//! themselves are not followed here (their own references are recorded on them).

use rustc_hash::{FxHashMap, FxHashSet};

use crate::yaml::{NodeId, NodeKind, Tree};

/// The fragments referred to inside `node`, each once, in the order written. An alias to an anchor that
/// is not a fragment (one inside another definition) is followed, once.
pub(super) fn fragments_used(
    tree: &Tree,
    node: NodeId,
    fragments: &FxHashMap<NodeId, String>,
) -> Vec<String> {
    let mut used = Vec::new();
    // Nearly every definition refers to a few fragments and holds no anchor: sets that stay lists until
    // they grow spare the allocations and hashing of a set for every event.
    let mut seen_fragments = Seen::default();
    let mut seen_nodes = Seen::default();
    let mut stack = Vec::with_capacity(32);
    stack.push(node);
    while let Some(id) = stack.pop() {
        // Only an anchored node can be reached twice (through an alias): remember just those.
        if tree.get(id).anchor.is_some() && !seen_nodes.insert(id) {
            continue;
        }
        match &tree.get(id).kind {
            NodeKind::Scalar(_) => {}
            NodeKind::Sequence(items) => stack.extend(items.iter().rev()),
            NodeKind::Mapping(pairs) => {
                for &(k, v) in pairs.iter().rev() {
                    stack.push(v);
                    stack.push(k);
                }
            }
            NodeKind::Alias {
                target: Some(t), ..
            } => match fragments.get(t) {
                Some(name) => {
                    if seen_fragments.insert(name.as_str()) {
                        used.push(name.clone());
                    }
                }
                None => stack.push(*t),
            },
            NodeKind::Alias { target: None, .. } => {}
        }
    }
    used
}

/// What was already met: a list while it is short, a set beyond.
struct Seen<T> {
    few: Vec<T>,
    many: FxHashSet<T>,
}

impl<T> Default for Seen<T> {
    fn default() -> Self {
        Seen {
            few: Vec::new(),
            many: FxHashSet::default(),
        }
    }
}

/// Items [`Seen`] keeps in its list before it uses a set.
const FEW: usize = 16;

impl<T: Eq + std::hash::Hash> Seen<T> {
    /// Whether `item` is new (and remember it).
    fn insert(&mut self, item: T) -> bool {
        if self.few.contains(&item) {
            return false;
        }
        if self.few.len() < FEW {
            self.few.push(item);
            return true;
        }
        self.many.insert(item)
    }
}
