//! Running the rules: the seven rules that look at every parameter, and `inconsistent-parameter`'s
//! collection of parameter paths, share one walk over the catalog's parameters in parallel chunks (a
//! large catalog holds hundreds of thousands, and reading them once instead of eight times is most of
//! lint's time), while the rules that look at events or fragments as a whole run beside it. Each rule's
//! findings come out as if it had run alone, in [`Rule::ALL`] order.

use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashSet;

use super::config::LintConfig;
use super::rules::inconsistent_parameter::Paths;
use super::{
    DEFAULT_NAMING, DescriptionQuality, EnumValueCase, EventWithoutDescription,
    InconsistentParameter, Located, MergeConflict, NameOffConvention, OverrideTypeChange,
    PiiParameter, RedundantOverride, Rule, TooManyParameters, UnusedFragment, WalkedMerges, codes,
};
use crate::diagnostics::{Diagnostic, Severity};
use crate::model::{Catalog, Definition, Event, EventParameters, Parameter, Parameters, Type};

/// A parameter rule's look at one parameter.
pub(crate) type Visit<'c, 'r> = dyn for<'p> Fn(&Located<'c, 'p>, &mut Vec<Diagnostic>) + Sync + 'r;

/// A parameter rule's look at the events themselves (their names, their descriptions), run beside the walk.
type EventsCheck<'r> = dyn Fn(&mut Vec<Diagnostic>) + Sync + 'r;

/// How one enabled rule runs.
enum Plan<'c, 'r> {
    /// It looks at every parameter: what it found while planned (a bad configuration), its look at the
    /// events, then its visit.
    Parameters(
        Vec<Diagnostic>,
        Option<Box<EventsCheck<'r>>>,
        Box<Visit<'c, 'r>>,
    ),
    /// `inconsistent-parameter`: it collects the paths of every event's parameters in the same walk.
    Paths,
    /// It runs on its own.
    Whole,
}

/// Run every enabled rule, at its configured severity.
pub(crate) fn check(catalog: &Catalog, config: &LintConfig, diagnostics: &mut Vec<Diagnostic>) {
    let enabled: Vec<(Rule, Severity)> = Rule::ALL
        .iter()
        .filter_map(|&rule| {
            codes::configured(config, rule.code(), rule.default_severity()).map(|s| (rule, s))
        })
        .collect();
    let mut plans: Vec<Plan> = enabled
        .iter()
        .map(|&(rule, _)| plan(rule, catalog, config))
        .collect();
    let visits: Vec<&Visit> = plans
        .iter()
        .filter_map(|p| match p {
            Plan::Parameters(_, _, visit) => Some(&**visit),
            Plan::Paths | Plan::Whole => None,
        })
        .collect();
    let collect_paths = plans.iter().any(|p| matches!(p, Plan::Paths));
    let ((walked, paths), whole) = rayon::join(
        || {
            walk(
                catalog,
                &visits,
                collect_paths.then_some(Paths::first_places),
            )
        },
        || {
            enabled
                .par_iter()
                .zip(&plans)
                .map(|(&(rule, _), plan)| match plan {
                    Plan::Whole => whole_rule(rule, catalog, config),
                    Plan::Parameters(_, Some(events), _) => {
                        let mut found = Vec::new();
                        events(&mut found);
                        found
                    }
                    Plan::Parameters(_, None, _) | Plan::Paths => Vec::new(),
                })
                .collect::<Vec<_>>()
        },
    );
    drop(visits);
    let mut walked = walked.into_iter();
    let mut paths = paths;
    for ((&(rule, severity), plan), mut whole) in enabled.iter().zip(plans.iter_mut()).zip(whole) {
        let mut found = match plan {
            Plan::Parameters(before, _, _) => {
                let mut found = std::mem::take(before);
                found.append(&mut whole);
                found.extend(walked.next().into_iter().flatten());
                found
            }
            Plan::Paths => {
                let mut found = Vec::new();
                if let Some(paths) = paths.take() {
                    InconsistentParameter::report(catalog, paths, &mut found);
                }
                found
            }
            Plan::Whole => std::mem::take(&mut whole),
        };
        finish(rule, severity, &mut found);
        diagnostics.append(&mut found);
    }
}

/// How `rule` runs.
fn plan<'c: 'r, 'r>(rule: Rule, catalog: &'c Catalog, config: &'r LintConfig) -> Plan<'c, 'r> {
    let mut before = Vec::new();
    let mut events: Option<Box<EventsCheck<'r>>> = None;
    let visit: Box<Visit<'c, 'r>> = match rule {
        Rule::MergeConflict => Box::new(|l: &Located, o: &mut _| MergeConflict::visit(l, o)),
        Rule::OverrideTypeChange => {
            Box::new(|l: &Located, o: &mut _| OverrideTypeChange::visit(l, o))
        }
        Rule::NamingConvention => {
            let pattern = config.naming.as_deref().unwrap_or(DEFAULT_NAMING);
            match fancy_regex::Regex::new(pattern) {
                Ok(re) => {
                    let rule = Arc::new(NameOffConvention::new(re));
                    let on_events = Arc::clone(&rule);
                    events = Some(Box::new(move |o: &mut _| {
                        on_events.check_events(catalog, o)
                    }));
                    Box::new(move |l: &Located, o: &mut _| rule.visit(catalog, l, o))
                }
                Err(e) => {
                    before.push(Diagnostic::global(
                        Severity::Error,
                        "invalid-config",
                        format!("`[lint] naming` is not a valid regular expression: {e}"),
                    ));
                    Box::new(|_: &Located, _: &mut _| {})
                }
            }
        }
        Rule::PiiParameter => {
            let rule = PiiParameter::new(config.pii_parameter.names.as_deref());
            Box::new(move |l: &Located, o: &mut _| rule.visit(l, o))
        }
        Rule::RedundantOverride => {
            Box::new(|l: &Located, o: &mut _| RedundantOverride::visit(l, o))
        }
        Rule::EnumValueCase => Box::new(|l: &Located, o: &mut _| EnumValueCase::visit(l, o)),
        Rule::DescriptionQuality => {
            let min_words = config.description_quality.min_words;
            events = Some(Box::new(move |o: &mut _| {
                DescriptionQuality::new(min_words).check_events(catalog, o)
            }));
            let rule = DescriptionQuality::new(min_words);
            Box::new(move |l: &Located, o: &mut _| rule.visit(l, o))
        }
        Rule::InconsistentParameter => return Plan::Paths,
        Rule::MissingDescription | Rule::UnusedFragment | Rule::TooManyParameters => {
            return Plan::Whole;
        }
    };
    Plan::Parameters(before, events, visit)
}

/// The findings of a rule that runs on its own.
fn whole_rule(rule: Rule, catalog: &Catalog, config: &LintConfig) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    match rule {
        Rule::MissingDescription => EventWithoutDescription::check(catalog, &mut found),
        Rule::UnusedFragment => UnusedFragment::check(catalog, &mut found),
        Rule::TooManyParameters => {
            TooManyParameters::new(config.too_many_parameters.max).check(catalog, &mut found)
        }
        _ => {}
    }
    found
}

/// A rule's findings once: a fragment's parameter is reachable from every event that merges it, so each
/// place is reported once; then the configured severity.
fn finish(rule: Rule, severity: Severity, found: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    found.retain(|d| seen.insert((d.code, d.span())));
    for d in found {
        if d.code == rule.code() {
            d.severity = severity;
        }
    }
}

/// Visit every parameter of the catalog (events and fragments, nested properties included) once, showing
/// each to every visit; what each visit reports is collected apart, in catalog order. With `paths` (what
/// makes an empty [`Paths`]), the paths of every event's parameters are collected in the same walk, for
/// `inconsistent-parameter` (each event's parameters are then read while at hand). Events are visited in
/// parallel chunks.
///
/// Three shortcuts keep the visits linear in what is written rather than in what merges bring in (an event
/// can inherit dozens of parameters, and most events inherit the same ones):
/// - an inherited parameter that overrides nothing is not shown to the visits: no parameter rule reports
///   on one (they look at what is written in place, or at what a merge overrode);
/// - an event that holds a shared merge ([`EventParameters`]) is read without putting its map together,
///   and once an event that replaces none of the merge's parameters has been walked, the next events
///   that hold it show only the parameters written in them: the merge's have all been met;
/// - the properties of a shared definition (an `Arc` held by every event that inherits it) are walked once
///   per chunk: they are the same parameters each time, so the visits would find the same things at the
///   same places, which `finish` drops anyway (keeping the first, which this keeps).
pub(crate) fn walk<'c>(
    catalog: &'c Catalog,
    visits: &[&Visit<'c, '_>],
    paths: Option<fn() -> Paths<'c>>,
) -> (Vec<Vec<Diagnostic>>, Option<Paths<'c>>) {
    // A few chunks per core (so that a core that falls behind does not hold the others up), as resolve
    // makes them: each chunk walks the shared definitions again, and its paths are appended one by one.
    let threads = rayon::current_num_threads().max(1);
    let chunk = catalog.events.len().div_ceil(threads * 4).max(512);
    let events: Vec<(&'c String, &'c Event)> = catalog.events.iter().collect();
    let chunks: Vec<(Vec<Vec<Diagnostic>>, Option<Paths<'c>>)> = events
        .par_chunks(chunk)
        .map(|chunk| {
            let mut found = vec![Vec::new(); visits.len()];
            let mut walker = Walker::default();
            let mut chunk_paths = paths.map(|new| new());
            for (name, e) in chunk {
                walker.event(name, &e.parameters, visits, &mut found);
                if let Some(p) = &mut chunk_paths {
                    p.event(name, e);
                }
            }
            (found, chunk_paths)
        })
        .collect();
    let mut out = vec![Vec::new(); visits.len()];
    let mut all_paths: Option<Paths<'c>> = None;
    for (chunk, chunk_paths) in chunks {
        for (all, mut found) in out.iter_mut().zip(chunk) {
            all.append(&mut found);
        }
        // Appended in catalog order: what one walk over all events in order would collect.
        match (&mut all_paths, chunk_paths) {
            (Some(all), Some(later)) => all.append(later),
            (all @ None, later) => *all = later,
            (Some(_), None) => {}
        }
    }
    let mut walker = Walker::default();
    for (name, fragment) in &catalog.fragments {
        walker.params(name, &fragment.parameters, visits, &mut out);
    }
    (out, all_paths.or_else(|| paths.map(|new| new())))
}

/// The state of one walk: the object parameters above the current one, and the shared definitions whose
/// properties have been walked.
#[derive(Default)]
struct Walker<'c> {
    parents: Vec<&'c str>,
    walked: FxHashSet<*const Definition>,
    /// Shared merges whose parameters have all been walked.
    merges: WalkedMerges,
}

impl<'c> Walker<'c> {
    /// An event's parameters, as [`EventParameters::each`] gives them (a parameter held in a shared merge
    /// is inherited, whatever its provenance there says).
    fn event(
        &mut self,
        owner: &'c str,
        params: &'c EventParameters,
        visits: &[&Visit<'c, '_>],
        out: &mut [Vec<Diagnostic>],
    ) {
        // A merge met whole before: its parameters have been walked (none was shown to the visits: they
        // are inherited and override nothing).
        for (p, step) in self.merges.unmet(params) {
            let inherited = step.is_some() || p.origin.is_inherited();
            self.param(owner, p, inherited, visits, out);
        }
    }

    fn params(
        &mut self,
        owner: &'c str,
        params: &'c Parameters,
        visits: &[&Visit<'c, '_>],
        out: &mut [Vec<Diagnostic>],
    ) {
        for p in params.values() {
            self.param(owner, p, p.origin.is_inherited(), visits, out);
        }
    }

    fn param(
        &mut self,
        owner: &'c str,
        p: &'c Parameter,
        inherited: bool,
        visits: &[&Visit<'c, '_>],
        out: &mut [Vec<Diagnostic>],
    ) {
        if !inherited || !p.shadowed.is_empty() {
            let located = Located {
                owner,
                parents: &self.parents,
                param: p,
            };
            for (visit, out) in visits.iter().zip(out.iter_mut()) {
                visit(&located, out);
            }
        }
        let mut schema = &p.schema;
        while let Type::Array(inner) | Type::Map(inner) = &schema.ty {
            schema = inner;
        }
        if let Type::Object(props) = &schema.ty {
            let shared = Arc::strong_count(&p.definition) > 1;
            if shared && !self.walked.insert(Arc::as_ptr(&p.definition)) {
                return;
            }
            self.parents.push(&p.name);
            self.params(owner, props, visits, out);
            self.parents.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    //! Lint reads events that hold a shared merge without putting their maps together
    //! ([`EventParameters::each`], [`EventParameters::parts`]), and skips a merge it has walked: it must
    //! find what it finds on the same catalog with every event's map put together.

    #![allow(clippy::unwrap_used)]

    use std::fmt::Write as _;

    use super::*;
    use crate::testing::Rng;

    /// Fragments (nested objects that merge other fragments, enums, PII and off-convention names, the
    /// same name with different types) and events that merge them in a few shared ways, with keys of
    /// their own that add to, override or change the type of merged ones.
    fn definitions(seed: u64) -> (String, String) {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let names = [
            "user_id",
            "email",
            "phoneNumber",
            "tier",
            "lat",
            "amount",
            "event",
        ];
        let objects = ["user", "geo"];
        let types = [
            "string",
            "integer",
            "uuid?",
            "{type: string, enum: [Gold, silver]}",
            "{type: string, enum: [a, b], description: Ok}",
            "number[]",
        ];
        let mut prelude = String::new();
        let fragments = 3 + rng.below(5);
        for f in 0..fragments {
            let _ = writeln!(prelude, ".f{f}: &f{f}");
            if f > 0 && rng.chance(40) {
                let _ = writeln!(prelude, "  <<: *f{}", rng.below(f));
            }
            for _ in 0..1 + rng.below(4) {
                let name = rng.pick(&names);
                if f > 0 && rng.chance(40) {
                    let _ = writeln!(
                        prelude,
                        "  {}:\n    type: object\n    properties:\n      <<: *f{}\n      inner: {}",
                        rng.pick(&objects),
                        rng.below(f),
                        rng.pick(&types)
                    );
                } else {
                    let _ = writeln!(prelude, "  {name}: {}", rng.pick(&types));
                }
            }
        }
        // A few merge lists, each used by several events.
        let lists: Vec<String> = (0..1 + rng.below(3))
            .map(|_| match rng.below(3) {
                0 => format!("    <<: *f{}\n", rng.below(fragments)),
                1 => format!(
                    "    <<: [*f{}, *f{}]\n",
                    rng.below(fragments),
                    rng.below(fragments)
                ),
                _ => format!(
                    "    <<: *f{}\n    <<: [*f{}]\n",
                    rng.below(fragments),
                    rng.below(fragments)
                ),
            })
            .collect();
        let mut events = String::new();
        for e in 0..4 + rng.below(16) {
            let _ = writeln!(
                events,
                "e{e}:\n  description: Event {e} of the lint test\n  parameters:"
            );
            events.push_str(&lists[rng.below(lists.len())]);
            for _ in 0..rng.below(3) {
                // Some replace a merged object parameter.
                let name = if rng.chance(40) {
                    rng.pick(&objects)
                } else {
                    rng.pick(&names)
                };
                let _ = writeln!(events, "    {name}: {}", rng.pick(&types));
            }
        }
        (prelude, events)
    }

    /// Lint and the examples' checks, sorted, as text.
    fn findings(catalog: &Catalog, config: &crate::Config) -> String {
        let mut found = Vec::new();
        check(catalog, &config.lint, &mut found);
        crate::examples::check(catalog, &config.envelope, &mut found);
        crate::diagnostics::sort_and_dedup(&mut found);
        format!("{found:#?}")
    }

    #[test]
    fn lint_finds_on_shared_merges_what_it_finds_on_the_maps() {
        let mut config = crate::Config::default();
        config.lint.too_many_parameters.max = Some(4);
        let (mut held, mut codes) = (0, std::collections::BTreeSet::new());
        // First a case where a merge's object parameter is replaced in the first events that hold the
        // merge and inherited by a later one, which must still walk its properties.
        let fixed = (
            ".f0: &f0\n  a: string\n  user:\n    type: object\n    properties:\n      inner: {type: string, enum: [Gold, silver]}\n"
                .to_string(),
            "e0:\n  parameters:\n    <<: *f0\n    user: string\n\
             e1:\n  parameters:\n    <<: *f0\n    user: string\n\
             e2:\n  parameters:\n    <<: *f0\n\
             e3:\n  parameters:\n    user: {type: object, properties: {inner: integer}}\n"
                .to_string(),
        );
        let cases = std::iter::once((u64::MAX, fixed)).chain((0..300).map(|s| (s, definitions(s))));
        for (seed, (prelude, events)) in cases {
            let compiled = crate::check_texts(
                &[("_frags.yaml", &prelude), ("events.yaml", &events)],
                &config,
            );
            let catalog = &compiled.catalog;
            held += catalog
                .events
                .values()
                .filter(|e| e.parameters.parts().is_some())
                .count();
            let deferred = findings(catalog, &config);
            let mut built = catalog.clone();
            for event in built.events.values_mut() {
                event.parameters = EventParameters::from((*event.parameters).clone());
                assert!(event.parameters.parts().is_none());
            }
            let maps = findings(&built, &config);
            assert!(
                deferred == maps,
                "seed {seed}\n{prelude}\n{events}\n--- shared merges:\n{deferred}\n--- maps:\n{maps}"
            );
            codes.extend(compiled.diagnostics.iter().map(|d| d.code));
        }
        // The cases hold shared merges, and the rules that read parameters find things in them.
        assert!(held > 500, "{held}");
        for code in [
            "merge-conflict",
            "override-type-change",
            "naming-convention",
            "inconsistent-parameter",
            "pii-parameter",
            "enum-value-case",
            "too-many-parameters",
            "name-field-clash",
        ] {
            assert!(codes.contains(code), "{code} never found: {codes:?}");
        }
    }
}
