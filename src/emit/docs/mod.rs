//! The docs backend: a browsable event catalog as GitHub-flavoured Markdown pages and as one
//! self-contained offline HTML page, both with the inheritance (fragments → events) drawn as SVG.
//!
//! Everything the two renderers share — file names, anchors, grouping, who uses which fragment — is
//! computed once here, in catalog order, so both outputs agree and are deterministic.

mod html;
mod markdown;
mod svg;
mod text;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::PathBuf;

use indexmap::IndexMap;

use super::OutputFile;
use crate::model::{Catalog, Constraints, Event, Fragment, Parameter, Parameters, Schema, Type};
use crate::{Config, Error};
use text::{slug, unique_slug};

/// Which documents to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocsOptions {
    /// Markdown pages: `README.md`, `events/*.md`, `fragments/*.md`, `inheritance.svg`.
    pub markdown: bool,
    /// One self-contained page: `index.html`.
    pub html: bool,
}

impl Default for DocsOptions {
    fn default() -> Self {
        DocsOptions {
            markdown: true,
            html: true,
        }
    }
}

impl DocsOptions {
    /// Both formats.
    pub fn new() -> Self {
        Self::default()
    }

    /// The options `[emit.docs]` in `evdef.toml` asks for (both formats when it sets none).
    pub fn from_config(config: &Config) -> Result<Self, Error> {
        let format = match config.emit.docs.as_ref().and_then(|d| d.format.as_deref()) {
            Some(name) => Some(
                name.parse::<DocsFormat>()
                    .map_err(|message| Error::Config {
                        path: config.root.join(crate::config::FILE_NAME),
                        at: None,
                        message: format!("[emit.docs] format: {message}"),
                    })?,
            ),
            None => None,
        };
        Ok(Self::new().with_format(format))
    }

    /// Only the given format (`md`/`markdown` or `html`); `None` keeps both.
    pub fn with_format(self, format: Option<DocsFormat>) -> Self {
        match format {
            None => self,
            Some(DocsFormat::Markdown) => DocsOptions {
                markdown: true,
                html: false,
            },
            Some(DocsFormat::Html) => DocsOptions {
                markdown: false,
                html: true,
            },
        }
    }
}

/// One output format of the docs backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocsFormat {
    /// GitHub-flavoured Markdown.
    Markdown,
    /// A single offline HTML page.
    Html,
}

impl std::str::FromStr for DocsFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "md" | "markdown" => Ok(DocsFormat::Markdown),
            "html" => Ok(DocsFormat::Html),
            other => Err(format!(
                "unknown docs format `{other}` (expected `md` or `html`)"
            )),
        }
    }
}

/// Where the docs go when no `--out` is given: `[emit.docs] out` (relative to `evdef.toml`), else
/// `generated/docs`.
pub fn configured_out(config: &Config) -> PathBuf {
    match config.emit.docs.as_ref().and_then(|d| d.out.as_deref()) {
        Some(out) => config.resolve_path(out),
        None => PathBuf::from("generated/docs"),
    }
}

/// The documentation files for a catalog, paths relative to the output directory.
pub fn emit(catalog: &Catalog, options: &DocsOptions) -> Vec<OutputFile> {
    let site = Site::new(catalog);
    let mut files = Vec::new();
    if options.markdown {
        files.extend(markdown::render(&site));
    }
    if options.html {
        files.push(html::render(&site));
    }
    files
}

/// What both renderers need, computed once.
pub(crate) struct Site<'a> {
    pub catalog: &'a Catalog,
    /// Event name → slug for HTML anchors, unique even ignoring case (file names come from `output::names`).
    pub event_slugs: IndexMap<&'a str, String>,
    /// Fragment name → slug (the name without its leading dot).
    pub fragment_slugs: IndexMap<&'a str, String>,
    /// Events grouped by the source prefix of their name (before the first `_`), groups sorted.
    pub by_source: BTreeMap<String, Vec<&'a Event>>,
    /// Events grouped by tag (an event appears under each of its tags), tags sorted.
    pub by_tag: BTreeMap<&'a str, Vec<&'a Event>>,
    /// Fragment → events that use it (directly or through other fragments), in catalog order.
    pub users: IndexMap<&'a str, Vec<Use<'a>>>,
    /// Event → fragments it merges directly (the outermost merge step of its parameters), sorted by catalog order.
    pub direct: IndexMap<&'a str, Vec<&'a str>>,
    /// Fragment → fragments that merge it directly.
    pub merged_by: IndexMap<&'a str, Vec<&'a str>>,
}

/// How an event uses a fragment.
pub(crate) struct Use<'a> {
    pub event: &'a Event,
    /// Whether the event merges the fragment itself (not only through another fragment).
    pub direct: bool,
    /// The fragments the event merges directly that bring this one in (empty when only direct).
    pub through: Vec<&'a str>,
}

impl<'a> Site<'a> {
    fn new(catalog: &'a Catalog) -> Self {
        let mut taken = HashSet::new();
        let event_slugs = catalog
            .events
            .keys()
            .map(|n| (n.as_str(), unique_slug(n, &mut taken)))
            .collect();
        let mut taken = HashSet::new();
        let fragment_slugs = catalog
            .fragments
            .keys()
            .map(|n| {
                (
                    n.as_str(),
                    unique_slug(n.strip_prefix('.').unwrap_or(n), &mut taken),
                )
            })
            .collect();

        let mut by_source: BTreeMap<String, Vec<&Event>> = BTreeMap::new();
        let mut by_tag: BTreeMap<&str, Vec<&Event>> = BTreeMap::new();
        for event in catalog.events.values() {
            by_source
                .entry(source_prefix(&event.name))
                .or_default()
                .push(event);
            let tags: BTreeSet<&str> = event.tags.iter().map(String::as_str).collect();
            for tag in tags {
                by_tag.entry(tag).or_default().push(event);
            }
        }

        let (users, direct) = uses(catalog);
        let merged_by = merged_by(catalog);
        Site {
            catalog,
            event_slugs,
            fragment_slugs,
            by_source,
            by_tag,
            users,
            direct,
            merged_by,
        }
    }

    /// The slug of an event (its name, sanitised, if unknown).
    pub fn event_slug(&self, name: &str) -> String {
        self.event_slugs
            .get(name)
            .cloned()
            .unwrap_or_else(|| slug(name))
    }

    /// The slug of a fragment, if the catalog has it.
    pub fn fragment_slug(&self, name: &str) -> Option<&str> {
        self.fragment_slugs.get(name).map(String::as_str)
    }

    /// Where an event is defined: `file:line:col`.
    pub fn event_source(&self, event: &Event) -> String {
        self.catalog.sources.locate(event.name_span).to_string()
    }

    /// Every fragment an event inherits from (directly or not), in catalog order.
    pub fn fragments_of(&self, event: &Event) -> Vec<&'a str> {
        self.users
            .iter()
            .filter(|(_, uses)| uses.iter().any(|u| u.event.name == event.name))
            .map(|(f, _)| *f)
            .collect()
    }

    /// The fragments of the catalog.
    pub fn fragments(&self) -> impl Iterator<Item = &'a Fragment> {
        self.catalog.fragments.values()
    }
}

/// Where an inherited parameter comes from: the fragment that defines it and the chain it came through.
pub(crate) struct Inherited<'p> {
    /// The fragment whose definition is used (the innermost step that is a fragment).
    pub defined_in: Option<&'p str>,
    /// Every step, outermost first: fragment name, or `&anchor` / `inline mapping`.
    pub chain: Vec<Step<'p>>,
}

/// One merge step as shown in the docs.
pub(crate) type Step<'p> = crate::model::MergeSource<'p>;

/// Fragment → the events that use it (see [`Site::users`]).
type Users<'a> = IndexMap<&'a str, Vec<Use<'a>>>;

/// Event → the fragments it merges directly (see [`Site::direct`]).
type Direct<'a> = IndexMap<&'a str, Vec<&'a str>>;

/// Fragment → events that use it, and event → fragments it merges directly (both in catalog order).
fn uses(catalog: &Catalog) -> (Users<'_>, Direct<'_>) {
    let order = |name: &str| catalog.fragments.get_index_of(name).unwrap_or(usize::MAX);
    let mut users: IndexMap<&str, Vec<Use>> = catalog
        .fragments
        .keys()
        .map(|k| (k.as_str(), Vec::new()))
        .collect();
    let mut direct = IndexMap::new();
    for event in catalog.events.values() {
        let chains = chains(event);
        let mut own: Vec<&str> = chains
            .iter()
            .filter(|(_, (d, _))| *d)
            .map(|(f, _)| *f)
            .collect();
        own.sort_by_key(|f| order(f));
        direct.insert(event.name.as_str(), own);
        for (fragment, (is_direct, through)) in chains {
            if let Some(list) = users.get_mut(fragment) {
                let mut through: Vec<&str> = through.into_iter().collect();
                through.sort_by_key(|f| order(f));
                list.push(Use {
                    event,
                    direct: is_direct,
                    through,
                });
            }
        }
    }
    (users, direct)
}

/// Each fragment an event's parameters come through → whether the event merges it directly, and the
/// fragments merged directly by the event that lead to it.
fn chains(event: &Event) -> BTreeMap<&str, (bool, BTreeSet<&str>)> {
    let mut chains: BTreeMap<&str, (bool, BTreeSet<&str>)> = BTreeMap::new();
    visit_parameters(&event.parameters, &mut |p| {
        let steps: Vec<&str> = p
            .origin
            .via
            .iter()
            .filter_map(|s| s.fragment.as_deref())
            .collect();
        let Some(first) = p.origin.via.first() else {
            return;
        };
        let first = first.fragment.as_deref();
        for (i, f) in steps.iter().enumerate() {
            let entry = chains.entry(f).or_default();
            if i == 0 && first == Some(*f) {
                entry.0 = true;
            } else if let Some(first) = first {
                entry.1.insert(first);
            }
        }
    });
    chains
}

/// Fragment → fragments that merge it directly.
fn merged_by(catalog: &Catalog) -> IndexMap<&str, Vec<&str>> {
    let mut merged_by: IndexMap<&str, Vec<&str>> = catalog
        .fragments
        .keys()
        .map(|k| (k.as_str(), Vec::new()))
        .collect();
    for fragment in catalog.fragments.values() {
        for target in &fragment.merges {
            if let Some(list) = merged_by.get_mut(target.as_str())
                && !list.contains(&fragment.name.as_str())
            {
                list.push(fragment.name.as_str());
            }
        }
    }
    merged_by
}

/// The provenance of a parameter, or `None` when it is written where it is used.
pub(crate) fn inherited(p: &Parameter) -> Option<Inherited<'_>> {
    if p.origin.via.is_empty() {
        return None;
    }
    let chain: Vec<Step> = p.origin.via.iter().map(|s| s.source()).collect();
    let defined_in = p
        .origin
        .via
        .iter()
        .rev()
        .find_map(|s| s.fragment.as_deref());
    Some(Inherited { defined_in, chain })
}

/// Call `f` on every parameter, nested object properties (in arrays and maps too) included.
pub(crate) fn visit_parameters<'p>(params: &'p Parameters, f: &mut impl FnMut(&'p Parameter)) {
    for p in params.values() {
        f(p);
        for shadowed in &p.shadowed {
            f(shadowed);
        }
        if let Some(props) = object_properties(&p.schema) {
            visit_parameters(props, f);
        }
    }
}

/// The nested tables of a parameter set, in page order (depth first): `(path, properties)` for every object
/// parameter, array of objects and map of objects, at any depth. The top-level table is not included.
pub(crate) fn nested_tables(params: &Parameters) -> Vec<(String, &Parameters)> {
    fn walk<'p>(params: &'p Parameters, parent: &str, out: &mut Vec<(String, &'p Parameters)>) {
        for p in params.values() {
            if let Some((target, props)) = nested_table(parent, p) {
                out.push((target.clone(), props));
                walk(props, &target, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(params, "", &mut out);
    out
}

/// A parameter's path in its table (`location.lat`), given the table's path (`""` at the top level).
pub(crate) fn parameter_path(parent: &str, p: &Parameter) -> String {
    if parent.is_empty() {
        p.name.clone()
    } else {
        format!("{parent}.{}", p.name)
    }
}

/// The nested table a parameter links to, if it holds objects: its path and the properties it shows.
pub(crate) fn nested_table<'p>(parent: &str, p: &'p Parameter) -> Option<(String, &'p Parameters)> {
    let props = object_properties(&p.schema)?;
    Some((
        format!("{}{}", parameter_path(parent, p), nested_suffix(&p.schema)),
        props,
    ))
}

/// The properties of an object schema, or of the objects inside an array or map schema.
pub(crate) fn object_properties(schema: &Schema) -> Option<&Parameters> {
    match &schema.ty {
        Type::Object(props) => Some(props),
        Type::Array(inner) | Type::Map(inner) => object_properties(inner),
        _ => None,
    }
}

/// The path suffix that leads from a parameter to the object whose properties a nested table shows:
/// `""` for an object, `[]` for an array of objects, `.*` for a map of objects (nesting composes).
pub(crate) fn nested_suffix(schema: &Schema) -> String {
    match &schema.ty {
        Type::Array(inner) => format!("[]{}", nested_suffix(inner)),
        Type::Map(inner) => format!(".*{}", nested_suffix(inner)),
        _ => String::new(),
    }
}

/// Human-readable constraints, one item per constraint (enum values are listed in full). An `integer`
/// (or arrays and maps of them) first says what every backend reads it as: a 64-bit signed integer.
pub(crate) fn constraint_items(schema: &Schema) -> Vec<Constraint> {
    let mut out = Vec::new();
    let mut leaf = schema;
    while let Type::Array(s) | Type::Map(s) = &leaf.ty {
        leaf = s;
    }
    if leaf.ty == Type::Integer {
        out.push(Constraint {
            label: INTEGER_RANGE.to_string(),
            values: Vec::new(),
        });
    }
    collect_constraints(&schema.constraints, "", &mut out);
    // Constraints on array items / map values are part of what a reader needs to know.
    let mut inner = schema;
    let mut prefix = String::new();
    while let Type::Array(s) | Type::Map(s) = &inner.ty {
        prefix.push_str(if matches!(inner.ty, Type::Array(_)) {
            "items "
        } else {
            "values "
        });
        collect_constraints(&s.constraints, &prefix, &mut out);
        inner = s;
    }
    out
}

/// What an `integer` is, in the docs' constraints column.
const INTEGER_RANGE: &str = "64-bit signed integer";

/// One constraint: a label and either literal values (shown as code) or a plain text.
pub(crate) struct Constraint {
    pub label: String,
    pub values: Vec<String>,
}

fn collect_constraints(c: &Constraints, prefix: &str, out: &mut Vec<Constraint>) {
    let mut push = |label: &str, values: Vec<String>| {
        out.push(Constraint {
            label: format!("{prefix}{label}"),
            values,
        });
    };
    if let Some(values) = &c.enumeration {
        push("one of", values.iter().map(json_literal).collect());
    }
    if let Some(p) = &c.pattern {
        push("pattern", vec![p.clone()]);
    }
    if let Some(n) = &c.minimum {
        push("minimum", vec![n.to_string()]);
    }
    if let Some(n) = &c.maximum {
        push("maximum", vec![n.to_string()]);
    }
    if let Some(n) = c.min_length {
        push("min length", vec![n.to_string()]);
    }
    if let Some(n) = c.max_length {
        push("max length", vec![n.to_string()]);
    }
    if let Some(n) = c.min_items {
        push("min items", vec![n.to_string()]);
    }
    if let Some(n) = c.max_items {
        push("max items", vec![n.to_string()]);
    }
}

/// An enum value as written: strings bare, everything else as JSON.
fn json_literal(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The mark a personal-data parameter carries in the docs: `PII.` or `PII (confidential).`; `None` unless
/// it says `pii: true`.
pub(crate) fn pii_mark(p: &crate::model::Parameter) -> Option<String> {
    (p.pii == Some(true)).then(|| match &p.classification {
        Some(c) => format!("PII ({c})."),
        None => "PII.".to_string(),
    })
}

/// The reason given for a deprecation; empty when it was given as `deprecated: true`.
pub(crate) fn reason(deprecated: &str) -> &str {
    if deprecated == "deprecated" {
        ""
    } else {
        deprecated
    }
}

/// `s` with a leading space, or nothing when `s` is empty.
pub(crate) fn spaced(s: String) -> String {
    if s.is_empty() { s } else { format!(" {s}") }
}

/// The type as shown in the docs: `string`, `uuid[]`, `map<integer>`, with `| null` when nullable.
pub(crate) fn type_label(schema: &Schema) -> String {
    let mut s = schema.ty.display();
    if schema.nullable {
        s.push_str(" | null");
    }
    s
}

/// The source prefix of an event name: the part before the first `_` (`other` when there is none).
pub(crate) fn source_prefix(name: &str) -> String {
    match name.split_once('_') {
        Some((prefix, _)) if !prefix.is_empty() => prefix.to_string(),
        _ => "other".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_prefix_is_before_first_underscore() {
        assert_eq!(source_prefix("api_created_check_in"), "api");
        assert_eq!(source_prefix("heartbeat"), "other");
        assert_eq!(source_prefix("_x"), "other");
    }
}
