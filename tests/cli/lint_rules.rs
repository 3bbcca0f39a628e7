//! The catalog-wide lint rules: `--explain` for each, their `[lint.*]` settings, the `pii:` key in the
//! language and in the JSON Schema, and the same findings on one core and on sixteen.

use super::{evdef, evdef_in, fixture, run};

/// The new rules, each with a fixture under `tests/fixtures/lint/<code>/`.
const RULES: [&str; 7] = [
    "inconsistent-parameter",
    "unused-fragment",
    "pii-parameter",
    "redundant-override",
    "enum-value-case",
    "description-quality",
    "too-many-parameters",
];

/// (code, line) of every finding of `check --format json` run in `dir` on `path`.
fn findings(dir: &std::path::Path, path: &str) -> (i32, Vec<(String, u64)>) {
    let (code, stdout, stderr) = run(evdef_in(dir).args(["check", "--format", "json", path]));
    let v: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    let found = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["location"]["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    (code, found)
}

#[test]
fn every_rule_explains_what_why_and_an_example() {
    for rule in RULES {
        let (code, stdout, stderr) = run(evdef().args(["check", "--explain", rule]));
        assert_eq!(code, 0, "{rule}: {stderr}");
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "```yaml",
        ] {
            assert!(
                stdout.contains(section),
                "{rule}: no `{section}` in\n{stdout}"
            );
        }
    }
    insta_cmd::assert_cmd_snapshot!(evdef().args(["check", "--explain", "pii-parameter"]));
}

#[test]
fn every_new_rule_is_a_warning_and_can_be_turned_off() {
    for rule in RULES {
        let path = fixture(&format!("lint/{rule}"));
        let (code, stdout, _) = run(evdef().args(["check", "--format", "json", &path]));
        assert_eq!(code, 1, "{rule}");
        let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let own: Vec<&serde_json::Value> = v
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == rule)
            .collect();
        assert!(!own.is_empty(), "{rule} did not fire");
        assert!(own.iter().all(|d| d["severity"] == "warning"), "{rule}");
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("evdef.toml"),
        "[lint.rules]\npii-parameter = \"off\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("a.yaml"),
        "app_opened:\n  description: The app came to the foreground\n  parameters:\n    user_email: email\n",
    )
    .unwrap();
    assert_eq!(findings(dir.path(), "a.yaml"), (0, vec![]));
}

#[test]
fn settings_change_what_the_rules_report() {
    let dir = tempfile::tempdir().unwrap();
    let defs = "checkout_completed:\n  description: Order confirmed\n  parameters:\n    user_email: email\n    payer_iban: string\n    amount: integer\n";
    std::fs::write(dir.path().join("a.yaml"), defs).unwrap();
    // Defaults: a two-word description, an email; `payer_iban` is not on the default list.
    let (code, found) = findings(dir.path(), "a.yaml");
    assert_eq!(code, 1);
    assert_eq!(
        found,
        [
            ("description-quality".to_string(), 1),
            ("pii-parameter".to_string(), 4)
        ]
    );
    std::fs::write(
        dir.path().join("evdef.toml"),
        "[lint.description-quality]\nmin_words = 2\n\n[lint.too-many-parameters]\nmax = 2\n\n\
         [lint.pii-parameter]\nnames = [\"iban\"]\n",
    )
    .unwrap();
    let (code, found) = findings(dir.path(), "a.yaml");
    assert_eq!(code, 1);
    // The email type is reported whatever the names; `iban` now is too.
    assert_eq!(
        found,
        [
            ("too-many-parameters".to_string(), 1),
            ("pii-parameter".to_string(), 4),
            ("pii-parameter".to_string(), 5)
        ]
    );
}

#[test]
fn unknown_or_mistyped_settings_cannot_run() {
    for toml in [
        "[lint.pii-parameter]\nnmaes = [\"iban\"]\n",
        "[lint.too-many-parameters]\nmax = \"many\"\n",
        "[lint.description-quality]\nminimum = 3\n",
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("evdef.toml"), toml).unwrap();
        std::fs::write(
            dir.path().join("a.yaml"),
            "e:\n  description: An event for a test\n",
        )
        .unwrap();
        let (code, _, stderr) = run(evdef_in(dir.path()).args(["check", "a.yaml"]));
        assert_eq!(code, 2, "{toml}\n{stderr}");
    }
}

#[test]
fn pii_keys_are_read_checked_and_emitted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.yaml"),
        "signed_up:\n  description: A user created an account\n  parameters:\n    \
         user_email: {type: email, pii: true, classification: contact}\n    \
         client_ip: {type: string, pii: false}\n    referrer: url\n",
    )
    .unwrap();
    let (code, _, stderr) = run(evdef_in(dir.path()).args(["check", "a.yaml"]));
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) =
        run(evdef_in(dir.path()).args(["emit", "json-schema", "-d", "a.yaml", "--out", "out"]));
    assert_eq!(code, 0, "{stderr}");
    let schema: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("out/signed_up.schema.json")).unwrap(),
    )
    .unwrap();
    let props = &schema["properties"];
    assert_eq!(props["user_email"]["x-pii"], true);
    assert_eq!(props["user_email"]["x-pii-classification"], "contact");
    assert_eq!(props["client_ip"]["x-pii"], false);
    assert!(props["client_ip"].get("x-pii-classification").is_none());
    assert!(props["referrer"].get("x-pii").is_none());
    let (code, _, stderr) = run(evdef_in(dir.path()).args([
        "emit", "docs", "a.yaml", "--out", "docs", "--format", "html",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let html = std::fs::read_to_string(dir.path().join("docs/index.html")).unwrap();
    assert_eq!(html.matches("<strong>PII (contact).</strong>").count(), 1);
    let (_, stdout, _) = run(evdef_in(dir.path()).args(["explain", "signed_up", "a.yaml"]));
    assert!(
        stdout.contains("user_email: email (required, pii: contact)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("client_ip: string (required, not pii)"),
        "{stdout}"
    );

    // Malformed: not a boolean; a classification without `pii: true`; `pii` on array items.
    for (bad, expected) in [
        ("x: {type: string, pii: yes please}", "invalid-value"),
        ("x: {type: string, classification: secret}", "invalid-value"),
        (
            "x: {type: string, pii: false, classification: secret}",
            "invalid-value",
        ),
        (
            "x: {type: array, items: {type: email, pii: true}}",
            "invalid-constraint",
        ),
    ] {
        std::fs::write(
            dir.path().join("a.yaml"),
            format!("e:\n  description: An event for a test\n  parameters:\n    {bad}\n"),
        )
        .unwrap();
        let (code, found) = findings(dir.path(), "a.yaml");
        assert_eq!(code, 1, "{bad}");
        assert!(found.iter().any(|(c, _)| c == expected), "{bad}: {found:?}");
    }
}

#[test]
fn findings_are_the_same_on_one_core_and_on_sixteen() {
    for rule in RULES {
        let path = fixture(&format!("lint/{rule}"));
        let with = |threads: &str| {
            run(evdef()
                .args(["check", &path])
                .env("RAYON_NUM_THREADS", threads))
        };
        assert_eq!(with("1"), with("16"), "{rule}");
    }
}
