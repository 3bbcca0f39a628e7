//! End-to-end tests of `evdef lsp`: the real binary, spoken to in JSON-RPC over its stdin/stdout.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod client;

use client::{Client, position, url};
use serde_json::{Value, json};

const PRELUDE: &str = "\
.user: &user
  user_id: integer
  user_email:
    type: email
    description: Where receipts go
    pii: true
.client: &client
  client_id: string
";

const API: &str = "\
api_checked_in:
  description: A user checked in at a café 😀
  parameters:
    <<: *user
    <<: *client
    venue: string
";

/// A definitions tree with `evdef.toml`, a prelude and one events file.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("evdef.toml"),
        "[definitions]\npaths = [\"definitions\"]\n",
    )
    .unwrap();
    let defs = dir.path().join("definitions");
    std::fs::create_dir(&defs).unwrap();
    std::fs::write(defs.join("_common.yaml"), PRELUDE).unwrap();
    std::fs::write(defs.join("api.yaml"), API).unwrap();
    dir
}

fn open(client: &mut Client, uri: &str, text: &str) {
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
    );
}

fn change(client: &mut Client, uri: &str, version: i32, text: &str) {
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
    );
}

fn at(uri: &str, position: Value) -> Value {
    json!({"textDocument": {"uri": uri}, "position": position})
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect()
}

#[test]
fn diagnostics_hover_definition_references_symbols() {
    let dir = project();
    let api = url(&dir.path().join("definitions/api.yaml"));
    let prelude = url(&dir.path().join("definitions/_common.yaml"));
    let mut client = Client::start(dir.path(), &[]);
    open(&mut client, &api, API);
    assert_eq!(client.diagnostics(&api), Vec::<Value>::new());

    // Hover on the event: the resolved table, with the fragment each parameter came from.
    let hover = client.request(
        "textDocument/hover",
        at(&api, position(API, "api_checked_in", 3)),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("A user checked in at a café 😀"), "{text}");
    assert!(
        text.contains("| `user_id` | `integer` | yes | no | `.user` |"),
        "{text}"
    );
    assert!(
        text.contains("| `venue` | `string` | yes | no | — |"),
        "{text}"
    );

    // Hover on an alias: the fragment's resolved content.
    let hover = client.request("textDocument/hover", at(&api, position(API, "*user", 2)));
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("fragment `.user`"), "{text}");
    assert!(text.contains("| `user_email` | `email` |"), "{text}");

    // Hover on a parameter in the prelude (a file that is not open).
    let hover = client.request(
        "textDocument/hover",
        at(&prelude, position(PRELUDE, "user_email", 1)),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("**parameter** `user_email`: `email`"),
        "{text}"
    );
    assert!(text.contains("Where receipts go"), "{text}");

    // Definition: from the alias in api.yaml to the anchor in the prelude.
    let found = client.request(
        "textDocument/definition",
        at(&api, position(API, "*client", 3)),
    );
    assert_eq!(found["uri"], prelude.as_str());
    assert_eq!(found["range"]["start"], position(PRELUDE, "&client", 0));
    assert_eq!(found["range"]["end"], position(PRELUDE, "&client", 7));

    // References of the anchor: the alias in api.yaml (and the anchor, when asked).
    let mut params = at(&prelude, position(PRELUDE, "&user", 1));
    params["context"] = json!({"includeDeclaration": true});
    let found = client.request("textDocument/references", params);
    let found = found.as_array().unwrap();
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0]["uri"], prelude.as_str());
    assert_eq!(found[1]["uri"], api.as_str());
    assert_eq!(found[1]["range"]["start"], position(API, "*user", 0));
    // From the fragment's name too.
    let mut params = at(&prelude, position(PRELUDE, ".client", 2));
    params["context"] = json!({"includeDeclaration": false});
    let found = client.request("textDocument/references", params);
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found[0]["range"]["start"], position(API, "*client", 0));

    // Document symbols: named by their YAML key, the type in `detail`.
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": api}}),
    );
    assert_eq!(symbols[0]["name"], "api_checked_in");
    let children = symbols[0]["children"].as_array().unwrap();
    assert_eq!(
        children.len(),
        1,
        "only parameters written here: {children:?}"
    );
    assert_eq!(children[0]["name"], "venue");
    assert_eq!(children[0]["detail"], "string");
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": prelude}}),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, [".user", ".client"]);

    assert!(client.shutdown().success());
}

#[test]
fn a_change_introduces_then_fixes_an_error_with_a_quick_fix() {
    let dir = project();
    let api = url(&dir.path().join("definitions/api.yaml"));
    let mut client = Client::start(dir.path(), &[]);
    open(&mut client, &api, API);
    assert_eq!(client.diagnostics(&api), Vec::<Value>::new());

    let broken = API.replace("venue: string", "venue: strng?");
    change(&mut client, &api, 2, &broken);
    let found = client.diagnostics_at(&api, 2);
    assert_eq!(codes(&found), ["unknown-type"], "{found:?}");
    // A request after the change sees it: the quick fix replaces the misspelt word only.
    let range = found[0]["range"].clone();
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": api}, "range": range, "context": {"diagnostics": []}}),
    );
    let edit = &actions[0]["edit"]["changes"][&api][0];
    assert_eq!(edit["newText"], "string", "{actions}");
    assert_eq!(edit["range"]["start"], position(&broken, "strng", 0));
    assert_eq!(edit["range"]["end"], position(&broken, "strng", 5));

    // Completion after a parameter key offers the short forms.
    let typing = API.replace("venue: string", "venue: strng?\n    city: ");
    change(&mut client, &api, 3, &typing);
    let items = client.request(
        "textDocument/completion",
        at(&api, position(&typing, "city: ", 6)),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    for wanted in ["string", "string?", "uuid[]", "integer[]?"] {
        assert!(labels.contains(&wanted), "{labels:?}");
    }
    // And anchors after `*`, the prelude's included.
    let typing = API.replace("venue: string", "<<: *");
    change(&mut client, &api, 4, &typing);
    let items = client.request(
        "textDocument/completion",
        at(&api, position(&typing, "<<: *\n", 5)),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["user", "client"]);

    change(&mut client, &api, 5, API);
    assert_eq!(client.diagnostics_at(&api, 5), Vec::<Value>::new());
    change(&mut client, &api, 6, &broken);
    assert_eq!(codes(&client.diagnostics_at(&api, 6)), ["unknown-type"]);
    change(&mut client, &api, 7, API);
    assert_eq!(client.diagnostics_at(&api, 7), Vec::<Value>::new());
    assert!(client.shutdown().success());
}

#[test]
fn editing_a_prelude_republishes_the_files_using_its_anchors() {
    let dir = project();
    let api = url(&dir.path().join("definitions/api.yaml"));
    let prelude = url(&dir.path().join("definitions/_common.yaml"));
    let mut client = Client::start(dir.path(), &[]);
    open(&mut client, &prelude, PRELUDE);
    // Opening a file publishes every file of its tree.
    assert_eq!(client.diagnostics(&prelude), Vec::<Value>::new());
    assert_eq!(client.diagnostics(&api), Vec::<Value>::new());
    // api.yaml is not open: its diagnostics come from the disk, laid under the prelude's buffer.
    change(&mut client, &prelude, 2, &PRELUDE.replace("&user", "&usr"));
    let found = client.diagnostics(&api);
    assert_eq!(codes(&found), ["undefined-alias"], "{found:?}");
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `*usr`?")
    );
    change(&mut client, &prelude, 3, PRELUDE);
    assert_eq!(client.diagnostics(&api), Vec::<Value>::new());
    // A change on disk, outside the editor, announced by the client's file watcher.
    let on_disk = API.replace("*client", "*clint");
    std::fs::write(dir.path().join("definitions/api.yaml"), &on_disk).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": api, "type": 2}]}),
    );
    let found = client.diagnostics(&api);
    assert_eq!(codes(&found), ["undefined-alias"], "{found:?}");
    assert!(client.shutdown().success());
}

#[test]
fn a_half_typed_file_and_a_panicking_request_do_not_stop_the_server() {
    let dir = project();
    let api = url(&dir.path().join("definitions/api.yaml"));
    let mut client = Client::start(dir.path(), &[("EVDEF_LSP_TEST_PANIC", "1")]);
    let half = "api_checked_in:\n  parameters:\n    <<: *\n    x: [strin\n  descr";
    open(&mut client, &api, half);
    assert!(!client.diagnostics(&api).is_empty());
    for method in [
        "textDocument/hover",
        "textDocument/definition",
        "textDocument/completion",
    ] {
        for line in 0..6 {
            for character in [0, 3, 7, 30] {
                let position = json!({"line": line, "character": character});
                let response = client.request_raw(method, at(&api, position));
                assert!(response.get("error").is_none(), "{method}: {response}");
            }
        }
    }

    let response = client.request_raw("evdef/panic", Value::Null);
    assert_eq!(response["error"]["code"], -32603, "{response}");
    let log = client.wait("the panic's log message", |m| {
        m["method"] == "window/logMessage" && m["params"]["type"] == 1
    });
    assert!(
        log["params"]["message"]
            .as_str()
            .unwrap()
            .contains("evdef/panic"),
        "{log}"
    );
    // Still serving.
    change(&mut client, &api, 2, API);
    // And printed on stderr by the panic hook.
    client.stderr_with("evdef/panic asked for");
    assert_eq!(client.diagnostics_at(&api, 2), Vec::<Value>::new());
    let hover = client.request("textDocument/hover", at(&api, position(API, "venue", 1)));
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("`venue`")
    );
    assert!(client.shutdown().success());
}

#[test]
fn yaml_outside_the_definitions_tree_is_left_alone() {
    let dir = project();
    std::fs::create_dir(dir.path().join("ci")).unwrap();
    let outside_path = dir.path().join("ci/workflow.yaml");
    let workflow = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n";
    std::fs::write(&outside_path, workflow).unwrap();
    let outside = url(&outside_path);
    let api = url(&dir.path().join("definitions/api.yaml"));
    let mut client = Client::start(dir.path(), &[]);
    open(&mut client, &outside, workflow);
    let hover = client.request(
        "textDocument/hover",
        at(&outside, position(workflow, "jobs", 1)),
    );
    assert_eq!(hover, Value::Null);
    open(&mut client, &api, API);
    assert_eq!(client.diagnostics(&api), Vec::<Value>::new());
    assert!(!client.received(|m| m["params"]["uri"] == outside.as_str()));
    assert!(client.shutdown().success());
}

/// Every prefix of the shipped catalog's files, as if typed from the top: the server answers every request
/// after every change, and no panic is logged.
#[test]
fn every_prefix_of_the_shipped_catalog_is_served() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("evdef.toml"),
        "[definitions]\npaths = [\"definitions\"]\n",
    )
    .unwrap();
    let defs = dir.path().join("definitions");
    std::fs::create_dir(&defs).unwrap();
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("definitions");
    // The whole catalog, so that the prelude's fragments are used (`unused-fragment`).
    for entry in std::fs::read_dir(&shipped).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            std::fs::copy(&path, defs.join(path.file_name().unwrap())).unwrap();
        }
    }
    let mut client = Client::start(dir.path(), &[]);
    let mut version = 0;
    for name in ["api.yaml", "_common.yaml"] {
        let uri = url(&defs.join(name));
        let text = std::fs::read_to_string(defs.join(name)).unwrap();
        open(&mut client, &uri, &text);
        let cuts = (0..text.len())
            .step_by(97)
            .filter(|&i| text.is_char_boundary(i));
        for cut in cuts.chain([text.len()]) {
            version += 1;
            let prefix = &text[..cut];
            change(&mut client, &uri, version, prefix);
            let end = json!({
                "line": prefix.matches('\n').count(),
                "character": prefix.rsplit('\n').next().unwrap_or("").encode_utf16().count(),
            });
            for method in [
                "textDocument/hover",
                "textDocument/completion",
                "textDocument/definition",
            ] {
                let response = client.request_raw(method, at(&uri, end.clone()));
                assert!(
                    response.get("error").is_none(),
                    "{method} at {cut}: {response}"
                );
            }
            let symbols = client.request_raw(
                "textDocument/documentSymbol",
                json!({"textDocument": {"uri": uri}}),
            );
            assert!(symbols.get("error").is_none(), "{symbols}");
        }
        // The whole file again: clean.
        assert_eq!(client.diagnostics_at(&uri, version), Vec::<Value>::new());
    }
    assert!(
        !client.received(|m| m["params"]["type"] == 1),
        "a panic was logged"
    );
    assert!(client.shutdown().success());
}

/// What an editor shows on the shipped catalog: hovers on an event, a parameter and an alias.
#[test]
fn hovers_on_the_shipped_catalog() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let api_path = root.join("definitions/api.yaml");
    let api = url(&api_path);
    let text = std::fs::read_to_string(&api_path).unwrap();
    let mut client = Client::start(root, &[]);
    let mut hover = |needle: &str, skip: usize| {
        let found = client.request(
            "textDocument/hover",
            at(&api, position(&text, needle, skip)),
        );
        found["contents"]["value"].as_str().unwrap().to_string()
    };
    insta::assert_snapshot!("hover_event", hover("api_rejected_check_in:", 1));
    insta::assert_snapshot!("hover_parameter", hover("retry_after_s:", 1));
    insta::assert_snapshot!("hover_alias", hover("*checkin", 2));
    assert!(client.shutdown().success());
}

#[test]
fn naming_convention_quick_fix() {
    let dir = project();
    let api = url(&dir.path().join("definitions/api.yaml"));
    let text = API.replace("api_checked_in", "ApiCheckedIn");
    let mut client = Client::start(dir.path(), &[]);
    open(&mut client, &api, &text);
    let found = client.diagnostics_at(&api, 1);
    assert_eq!(codes(&found), ["naming-convention"], "{found:?}");
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": api}, "range": found[0]["range"], "context": {"diagnostics": found}}),
    );
    assert_eq!(actions[0]["title"], "replace with `api_checked_in`");
    let edit = &actions[0]["edit"]["changes"][&api][0];
    assert_eq!(edit["newText"], "api_checked_in");
    assert_eq!(edit["range"]["start"], json!({"line": 0, "character": 0}));
    assert_eq!(edit["range"]["end"], json!({"line": 0, "character": 12}));
    assert!(client.shutdown().success());
}

/// The one quick fix offered for the first diagnostic of `uri` with `code`: (new text, start, end).
fn quick_fix(client: &mut Client, uri: &str, found: &[Value], code: &str) -> (Value, Value, Value) {
    let d = found
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no `{code}` in {found:?}"));
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    assert_eq!(actions.as_array().map(Vec::len), Some(1), "{actions}");
    let edit = &actions[0]["edit"]["changes"][uri][0];
    (
        edit["newText"].clone(),
        edit["range"]["start"].clone(),
        edit["range"]["end"].clone(),
    )
}

#[test]
fn unknown_type_quick_fix_replaces_exactly_the_type() {
    let dir = project();
    let api = url(&dir.path().join("definitions/api.yaml"));
    let mut client = Client::start(dir.path(), &[]);
    // Long form, after a café 😀 on an earlier line (UTF-16 columns): only the word after `type: `.
    let text = API.replace(
        "venue: string",
        "venue:\n      type: strng\n      description: Where 😀",
    );
    open(&mut client, &api, &text);
    let found = client.diagnostics_at(&api, 1);
    let (with, start, end) = quick_fix(&mut client, &api, &found, "unknown-type");
    assert_eq!(with, "string");
    assert_eq!(start, position(&text, "strng", 0));
    assert_eq!(end, position(&text, "strng", 5));

    // Quoted short form with suffixes: inside the quotes, the suffixes kept.
    let text = API.replace("venue: string", "venue: \"uuuid[]?\"");
    change(&mut client, &api, 2, &text);
    let found = client.diagnostics_at(&api, 2);
    let (with, start, end) = quick_fix(&mut client, &api, &found, "unknown-type");
    assert_eq!(with, "uuid");
    assert_eq!(start, position(&text, "uuuid", 0));
    assert_eq!(end, position(&text, "uuuid", 5));

    // An alias: the name after `*`. An unknown key: the key.
    let text = API
        .replace("*client", "*clint")
        .replace("description:", "descripton:");
    change(&mut client, &api, 3, &text);
    let found = client.diagnostics_at(&api, 3);
    let (with, start, end) = quick_fix(&mut client, &api, &found, "undefined-alias");
    assert_eq!(with, "client");
    assert_eq!(start, position(&text, "clint", 0));
    assert_eq!(end, position(&text, "clint", 5));
    let (with, start, end) = quick_fix(&mut client, &api, &found, "unknown-key");
    assert_eq!(with, "description");
    assert_eq!(start, position(&text, "descripton", 0));
    assert_eq!(end, position(&text, "descripton", 10));
    assert!(client.shutdown().success());
}

#[test]
fn config_flag_overrides_the_evdef_toml_search() {
    let dir = project();
    let api = url(&dir.path().join("definitions/api.yaml"));
    let text = API.replace("api_checked_in", "ApiCheckedIn");
    std::fs::create_dir(dir.path().join("ci")).unwrap();
    std::fs::write(
        dir.path().join("ci/pascal.toml"),
        "[definitions]\npaths = [\"../definitions\"]\n[lint]\nnaming = \"^[A-Z][A-Za-z]*$\"\n",
    )
    .unwrap();
    let messages = |found: &[Value]| -> Vec<String> {
        found
            .iter()
            .map(|d| {
                let message = d["message"].as_str().unwrap();
                message
                    .split(" does not follow")
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    // Without it, the `evdef.toml` above the file: snake case, so the event name is off.
    let mut client = Client::start(dir.path(), &[]);
    open(&mut client, &api, &text);
    assert_eq!(
        messages(&client.diagnostics_at(&api, 1)),
        ["event name `ApiCheckedIn`"]
    );
    assert!(client.shutdown().success());
    // With it, that file for every definitions file (its paths relative to it): Pascal case, so the
    // event is fine and the parameter written here is off.
    let mut client = Client::start_with(dir.path(), &["--config", "ci/pascal.toml"], &[]);
    open(&mut client, &api, &text);
    assert_eq!(
        messages(&client.diagnostics_at(&api, 1)),
        ["parameter name `venue` (`ApiCheckedIn.venue`)"]
    );
    assert!(client.shutdown().success());
}
