//! The docs backend on fixture catalogs: Markdown snapshots, every internal link and anchor resolving in
//! both formats, nothing external in the HTML, deterministic output, and the `emit docs` command.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use evdef::emit::OutputFile;
use evdef::emit::docs::{self, DocsFormat, DocsOptions};
use evdef::{Catalog, Options};

const FIXTURES: &str = "tests/fixtures/docs";

fn catalogs() -> Vec<(String, Catalog)> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(FIXTURES)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= 2,
        "expected fixture catalogs under {FIXTURES}"
    );
    dirs.into_iter()
        .map(|dir| {
            let compiled = evdef::compile(&Options::new().with_path(&dir)).unwrap();
            assert!(
                !compiled.has_errors(),
                "{}: {:?}",
                dir.display(),
                compiled.diagnostics
            );
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            (name, compiled.catalog)
        })
        .collect()
}

/// The fixtures, plus the shipped `definitions/` when the repository has them (not snapshotted: they
/// change often, but their links must resolve too).
fn catalogs_with_shipped() -> Vec<(String, Catalog)> {
    let mut all = catalogs();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("definitions");
    if shipped.is_dir() {
        let compiled = evdef::compile(&Options::new().with_path(&shipped)).unwrap();
        assert!(
            !compiled.has_errors(),
            "definitions/: {:?}",
            compiled.diagnostics
        );
        all.push(("definitions".to_string(), compiled.catalog));
    }
    all
}

fn by_path(files: &[OutputFile]) -> BTreeMap<String, &str> {
    files
        .iter()
        .map(|f| {
            (
                f.path.to_string_lossy().replace('\\', "/"),
                f.contents.as_str(),
            )
        })
        .collect()
}

#[test]
fn markdown_snapshots() {
    for (name, catalog) in catalogs() {
        let files = docs::emit(
            &catalog,
            &DocsOptions::new().with_format(Some(DocsFormat::Markdown)),
        );
        let mut all = String::new();
        for (path, contents) in by_path(&files) {
            if path.ends_with(".md") {
                all.push_str(&format!("==> {path} <==\n{contents}\n"));
            }
        }
        insta::assert_snapshot!(format!("markdown_{name}"), all);
    }
}

#[test]
fn output_is_deterministic_and_format_selects_files() {
    for (_, catalog) in catalogs() {
        let a = docs::emit(&catalog, &DocsOptions::new());
        let b = docs::emit(&catalog, &DocsOptions::new());
        assert_eq!(a, b);
        let html = docs::emit(
            &catalog,
            &DocsOptions::new().with_format(Some(DocsFormat::Html)),
        );
        assert_eq!(html.len(), 1);
        assert_eq!(html[0].path, Path::new("index.html"));
        let md = docs::emit(
            &catalog,
            &DocsOptions::new().with_format(Some(DocsFormat::Markdown)),
        );
        assert_eq!(md.len() + 1, a.len());
        assert!(md.iter().all(|f| f.path != Path::new("index.html")));
    }
}

/// Every `[text](target)` link in the Markdown (and `href` in the SVG) names an existing file and, with a
/// `#fragment`, an anchor that file declares (`<a id>`); every `href="#x"` in the HTML names an `id`.
#[test]
fn every_internal_link_resolves() {
    // `\](` is escaped text, not a link.
    let md_link = fancy_regex::Regex::new(r"(?<!\\)\]\(([^)\s]+)\)").unwrap();
    let md_anchor = fancy_regex::Regex::new(r#"<a id="([^"]+)"></a>"#).unwrap();
    let href = fancy_regex::Regex::new(r#"href="([^"]*)""#).unwrap();
    let id = fancy_regex::Regex::new(r#"\sid="([^"]*)""#).unwrap();
    let captures = |re: &fancy_regex::Regex, text: &str| -> Vec<String> {
        re.captures_iter(text)
            .map(|c| c.unwrap().get(1).unwrap().as_str().to_string())
            .collect()
    };
    for (name, catalog) in catalogs_with_shipped() {
        let files = docs::emit(&catalog, &DocsOptions::new());
        let files = by_path(&files);
        let anchors: BTreeMap<&str, BTreeSet<String>> = files
            .iter()
            .map(|(path, text)| {
                let re = if path.ends_with(".md") {
                    &md_anchor
                } else {
                    &id
                };
                (path.as_str(), captures(re, text).into_iter().collect())
            })
            .collect();
        let mut checked = 0;
        for (path, text) in &files {
            let links = if path.ends_with(".md") {
                captures(&md_link, text)
            } else {
                captures(&href, text)
            };
            for link in links {
                assert!(
                    !link.contains("://"),
                    "{name}/{path}: external link `{link}`"
                );
                let (file, fragment) = match link.split_once('#') {
                    Some((f, a)) => (f, Some(a)),
                    None => (link.as_str(), None),
                };
                // Links to file names are URL-escaped (`events/with%20space.md`).
                let file = percent_decode(file);
                let target = if file.is_empty() {
                    path.clone()
                } else {
                    join(path, &file)
                };
                assert!(
                    files.contains_key(&target),
                    "{name}/{path}: `{link}` → missing file `{target}`"
                );
                if let Some(fragment) = fragment {
                    assert!(
                        anchors[target.as_str()].contains(fragment),
                        "{name}/{path}: `{link}` → no anchor `{fragment}` in `{target}`"
                    );
                }
                checked += 1;
            }
        }
        assert!(checked > 20, "{name}: only {checked} links checked");
        // Ids are unique in the HTML page.
        let html = files["index.html"];
        let ids = captures(&id, html);
        let unique: BTreeSet<&String> = ids.iter().collect();
        assert_eq!(
            ids.len(),
            unique.len(),
            "{name}: duplicate ids in index.html"
        );
    }
}

/// `a/b.md` + `../c/d.md` → `c/d.md`.
fn join(from: &str, link: &str) -> String {
    let base = Path::new(from).parent().unwrap_or(Path::new(""));
    let mut parts: Vec<String> = Vec::new();
    for c in base.join(link).components() {
        match c {
            Component::ParentDir => {
                assert!(
                    parts.pop().is_some(),
                    "`{link}` from `{from}` leaves the output directory"
                );
            }
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

#[test]
fn html_is_self_contained() {
    for (name, catalog) in catalogs_with_shipped() {
        let files = docs::emit(
            &catalog,
            &DocsOptions::new().with_format(Some(DocsFormat::Html)),
        );
        let html = &files[0].contents;
        // Nothing that loads a resource. (URLs may appear as text, e.g. in examples; every `href` is
        // checked to be internal by `every_internal_link_resolves`.)
        assert_eq!(
            html.matches("url(").count(),
            html.matches("url(#").count(),
            "{name}: a non-local url()"
        );
        for needle in [" src=", "<link", "@import", "<iframe", "<object", "<embed"] {
            assert!(
                !html.contains(needle),
                "{name}: index.html contains `{needle}`"
            );
        }
        assert!(html.contains("prefers-color-scheme:dark"));
        assert!(html.contains("<input id=\"search\""));
        for event in catalog.events.keys() {
            assert!(
                html.contains(&format!(">{}</a></li>", event.replace('&', "&amp;"))),
                "{name}: {event} not in nav"
            );
        }
    }
}

#[test]
fn fragment_usage_and_graph_edges() {
    let (_, shop) = catalogs().into_iter().find(|(n, _)| n == "shop").unwrap();
    let files = docs::emit(&shop, &DocsOptions::new());
    let files = by_path(&files);
    // `.client` reaches the iOS event only through `.mobile` (which merges `.device`, which merges `.client`).
    let client = files["fragments/client.md"];
    assert!(client.contains(
        "[`ios_opened_app`](../events/ios_opened_app.md) — through [`.mobile`](mobile.md)"
    ));
    assert!(
        client.contains("[`api_created_check_in`](../events/api_created_check_in.md) — directly")
    );
    assert!(client.contains("- **Merged by:** [`.device`](device.md)"));
    // Nested `properties: <<: *geo` counts as a use.
    assert!(files["fragments/geo.md"].contains("api_created_check_in"));
    let svg = files["inheritance.svg"];
    assert!(svg.contains(r#"data-from="f:.client" data-to="f:.device""#));
    assert!(svg.contains(r#"data-from="f:.device" data-to="f:.mobile""#));
    assert!(svg.contains(r#"data-from="f:.mobile" data-to="e:ios_opened_app""#));
    assert!(
        !svg.contains(r#"data-to="e:crm_exported_contacts""#),
        "an event without fragments has no edge"
    );
}

/// A chain of 150 merges (its expansion grows with the square of its length): every fragment sits one column right of the one it merges,
/// and the event right of them all (layers and rows found by lookups, not by searching the columns).
#[test]
fn a_long_chain_of_merges_is_layered_link_by_link() {
    const LINKS: usize = 150;
    // Anchors come before their aliases: the chain is written from its end.
    let mut prelude = format!(".f{LINKS}: &f{LINKS}\n  last: string\n");
    for k in (0..LINKS).rev() {
        prelude.push_str(&format!(
            ".f{k}: &f{k}\n  p{k}: string\n  <<: *f{}\n",
            k + 1
        ));
    }
    let events = "e:\n  description: the end of a long chain\n  parameters:\n    <<: *f0\n";
    let compiled = evdef::compile_sources({
        let mut sources = evdef::source::SourceMap::new();
        sources.add(evdef::source::SourceFile::new(
            "_p.yaml",
            "_p.yaml",
            prelude.as_str(),
        ));
        sources.add(evdef::source::SourceFile::new("e.yaml", "e.yaml", events));
        sources
    });
    assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
    let files = docs::emit(&compiled.catalog, &DocsOptions::new());
    let svg = by_path(&files)["inheritance.svg"];
    let x_of = |node: &str| -> f64 {
        let at = svg.find(&format!("data-node=\"{node}\"")).unwrap();
        let rest = &svg[at..];
        let x = &rest[rest.find("<rect x=\"").unwrap() + 9..];
        x[..x.find('"').unwrap()].parse().unwrap()
    };
    for k in 0..LINKS {
        assert!(
            x_of(&format!("f:.f{k}")) > x_of(&format!("f:.f{}", k + 1)),
            "`.f{k}` merges `.f{}`",
            k + 1
        );
    }
    assert!(x_of("e:e") > x_of("f:.f0"));
}

#[test]
fn cli_writes_the_chosen_format_and_refuses_broken_definitions() {
    let out = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_evdef"))
        .args(["emit", "docs", "--format", "md", "--out"])
        .arg(out.path())
        .arg(format!("{FIXTURES}/shop"))
        .output()
        .unwrap();
    assert_eq!(
        status.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert!(out.path().join("README.md").is_file());
    assert!(out.path().join("events/api_created_check_in.md").is_file());
    assert!(!out.path().join("index.html").exists());

    let bad = tempfile::tempdir().unwrap();
    std::fs::write(
        bad.path().join("x.yaml"),
        "e:\n  parameters:\n    a: strin\n",
    )
    .unwrap();
    let target = bad.path().join("out");
    let status = Command::new(env!("CARGO_BIN_EXE_evdef"))
        .args(["emit", "docs", "--out"])
        .arg(&target)
        .arg(bad.path())
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&status.stderr).contains("strin"));
    assert!(
        !target.exists(),
        "nothing is written for broken definitions"
    );
}

#[test]
fn cli_reads_out_and_format_from_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("evdef.toml");
    std::fs::write(&config, "[emit.docs]\nout = \"site\"\nformat = \"html\"\n").unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(FIXTURES)
        .join("shop");
    let run = Command::new(env!("CARGO_BIN_EXE_evdef"))
        .args(["emit", "docs", "--config"])
        .arg(&config)
        .arg(&fixtures)
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        dir.path().join("site/index.html").is_file(),
        "out is relative to evdef.toml"
    );
    assert!(
        !dir.path().join("site/README.md").exists(),
        "format = html writes no Markdown"
    );

    std::fs::write(&config, "[emit.docs]\nformat = \"pdf\"\n").unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_evdef"))
        .args(["emit", "docs", "--config"])
        .arg(&config)
        .arg(&fixtures)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("unknown docs format `pdf`"));
}

/// `%XX` escapes back to bytes (links to event pages are URL-escaped file names).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}
