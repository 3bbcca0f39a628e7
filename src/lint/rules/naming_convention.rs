//! `naming-convention`: event and parameter names must match `[lint] naming`.

use crate::diagnostics::{Diagnostic, Suggestion};
use crate::lint::Located;
use crate::model::Catalog;
use crate::source::Span;

#[doc = include_str!("naming_convention.md")]
pub struct NameOffConvention {
    pattern: fancy_regex::Regex,
    /// Whether the pattern is [`crate::lint::DEFAULT_NAMING`], checked by hand (see [`Self::matches`]).
    default: bool,
}

/// The rule's documentation.
pub const EXPLANATION: &str = include_str!("naming_convention.md");

impl NameOffConvention {
    /// The rule with the configured pattern.
    pub fn new(pattern: fancy_regex::Regex) -> Self {
        let default = pattern.as_str() == crate::lint::DEFAULT_NAMING;
        NameOffConvention { pattern, default }
    }

    fn matches(&self, name: &str) -> bool {
        // The default convention is checked by hand: it runs on every parameter written, and a regex
        // search per name is most of this rule's time on a large catalog.
        if self.default {
            return is_snake_case(name);
        }
        // A pattern that fails at run time (backtracking limit) is not the user's naming mistake.
        self.pattern.is_match(name).unwrap_or(true)
    }

    /// A name that follows the convention, derived from `name`: its words in snake_case, camelCase,
    /// PascalCase, kebab-case, SCREAMING_SNAKE_CASE or lowercase, first as written, then with accents
    /// removed (`événement` → `evenement`). `None` when no such spelling matches the pattern (a CJK name
    /// under an ASCII convention): a suggestion that breaks the rule again would be worse than none.
    pub fn suggestion(&self, name: &str) -> Option<String> {
        use heck::{
            ToKebabCase, ToLowerCamelCase, ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase,
        };
        use unicode_normalization::UnicodeNormalization;
        let folded: String = name
            .nfd()
            .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
            .collect();
        [name.to_string(), folded]
            .iter()
            .flat_map(|n| {
                [
                    n.to_snake_case(),
                    n.to_lower_camel_case(),
                    n.to_upper_camel_case(),
                    n.to_kebab_case(),
                    n.to_shouty_snake_case(),
                    n.to_lowercase(),
                ]
            })
            .find(|candidate| {
                candidate != name && self.pattern.is_match(candidate).unwrap_or(false)
            })
    }

    fn label(&self, name: &str) -> String {
        match self.suggestion(name) {
            Some(s) => format!("try `{s}`"),
            None => "rename it to match the pattern".to_string(),
        }
    }

    /// The suggested name as a replacement of the name where it is written at `span`.
    fn fix(&self, catalog: &Catalog, name: &str, span: Span) -> Option<Suggestion> {
        let written = catalog.sources.get(span.file).slice(span);
        Some(Suggestion {
            span: Suggestion::word_span(written, span, name)?,
            replacement: self.suggestion(name)?,
        })
    }

    /// The help of every finding.
    fn help(&self) -> String {
        format!("names must match `{}`", self.pattern.as_str())
    }

    /// Run the rule.
    pub fn check(&self, catalog: &Catalog, out: &mut Vec<Diagnostic>) {
        self.check_events(catalog, out);
        // Parameters are reported where they are written, once, even when inherited by many events.
        super::super::for_each_parameter(catalog, out, |located, out| {
            self.visit(catalog, located, out)
        });
    }

    /// The rule on event names (parameters are [`Self::visit`]'s).
    pub(crate) fn check_events(&self, catalog: &Catalog, out: &mut Vec<Diagnostic>) {
        for event in catalog.events.values() {
            if !self.matches(&event.name) {
                let mut d = Diagnostic::warning(
                    "naming-convention",
                    format!(
                        "event name `{}` does not follow the naming convention",
                        event.name
                    ),
                    event.name_span,
                )
                .with_label(self.label(&event.name))
                .with_help(self.help());
                d.suggestion = self.fix(catalog, &event.name, event.name_span);
                out.push(d);
            }
        }
    }

    /// One parameter's findings: [`Self::check`] runs it on every parameter; `lint::check` runs it in
    /// the one walk over the catalog's parameters that the parameter rules share.
    pub(crate) fn visit(
        &self,
        catalog: &Catalog,
        located: &Located<'_, '_>,
        out: &mut Vec<Diagnostic>,
    ) {
        let p = located.param;
        if !p.origin.is_inherited() && !self.matches(&p.name) {
            let mut d = Diagnostic::warning(
                "naming-convention",
                format!(
                    "parameter name `{}` (`{}`) does not follow the naming convention",
                    p.name,
                    located.path()
                ),
                p.key_span,
            )
            .with_label(self.label(&p.name))
            .with_help(self.help());
            d.suggestion = self.fix(catalog, &p.name, p.key_span);
            out.push(d);
        }
    }
}

/// Whether `name` matches [`crate::lint::DEFAULT_NAMING`], `^[a-z][a-z0-9]*(_[a-z0-9]+)*$`: a lowercase
/// letter first, then lowercase letters, digits and single underscores, not ending in one.
fn is_snake_case(name: &str) -> bool {
    let bytes = name.as_bytes();
    let mut previous = b'_';
    bytes.first().is_some_and(u8::is_ascii_lowercase)
        && bytes.last() != Some(&b'_')
        && bytes.iter().all(|&b| {
            // One pass: a lowercase letter or digit, or an underscore after one.
            let fits =
                b.is_ascii_lowercase() || b.is_ascii_digit() || (b == b'_' && previous != b'_');
            previous = b;
            fits
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_convention_checked_by_hand_agrees_with_its_regex() {
        let re = fancy_regex::Regex::new(crate::lint::DEFAULT_NAMING).expect("valid pattern");
        for name in [
            "", "a", "a1", "user_id", "user__id", "_user", "user_", "User", "1a", "a_1", "a_b_c",
            "héllo", "a-b", "a b", "a\n", "userId", "x_",
        ] {
            assert_eq!(is_snake_case(name), re.is_match(name).unwrap(), "{name:?}");
        }
    }

    fn rule(pattern: &str) -> NameOffConvention {
        NameOffConvention::new(fancy_regex::Regex::new(pattern).expect("valid pattern"))
    }

    #[test]
    fn suggestions_always_follow_the_convention() {
        let snake = rule(crate::lint::DEFAULT_NAMING);
        let cases = [
            ("Ünïcode_Event", Some("unicode_event")),
            ("événement", Some("evenement")),
            ("ApiCreatedCheckIn", Some("api_created_check_in")),
            ("user-Email", Some("user_email")),
            ("用户登录", None),
            ("事件_event", None),
            ("2fa_code", None),
        ];
        for (name, expected) in cases {
            let got = snake.suggestion(name);
            assert_eq!(got.as_deref(), expected, "{name}");
            if let Some(s) = got {
                assert!(snake.pattern.is_match(&s).unwrap_or(false), "{s}");
            }
        }
        let camel = rule("^[a-z][a-zA-Z0-9]*$");
        assert_eq!(
            camel.suggestion("Ünïcode_Event").as_deref(),
            Some("unicodeEvent")
        );
        // A Unicode convention keeps the letters.
        let any_lower = rule(r"^[\p{Ll}_]+$");
        assert_eq!(
            any_lower.suggestion("Événement").as_deref(),
            Some("événement")
        );
    }
}
