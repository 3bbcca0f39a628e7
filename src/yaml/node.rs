//! The spanned YAML tree. All documents of a run live in one arena so an alias can point into a prelude
//! file; aliases stay references to their target, which keeps a billion-laughs file as small as its text.

use crate::source::Span;

/// Index of a node in a [`Tree`].
pub type NodeId = u32;

/// One YAML node.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What it is.
    pub kind: NodeKind,
    /// The node's text (for a collection, from its first to its last child).
    pub span: Span,
    /// `&name` on this node (boxed: few nodes carry one, and every node pays for the field).
    pub anchor: Option<Box<Anchor>>,
}

/// An anchor definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    /// The name without `&`.
    pub name: String,
    /// The `&name` token.
    pub span: Span,
}

/// The kinds of node.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// A scalar with its style.
    Scalar(Scalar),
    /// A sequence.
    Sequence(Box<[NodeId]>),
    /// A mapping as written: `(key, value)` pairs in order, merge keys included.
    Mapping(Box<[(NodeId, NodeId)]>),
    /// `*name`. `target` is `None` when the alias is undefined or would be a cycle (already diagnosed).
    Alias {
        /// The name without `*`.
        name: Box<str>,
        /// The anchored node it refers to.
        target: Option<NodeId>,
    },
}

/// A scalar's text and how it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    /// The value after escape processing.
    pub value: Box<str>,
    /// `true` for plain scalars, which are subject to type resolution (`12`, `true`, `null`).
    pub plain: bool,
    /// An explicit tag, as resolved (`tag:yaml.org,2002:str`).
    pub tag: Option<Box<str>>,
}

/// One document: its root and the file it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Root node (`None` for an empty document).
    pub root: Option<NodeId>,
    /// The file.
    pub file: crate::source::FileId,
    /// Whether the file is a prelude (`_*.yaml`).
    pub prelude: bool,
}

/// Every node and document of a run.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    /// The arena.
    pub nodes: Vec<Node>,
    /// Documents in load order: preludes first.
    pub documents: Vec<Document>,
    /// What each document expands to, by document (see [`super::budget`]; a document without a root
    /// counts nothing): computed by `parse_all` while it parses, so that checking the run's budget does not
    /// walk the whole tree again on one core, and kept a document at a time rather than a node at a time.
    /// Empty for a tree put together otherwise (the budget then computes it).
    pub(crate) expansion: Vec<Expansion>,
    /// How many nodes the tree had when `expansion` was computed: a tree whose nodes or documents changed
    /// since (they are public) has the budget compute it again rather than trust it.
    pub(crate) expansion_nodes: usize,
}

/// What one node expands to, once its aliases are replaced and its merges applied ([`super::budget`]
/// computes it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Expansion {
    /// Nodes after expanding aliases, plus the merge steps of every entry.
    pub(crate) cost: u64,
    /// Entries a mapping contributes when merged (for a sequence: the sum over its items).
    pub(crate) entries: u64,
    /// Nesting after expanding aliases, each merge step counting one.
    pub(crate) depth: u32,
}

/// The YAML 1.1 merge tag.
pub const MERGE_TAG: &str = "tag:yaml.org,2002:merge";

impl Tree {
    /// The node with this id.
    pub fn get(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    /// Follow an alias to its target (aliases cannot point at aliases, so one step suffices).
    /// An undefined alias stays itself.
    pub fn deref(&self, id: NodeId) -> NodeId {
        match &self.get(id).kind {
            NodeKind::Alias {
                target: Some(target),
                ..
            } => *target,
            _ => id,
        }
    }

    /// The node after following an alias.
    pub fn resolved(&self, id: NodeId) -> &Node {
        self.get(self.deref(id))
    }

    /// The text of a scalar (after following an alias), or `None` for anything else.
    pub fn scalar(&self, id: NodeId) -> Option<&Scalar> {
        match &self.resolved(id).kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// Whether a key node is a merge key: a plain `<<` or one tagged `!!merge`, or an alias to such a key
    /// (`&m <<: *a` then `*m : *b` merges twice in PyYAML, where the alias is the same node).
    pub fn is_merge_key(&self, id: NodeId) -> bool {
        match &self.resolved(id).kind {
            NodeKind::Scalar(s) => match &s.tag {
                Some(tag) => &**tag == MERGE_TAG,
                None => s.plain && &*s.value == "<<",
            },
            _ => false,
        }
    }

    /// A short description of a node's kind for messages: `a mapping`, `a sequence`, `the scalar `x``.
    pub fn describe(&self, id: NodeId) -> String {
        match &self.resolved(id).kind {
            NodeKind::Scalar(s) if s.value.chars().count() <= 40 => {
                format!("the scalar `{}`", s.value)
            }
            NodeKind::Scalar(_) => "a scalar".into(),
            NodeKind::Sequence(_) => "a sequence".into(),
            NodeKind::Mapping(_) => "a mapping".into(),
            NodeKind::Alias { name, .. } => format!("the undefined alias `*{name}`"),
        }
    }
}
