//! Property test of `diff`'s classification against the set semantics: random OLD catalogs, NEW ones
//! derived by random edits, random lines run through the real validator on both sides. Every line valid on
//! one side and invalid on the other witnesses a break; that break must be in the classification (a change
//! of that event, or of the envelope, claiming that direction). Deterministic: a fixed-seed generator.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write;

use evdef::config::{AdditionalParameters, EnvelopeConfig};
use evdef::diff::{self, Side};
use evdef::source::{SourceFile, SourceMap};
use evdef::validate::Validator;
use serde_json::{Value, json};

/// xorshift64*: small, deterministic, good enough to pick cases.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const SCALARS: [&str; 7] = [
    "integer", "number", "string", "uuid", "json", "boolean", "email",
];

/// A parameter as the generator writes it (always in long form).
#[derive(Clone, Debug)]
struct Spec {
    ty: String,
    required: bool,
    nullable: bool,
    enumeration: Option<Vec<Value>>,
    minimum: Option<i64>,
    maximum: Option<i64>,
    pattern: Option<&'static str>,
    max_length: Option<u64>,
    min_items: Option<u64>,
    properties: Vec<(String, Spec)>,
}

impl Spec {
    fn random(rng: &mut Rng, depth: usize) -> Spec {
        let mut kinds: Vec<&str> = SCALARS.to_vec();
        if depth == 0 {
            kinds.extend(["array", "object"]);
        }
        let ty = rng.pick(&kinds).to_string();
        let mut spec = Spec {
            ty,
            required: rng.chance(60),
            nullable: rng.chance(20),
            enumeration: None,
            minimum: None,
            maximum: None,
            pattern: None,
            max_length: None,
            min_items: None,
            properties: Vec::new(),
        };
        spec.constrain(rng, depth);
        spec
    }

    /// Random constraints that fit the type.
    fn constrain(&mut self, rng: &mut Rng, depth: usize) {
        self.enumeration = None;
        self.minimum = None;
        self.maximum = None;
        self.pattern = None;
        self.max_length = None;
        self.min_items = None;
        self.properties.clear();
        match self.ty.as_str() {
            "integer" | "number" => {
                if rng.chance(30) {
                    let all = [json!(1), json!(5), json!(7)];
                    self.enumeration = Some(all.into_iter().filter(|_| rng.chance(70)).collect());
                }
                if rng.chance(40) {
                    self.minimum = Some(*rng.pick(&[0, 5]));
                }
                if rng.chance(40) {
                    self.maximum = Some(*rng.pick(&[10, 100]));
                }
            }
            "string" => {
                if rng.chance(30) {
                    let all = [json!("a"), json!("b"), json!("c")];
                    self.enumeration = Some(all.into_iter().filter(|_| rng.chance(70)).collect());
                }
                if rng.chance(25) {
                    self.pattern = Some(*rng.pick(&["^a", "^b"]));
                }
                if rng.chance(25) {
                    self.max_length = Some(*rng.pick(&[1, 3]));
                }
            }
            "array" if rng.chance(40) => self.min_items = Some(*rng.pick(&[1, 2])),
            "object" => {
                for name in ["q1", "q2"] {
                    if rng.chance(70) {
                        self.properties
                            .push((name.into(), Spec::random(rng, depth + 1)));
                    }
                }
            }
            _ => {}
        }
        if self.enumeration.as_ref().is_some_and(Vec::is_empty) {
            self.enumeration = None;
        }
    }

    /// One random edit.
    fn mutate(&mut self, rng: &mut Rng, depth: usize) {
        match rng.below(5) {
            0 => self.required = !self.required,
            1 => self.nullable = !self.nullable,
            2 if self.ty == "object" && !self.properties.is_empty() => {
                let i = rng.below(self.properties.len());
                if rng.chance(30) {
                    self.properties.remove(i);
                } else {
                    self.properties[i].1.mutate(rng, depth + 1);
                }
            }
            3 => {
                let mut kinds: Vec<&str> = SCALARS.to_vec();
                if depth == 0 {
                    kinds.extend(["array", "object"]);
                }
                self.ty = rng.pick(&kinds).to_string();
                self.constrain(rng, depth);
            }
            _ => self.constrain(rng, depth),
        }
    }

    fn yaml(&self) -> String {
        let mut out = format!("{{type: {}", self.ty);
        let _ = write!(
            out,
            ", required: {}, nullable: {}",
            self.required, self.nullable
        );
        if let Some(values) = &self.enumeration {
            let _ = write!(out, ", enum: {}", Value::Array(values.clone()));
        }
        for (key, v) in [("minimum", self.minimum), ("maximum", self.maximum)] {
            if let Some(v) = v {
                let _ = write!(out, ", {key}: {v}");
            }
        }
        if let Some(p) = self.pattern {
            let _ = write!(out, ", pattern: '{p}'");
        }
        if let Some(n) = self.max_length {
            let _ = write!(out, ", max_length: {n}");
        }
        if self.ty == "array" {
            out.push_str(", items: integer");
            if let Some(n) = self.min_items {
                let _ = write!(out, ", min_items: {n}");
            }
        }
        if self.ty == "object" {
            let props: Vec<String> = self
                .properties
                .iter()
                .map(|(n, s)| format!("{n}: {}", s.yaml()))
                .collect();
            let _ = write!(out, ", properties: {{{}}}", props.join(", "));
        }
        out.push('}');
        out
    }
}

type Catalog = Vec<(String, Vec<(String, Spec)>)>;

fn render(catalog: &Catalog) -> String {
    let mut out = String::new();
    for (event, params) in catalog {
        let _ = writeln!(out, "{event}:\n  parameters:");
        if params.is_empty() {
            out.push_str("    {}\n");
        }
        for (name, spec) in params {
            let _ = writeln!(out, "    {name}: {}", spec.yaml());
        }
    }
    out
}

fn random_catalog(rng: &mut Rng) -> Catalog {
    let mut catalog = Vec::new();
    for event in ["e", "f"] {
        if event == "e" || rng.chance(60) {
            let mut params = Vec::new();
            for name in ["p1", "p2", "p3"] {
                if rng.chance(70) {
                    params.push((name.to_string(), Spec::random(rng, 0)));
                }
            }
            catalog.push((event.to_string(), params));
        }
    }
    catalog
}

fn edit(rng: &mut Rng, old: &Catalog) -> Catalog {
    let mut new = old.clone();
    for (_, params) in &mut new {
        params.retain(|_| !rng.chance(15));
        for (_, spec) in params.iter_mut() {
            if rng.chance(40) {
                spec.mutate(rng, 0);
            }
        }
        for name in ["p1", "p2", "p3", "p4"] {
            if !params.iter().any(|(n, _)| n == name) && rng.chance(15) {
                params.push((name.into(), Spec::random(rng, 0)));
            }
        }
    }
    if rng.chance(15) {
        if new.len() > 1 {
            new.pop();
        } else {
            new.push(("f".into(), vec![("p1".into(), Spec::random(rng, 0))]));
        }
    }
    new
}

fn compile(text: &str) -> evdef::Compiled {
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new("events.yaml", "events.yaml", text));
    let compiled = evdef::compile_sources(sources);
    assert!(!compiled.has_errors(), "{text}\n{:?}", compiled.diagnostics);
    compiled
}

fn values() -> Vec<Value> {
    let uuid = "6f1c1b0e-3a43-4b2e-9a55-0f2b1b7c9d10";
    vec![
        json!(null),
        json!(true),
        json!(0),
        json!(1),
        json!(5),
        json!(7),
        json!(50),
        json!(150),
        json!(-1),
        json!(1.5),
        json!("a"),
        json!("b"),
        json!("c"),
        json!("ab"),
        json!("abc"),
        json!(""),
        json!("x@example.com"),
        json!(uuid),
        json!([]),
        json!([1]),
        json!([1, 2]),
        json!(["a"]),
        json!({}),
        json!({"q1": 1}),
        json!({"q1": 1, "q2": 2}),
        json!({"q1": "a", "q2": null}),
        json!({"q2": "b"}),
        json!({"q1": 5, "zz": 1}),
    ]
}

fn random_line(rng: &mut Rng, pool: &[Value]) -> Value {
    let event = *rng.pick(&["e", "f"]);
    let mut line = serde_json::Map::new();
    line.insert("event".into(), event.into());
    for key in ["p1", "p2", "p3", "p4", "zz"] {
        if rng.chance(if key == "zz" { 10 } else { 65 }) {
            line.insert(key.into(), rng.pick(pool).clone());
        }
    }
    Value::Object(line)
}

#[test]
fn no_witnessed_break_is_missing_from_the_classification() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let pool = values();
    let mut witnessed = 0;
    for round in 0..250 {
        let old = random_catalog(&mut rng);
        let new = edit(&mut rng, &old);
        let (old_text, new_text) = (render(&old), render(&new));
        let (o, n) = (compile(&old_text), compile(&new_text));
        for model in [AdditionalParameters::Deny, AdditionalParameters::Allow] {
            let env = EnvelopeConfig {
                additional_parameters: model,
                ..EnvelopeConfig::default()
            };
            let changes = diff::compare(
                Side {
                    catalog: &o.catalog,
                    envelope: &env,
                },
                Side {
                    catalog: &n.catalog,
                    envelope: &env,
                },
            );
            let claims = |event: &str, backward: bool| {
                changes.iter().any(|c| {
                    (c.event.is_none() || c.event.as_deref() == Some(event))
                        && if backward {
                            c.breaks.backward
                        } else {
                            c.breaks.forward
                        }
                })
            };
            let vo = Validator::new(&o.catalog, &env).unwrap();
            let vn = Validator::new(&n.catalog, &env).unwrap();
            for _ in 0..150 {
                let line = random_line(&mut rng, &pool);
                let ok_old = vo.validate_value(&line).status.is_accepted();
                let ok_new = vn.validate_value(&line).status.is_accepted();
                if ok_old == ok_new {
                    continue;
                }
                witnessed += 1;
                let event = line["event"].as_str().unwrap();
                let direction = if ok_old { "backward" } else { "forward" };
                assert!(
                    claims(event, ok_old),
                    "round {round} ({model:?}): {line} witnesses a {direction} break that no change claims\n\
                     OLD:\n{old_text}\nNEW:\n{new_text}\nchanges: {:#?}",
                    changes
                        .iter()
                        .map(|c| (c.rule.code(), &c.event, &c.path, c.breaks))
                        .collect::<Vec<_>>()
                );
            }
        }
    }
    // The test is only as good as the breaks it sees.
    assert!(witnessed > 1000, "only {witnessed} witnessed breaks");
}
