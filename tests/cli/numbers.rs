//! `evdef validate` reads `integer` as a signed 64-bit integer, as the generated Rust types do: a number
//! past the range is invalid with a message naming the bound, an integral float (`1.0`, `1e2`, `-0`) is an
//! integer, and a number too large for serde_json (`1e400`) is malformed JSON.

use super::{VALID, evdef_in as evdef, fixture_path as fixture, run_with_stdin};

#[test]
fn integers_are_signed_64_bit() {
    let values = [
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        // Read by serde_json as the f64 -2^63, which is i64::MIN: valid (and so for the Rust types).
        "-9223372036854775809",
        "18446744073709551616",
        "1e19",
        "-1e19",
        "1.0",
        "1e2",
        "-0",
        "1.5",
        "1e400",
    ];
    let mut input = String::new();
    for value in values {
        input.push_str(&VALID.replace("\"user_id\":1", &format!("\"user_id\":{value}")));
        input.push('\n');
    }
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = evdef(dir.path());
    cmd.args(["validate", "-d"])
        .arg(fixture("validate/catalog"));
    let output = run_with_stdin(cmd, input.as_bytes());
    let stdout = String::from_utf8(output.stdout).unwrap();
    let report = format!("exit {:?}\n{stdout}", output.status.code());
    insta::assert_snapshot!(report);
}
