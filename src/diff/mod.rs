//! Breaking-change detection: pairs the events and parameters of two **resolved** catalogs (so a moved
//! event or reordered keys are no change, and a fragment edit shows on every event that inherits it) and
//! records each difference as a [`Change`] with the directions it breaks ([`classify`]). [`report`] applies
//! `[diff]` settings and renders; [`revision`] loads the old side from git.

pub mod change;
pub mod classify;
mod constraints;
pub mod report;
pub mod revision;

pub use change::{Breaks, Change, Direction, Rule, Via};
pub use report::Report;

use crate::config::{AdditionalParameters, EnvelopeConfig};
use crate::model::{Catalog, Event, Parameter, Parameters, Schema, Type};
use crate::source::Span;

/// One side of a comparison: a catalog and the envelope its lines are validated with.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// The resolved catalog.
    pub catalog: &'a Catalog,
    /// The `[envelope]` of that side's `evdef.toml`.
    pub envelope: &'a EnvelopeConfig,
}

/// Every change from `old` to `new`: envelope changes first, then each event in NEW's order (its changes
/// in parameter order), then the removed events in OLD's order.
pub fn compare(old: Side<'_>, new: Side<'_>) -> Vec<Change> {
    let mut differ = Differ {
        old_model: old.envelope.additional_parameters,
        new_model: new.envelope.additional_parameters,
        event: None,
        changes: Vec::new(),
    };
    differ.envelope(old.envelope, new.envelope);
    for (name, n) in &new.catalog.events {
        differ.event = Some(name.clone());
        match old.catalog.events.get(name) {
            Some(o) => differ.event_pair(o, n),
            None => differ.push(
                Rule::EventAdded,
                None,
                Breaks::FORWARD,
                format!("event `{name}` added"),
                At::new_only(n.name_span, None),
            ),
        }
    }
    for (name, o) in &old.catalog.events {
        if !new.catalog.events.contains_key(name) {
            differ.event = Some(name.clone());
            differ.push(
                Rule::EventRemoved,
                None,
                Breaks::BACKWARD,
                format!("event `{name}` removed"),
                At::old_only(o.name_span, None),
            );
        }
    }
    differ.changes
}

/// Where a changed item is written on each side.
#[derive(Debug, Clone, Copy, Default)]
struct At {
    old: Option<Span>,
    new: Option<Span>,
    via: Option<Via>,
    anchor: Option<Span>,
}

impl At {
    fn both(old: Span, new: Span, via: Option<Via>) -> At {
        At {
            old: Some(old),
            new: Some(new),
            via,
            anchor: None,
        }
    }

    fn new_only(new: Span, via: Option<Via>) -> At {
        At {
            new: Some(new),
            via,
            ..At::default()
        }
    }

    fn old_only(old: Span, via: Option<Via>) -> At {
        At {
            old: Some(old),
            via,
            ..At::default()
        }
    }
}

/// The merge use site a parameter arrived through (the outermost `<<`).
fn via_of(p: &Parameter, old_side: bool) -> Option<Via> {
    p.origin.via.first().map(|step| Via {
        span: step.alias,
        old_side,
    })
}

struct Differ {
    old_model: AdditionalParameters,
    new_model: AdditionalParameters,
    event: Option<String>,
    changes: Vec<Change>,
}

/// A JSON pointer token.
fn pointer_token(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// A parameter path as messages show it: `location/lat`.
fn shown(path: &str) -> &str {
    path.strip_prefix('/').unwrap_or(path)
}

impl Differ {
    /// A parameter as messages name it, with its event (a fragment edit reaches several events):
    /// `` `location/lat` in `checked_in` ``.
    fn shown(&self, path: &str) -> String {
        format!(
            "`{}` in `{}`",
            shown(path),
            self.event.as_deref().unwrap_or_default()
        )
    }
}

impl Differ {
    fn push(&mut self, rule: Rule, path: Option<&str>, breaks: Breaks, message: String, at: At) {
        self.changes.push(Change {
            rule,
            event: self.event.clone(),
            path: path.map(str::to_owned),
            breaks,
            message,
            old: at.old,
            new: at.new,
            via: at.via,
            anchor: at.anchor,
            suggested_version: None,
        });
    }

    fn envelope(&mut self, old: &EnvelopeConfig, new: &EnvelopeConfig) {
        let at = At::default();
        for (key, a, b) in [
            ("name_field", &old.name_field, &new.name_field),
            ("payload_field", &old.payload_field, &new.payload_field),
        ] {
            if a != b {
                let message = format!("envelope `{key}` changed from {a:?} to {b:?}");
                self.push(Rule::ConstraintChanged, None, Breaks::BOTH, message, at);
            }
        }
        let (a, b) = (old.additional_parameters, new.additional_parameters);
        if a != b {
            let (rule, breaks) = match b {
                AdditionalParameters::Deny => (Rule::ConstraintTightened, Breaks::BACKWARD),
                AdditionalParameters::Allow => (Rule::ConstraintLoosened, Breaks::FORWARD),
            };
            let name = |m: AdditionalParameters| match m {
                AdditionalParameters::Deny => "deny",
                AdditionalParameters::Allow => "allow",
            };
            let message = format!(
                "envelope `additional_parameters` changed from `{}` to `{}`",
                name(a),
                name(b)
            );
            self.push(rule, None, breaks, message, at);
        }
    }

    fn event_pair(&mut self, o: &Event, n: &Event) {
        let at = At::both(o.name_span, n.name_span, None);
        let name = &n.name;
        if o.deprecated != n.deprecated {
            let message = match &n.deprecated {
                Some(reason) => format!("event `{name}` is deprecated: {reason}"),
                None => format!("event `{name}` is no longer deprecated"),
            };
            self.push(Rule::Deprecated, None, Breaks::NONE, message, at);
        }
        if o.description != n.description {
            let message = format!("description of event `{name}` changed");
            self.push(Rule::DocsChanged, None, Breaks::NONE, message, at);
        }
        if o.owner != n.owner {
            let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".into());
            let message = format!(
                "owner of event `{name}` changed from {} to {}",
                show(&o.owner),
                show(&n.owner)
            );
            self.push(Rule::DocsChanged, None, Breaks::NONE, message, at);
        }
        if o.tags != n.tags {
            let message = format!(
                "tags of event `{name}` changed from [{}] to [{}]",
                o.tags.join(", "),
                n.tags.join(", ")
            );
            self.push(Rule::DocsChanged, None, Breaks::NONE, message, at);
        }
        self.parameters("", &o.parameters, &n.parameters, n.name_span);
    }

    /// The parameters of an event (`prefix` empty) or the properties of an object parameter; `anchor` is
    /// where their owner is written on the new side (for removed parameters, which have no new span).
    fn parameters(&mut self, prefix: &str, old: &Parameters, new: &Parameters, anchor: Span) {
        let event = self.event.clone().unwrap_or_default();
        for (name, n) in new {
            let path = format!("{prefix}/{}", pointer_token(name));
            match old.get(name) {
                Some(o) => self.parameter(&path, o, n),
                None => {
                    let breaks = classify::parameter_added(n, self.old_model);
                    let kind = if n.required { "required" } else { "optional" };
                    let message = format!("{kind} parameter `{}` added to `{event}`", shown(&path));
                    let at = At::new_only(n.key_span, via_of(n, false));
                    self.push(Rule::ParameterAdded, Some(&path), breaks, message, at);
                }
            }
        }
        for (name, o) in old {
            if new.contains_key(name) {
                continue;
            }
            let path = format!("{prefix}/{}", pointer_token(name));
            let breaks = classify::parameter_removed(o, self.new_model);
            let kind = if o.required { "required" } else { "optional" };
            let message = format!("{kind} parameter `{}` removed from `{event}`", shown(&path));
            let at = At {
                anchor: Some(anchor),
                ..At::old_only(o.key_span, via_of(o, true))
            };
            self.push(Rule::ParameterRemoved, Some(&path), breaks, message, at);
        }
    }

    fn parameter(&mut self, path: &str, o: &Parameter, n: &Parameter) {
        let via = via_of(n, false).or_else(|| via_of(o, true));
        let at = At::both(o.key_span, n.key_span, via);
        let name = self.shown(path);
        if o.required != n.required {
            let (rule, breaks, message) = if n.required {
                (
                    Rule::NowRequired,
                    Breaks::BACKWARD,
                    format!("{name} is now required"),
                )
            } else {
                (
                    Rule::NowOptional,
                    Breaks::FORWARD,
                    format!("{name} is now optional"),
                )
            };
            self.push(rule, Some(path), breaks, message, at);
        }
        if o.deprecated != n.deprecated {
            let message = match &n.deprecated {
                Some(reason) => format!("{name} is deprecated: {reason}"),
                None => format!("{name} is no longer deprecated"),
            };
            self.push(Rule::Deprecated, Some(path), Breaks::NONE, message, at);
        }
        if o.description != n.description {
            let message = format!("description of {name} changed");
            self.push(Rule::DocsChanged, Some(path), Breaks::NONE, message, at);
        }
        if o.pii != n.pii || o.classification != n.classification {
            let show = |pii: Option<bool>, c: &Option<String>| match (pii, c) {
                (Some(true), Some(c)) => format!("pii ({c})"),
                (Some(true), None) => "pii".to_string(),
                (Some(false), _) => "not pii".to_string(),
                (None, _) => "unmarked".to_string(),
            };
            let message = format!(
                "personal-data mark of {name} changed from {} to {}",
                show(o.pii, &o.classification),
                show(n.pii, &n.classification)
            );
            self.push(Rule::DocsChanged, Some(path), Breaks::NONE, message, at);
        }
        self.schema(path, &o.schema, &n.schema, at);
    }

    /// Type, nullability and constraints of a value at `path`.
    fn schema(&mut self, path: &str, o: &Schema, n: &Schema, at: At) {
        let name = self.shown(path);
        if o.description != n.description {
            let message = format!("description of {name} changed");
            self.push(Rule::DocsChanged, Some(path), Breaks::NONE, message, at);
        }
        let (on, nn) = (classify::accepts_null(o), classify::accepts_null(n));
        if on != nn {
            let (rule, breaks, message) = if nn {
                (
                    Rule::NowNullable,
                    Breaks::FORWARD,
                    format!("{name} now accepts null"),
                )
            } else {
                let message = format!("{name} no longer accepts null");
                (Rule::NoLongerNullable, Breaks::BACKWARD, message)
            };
            self.push(rule, Some(path), breaks, message, at);
        }
        match (&o.ty, &n.ty) {
            (Type::Object(a), Type::Object(b)) => {
                self.parameters(path, a, b, at.new.unwrap_or_default())
            }
            (Type::Array(a), Type::Array(b)) => self.schema(&format!("{path}/items"), a, b, at),
            (Type::Map(a), Type::Map(b)) => self.schema(&format!("{path}/values"), a, b, at),
            (a, b) if a.name() != b.name() => {
                let (rule, breaks) = classify::type_change(a, b);
                let verb = match rule {
                    Rule::TypeWidened => "widened",
                    Rule::TypeNarrowed => "narrowed",
                    _ => "changed",
                };
                let message = format!(
                    "type of {name} {verb} from `{}` to `{}`",
                    a.display(),
                    b.display()
                );
                self.push(rule, Some(path), breaks, message, at);
                if rule == Rule::TypeChanged {
                    // Every value may be rejected already; constraints of another type say nothing more.
                    return;
                }
            }
            _ => {}
        }
        self.constraints(path, o, n, at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceFile, SourceMap};

    fn catalog(text: &str) -> Catalog {
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new("e.yaml", "e.yaml", text));
        crate::compile_sources(sources).catalog
    }

    /// Envelope changes concern every event (`event: None`); the content model moves one way or the other.
    #[test]
    fn envelope_changes() {
        let c = catalog("e:\n  parameters:\n    x: integer\n");
        let deny = EnvelopeConfig::default();
        let allow = EnvelopeConfig {
            additional_parameters: AdditionalParameters::Allow,
            ..EnvelopeConfig::default()
        };
        let renamed = EnvelopeConfig {
            name_field: "name".into(),
            ..EnvelopeConfig::default()
        };
        let side = |envelope| Side {
            catalog: &c,
            envelope,
        };
        let summary = |old, new| -> Vec<(Rule, Breaks, Option<String>)> {
            compare(side(old), side(new))
                .into_iter()
                .map(|c| (c.rule, c.breaks, c.event))
                .collect()
        };
        assert_eq!(
            summary(&deny, &allow),
            [(Rule::ConstraintLoosened, Breaks::FORWARD, None)]
        );
        assert_eq!(
            summary(&allow, &deny),
            [(Rule::ConstraintTightened, Breaks::BACKWARD, None)]
        );
        assert_eq!(
            summary(&deny, &renamed),
            [(Rule::ConstraintChanged, Breaks::BOTH, None)]
        );
        assert!(summary(&deny, &deny).is_empty());
    }
}
