//! Output file names from event names: the one function every backend uses ([`event_file_stem`]), and
//! the diagnostics that refuse unsafe or colliding names before anything is written (`unsafe-output-name`,
//! `output-name-collision`), run by `check` and by every command that writes a file per event.

use std::collections::HashMap;

use crate::diagnostics::Diagnostic;
use crate::model::Catalog;

/// Code of the diagnostic for an event name that cannot be a file name.
pub const UNSAFE_OUTPUT_NAME: &str = "unsafe-output-name";
/// Code of the diagnostic for two events (or an event and a fixed file) that would write the same file.
pub const OUTPUT_NAME_COLLISION: &str = "output-name-collision";

/// The longest event name, in bytes, that may become a file name (room is left for `.schema.json`).
pub const MAX_NAME_BYTES: usize = 200;

/// File stems the backends write next to per-event files, with what they are. An event whose stem equals
/// one of them (ignoring case) would overwrite that file: `<stem>.schema.json` in the JSON Schema output.
pub const RESERVED_STEMS: &[(&str, &str)] =
    &[("events", "the JSON Schema bundle `events.schema.json`")];

/// The documentation of the output-name diagnostics (`evdef check --explain CODE`).
pub fn explanation(code: &str) -> Option<&'static str> {
    match code {
        UNSAFE_OUTPUT_NAME => Some(
            "## What it does\n\
             Refuses an event name that cannot safely become a file name: one that contains `/`, `\\`, NUL or\n\
             another control character, is `.` or `..` or starts with `.`, is a Windows device name (`CON`,\n\
             `PRN`, `AUX`, `NUL`, `COM1`-`COM9`, `LPT1`-`LPT9`, any case, with or without an extension), is\n\
             empty or is over 200 bytes. Every other name (spaces, inner dots, non-ASCII) is its own file name.\n\n\
             ## Why is this bad?\n\
             Event names become file names (`<event>.schema.json`, `events/<event>.md`). Definitions arrive in\n\
             pull requests: a name such as `\"x/../../pwned\"` would write outside the output directory.\n\
             It is an error, reported by `evdef check` and before any command writes anything.\n\n\
             ## Example\n\
             ```yaml\n\
             \"x/../../pwned\":   # error: contains the path separator `/`\n\
             \x20 description: ...\n\
             ```\n",
        ),
        OUTPUT_NAME_COLLISION => Some(
            "## What it does\n\
             Refuses two events whose output files would be the same file on a case-insensitive file system\n\
             (macOS, Windows), and an event whose file would overwrite a fixed output file such as the JSON\n\
             Schema bundle `events.schema.json` (an event named `events`).\n\n\
             ## Why is this bad?\n\
             One event's schema or page would silently replace the other's, depending on the platform.\n\n\
             ## Example\n\
             ```yaml\n\
             page_viewed: {}\n\
             Page_Viewed: {}   # error: same files as `page_viewed`\n\
             events: {}        # error: would overwrite `events.schema.json`\n\
             ```\n",
        ),
        _ => None,
    }
}

/// Why an event name cannot be a file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnsafeName {
    /// The empty name.
    Empty,
    /// `/` or `\`: a path separator on some system.
    Separator(char),
    /// NUL or another control character.
    Control(char),
    /// `.` or `..`, or a name starting with `.` (a hidden file, and evdef's own `.evdef-manifest.json`).
    LeadingDot,
    /// `CON`, `PRN`, `AUX`, `NUL`, `COM1`–`COM9`, `LPT1`–`LPT9`, any case, with or without an extension.
    WindowsDevice,
    /// More than [`MAX_NAME_BYTES`] bytes.
    TooLong(usize),
}

impl UnsafeName {
    /// Why, in a few words, for the diagnostic message.
    pub fn reason(self) -> String {
        match self {
            UnsafeName::Empty => "it is empty".into(),
            UnsafeName::Separator(c) => format!("it contains the path separator `{c}`"),
            UnsafeName::Control(c) => {
                format!("it contains the control character U+{:04X}", c as u32)
            }
            UnsafeName::LeadingDot => "it starts with `.`".into(),
            UnsafeName::WindowsDevice => "it is a reserved device name on Windows".into(),
            UnsafeName::TooLong(n) => format!("it is {n} bytes long (at most {MAX_NAME_BYTES})"),
        }
    }
}

/// The file stem for an event's outputs (`<stem>.schema.json`, `events/<stem>.md`): the name itself when
/// it is safe, so the mapping is injective; an unsafe name is refused.
pub fn event_file_stem(name: &str) -> Result<&str, UnsafeName> {
    if name.is_empty() {
        return Err(UnsafeName::Empty);
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(UnsafeName::TooLong(name.len()));
    }
    if let Some(c) = name.chars().find(|&c| c == '/' || c == '\\') {
        return Err(UnsafeName::Separator(c));
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Err(UnsafeName::Control(c));
    }
    if name.starts_with('.') {
        return Err(UnsafeName::LeadingDot);
    }
    if is_windows_device(name) {
        return Err(UnsafeName::WindowsDevice);
    }
    Ok(name)
}

/// A file name as a relative URL (a Markdown link, a `$id`): every byte but ASCII letters, digits and
/// `-._~` percent-encoded, so `with space` becomes `with%20space` and usual names stay as they are.
pub fn url_escape(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `CON`, `con.txt`, `Lpt1.md`, `nul ` (Windows ignores trailing dots and spaces before the extension).
fn is_windows_device(name: &str) -> bool {
    let base = name.split('.').next().unwrap_or(name);
    // Compared without a copy: device names are ASCII, and `trim_end_matches` and the length check keep
    // every longer base (nearly every event name) out at once.
    let base = base.trim_end_matches([' ', '.']).as_bytes();
    match base {
        [a, b, c] => ["CON", "PRN", "AUX", "NUL"]
            .iter()
            .any(|d| d.as_bytes().eq_ignore_ascii_case(&[*a, *b, *c])),
        [a, b, c, n] => {
            (b"COM".eq_ignore_ascii_case(&[*a, *b, *c])
                || b"LPT".eq_ignore_ascii_case(&[*a, *b, *c]))
                && matches!(n, b'1'..=b'9')
        }
        _ => false,
    }
}

/// A name for a message: control characters escaped (`\t`, `\u{1}`), cut after 60 characters.
fn shown(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if i == 60 {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// The key two output names collide under: case-insensitive file systems (macOS, Windows) fold case. A
/// name with nothing to fold (ASCII without capitals: nearly every event name) is its own key, uncopied.
fn collision_key(stem: &str) -> std::borrow::Cow<'_, str> {
    if stem
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        std::borrow::Cow::Borrowed(stem)
    } else {
        std::borrow::Cow::Owned(stem.to_lowercase())
    }
}

/// Push an error for every event whose name is unsafe as a file name, and for every pair of events (or
/// event and fixed output file) whose files would be the same on a case-insensitive file system.
pub fn check(catalog: &Catalog, diagnostics: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<std::borrow::Cow<'_, str>, &crate::model::Event> =
        HashMap::with_capacity(catalog.events.len());
    for event in catalog.events.values() {
        let stem = match event_file_stem(&event.name) {
            Ok(stem) => stem,
            Err(why) => {
                diagnostics.push(
                    Diagnostic::error(
                        UNSAFE_OUTPUT_NAME,
                        format!(
                            "event name `{}` cannot be an output file name: {}",
                            shown(&event.name),
                            why.reason()
                        ),
                        event.name_span,
                    )
                    .with_label("this name becomes a file name")
                    .with_help(
                        "rename the event; names become file names in the JSON Schema and docs outputs",
                    ),
                );
                continue;
            }
        };
        let key = collision_key(stem);
        if let Some((reserved, what)) = RESERVED_STEMS.iter().find(|(r, _)| *r == &*key) {
            diagnostics.push(
                Diagnostic::error(
                    OUTPUT_NAME_COLLISION,
                    format!("event `{}` would overwrite {what}", event.name),
                    event.name_span,
                )
                .with_label(format!("`{reserved}` is taken by a generated file"))
                .with_help("rename the event"),
            );
            continue;
        }
        match seen.get(&key) {
            Some(first) => diagnostics.push(
                Diagnostic::error(
                    OUTPUT_NAME_COLLISION,
                    format!(
                        "events `{}` and `{}` would write the same output files",
                        first.name, event.name
                    ),
                    event.name_span,
                )
                .with_label("this event's files")
                .with_secondary(first.name_span, "collide with this event's files")
                .with_help(
                    "names that differ only in case are the same file on macOS and Windows: rename one",
                ),
            ),
            None => {
                seen.insert(key, event);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_names_are_refused() {
        let cases: &[(&str, UnsafeName)] = &[
            ("", UnsafeName::Empty),
            ("x/../../pwned", UnsafeName::Separator('/')),
            ("a\\b", UnsafeName::Separator('\\')),
            ("a\0b", UnsafeName::Control('\0')),
            ("a\nb", UnsafeName::Control('\n')),
            ("a\u{7f}", UnsafeName::Control('\u{7f}')),
            (".", UnsafeName::LeadingDot),
            ("..", UnsafeName::LeadingDot),
            (".hidden", UnsafeName::LeadingDot),
            ("CON", UnsafeName::WindowsDevice),
            ("con", UnsafeName::WindowsDevice),
            ("Nul.txt", UnsafeName::WindowsDevice),
            ("aux.schema", UnsafeName::WindowsDevice),
            ("com1", UnsafeName::WindowsDevice),
            ("LPT9.x", UnsafeName::WindowsDevice),
            ("prn ", UnsafeName::WindowsDevice),
        ];
        for (name, why) in cases {
            assert_eq!(event_file_stem(name), Err(*why), "{name:?}");
        }
        let long = "a".repeat(201);
        assert_eq!(event_file_stem(&long), Err(UnsafeName::TooLong(201)));
    }

    /// Every fixed file a backend writes in a directory that also holds per-event files must be reserved,
    /// or an event of that name would overwrite it.
    #[test]
    fn reserved_stems_cover_the_fixed_files_next_to_event_files() {
        use crate::emit::{docs, json_schema};
        let options = crate::Options::new().with_path("tests/fixtures/validate/catalog");
        let catalog = crate::compile(&options).unwrap().catalog;
        let backends = [
            json_schema::emit(&catalog, &json_schema::JsonSchemaOptions::default()),
            docs::emit(&catalog, &docs::DocsOptions::new()),
        ];
        let mut checked = 0;
        for files in backends {
            let paths: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
            // (directory, suffix) of every per-event file: `("", ".schema.json")`, `("events/", ".md")`.
            let mut slots = Vec::new();
            for name in catalog.events.keys() {
                for path in &paths {
                    if let Some(at) = path.find(name.as_str())
                        && (path[..at].is_empty() || path[..at].ends_with('/'))
                    {
                        slots.push((path[..at].to_string(), path[at + name.len()..].to_string()));
                    }
                }
            }
            for path in &paths {
                for (dir, suffix) in &slots {
                    let Some(stem) = path
                        .strip_prefix(dir.as_str())
                        .and_then(|rest| rest.strip_suffix(suffix.as_str()))
                    else {
                        continue;
                    };
                    if stem.contains('/') || catalog.events.contains_key(stem) {
                        continue;
                    }
                    checked += 1;
                    assert!(
                        RESERVED_STEMS
                            .iter()
                            .any(|(r, _)| *r == &*collision_key(stem)),
                        "`{path}` could be overwritten by an event named `{stem}`"
                    );
                }
            }
        }
        assert!(checked >= 1, "the bundle is checked");
    }

    #[test]
    fn collision_keys_fold_case_and_borrow_names_with_nothing_to_fold() {
        use std::borrow::Cow;
        assert!(matches!(
            collision_key("page_viewed"),
            Cow::Borrowed("page_viewed")
        ));
        assert_eq!(collision_key("Page_Viewed"), "page_viewed");
        assert_eq!(collision_key("EVENTS"), "events");
        // Non-ASCII names fold too: `Éclair` and `éclair` are one file on macOS and Windows.
        assert_eq!(collision_key("Éclair_Ü"), "éclair_ü");
        assert!(matches!(collision_key("éclair"), Cow::Owned(_)));
        assert_eq!(collision_key("éclair"), "éclair");
    }

    #[test]
    fn url_escape_keeps_usual_names() {
        assert_eq!(url_escape("api_created-check.in~"), "api_created-check.in~");
        assert_eq!(url_escape("with space"), "with%20space");
        assert_eq!(url_escape("café"), "caf%C3%A9");
    }

    #[test]
    fn other_names_map_to_themselves() {
        let max = "a".repeat(200);
        for name in [
            "api_created_check_in",
            "with space",
            "inner.dots.ok",
            "café_ü",
            "com10",
            "com0",
            "console",
            "lpt",
            "x..",
            max.as_str(),
        ] {
            assert_eq!(event_file_stem(name), Ok(name));
        }
    }
}
