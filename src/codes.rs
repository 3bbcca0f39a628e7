//! Every diagnostic code evdef can emit, with its explanation: what `evdef check --explain CODE` prints.
//! Lint rules ([`crate::lint::Rule`]), output-name checks ([`crate::output::names`]) and `diff` rules
//! ([`crate::diff::Rule`]) keep their documentation next to their code; this module holds the texts of
//! every other code (problems found while reading, parsing, resolving and generating) and looks a code
//! up in all of them. A test scans the source so that a new code cannot ship without an explanation.

/// One code's explanation: what the diagnostic reports, why it matters, and an example that triggers it
/// with its fix.
struct Entry {
    code: &'static str,
    what: &'static str,
    why: &'static str,
    example: &'static str,
}

const fn entry(
    code: &'static str,
    what: &'static str,
    why: &'static str,
    example: &'static str,
) -> Entry {
    Entry {
        code,
        what,
        why,
        example,
    }
}

/// The explanation of `code`, as Markdown (`# code`, What / Why / Example), or `None` for a code evdef
/// does not emit.
pub fn explanation(code: &str) -> Option<String> {
    if let Some(rule) = crate::lint::Rule::from_code(code) {
        return Some(format!("# {code}\n\n{}", rule.explanation()));
    }
    if let Some(text) = crate::output::names::explanation(code) {
        return Some(format!("# {code}\n\n{text}"));
    }
    if let Some(e) = ENTRIES.iter().find(|e| e.code == code) {
        return Some(format!(
            "# {}\n\n## What it does\n{}\n\n## Why\n{}\n\n## Example\n```yaml\n{}```\n",
            e.code, e.what, e.why, e.example
        ));
    }
    let rule = crate::diff::Rule::from_code(code)?;
    Some(format!(
        "# {code}\n\n(reported by `evdef diff` and `evdef check --against`)\n\n{}",
        rule.explanation()
    ))
}

/// Every code with an explanation, sorted: for "unknown code" messages and suggestions.
pub fn all() -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = ENTRIES.iter().map(|e| e.code).collect();
    codes.extend(crate::lint::codes::configurable());
    codes.extend([
        crate::output::names::UNSAFE_OUTPUT_NAME,
        crate::output::names::OUTPUT_NAME_COLLISION,
    ]);
    codes.extend(crate::diff::Rule::ALL.iter().map(|r| r.code()));
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// The codes of reading, parsing, resolving, checking examples and generating, alphabetically.
const ENTRIES: &[Entry] = &[
    entry(
        "alias-cycle",
        "Reports an alias used inside the node its anchor names.",
        "Expanding it would never end; a definition cannot include itself.",
        "# Bad: the fragment refers to itself\n.node: &node\n  child: *node\n# Fix: give the nested part its own fragment, or `json`\n",
    ),
    entry(
        "alias-expansion-limit",
        "Reports aliases that expand to more values than the run's budget (the larger of 1,000,000 and 100 \u{d7} the YAML nodes written).",
        "A few lines of nested aliases can expand to billions of values (a \"billion laughs\" alias bomb); evdef stops instead of exhausting memory, and the verdict does not depend on the machine.",
        "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n# ... nine more levels: share large fragments through fewer aliases\n",
    ),
    entry(
        "complex-key",
        "Reports a mapping key that is itself a mapping or a list.",
        "Event, fragment and parameter names are strings; a collection key cannot name anything.",
        "# Bad\n? [a, b]\n: integer\n# Fix\na_b: integer\n",
    ),
    entry(
        "duplicate-anchor",
        "Reports an anchor defined in more than one prelude (`_*.yaml`) file.",
        "Prelude anchors are visible in every file, so two of one name make every `*name` ambiguous; the later one wins, which is rarely what its users expect.",
        "# _common.yaml\n.user: &user\n  user_id: integer\n# _legacy.yaml\n.old_user: &user   # rename one of them\n  user_id: string\n",
    ),
    entry(
        "duplicate-enum-value",
        "Reports a value listed twice in one `enum`.",
        "A repeated value is a copy-paste slip that hides the value that was meant, and generated enums cannot have two variants of one name.",
        "tier:\n  type: string\n  enum: [bronze, silver, silver]   # fix: [bronze, silver, gold]\n",
    ),
    entry(
        "duplicate-event",
        "Reports an event defined twice, in one file or in two.",
        "Only one definition can be the event; the other would be silently ignored.",
        "# api.yaml\napp_opened:\n  description: The app came to the foreground\n# mobile.yaml\napp_opened:   # rename or delete one\n  description: Opened\n",
    ),
    entry(
        "duplicate-fragment",
        "Reports a fragment (a top-level key starting with `.`) defined twice.",
        "The second definition replaces the first in the catalog, so docs and lint describe a fragment that some files do not use.",
        ".user: &user\n  user_id: integer\n.user: &user2   # rename: .legacy_user\n  user_id: string\n",
    ),
    entry(
        "duplicate-key",
        "Reports a key written twice in one mapping (merge keys `<<` excepted).",
        "YAML says keys are unique; parsers disagree on which value wins, so the definition means different things to different tools.",
        "app_opened:\n  parameters:\n    user_id: integer\n    user_id: string   # remove one; to override an inherited key, merge with `<<`\n",
    ),
    entry(
        "empty-file",
        "Warns about a definitions file (or document) that defines nothing.",
        "An empty file is usually a mistake (content deleted, a file saved empty) and makes the tree harder to read.",
        "# events.yaml holds only comments\n# Fix: add event definitions, or delete the file\n",
    ),
    entry(
        "event-in-prelude",
        "Reports an event in a prelude file (a file whose name starts with `_`).",
        "Preludes hold the fragments every other file sees; an event there is loaded before everything else and is easy to miss.",
        "# _common.yaml\napp_opened:   # move it to a file not starting with `_`, or make it a fragment `.app_opened`\n  description: The app came to the foreground\n",
    ),
    entry(
        "internal-error",
        "Reports that evdef generated Rust code that does not parse.",
        "This is a bug in evdef, not in the definitions; nothing is written. Please report it with the definitions that caused it.",
        "# any definitions; run `evdef emit rust` again after upgrading evdef\n",
    ),
    entry(
        "invalid-config",
        "Reports a `[lint] naming` pattern that is not a valid regular expression (given through the library; `evdef.toml` is checked when it is read).",
        "The naming rule cannot run without a pattern; silently skipping it would let every name pass.",
        "# evdef.toml\n# [lint]\n# naming = \"^[a-z\"      # fix: \"^[a-z][a-z0-9_]*$\"\n",
    ),
    entry(
        "invalid-constraint",
        "Reports a constraint that does not apply to the parameter's type or is malformed: `pattern` on an integer, `minimum` above `maximum`, an optional array item.",
        "A constraint that cannot hold is either ignored by consumers or rejects every value; both hide the author's intent.",
        "age:\n  type: integer\n  min_length: 1   # fix: `minimum: 1` (min_length is for strings)\n",
    ),
    entry(
        "invalid-document",
        "Reports a YAML document that is not a mapping of event names to definitions.",
        "evdef reads each document as `event_name: {...}`; a list or a scalar there defines nothing it can use.",
        "# Bad\n- app_opened\n# Fix\napp_opened:\n  description: The app came to the foreground\n",
    ),
    entry(
        "invalid-event",
        "Reports an event whose definition is not a mapping.",
        "An event needs keys (`description`, `parameters`, ...); a string or a list cannot be one.",
        "# Bad\napp_opened: yes\n# Fix\napp_opened:\n  description: The app came to the foreground\n",
    ),
    entry(
        "invalid-example",
        "Reports an `examples:` payload that the event's own definition rejects.",
        "Examples are documentation that readers copy; one that does not validate teaches a wrong payload.",
        "app_opened:\n  parameters:\n    user_id: integer\n  examples:\n    - user_id: \"42\"   # fix: 42\n",
    ),
    entry(
        "invalid-fragment",
        "Reports a fragment whose value is not a mapping of parameters.",
        "Fragments exist to be merged with `<<: *name`, and only mappings can be merged.",
        "# Bad\n.user: &user user_id\n# Fix\n.user: &user\n  user_id: integer\n",
    ),
    entry(
        "invalid-pattern",
        "Reports a `pattern` that is not a valid regular expression.",
        "Every backend (JSON Schema, validate, TypeScript guards) would reject or misread it.",
        "code:\n  type: string\n  pattern: \"^[A-Z\"   # fix: \"^[A-Z]+$\"\n",
    ),
    entry(
        "invalid-schema",
        "Reports an event whose generated JSON Schema cannot be compiled (its examples cannot be checked).",
        "It comes from a constraint the JSON Schema validator refuses; the examples of that event are not checked until it is fixed.",
        "code:\n  type: string\n  pattern: ...   # a pattern the JSON Schema validator cannot compile: simplify it\n",
    ),
    entry(
        "invalid-suppression",
        "Reports an `# evdef-ignore` comment that cannot be understood: no `:`, no code, a code that is not configurable, or no reason after ` -- `. It is an error and suppresses nothing.",
        "Every suppression must say which finding it hides and why, so a reviewer can judge it.",
        "# Bad\n# evdef-ignore: missing-description\nlegacy_event: {}\n# Fix\n# evdef-ignore: missing-description -- predates the description policy\nlegacy_event: {}\n",
    ),
    entry(
        "invalid-utf8",
        "Reports a definitions file that is not valid UTF-8, at its first bad byte.",
        "YAML is Unicode text; a file in another encoding would be read with replaced characters and wrong names.",
        "# re-save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)\n",
    ),
    entry(
        "invalid-value",
        "Reports a value of the wrong kind for its key: `parameters` that is not a mapping, `required: maybe`, `examples` that is not a list, a type that is not a string.",
        "evdef would have to guess what was meant; a guess is a silent bug.",
        "app_opened:\n  parameters: [user_id]   # fix: a mapping\n  #  user_id: integer\n",
    ),
    entry(
        "merge-non-mapping",
        "Reports `<<` merging something that is not a mapping.",
        "A merge copies keys; a list of names or a scalar has none (YAML 1.1 merge semantics, as PyYAML implements them).",
        "params:\n  <<: *user_ids   # an alias of a list; fix: `<<: *user` (a mapping) or `<<: [*a, *b]`\n",
    ),
    entry(
        "merge-too-large",
        "Reports merges that expand to more values than the run's budget (the larger of 1,000,000 and 100 \u{d7} the YAML nodes written).",
        "Fragments merged into fragments can multiply (a merge bomb); evdef stops instead of exhausting memory.",
        ".a: &a {x1: integer, x2: integer}\n.b: &b {<<: [*a], y: integer}\n# ... many levels merging each other several times: merge each fragment once\n",
    ),
    entry(
        "missing-key",
        "Reports a long-form type that lacks the key it needs: `object` without `properties`, `array` without `items`, `map` without `values`.",
        "Without it the parameter's shape is unknown, so no backend can describe or check it.",
        "items:\n  type: array   # fix: add `items: string`\n",
    ),
    entry(
        "missing-type",
        "Reports a parameter without a type, or a short form that needs more (`array`, `object`, `map`).",
        "The type is what every backend generates and checks; a parameter without one cannot be emitted.",
        "user_id:\n  description: The user   # fix: add `type: integer`\n",
    ),
    entry(
        "name-field-clash",
        "Reports a parameter named like the envelope's name field (`event` by default) when parameters sit at the top level of a log line.",
        "The name field carries the event name, so such a parameter could never hold its own value.",
        "app_opened:\n  parameters:\n    event: string   # rename it, or set `[envelope] payload_field`\n",
    ),
    entry(
        "rust-name-collision",
        "Reports two names that map to the same Rust identifier (`user-id` and `user_id` both become `user_id`).",
        "The generated code would not compile or would silently merge two fields.",
        "params:\n  user-id: integer\n  user_id: integer   # rename one\n",
    ),
    entry(
        "too-deep",
        "Reports parameters, aliases or merges nested deeper than evdef's limit.",
        "Deep nesting is almost always a mistake (or hostile input) and would exhaust the stack of every consumer.",
        "# a chain of objects or fragments including each other hundreds of levels deep: flatten it\n",
    ),
    entry(
        "type-name-collision",
        "Reports two events, fragments or nested types whose generated type names are the same (`app_opened` and `AppOpened`).",
        "Generated Rust and TypeScript need one type per name; a collision would not compile or would mix two types.",
        "app_opened:\n  description: Opened\nAppOpened:   # rename one\n  description: Opened, too\n",
    ),
    entry(
        "undefined-alias",
        "Reports `*name` with no anchor `&name` in the file or in a prelude.",
        "The alias has nothing to stand for; a typo in an anchor name must not pass silently.",
        "params:\n  <<: *usr   # did you mean `*user`?\n",
    ),
    entry(
        "unknown-key",
        "Reports a key evdef does not know in an event or a long-form parameter, with a \"did you mean\".",
        "A typo such as `descripton` would otherwise be ignored and the value lost.",
        "app_opened:\n  descripton: Opened   # fix: description\n",
    ),
    entry(
        "unknown-type",
        "Reports a type name evdef does not know, or a short form it cannot read.",
        "Every backend maps each type to its own; an unknown one cannot be emitted or checked.",
        "user_id: int   # fix: integer\n",
    ),
    entry(
        "unused-suppression",
        "Reports an `# evdef-ignore: CODE -- reason` comment (or one code in it) that suppresses nothing on its line or the line below. Configurable in `[lint.rules]`; it cannot itself be suppressed.",
        "A stale suppression would silently hide the next real finding at that place.",
        "# evdef-ignore: missing-description -- legacy event   # remove: the event is described now\nlegacy_event:\n  description: The legacy event, still sent by old app versions\n",
    ),
    entry(
        "yaml-syntax",
        "Reports text that is not valid YAML, where the parser stopped.",
        "Nothing after the error can be read, so the file's events are missing from every output.",
        "app_opened:\n  description: \"unterminated\n",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every string literal given as the code of a `Diagnostic` constructor in the source, plus the codes
    /// chosen at run time (`yaml/budget.rs` picks one of two).
    fn codes_in_source() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut codes = vec![
            "alias-expansion-limit".to_string(),
            "merge-too-large".to_string(),
        ];
        for entry in walkdir::WalkDir::new(root) {
            let entry = entry.expect("readable source tree");
            if entry.path().extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).expect("readable source file");
            for (at, _) in text.match_indices("Diagnostic::") {
                let rest = &text[at..];
                let Some(open) = rest.find('(') else { continue };
                let call = &rest[..open];
                if !["error", "warning", "new", "global"]
                    .iter()
                    .any(|f| call == format!("Diagnostic::{f}"))
                {
                    continue;
                }
                let mut args = rest[open + 1..].trim_start();
                if call == "Diagnostic::new" || call == "Diagnostic::global" {
                    // The first argument is the severity (a constant or a variable).
                    args = args.split_once(',').map_or("", |(_, r)| r).trim_start();
                }
                if let Some(lit) = args.strip_prefix('"') {
                    let code = lit.split('"').next().unwrap_or("");
                    if code != "test-code" {
                        codes.push(code.to_string());
                    }
                }
            }
        }
        codes.sort();
        codes.dedup();
        codes
    }

    #[test]
    fn every_code_in_the_source_is_explained() {
        let codes = codes_in_source();
        assert!(codes.len() > 30, "the scan found too few codes: {codes:?}");
        let missing: Vec<&String> = codes.iter().filter(|c| explanation(c).is_none()).collect();
        assert!(
            missing.is_empty(),
            "codes without an explanation: {missing:?}"
        );
    }

    #[test]
    fn every_explained_code_is_emitted_somewhere() {
        let codes = codes_in_source();
        let stale: Vec<&str> = ENTRIES
            .iter()
            .map(|e| e.code)
            .filter(|c| !codes.iter().any(|x| x == c))
            .collect();
        assert!(stale.is_empty(), "explained but never emitted: {stale:?}");
    }

    #[test]
    fn explanations_have_what_why_and_example() {
        for code in all() {
            if crate::diff::Rule::from_code(code).is_some() {
                continue; // `diff` rules explain a change and its direction in one paragraph
            }
            let text = explanation(code).expect("listed codes are explained");
            assert!(text.starts_with(&format!("# {code}\n")), "{code}");
            assert!(text.contains("## What"), "{code}: no What section");
            assert!(text.contains("## Why"), "{code}: no Why section");
            assert!(text.contains("## Example"), "{code}: no Example section");
        }
        let sorted = ENTRIES.windows(2).all(|w| w[0].code < w[1].code);
        assert!(sorted, "keep ENTRIES sorted by code");
    }
}
