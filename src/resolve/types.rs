//! Parameters: a mapping of names to parameters, each in the short form (`string?`, `uuid[]`) or the long
//! form (`long_form`), with its provenance (the merge chain it was inherited through), resolved once per
//! definition and shared.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::diagnostics::{Diagnostic, Suggestion, did_you_mean};
use crate::model::{
    Constraints, Definition, EventParameters, Inherit, InheritChain, Origin, Parameter, Parameters,
    Schema, Type,
};
use crate::source::{SourceMap, Span};
use crate::yaml::{Entry, Hop, Merger, NodeId, NodeKind, Tree, Via};

mod inherited;

/// Deepest nesting of `properties` / `items` / `values`.
pub(super) const MAX_DEPTH: usize = 64;

/// Resolves parameters, sharing one merger. Its work is bounded by the run's expansion budget, checked on
/// the tree before resolving ([`yaml::budget`]).
pub struct Resolver<'m, 't> {
    pub merger: &'m mut Merger<'t>,
    fragments: &'m FxHashMap<NodeId, String>,
    /// The text, to point suggestions at the misspelt word.
    sources: &'m SourceMap,
    /// A fragment's parameter is the same in every event that merges it, but for its provenance: resolve
    /// it once. Keyed by (key node, value node, depth).
    /// The problems found are kept too: every event that inherits a broken parameter must fail (the copies
    /// are merged away when diagnostics are deduplicated).
    #[allow(clippy::type_complexity)]
    memo: FxHashMap<(NodeId, NodeId, usize), (Option<Parameter>, Vec<Diagnostic>)>,
    /// Provenance chains by [`Via::id`]; the value keeps the `Via` alive so that its id is not reused.
    chains: FxHashMap<usize, (Via, InheritChain)>,
    /// One model step per merge step: the steps inside fragments are shared by every event.
    hops: FxHashMap<Hop, Arc<Inherit>>,
    /// The steps written in the definition being resolved (its own merge keys): no other definition meets
    /// them, so they are kept apart and forgotten at the next one, and `hops` does not grow with every
    /// event of the run.
    own_hops: FxHashMap<Hop, Arc<Inherit>>,
    /// The text of the definition being resolved (see [`Self::reset`]).
    within: Option<Span>,
    /// The chain asked for last: the entries one merge brought in come in a row with the same steps.
    last: Option<(Via, InheritChain)>,
    no_via: InheritChain,
    /// Anchored mappings of parameters resolved once, by (node, depth); `None` for one with a problem
    /// (see [`inherited`]).
    resolved_templates: FxHashMap<(NodeId, usize), Option<inherited::Template>>,
    /// Merges of templates shared by the mappings that merge the same ones ([`inherited`]).
    shared_merges: inherited::SharedMerges,
    /// The key [`Self::shared_merges`] is asked with, kept to be reused.
    merge_key: Vec<NodeId>,
    /// Whether mappings that merge fragments are built from the fragments' templates (else always by the
    /// general path).
    pub templates: bool,
}

impl<'m, 't> Resolver<'m, 't> {
    pub fn new(
        merger: &'m mut Merger<'t>,
        fragments: &'m FxHashMap<NodeId, String>,
        sources: &'m SourceMap,
    ) -> Self {
        Resolver {
            merger,
            fragments,
            sources,
            memo: FxHashMap::default(),
            chains: FxHashMap::default(),
            hops: FxHashMap::default(),
            own_hops: FxHashMap::default(),
            within: None,
            last: None,
            no_via: Arc::from([]),
            resolved_templates: FxHashMap::default(),
            shared_merges: Default::default(),
            merge_key: Vec::new(),
            templates: true,
        }
    }

    /// Start afresh for the next event or fragment, whose definition is `definition`: no provenance chains
    /// (each starts at the definition's own merge keys, so none is shared with the next one), and none of
    /// the last definition's own merge steps.
    pub fn reset(&mut self, definition: NodeId) {
        self.chains.clear();
        self.last = None;
        self.own_hops.clear();
        self.within = Some(self.tree().get(definition).span);
    }

    /// The source text.
    pub fn sources(&self) -> &'m SourceMap {
        self.sources
    }

    pub fn tree(&self) -> &'t Tree {
        self.merger.tree()
    }

    /// Every fragment by the node of its value.
    pub fn fragments(&self) -> &'m FxHashMap<NodeId, String> {
        self.fragments
    }

    /// The fragment whose value is this node.
    pub fn fragment_of(&self, node: NodeId) -> Option<String> {
        self.fragments.get(&node).cloned()
    }

    /// The model's provenance for an entry, built once per distinct merge chain and shared. The cache holds
    /// the chain itself, which keeps its identity from being reused.
    fn inherit_chain(&mut self, entry: &Entry) -> InheritChain {
        if entry.via.is_empty() {
            return Arc::clone(&self.no_via);
        }
        if let Some((via, chain)) = &self.last
            && via.id() == entry.via.id()
        {
            return Arc::clone(chain);
        }
        let chain = match self.chains.get(&entry.via.id()) {
            Some((_, chain)) => Arc::clone(chain),
            None => {
                let chain: InheritChain = entry.via.iter().map(|hop| self.inherit(hop)).collect();
                self.chains
                    .insert(entry.via.id(), (entry.via.clone(), Arc::clone(&chain)));
                chain
            }
        };
        self.last = Some((entry.via.clone(), Arc::clone(&chain)));
        chain
    }

    /// One merge step in the model's terms, built once.
    fn inherit(&mut self, hop: Hop) -> Arc<Inherit> {
        let tree = self.merger.tree();
        let fragments = self.fragments;
        let own = self.within.is_some_and(|within| {
            within.file == hop.alias.file
                && within.start <= hop.alias.start
                && hop.alias.end <= within.end
        });
        let hops = if own {
            &mut self.own_hops
        } else {
            &mut self.hops
        };
        let step = hops.entry(hop).or_insert_with(|| {
            let anchor = tree.get(hop.target).anchor.as_deref();
            Arc::new(Inherit {
                anchor_name: anchor.map(|a| a.name.clone()),
                alias: hop.alias,
                anchor: anchor.map(|a| a.span),
                fragment: fragments.get(&tree.deref(hop.target)).cloned(),
            })
        });
        Arc::clone(step)
    }

    /// When an entry was inherited, every problem found in it also points at the alias that brought it in.
    pub fn add_inherited_labels(&self, entry: &Entry, diagnostics: &mut [Diagnostic]) {
        if diagnostics.is_empty() {
            return;
        }
        let Some(first) = entry.via.first() else {
            return;
        };
        let name = self.tree().get(first.target).anchor.as_ref().map_or_else(
            || "an inline mapping".to_string(),
            |a| format!("`*{}`", a.name),
        );
        for d in diagnostics.iter_mut() {
            if !d.secondary.iter().any(|l| l.span == first.alias) {
                d.secondary.push(crate::diagnostics::Label::new(
                    first.alias,
                    format!("inherited through {name} here"),
                ));
            }
        }
    }

    /// A mapping of parameters (`parameters:` or `properties:`). `None` if it is not a mapping.
    pub fn parameters(
        &mut self,
        node: NodeId,
        depth: usize,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Parameters> {
        self.parameters_of(node, depth, false, diagnostics)
            .map(EventParameters::into_map)
    }

    /// An event's `parameters:`: as [`Self::parameters`], but holding a merge that other events share
    /// rather than a copy of it (see [`EventParameters`]).
    pub fn event_parameters(
        &mut self,
        node: NodeId,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<EventParameters> {
        self.parameters_of(node, 0, true, diagnostics)
    }

    fn parameters_of(
        &mut self,
        node: NodeId,
        depth: usize,
        defer: bool,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<EventParameters> {
        let tree = self.tree();
        let resolved = tree.resolved(node);
        if matches!(&resolved.kind, NodeKind::Scalar(s) if s.plain && (s.value.is_empty() || &*s.value == "null"))
        {
            return Some(EventParameters::default());
        }
        if self.templates
            && let Some(merged) = self.merged_parameters(node, depth, defer, diagnostics)
        {
            return Some(merged);
        }
        let Some(merged) = self.merger.mapping(node, diagnostics) else {
            diagnostics.push(
                Diagnostic::error(
                    "invalid-value",
                    format!(
                        "parameters must be a mapping of names to types, not {}",
                        tree.describe(node)
                    ),
                    tree.get(node).span,
                )
                .with_help("write `name: type` pairs, e.g. `user_id: integer`"),
            );
            return None;
        };
        let mut out =
            Parameters::with_capacity_and_hasher(merged.entries.len(), Default::default());
        for entry in &merged.entries {
            let mut local = Vec::new();
            if let Some(p) = self.parameter(entry, depth, &mut local) {
                out.insert(Arc::clone(&entry.key), p);
            }
            self.add_inherited_labels(entry, &mut local);
            diagnostics.append(&mut local);
        }
        Some(out.into())
    }

    /// One parameter from its entry, with overridden definitions resolved into `shadowed`.
    fn parameter(
        &mut self,
        entry: &Entry,
        depth: usize,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Parameter> {
        let mut p = self.memoized(entry, depth, diagnostics)?;
        for old in &entry.shadowed {
            // Problems in overridden definitions are reported where the fragment itself is resolved.
            if let Some(s) = self.memoized(old, depth, &mut Vec::new()) {
                p.shadowed.push(s);
            }
        }
        Some(p)
    }

    /// [`Self::parameter_body`] once per definition; later uses clone it and set their own provenance.
    /// Every use is a copy: the run's expansion budget has counted it.
    fn memoized(
        &mut self,
        entry: &Entry,
        depth: usize,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Parameter> {
        // Only a definition reached through a merge or an alias can be met again.
        let shared = !entry.via.is_empty()
            || matches!(self.tree().get(entry.value).kind, NodeKind::Alias { .. });
        if !shared {
            return self.parameter_body(entry, depth, diagnostics);
        }
        let key = (entry.key_node, entry.value, depth);
        // What a use takes from the definition; the parameter is then built with its own provenance
        // (rather than cloned and its provenance replaced: one reference count less to touch).
        let taken = |hit: &Option<Parameter>| hit.as_ref().map(|p| Arc::clone(&p.definition));
        let cached = match self.memo.get(&key) {
            Some((hit, found)) => {
                diagnostics.extend(found.iter().cloned());
                taken(hit)
            }
            None => {
                let mut found = Vec::new();
                let hit = self.parameter_body(entry, depth, &mut found);
                diagnostics.extend(found.iter().cloned());
                let taken = taken(&hit);
                self.memo.insert(key, (hit, found));
                taken
            }
        };
        Some(Parameter {
            definition: cached?,
            origin: Origin {
                via: self.inherit_chain(entry),
            },
            // A definition resolved by `parameter_body` overrides nothing: `parameter` adds what it does.
            shadowed: thin_vec::ThinVec::new(),
        })
    }

    fn parameter_body(
        &mut self,
        entry: &Entry,
        depth: usize,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Parameter> {
        let tree = self.tree();
        let origin = Origin {
            via: Arc::clone(&self.no_via),
        };
        let mut p = Definition {
            name: String::from(&*entry.key),
            key_span: tree.get(entry.key_node).span,
            value_span: tree.get(entry.value).span,
            schema: Schema {
                ty: Type::Json,
                nullable: false,
                constraints: Constraints::default(),
                description: None,
            },
            required: true,
            description: None,
            deprecated: None,
            pii: None,
            classification: None,
        };
        let value = entry.value;
        match &tree.resolved(value).kind {
            NodeKind::Scalar(s) if !(s.plain && (s.value.is_empty() || &*s.value == "null")) => {
                let (schema, optional) =
                    self.short_form(&s.value, tree.get(value).span, depth, diagnostics)?;
                p.schema = schema;
                p.required = !optional;
            }
            NodeKind::Mapping(_) => {
                let form = self.long_form(value, depth, diagnostics)?;
                p.schema = form.schema;
                p.description = form.description;
                p.deprecated = form.deprecated;
                p.required = form.required.unwrap_or(true) && !form.optional;
                if !self.pii(&form.merged, &mut p, diagnostics) {
                    return None;
                }
            }
            // An undefined or cyclic alias has been reported where it is written.
            NodeKind::Alias { target: None, .. } => return None,
            _ => {
                diagnostics.push(
                    Diagnostic::error(
                        "missing-type",
                        format!("parameter `{}` has no type", entry.key),
                        tree.get(entry.key_node).span,
                    )
                    .with_help(format!(
                        "give it a type, e.g. `{}: string`; known types: {}",
                        entry.key,
                        Type::NAMES.join(", ")
                    )),
                );
                return None;
            }
        }
        Some(Parameter::new(p, origin))
    }

    /// `string`, `string?`, `uuid[]`, `integer[]?`: the schema and whether it is optional.
    pub(super) fn short_form(
        &mut self,
        text: &str,
        span: Span,
        _depth: usize,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<(Schema, bool)> {
        let trimmed = text.trim();
        let (rest, optional) = match trimmed.strip_suffix('?') {
            Some(r) => (r.trim_end(), true),
            None => (trimmed, false),
        };
        let (base, array) = match rest.strip_suffix("[]") {
            Some(b) => (b.trim_end(), true),
            None => (rest, false),
        };
        let ty = match Type::scalar(base) {
            Some(t) => t,
            None => {
                diagnostics.push(self.type_error(base, text, span));
                return None;
            }
        };
        let scalar = Schema {
            ty,
            nullable: false,
            constraints: Constraints::default(),
            description: None,
        };
        let schema = if array {
            Schema {
                ty: Type::Array(Box::new(scalar)),
                ..Schema::plain()
            }
        } else {
            scalar
        };
        Some((schema, optional))
    }

    fn type_error(&self, base: &str, written: &str, span: Span) -> Diagnostic {
        let d = match base {
            "object" | "array" | "map" => {
                let key = match base {
                    "object" => "properties",
                    "array" => "items",
                    _ => "values",
                };
                return Diagnostic::error(
                    "missing-type",
                    format!("`{base}` needs `{key}`, so it cannot be written in the short form"),
                    span,
                )
                .with_help(format!(
                    "use the long form: `type: {base}` with `{key}:`, or `json` for any value"
                ));
            }
            _ if base.contains('?') || base.contains('[') => {
                return Diagnostic::error(
                    "unknown-type",
                    format!("cannot read the type `{written}`"),
                    span,
                )
                .with_help("the short form is `type`, `type?`, `type[]` or `type[]?`");
            }
            _ => Diagnostic::error("unknown-type", format!("unknown type `{base}`"), span),
        };
        match did_you_mean(base, Type::NAMES) {
            Some(s) => {
                let written = self.sources.get(span.file).slice(span);
                let d = d
                    .with_label(format!("did you mean `{s}`?"))
                    .with_help(format!(
                        "did you mean `{s}`? known types: {}",
                        Type::NAMES.join(", ")
                    ));
                match Suggestion::word_span(written, span, base) {
                    Some(at) => d.with_suggestion(at, s),
                    None => d,
                }
            }
            None => d.with_help(format!("known types: {}", Type::NAMES.join(", "))),
        }
    }
}

impl Schema {
    /// A non-nullable `json` schema without constraints, to be filled in.
    pub fn plain() -> Schema {
        Schema {
            ty: Type::Json,
            nullable: false,
            constraints: Constraints::default(),
            description: None,
        }
    }
}
