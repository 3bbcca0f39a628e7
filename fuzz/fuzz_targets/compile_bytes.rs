//! Fuzz target: the YAML loader, resolver, lint and example checks on arbitrary bytes. A `\0` splits the
//! input into a prelude (`_common.yaml`, before it) and a definitions file (after it), so anchors defined
//! in a prelude are exercised too. Any panic, or a run that does not finish, is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let files: Vec<(&str, &str)> = match text.split_once('\0') {
        Some((prelude, rest)) => vec![("_common.yaml", prelude), ("events.yaml", rest)],
        None => vec![("events.yaml", &*text)],
    };
    let compiled = evdef::check_texts(&files, &evdef::Config::default());
    // Every diagnostic must render (spans inside their file).
    for d in &compiled.diagnostics {
        let _ = format!("{d:?}");
    }
});
