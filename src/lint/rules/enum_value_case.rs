//! `enum-value-case`: the string values of one parameter's `enum` fit no single case style.

use serde_json::Value;

use crate::diagnostics::Diagnostic;
use crate::lint::Located;
use crate::model::{Catalog, Schema, Type};

#[doc = include_str!("enum_value_case.md")]
pub struct EnumValueCase;

/// The rule's documentation.
pub const EXPLANATION: &str = include_str!("enum_value_case.md");

/// A case style: its name and a test on one identifier-like value.
type Style = (&'static str, fn(&str) -> bool);

/// The case styles.
const STYLES: [Style; 6] = [
    ("lowercase", |v| {
        v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    }),
    ("snake_case", |v| {
        separated(v, '_', |c| c.is_ascii_lowercase())
    }),
    ("kebab-case", |v| {
        separated(v, '-', |c| c.is_ascii_lowercase())
    }),
    ("SCREAMING_SNAKE_CASE", |v| {
        separated(v, '_', |c| c.is_ascii_uppercase())
    }),
    ("camelCase", |v| {
        v.starts_with(|c: char| c.is_ascii_lowercase())
            && v.chars().all(|c| c.is_ascii_alphanumeric())
    }),
    ("PascalCase", |v| {
        v.starts_with(|c: char| c.is_ascii_uppercase())
            && v.chars().all(|c| c.is_ascii_alphanumeric())
            && v.chars().any(|c| c.is_ascii_lowercase())
    }),
];

/// Words of letters of one case (and digits) joined by single `sep`s.
fn separated(v: &str, sep: char, letter: fn(char) -> bool) -> bool {
    v.split(sep)
        .all(|w| !w.is_empty() && w.chars().all(|c| letter(c) || c.is_ascii_digit()))
}

/// A value that reads like an identifier: an ASCII letter, then ASCII letters, digits, `_` or `-`.
fn identifier_like(v: &str) -> bool {
    v.starts_with(|c: char| c.is_ascii_alphabetic())
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The styles a value fits, as a bit set over [`STYLES`].
fn styles_of(v: &str) -> u8 {
    STYLES
        .iter()
        .enumerate()
        .filter(|(_, (_, fits))| fits(v))
        .fold(0, |set, (i, _)| set | (1 << i))
}

/// `None` when the identifier-like values share a style; otherwise the style most of them fit and the
/// values that do not fit it.
fn mismatch(values: &[&str]) -> Option<(&'static str, Vec<String>)> {
    let values: Vec<&str> = values
        .iter()
        .copied()
        .filter(|v| identifier_like(v))
        .collect();
    if values.len() < 2 {
        return None;
    }
    let sets: Vec<u8> = values.iter().map(|v| styles_of(v)).collect();
    if sets.iter().fold(u8::MAX, |all, s| all & s) != 0 {
        return None;
    }
    let (best, _) = STYLES.iter().enumerate().max_by_key(|(i, _)| {
        (
            sets.iter().filter(|s| *s & (1 << i) != 0).count(),
            usize::MAX - i,
        )
    })?;
    let off = values
        .iter()
        .zip(&sets)
        .filter(|(_, s)| *s & (1 << best) == 0)
        .map(|(v, _)| format!("`{v}`"))
        .collect();
    Some((STYLES[best].0, off))
}

/// The schemas whose `enum` belongs to this parameter: its own, and its array items' or map values'.
fn enum_schemas(schema: &Schema) -> impl Iterator<Item = &Schema> {
    std::iter::successors(Some(schema), |s| match &s.ty {
        Type::Array(inner) | Type::Map(inner) => Some(inner),
        _ => None,
    })
}

impl EnumValueCase {
    /// Run the rule.
    pub fn check(catalog: &Catalog, out: &mut Vec<Diagnostic>) {
        super::super::for_each_parameter(catalog, out, |located, out| Self::visit(located, out));
    }

    /// One parameter's findings: [`Self::check`] runs it on every parameter; `lint::check` runs it in
    /// the one walk over the catalog's parameters that the parameter rules share.
    pub(crate) fn visit(located: &Located<'_, '_>, out: &mut Vec<Diagnostic>) {
        let p = located.param;
        if p.origin.is_inherited() {
            return;
        }
        for schema in enum_schemas(&p.schema) {
            let Some(values) = &schema.constraints.enumeration else {
                continue;
            };
            let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
            let Some((style, off)) = mismatch(&strings) else {
                continue;
            };
            let verb = if off.len() == 1 { "does" } else { "do" };
            out.push(
                    Diagnostic::warning(
                        "enum-value-case",
                        format!(
                            "the enum values of `{}` mix case styles: {} {verb} not fit {style}, which the others fit",
                            located.path(),
                            off.join(", ")
                        ),
                        p.key_span,
                    )
                    .with_label(format!("most values are {style}"))
                    .with_help(
                        "write every value in one style (snake_case, kebab-case, camelCase, PascalCase, \
                         SCREAMING_SNAKE_CASE or lowercase)",
                    ),
                );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_shared_style_is_enough() {
        assert_eq!(mismatch(&["ios", "android", "web"]), None);
        assert_eq!(mismatch(&["credit_card", "paypal"]), None);
        assert_eq!(mismatch(&["credit-card", "paypal"]), None);
        assert_eq!(mismatch(&["CREDIT_CARD", "PAYPAL"]), None);
        assert_eq!(mismatch(&["creditCard", "payPal"]), None);
        assert_eq!(mismatch(&["CreditCard", "PayPal"]), None);
        // Not identifier-like: ignored.
        assert_eq!(mismatch(&["credit_card", "Pay Pal", "1.0", ""]), None);
    }

    #[test]
    fn mixed_styles_name_the_odd_values() {
        let (style, off) = mismatch(&["credit_card", "paypal", "ApplePay"]).unwrap();
        assert_eq!(style, "snake_case");
        assert_eq!(off, ["`ApplePay`"]);
        let (style, off) = mismatch(&["credit_card", "bank_transfer", "gift-card"]).unwrap();
        assert_eq!(style, "snake_case");
        assert_eq!(off, ["`gift-card`"]);
    }
}
