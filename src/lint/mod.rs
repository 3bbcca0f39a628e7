//! Lint: rules over the resolved catalog that catch sloppy definitions (clashing merges, type-changing
//! overrides, missing descriptions, names off the convention) and look across the whole catalog
//! (inconsistent or unmarked personal parameters, unused fragments, redundant overrides, enum case,
//! description quality, oversized events). One rule per file under `rules/`; the [`Rule`] enum lists
//! them with their codes and default severities.

pub mod baseline;
pub mod codes;
pub mod config;
mod rules;
mod run;
pub mod suppress;

use crate::diagnostics::{Diagnostic, Severity};
use crate::model::{Catalog, Parameter, Type};
use config::LintConfig;

pub use rules::{
    DescriptionQuality, EnumValueCase, EventWithoutDescription, InconsistentParameter,
    MergeConflict, NameOffConvention, OverrideTypeChange, PiiParameter, RedundantOverride,
    TooManyParameters, UnusedFragment,
};

/// The default naming convention: `snake_case`.
pub const DEFAULT_NAMING: &str = "^[a-z][a-z0-9]*(_[a-z0-9]+)*$";

/// Every lint rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// `merge-conflict`: see [`MergeConflict`].
    MergeConflict,
    /// `override-type-change`: see [`OverrideTypeChange`].
    OverrideTypeChange,
    /// `missing-description`: see [`EventWithoutDescription`].
    MissingDescription,
    /// `naming-convention`: see [`NameOffConvention`].
    NamingConvention,
    /// `inconsistent-parameter`: see [`InconsistentParameter`].
    InconsistentParameter,
    /// `unused-fragment`: see [`UnusedFragment`].
    UnusedFragment,
    /// `pii-parameter`: see [`PiiParameter`].
    PiiParameter,
    /// `redundant-override`: see [`RedundantOverride`].
    RedundantOverride,
    /// `enum-value-case`: see [`EnumValueCase`].
    EnumValueCase,
    /// `description-quality`: see [`DescriptionQuality`].
    DescriptionQuality,
    /// `too-many-parameters`: see [`TooManyParameters`].
    TooManyParameters,
}

impl Rule {
    /// All rules, in the order they run.
    pub const ALL: [Rule; 11] = [
        Rule::MergeConflict,
        Rule::OverrideTypeChange,
        Rule::MissingDescription,
        Rule::NamingConvention,
        Rule::InconsistentParameter,
        Rule::UnusedFragment,
        Rule::PiiParameter,
        Rule::RedundantOverride,
        Rule::EnumValueCase,
        Rule::DescriptionQuality,
        Rule::TooManyParameters,
    ];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Rule::MergeConflict => "merge-conflict",
            Rule::OverrideTypeChange => "override-type-change",
            Rule::MissingDescription => "missing-description",
            Rule::NamingConvention => "naming-convention",
            Rule::InconsistentParameter => "inconsistent-parameter",
            Rule::UnusedFragment => "unused-fragment",
            Rule::PiiParameter => "pii-parameter",
            Rule::RedundantOverride => "redundant-override",
            Rule::EnumValueCase => "enum-value-case",
            Rule::DescriptionQuality => "description-quality",
            Rule::TooManyParameters => "too-many-parameters",
        }
    }

    /// Severity unless `[lint.rules]` says otherwise.
    pub fn default_severity(self) -> Severity {
        Severity::Warning
    }

    /// The rule's documentation (`evdef check --explain CODE`).
    pub fn explanation(self) -> &'static str {
        match self {
            Rule::MergeConflict => rules::merge_conflict::EXPLANATION,
            Rule::OverrideTypeChange => rules::override_type_change::EXPLANATION,
            Rule::MissingDescription => rules::missing_description::EXPLANATION,
            Rule::NamingConvention => rules::naming_convention::EXPLANATION,
            Rule::InconsistentParameter => rules::inconsistent_parameter::EXPLANATION,
            Rule::UnusedFragment => rules::unused_fragment::EXPLANATION,
            Rule::PiiParameter => rules::pii_parameter::EXPLANATION,
            Rule::RedundantOverride => rules::redundant_override::EXPLANATION,
            Rule::EnumValueCase => rules::enum_value_case::EXPLANATION,
            Rule::DescriptionQuality => rules::description_quality::EXPLANATION,
            Rule::TooManyParameters => rules::too_many_parameters::EXPLANATION,
        }
    }

    /// The rule with this code.
    pub fn from_code(code: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// Why `code` cannot appear in `[lint.rules]`, or `None` when it names a rule there (checked when
/// `evdef.toml` is read).
pub fn unknown_rule_message(code: &str) -> Option<String> {
    if codes::is_configurable(code) {
        return None;
    }
    let known: Vec<&str> = codes::configurable().collect();
    let hint = crate::diagnostics::did_you_mean(code, known.iter().copied())
        .map(|s| format!("did you mean `{s}`? "))
        .unwrap_or_default();
    Some(format!(
        "`[lint.rules]` names unknown rule `{code}`; {hint}known rules: {}",
        known.join(", ")
    ))
}

/// Run every enabled rule, at its configured severity (the parameter rules share one walk: see `run`).
pub fn check(catalog: &Catalog, config: &LintConfig, diagnostics: &mut Vec<Diagnostic>) {
    run::check(catalog, config, diagnostics);
}

/// What a project decided about the findings of `evdef check`, applied after every stage has reported:
/// `[lint.rules]` levels for the warnings of all stages, then `# evdef-ignore` suppressions (with
/// `invalid-suppression` and `unused-suppression`). Diagnostics end sorted.
pub fn apply_policy(
    sources: &crate::source::SourceMap,
    config: &LintConfig,
    diagnostics: &mut Vec<Diagnostic>,
) {
    codes::apply_levels(config, diagnostics);
    suppress::apply(sources, config, diagnostics);
    crate::diagnostics::sort_and_dedup(diagnostics);
}

/// A parameter and where it sits: its event or fragment and the object parameters above it.
pub(crate) struct Located<'c, 'p> {
    owner: &'c str,
    parents: &'p [&'c str],
    /// The parameter.
    pub param: &'c Parameter,
}

impl Located<'_, '_> {
    /// A display path such as `api_created_check_in.location.lat` (built only for messages).
    pub fn path(&self) -> String {
        let mut path = self.owner.to_string();
        for part in self.parents.iter().chain([&self.param.name.as_str()]) {
            path.push('.');
            path.push_str(part);
        }
        path
    }
}

/// Visit every parameter of the catalog (events and fragments, nested properties included), without
/// collecting them: a large catalog holds hundreds of thousands. Events are visited in parallel chunks;
/// what `f` reports is appended to `out` in catalog order. Inherited parameters that override nothing are
/// skipped, and the properties of a shared definition are walked once per chunk (see `run::walk`).
pub(crate) fn for_each_parameter<'c, F>(catalog: &'c Catalog, out: &mut Vec<Diagnostic>, f: F)
where
    F: Fn(&Located<'c, '_>, &mut Vec<Diagnostic>) + Sync,
{
    let (mut found, _) = run::walk(catalog, &[&f], None);
    out.extend(found.pop().into_iter().flatten());
}

/// The paths of every event's parameters with every place, as `inconsistent-parameter` compares them
/// (collected in parallel chunks, in catalog order: see `run::walk`).
pub(crate) fn parameter_paths(catalog: &Catalog) -> rules::inconsistent_parameter::Paths<'_> {
    use rules::inconsistent_parameter::Paths;
    run::walk(catalog, &[], Some(Paths::default))
        .1
        .unwrap_or_default()
}

/// The shared merges a walk has met whole ([`crate::model::EventParameters::parts`]), so that the next
/// events that hold one show only what is written in them.
#[derive(Default)]
pub(crate) struct WalkedMerges(rustc_hash::FxHashSet<usize>);

impl WalkedMerges {
    /// What a walk over `params` has not met yet, in order, each with the merge step its provenance
    /// lacks (as [`crate::model::EventParameters::each`] gives them): every parameter, or only those
    /// written in the event when it holds a merge met whole before. A merge is met whole at an event
    /// that replaces none of its parameters.
    pub(crate) fn unmet<'c>(
        &mut self,
        params: &'c crate::model::EventParameters,
    ) -> impl Iterator<
        Item = (
            &'c Parameter,
            Option<&'c std::sync::Arc<crate::model::Inherit>>,
        ),
    > + use<'c> {
        use rayon::iter::Either;
        if let Some(parts) = params.parts() {
            let merge = std::sync::Arc::as_ptr(parts.shared).addr();
            if self.0.contains(&merge) {
                return Either::Left(parts.own().map(|p| (p, None)));
            }
            if parts.replaced.is_empty() {
                self.0.insert(merge);
            }
        }
        Either::Right(params.each())
    }
}

/// How closely [`same_parameter`] compares two definitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Likeness {
    /// What a consumer would notice: requiredness, type, nullability and constraints, nested properties
    /// included.
    Consumer,
    /// Word for word: also names, descriptions, deprecation, `pii` and classification (but not where
    /// they are written).
    Written,
}

/// Whether two definitions of a parameter differ in anything a consumer would notice.
pub(crate) fn differs(a: &Parameter, b: &Parameter) -> bool {
    !same_parameter(a, b, Likeness::Consumer)
}

/// Whether two definitions of a parameter are the same, as closely as `how` says.
pub(crate) fn same_parameter(a: &Parameter, b: &Parameter, how: Likeness) -> bool {
    let written = || {
        a.name == b.name
            && a.description == b.description
            && a.deprecated == b.deprecated
            && a.pii == b.pii
            && a.classification == b.classification
    };
    a.required == b.required
        && (how == Likeness::Consumer || written())
        && same_schema(&a.schema, &b.schema, how)
}

fn same_schema(a: &crate::model::Schema, b: &crate::model::Schema, how: Likeness) -> bool {
    if a.nullable != b.nullable
        || a.constraints != b.constraints
        || (how == Likeness::Written && a.description != b.description)
    {
        return false;
    }
    match (&a.ty, &b.ty) {
        (Type::Object(x), Type::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((kx, px), (ky, py))| kx == ky && same_parameter(px, py, how))
        }
        (Type::Array(x), Type::Array(y)) | (Type::Map(x), Type::Map(y)) => same_schema(x, y, how),
        (x, y) => x.name() == y.name(),
    }
}

/// A short form of a parameter's definition for messages: `string?`, `integer | null`, `uuid[]`.
pub(crate) fn describe(p: &Parameter) -> String {
    let mut s = p.schema.ty.display();
    if p.schema.nullable {
        s.push_str(" | null");
    }
    if !p.required {
        s.push_str(" (optional)");
    }
    s
}
