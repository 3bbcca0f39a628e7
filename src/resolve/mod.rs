//! Resolve: the spanned YAML tree → [`Catalog`]. Reads fragments, events and their keys, and hands each
//! parameter to `types`. Every problem is a diagnostic; an event with errors is left out of the catalog.

mod long_form;
mod pii;
pub mod raw;
mod reach;
mod types;
mod values;

#[cfg(test)]
mod tests;

/// The keys of a long-form parameter (re-exported for the language server's completion).
use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::diagnostics::{Diagnostic, Severity, Suggestion, did_you_mean};
use crate::model::{Catalog, Event, Example, Fragment};
use crate::source::{SourceMap, Span};
use crate::yaml::{self, Entry, Merger, NodeId, NodeKind, Tree};

pub use raw::{EVENT_KEYS, EventKey, PARAMETER_KEYS, ParameterKey};

/// Resolve every document of the tree into a catalog.
pub fn resolve(sources: Arc<SourceMap>, tree: &Tree, diagnostics: &mut Vec<Diagnostic>) -> Catalog {
    resolve_trees(
        sources,
        std::slice::from_ref(tree),
        0,
        diagnostics,
        Merging::Templates,
    )
}

/// Resolve a run parsed in groups ([`yaml::parse_forest`]) without putting its trees together: the same
/// catalog and diagnostics as [`resolve`] on the tree they make together. An event or fragment is resolved
/// in its group's tree (its aliases reach only its own file and the preludes, which every tree holds).
pub fn resolve_forest(
    sources: Arc<SourceMap>,
    forest: &yaml::Forest,
    diagnostics: &mut Vec<Diagnostic>,
) -> Catalog {
    resolve_trees(
        sources,
        &forest.trees,
        forest.shared,
        diagnostics,
        Merging::Templates,
    )
}

/// How mappings of parameters that merge fragments are resolved: from the fragments' resolved parameters
/// (`types::inherited`), or always by flattening the mapping and resolving every entry (the general path,
/// which the tests hold the first to).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Merging {
    Templates,
    #[cfg_attr(not(test), allow(dead_code))]
    General,
}

#[cfg(test)]
fn resolve_with(
    sources: Arc<SourceMap>,
    tree: &Tree,
    diagnostics: &mut Vec<Diagnostic>,
    merging: Merging,
) -> Catalog {
    resolve_trees(sources, std::slice::from_ref(tree), 0, diagnostics, merging)
}

/// Resolve the documents of `trees`, each tree after the same `shared` prelude nodes (see [`yaml::Forest`]).
fn resolve_trees(
    sources: Arc<SourceMap>,
    trees: &[Tree],
    shared: usize,
    diagnostics: &mut Vec<Diagnostic>,
    merging: Merging,
) -> Catalog {
    let mut catalog = Catalog::new(Arc::clone(&sources));
    // Everything below expands aliases and merges: only within the run's budget, decided on the text alone.
    if !yaml::budget::check_forest(trees, shared, diagnostics) {
        return catalog;
    }
    let mut mergers: Vec<Merger<'_>> = trees.iter().map(Merger::new).collect();
    let top = top_level(&sources, trees, &mut mergers, diagnostics);
    // Each tree's fragments by node: the preludes' (the first tree's nodes before `shared`, the same ids in
    // every tree), then its own.
    let mut fragment_by_node: Vec<FxHashMap<NodeId, String>> =
        vec![FxHashMap::default(); trees.len()];
    for f in &top.fragments {
        if f.tree == 0 && (f.node as usize) < shared {
            for map in &mut fragment_by_node {
                map.insert(f.node, f.name.clone());
            }
        } else if let Some(map) = fragment_by_node.get_mut(f.tree) {
            map.insert(f.node, f.name.clone());
        }
    }
    resolve_events(
        &sources,
        trees,
        &top.events,
        &fragment_by_node,
        merging,
        &mut catalog,
        diagnostics,
    );
    resolve_fragments(
        &sources,
        &mut mergers,
        top.fragments,
        &fragment_by_node,
        merging,
        &mut catalog,
        diagnostics,
    );
    for merger in &mut mergers {
        diagnostics.append(&mut merger.take_problems());
    }
    catalog
}

/// A fragment (`.name: ...`) found at the top level of a document.
struct FragmentNode {
    /// The tree it is in.
    tree: usize,
    name: String,
    name_span: Span,
    node: NodeId,
    anchor: Option<yaml::Anchor>,
}

/// An event found at the top level of a document: the tree it is in, its name, the name's span, and its
/// definition.
struct EventNode {
    tree: usize,
    name: Arc<str>,
    span: Span,
    value: NodeId,
}

/// The top-level keys of every document, sorted into fragments and events.
struct TopLevel {
    fragments: Vec<FragmentNode>,
    events: Vec<EventNode>,
}

/// Read the top level of every document: fragments, events (each name once, none in a prelude), and the
/// diagnostics of empty files and of documents that are not mappings.
fn top_level(
    sources: &SourceMap,
    trees: &[Tree],
    mergers: &mut [Merger<'_>],
    diagnostics: &mut Vec<Diagnostic>,
) -> TopLevel {
    let mut documents_per_file: HashMap<crate::source::FileId, usize> = HashMap::new();
    for doc in trees.iter().flat_map(|t| &t.documents) {
        *documents_per_file.entry(doc.file).or_default() += 1;
    }
    let mut top = TopLevel {
        fragments: Vec::new(),
        events: Vec::new(),
    };
    // Keyed by the names the tree holds (shared, not copied).
    let mut event_spans: FxHashMap<Arc<str>, Span> = FxHashMap::default();
    for (i, (tree, merger)) in trees.iter().zip(mergers.iter_mut()).enumerate() {
        for doc in &tree.documents {
            let Some(root) = doc.root else {
                if sources.get(doc.file).text.trim().is_empty()
                    || documents_per_file.get(&doc.file) == Some(&1)
                {
                    diagnostics.push(
                        Diagnostic::warning(
                            "empty-file",
                            format!("`{}` defines nothing", sources.get(doc.file).name),
                            Span::new(doc.file, 0..0),
                        )
                        .with_help("add event definitions, or delete the file"),
                    );
                }
                continue;
            };
            let root_node = tree.resolved(root);
            if matches!(&root_node.kind, NodeKind::Scalar(s) if s.plain && s.value.is_empty()) {
                continue;
            }
            let Some(mapping) = merger.mapping(root, diagnostics) else {
                diagnostics.push(
                    Diagnostic::error(
                        "invalid-document",
                        format!("a definitions file must be a mapping of event names to definitions, not {}", tree.describe(root)),
                        root_node.span,
                    )
                    .with_label("expected `event_name: {...}`"),
                );
                continue;
            };
            for entry in &mapping.entries {
                top.add(tree, i, doc.prelude, entry, &mut event_spans, diagnostics);
            }
        }
    }
    top
}

impl TopLevel {
    /// One top-level entry of tree `at`: a fragment, or an event (refused in a prelude, and when its name
    /// is taken).
    fn add(
        &mut self,
        tree: &Tree,
        at: usize,
        prelude: bool,
        entry: &Entry,
        event_spans: &mut FxHashMap<Arc<str>, Span>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let key_span = tree.get(entry.key_node).span;
        if entry.key.starts_with('.') {
            let node = tree.deref(entry.value);
            self.fragments.push(FragmentNode {
                tree: at,
                name: String::from(&*entry.key),
                name_span: key_span,
                node,
                anchor: tree.get(node).anchor.as_deref().cloned(),
            });
        } else if prelude {
            diagnostics.push(
                Diagnostic::error(
                    "event-in-prelude",
                    format!("prelude files hold only fragments, but `{}` is an event", entry.key),
                    key_span,
                )
                .with_help(format!(
                    "move `{}` to a file whose name does not start with `_`, or rename it `.{}` to make it a fragment",
                    entry.key, entry.key
                )),
            );
        } else if let Some(first) = event_spans.get(&*entry.key) {
            diagnostics.push(
                Diagnostic::error(
                    "duplicate-event",
                    format!("event `{}` is defined twice", entry.key),
                    key_span,
                )
                .with_label("second definition")
                .with_secondary(*first, "first defined here")
                .with_help("event names must be unique across all definitions files"),
            );
        } else {
            event_spans.insert(Arc::clone(&entry.key), key_span);
            self.events.push(EventNode {
                tree: at,
                name: Arc::clone(&entry.key),
                span: key_span,
                value: entry.value,
            });
        }
    }
}

/// Resolve the events into the catalog, in order.
fn resolve_events(
    sources: &SourceMap,
    trees: &[Tree],
    event_nodes: &[EventNode],
    fragment_by_node: &[FxHashMap<NodeId, String>],
    merging: Merging,
    catalog: &mut Catalog,
    diagnostics: &mut Vec<Diagnostic>,
) {
    // Events are independent: resolve them in a few chunks per core (so a core that falls behind does not
    // hold the others up), each with its own merge memo (fragments are then flattened once per chunk, which
    // is cheap next to the events). A chunk holds events of one tree. Order is kept.
    let threads = rayon::current_num_threads().max(1);
    let chunk = event_nodes.len().div_ceil(threads * 4).max(256);
    let chunks: Vec<&[EventNode]> = event_nodes
        .chunk_by(|a, b| a.tree == b.tree)
        .flat_map(|same_tree| same_tree.chunks(chunk))
        .collect();
    let resolved: Vec<ChunkResult> = chunks
        .par_iter()
        .with_max_len(1)
        .map(|events| {
            let at = events.first().map_or(0, |e| e.tree);
            let (Some(tree), Some(fragments)) = (trees.get(at), fragment_by_node.get(at)) else {
                return (Vec::new(), Vec::new(), Vec::new());
            };
            let mut merger = Merger::new(tree);
            let mut resolver = types::Resolver::new(&mut merger, fragments, sources);
            resolver.templates = merging == Merging::Templates;
            let mut found = Vec::new();
            let mut unresolved_uses = Vec::new();
            let out = events
                .iter()
                .map(|e| {
                    let event = resolve_event(&mut resolver, &e.name, e.span, e.value, &mut found);
                    if event.is_none() {
                        unresolved_uses.extend(reach::fragments_used(tree, e.value, fragments));
                    }
                    (String::from(&*e.name), event)
                })
                .collect();
            drop(resolver);
            found.append(&mut merger.take_problems());
            (out, found, unresolved_uses)
        })
        .collect();
    catalog.events.reserve(event_nodes.len());
    for (events, mut found, mut uses) in resolved {
        diagnostics.append(&mut found);
        catalog.unresolved_uses.append(&mut uses);
        for (name, event) in events {
            if let Some(event) = event {
                catalog.events.insert(name, event);
            }
        }
    }
}

/// Resolve the fragments into the catalog, each in its tree (`mergers` holds one a tree), warning when a
/// name is used twice.
fn resolve_fragments(
    sources: &SourceMap,
    mergers: &mut [Merger<'_>],
    fragments: Vec<FragmentNode>,
    fragment_by_node: &[FxHashMap<NodeId, String>],
    merging: Merging,
    catalog: &mut Catalog,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut fragment_spans: HashMap<String, Span> = HashMap::new();
    let mut fragments = fragments.into_iter().peekable();
    while let Some(at) = fragments.peek().map(|f| f.tree) {
        let (Some(merger), Some(by_node)) = (mergers.get_mut(at), fragment_by_node.get(at)) else {
            break;
        };
        let mut resolver = types::Resolver::new(merger, by_node, sources);
        resolver.templates = merging == Merging::Templates;
        while let Some(f) = fragments.next_if(|f| f.tree == at) {
            // The catalog keys fragments by name (provenance and docs name them), so a second `.name`
            // would silently replace the first.
            if let Some(first) = fragment_spans.insert(f.name.clone(), f.name_span) {
                diagnostics.push(
                    Diagnostic::warning(
                        "duplicate-fragment",
                        format!("fragment `{}` is defined twice", f.name),
                        f.name_span,
                    )
                    .with_label("this definition replaces the first in the catalog")
                    .with_secondary(first, "first defined here")
                    .with_help(
                        "give each fragment its own name; anchors may still be reused across documents",
                    ),
                );
            }
            let name = f.name.clone();
            let fragment = resolve_fragment(
                &mut resolver,
                f.name,
                f.name_span,
                f.node,
                f.anchor,
                diagnostics,
            );
            catalog.fragments.insert(name, fragment);
        }
    }
}

/// The events of one parallel chunk (`None`: the event has errors), the diagnostics found, and the
/// fragments the events with errors refer to.
type ChunkResult = (Vec<(String, Option<Event>)>, Vec<Diagnostic>, Vec<String>);

/// Read an event definition. `None` when it has errors (they are pushed).
fn resolve_event(
    r: &mut types::Resolver<'_, '_>,
    name: &str,
    name_span: Span,
    value: NodeId,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Event> {
    let before = error_count(diagnostics);
    r.reset();
    let tree = r.tree();
    let Some(def) = r.merger.mapping(value, diagnostics) else {
        diagnostics.push(
            Diagnostic::error(
                "invalid-event",
                format!(
                    "event `{name}` must be a mapping, not {}",
                    tree.describe(value)
                ),
                tree.get(value).span,
            )
            .with_label("expected `description:`, `parameters:`, ...")
            .with_secondary(name_span, "event defined here"),
        );
        return None;
    };
    let mut event = Event {
        name: name.to_string(),
        name_span,
        description: None,
        deprecated: None,
        version: None,
        owner: None,
        tags: Vec::new(),
        parameters: Default::default(),
        examples: Vec::new(),
        uses: reach::fragments_used(tree, value, r.fragments()),
    };
    for entry in &def.entries {
        let mut local = Vec::new();
        // The keys come from the raw event type, so the schema lists exactly the keys handled here.
        match EventKey::from_name(&entry.key) {
            Some(EventKey::Description) => event.description = r.string(entry, &mut local),
            Some(EventKey::Owner) => event.owner = r.string(entry, &mut local),
            Some(EventKey::Version) => event.version = r.string(entry, &mut local),
            Some(EventKey::Deprecated) => event.deprecated = r.deprecation(entry, &mut local),
            Some(EventKey::Tags) => event.tags = r.string_list(entry, &mut local),
            Some(EventKey::Parameters) => {
                if let Some(params) = r.event_parameters(entry.value, &mut local) {
                    event.parameters = params;
                }
            }
            Some(EventKey::Examples) => event.examples = examples(r, entry, &mut local),
            None => local.push(unknown_key(
                r.sources(),
                tree,
                entry,
                &entry.key,
                EventKey::NAMES,
                &format!("event `{name}`"),
            )),
        }
        r.add_inherited_labels(entry, &mut local);
        diagnostics.append(&mut local);
    }
    (error_count(diagnostics) == before).then_some(event)
}

fn examples(
    r: &mut types::Resolver<'_, '_>,
    entry: &Entry,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Example> {
    let tree = r.tree();
    let NodeKind::Sequence(items) = &tree.resolved(entry.value).kind else {
        diagnostics.push(
            Diagnostic::error(
                "invalid-value",
                format!(
                    "`examples` must be a list of payloads, not {}",
                    tree.describe(entry.value)
                ),
                tree.get(entry.value).span,
            )
            .with_help("write `examples:` followed by `- {param: value, ...}` items"),
        );
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|&item| {
            let value = yaml::value::to_json(r.merger, item, diagnostics)?;
            Some(Example {
                value,
                span: tree.get(item).span,
            })
        })
        .collect()
}

fn resolve_fragment(
    r: &mut types::Resolver<'_, '_>,
    name: String,
    name_span: Span,
    value: NodeId,
    anchor: Option<yaml::Anchor>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Fragment {
    r.reset();
    let tree = r.tree();
    let mut merges = Vec::new();
    if let NodeKind::Mapping(pairs) = &tree.get(value).kind {
        for &(k, v) in pairs {
            if !tree.is_merge_key(k) {
                continue;
            }
            let targets: Vec<NodeId> = match &tree.resolved(v).kind {
                NodeKind::Sequence(items) => items.to_vec(),
                _ => vec![v],
            };
            merges.extend(
                targets
                    .into_iter()
                    .filter_map(|t| r.fragment_of(tree.deref(t))),
            );
        }
    }
    if !matches!(tree.get(value).kind, NodeKind::Mapping(_)) {
        diagnostics.push(
            Diagnostic::error(
                "invalid-fragment",
                format!(
                    "fragment `{name}` must be a mapping of parameters, not {}",
                    tree.describe(value)
                ),
                tree.get(value).span,
            )
            .with_secondary(name_span, "fragment defined here"),
        );
        return Fragment {
            name,
            anchor: anchor.map(|a| a.name),
            name_span,
            parameters: Default::default(),
            is_template: false,
            merges,
            uses: Vec::new(),
        };
    }
    let keys: Vec<String> = r
        .merger
        .mapping(value, &mut Vec::new())
        .map(|m| m.entries.iter().map(|e| String::from(&*e.key)).collect())
        .unwrap_or_default();
    let is_template = !keys.is_empty()
        && (keys.iter().any(|k| k == "parameters")
            || keys.iter().all(|k| EventKey::from_name(k).is_some()));
    let parameters = if is_template {
        Default::default()
    } else {
        r.parameters(value, 0, diagnostics).unwrap_or_default()
    };
    Fragment {
        name,
        anchor: anchor.map(|a| a.name),
        name_span,
        parameters,
        is_template,
        merges,
        uses: reach::fragments_used(tree, value, r.fragments()),
    }
}

/// `unknown key` with a suggestion.
pub(crate) fn unknown_key(
    sources: &SourceMap,
    tree: &Tree,
    entry: &Entry,
    key: &str,
    known: &[&str],
    within: &str,
) -> Diagnostic {
    let span = tree.get(entry.key_node).span;
    let d = Diagnostic::error(
        "unknown-key",
        format!("unknown key `{key}` in {within}"),
        span,
    );
    match did_you_mean(key, known.iter().copied()) {
        Some(s) => {
            let d = d
                .with_label(format!("did you mean `{s}`?"))
                .with_help(format!("did you mean `{s}`?"));
            match Suggestion::word_span(sources.get(span.file).slice(span), span, key) {
                Some(at) => d.with_suggestion(at, s),
                None => d,
            }
        }
        None => d.with_help(format!("known keys: {}", known.join(", "))),
    }
}

fn error_count(diagnostics: &[Diagnostic]) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count()
}
