//! Text shared by the docs renderers: HTML/XML escaping, slugs (file names and anchors) and the anchors
//! of nested parameter tables. The Markdown, HTML and SVG renderers all use it and never each other's
//! helpers, so the three stay free of cycles.

use std::collections::HashSet;

/// HTML (and XML) escaping for text and attribute values.
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A file-name and anchor safe form of a name: ASCII letters, digits, `_` and `-`, lowercase.
pub(super) fn slug(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    if s.is_empty() { "-".to_string() } else { s }
}

/// A slug not yet in `taken`: `name`, else `name-2`, `name-3`, ... (deterministic in call order).
pub(super) fn unique_slug(name: &str, taken: &mut HashSet<String>) -> String {
    let base = slug(name);
    let mut candidate = base.clone();
    let mut n = 2;
    while !taken.insert(candidate.clone()) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    candidate
}

/// The anchor of a nested table: `p-` and the path (`[]` as `-items`, `.*` as `-values`, every other
/// character outside `[a-z0-9_-]` as `-`).
pub(super) fn anchor(path: &str) -> String {
    format!(
        "p-{}",
        slug(&path.replace("[]", "-items").replace(".*", "-values"))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_unique_ignoring_case() {
        let mut taken = HashSet::new();
        assert_eq!(unique_slug("web_Clicked", &mut taken), "web_clicked");
        assert_eq!(unique_slug("web_clicked", &mut taken), "web_clicked-2");
        assert_eq!(unique_slug("a b/c", &mut taken), "a-b-c");
        assert_eq!(unique_slug("", &mut taken), "-");
    }
}
