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
    // Most events merge one of a few lists, as in a real catalog (the later ones then hold a shared merge).
    let lists: Vec<String> = (0..2)
        .map(|_| {
            let mut list = String::new();
            merges(&mut rng, fragments, &mut list, "    ");
            list
        })
        .collect();
    let mut events = String::new();
    for e in 0..1 + rng.below(16) {
        let _ = writeln!(events, "e{e}:\n  description: Event {e}");
        if rng.chance(15) {
            events.push_str("  <<: *t\n");
        }
        events.push_str("  parameters:\n");
        if rng.chance(75) {
            events.push_str(&lists[rng.below(lists.len())]);
        } else {
            merges(&mut rng, fragments, &mut events, "    ");
        }
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

/// The catalog and the diagnostics, as text: spans, provenance chains and overridden definitions included
/// (an event that holds a shared merge puts its map together to be printed).
fn resolved(files: &[(String, String)], merging: Merging) -> String {
    resolved_holding(files, merging).0
}

/// [`resolved`], and how many events hold a shared merge, and of those how many replace a merged key
/// and how many add keys.
fn resolved_holding(files: &[(String, String)], merging: Merging) -> (String, [usize; 3]) {
    let mut sources = SourceMap::new();
    for (name, text) in files {
        sources.add(SourceFile::new(name, name, text.as_str()));
    }
    let mut diagnostics = Vec::new();
    let tree = crate::yaml::parse_all(&sources, &vec![true; files.len()], &mut diagnostics);
    let catalog = resolve_with(Arc::new(sources), &tree, &mut diagnostics, merging);
    sort_and_dedup(&mut diagnostics);
    let mut holding = [0; 3];
    for parts in catalog.events.values().filter_map(|e| e.parameters.parts()) {
        holding[0] += 1;
        holding[1] += usize::from(!parts.replaced.is_empty());
        holding[2] += usize::from(!parts.added.is_empty());
    }
    let text = format!(
        "{:#?}\n{:#?}\n{:#?}\n{:#?}",
        catalog.events, catalog.fragments, catalog.unresolved_uses, diagnostics
    );
    (text, holding)
}

#[test]
fn templates_resolve_as_the_general_path_does() {
    let mut merged_fragments = 0;
    let mut holding = [0; 3];
    for seed in 0..400 {
        let files = random_definitions(seed);
        let general = resolved(&files, Merging::General);
        let (templates, held) = resolved_holding(&files, Merging::Templates);
        for (all, held) in holding.iter_mut().zip(held) {
            *all += held;
        }
        assert!(
            general == templates,
            "seed {seed}: the two paths differ\n{}\n{}\n--- general:\n{general}\n--- templates:\n{templates}",
            files[0].1,
            files[1].1
        );
        merged_fragments += usize::from(general.contains("fragment: Some("));
    }
    // The cases do exercise merges that resolve (not only broken ones), and events that hold a shared
    // merge, replacing merged keys and adding their own.
    assert!(merged_fragments > 200, "{merged_fragments}");
    assert!(holding.iter().all(|&n| n > 50), "{holding:?}");
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

/// A problem of merging a fragment (`<<: 5` in it) is reported whoever asks for the fragment first: for a
/// fragment no event uses, and for every event that merges it, however the events are split into chunks
/// (the number of cores decides), through an object's properties or a template that fails first.
#[test]
fn merge_problems_reach_every_user_on_any_number_of_cores() {
    let prelude = ".unused: &unused\n  <<: 5\n  a: string\n\
                   .broken: &broken\n  <<: 6\n  b: string\n\
                   .holder: &holder\n  c: {type: object, properties: {<<: *broken}}\n  d: strng\n";
    let mut events = String::new();
    for e in 0..3000 {
        let merges = if e % 2 == 0 {
            "[*holder, *broken]"
        } else {
            "*broken"
        };
        let _ = writeln!(
            events,
            "e{e}:\n  parameters:\n    <<: {merges}\n    d: string"
        );
    }
    events.push_str("clean:\n  parameters:\n    d: string\n");
    let files = vec![
        ("_frags.yaml".to_string(), prelude.to_string()),
        ("events.yaml".to_string(), events),
    ];
    let on = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let general = resolved(&files, Merging::General);
            assert_eq!(general, resolved(&files, Merging::Templates));
            general
        })
    };
    let one = on(1);
    assert_eq!(one, on(2));
    assert_eq!(one, on(7));
    // Only the event that merges nothing resolves; both merges of a scalar are reported.
    assert!(
        one.starts_with("{\n    \"clean\": Event"),
        "{}",
        &one[..200]
    );
    assert!(!one.contains("\"e0\": Event") && !one.contains("\"e2999\": Event"));
    assert_eq!(
        one.matches("can only merge mappings, not the scalar `5`")
            .count(),
        1
    );
    assert_eq!(
        one.matches("can only merge mappings, not the scalar `6`")
            .count(),
        1
    );
}

/// The catalog and diagnostics of `files` parsed in groups and resolved without putting the groups' trees
/// together (what `check` and the backends do), printed as [`resolved`] prints them.
fn resolved_in_groups(files: &[(String, String)]) -> String {
    let mut sources = SourceMap::new();
    for (name, text) in files {
        sources.add(SourceFile::new(name, name, text.as_str()));
    }
    let mut diagnostics = Vec::new();
    let forest = crate::yaml::parse_forest(&sources, &vec![true; files.len()], &mut diagnostics);
    let catalog = super::resolve_forest(Arc::new(sources), forest, &mut diagnostics);
    sort_and_dedup(&mut diagnostics);
    format!(
        "{:#?}\n{:#?}\n{:#?}\n{:#?}",
        catalog.events, catalog.fragments, catalog.unresolved_uses, diagnostics
    )
}

/// A run of several files: the preludes and events of seeded random definitions, spread over files that
/// also define fragments of their own (used by their events through local anchors), repeat event and
/// fragment names of earlier files, hold a document that is not a mapping, nothing at all, or two
/// documents; now and then a file whose aliases blow the run's budget, or nest too deep.
fn random_run(seed: u64) -> Vec<(String, String)> {
    let mut rng = Rng(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1);
    let base = random_definitions(seed);
    let mut files = vec![base[0].clone()];
    if rng.chance(30) {
        files.push((
            "_more.yaml".to_string(),
            ".f0: &f0\n  again: string\n.extra: &extra\n  x: integer\n".to_string(),
        ));
    }
    for f in 0..3 + rng.below(10) {
        let mut text = String::new();
        match rng.below(12) {
            0 => text.push_str("- not\n- a mapping\n"),
            1 => {}
            2 => {
                text.push_str("one: {parameters: {a: string}}\n---\ntwo: {parameters: {b: *f0}}\n")
            }
            3 if rng.chance(20) => {
                // An alias bomb: each level doubles the one before.
                text.push_str("l0: &l0 [a, a]\n");
                for l in 1..40 {
                    let _ = writeln!(text, "l{l}: &l{l} [*l{}, *l{}]", l - 1, l - 1);
                }
            }
            4 if rng.chance(20) => {
                text.push_str("d0: &d0 {a: string}\n");
                for l in 1..600 {
                    let _ = writeln!(text, "d{l}: &d{l} {{<<: *d{}}}", l - 1);
                }
            }
            _ => {
                let _ = writeln!(text, ".local: &local\n  own{f}: string\n  p1: integer");
                let _ = writeln!(
                    text,
                    "only_in_{f}:\n  parameters:\n    <<: *local\n    z: *f0"
                );
                // Events of another seed's definitions: their names repeat earlier files' now and then.
                let other = random_definitions(seed.wrapping_add(1 + rng.below(3) as u64));
                text.push_str(&other[1].1.replace("e1:", &format!("e1_{f}:")));
            }
        }
        files.push((format!("events_{f:02}.yaml"), text));
    }
    files
}

/// `check` resolves the groups' trees it parsed without putting them together: the catalog and every
/// diagnostic are those of the one tree they make, whatever the number of cores (which decides the groups).
#[test]
fn a_run_parsed_in_groups_resolves_as_its_one_tree_does() {
    let mut duplicates = 0;
    let mut budget = 0;
    for seed in 0..120 {
        let files = random_run(seed);
        let one_tree = resolved(&files, Merging::Templates);
        for threads in [1, 2, 3, 7] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let in_groups = pool.install(|| resolved_in_groups(&files));
            assert!(
                in_groups == one_tree,
                "seed {seed}, {threads} threads: resolving in groups differs\n--- one tree:\n{one_tree}\n--- in groups:\n{in_groups}"
            );
        }
        duplicates += usize::from(one_tree.contains("is defined twice"));
        budget += usize::from(one_tree.contains("expand") || one_tree.contains("too-deep"));
    }
    // The runs do repeat names across files and do blow the budget now and then.
    assert!(duplicates > 30 && budget > 3, "{duplicates} {budget}");
}

/// `duplicate-enum-value` flags exactly the values equal (as JSON values) to one listed before them, as
/// comparing each with every earlier one does: numbers by their JSON value (`1` is not `1.0`, `0.0` is
/// `-0.0`), objects whatever the order of their keys, arrays in order.
#[test]
fn duplicate_enum_values_are_those_equal_to_an_earlier_one() {
    let pool = [
        "1",
        "1.0",
        "0.0",
        "-0.0",
        "0",
        "\"a\"",
        "\"A\"",
        "\"1\"",
        "null",
        "true",
        "[1, 2]",
        "[2, 1]",
        "{\"a\": 1, \"b\": [0.0]}",
        "{\"b\": [-0.0], \"a\": 1}",
        "{\"a\": 1}",
    ];
    let mut rng = Rng(0xe9_u64 << 32 | 0x0dd);
    for case in 0..200 {
        let mut text = String::from(
            "e:\n  description: one event to list values\n  parameters:\n    p:\n      type: json\n      enum: [",
        );
        let (mut expected, mut listed) = (Vec::new(), Vec::<serde_json::Value>::new());
        for i in 0..1 + rng.below(12) {
            if i > 0 {
                text.push_str(", ");
            }
            let item = pool[rng.below(pool.len())];
            let value: serde_json::Value = serde_json::from_str(item).unwrap();
            if listed.contains(&value) {
                expected.push(text.len());
            }
            listed.push(value);
            text.push_str(item);
        }
        text.push_str("]\n");
        let compiled = crate::check_texts(&[("e.yaml", &text)], &crate::config::Config::default());
        let found: Vec<usize> = (compiled.diagnostics.iter())
            .filter(|d| d.code == "duplicate-enum-value")
            .map(|d| d.span().unwrap().start as usize)
            .collect();
        assert_eq!(found, expected, "case {case}: {text}");
    }
}
