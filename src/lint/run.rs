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
    PiiParameter, RedundantOverride, Rule, TooManyParameters, UnusedFragment, codes,
};
use crate::diagnostics::{Diagnostic, Severity};
use crate::model::{Catalog, Definition, Event, Parameters, Type};

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
        || walk(catalog, &visits, collect_paths),
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
/// each to every visit; what each visit reports is collected apart, in catalog order. With `paths`, the
/// paths of every event's parameters are collected in the same walk, for `inconsistent-parameter` (each
/// event's parameters are then read while at hand). Events are visited in parallel chunks.
///
/// Two shortcuts keep the visits linear in what is written rather than in what merges copy (every event
/// holds its own copy of each inherited parameter):
/// - an inherited parameter that overrides nothing is not shown to the visits: no parameter rule reports
///   on one (they look at what is written in place, or at what a merge overrode);
/// - the properties of a shared definition (an `Arc` held by every event that inherits it) are walked once
///   per chunk: they are the same parameters each time, so the visits would find the same things at the
///   same places, which `finish` drops anyway (keeping the first, which this keeps).
pub(crate) fn walk<'c>(
    catalog: &'c Catalog,
    visits: &[&Visit<'c, '_>],
    paths: bool,
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
            let mut chunk_paths = paths.then(Paths::default);
            for (name, e) in chunk {
                walker.params(name, &e.parameters, visits, &mut found);
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
    (out, all_paths.or_else(|| paths.then(Paths::default)))
}

/// The state of one walk: the object parameters above the current one, and the shared definitions whose
/// properties have been walked.
#[derive(Default)]
struct Walker<'c> {
    parents: Vec<&'c str>,
    walked: FxHashSet<*const Definition>,
}

impl<'c> Walker<'c> {
    fn params(
        &mut self,
        owner: &'c str,
        params: &'c Parameters,
        visits: &[&Visit<'c, '_>],
        out: &mut [Vec<Diagnostic>],
    ) {
        for p in params.values() {
            if !p.origin.is_inherited() || !p.shadowed.is_empty() {
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
                    continue;
                }
                self.parents.push(&p.name);
                self.params(owner, props, visits, out);
                self.parents.pop();
            }
        }
    }
}
