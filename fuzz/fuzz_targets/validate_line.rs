//! Fuzz target: `Validator::validate_line` on arbitrary bytes against the shipped catalog
//! (`definitions/`, compiled once). Any panic is a bug; every line gets a verdict.
#![no_main]

use std::sync::LazyLock;

use evdef::validate::Validator;
use libfuzzer_sys::fuzz_target;

static VALIDATOR: LazyLock<Validator> = LazyLock::new(|| {
    let files = [
        ("_common.yaml", include_str!("../../definitions/_common.yaml")),
        ("api.yaml", include_str!("../../definitions/api.yaml")),
        ("ios.yaml", include_str!("../../definitions/ios.yaml")),
        ("android.yaml", include_str!("../../definitions/android.yaml")),
        ("crm.yaml", include_str!("../../definitions/crm.yaml")),
    ];
    let config = evdef::Config::default();
    let compiled = evdef::check_texts(&files, &config);
    assert!(!compiled.has_errors(), "the shipped catalog compiles");
    Validator::new(&compiled.catalog, &config.envelope).expect("a validator for the shipped catalog")
});

fuzz_target!(|data: &[u8]| {
    let verdict = VALIDATOR.validate_line(data);
    let _ = verdict.status.is_accepted();
});
