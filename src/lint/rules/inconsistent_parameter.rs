//! `inconsistent-parameter`: one parameter name with different types, formats or enums in different
//! events. Parameters are compared by their path in the event (`user_id`, `location.lat`); each place a
//! definition is written counts once, however many events inherit it.

use std::sync::Arc;

use indexmap::IndexMap;
use rustc_hash::FxHashSet;

use crate::diagnostics::Diagnostic;
use crate::model::{Catalog, Definition, Parameter, Parameters, Schema, Type};
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
    /// The parameter as that event holds it.
    param: &'c Parameter,
}

impl Site<'_> {
    /// The event or fragment it is written in.
    fn owner(&self) -> String {
        self.param
            .origin
            .via
            .last()
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

/// Parameter paths, interned: each is its parent's id (0 for the top level) and its last name, so that
/// visiting a parameter allocates nothing. Every written definition reached from an event is kept once
/// per path, in catalog order.
#[derive(Default)]
struct Paths<'c> {
    /// Id by (parent id, name); ids start at 1.
    ids: rustc_hash::FxHashMap<(u32, &'c str), u32>,
    /// (parent id, name) by id - 1.
    names: Vec<(u32, &'c str)>,
    /// Places by id - 1.
    sites: Vec<Vec<Site<'c>>>,
    /// (path id, key span) already kept.
    seen: FxHashSet<(u32, Span)>,
    /// (parent id, shared definition) already walked.
    shared: FxHashSet<(u32, *const Definition)>,
}

impl<'c> Paths<'c> {
    fn walk(&mut self, event: &'c str, parent: u32, params: &'c Parameters) {
        for p in params.values() {
            // A shared definition (inherited by many events) met again under the same parent adds nothing:
            // same name, same place, same properties. Checked by pointer, before hashing any name.
            if Arc::strong_count(&p.definition) > 1
                && !self.shared.insert((parent, Arc::as_ptr(&p.definition)))
            {
                continue;
            }
            let next = self.names.len() as u32 + 1;
            let id = *self.ids.entry((parent, p.name.as_str())).or_insert(next);
            if id == next {
                self.names.push((parent, p.name.as_str()));
                self.sites.push(Vec::new());
            }
            if self.seen.insert((id, p.origin.key)) {
                self.sites[id as usize - 1].push(Site { event, param: p });
            }
            let mut schema = &p.schema;
            while let Type::Array(inner) | Type::Map(inner) = &schema.ty {
                schema = inner;
            }
            if let Type::Object(props) = &schema.ty {
                self.walk(event, id, props);
            }
        }
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
        let mut paths = Paths::default();
        for (name, event) in &catalog.events {
            paths.walk(name, 0, &event.parameters);
        }
        // Two paths can share a written place (a fragment merged at the top and inside an object): give
        // each finding its own primary place, since findings are deduplicated by rule and place.
        let mut primaries: FxHashSet<Span> = FxHashSet::default();
        for (index, sites) in paths.sites.iter().enumerate() {
            if sites.len() < 2 {
                continue;
            }
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
                    let at = catalog.sources.locate(s.param.origin.key);
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
        .flat_map(|(v, places)| places.iter().map(move |p| (v, p.param.origin.key)));
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
            d = d.with_secondary(places[0].param.origin.key, format!("`{variant}` here"));
        }
    }
    Some(d.with_help(
        "give the parameter one definition in a shared fragment, or rename the ones that mean \
         something else",
    ))
}
