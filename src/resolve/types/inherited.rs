//! Merging resolved parameters. A mapping of parameters whose `<<` keys merge anchored fragments is built
//! from each fragment's parameters resolved once (its [`Template`]), instead of flattening the fragment's
//! entries again and resolving each of them for every event that merges it: an inherited parameter then
//! costs a copy of a resolved one with one more merge step in front of its provenance.
//!
//! The result is the general path's ([`Resolver::parameters`] over [`crate::yaml::Merger`]): the same keys
//! in the same order (a later definition of a key replaces the earlier by the same [`overrides`]), the
//! same definitions, provenance and overridden definitions. Whenever that could differ (a merged fragment has a problem, a merge is not of an anchored mapping, a
//! key is repeated), the mapping takes the general path, which reports what it finds.

use std::rc::Rc;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};
use thin_vec::ThinVec;

use super::Resolver;
use crate::diagnostics::Diagnostic;
use crate::model::{Inherit, InheritChain, Origin, Parameter, Parameters};
use crate::yaml::{Entry, Hop, NodeId, NodeKind, Overriding, SMALL_MAPPING, overrides};

/// One key of a mapping being merged: its definition, resolved (`None` when it could not be), and the
/// definitions of the key it overrode.
#[derive(Debug, Clone)]
pub(super) struct Slot {
    key: Arc<str>,
    definition: (NodeId, NodeId),
    param: Option<Parameter>,
    shadowed: Vec<Slot>,
}

impl Overriding for Slot {
    fn definition(&self) -> (NodeId, NodeId) {
        self.definition
    }

    fn shadowed_mut(&mut self) -> &mut Vec<Slot> {
        &mut self.shadowed
    }
}

/// A mapping being merged, inserted straight into its parameters (one hash a key): each position's
/// definition, and what it overrode when it overrode anything (rarely: kept by position), are kept beside
/// it until the end.
struct Merge {
    out: Parameters,
    definitions: Vec<(NodeId, NodeId)>,
    shadowed: FxHashMap<usize, Vec<Slot>>,
}

impl Merge {
    fn with_capacity(size: usize) -> Self {
        Merge {
            out: Parameters::with_capacity_and_hasher(size, Default::default()),
            definitions: Vec::with_capacity(size),
            shadowed: FxHashMap::default(),
        }
    }

    /// The next key of PyYAML's merged list: a new key is appended, a known one replaced in place.
    fn add(
        &mut self,
        key: &Arc<str>,
        definition: (NodeId, NodeId),
        param: Parameter,
        shadowed: Vec<Slot>,
    ) {
        match self.out.entry(Arc::clone(key)) {
            indexmap::map::Entry::Vacant(slot) => {
                if !shadowed.is_empty() {
                    self.shadowed.insert(slot.index(), shadowed);
                }
                slot.insert(param);
                self.definitions.push(definition);
            }
            indexmap::map::Entry::Occupied(mut slot) => {
                let i = slot.index();
                let old = Slot {
                    key: Arc::clone(key),
                    definition: self.definitions[i],
                    param: Some(slot.insert(param)),
                    shadowed: self.shadowed.remove(&i).unwrap_or_default(),
                };
                let mut winner = Slot {
                    key: Arc::clone(key),
                    definition,
                    param: None,
                    shadowed,
                };
                overrides(&mut winner, old);
                self.definitions[i] = definition;
                if !winner.shadowed.is_empty() {
                    self.shadowed.insert(i, winner.shadowed);
                }
            }
        }
    }

    /// The parameters, each with the definitions it overrode, without the keys `left_out`.
    fn finish(mut self, left_out: &[Arc<str>]) -> Parameters {
        for (i, shadowed) in self.shadowed {
            if let Some((_, p)) = self.out.get_index_mut(i) {
                p.shadowed = shadowed.into_iter().filter_map(|s| s.param).collect();
            }
        }
        for key in left_out {
            self.out.shift_remove(&**key);
        }
        self.out
    }
}

/// An anchored mapping's parameters, resolved once, their provenance starting at the mapping.
pub(super) type Template = Rc<[Slot]>;

/// Provenance chains with one more step in front, each made once per merge step: the parameters of a
/// fragment share a few chains, so copies of them share a few too.
struct Prepended {
    step: Arc<Inherit>,
    /// The chain made last: a fragment's parameters that came through the same merges come in a row.
    last: Option<(*const Arc<Inherit>, InheritChain)>,
    /// Every chain made, by the chain it extends (which the template keeps alive). A map, not a list: a
    /// fragment can merge thousands of others, each a chain of its own.
    made: FxHashMap<*const Arc<Inherit>, InheritChain>,
}

impl Prepended {
    fn new(step: Arc<Inherit>) -> Self {
        Prepended {
            step,
            last: None,
            made: FxHashMap::default(),
        }
    }

    /// `inner` with this merge step in front.
    fn chain(&mut self, inner: &InheritChain) -> InheritChain {
        let id = inner.as_ptr();
        if let Some((last, chain)) = &self.last
            && *last == id
        {
            return Arc::clone(chain);
        }
        let step = &self.step;
        let chain = self.made.entry(id).or_insert_with(|| {
            std::iter::once(Arc::clone(step))
                .chain(inner.iter().cloned())
                .collect()
        });
        let chain = Arc::clone(chain);
        self.last = Some((id, Arc::clone(&chain)));
        chain
    }

    fn slot(&mut self, slot: &Slot) -> Slot {
        Slot {
            key: Arc::clone(&slot.key),
            definition: slot.definition,
            param: slot.param.as_ref().map(|p| self.param(p)),
            shadowed: slot.shadowed.iter().map(|s| self.slot(s)).collect(),
        }
    }

    fn param(&mut self, p: &Parameter) -> Parameter {
        let via = self.chain(&p.origin.via);
        Parameter {
            definition: Arc::clone(&p.definition),
            origin: Origin { via },
            shadowed: ThinVec::new(),
        }
    }
}

impl Resolver<'_, '_> {
    /// The parameters of a mapping that merges anchored fragments, built from their templates; `None`,
    /// having reported nothing, when the mapping must take the general path: it merges nothing, merges
    /// something other than an anchored mapping, repeats a key, or a fragment it merges has a problem.
    pub(super) fn merged_parameters(
        &mut self,
        node: NodeId,
        depth: usize,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Parameters> {
        let (hops, explicit) = self.merge_plan(node)?;
        let mut templates = Vec::with_capacity(hops.len());
        for hop in hops {
            templates.push((hop, self.template(hop.target, depth, diagnostics)?));
        }
        let size = templates.iter().map(|(_, t)| t.len()).sum::<usize>() + explicit.len();
        let mut merge = Merge::with_capacity(size);
        for (hop, template) in &templates {
            let mut prepended = Prepended::new(self.inherit(*hop));
            for slot in template.iter() {
                // A template holds only parameters that resolved.
                let param = prepended.param(slot.param.as_ref()?);
                let shadowed = slot.shadowed.iter().map(|s| prepended.slot(s)).collect();
                merge.add(&slot.key, slot.definition, param, shadowed);
            }
        }
        // Explicit keys come last and win; one that does not resolve leaves its key out.
        let mut left_out = Vec::new();
        for entry in explicit {
            match self.memoized(&entry, depth, diagnostics) {
                Some(param) => {
                    merge.add(&entry.key, (entry.key_node, entry.value), param, Vec::new())
                }
                None => left_out.push(entry.key),
            }
        }
        Some(merge.finish(&left_out))
    }

    /// The merge steps of a mapping in PyYAML's order (a sequence's mappings in reverse) and its explicit
    /// entries, when every merge is of an anchored mapping and no explicit key repeats.
    fn merge_plan(&self, node: NodeId) -> Option<(Vec<Hop>, Vec<Entry>)> {
        let tree = self.tree();
        let NodeKind::Mapping(pairs) = &tree.resolved(node).kind else {
            return None;
        };
        if !pairs.iter().any(|&(key, _)| tree.is_merge_key(key)) {
            return None;
        }
        let mut hops = Vec::new();
        let mut explicit: Vec<Entry> = Vec::new();
        let anchored = |value: NodeId| {
            let target = tree.deref(value);
            let node = tree.get(target);
            (matches!(node.kind, NodeKind::Mapping(_)) && node.anchor.is_some()).then_some(Hop {
                alias: tree.get(value).span,
                target,
            })
        };
        for &(key, value) in pairs.iter() {
            if tree.is_merge_key(key) {
                match &tree.resolved(value).kind {
                    NodeKind::Sequence(items) => {
                        for &item in items.iter().rev() {
                            hops.push(anchored(item)?);
                        }
                    }
                    _ => hops.push(anchored(value)?),
                }
            } else if let Some(scalar) = tree.scalar(key) {
                explicit.push(Entry::written(&scalar.value, key, value));
            }
        }
        // A repeated key (a duplicate-key error) is left to the general path. Nearly every mapping is small:
        // its keys are compared with the earlier ones; a larger one (any number of keys) is checked with a set.
        let distinct = if explicit.len() <= SMALL_MAPPING {
            explicit
                .iter()
                .enumerate()
                .all(|(i, e)| explicit[..i].iter().all(|earlier| earlier.key != e.key))
        } else {
            let mut keys = FxHashSet::default();
            explicit.iter().all(|e| keys.insert(&*e.key))
        };
        if hops.is_empty() || !distinct {
            return None;
        }
        Some((hops, explicit))
    }

    /// An anchored mapping's parameters resolved once (per chunk of events), or `None` when it has a
    /// problem. The problems of merging it are reported here, to its first user, as the merger reports
    /// them once; a problem in one of its parameters is left to the general path, which reports it for
    /// every event that inherits the parameter.
    fn template(
        &mut self,
        target: NodeId,
        depth: usize,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Template> {
        if let Some(done) = self.resolved_templates.get(&(target, depth)) {
            return done.clone();
        }
        let mut merge_problems = Vec::new();
        let made = self
            .merger
            .mapping(target, &mut merge_problems)
            .filter(|_| merge_problems.is_empty())
            .and_then(|merged| {
                let mut problems = Vec::new();
                let mut slots = Vec::with_capacity(merged.entries.len());
                for entry in &merged.entries {
                    let param = self.memoized(entry, depth, &mut problems)?;
                    let shadowed = entry
                        .shadowed
                        .iter()
                        .map(|old| Slot {
                            key: Arc::clone(&old.key),
                            definition: (old.key_node, old.value),
                            // Problems in overridden definitions are reported where they are written.
                            param: self.memoized(old, depth, &mut Vec::new()),
                            shadowed: Vec::new(),
                        })
                        .collect();
                    slots.push(Slot {
                        key: Arc::clone(&entry.key),
                        definition: (entry.key_node, entry.value),
                        param: Some(param),
                        shadowed,
                    });
                }
                problems.is_empty().then(|| Template::from(slots))
            });
        diagnostics.append(&mut merge_problems);
        self.resolved_templates
            .insert((target, depth), made.clone());
        made
    }
}
