//! The diagnostic codes a project governs: every lint rule (from [`Rule::ALL`]) and every warning another
//! stage emits. Each can be set to `error`, `warn`, `info` or `off` in `[lint.rules]`, suppressed with an
//! `# evdef-ignore` comment and recorded in a baseline. Errors that mean the definitions cannot be compiled
//! (`yaml-syntax`, `unknown-type`, ...) are none of these: they must be fixed.

use super::config::{LintConfig, RuleLevel};
use crate::diagnostics::{Diagnostic, Severity};

use super::Rule;

/// Warnings emitted by the front end and the lint driver, not by a rule. A new `Severity::Warning`
/// diagnostic anywhere in evdef belongs here, so that projects can configure it.
pub const OTHER_WARNINGS: [&str; 4] = [
    "empty-file",
    "duplicate-fragment",
    "duplicate-anchor",
    "unused-suppression",
];

/// Every configurable code: the lint rules, then the other warnings.
pub fn configurable() -> impl Iterator<Item = &'static str> {
    Rule::ALL.iter().map(|r| r.code()).chain(OTHER_WARNINGS)
}

/// Whether `[lint.rules]`, suppressions and baselines may name `code`.
pub fn is_configurable(code: &str) -> bool {
    configurable().any(|c| c == code)
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
    fn unknown_codes_are_refused_with_a_suggestion() {
        assert_eq!(crate::lint::unknown_rule_message("empty-file"), None);
        let message = crate::lint::unknown_rule_message("empty-fil").unwrap_or_default();
        assert!(message.contains("did you mean `empty-file`?"), "{message}");
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
