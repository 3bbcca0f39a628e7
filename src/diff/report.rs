//! A diff's result under the `[diff]` settings: ignored changes dropped, `version-not-bumped` added for
//! events whose declared `version:` did not move with a counted break, and the verdict (`compatible`).
//! [`render`] turns it into JSON, Markdown or diagnostics for the shared renderers.

pub mod render;

use super::change::{Breaks, Change, Rule};
use crate::config::{DiffConfig, DiffMode};
use crate::model::Catalog;

/// The outcome of `evdef diff`.
#[derive(Debug, Clone)]
pub struct Report {
    /// What NEW was compared against, as given (`main`, `../old-definitions`).
    pub against: String,
    /// Which directions count.
    pub mode: DiffMode,
    /// Every reported change, ignored ones removed.
    pub changes: Vec<Change>,
    /// Whether no change breaks a counted direction (and no version is left unbumped).
    pub compatible: bool,
}

/// Whether a change fails the run under `mode`.
pub fn counts(mode: DiffMode, change: &Change) -> bool {
    if change.rule == Rule::VersionNotBumped {
        return true;
    }
    let b = change.breaks;
    match mode {
        DiffMode::Backward => b.backward,
        DiffMode::Forward => b.forward,
        DiffMode::Full => b.any(),
        DiffMode::None => false,
    }
}

/// Whether an `ignore` entry (`rule-id` or `event:rule-id`) matches a change.
fn ignored(ignore: &[String], change: &Change) -> bool {
    ignore.iter().any(|entry| match entry.rsplit_once(':') {
        Some((event, rule)) => rule == change.rule.code() && change.event.as_deref() == Some(event),
        None => entry == change.rule.code(),
    })
}

/// Entries of `ignore` whose rule ID is unknown (a typo would otherwise silently ignore nothing).
pub fn unknown_ignores(ignore: &[String]) -> Vec<&str> {
    ignore
        .iter()
        .filter(|e| {
            let rule = e.rsplit_once(':').map_or(e.as_str(), |(_, r)| r);
            Rule::from_code(rule).is_none()
        })
        .map(String::as_str)
        .collect()
}

/// The next major version of a semantic version (`1.4.2` → `2.0.0`, `v3` → `4.0.0`), if it has a number.
pub fn next_major(version: &str) -> Option<String> {
    let major = version
        .trim()
        .trim_start_matches(['v', 'V'])
        .split('.')
        .next()?;
    let major: u64 = major.parse().ok()?;
    Some(format!("{}.0.0", major.checked_add(1)?))
}

impl Report {
    /// Apply `config` to the changes between `old` and `new`.
    pub fn new(
        against: impl Into<String>,
        changes: Vec<Change>,
        old: &Catalog,
        new: &Catalog,
        config: &DiffConfig,
        mode: DiffMode,
    ) -> Report {
        let kept: Vec<Change> = changes
            .into_iter()
            .filter(|c| !ignored(&config.ignore, c))
            .collect();
        let mut out = Vec::with_capacity(kept.len());
        let mut i = 0;
        // Changes arrive grouped by event: after each group, check its version.
        while i < kept.len() {
            let event = kept[i].event.clone();
            let end = kept[i..]
                .iter()
                .position(|c| c.event != event)
                .map_or(kept.len(), |n| i + n);
            let group = &kept[i..end];
            out.extend_from_slice(group);
            if let Some(extra) = version_not_bumped(event.as_deref(), group, old, new, mode)
                .filter(|c| !ignored(&config.ignore, c))
            {
                out.push(extra);
            }
            i = end;
        }
        let compatible = !out.iter().any(|c| counts(mode, c));
        Report {
            against: against.into(),
            mode,
            changes: out,
            compatible,
        }
    }
}

fn version_not_bumped(
    event: Option<&str>,
    group: &[Change],
    old: &Catalog,
    new: &Catalog,
    mode: DiffMode,
) -> Option<Change> {
    let name = event?;
    let (o, n) = (old.events.get(name)?, new.events.get(name)?);
    let version = n.version.as_deref()?;
    if o.version.as_deref() != Some(version) || !group.iter().any(|c| counts(mode, c)) {
        return None;
    }
    let suggested = next_major(version);
    let message = match &suggested {
        Some(next) => format!(
            "`{name}` has breaking changes but its version did not change: {version} → {next}"
        ),
        None => format!(
            "`{name}` has breaking changes but its version `{version}` did not change; bump its major version"
        ),
    };
    Some(Change {
        rule: Rule::VersionNotBumped,
        event: Some(name.to_owned()),
        path: None,
        breaks: Breaks::NONE,
        message,
        old: Some(o.name_span),
        new: Some(n.name_span),
        via: None,
        anchor: None,
        suggested_version: suggested,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_major_versions() {
        assert_eq!(next_major("1.4.2").as_deref(), Some("2.0.0"));
        assert_eq!(next_major("v3").as_deref(), Some("4.0.0"));
        assert_eq!(next_major("0.9").as_deref(), Some("1.0.0"));
        assert_eq!(next_major("beta"), None);
    }

    #[test]
    fn ignore_entries_match_rule_or_event_and_rule() {
        let change = Change {
            rule: Rule::ParameterRemoved,
            event: Some("order_completed".into()),
            path: Some("/coupon".into()),
            breaks: Breaks::BACKWARD,
            message: String::new(),
            old: None,
            new: None,
            via: None,
            anchor: None,
            suggested_version: None,
        };
        let yes = ["parameter-removed", "order_completed:parameter-removed"];
        let no = ["parameter-added", "other:parameter-removed"];
        for entry in yes {
            assert!(ignored(&[entry.to_string()], &change), "{entry}");
        }
        for entry in no {
            assert!(!ignored(&[entry.to_string()], &change), "{entry}");
        }
        let entries = ["parameter-removd".to_string(), "e:event-added".to_string()];
        assert_eq!(unknown_ignores(&entries), vec!["parameter-removd"]);
    }
}
