//! The source layout (issue 16 §3): every file under `src/` opens with a `//!` header saying what it
//! owns, no file is over 600 lines, and no two sibling modules import each other, directly or round a
//! longer loop (a module and its own submodules may use each other; that is how Rust modules work).
//! `cargo test --test layout -- --nocapture` prints the import graph between top-level modules.

#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Longest a source file may be.
const MAX_LINES: usize = 600;

/// Files allowed over [`MAX_LINES`] for now, with the reason. Keep this empty when you can.
const LONG_FILES: &[(&str, &str)] = &[];

/// A module path under the crate roots (`lib.rs` and `main.rs` are the empty path; `cli` belongs to the
/// binary, whose `crate::` is `main.rs`, but its names do not clash with the library's).
type ModPath = Vec<String>;

/// Every `*.rs` file under `src/`, sorted.
fn sources() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() > 20, "found the sources: {files:?}");
    files
}

/// `src/...` with forward slashes.
fn relative(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

/// The module a file defines: `src/emit/docs/mod.rs` and `src/emit/docs.rs` are both `emit::docs`.
fn module_of(rel: &str) -> ModPath {
    let inner = rel
        .strip_prefix("src/")
        .unwrap()
        .strip_suffix(".rs")
        .unwrap();
    let mut parts: ModPath = inner.split('/').map(str::to_string).collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// Test code: its imports are not the layout (a test may build a catalog through the whole pipeline).
fn is_test_file(rel: &str) -> bool {
    rel.ends_with("/tests.rs") || rel.ends_with("_tests.rs") || rel.contains("/tests/")
}

/// The text before a trailing `#[cfg(test)] mod tests`, without comment lines.
fn code_of(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim();
        if trimmed == "#[cfg(test)]"
            && lines
                .peek()
                .is_some_and(|next| next.trim_start().starts_with("mod tests"))
        {
            break;
        }
        if !trimmed.starts_with("//") {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The paths a file's code names that start at `crate`, `super` or `self`, one level of `{...}` groups
/// expanded: `use super::{a, b::c}` gives `super::a` and `super::b::c`.
fn paths_in(code: &str) -> Vec<Vec<String>> {
    let re = fancy_regex::Regex::new(
        r"\b(crate|super|self)((?:::(?:super|\w+))*)(?:::\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\})?",
    )
    .unwrap();
    let mut out = Vec::new();
    for caps in re.captures_iter(code) {
        let caps = caps.unwrap();
        let mut head: Vec<String> = vec![caps[1].to_string()];
        head.extend(
            caps.get(2)
                .map_or("", |m| m.as_str())
                .split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        );
        match caps.get(3) {
            None => out.push(head),
            Some(group) => {
                for item in split_group(group.as_str()) {
                    let mut path = head.clone();
                    path.extend(
                        item.split("::")
                            .map(|s| s.trim().trim_start_matches('{').to_string())
                            .filter(|s| !s.is_empty() && s != "self"),
                    );
                    out.push(path);
                }
            }
        }
    }
    out
}

/// The top-level items of a `{...}` group (commas inside nested braces do not split).
fn split_group(group: &str) -> Vec<String> {
    let (mut items, mut current, mut depth) = (Vec::new(), String::new(), 0);
    for c in group.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    items.push(current);
    items
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The module a path names, as the longest known module it starts with (`crate::emit::docs::Site` is
/// `emit::docs`), from a file of module `from`. `None` for a path that leaves the known modules.
fn resolve(path: &[String], from: &ModPath, known: &BTreeSet<ModPath>) -> Option<ModPath> {
    let mut base: ModPath = match path[0].as_str() {
        "crate" => Vec::new(),
        _ => from.clone(),
    };
    let mut rest = &path[1..];
    if path[0] == "super" {
        // `super` of `a::b` is `a`, whether `b` is `a/b.rs` or `a/b/mod.rs`.
        base.pop()?;
    }
    while rest.first().is_some_and(|s| s == "super") {
        base.pop()?;
        rest = &rest[1..];
    }
    let mut found = base.clone();
    for segment in rest {
        let mut next = found.clone();
        next.push(segment.clone());
        if known.contains(&next) {
            found = next;
        } else {
            break;
        }
    }
    Some(found)
}

/// Edges `from -> to` between modules, each with the files that make it.
fn module_edges() -> BTreeMap<(ModPath, ModPath), BTreeSet<String>> {
    let files = sources();
    let known: BTreeSet<ModPath> = files.iter().map(|f| module_of(&relative(f))).collect();
    let mut edges: BTreeMap<(ModPath, ModPath), BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let rel = relative(file);
        if is_test_file(&rel) {
            continue;
        }
        let from = module_of(&rel);
        let code = code_of(&std::fs::read_to_string(file).unwrap());
        for path in paths_in(&code) {
            if let Some(to) = resolve(&path, &from, &known)
                && to != from
            {
                edges
                    .entry((from.clone(), to))
                    .or_default()
                    .insert(rel.clone());
            }
        }
    }
    edges
}

/// Sibling edges: `a::x::... -> a::y::...` becomes `a::x -> a::y`; an edge between a module and one of
/// its own descendants or ancestors is dropped.
fn sibling_edges(
    edges: &BTreeMap<(ModPath, ModPath), BTreeSet<String>>,
) -> BTreeMap<(ModPath, ModPath), BTreeSet<String>> {
    let mut out: BTreeMap<(ModPath, ModPath), BTreeSet<String>> = BTreeMap::new();
    for ((from, to), files) in edges {
        let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
        if common == from.len() || common == to.len() {
            continue;
        }
        let a = from[..=common].to_vec();
        let b = to[..=common].to_vec();
        out.entry((a, b)).or_default().extend(files.iter().cloned());
    }
    out
}

/// Strongly connected components with more than one module (Tarjan).
fn cycles(edges: &BTreeMap<(ModPath, ModPath), BTreeSet<String>>) -> Vec<Vec<ModPath>> {
    struct State<'a> {
        next: BTreeMap<&'a ModPath, Vec<&'a ModPath>>,
        index: BTreeMap<&'a ModPath, usize>,
        low: BTreeMap<&'a ModPath, usize>,
        stack: Vec<&'a ModPath>,
        found: Vec<Vec<ModPath>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a ModPath) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        for w in s.next.get(v).cloned().unwrap_or_default() {
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.stack.contains(&w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                component.push(w.clone());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut state = State {
        next: BTreeMap::new(),
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for (from, to) in edges.keys() {
        state.next.entry(from).or_default().push(to);
        state.next.entry(to).or_default();
    }
    let nodes: Vec<&ModPath> = state.next.keys().copied().collect();
    for v in nodes {
        if !state.index.contains_key(v) {
            visit(&mut state, v);
        }
    }
    state.found
}

fn show(m: &ModPath) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

#[test]
fn every_source_file_opens_with_a_module_header() {
    let missing: Vec<String> = sources()
        .iter()
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            !text.trim_start().starts_with("//!")
        })
        .map(|f| relative(f))
        .collect();
    assert!(
        missing.is_empty(),
        "files without a `//!` header saying what they own: {missing:?}"
    );
}

#[test]
fn no_source_file_is_over_600_lines() {
    let long: Vec<String> = sources()
        .iter()
        .map(|f| {
            (
                relative(f),
                std::fs::read_to_string(f).unwrap().lines().count(),
            )
        })
        .filter(|(rel, n)| *n > MAX_LINES && !LONG_FILES.iter().any(|(l, _)| l == rel))
        .map(|(rel, n)| format!("{rel}: {n} lines"))
        .collect();
    assert!(
        long.is_empty(),
        "split these files (under {MAX_LINES} lines): {long:?}"
    );
}

#[test]
fn no_cycles_between_sibling_modules() {
    let siblings = sibling_edges(&module_edges());
    let top: Vec<String> = siblings
        .keys()
        .filter(|(a, _)| a.len() == 1)
        .map(|(a, b)| format!("{} -> {}", show(a), show(b)))
        .collect();
    println!("imports between top-level modules:\n  {}", top.join("\n  "));
    let found = cycles(&siblings);
    let described: Vec<String> = found
        .iter()
        .map(|component| {
            let ties: Vec<String> = siblings
                .iter()
                .filter(|((a, b), _)| component.contains(a) && component.contains(b))
                .map(|((a, b), files)| format!("{} -> {} ({files:?})", show(a), show(b)))
                .collect();
            ties.join("; ")
        })
        .collect();
    assert!(found.is_empty(), "module cycles: {described:#?}");
}

/// The checker itself: it sees a planted cycle between siblings and ignores parent-child edges.
#[test]
fn the_cycle_check_finds_a_sibling_cycle() {
    let m = |s: &str| s.split("::").map(str::to_string).collect::<ModPath>();
    let known: BTreeSet<ModPath> = ["emit", "emit::docs", "emit::docs::html", "emit::docs::svg"]
        .into_iter()
        .map(m)
        .collect();
    let html = m("emit::docs::html");
    let svg = m("emit::docs::svg");
    let code_html = "use super::svg::{self, Node};\nuse super::{Site, text};\n";
    let code_svg = "fn f() { super::html::escape(\"\"); }\nuse crate::emit::docs::Site;\n";
    let mut edges = BTreeMap::new();
    for (from, code) in [(&html, code_html), (&svg, code_svg)] {
        for path in paths_in(code) {
            let to = resolve(&path, from, &known).unwrap();
            if &to != from {
                edges
                    .entry((from.clone(), to))
                    .or_insert_with(BTreeSet::new)
                    .insert(String::new());
            }
        }
    }
    let siblings = sibling_edges(&edges);
    assert!(
        siblings.contains_key(&(html.clone(), svg.clone())),
        "{siblings:?}"
    );
    assert!(
        siblings.contains_key(&(svg.clone(), html.clone())),
        "{siblings:?}"
    );
    assert!(
        !siblings.keys().any(|(_, b)| *b == m("emit::docs")),
        "parent edges are dropped"
    );
    assert_eq!(cycles(&siblings), vec![vec![html, svg]]);
}
