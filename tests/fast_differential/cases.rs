//! Random catalogs (every type, constraint, optional/nullable combination and nesting level the language
//! has) and random log lines for them: values drawn to be mostly valid, then mutated.

use serde_json::{Map, Value, json};

/// A seeded generator (SplitMix64): the same seed gives the same cases.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    pub fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }
}

/// The type of a generated parameter.
#[derive(Debug, Clone)]
pub enum Kind {
    Str,
    Int,
    Num,
    Bool,
    Timestamp,
    Date,
    Uuid,
    Email,
    Url,
    Json,
    Object(Vec<Param>),
    Array(Box<Spec>),
    Map(Box<Spec>),
}

/// A generated schema.
#[derive(Debug, Clone)]
pub struct Spec {
    pub kind: Kind,
    pub nullable: bool,
    pub enumeration: Option<Vec<Value>>,
    pub pattern: Option<&'static str>,
    pub minimum: Option<Value>,
    pub maximum: Option<Value>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
}

/// A generated parameter.
#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub required: bool,
    pub spec: Spec,
}

pub const STRINGS: &[&str] = &[
    "bronze",
    "silver",
    "gold",
    "é",
    "😀x",
    "a\"b",
    "tab\there",
    "a/b",
    "back\\slash",
    "",
    "ünï",
    "ABC-12",
    "abc",
    "12-34",
    "ÀÉÎ",
    "x y",
    "ñ\u{a0}",
    "日本語",
];
pub const PATTERNS: &[&str] = &[
    "^[a-z]+$",
    "^[A-Z]{3}-[0-9]+$",
    "é",
    "^.{2,4}$",
    "^\\d+$",
    "^\\w+$",
    "^[^\"]*$",
    "^(a|b)*c?$",
    "😀",
    "^\\S+$",
];
pub const TIMESTAMPS: &[&str] = &[
    "2024-05-01T12:00:00Z",
    "2024-05-01T12:00:00.123+02:00",
    "2024-05-01t12:00:00z",
    "2016-12-31T23:59:60Z",
    "2024-02-30T12:00:00Z",
    "2024-05-01 12:00:00Z",
    "yesterday",
    "2024-05-01T24:00:00Z",
    "2024-05-01T12:00:00",
    "2024-05-01T12:00:00.5-00:00",
];
pub const DATES: &[&str] = &[
    "2024-05-01",
    "2024-02-29",
    "2023-02-29",
    "2024-13-01",
    "2024-5-1",
    "20240501",
    "",
];
pub const UUIDS: &[&str] = &[
    "6f1c1b0e-3a43-4b2e-9a55-0f2b1b7c9d10",
    "6F1C1B0E-3A43-4B2E-9A55-0F2B1B7C9D10",
    "6f1c1b0e3a434b2e9a550f2b1b7c9d10",
    "6f1c1b0e-3a43-4b2e-9a55-0f2b1b7c9d1",
    "{6f1c1b0e-3a43-4b2e-9a55-0f2b1b7c9d10}",
    "00000000-0000-0000-0000-000000000000",
    "6f1c1b0e-3a43-4b2e-9a55-0f2b1b7c9d1g",
];
pub const EMAILS: &[&str] = &[
    "a@example.com",
    "user.name+tag@example.co.uk",
    "a@b",
    "not an email",
    "@example.com",
    "a@[127.0.0.1]",
    "\"q\"@example.com",
    "é@example.com",
];
pub const URLS: &[&str] = &[
    "https://example.com/p/1",
    "http://a.b/c?d=e#f",
    "mailto:a@b.c",
    "example.com",
    "https://exa mple.com",
    "urn:isbn:0451450523",
    "",
    "//x",
];

fn scalar_kind(rng: &mut Rng) -> Kind {
    match rng.below(10) {
        0 => Kind::Str,
        1 => Kind::Int,
        2 => Kind::Num,
        3 => Kind::Bool,
        4 => Kind::Timestamp,
        5 => Kind::Date,
        6 => Kind::Uuid,
        7 => Kind::Email,
        8 => Kind::Url,
        _ => Kind::Json,
    }
}

/// A random schema; `depth` limits nesting.
pub fn spec(rng: &mut Rng, depth: u32) -> Spec {
    let kind = if depth < 3 && rng.chance(30) {
        match rng.below(3) {
            0 => Kind::Object(params(rng, depth + 1, 4)),
            1 => Kind::Array(Box::new(spec(rng, depth + 1))),
            _ => Kind::Map(Box::new(spec(rng, depth + 1))),
        }
    } else {
        scalar_kind(rng)
    };
    let mut s = Spec {
        kind,
        nullable: rng.chance(25),
        enumeration: None,
        pattern: None,
        minimum: None,
        maximum: None,
        min_length: None,
        max_length: None,
        min_items: None,
        max_items: None,
    };
    match s.kind {
        Kind::Str => {
            if rng.chance(25) {
                let n = 1 + rng.below(4);
                let mut values: Vec<Value> = Vec::new();
                for _ in 0..n {
                    let v = Value::from(rng.pick(STRINGS));
                    if !values.contains(&v) {
                        values.push(v);
                    }
                }
                s.enumeration = Some(values);
            } else {
                if rng.chance(35) {
                    s.pattern = Some(rng.pick(PATTERNS));
                }
                if rng.chance(35) {
                    s.min_length = Some(rng.below(4) as u64);
                }
                if rng.chance(35) {
                    s.max_length = Some(2 + rng.below(6) as u64);
                }
            }
        }
        Kind::Int => {
            if rng.chance(20) {
                s.enumeration = Some(vec![json!(1), json!(2), json!(-3), json!(0)]);
            } else {
                if rng.chance(40) {
                    s.minimum = Some(rng.pick(&[
                        json!(0),
                        json!(-5),
                        json!(10),
                        json!(-9223372036854775807i64),
                    ]));
                }
                if rng.chance(40) {
                    s.maximum = Some(rng.pick(&[
                        json!(100),
                        json!(10),
                        json!(9223372036854775807i64),
                        json!(1000000),
                    ]));
                }
            }
        }
        Kind::Num => {
            if rng.chance(15) {
                s.enumeration = Some(vec![json!(1.5), json!(2), json!(0)]);
            } else {
                if rng.chance(40) {
                    s.minimum = Some(rng.pick(&[json!(0), json!(-1.5), json!(0.25)]));
                }
                if rng.chance(40) {
                    s.maximum = Some(rng.pick(&[json!(100), json!(1.5), json!(1e10)]));
                }
            }
        }
        Kind::Array(_) => {
            if rng.chance(30) {
                s.min_items = Some(rng.below(3) as u64);
            }
            if rng.chance(30) {
                s.max_items = Some(1 + rng.below(4) as u64);
            }
        }
        _ => {}
    }
    // The language refuses a lower bound above the upper one.
    if let (Some(lo), Some(hi)) = (s.min_length, s.max_length) {
        s.max_length = Some(hi.max(lo));
    }
    if let (Some(lo), Some(hi)) = (s.min_items, s.max_items) {
        s.max_items = Some(hi.max(lo));
    }
    s
}

/// Random parameters.
pub fn params(rng: &mut Rng, depth: u32, max: usize) -> Vec<Param> {
    let n = 1 + rng.below(max);
    (0..n)
        .map(|i| Param {
            name: format!("p{i}_{}", rng.pick(&["a", "b", "é", "id"])),
            required: rng.chance(70),
            spec: spec(rng, depth),
        })
        .collect()
}

/// The long form of a schema in the definitions language.
pub fn definition(s: &Spec, required: Option<bool>) -> Value {
    let mut m = Map::new();
    let ty = match &s.kind {
        Kind::Str => "string",
        Kind::Int => "integer",
        Kind::Num => "number",
        Kind::Bool => "boolean",
        Kind::Timestamp => "timestamp",
        Kind::Date => "date",
        Kind::Uuid => "uuid",
        Kind::Email => "email",
        Kind::Url => "url",
        Kind::Json => "json",
        Kind::Object(_) => "object",
        Kind::Array(_) => "array",
        Kind::Map(_) => "map",
    };
    m.insert("type".into(), ty.into());
    if let Some(r) = required {
        m.insert("required".into(), r.into());
    }
    if s.nullable {
        m.insert("nullable".into(), true.into());
    }
    match &s.kind {
        Kind::Object(ps) => {
            m.insert("properties".into(), parameters(ps));
        }
        Kind::Array(items) => {
            m.insert("items".into(), definition(items, None));
        }
        Kind::Map(values) => {
            m.insert("values".into(), definition(values, None));
        }
        _ => {}
    }
    let opt = [
        ("enum", s.enumeration.clone().map(Value::Array)),
        ("pattern", s.pattern.map(Value::from)),
        ("minimum", s.minimum.clone()),
        ("maximum", s.maximum.clone()),
        ("min_length", s.min_length.map(Value::from)),
        ("max_length", s.max_length.map(Value::from)),
        ("min_items", s.min_items.map(Value::from)),
        ("max_items", s.max_items.map(Value::from)),
    ];
    for (k, v) in opt {
        if let Some(v) = v {
            m.insert(k.into(), v);
        }
    }
    Value::Object(m)
}

pub fn parameters(ps: &[Param]) -> Value {
    Value::Object(
        ps.iter()
            .map(|p| (p.name.clone(), definition(&p.spec, Some(p.required))))
            .collect(),
    )
}

/// A raw token written as is by the serializer (numbers a `Value` cannot hold, broken text).
pub fn raw(text: &str) -> Value {
    Value::String(format!("\u{0}RAW:{text}"))
}

/// A random JSON value for a `json` parameter, sometimes nested deep.
fn any(rng: &mut Rng, depth: u32) -> Value {
    if depth == 0 && rng.chance(3) {
        let n = 90 + rng.below(45);
        return raw(&format!("{}1{}", "[".repeat(n), "]".repeat(n)));
    }
    match rng.below(if depth < 3 { 7 } else { 5 }) {
        0 => Value::Null,
        1 => rng.chance(50).into(),
        2 => json!(rng.range(-1000, 1000)),
        3 => Value::from(rng.pick(STRINGS)),
        4 => json!(1.25),
        5 => Value::Array((0..rng.below(3)).map(|_| any(rng, depth + 1)).collect()),
        _ => Value::Object(
            (0..rng.below(3))
                .map(|i| (format!("k{i}"), any(rng, depth + 1)))
                .collect(),
        ),
    }
}

/// A value for `s`, valid more often than not.
pub fn value(rng: &mut Rng, s: &Spec) -> Value {
    if s.nullable && rng.chance(10) {
        return Value::Null;
    }
    if let Some(values) = &s.enumeration
        && rng.chance(90)
    {
        return rng.pick(values);
    }
    match &s.kind {
        Kind::Str => {
            let base = rng.pick(STRINGS).to_string();
            Value::from(if rng.chance(50) {
                base.clone()
            } else {
                base.repeat(1 + rng.below(3))
            })
        }
        Kind::Int => match rng.below(12) {
            0 => raw(rng.pick(&["1.0", "-0", "1e2", "0.0", "-0.0", "1E0", "2.5", "100.0"])),
            1 => raw(rng.pick(&[
                "9223372036854775807",
                "9223372036854775808",
                "-9223372036854775808",
                "-9223372036854775809",
                "18446744073709551615",
                "18446744073709551616",
                "1e19",
                "-1e19",
                "9.2233720368547758e18",
                "1e400",
                "-1e400",
                "123456789012345678901234567890",
            ])),
            _ => json!(rng.range(-10, 120)),
        },
        Kind::Num => match rng.below(10) {
            0 => raw(rng.pick(&[
                "1e400",
                "1.5e300",
                "-0.0",
                "2.0",
                "1E-7",
                "0.1e1",
                "1e308",
                "1.7976931348623157e308",
            ])),
            1 => json!(rng.range(-5, 200)),
            _ => json!((rng.range(-200, 20000) as f64) / 8.0),
        },
        Kind::Bool => rng.chance(50).into(),
        Kind::Timestamp => pick_mostly_first(rng, TIMESTAMPS).into(),
        Kind::Date => pick_mostly_first(rng, DATES).into(),
        Kind::Uuid => pick_mostly_first(rng, UUIDS).into(),
        Kind::Email => pick_mostly_first(rng, EMAILS).into(),
        Kind::Url => pick_mostly_first(rng, URLS).into(),
        Kind::Json => any(rng, 0),
        Kind::Object(ps) => object(rng, ps),
        Kind::Array(items) => {
            let n = rng.below(5);
            Value::Array((0..n).map(|_| value(rng, items)).collect())
        }
        Kind::Map(values) => {
            let n = rng.below(4);
            Value::Object(
                (0..n)
                    .map(|i| {
                        (
                            format!("m{i}{}", rng.pick(&["", "é", "~", "/"])),
                            value(rng, values),
                        )
                    })
                    .collect(),
            )
        }
    }
}

/// The first (valid) sample half of the time, else any.
fn pick_mostly_first(rng: &mut Rng, samples: &[&'static str]) -> &'static str {
    if rng.chance(50) {
        samples[0]
    } else {
        rng.pick(samples)
    }
}

/// An object holding `ps`: required ones nearly always, optional ones often.
pub fn object(rng: &mut Rng, ps: &[Param]) -> Value {
    let mut m = Map::new();
    for p in ps {
        let present = if p.required {
            rng.chance(97)
        } else {
            rng.chance(60)
        };
        if present {
            m.insert(p.name.clone(), value(rng, &p.spec));
        }
    }
    Value::Object(m)
}
