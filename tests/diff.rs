//! `diff` fixtures: `tests/fixtures/diff/<case>/{before,after}/` compared under both content models
//! (`additional_parameters = deny` and `allow`), one JSON snapshot per case, and every predicted break
//! checked against the concrete witness line in `<case>/witnesses.json` with the real validator.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use evdef::config::{AdditionalParameters, DiffConfig, DiffMode, EnvelopeConfig};
use evdef::diff::report::render::{self, Sources};
use evdef::diff::{self, Change, Direction, Report, Rule, Side};
use evdef::validate::Validator;
use evdef::{Compiled, Options};
use serde_json::{Value, json};

fn compile(dir: &Path) -> Compiled {
    let compiled = evdef::compile(&Options::new().with_path(dir)).unwrap();
    assert!(
        !compiled.has_errors(),
        "{}: {:?}",
        dir.display(),
        compiled.diagnostics
    );
    compiled
}

fn envelope(model: AdditionalParameters) -> EnvelopeConfig {
    EnvelopeConfig {
        additional_parameters: model,
        ..EnvelopeConfig::default()
    }
}

/// Whether the line is accepted by the validator.
fn accepts(validator: &Validator, line: &Value) -> bool {
    validator.validate_value(line).status.is_accepted()
}

/// The witness key of a change: `rule path`, or `rule path@event` when the case names the event.
fn witness<'a>(witnesses: &'a Value, change: &Change) -> Option<&'a Value> {
    let base = format!(
        "{} {}",
        change.rule.code(),
        change.path.as_deref().unwrap_or("-")
    );
    let event = change.event.as_deref().unwrap_or("-");
    witnesses
        .get(format!("{base}@{event}"))
        .or_else(|| witnesses.get(&base))
}

fn check_witnesses(
    case: &str,
    model: &str,
    changes: &[Change],
    witnesses: &Value,
    v: [&Validator; 2],
) {
    let [old, new] = v;
    let mut used = 0;
    for change in changes {
        for direction in change.breaks.directions() {
            let line = witness(witnesses, change)
                .and_then(|w| w.get(direction.as_str()))
                .unwrap_or_else(|| {
                    panic!(
                        "{case} ({model}): no {} witness for {} {:?}",
                        direction.as_str(),
                        change.rule.code(),
                        change.path
                    )
                });
            used += 1;
            let (valid_on, invalid_on) = match direction {
                Direction::Backward => (old, new),
                Direction::Forward => (new, old),
            };
            assert!(
                accepts(valid_on, line) && !accepts(invalid_on, line),
                "{case} ({model}): {line} does not witness a {} break of {}",
                direction.as_str(),
                change.rule.code()
            );
        }
    }
    let written: usize = witnesses
        .as_object()
        .unwrap()
        .values()
        .map(|w| w.as_object().unwrap().len())
        .sum();
    assert_eq!(
        used, written,
        "{case} ({model}): a witness shows a break the classification does not predict"
    );
}

#[test]
fn fixtures() {
    let root = Path::new("tests/fixtures/diff");
    let mut cases: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    assert!(cases.len() >= Rule::ALL.len(), "a fixture per rule");
    for case in cases {
        let dir = root.join(&case);
        let (old, new) = (compile(&dir.join("before")), compile(&dir.join("after")));
        let witnesses: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("witnesses.json")).unwrap())
                .unwrap();
        let mut snapshot = serde_json::Map::new();
        for (name, model) in [
            ("deny", AdditionalParameters::Deny),
            ("allow", AdditionalParameters::Allow),
        ] {
            let env = envelope(model);
            let changes = diff::compare(side(&old, &env), side(&new, &env));
            let validators = [
                Validator::new(&old.catalog, &env).unwrap(),
                Validator::new(&new.catalog, &env).unwrap(),
            ];
            check_witnesses(
                &case,
                name,
                &changes,
                &witnesses[name],
                [&validators[0], &validators[1]],
            );
            // `version-not-bumped` comes from the report, checked below.
            if let Some(rule) = Rule::from_code(&case).filter(|r| *r != Rule::VersionNotBumped) {
                assert!(
                    changes.iter().any(|c| c.rule == rule),
                    "{case} ({name}): the case's rule is not reported"
                );
            }
            let report = Report::new(
                "before",
                changes,
                &old.catalog,
                &new.catalog,
                &DiffConfig::default(),
                DiffMode::Backward,
            );
            let sources = Sources {
                old: &old.catalog.sources,
                new: &new.catalog.sources,
            };
            if rule_is(&case, Rule::VersionNotBumped) {
                let bumped = report
                    .changes
                    .iter()
                    .any(|c| c.rule == Rule::VersionNotBumped);
                // Under `allow`, removing an optional parameter breaks only forward: no bump is needed.
                assert_eq!(
                    bumped,
                    model == AdditionalParameters::Deny,
                    "{case} ({name})"
                );
            }
            snapshot.insert(name.into(), render::json(&report, sources));
        }
        insta::assert_json_snapshot!(format!("diff-{case}"), Value::Object(snapshot));
    }
}

fn rule_is(case: &str, rule: Rule) -> bool {
    case == rule.code()
}

fn side<'a>(compiled: &'a Compiled, envelope: &'a EnvelopeConfig) -> Side<'a> {
    Side {
        catalog: &compiled.catalog,
        envelope,
    }
}

/// A change on a fragment is reported on every event that inherits it, with spans in the prelude on both
/// sides and the `<<` use site as `via`.
#[test]
fn fragment_edit_reaches_every_event_with_prelude_spans() {
    let dir = Path::new("tests/fixtures/diff/inherited-fragment-edit");
    let (old, new) = (compile(&dir.join("before")), compile(&dir.join("after")));
    let env = EnvelopeConfig::default();
    let changes = diff::compare(side(&old, &env), side(&new, &env));
    let report = Report::new(
        "before",
        changes,
        &old.catalog,
        &new.catalog,
        &DiffConfig::default(),
        DiffMode::Full,
    );
    let sources = Sources {
        old: &old.catalog.sources,
        new: &new.catalog.sources,
    };
    let v = render::json(&report, sources);
    let events: Vec<&str> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            assert!(
                c["old"]["file"]
                    .as_str()
                    .unwrap()
                    .ends_with("before/_common.yaml")
            );
            assert!(
                c["new"]["file"]
                    .as_str()
                    .unwrap()
                    .ends_with("after/_common.yaml")
            );
            assert!(
                c["via"]["file"]
                    .as_str()
                    .unwrap()
                    .ends_with("after/events.yaml")
            );
            c["event"].as_str().unwrap()
        })
        .collect();
    assert_eq!(events, ["checked_in", "signed_up"]);
    assert_eq!(v["compatible"], json!(false));
}
