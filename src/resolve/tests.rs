//! The two ways of resolving a mapping of parameters that merges fragments give the same catalog and the
//! same diagnostics: building it from the fragments' resolved parameters (`types::inherited`) and the
//! general path (flatten the mapping, resolve every entry). Checked on seeded random definitions with
//! chains of fragments, sequence merges, overrides, nested properties, inline merges, merges of
//! non-mappings, aliased parameter values, event templates and broken parameters.

#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;
use std::sync::Arc;

use super::{Merging, resolve_with};
use crate::diagnostics::sort_and_dedup;
use crate::source::{SourceFile, SourceMap};
use crate::testing::Rng;

/// A parameter's value: short forms, long forms, an object whose properties may merge a fragment, an
/// alias to an anchored value, or (rarely) a broken type.
fn value(
    rng: &mut Rng,
    fragments_before: usize,
    values_before: usize,
    out: &mut String,
    indent: &str,
) {
    match rng.below(12) {
        0 => out.push_str("string\n"),
        1 => out.push_str("integer?\n"),
        2 => out.push_str("uuid[]\n"),
        3 => out.push_str("{type: integer, minimum: 0, description: a count}\n"),
        4 => out.push_str("{type: string, enum: [a, b]}\n"),
        5 if fragments_before > 0 => {
            let f = rng.below(fragments_before);
            let _ = write!(
                out,
                "\n{indent}  type: object\n{indent}  properties:\n{indent}    <<: *f{f}\n{indent}    q: number\n"
            );
        }
        6 if values_before > 0 => {
            let _ = writeln!(out, "*v{}", rng.below(values_before));
        }
        7 if rng.chance(30) => out.push_str("strng\n"),
        8 if rng.chance(30) => out.push_str("{type: integer, minimum: x}\n"),
        _ => out.push_str("number\n"),
    }
}

/// The `<<` lines of a mapping at `indent`: none, one fragment, a sequence of fragments, an inline
/// mapping, or (rarely) a scalar.
fn merges(rng: &mut Rng, fragments_before: usize, out: &mut String, indent: &str) {
    if fragments_before == 0 {
        return;
    }
    for _ in 0..rng.below(3) {
        match rng.below(10) {
            0..=4 => {
                let _ = writeln!(out, "{indent}<<: *f{}", rng.below(fragments_before));
            }
            5..=7 => {
                let _ = writeln!(
                    out,
                    "{indent}<<: [*f{}, *f{}]",
                    rng.below(fragments_before),
                    rng.below(fragments_before)
                );
            }
            8 => {
                let _ = writeln!(out, "{indent}<<: {{p{}: boolean}}", rng.below(5));
            }
            _ if rng.chance(30) => {
                let _ = writeln!(out, "{indent}<<: 5");
            }
            _ => {}
        }
    }
}

fn random_definitions(seed: u64) -> Vec<(String, String)> {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut prelude = String::new();
    let fragments = 2 + rng.below(6);
    let mut values = 0;
    for f in 0..fragments {
        let _ = writeln!(prelude, ".f{f}: &f{f}");
        merges(&mut rng, f, &mut prelude, "  ");
        for _ in 0..1 + rng.below(4) {
            let _ = write!(prelude, "  p{}: ", rng.below(6));
            if rng.chance(15) {
                let _ = write!(prelude, "&v{values} ");
                values += 1;
                prelude.push_str("{type: string, description: shared}\n");
            } else {
                value(&mut rng, f, values, &mut prelude, "  ");
            }
        }
    }
    // An event template that merges a fragment under `parameters`.
    let _ = writeln!(
        prelude,
        ".t: &t\n  owner: team\n  parameters:\n    <<: *f{}\n    pt: string",
        rng.below(fragments)
    );
    let mut events = String::new();
    for e in 0..1 + rng.below(8) {
        let _ = writeln!(events, "e{e}:\n  description: Event {e}");
        if rng.chance(15) {
            events.push_str("  <<: *t\n");
        }
        events.push_str("  parameters:\n");
        merges(&mut rng, fragments, &mut events, "    ");
        for _ in 0..rng.below(4) {
            let _ = write!(events, "    p{}: ", rng.below(7));
            value(&mut rng, fragments, values, &mut events, "    ");
        }
    }
    vec![
        ("_frags.yaml".to_string(), prelude),
        ("events.yaml".to_string(), events),
    ]
}

/// The catalog and the diagnostics, as text: spans, provenance chains and overridden definitions included.
fn resolved(files: &[(String, String)], merging: Merging) -> String {
    let mut sources = SourceMap::new();
    for (name, text) in files {
        sources.add(SourceFile::new(name, name, text.as_str()));
    }
    let mut diagnostics = Vec::new();
    let tree = crate::yaml::parse_all(&sources, &vec![true; files.len()], &mut diagnostics);
    let catalog = resolve_with(Arc::new(sources), &tree, &mut diagnostics, merging);
    sort_and_dedup(&mut diagnostics);
    format!(
        "{:#?}\n{:#?}\n{:#?}\n{:#?}",
        catalog.events, catalog.fragments, catalog.unresolved_uses, diagnostics
    )
}

#[test]
fn templates_resolve_as_the_general_path_does() {
    let mut merged_fragments = 0;
    for seed in 0..400 {
        let files = random_definitions(seed);
        let general = resolved(&files, Merging::General);
        let templates = resolved(&files, Merging::Templates);
        assert!(
            general == templates,
            "seed {seed}: the two paths differ\n{}\n{}\n--- general:\n{general}\n--- templates:\n{templates}",
            files[0].1,
            files[1].1
        );
        merged_fragments += usize::from(general.contains("fragment: Some("));
    }
    // The cases do exercise merges that resolve (not only broken ones).
    assert!(merged_fragments > 200, "{merged_fragments}");
}

#[test]
fn wide_merges_and_many_keys_resolve_as_the_general_path_does() {
    // A fragment that merges hundreds of others (a provenance chain each), an event that merges it, and
    // one with hundreds of its own keys beside a merge (one of them repeated in the last event).
    let mut prelude = String::new();
    for i in 0..300 {
        let _ = writeln!(prelude, ".a{i}: &a{i}\n  k{i}: string\n  shared: integer");
    }
    let all: Vec<String> = (0..300).map(|i| format!("*a{i}")).collect();
    let _ = writeln!(prelude, ".wide: &wide\n  <<: [{}]", all.join(", "));
    let mut events = String::from("wide:\n  parameters:\n    <<: *wide\n    k7: uuid\n");
    for repeated in [false, true] {
        let _ = writeln!(events, "many_{repeated}:\n  parameters:\n    <<: *a1");
        for i in 0..300 {
            let _ = writeln!(events, "    own{i}: string");
        }
        if repeated {
            events.push_str("    own5: integer\n");
        }
    }
    let files = vec![
        ("_frags.yaml".to_string(), prelude),
        ("events.yaml".to_string(), events),
    ];
    let general = resolved(&files, Merging::General);
    assert_eq!(general, resolved(&files, Merging::Templates));
    assert!(general.contains("own299") && general.contains("k299"));
}
