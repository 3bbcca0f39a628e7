//! Rust identifiers for definition names: `api_created_check_in` → `ApiCreatedCheckIn`, `user-id` →
//! `user_id`, `type` → `type_`, `2fa_code` → `_2fa_code`. The shared type space ([`super::shared`]) names
//! the types every code backend prints with them; the Rust backend also its fields and variants. Every
//! result is a valid, conventionally cased identifier; whether two names collide is decided by the caller.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words that cannot be identifiers. Raw identifiers (`r#type`) would do for most, but not for `self`,
/// `Self`, `super` or `crate`, and `value.type_` reads better than `value.r#type` at the use site.
const KEYWORDS: [&str; 52] = [
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Keep ASCII letters and digits, turn everything else into a word break, so `user-id`, `user.id` and
/// `user id` all become `user_id` and nothing outside ASCII reaches an identifier.
fn words(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// The field (snake_case) identifier for a parameter name.
pub fn field(name: &str) -> String {
    let snake = words(name).to_snake_case();
    fix(snake, "field")
}

/// The type (UpperCamelCase) identifier for an event name or a path of names.
pub fn type_name(name: &str) -> String {
    let camel = words(name).to_upper_camel_case();
    fix(camel, "Type")
}

/// The enum variant identifier for an enum value.
pub fn variant(value: &str) -> String {
    let camel = words(value).to_upper_camel_case();
    fix(camel, "Empty")
}

/// Make a cased name an identifier: empty → `empty`, leading digit → leading `_`, keyword → trailing `_`.
fn fix(name: String, empty: &str) -> String {
    if name.is_empty() {
        empty.to_string()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{name}")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_identifiers() {
        let cases = [
            ("user_id", "user_id", "UserId"),
            ("user-id", "user_id", "UserId"),
            ("userId", "user_id", "UserId"),
            ("type", "type_", "Type"),
            ("self", "self_", "Self_"),
            ("2fa_code", "_2fa_code", "_2faCode"),
            ("ünïcode", "n_code", "NCode"),
            ("---", "field", "Type"),
            ("crate", "crate_", "Crate"),
        ];
        for (input, want_field, want_type) in cases {
            assert_eq!(field(input), want_field, "field({input:?})");
            assert_eq!(type_name(input), want_type, "type_name({input:?})");
        }
        assert_eq!(variant(""), "Empty");
        assert_eq!(variant("in-progress"), "InProgress");
        assert_eq!(variant("Self"), "Self_");
    }

    #[test]
    fn every_result_parses_as_an_identifier() {
        for name in [
            "type", "self", "Self", "super", "2fa", "a-b", "", "_", "__x", "async", "gen",
        ] {
            for ident in [field(name), type_name(name), variant(name)] {
                assert!(
                    syn::parse_str::<syn::Ident>(&ident).is_ok(),
                    "{name:?} -> {ident:?}"
                );
            }
        }
    }
}
