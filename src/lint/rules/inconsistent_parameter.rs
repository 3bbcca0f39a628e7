//! `inconsistent-parameter`: one parameter name with different types, formats or enums in different
//! events. Parameters are compared by their path in the event (`user_id`, `location.lat`); each place a
//! definition is written counts once, however many events inherit it.

use std::sync::Arc;

use indexmap::IndexMap;
use rustc_hash::FxHashSet;

use crate::diagnostics::Diagnostic;
use crate::model::{Catalog, Inherit, Parameter, Parameters, Schema, Type};
use crate::source::Span;

#[doc = include_str!("inconsistent_parameter.md")]
pub struct InconsistentParameter;

/// The rule's documentation.
pub const EXPLANATION: &str = include_str!("inconsistent_parameter.md");

/// Places named in a message per variant before "and N more".
const PLACES_SHOWN: usize = 3;

/// One place a definition is written, as first reached from an event.
struct Site<'c> {
    /// The first event that reaches it.
    event: &'c str,
    /// The parameter as that event holds it (for one held in a shared merge, without the event's step).
    param: &'c Parameter,
    /// The last merge step it came through, if it was inherited: its fragment or anchor owns it.
    step: Option<&'c Inherit>,
    /// Where it is written (`param.key_span`), and a summary of its variant: copied while the walk has
    /// the parameter at hand, so that comparing the places of a path does not fetch each parameter
    /// again from wherever its event lies in memory.
    key: Span,
    shape: Shape,
}

/// What [`variant`] depends on, in a form compared without following pointers: the kinds of the types
/// down through arrays and maps (four bits a level), and the address of the enum `variant` reads.
/// Equal shapes have equal variants; shapes that differ may still have equal variants.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Shape {
    /// `None` when the types nest too deep to pack.
    types: Option<u64>,
    enumeration: usize,
}

impl Shape {
    fn of(schema: &Schema) -> Shape {
        let mut types = Some(0u64);
        let mut level = schema;
        for depth in 0.. {
            let kind = match &level.ty {
                Type::Array(_) => 1,
                Type::Map(_) => 2,
                other => {
                    3 + Type::NAMES
                        .iter()
                        .position(|n| *n == other.name())
                        .unwrap_or(0) as u64
                }
            };
            types = types
                .filter(|_| depth < 16)
                .map(|t| t | kind << (4 * depth));
            match &level.ty {
                Type::Array(inner) | Type::Map(inner) => level = inner,
                _ => break,
            }
        }
        Shape {
            types,
            enumeration: enumeration(schema).map_or(0, |e| std::ptr::from_ref(e).addr()),
        }
    }

    /// Whether the places certainly have the same variant, without fetching their parameters when the
    /// shapes tell.
    fn same_variant(a: &Site, b: &Site) -> bool {
        (a.shape == b.shape && a.shape.types.is_some())
            || same_variant(&a.param.schema, &b.param.schema)
    }
}

/// The enum [`variant`] reads: the schema's own, else that of its innermost items or values.
fn enumeration(schema: &Schema) -> Option<&Vec<serde_json::Value>> {
    let mut inner = schema;
    while let Type::Array(items) | Type::Map(items) = &inner.ty {
        inner = items;
    }
    schema
        .constraints
        .enumeration
        .as_ref()
        .or(inner.constraints.enumeration.as_ref())
}

impl Site<'_> {
    /// The event or fragment it is written in.
    fn owner(&self) -> String {
        self.step
            .and_then(|h| {
                h.fragment
                    .clone()
                    .or_else(|| h.anchor_name.as_ref().map(|a| format!("&{a}")))
            })
            .unwrap_or_else(|| self.event.to_string())
    }
}

/// The type (which carries the format: `email`, `uuid`, ...) and the enum, in a sorted form.
fn variant(schema: &Schema) -> String {
    let mut s = schema.ty.display();
    let mut inner = schema;
    while let Type::Array(items) | Type::Map(items) = &inner.ty {
        inner = items;
    }
    for level in [schema, inner] {
        if let Some(values) = &level.constraints.enumeration {
            let mut values: Vec<String> = values
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .collect();
            values.sort();
            values.dedup();
            s.push_str(&format!(" enum [{}]", values.join(", ")));
            break;
        }
    }
    s
}

/// Whether two schemas certainly have the same [`variant`], compared without formatting: the same type
/// names down through arrays and maps, and the same enum at the level `variant` reads it from. `false`
/// only means "format both and compare".
fn same_variant(a: &Schema, b: &Schema) -> bool {
    fn same_type(a: &Type, b: &Type) -> bool {
        match (a, b) {
            (Type::Array(x), Type::Array(y)) | (Type::Map(x), Type::Map(y)) => {
                same_type(&x.ty, &y.ty)
            }
            (Type::Array(_) | Type::Map(_), _) | (_, Type::Array(_) | Type::Map(_)) => false,
            (x, y) => x.name() == y.name(),
        }
    }
    same_type(&a.ty, &b.ty) && enumeration(a) == enumeration(b)
}

/// Parameter paths, interned: each is its parent's id (0 for the top level) and its last name, so that
/// visiting a parameter allocates nothing. Every written definition reached from an event is kept once
/// per path, in catalog order; or, for a walk that only asks whether the rule has anything to report
/// ([`Paths::first_places`]), the first of each path.
pub(crate) struct Paths<'c> {
    /// Id by (parent id, name); ids start at 1.
    ids: rustc_hash::FxHashMap<(u32, &'c str), u32>,
    /// (parent id, name) by id - 1.
    names: Vec<(u32, &'c str)>,
    /// Places by id - 1. A place is kept once per path by one walk; walks appended one after another
    /// can each have kept it ([`Paths::append`]): [`InconsistentParameter::report`] keeps the first.
    /// Only the first place of each path when `seen` is `None`.
    sites: Vec<Vec<Site<'c>>>,
    /// (path id, key span) already kept by this walk; `None` when only first places are kept.
    seen: Option<FxHashSet<(u32, Span)>>,
    /// Whether a place met after a path's first may have another variant (only first places kept).
    differs: bool,
    /// (parent id, address of a shared definition) already walked.
    shared: FxHashSet<(u32, usize)>,
    /// Shared merges whose parameters have all been met at the top level.
    merges: super::super::WalkedMerges,
    /// A direct-mapped cache of `shared` (the same few hundred definitions are met hundreds of thousands
    /// of times): a hit means "in `shared`" without hashing; a miss asks `shared`.
    recent: Box<[(u32, usize); RECENT]>,
}

/// Slots of [`Paths::recent`].
const RECENT: usize = 1024;

impl Default for Paths<'_> {
    /// Every place of every path.
    fn default() -> Self {
        Paths {
            ids: Default::default(),
            names: Vec::new(),
            sites: Vec::new(),
            seen: Some(Default::default()),
            differs: false,
            shared: Default::default(),
            merges: Default::default(),
            // Address 0 is no definition's: an empty slot matches nothing.
            recent: Box::new([(0, 0); RECENT]),
        }
    }
}

impl<'c> Paths<'c> {
    /// Paths that keep only the first place of each, and whether any later place may have another
    /// variant than its path's first: the rule reports nothing unless one may (most catalogs), and
    /// keeping every place of every path is most of what its walk costs (tens of thousands of places in
    /// a large catalog). [`InconsistentParameter::report`] walks again for every place when one may.
    pub(crate) fn first_places() -> Self {
        Paths {
            seen: None,
            ..Paths::default()
        }
    }

    /// The id of `name` under `parent`, interned on first use.
    fn id(&mut self, parent: u32, name: &'c str) -> u32 {
        let next = self.names.len() as u32 + 1;
        let id = *self.ids.entry((parent, name)).or_insert(next);
        if id == next {
            self.names.push((parent, name));
            self.sites.push(Vec::new());
        }
        id
    }

    /// Keep `site` at path `id` unless its place is kept there already; or, keeping first places only,
    /// note whether it may have another variant than the first.
    fn keep(&mut self, id: u32, site: Site<'c>) {
        let kept = &mut self.sites[id as usize - 1];
        match (&mut self.seen, kept.first()) {
            (Some(seen), _) => {
                if seen.insert((id, site.key)) {
                    kept.push(site);
                }
            }
            (None, None) => kept.push(site),
            (None, Some(first)) => {
                self.differs = self.differs || !Shape::same_variant(first, &site);
            }
        }
    }

    /// Whether the shared `definition` is met under `parent` for the first time.
    fn first_walk(&mut self, parent: u32, definition: &Arc<crate::model::Definition>) -> bool {
        let key = (parent, Arc::as_ptr(definition).addr());
        // Fibonacci hashing: definitions lie a few hundred bytes apart, so the address's low bits alone
        // would crowd a few slots.
        let mixed = (key.1 as u64 ^ u64::from(key.0)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let slot = &mut self.recent[(mixed >> (64 - RECENT.trailing_zeros())) as usize];
        if *slot == key {
            return false;
        }
        *slot = key;
        self.shared.insert(key)
    }

    /// Walk one event's parameters (events are walked in catalog order, or in chunks that are then
    /// appended in that order).
    pub(crate) fn event(&mut self, name: &'c str, event: &'c crate::model::Event) {
        // A merge met whole before: its parameters have been met at the top level.
        for (p, step) in self.merges.unmet(&event.parameters) {
            self.param(name, 0, p, step);
        }
    }

    fn walk(&mut self, event: &'c str, parent: u32, params: &'c Parameters) {
        for p in params.values() {
            self.param(event, parent, p, None);
        }
    }

    /// One parameter under `parent`; `step` is the merge step in front of its provenance when the event
    /// holds it in a shared merge (see [`crate::model::EventParameters::each`]).
    fn param(
        &mut self,
        event: &'c str,
        parent: u32,
        p: &'c Parameter,
        step: Option<&'c Arc<Inherit>>,
    ) {
        // A shared definition (inherited by many events) met again under the same parent adds nothing:
        // same name, same place (a definition is resolved once per written key), same properties.
        // Checked by pointer, before hashing any name.
        if Arc::strong_count(&p.definition) > 1 && !self.first_walk(parent, &p.definition) {
            return;
        }
        let id = self.id(parent, p.name.as_str());
        self.keep(
            id,
            Site {
                event,
                param: p,
                step: p.origin.via.last().or(step).map(|s| &**s),
                key: p.key_span,
                shape: Shape::of(&p.schema),
            },
        );
        let mut schema = &p.schema;
        while let Type::Array(inner) | Type::Map(inner) = &schema.ty {
            schema = inner;
        }
        if let Type::Object(props) = &schema.ty {
            self.walk(event, id, props);
        }
    }

    /// Append what a walk over later events found: its sites go after this walk's, so walking the events
    /// in chunks and appending the chunks in order keeps what one walk over all of them would, but for
    /// places met in more than one chunk, which are dropped when reported (the first is kept). Not
    /// hashing every place again here keeps this step, which runs on one core, short. Keeping first
    /// places only, the later walk's first of a path is compared with this one's.
    pub(crate) fn append(&mut self, later: Paths<'c>) {
        // A parent's id is smaller than its children's: ids are given in the order paths are met.
        let mut here = Vec::with_capacity(later.names.len());
        self.ids.reserve(later.names.len());
        for &(parent, name) in &later.names {
            let parent = if parent == 0 {
                0
            } else {
                here[parent as usize - 1]
            };
            here.push(self.id(parent, name));
        }
        for (mut sites, &id) in later.sites.into_iter().zip(&here) {
            let kept = &mut self.sites[id as usize - 1];
            match (&self.seen, kept.first(), sites.first()) {
                (_, None, _) => *kept = sites,
                (Some(_), Some(_), _) => kept.append(&mut sites),
                (None, Some(first), Some(later_first)) => {
                    // Certainly having the same variant is an equivalence (equal type names and the
                    // same enum): places like the later walk's first are like this one's.
                    self.differs = self.differs || !Shape::same_variant(first, later_first);
                }
                (None, Some(_), None) => {}
            }
        }
        self.differs = self.differs || later.differs;
    }

    /// `location.lat` for an id.
    fn path(&self, mut id: u32) -> String {
        let mut parts = Vec::new();
        while id != 0 {
            let (parent, name) = self.names[id as usize - 1];
            parts.push(name);
            id = parent;
        }
        parts.reverse();
        parts.join(".")
    }
}

impl InconsistentParameter {
    /// Run the rule.
    pub fn check(catalog: &Catalog, out: &mut Vec<Diagnostic>) {
        Self::report(catalog, super::super::parameter_paths(catalog), out);
    }

    /// The rule's findings from the paths of every event (`lint::check` collects them in the walk
    /// that the parameter rules share).
    pub(crate) fn report<'c>(catalog: &'c Catalog, paths: Paths<'c>, out: &mut Vec<Diagnostic>) {
        let paths = match &paths.seen {
            Some(_) => paths,
            // Only first places were kept: nothing to report when every later place has its path's
            // first's variant; otherwise every place is needed.
            None if !paths.differs => return,
            None => super::super::parameter_paths(catalog),
        };
        // Two paths can share a written place (a fragment merged at the top and inside an object): give
        // each finding its own primary place, since findings are deduplicated by rule and place.
        let mut primaries: FxHashSet<Span> = FxHashSet::default();
        for (index, sites) in paths.sites.iter().enumerate() {
            let Some((first, rest)) = sites.split_first() else {
                continue;
            };
            // Most paths have one variant: tell so without formatting one (a place listed twice does not
            // change that).
            if rest.iter().all(|s| Shape::same_variant(first, s)) {
                continue;
            }
            // Each place once (the first: walks appended in order can each have kept it).
            let mut places = FxHashSet::default();
            let sites: Vec<&Site> = sites.iter().filter(|s| places.insert(s.key)).collect();
            // Variants in order of first appearance, each with its places.
            let mut variants: IndexMap<String, Vec<&Site>> = IndexMap::new();
            for site in sites {
                variants
                    .entry(variant(&site.param.schema))
                    .or_default()
                    .push(site);
            }
            if variants.len() < 2 {
                continue;
            }
            let path = paths.path(index as u32 + 1);
            out.extend(report(catalog, &path, &variants, &mut primaries));
        }
    }
}

/// The finding for one path: every variant with up to [`PLACES_SHOWN`] places in the message, the first
/// place not yet used by another finding as primary, and the first place of every other variant.
fn report(
    catalog: &Catalog,
    path: &str,
    variants: &IndexMap<String, Vec<&Site<'_>>>,
    primaries: &mut FxHashSet<Span>,
) -> Option<Diagnostic> {
    let listed: Vec<String> = variants
        .iter()
        .map(|(variant, places)| {
            let mut shown: Vec<String> = places
                .iter()
                .take(PLACES_SHOWN)
                .map(|s| {
                    let at = catalog.sources.locate(s.param.key_span);
                    format!("`{}` ({at})", s.owner())
                })
                .collect();
            if places.len() > PLACES_SHOWN {
                shown.push(format!("{} more", places.len() - PLACES_SHOWN));
            }
            format!("`{variant}` in {}", shown.join(", "))
        })
        .collect();
    let all = variants
        .iter()
        .flat_map(|(v, places)| places.iter().map(move |p| (v, p.param.key_span)));
    let (primary_variant, primary) = all
        .clone()
        .find(|(_, span)| !primaries.contains(span))
        .or_else(|| all.clone().next())?;
    primaries.insert(primary);
    let mut d = Diagnostic::warning(
        "inconsistent-parameter",
        format!(
            "parameter `{path}` is defined {} ways across events: {}",
            variants.len(),
            listed.join("; ")
        ),
        primary,
    )
    .with_label(format!("`{primary_variant}` here"));
    for (variant, places) in variants {
        if variant != primary_variant {
            d = d.with_secondary(places[0].param.key_span, format!("`{variant}` here"));
        }
    }
    Some(d.with_help(
        "give the parameter one definition in a shared fragment, or rename the ones that mean \
         something else",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Events over several walk chunks, with the places of one path's variants in different chunks,
    /// fragments met again in later chunks, enums equal once sorted but written apart, and a fragment
    /// merged inside objects: the walk in chunks, appended in order, finds what one walk over every
    /// event in order finds.
    #[test]
    fn a_walk_in_chunks_finds_what_one_walk_in_order_finds() {
        let prelude = ".user: &user\n  user_id: integer\n  tier: {type: string, enum: [a, b]}\n\
                       .geo: &geo\n  lat: number\n";
        let mut events = String::new();
        for n in 0..1500 {
            events.push_str(&format!(
                "event_{n}:\n  description: Event number {n} of the test\n"
            ));
            events.push_str("  parameters:\n");
            if n % 3 == 0 {
                events.push_str("    <<: *user\n");
            }
            if n % 250 == 7 {
                events.push_str("    user_id: string\n");
            }
            match n {
                5 | 405 | 805 => events.push_str("    tier: {type: string, enum: [b, a]}\n"),
                1300 => events.push_str("    tier: {type: string, enum: [a, c]}\n"),
                _ => {}
            }
            if n % 5 == 0 {
                events.push_str("    loc: {type: object, properties: {<<: *geo}}\n");
            } else if n == 1101 {
                events.push_str("    loc: {type: object, properties: {lat: string}}\n");
            }
            let amount = match n {
                600 => "integer[]",
                1499 => "number",
                _ => "integer",
            };
            events.push_str(&format!("    amount: {amount}\n"));
            // One place in the first chunk and one in the last, each its chunk's first.
            match n {
                3 => events.push_str("    far: integer\n"),
                1400 => events.push_str("    far: string\n"),
                _ => {}
            }
        }
        let compiled = crate::check_texts(
            &[("_prelude.yaml", prelude), ("events.yaml", &events)],
            &crate::Config::default(),
        );
        let catalog = &compiled.catalog;
        assert_eq!(catalog.events.len(), 1500);
        let mut in_order = Paths::default();
        for (name, event) in &catalog.events {
            in_order.event(name, event);
        }
        let mut expected = Vec::new();
        InconsistentParameter::report(catalog, in_order, &mut expected);
        let mut found = Vec::new();
        InconsistentParameter::check(catalog, &mut found);
        // `user_id`, `tier`, `loc.lat`, `amount` and `far`.
        assert_eq!(expected.len(), 5, "{expected:#?}");
        assert_eq!(format!("{found:#?}"), format!("{expected:#?}"));
        // Lint's shared walk keeps only the first place of each path, and walks again for every place
        // when a later one may differ: the same findings, also when a path's places differ only between
        // the first places of two chunks (`far`).
        let mut linted = Vec::new();
        crate::lint::check(catalog, &crate::Config::default().lint, &mut linted);
        linted.retain(|d| d.code == "inconsistent-parameter");
        expected.sort_by_key(|d| d.span());
        assert_eq!(format!("{linted:#?}"), format!("{expected:#?}"));
        // A catalog with one variant a path: the first-places walk finds nothing to report when the
        // places are certainly alike, and walks every place when they may not be (an enum written in
        // another order), which finds nothing either.
        let consistent = events.replace("user_id: string", "user_id: integer");
        let consistent: String = consistent
            .lines()
            .filter(|l| !l.contains("enum: [a, c]") && !l.contains("lat: string"))
            .map(|l| {
                l.replace("integer[]", "integer")
                    .replace("amount: number", "amount: integer")
                    .replace("far: string", "far: integer")
                    + "\n"
            })
            .collect();
        let alike: String = consistent
            .lines()
            .filter(|l| !l.contains("enum: [b, a]"))
            .map(|l| format!("{l}\n"))
            .collect();
        // And one whose only difference is between the first places of two chunks.
        let far: String = alike.replacen("far: integer", "far: string", 2).replacen(
            "far: string",
            "far: integer",
            1,
        );
        assert_eq!(far.matches("far: string").count(), 1);
        for (text, differs, found) in [(&consistent, true, 0), (&alike, false, 0), (&far, true, 1)]
        {
            let compiled = crate::check_texts(
                &[("_prelude.yaml", prelude), ("events.yaml", text)],
                &crate::Config::default(),
            );
            let mut first = Paths::first_places();
            for (name, event) in &compiled.catalog.events {
                first.event(name, event);
            }
            assert_eq!(first.differs, differs);
            let mut linted = Vec::new();
            crate::lint::check(
                &compiled.catalog,
                &crate::Config::default().lint,
                &mut linted,
            );
            linted.retain(|d| d.code == "inconsistent-parameter");
            assert_eq!(linted.len(), found, "{linted:#?}");
        }
    }
}
