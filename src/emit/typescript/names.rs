//! TypeScript spellings: type names from the shared type space (with the globals the module uses kept
//! free), property names bare when they are identifiers and quoted otherwise, and string literals.

/// Globals `events.ts` refers to; a definition's type may not shadow them, so it gets a trailing `_`.
const GLOBALS: [&str; 10] = [
    "Array", "JSON", "Map", "Math", "Number", "Object", "Omit", "Record", "RegExp", "String",
];

/// The TypeScript name of a type-space name (`Record` → `Record_`; everything else as is: the type space
/// already made it an identifier).
pub fn type_name(name: &str) -> String {
    if GLOBALS.contains(&name) {
        format!("{name}_")
    } else {
        name.to_string()
    }
}

/// A property name: bare when it is an ASCII identifier (reserved words are fine as property names),
/// else a quoted string.
pub fn property(name: &str) -> String {
    let mut chars = name.chars();
    let identifier = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if identifier {
        name.to_string()
    } else {
        string_literal(name)
    }
}

/// A double-quoted string literal: JSON's escaping, plus U+2028 and U+2029, which JSON leaves alone but which
/// end a `//` comment (the header quotes file names in one).
pub fn string_literal(text: &str) -> String {
    serde_json::Value::from(text)
        .to_string()
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_identifiers_or_quoted() {
        assert_eq!(type_name("Record"), "Record_");
        assert_eq!(type_name("OrderCompleted"), "OrderCompleted");
        assert_eq!(property("class"), "class");
        assert_eq!(property("2fa_enabled"), "\"2fa_enabled\"");
        assert_eq!(property("user-id"), "\"user-id\"");
        assert_eq!(property("héllo"), "\"héllo\"");
        assert_eq!(property(""), "\"\"");
        assert_eq!(string_literal("a\"b\\\n"), "\"a\\\"b\\\\\\n\"");
        assert_eq!(string_literal("a\u{2028}b"), "\"a\\u2028b\"");
    }
}
