//! The native format checks against `jsonschema`'s own checkers: on hand-picked tricky strings and on
//! thousands of generated ones (valid shapes, then mutated byte by byte), a native "valid" must always be
//! `jsonschema`'s verdict too; `uuid` must agree both ways, and the common shapes
//! must be decided natively (else the fast path would gain nothing).

use serde_json::{Value, json};

use super::Format;
use crate::testing::Rng;

const FORMATS: [(&str, Format); 5] = [
    ("uuid", Format::Uuid),
    ("date", Format::Date),
    ("date-time", Format::DateTime),
    ("email", Format::Email),
    ("uri", Format::Uri),
];

/// `n` decimal digits of a number up to `max`.
fn digits(rng: &mut Rng, n: usize, max: u64) -> String {
    format!("{:0n$}", rng.next() % (max + 1))
}

const TRICKY: &[&str] = &[
    "",
    "2024-02-29",
    "1598-09-1+",
    "2024-05-01T1+:00:00Z",
    "2023-02-29",
    "1900-02-29",
    "2000-02-29",
    "2024-04-31",
    "2024-00-10",
    "2024-13-01",
    "2024-12-00",
    "0000-01-01",
    "9999-12-31",
    "2024-1-01",
    "2024/01/01",
    "２０２４-01-01",
    "2024-05-01T12:00:00Z",
    "2024-05-01t12:00:00z",
    "2024-05-01 12:00:00Z",
    "2024-05-01T12:00:00",
    "2024-05-01T12:00:00.Z",
    "2024-05-01T12:00:00.123456789Z",
    "2024-05-01T23:59:60Z",
    "2024-05-01T23:58:60Z",
    "2024-05-01T23:59:60+00:00",
    "2024-05-01T15:59:60-08:00",
    "2024-05-01T00:29:60+00:30",
    "2024-05-01T12:00:00+24:00",
    "2024-05-01T12:00:00+23:60",
    "2024-05-01T12:00:00+0100",
    "2024-05-01T12:00:00+01:00Z",
    "2024-05-01T24:00:00Z",
    "2024-05-01T12:60:00Z",
    "2024-05-01T12:00:61Z",
    "2024-05-01TT12:00:00Z",
    "2024-05-01T12:00:00ZZ",
    "T12:00:00Z",
    "2024-05-01T",
    "1a3d1fa7-ad3c-4bd9-ae46-16418b9d2434",
    "1A3D1FA7-AD3C-4BD9-AE46-16418B9D2434",
    "1a3d1fa7ad3c4bd9ae4616418b9d2434",
    "{1a3d1fa7-ad3c-4bd9-ae46-16418b9d2434}",
    "urn:uuid:1a3d1fa7-ad3c-4bd9-ae46-16418b9d2434",
    "1a3d1fa7-ad3c-4bd9-ae46-16418b9d243g",
    "1a3d1fa7-ad3c-4bd9-ae46_16418b9d2434",
    "00000000-0000-0000-0000-000000000000",
    "user@example.com",
    "first.last+tag@sub.example.co.uk",
    "a@b",
    "a@b.c",
    "a@1.2.3.4",
    "a@[127.0.0.1]",
    "a@[IPv6:::1]",
    "\"quoted\"@example.com",
    "\"\"@example.com",
    "Name <a@example.com>",
    "a..b@example.com",
    ".a@example.com",
    "a.@example.com",
    "a@@example.com",
    "a@b@example.com",
    "a@example..com",
    "a@-example.com",
    "a@example-.com",
    "a@example.com.",
    "a@xn--nxasmq6b.com",
    "a@xn--.com",
    "a@ab--cd.com",
    "a@ex_ample.com",
    "é@example.com",
    "a@exämple.com",
    "a b@example.com",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com",
    "a@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com",
    "https://example.com/a/b?c=d#e",
    "https://example.com",
    "https://example.com:8080/x",
    "https://example.com:80a/x",
    "https://user:pw@example.com/",
    "https://[::1]/",
    "https://[v1.x]/",
    "https://exa mple.com/",
    "https://example.com/%41",
    "https://example.com/%4",
    "https://example.com/%zz",
    "mailto:a@example.com",
    "urn:isbn:0451450523",
    "a:",
    "1http://example.com",
    "://example.com",
    "/relative/path",
    "example.com",
    "http:/x",
    "http:x?y?z",
    "http://example.com/a#b#c",
    "http://a:b:c/",
    "http://a@b@c/",
    "https://example.com/é",
    "https://example.com/\\",
];

const ALPHABET: &[&str] = &[
    "0",
    "1",
    "2",
    "9",
    "a",
    "f",
    "F",
    "g",
    "z",
    "Z",
    "T",
    "t",
    "-",
    ":",
    ".",
    "+",
    "@",
    "/",
    "?",
    "#",
    "%",
    "[",
    "]",
    "_",
    "~",
    " ",
    "<",
    ">",
    "\"",
    "\\",
    "é",
    "\u{0}",
    "\u{1F600}",
    "xn--",
    "//",
    "60",
    "23:59",
    "%4",
];

fn seed(rng: &mut Rng) -> String {
    let d = |rng: &mut Rng| {
        format!(
            "{}-{}-{}",
            digits(rng, 4, 2100),
            digits(rng, 2, 13),
            digits(rng, 2, 32)
        )
    };
    let hex = |rng: &mut Rng, n: usize| {
        let mut s = String::new();
        for _ in 0..n {
            s.push_str(rng.pick(&["0", "7", "9", "a", "c", "f", "A", "E", "F"]));
        }
        s
    };
    match rng.below(5) {
        0 => d(rng),
        1 => {
            let frac = if rng.below(2) == 0 { ".123" } else { "" };
            let zone = match rng.below(3) {
                0 => "Z".to_string(),
                1 => format!("+{}:{}", digits(rng, 2, 24), digits(rng, 2, 60)),
                _ => format!("-{}:{}", digits(rng, 2, 24), digits(rng, 2, 60)),
            };
            let sep = rng.pick(&["T", "t"]);
            format!(
                "{}{sep}{}:{}:{}{frac}{zone}",
                d(rng),
                digits(rng, 2, 24),
                digits(rng, 2, 60),
                digits(rng, 2, 61)
            )
        }
        2 => format!(
            "{}-{}-{}-{}-{}",
            hex(rng, 8),
            hex(rng, 4),
            hex(rng, 4),
            hex(rng, 4),
            hex(rng, 12)
        ),
        3 => format!(
            "{}{}@{}.{}",
            rng.pick(&["user", "a.b", "x+y", "first_last", "n-1", "%x"]),
            digits(rng, 3, 999),
            rng.pick(&["example", "mail-host", "a1", "sub.example"]),
            rng.pick(&["com", "io", "co.uk", "x"])
        ),
        _ => format!(
            "{}://{}{}/{}{}",
            rng.pick(&["https", "http", "s3", "git+ssh", "a.b-c"]),
            rng.pick(&["example.com", "host-1.internal", "cdn.example.org", ""]),
            rng.pick(&["", ":443", ":8080", ":"]),
            rng.pick(&["", "a/b", "x.html", "p;q=1", "~user/", "a:b@c"]),
            rng.pick(&["", "?q=1", "?a=b&c=d", "?x?y", "?"])
        ),
    }
}

fn mutate(rng: &mut Rng, s: &str) -> String {
    let mut chars: Vec<String> = s.chars().map(String::from).collect();
    for _ in 0..=rng.below(3) {
        let at = rng.below(chars.len() + 1);
        match rng.below(3) {
            0 => chars.insert(at, rng.pick(ALPHABET).into()),
            1 if at < chars.len() => {
                chars.remove(at);
            }
            _ if at < chars.len() => chars[at] = rng.pick(ALPHABET).into(),
            _ => {}
        }
    }
    chars.concat()
}

fn checkers() -> Vec<(&'static str, Format, jsonschema::Validator)> {
    let options = crate::validate::jsonschema_options();
    FORMATS
        .iter()
        .map(|&(name, format)| {
            (
                name,
                format,
                options.build(&json!({ "format": name })).unwrap(),
            )
        })
        .collect()
}

/// Checks one string with every format; returns how many strings each format accepted natively.
fn compare(checkers: &[(&str, Format, jsonschema::Validator)], s: &str, native: &mut [usize; 5]) {
    let value = Value::String(s.into());
    for (i, (name, format, checker)) in checkers.iter().enumerate() {
        let ours = format.accepts(s);
        let theirs = checker.is_valid(&value);
        assert!(
            !ours || theirs,
            "{name}: native accepts {s:?}, jsonschema rejects it"
        );
        // `date` and `date-time` may differ the other way: `jsonschema` reads two digits with a SWAR trick
        // that takes `"1+"` for a number (it accepts `1598-09-1+`); the native check leaves such strings
        // to it, so the fast path still gives its verdict.
        if *format == Format::Uuid {
            assert_eq!(ours, theirs, "{name}: {s:?}");
        }
        native[i] += usize::from(ours);
    }
}

#[test]
fn native_formats_agree_with_jsonschema() {
    let checkers = checkers();
    let mut native = [0; 5];
    for s in TRICKY {
        compare(&checkers, s, &mut native);
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let cases = std::env::var("EVDEF_FORMAT_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    for _ in 0..cases {
        let s = seed(&mut rng);
        compare(&checkers, &s, &mut native);
        compare(&checkers, &mutate(&mut rng, &s), &mut native);
    }
    // Every format must decide a fair share of the generated strings itself.
    for ((name, ..), n) in checkers.iter().zip(native) {
        assert!(n > cases / 20, "{name}: only {n} strings accepted natively");
    }
}

#[test]
fn common_shapes_are_decided_natively() {
    for (format, s) in [
        (Format::Uuid, "1a3d1fa7-ad3c-4bd9-ae46-16418b9d2434"),
        (Format::Date, "2024-09-14"),
        (Format::DateTime, "2024-05-19T13:02:01.095Z"),
        (Format::DateTime, "2024-05-19T13:02:01+02:00"),
        (Format::Email, "user419611@example.com"),
        (Format::Email, "first.last+tag@mail.example.co.uk"),
        (Format::Uri, "https://example.com/a/b?c=d&e=f"),
        (Format::Uri, "https://cdn.example.org:8443/img/x.png"),
    ] {
        assert!(format.accepts(s), "{format:?} {s}");
    }
}
