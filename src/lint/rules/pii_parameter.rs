//! `pii-parameter`: a parameter that looks like personal data (type `email`, or a name such as `email`,
//! `phone`, `client_ip`) and says nothing about it with a `pii:` key.

use std::borrow::Cow;

use crate::diagnostics::Diagnostic;
use crate::lint::Located;
use crate::model::{Catalog, Schema, Type};

#[doc = include_str!("pii_parameter.md")]
pub struct PiiParameter {
    /// Each name as its lowercase words; a word ending in `*` matches any word starting with the rest.
    names: Vec<Vec<String>>,
}

/// The rule's documentation.
pub const EXPLANATION: &str = include_str!("pii_parameter.md");

/// The names that look personal unless `[lint.pii-parameter] names` says otherwise.
pub const DEFAULT_NAMES: [&str; 8] = [
    "email",
    "phone",
    "ip",
    "address",
    "first_name",
    "last_name",
    "birth*",
    "ssn",
];

/// The lowercase words of a snake_case, kebab-case, camelCase or PascalCase name: `clientIP` and
/// `client_ip` are both `["client", "ip"]`.
///
/// A name in ASCII without capitals (most names) is only split, byte by byte and without allocating
/// when it has at most [`FEW`] words; any other name goes through `heck`'s snake case, which gives the
/// same words for the former.
pub(crate) fn words(name: &str) -> Words<'_> {
    let bytes = name.as_bytes();
    if bytes
        .iter()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        let mut few = [""; FEW];
        let mut len = 0;
        let mut start = 0;
        // ASCII throughout, so every byte index is a character boundary.
        for end in 0..=bytes.len() {
            if bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
                continue;
            }
            if end > start {
                if len == FEW {
                    // More words than kept on the stack (rare): split again onto the heap.
                    return Words::Many(
                        name.split(|c: char| !c.is_ascii_alphanumeric())
                            .filter(|w| !w.is_empty())
                            .map(Cow::Borrowed)
                            .collect(),
                    );
                }
                few[len] = &name[start..end];
                len += 1;
            }
            start = end + 1;
        }
        return Words::Few(few, len);
    }
    Words::Many(
        heck::AsSnakeCase(name)
            .to_string()
            .split('_')
            .filter(|w| !w.is_empty())
            .map(|w| Cow::Owned(w.to_lowercase()))
            .collect(),
    )
}

/// Words a name may have without [`words`] allocating: more than most parameter names have.
const FEW: usize = 8;

/// The words of a name (see [`words`]).
pub(crate) enum Words<'n> {
    /// Up to [`FEW`] words of the name itself, and how many there are.
    Few([&'n str; FEW], usize),
    /// Any number of words.
    Many(Vec<Cow<'n, str>>),
}

impl Words<'_> {
    /// The words in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        let (few, many): (&[&str], &[Cow<str>]) = match self {
            Words::Few(words, len) => (&words[..*len], &[]),
            Words::Many(words) => (&[], words),
        };
        few.iter().copied().chain(many.iter().map(|w| &**w))
    }
}

impl PiiParameter {
    /// The rule with the configured names (the default list when `None`).
    pub fn new(names: Option<&[String]>) -> Self {
        let split = |n: &str| -> Vec<String> {
            n.split(['_', '-', ' '])
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect()
        };
        let names = match names {
            Some(list) => list.iter().map(|n| split(n)).collect(),
            None => DEFAULT_NAMES.iter().map(|n| split(n)).collect(),
        };
        PiiParameter { names }
    }

    /// The configured name that `name` contains as whole consecutive words, if any.
    fn matching_name(&self, name: &str) -> Option<String> {
        match words(name) {
            Words::Few(words, len) => self.matching_words(&words[..len]),
            Words::Many(words) => self.matching_words(&words),
        }
    }

    /// The configured name that `words` contain as whole consecutive words, if any.
    fn matching_words<W: AsRef<str>>(&self, words: &[W]) -> Option<String> {
        self.names
            .iter()
            .filter(|pattern| !pattern.is_empty())
            .find(|pattern| {
                words.windows(pattern.len()).any(|window| {
                    window
                        .iter()
                        .zip(pattern.iter())
                        .all(|(w, p)| match p.strip_suffix('*') {
                            Some(prefix) => w.as_ref().starts_with(prefix),
                            None => w.as_ref() == p,
                        })
                })
            })
            .map(|pattern| pattern.join("_"))
    }

    /// Run the rule.
    pub fn check(&self, catalog: &Catalog, out: &mut Vec<Diagnostic>) {
        super::super::for_each_parameter(catalog, out, |located, out| self.visit(located, out));
    }

    /// One parameter's findings: [`Self::check`] runs it on every parameter; `lint::check` runs it in
    /// the one walk over the catalog's parameters that the parameter rules share.
    pub(crate) fn visit(&self, located: &Located<'_, '_>, out: &mut Vec<Diagnostic>) {
        let p = located.param;
        if p.origin.is_inherited() || p.pii.is_some() {
            return;
        }
        let why = if is_email(&p.schema) {
            format!("its type is `{}`", p.schema.ty.display())
        } else if let Some(name) = self.matching_name(&p.name) {
            format!("its name contains `{name}`")
        } else {
            return;
        };
        out.push(
                Diagnostic::warning(
                    "pii-parameter",
                    format!(
                        "`{}` looks like personal data ({why}) but has no `pii:` key",
                        located.path()
                    ),
                    p.key_span,
                )
                .with_label("add `pii: true` or `pii: false`")
                .with_help(format!(
                    "write it in the long form, e.g. `{}: {{type: {}, pii: true, classification: personal}}`, \
                     or `pii: false` when it holds no personal data",
                    p.name,
                    p.schema.ty.display()
                )),
            );
    }
}

/// Whether the value is an email address (or a list or map of them).
fn is_email(schema: &Schema) -> bool {
    match &schema.ty {
        Type::Email => true,
        Type::Array(inner) | Type::Map(inner) => is_email(inner),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_whole_words_in_any_case_style() {
        let rule = PiiParameter::new(None);
        for name in [
            "email",
            "user_email",
            "phone_number",
            "client_ip",
            "clientIp",
            "ClientIP",
            "shipping_address",
            "firstName",
            "last_name",
            "birthday",
            "date_of_birth",
            "birth_date",
            "SSN",
        ] {
            assert!(rule.matching_name(name).is_some(), "{name} should match");
        }
        // `emails` is another word than `email`; `first_name` needs both words, in order.
        for name in [
            "shipping",
            "zip",
            "emails_sent",
            "first_seen",
            "name_first",
            "rebirth",
            "telephone",
        ] {
            let found = rule.matching_name(name);
            assert!(found.is_none(), "{name} should not match, got {found:?}");
        }
    }

    #[test]
    fn a_configured_list_replaces_the_default() {
        let rule = PiiParameter::new(Some(&["iban".to_string(), "tax_id*".to_string()]));
        assert_eq!(rule.matching_name("payer_iban").as_deref(), Some("iban"));
        assert_eq!(
            rule.matching_name("tax_identifier").as_deref(),
            Some("tax_id*")
        );
        assert_eq!(rule.matching_name("user_email"), None);
    }
}
