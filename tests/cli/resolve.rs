//! `evdef resolve`: the resolved catalog as JSON and YAML.

use insta_cmd::assert_cmd_snapshot;

use super::{evdef, fixture, run};

#[test]
fn seed_resolves_to_json_with_merged_order_and_origins() {
    let (code, stdout, stderr) = run(evdef().args(["resolve", &fixture("cli/seed")]));
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let params = v["events"]["api_created_check_in"]["parameters"]
        .as_object()
        .unwrap();
    let keys: Vec<&str> = params.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "user_id",
            "user_email",
            "client_id",
            "client_version",
            "checkin_id",
            "business_id",
            "insecure_mode",
            "offline_checkin",
            "checkin_at"
        ]
    );
    assert_eq!(params["checkin_at"]["type"], "timestamp");
    assert_eq!(params["client_version"]["required"], false);
    assert_eq!(params["user_id"]["origin"]["via"][0]["fragment"], ".user");
    insta::assert_snapshot!(stdout);
}

#[test]
fn yaml_format() {
    assert_cmd_snapshot!(evdef().args(["resolve", "--format", "yaml", &fixture("cli/seed")]));
}

#[test]
fn errors_stop_resolve_with_exit_one() {
    let (code, stdout, stderr) =
        run(evdef().args(["resolve", &fixture("diagnostics/unknown-type")]));
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(stderr.contains("unknown type `strnig`"), "{stderr}");
}
