//! `naming-convention`: event and parameter names must match `[lint] naming`.

use crate::diagnostics::Diagnostic;
use crate::model::Catalog;

#[doc = include_str!("naming_convention.md")]
pub struct NameOffConvention {
    pattern: fancy_regex::Regex,
}

/// The rule's documentation.
pub const EXPLANATION: &str = include_str!("naming_convention.md");

impl NameOffConvention {
    /// The rule with the configured pattern.
    pub fn new(pattern: fancy_regex::Regex) -> Self {
        NameOffConvention { pattern }
    }

    fn matches(&self, name: &str) -> bool {
        // A pattern that fails at run time (backtracking limit) is not the user's naming mistake.
        self.pattern.is_match(name).unwrap_or(true)
    }

    /// Run the rule.
    pub fn check(&self, catalog: &Catalog, out: &mut Vec<Diagnostic>) {
        let help = format!("names must match `{}`", self.pattern.as_str());
        for event in catalog.events.values() {
            if !self.matches(&event.name) {
                out.push(
                    Diagnostic::warning(
                        "naming-convention",
                        format!(
                            "event name `{}` does not follow the naming convention",
                            event.name
                        ),
                        event.name_span,
                    )
                    .with_label(format!("try `{}`", heck::AsSnakeCase(&event.name)))
                    .with_help(help.clone()),
                );
            }
        }
        // Parameters are reported where they are written, once, even when inherited by many events.
        super::super::for_each_parameter(catalog, out, |located, out| {
            let p = located.param;
            if !p.origin.is_inherited() && !self.matches(&p.name) {
                out.push(
                    Diagnostic::warning(
                        "naming-convention",
                        format!(
                            "parameter name `{}` (`{}`) does not follow the naming convention",
                            p.name,
                            located.path()
                        ),
                        p.origin.key,
                    )
                    .with_label(format!("try `{}`", heck::AsSnakeCase(&p.name)))
                    .with_help(help.clone()),
                );
            }
        });
    }
}
