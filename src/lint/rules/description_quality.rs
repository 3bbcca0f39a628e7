//! `description-quality`: a description of an event or parameter with fewer words than
//! `[lint.description-quality] min_words`, or one that only repeats the name.

use crate::diagnostics::Diagnostic;
use crate::lint::Located;
use crate::model::Catalog;
use crate::source::Span;

#[doc = include_str!("description_quality.md")]
pub struct DescriptionQuality {
    min_words: usize,
}

/// The rule's documentation.
pub const EXPLANATION: &str = include_str!("description_quality.md");

/// Words that add nothing to a name: `The user id` only repeats `user_id`.
const FILLER: [&str; 7] = ["the", "a", "an", "of", "its", "this", "s"];

/// The fewest words a description may have unless configured otherwise.
pub const DEFAULT_MIN_WORDS: usize = 3;

impl DescriptionQuality {
    /// The rule with the configured minimum (the default when `None`).
    pub fn new(min_words: Option<usize>) -> Self {
        DescriptionQuality {
            min_words: min_words.unwrap_or(DEFAULT_MIN_WORDS),
        }
    }

    /// What is wrong with `description` of something called `name`, if anything.
    fn problem(&self, name: &str, description: &str) -> Option<String> {
        let mut words = description
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .peekable();
        // An empty description of an event is `missing-description`'s.
        if words.peek().is_none() {
            return (description.trim().is_empty() && self.min_words > 0)
                .then(|| "is empty".to_string());
        }
        let name_words = super::pii_parameter::words(name);
        // A long name's words are looked up in a set: comparing every word of a long description with
        // every word of a long name grew with the product of the two (2 s for a 680 KB file).
        let set: Option<rustc_hash::FxHashSet<&str>> =
            (name_words.iter().nth(16).is_some()).then(|| name_words.iter().collect());
        // Compared in lowercase (the name's words are): an ASCII word needs no lowercase copy.
        if words.all(|w| {
            if w.is_ascii() && set.is_none() {
                name_words.iter().any(|n| n.eq_ignore_ascii_case(w))
                    || FILLER.iter().any(|f| f.eq_ignore_ascii_case(w))
            } else {
                let w = w.to_lowercase();
                let in_name = match &set {
                    Some(set) => set.contains(w.as_str()),
                    None => name_words.iter().any(|n| n == w),
                };
                in_name || FILLER.contains(&w.as_str())
            }
        }) {
            return Some("only repeats the name".to_string());
        }
        // Counted only as far as the minimum: below it the count is exact, at it the description passes.
        let count = description.split_whitespace().take(self.min_words).count();
        (count < self.min_words).then(|| {
            format!(
                "has {count} word{}, fewer than {}",
                if count == 1 { "" } else { "s" },
                self.min_words
            )
        })
    }

    fn report(what: String, problem: String, span: Span) -> Diagnostic {
        Diagnostic::warning(
            "description-quality",
            format!("the description of {what} {problem}"),
            span,
        )
        .with_label(format!("its description {problem}"))
        .with_help("say what the value means and when it is set, in a short sentence")
    }

    /// Run the rule.
    pub fn check(&self, catalog: &Catalog, out: &mut Vec<Diagnostic>) {
        self.check_events(catalog, out);
        super::super::for_each_parameter(catalog, out, |located, out| self.visit(located, out));
    }

    /// The rule on event descriptions (parameters are [`Self::visit`]'s).
    pub(crate) fn check_events(&self, catalog: &Catalog, out: &mut Vec<Diagnostic>) {
        for event in catalog.events.values() {
            let Some(description) = event.description.as_deref() else {
                continue;
            };
            if description.trim().is_empty() {
                continue;
            }
            if let Some(problem) = self.problem(&event.name, description) {
                out.push(Self::report(
                    format!("event `{}`", event.name),
                    problem,
                    event.name_span,
                ));
            }
        }
    }

    /// One parameter's findings: [`Self::check`] runs it on every parameter; `lint::check` runs it in
    /// the one walk over the catalog's parameters that the parameter rules share.
    pub(crate) fn visit(&self, located: &Located<'_, '_>, out: &mut Vec<Diagnostic>) {
        let p = located.param;
        if p.origin.is_inherited() {
            return;
        }
        let Some(description) = p.description.as_deref() else {
            return;
        };
        if let Some(problem) = self.problem(&p.name, description) {
            out.push(Self::report(
                format!("`{}`", located.path()),
                problem,
                p.key_span,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_name_only_descriptions_are_found() {
        let rule = DescriptionQuality::new(None);
        assert_eq!(
            rule.problem("user_id", "User ID").as_deref(),
            Some("only repeats the name")
        );
        assert_eq!(
            rule.problem("userId", "The user's id.").as_deref(),
            Some("only repeats the name")
        );
        assert_eq!(
            rule.problem("amount", "Total paid").as_deref(),
            Some("has 2 words, fewer than 3")
        );
        assert_eq!(rule.problem("amount", "Total paid, in cents"), None);
        assert_eq!(rule.problem("x", "   ").as_deref(), Some("is empty"));
        let lax = DescriptionQuality::new(Some(1));
        assert_eq!(lax.problem("amount", "Cents"), None);
        // A name of many words, looked up in a set: the same verdicts, whatever the case.
        let words: Vec<String> = (0..40).map(|i| format!("w{i}")).collect();
        let name = format!("größe_{}", words.join("_"));
        let repeated = format!("The Größe of {}", words.join(" ").to_uppercase());
        assert_eq!(
            rule.problem(&name, &repeated).as_deref(),
            Some("only repeats the name")
        );
        assert_eq!(rule.problem(&name, &format!("{repeated} Ünknown")), None);
        assert_eq!(rule.problem(&name, &format!("{repeated} unknown")), None);
    }
}
