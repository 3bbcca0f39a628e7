//! The diagnostic codes a project governs: every lint rule (from [`Rule::ALL`]) and every warning another
//! stage emits. Each can be set to `error`, `warn`, `info` or `off` in `[lint.rules]`, suppressed with an
//! `# evdef-ignore` comment and recorded in a baseline. Errors that mean the definitions cannot be compiled
//! (`yaml-syntax`, `unknown-type`, ...) are none of these: they must be fixed.

use crate::config::{LintConfig, RuleLevel};
use crate::diagnostics::{Diagnostic, Severity, did_you_mean};

use super::Rule;

/// A warning emitted outside the lint rules, with its documentation (`evdef check --explain CODE`).
#[derive(Debug, Clone, Copy)]
pub struct OtherWarning {
    /// The stable code.
    pub code: &'static str,
    /// What it means and how to silence it, in Markdown.
    pub explanation: &'static str,
}

/// Warnings emitted by the front end and the lint driver, not by a rule. A new `Severity::Warning`
/// diagnostic anywhere in evdef belongs here, so that projects can configure it.
pub const OTHER_WARNINGS: [OtherWarning; 4] = [
    OtherWarning {
        code: "empty-file",
        explanation: "## What it does\nReports a definitions file that defines no event and no fragment \
            (empty, or only comments).\n\n## Why is this bad?\nAn empty file is usually a leftover or a \
            file whose content was lost.\n\n## Example\nA `definitions/old.yaml` that holds only `# TODO`.\n",
    },
    OtherWarning {
        code: "duplicate-fragment",
        explanation: "## What it does\nReports a fragment name (`.name:`) defined twice.\n\n## Why is this \
            bad?\nOnly one definition can be the fragment; the other is silently unused.\n\n## Example\n\
            ```yaml\n.user: &user\n  user_id: integer\n.user: &user2\n  user_id: string\n```\n",
    },
    OtherWarning {
        code: "duplicate-anchor",
        explanation: "## What it does\nReports an anchor defined in more than one prelude (`_*.yaml`).\n\n\
            ## Why is this bad?\nPrelude anchors are visible in every file; the later definition wins, \
            so which one an alias means depends on file names.\n\n## Example\n`_a.yaml` and `_b.yaml` \
            both define `&user`.\n",
    },
    OtherWarning {
        code: "unused-suppression",
        explanation: "## What it does\nReports an `# evdef-ignore: CODE -- reason` comment (or one code in \
            it) that suppresses nothing on its line or the line below.\n\n## Why is this bad?\nA stale \
            suppression would silently hide the next real finding at that place.\n\n## Example\n\
            ```yaml\n# evdef-ignore: missing-description -- legacy event\nlegacy_event:\n  description: \
            now described\n```\n",
    },
];

/// Documentation of `invalid-suppression`, which is an error and not configurable.
pub const INVALID_SUPPRESSION: &str = "## What it does\nReports an `# evdef-ignore` comment that cannot \
    be understood: no `:`, no code, an unknown code, or no reason after ` -- `.\n\n## Why is this bad?\n\
    Every suppression must say which finding it hides and why, so a reviewer can judge it. An invalid \
    suppression suppresses nothing.\n\n## Example\n```yaml\n# evdef-ignore: missing-description -- \
    predates the description policy\nlegacy_event: {}\n```\n";

/// Every configurable code: the lint rules, then the other warnings.
pub fn configurable() -> impl Iterator<Item = &'static str> {
    Rule::ALL
        .iter()
        .map(|r| r.code())
        .chain(OTHER_WARNINGS.iter().map(|w| w.code))
}

/// Whether `[lint.rules]`, suppressions and baselines may name `code`.
pub fn is_configurable(code: &str) -> bool {
    configurable().any(|c| c == code)
}

/// The documentation of a configurable code that is not a lint rule (rules have [`Rule::explanation`]).
pub fn explanation(code: &str) -> Option<&'static str> {
    if code == "invalid-suppression" {
        return Some(INVALID_SUPPRESSION);
    }
    OTHER_WARNINGS
        .iter()
        .find(|w| w.code == code)
        .map(|w| w.explanation)
}

/// The severity `config` gives `code`, `None` when it is `off`, `default` when it does not mention it.
pub fn configured(config: &LintConfig, code: &str, default: Severity) -> Option<Severity> {
    match config.rules.get(code) {
        Some(RuleLevel::Off) => None,
        Some(RuleLevel::Error) => Some(Severity::Error),
        Some(RuleLevel::Warn) => Some(Severity::Warning),
        Some(RuleLevel::Info) => Some(Severity::Info),
        None => Some(default),
    }
}

/// An `unknown-rule` error for each code in `[lint.rules]` that is not configurable (with the known codes
/// and a did-you-mean): the one check of rule codes, for every command that reads the configuration.
pub fn check_rule_codes(config: &LintConfig) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for code in config.rules.keys() {
        if is_configurable(code) {
            continue;
        }
        let known: Vec<&str> = configurable().collect();
        let mut d = Diagnostic::global(
            Severity::Error,
            "unknown-rule",
            format!("`[lint.rules]` names unknown rule `{code}`"),
        )
        .with_help(format!("known rules: {}", known.join(", ")));
        if let Some(s) = did_you_mean(code, known.iter().copied()) {
            d = d.with_help(format!("did you mean `{s}`?"));
        }
        found.push(d);
    }
    found
}

/// Give every diagnostic with a configurable code its configured severity, and drop those set to `off`.
/// Lint rules already run at their level; this covers the warnings of the other stages.
pub fn apply_levels(config: &LintConfig, diagnostics: &mut Vec<Diagnostic>) {
    if config.rules.is_empty() {
        return;
    }
    diagnostics.retain_mut(|d| {
        if !config.rules.contains_key(d.code) || !is_configurable(d.code) {
            return true;
        }
        match configured(config, d.code, d.severity) {
            Some(severity) => {
                d.severity = severity;
                true
            }
            None => false,
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn config(pairs: &[(&str, RuleLevel)]) -> LintConfig {
        LintConfig {
            rules: pairs.iter().map(|(c, l)| (c.to_string(), *l)).collect(),
            ..LintConfig::default()
        }
    }

    #[test]
    fn every_rule_and_other_warning_is_configurable_once() {
        let all: Vec<&str> = configurable().collect();
        let unique: std::collections::BTreeSet<&str> = all.iter().copied().collect();
        assert_eq!(all.len(), unique.len(), "{all:?}");
        for rule in Rule::ALL {
            assert!(is_configurable(rule.code()));
        }
        assert!(is_configurable("empty-file"));
        assert!(!is_configurable("unknown-type"));
    }

    #[test]
    fn unknown_codes_are_errors_with_a_suggestion() {
        let found = check_rule_codes(&config(&[
            ("empty-fil", RuleLevel::Off),
            ("empty-file", RuleLevel::Off),
        ]));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, "unknown-rule");
        assert_eq!(found[0].help.as_deref(), Some("did you mean `empty-file`?"));
    }

    #[test]
    fn levels_change_severity_or_drop() {
        let span = Span::new(0, 0..0);
        let mut diagnostics = vec![
            Diagnostic::warning("empty-file", "a", span),
            Diagnostic::warning("duplicate-fragment", "b", span),
            Diagnostic::error("unknown-type", "c", span),
        ];
        apply_levels(
            &config(&[
                ("empty-file", RuleLevel::Off),
                ("duplicate-fragment", RuleLevel::Error),
                ("unknown-type", RuleLevel::Off),
            ]),
            &mut diagnostics,
        );
        let left: Vec<_> = diagnostics.iter().map(|d| (d.code, d.severity)).collect();
        assert_eq!(
            left,
            vec![
                ("duplicate-fragment", Severity::Error),
                ("unknown-type", Severity::Error)
            ]
        );
    }

    /// Every warning written in the source (a `warning` constructor or `Severity::Warning` followed by a
    /// literal code) has a configurable code: a new warning must be added to [`OTHER_WARNINGS`].
    #[test]
    fn every_warning_in_the_source_is_configurable() {
        fn visit(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    visit(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    // Built at run time so that this test's own text does not match.
                    let patterns = [
                        ["Diagnostic::warning", "("].concat(),
                        ["Severity::Warning", ","].concat(),
                    ];
                    for pattern in &patterns {
                        for (at, _) in text.match_indices(pattern.as_str()) {
                            let rest = text[at + pattern.len()..].trim_start();
                            if let Some(rest) = rest.strip_prefix('"') {
                                let code = &rest[..rest.find('"').unwrap()];
                                out.push((path.display().to_string(), code.to_string()));
                            }
                        }
                    }
                }
            }
        }
        let mut found = Vec::new();
        visit(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut found,
        );
        assert!(found.iter().any(|(_, c)| c == "empty-file"), "{found:?}");
        assert!(
            found.iter().any(|(_, c)| c == "duplicate-anchor"),
            "{found:?}"
        );
        for (file, code) in found {
            assert!(
                is_configurable(&code),
                "{file}: warning `{code}` is not configurable"
            );
        }
    }
}
