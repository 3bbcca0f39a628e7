//! Resolve: the spanned YAML tree → [`Catalog`]. Reads fragments, events and their keys, and hands each
//! parameter to `types`. Every problem is a diagnostic; an event with errors is left out of the catalog.

mod long_form;
mod pii;
pub mod raw;
mod reach;
mod top;
mod types;
mod values;

#[cfg(test)]
mod tests;

/// The keys of a long-form parameter (re-exported for the language server's completion).
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use indexmap::IndexMap;
use rustc_hash::FxHashMap;

use crate::diagnostics::{Diagnostic, Severity, Suggestion, did_you_mean};
use crate::model::{Catalog, Event, Example, Fragment};
use crate::source::{SourceMap, Span};
use crate::yaml::{self, Entry, Merger, NodeId, NodeKind, Tree};
use top::{EventNode, FragmentNode};

pub use raw::{EVENT_KEYS, EventKey, PARAMETER_KEYS, ParameterKey};

/// Resolve every document of the tree into a catalog.
pub fn resolve(sources: Arc<SourceMap>, tree: &Tree, diagnostics: &mut Vec<Diagnostic>) -> Catalog {
    resolve_trees(
        sources,
        vec![TreeRef::Borrowed(tree)],
        0,
        diagnostics,
        Merging::Templates,
    )
}

/// Resolve a run parsed in groups ([`yaml::parse_forest`]) without putting its trees together, freeing each
/// tree once the last of its events is resolved (so that the events after it reuse its memory): the same
/// catalog and diagnostics as [`resolve`] on the tree they make together. An event or fragment is resolved
/// in its group's tree (its aliases reach only its own file and the preludes, which every tree holds).
pub fn resolve_forest(
    sources: Arc<SourceMap>,
    forest: yaml::Forest,
    diagnostics: &mut Vec<Diagnostic>,
) -> Catalog {
    let trees = forest
        .trees
        .into_iter()
        .map(|t| TreeRef::Shared(Arc::new(t)))
        .collect();
    resolve_trees(
        sources,
        trees,
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
    resolve_trees(
        sources,
        vec![TreeRef::Borrowed(tree)],
        0,
        diagnostics,
        merging,
    )
}

/// A tree to resolve in: the caller's, or one shared by the chunks of events that resolve in it (freed by
/// the last of them to finish, on its core).
#[derive(Clone)]
enum TreeRef<'t> {
    Borrowed(&'t Tree),
    Shared(Arc<Tree>),
}

impl std::ops::Deref for TreeRef<'_> {
    type Target = Tree;

    fn deref(&self) -> &Tree {
        match self {
            TreeRef::Borrowed(tree) => tree,
            TreeRef::Shared(tree) => tree,
        }
    }
}

/// Resolve the documents of `trees`, each tree after the same `shared` prelude nodes (see [`yaml::Forest`]).
///
/// One thread of the pool reads the top level and resolves the fragments a tree at a time, in order, and
/// hands each tree's events to the pool as soon as its top level is read (the first definition of a name
/// wins, so no later tree changes which of its events are resolved); the diagnostics are reported as one
/// pass over the documents would find them: the top level's, the events', the fragments', then the merges'
/// problems.
fn resolve_trees(
    sources: Arc<SourceMap>,
    trees: Vec<TreeRef<'_>>,
    shared: usize,
    diagnostics: &mut Vec<Diagnostic>,
    merging: Merging,
) -> Catalog {
    let mut catalog = Catalog::new(Arc::clone(&sources));
    // Everything below expands aliases and merges: only within the run's budget, decided on the text alone.
    if !yaml::budget::check_forest(&trees, shared, diagnostics) {
        return catalog;
    }
    let mut reader = top::Reader::new(trees.iter().map(|t| &**t));
    // Events are independent: resolve them in a few chunks per core (so a core that falls behind does not
    // hold the others up), each chunk in one tree, with its own merge memo (fragments are then flattened
    // once per chunk, which is cheap next to the events).
    let chunks_a_tree = (rayon::current_num_threads().max(1) * 4).div_ceil(trees.len().max(1));
    let resolved: Mutex<Vec<(usize, ChunkResult)>> = Mutex::new(Vec::new());
    let mut chunks = 0;
    let mut fragment_spans: HashMap<String, Span> = HashMap::new();
    // The preludes' fragments, by node (the first tree's nodes before `shared`, the same ids in every tree).
    let mut prelude_fragments: Vec<(NodeId, String)> = Vec::new();
    let (mut fragment_diagnostics, mut problems) = (Vec::new(), Vec::new());
    let sources = &*sources;
    // On the pool: a thread outside it would be one more at work while the pool resolves the events.
    rayon::scope(|scope| {
        for (at, tree) in trees.into_iter().enumerate() {
            // (The merger stays on this thread: its memo is not shared.)
            let mut merger = Merger::new(&tree);
            let top = reader.read(sources, &mut merger, diagnostics);
            let mut by_node: FxHashMap<NodeId, String> =
                prelude_fragments.iter().cloned().collect();
            by_node.extend(top.fragments.iter().map(|f| (f.node, f.name.clone())));
            if at == 0 {
                prelude_fragments = (top.fragments.iter())
                    .filter(|f| (f.node as usize) < shared)
                    .map(|f| (f.node, f.name.clone()))
                    .collect();
            }
            let by_node = Arc::new(by_node);
            // The tree's events to the pool, in chunks of equal size (no small remainder, which would
            // flatten the fragments again for a few events). Each chunk holds the tree: the last one done
            // frees it, on its core.
            let count = top.events.len().div_ceil(256).clamp(1, chunks_a_tree);
            let size = top.events.len().div_ceil(count).max(1);
            let mut events = top.events.into_iter().peekable();
            while events.peek().is_some() {
                let chunk: Vec<EventNode> = events.by_ref().take(size).collect();
                let (tree, by_node, resolved, index) =
                    (tree.clone(), Arc::clone(&by_node), &resolved, chunks);
                chunks += 1;
                scope.spawn(move |_| {
                    let result = resolve_chunk(sources, &tree, &chunk, &by_node, merging);
                    drop(tree);
                    // A poisoned lock still holds every chunk pushed before: keep them.
                    (resolved.lock().unwrap_or_else(PoisonError::into_inner)).push((index, result));
                });
            }
            resolve_fragments(
                sources,
                &mut merger,
                top.fragments,
                &by_node,
                merging,
                &mut fragment_spans,
                &mut catalog.fragments,
                &mut fragment_diagnostics,
            );
            problems.append(&mut merger.take_problems());
        }
    });
    let mut resolved = resolved
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    resolved.sort_unstable_by_key(|(index, _)| *index);
    insert_events(
        resolved.into_iter().map(|(_, r)| r).collect(),
        &mut catalog,
        diagnostics,
    );
    diagnostics.append(&mut fragment_diagnostics);
    diagnostics.append(&mut problems);
    catalog
}

/// Resolve a chunk of the events of `tree`.
fn resolve_chunk(
    sources: &SourceMap,
    tree: &Tree,
    events: &[EventNode],
    fragments: &FxHashMap<NodeId, String>,
    merging: Merging,
) -> ChunkResult {
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
}

/// Put the events of the chunks into the catalog, in order, with their diagnostics.
fn insert_events(
    resolved: Vec<ChunkResult>,
    catalog: &mut Catalog,
    diagnostics: &mut Vec<Diagnostic>,
) {
    catalog
        .events
        .reserve(resolved.iter().map(|(events, _, _)| events.len()).sum());
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

/// Resolve a tree's fragments (`merger`'s) into the catalog, warning when a name is used twice
/// (`fragment_spans`: the names met so far).
#[allow(clippy::too_many_arguments)]
fn resolve_fragments(
    sources: &SourceMap,
    merger: &mut Merger<'_>,
    fragments: Vec<FragmentNode>,
    by_node: &FxHashMap<NodeId, String>,
    merging: Merging,
    fragment_spans: &mut HashMap<String, Span>,
    catalog: &mut IndexMap<String, Fragment>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut resolver = types::Resolver::new(merger, by_node, sources);
    resolver.templates = merging == Merging::Templates;
    for f in fragments {
        // The catalog keys fragments by name (provenance and docs name them), so a second `.name` would
        // silently replace the first.
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
        catalog.insert(name, fragment);
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
    r.reset(value);
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
    r.reset(value);
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
