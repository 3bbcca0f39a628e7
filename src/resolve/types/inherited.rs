//! Merging resolved parameters. A mapping of parameters whose `<<` keys merge anchored fragments is built
//! from each fragment's parameters resolved once (its [`Template`]), instead of flattening the fragment's
//! entries again and resolving each of them for every event that merges it: an inherited parameter then
//! costs a copy of a resolved one with one more merge step in front of its provenance. Mappings that merge
//! the same fragments in the same order (most events: `<<: [*user, *device]`) share the merge of their
//! templates too ([`Resolver::shared_merge`]): each copies it whole and puts its own steps in front.
//!
//! The result is the general path's ([`Resolver::parameters`] over [`crate::yaml::Merger`]): the same keys
//! in the same order (a later definition of a key replaces the earlier by the same [`overrides`]), the
//! same definitions, provenance and overridden definitions. Whenever that could differ (a merged fragment has a problem, a merge is not of an anchored mapping, a
//! key is repeated), the mapping takes the general path, which reports what it finds.

use std::rc::Rc;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use super::Resolver;
use crate::diagnostics::Diagnostic;
use crate::model::{EventParameters, Inherit, Parameter, Parameters, Prepended, SharedParameters};
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
    /// Returns its position.
    fn add(
        &mut self,
        key: &Arc<str>,
        definition: (NodeId, NodeId),
        param: Parameter,
        shadowed: Vec<Slot>,
    ) -> usize {
        match self.out.entry(Arc::clone(key)) {
            indexmap::map::Entry::Vacant(slot) => {
                let i = slot.index();
                if !shadowed.is_empty() {
                    self.shadowed.insert(i, shadowed);
                }
                slot.insert(param);
                self.definitions.push(definition);
                i
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
                i
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

/// The templates of a list of merge steps merged ([`Resolver::shared_merge`]): the parameters with their
/// provenance starting at the mapping each came from and by position the step that brought it (held by
/// the events that use the merge, see [`EventParameters`]), and by position where each is written.
pub(super) struct SharedMerge {
    shared: Arc<SharedParameters>,
    definitions: Vec<(NodeId, NodeId)>,
}

impl SharedMerge {
    /// The templates merged in order, with room for `room` more keys; `None` when the merge is not to be
    /// shared: it overrides a different definition of a key (its overridden definitions would need their
    /// own steps in front).
    fn make(templates: &[Template], room: usize) -> Option<Rc<SharedMerge>> {
        let size = templates.iter().map(|t| t.len()).sum::<usize>();
        let mut merge = Merge::with_capacity(size);
        let mut step_of = Vec::with_capacity(size);
        for (step, template) in templates.iter().enumerate() {
            for slot in template.iter() {
                if !slot.shadowed.is_empty() {
                    return None;
                }
                // A template holds only parameters that resolved.
                let param = slot.param.clone()?;
                let i = merge.add(&slot.key, slot.definition, param, Vec::new());
                if i == step_of.len() {
                    step_of.push(step);
                } else {
                    step_of[i] = step;
                }
            }
        }
        if !merge.shadowed.is_empty() {
            return None;
        }
        // A copy's table has as many buckets as this one's: room for what it holds and `room` more keys
        // (the explicit keys of the mapping that made it; its users mostly have as many), not for every
        // template's keys, which overlap.
        merge.out.shrink_to(merge.out.len() + room);
        Some(Rc::new(SharedMerge {
            shared: Arc::new(SharedParameters {
                params: merge.out,
                step_of,
            }),
            definitions: merge.definitions,
        }))
    }

    /// A copy, with room for `more` keys. (`IndexMap::clone` would give its list of entries as much room
    /// as its table, up to twice what it holds: a copy per event.)
    fn copy(&self, more: usize) -> Merge {
        let size = self.shared.params.len() + more;
        let mut out = Parameters::with_capacity_and_hasher(size, Default::default());
        out.clone_from(&self.shared.params);
        let mut definitions = Vec::with_capacity(size);
        definitions.extend_from_slice(&self.definitions);
        Merge {
            out,
            definitions,
            shadowed: FxHashMap::default(),
        }
    }
}

/// Lists of merge steps by their depth and targets ([`Resolver::shared_merge`]).
pub(super) type SharedMerges = FxHashMap<Box<[NodeId]>, Shared>;

/// What is known of one list of merge steps.
#[derive(Clone)]
pub(super) enum Shared {
    /// Met once: its merge is made when it is met again.
    SeenOnce,
    /// Its merge, shared.
    Made(Rc<SharedMerge>),
    /// Its merge overrides different definitions of a key: not shared.
    Not,
}

/// `slot` with `step`'s merge step in front of its provenance and of what it overrode.
fn prepended_slot(step: &mut Prepended, slot: &Slot) -> Slot {
    Slot {
        key: Arc::clone(&slot.key),
        definition: slot.definition,
        param: slot.param.as_ref().map(|p| step.param(p)),
        shadowed: slot
            .shadowed
            .iter()
            .map(|s| prepended_slot(step, s))
            .collect(),
    }
}

impl Resolver<'_, '_> {
    /// The parameters of a mapping that merges anchored fragments, built from their templates; `None`,
    /// having reported nothing, when the mapping must take the general path: it merges nothing, merges
    /// something other than an anchored mapping, repeats a key, or a fragment it merges has a problem.
    /// With `defer` (an event's `parameters:`), a mapping that uses a shared merge holds it instead of a
    /// copy ([`EventParameters`]).
    pub(super) fn merged_parameters(
        &mut self,
        node: NodeId,
        depth: usize,
        defer: bool,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<EventParameters> {
        let (hops, explicit) = self.merge_plan(node)?;
        let mut merge = match self.shared_merge(&hops, depth, explicit.len())? {
            Some(shared) if defer => {
                return Some(self.deferred(&shared, &hops, explicit, depth, diagnostics));
            }
            Some(shared) => {
                // The shared merge's parameters, each with its merge step in front of its provenance.
                let mut merge = shared.copy(explicit.len());
                let mut steps: Vec<Prepended> = hops
                    .iter()
                    .map(|hop| Prepended::new(self.inherit(*hop)))
                    .collect();
                for (p, &step) in merge.out.values_mut().zip(&shared.shared.step_of) {
                    p.origin.via = steps[step].chain(&p.origin.via);
                }
                merge
            }
            None => {
                let templates = self.templates(&hops, depth)?;
                let size = templates.iter().map(|t| t.len()).sum::<usize>() + explicit.len();
                let mut merge = Merge::with_capacity(size);
                for (hop, template) in hops.iter().zip(&templates) {
                    let mut prepended = Prepended::new(self.inherit(*hop));
                    for slot in template.iter() {
                        // A template holds only parameters that resolved.
                        let param = prepended.param(slot.param.as_ref()?);
                        let shadowed = slot
                            .shadowed
                            .iter()
                            .map(|s| prepended_slot(&mut prepended, s))
                            .collect();
                        merge.add(&slot.key, slot.definition, param, shadowed);
                    }
                }
                merge
            }
        };
        // Explicit keys come last and win; one that does not resolve leaves its key out.
        let mut left_out = Vec::new();
        for entry in explicit {
            match self.memoized(&entry, depth, diagnostics) {
                Some(param) => {
                    merge.add(&entry.key, (entry.key_node, entry.value), param, Vec::new());
                }
                None => left_out.push(entry.key),
            }
        }
        Some(merge.finish(&left_out).into())
    }

    /// The parameters of a mapping that uses `shared` through `hops`, holding the shared merge: its
    /// explicit keys resolved as [`Merge::add`] adds them after a copy of the merge (one that replaces a
    /// merged key takes its position and overrides it, with the mapping's step in front of its provenance;
    /// a new one goes last), and the mapping's steps.
    fn deferred(
        &mut self,
        shared: &SharedMerge,
        hops: &[Hop],
        explicit: Vec<Entry>,
        depth: usize,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> EventParameters {
        let steps: Vec<Arc<Inherit>> = hops.iter().map(|hop| self.inherit(*hop)).collect();
        let merged = &shared.shared;
        let mut replaced = Vec::new();
        let mut added = Vec::new();
        let mut left_out = Vec::new();
        for entry in explicit {
            let Some(mut param) = self.memoized(&entry, depth, diagnostics) else {
                left_out.push(entry.key);
                continue;
            };
            let Some(i) = merged.params.get_index_of(&*entry.key) else {
                added.push((entry.key, param));
                continue;
            };
            let mut step = Prepended::new(Arc::clone(&steps[merged.step_of[i]]));
            let old = Slot {
                key: Arc::clone(&entry.key),
                definition: shared.definitions[i],
                param: Some(step.param(&merged.params[i])),
                shadowed: Vec::new(),
            };
            let mut winner = Slot {
                key: Arc::clone(&entry.key),
                definition: (entry.key_node, entry.value),
                param: None,
                shadowed: Vec::new(),
            };
            overrides(&mut winner, old);
            param.shadowed = winner
                .shadowed
                .into_iter()
                .filter_map(|s| s.param)
                .collect();
            replaced.push((i, param));
        }
        replaced.sort_by_key(|(i, _)| *i);
        let params = EventParameters::merged(Arc::clone(merged), steps, replaced, added);
        if left_out.is_empty() {
            return params;
        }
        // A key that does not resolve is left out, inherited or not, as `Merge::finish` leaves it out.
        let mut map = params.into_map();
        for key in &left_out {
            map.shift_remove(&**key);
        }
        map.into()
    }

    /// The templates of `hops` merged once, for every mapping (in this chunk of events) that merges the same
    /// anchored mappings in the same order at the same depth, as most events do (`<<: [*user, *device]`):
    /// each of them then copies the merge and puts its own merge steps in front of the provenance, instead
    /// of merging the templates again key by key. Made when a list of steps is met the second time (a list
    /// met once costs one hash); `Some(None)` when it is not shared (met once so far, or the merge overrides
    /// a different definition of a key: the overridden definitions need their own steps in front); `None`
    /// when a template has a problem (the general path reports it).
    fn shared_merge(
        &mut self,
        hops: &[Hop],
        depth: usize,
        room: usize,
    ) -> Option<Option<Rc<SharedMerge>>> {
        let mut key = std::mem::take(&mut self.merge_key);
        key.clear();
        // Depth first: the depth of nesting is small, and no node id is read as one.
        key.push(NodeId::try_from(depth).unwrap_or(NodeId::MAX));
        key.extend(hops.iter().map(|hop| hop.target));
        let state = self.shared_merges.get(key.as_slice()).cloned();
        let shared = match state {
            Some(Shared::Made(shared)) => Some(Some(shared)),
            Some(Shared::Not) => Some(None),
            None => {
                self.shared_merges
                    .insert(key.as_slice().into(), Shared::SeenOnce);
                Some(None)
            }
            Some(Shared::SeenOnce) => match self.templates(hops, depth) {
                Some(templates) => {
                    let made = SharedMerge::make(&templates, room);
                    let state = made.clone().map_or(Shared::Not, Shared::Made);
                    self.shared_merges.insert(key.as_slice().into(), state);
                    Some(made)
                }
                None => None,
            },
        };
        self.merge_key = key;
        shared
    }

    /// The templates of `hops`, in order; `None` when one has a problem (see [`Self::template`]).
    fn templates(&mut self, hops: &[Hop], depth: usize) -> Option<Vec<Template>> {
        hops.iter()
            .map(|hop| self.template(hop.target, depth))
            .collect()
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
    /// problem. Nothing is reported here: a mapping that merges one with a problem takes the general
    /// path, which reports it to every user (the merger gives the problems of merging a mapping to every
    /// caller, and a problem in a parameter is reported for every event that inherits it).
    fn template(&mut self, target: NodeId, depth: usize) -> Option<Template> {
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
        self.resolved_templates
            .insert((target, depth), made.clone());
        made
    }
}
