//! An event's parameters, put together when first read when the event inherits them from a merge that
//! other events share ([`EventParameters`]).

use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;

use super::{Definition, Inherit, InheritChain, Origin, Parameter, Parameters};

/// An event's parameters in resolved order (merged keys first, in merge order, then explicit keys): it
/// dereferences to its [`Parameters`].
///
/// Most events of a large catalog merge the same fragments as other events do (`<<: [*user, *device]`).
/// Their inherited parameters differ from one such event to the next only in the merge steps in front of
/// their provenance, and there are dozens of them an event. Such an event holds the merge, shared with the
/// other events, its own merge steps and the parameters written in it; the map is put together the first
/// time it is read (and then kept). `evdef check` reads only what is written in each event
/// ([`EventParameters::each`], [`EventParameters::definition`], [`EventParameters::len`]) and never puts
/// the maps together; the backends, `diff` and the language server read the maps.
#[derive(Clone, Default)]
pub struct EventParameters {
    built: OnceLock<Parameters>,
    merged: Option<Box<Merged>>,
}

/// An event's parameters as a shared merge, the event's steps and its own parameters.
#[derive(Clone)]
struct Merged {
    shared: Arc<SharedParameters>,
    /// The event's merge step in front of each step of the shared merge, by its index.
    steps: Vec<Arc<Inherit>>,
    /// Parameters written in the event that replace a merged one, by its position (ascending).
    replaced: Vec<(usize, Parameter)>,
    /// Parameters written in the event with keys the merge does not hold, in order written.
    added: Vec<(Arc<str>, Parameter)>,
}

/// An event's shared merge and its own parameters ([`EventParameters::parts`]).
pub(crate) struct Parts<'a> {
    pub shared: &'a Arc<SharedParameters>,
    pub replaced: &'a [(usize, Parameter)],
    pub added: &'a [(Arc<str>, Parameter)],
}

impl<'a> Parts<'a> {
    /// The parameters written in the event, in the event's order.
    pub fn own(&self) -> impl Iterator<Item = &'a Parameter> + use<'a> {
        let replaced = self.replaced.iter().map(|(_, p)| p);
        replaced.chain(self.added.iter().map(|(_, p)| p))
    }
}

/// A merge of fragments' parameters that several events share (see [`EventParameters`]): the parameters,
/// each with its provenance starting at the fragment it came from, and by position the index of the merge
/// step that brought it in.
#[derive(Debug)]
pub(crate) struct SharedParameters {
    pub params: Parameters,
    pub step_of: Vec<usize>,
}

impl EventParameters {
    /// The parameters of an event that merges `shared` through `steps` (one a step of the merge), with the
    /// parameters written in it: `replaced` by position in `shared` (ascending; each with what it
    /// overrides), `added` in order written.
    pub(crate) fn merged(
        shared: Arc<SharedParameters>,
        steps: Vec<Arc<Inherit>>,
        replaced: Vec<(usize, Parameter)>,
        added: Vec<(Arc<str>, Parameter)>,
    ) -> Self {
        debug_assert!(replaced.is_sorted_by_key(|(i, _)| *i));
        EventParameters {
            built: OnceLock::new(),
            merged: Some(Box::new(Merged {
                shared,
                steps,
                replaced,
                added,
            })),
        }
    }

    /// The map, put together if it was not.
    pub fn into_map(self) -> Parameters {
        self.map();
        self.built.into_inner().unwrap_or_default()
    }

    /// How many parameters the event holds, without putting the map together.
    pub fn len(&self) -> usize {
        match &self.merged {
            Some(m) => m.shared.params.len() + m.added.len(),
            None => self.built.get().map_or(0, Parameters::len),
        }
    }

    /// Whether the event holds no parameter.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The definition of the parameter `name`, without putting the map together (the definition is the
    /// same whichever way it arrived; its provenance is the parameter's, see [`Parameters::get`]).
    pub fn definition(&self, name: &str) -> Option<&Arc<Definition>> {
        let Some(m) = &self.merged else {
            return self.built.get()?.get(name).map(|p| &p.definition);
        };
        if let Some((_, p)) = m.added.iter().find(|(key, _)| &**key == name) {
            return Some(&p.definition);
        }
        let i = m.shared.params.get_index_of(name)?;
        Some(match m.replaced.binary_search_by_key(&i, |(at, _)| *at) {
            Ok(r) => &m.replaced[r].1.definition,
            Err(_) => &m.shared.params[i].definition,
        })
    }

    /// Every parameter in order, without putting the map together: each with the merge step its
    /// provenance lacks in front, `Some` for an inherited parameter held in the shared merge (its
    /// [`Origin::via`] is then the rest of the chain, possibly empty), `None` when it is complete.
    pub fn each(&self) -> impl Iterator<Item = (&Parameter, Option<&Arc<Inherit>>)> {
        let (merged, built) = match &self.merged {
            Some(m) => (Some(m), None),
            None => (None, self.built.get()),
        };
        let complete = built
            .into_iter()
            .flat_map(|b| b.values())
            .map(|p| (p, None));
        let from_merge = merged.into_iter().flat_map(|m| {
            let mut replaced = m.replaced.iter().peekable();
            let merged = m
                .shared
                .params
                .values()
                .zip(&m.shared.step_of)
                .enumerate()
                .map(
                    move |(i, (p, &step))| match replaced.next_if(|(at, _)| *at == i) {
                        Some((_, own)) => (own, None),
                        None => (p, m.steps.get(step)),
                    },
                );
            merged.chain(m.added.iter().map(|(_, p)| (p, None)))
        });
        complete.chain(from_merge)
    }

    /// For an event that holds a shared merge: the merge (its address tells it apart) and the parameters
    /// written in the event. What [`EventParameters::each`] gives is then the merge's parameters, each
    /// with its step, the `replaced` ones taking their positions, and the `added` ones last.
    pub(crate) fn parts(&self) -> Option<Parts<'_>> {
        self.merged.as_deref().map(|m| Parts {
            shared: &m.shared,
            replaced: &m.replaced,
            added: &m.added,
        })
    }

    /// The map, put together on first use.
    fn map(&self) -> &Parameters {
        self.built.get_or_init(|| match &self.merged {
            Some(m) => m.build(),
            None => Parameters::default(),
        })
    }
}

impl Merged {
    /// The map: the shared merge copied with the event's steps in front of each provenance, then the
    /// event's own parameters, as the resolver adds explicit keys to a merge: a replaced key keeps its
    /// position, a new one goes last.
    fn build(&self) -> Parameters {
        let size = self.shared.params.len() + self.added.len();
        let mut out = Parameters::with_capacity_and_hasher(size, Default::default());
        out.clone_from(&self.shared.params);
        let mut steps: Vec<Prepended> = self.steps.iter().cloned().map(Prepended::new).collect();
        for (p, &step) in out.values_mut().zip(&self.shared.step_of) {
            if let Some(prepended) = steps.get_mut(step) {
                p.origin.via = prepended.chain(&p.origin.via);
            }
        }
        for (i, own) in &self.replaced {
            if let Some((_, p)) = out.get_index_mut(*i) {
                *p = own.clone();
            }
        }
        for (key, own) in &self.added {
            out.insert(Arc::clone(key), own.clone());
        }
        out
    }
}

impl From<Parameters> for EventParameters {
    fn from(params: Parameters) -> Self {
        EventParameters {
            built: OnceLock::from(params),
            merged: None,
        }
    }
}

impl std::ops::Deref for EventParameters {
    type Target = Parameters;

    fn deref(&self) -> &Parameters {
        self.map()
    }
}

impl std::ops::DerefMut for EventParameters {
    /// The map to change: put together, and from then on the only form.
    fn deref_mut(&mut self) -> &mut Parameters {
        self.map();
        self.merged = None;
        self.built.get_or_init(Parameters::default);
        self.built
            .get_mut()
            .unwrap_or_else(|| unreachable!("initialised above"))
    }
}

impl<'a> IntoIterator for &'a EventParameters {
    type Item = (&'a Arc<str>, &'a Parameter);
    type IntoIter = indexmap::map::Iter<'a, Arc<str>, Parameter>;

    fn into_iter(self) -> Self::IntoIter {
        self.map().iter()
    }
}

impl PartialEq for EventParameters {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl std::fmt::Debug for EventParameters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

/// Provenance chains with one more step in front, each made once per merge step: the parameters of a
/// fragment share a few chains, so copies of them share a few too.
pub(crate) struct Prepended {
    step: Arc<Inherit>,
    /// The chain made last: a fragment's parameters that came through the same merges come in a row.
    last: Option<(*const Arc<Inherit>, InheritChain)>,
    /// Every chain made, by the chain it extends (which the template keeps alive): a list while short
    /// (nearly always: a fragment's parameters arrive by a few chains, and a map would be allocated for
    /// every merge of every event), a map beyond (a fragment can merge thousands of others, each a
    /// chain of its own).
    made: Vec<(*const Arc<Inherit>, InheritChain)>,
    made_many: FxHashMap<*const Arc<Inherit>, InheritChain>,
}

/// Chains [`Prepended`] keeps in its list before it uses a map.
const FEW_CHAINS: usize = 8;

impl Prepended {
    pub(crate) fn new(step: Arc<Inherit>) -> Self {
        Prepended {
            step,
            last: None,
            made: Vec::new(),
            made_many: FxHashMap::default(),
        }
    }

    /// `inner` with this merge step in front.
    pub(crate) fn chain(&mut self, inner: &InheritChain) -> InheritChain {
        let id = inner.as_ptr();
        if let Some((last, chain)) = &self.last
            && *last == id
        {
            return Arc::clone(chain);
        }
        let step = &self.step;
        let make = || -> InheritChain {
            std::iter::once(Arc::clone(step))
                .chain(inner.iter().cloned())
                .collect()
        };
        let chain = if let Some((_, chain)) = self.made.iter().find(|(made, _)| *made == id) {
            Arc::clone(chain)
        } else if self.made.len() < FEW_CHAINS {
            let chain = make();
            self.made.push((id, Arc::clone(&chain)));
            chain
        } else {
            Arc::clone(self.made_many.entry(id).or_insert_with(make))
        };
        self.last = Some((id, Arc::clone(&chain)));
        chain
    }

    /// `p` with this merge step in front of its provenance, overriding nothing.
    pub(crate) fn param(&mut self, p: &Parameter) -> Parameter {
        Parameter {
            definition: Arc::clone(&p.definition),
            origin: Origin {
                via: self.chain(&p.origin.via),
            },
            shadowed: thin_vec::ThinVec::new(),
        }
    }
}
