//! `inconsistent-parameter`: one parameter name with different types, formats or enums in different
//! events. Parameters are compared by their path in the event (`user_id`, `location.lat`); each place a
//! definition is written counts once, however many events inherit it.

use indexmap::IndexMap;
use rustc_hash::FxHashSet;

use crate::diagnostics::Diagnostic;
use crate::model::{Catalog, Parameter, Parameters, Schema, Type};
use crate::source::Span;

#[doc = include_str!("inconsistent_parameter.md")]
pub struct InconsistentParameter;

/// The rule's documentation.
pub const EXPLANATION: &str = include_str!("inconsistent_parameter.md");

/// Places named in a message per variant before "and N more".
const PLACES_SHOWN: usize = 3;

/// One place a definition is written.
struct Site {
    /// What the definition is, for comparison and messages: `string`, `string enum [a, b]`.
    variant: String,
    /// The key as written.
    span: Span,
    /// The event or fragment it is written in.
    owner: String,
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

fn owner(event: &str, p: &Parameter) -> String {
    p.origin
        .via
        .last()
        .and_then(|h| {
            h.fragment
                .clone()
                .or_else(|| h.anchor_name.as_ref().map(|a| format!("&{a}")))
        })
        .unwrap_or_else(|| event.to_string())
}

/// Every written definition reached from an event, by path, each (path, place) once, in catalog order.
fn collect(catalog: &Catalog) -> IndexMap<String, Vec<Site>> {
    fn walk(
        event: &str,
        prefix: &str,
        params: &Parameters,
        seen: &mut FxHashSet<(String, Span)>,
        sites: &mut IndexMap<String, Vec<Site>>,
    ) {
        for p in params.values() {
            let path = if prefix.is_empty() {
                p.name.clone()
            } else {
                format!("{prefix}.{}", p.name)
            };
            if seen.insert((path.clone(), p.origin.key)) {
                sites.entry(path.clone()).or_default().push(Site {
                    variant: variant(&p.schema),
                    span: p.origin.key,
                    owner: owner(event, p),
                });
            }
            let mut schema = &p.schema;
            while let Type::Array(inner) | Type::Map(inner) = &schema.ty {
                schema = inner;
            }
            if let Type::Object(props) = &schema.ty {
                walk(event, &path, props, seen, sites);
            }
        }
    }
    let mut seen = FxHashSet::default();
    let mut sites = IndexMap::new();
    for (name, event) in &catalog.events {
        walk(name, "", &event.parameters, &mut seen, &mut sites);
    }
    sites
}

impl InconsistentParameter {
    /// Run the rule.
    pub fn check(catalog: &Catalog, out: &mut Vec<Diagnostic>) {
        for (path, sites) in collect(catalog) {
            // Variants in order of first appearance, each with its places.
            let mut variants: IndexMap<&str, Vec<&Site>> = IndexMap::new();
            for site in &sites {
                variants.entry(&site.variant).or_default().push(site);
            }
            if variants.len() < 2 {
                continue;
            }
            let listed: Vec<String> = variants
                .iter()
                .map(|(variant, places)| {
                    let mut shown: Vec<String> = places
                        .iter()
                        .take(PLACES_SHOWN)
                        .map(|s| format!("`{}` ({})", s.owner, catalog.sources.locate(s.span)))
                        .collect();
                    if places.len() > PLACES_SHOWN {
                        shown.push(format!("{} more", places.len() - PLACES_SHOWN));
                    }
                    format!("`{variant}` in {}", shown.join(", "))
                })
                .collect();
            let mut groups = variants.iter();
            let Some((first_variant, first_places)) = groups.next() else {
                continue;
            };
            let mut d = Diagnostic::warning(
                "inconsistent-parameter",
                format!(
                    "parameter `{path}` is defined {} ways across events: {}",
                    variants.len(),
                    listed.join("; ")
                ),
                first_places[0].span,
            )
            .with_label(format!("`{first_variant}` here"));
            for (variant, places) in groups {
                d = d.with_secondary(places[0].span, format!("`{variant}` here"));
            }
            out.push(d.with_help(
                "give the parameter one definition in a shared fragment, or rename the ones that mean \
                 something else",
            ));
        }
    }
}
