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
    let mut seen_fragments = FxHashSet::default();
    let mut seen_nodes = FxHashSet::default();
    let mut stack = vec![node];
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
                    if seen_fragments.insert(name) {
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
