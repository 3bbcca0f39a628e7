//! Fuzz target: the loader + resolver + lint on structured, YAML-shaped input. The fuzzer picks a list of
//! fragments and events built from parameter types, long forms (`properties`, `items`, `values`, `enum`,
//! `examples`), anchors, aliases to earlier fragments and merge keys (`<<: *a`, `<<: [*a, *b]`); they are
//! rendered as flow-style YAML, so nearly every input parses and the resolver does the work. A prelude holds
//! the first fragments. Any panic, or a run that does not finish, is a bug.
#![no_main]

use std::fmt::Write;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    prelude: Vec<Fragment>,
    fragments: Vec<Fragment>,
    events: Vec<Event>,
}

#[derive(Arbitrary, Debug)]
struct Fragment {
    merges: Vec<u8>,
    params: Vec<(u8, Param)>,
}

#[derive(Arbitrary, Debug)]
struct Event {
    merges: Vec<u8>,
    params: Vec<(u8, Param)>,
    description: bool,
    examples: Vec<Value>,
    extra_key: Option<u8>,
}

#[derive(Arbitrary, Debug)]
enum Param {
    Short(u8, bool, bool),
    Alias(u8),
    Object(Vec<(u8, Param)>, Vec<u8>),
    ObjectAlias(u8),
    Array(Box<Param>),
    ArrayAlias(u8),
    Map(Box<Param>),
    MapAlias(u8),
    Enum(u8, Vec<Value>),
    Constrained(u8, u8, i16, i16),
    Raw(String),
}

#[derive(Arbitrary, Debug)]
enum Value {
    Int(i64),
    Float(f64),
    Bool(bool),
    Null,
    Text(String),
    Alias(u8),
    List(Vec<Value>),
    Mapping(Vec<(u8, Value)>),
}

const TYPES: [&str; 16] = [
    "string", "integer", "number", "float", "boolean", "timestamp", "date", "uuid", "email", "url",
    "json", "object", "array", "map", "strng", "",
];
const KEYS: [&str; 8] = ["user_id", "name", "a", "b", "<<", "type", "properties", "x"];

struct Out {
    text: String,
    anchors: usize,
}

impl Out {
    fn alias(&self, n: u8) -> String {
        format!("*f{}", usize::from(n) % self.anchors.max(1))
    }
    fn merges(&mut self, merges: &[u8]) {
        match merges {
            [] => {}
            [one] => {
                let a = self.alias(*one);
                let _ = write!(self.text, "<<: {a}, ");
            }
            many => {
                let list: Vec<String> = many.iter().take(8).map(|m| self.alias(*m)).collect();
                let _ = write!(self.text, "<<: [{}], ", list.join(", "));
            }
        }
    }
    fn params(&mut self, params: &[(u8, Param)], depth: usize) {
        for (key, p) in params.iter().take(12) {
            let _ = write!(self.text, "{}{}: ", KEYS[usize::from(*key) % KEYS.len()], key);
            self.param(p, depth);
            self.text.push_str(", ");
        }
    }
    fn param(&mut self, p: &Param, depth: usize) {
        if depth > 6 {
            self.text.push_str("string");
            return;
        }
        match p {
            Param::Short(t, opt, arr) => {
                let t = TYPES[usize::from(*t) % TYPES.len()];
                let _ = write!(self.text, "'{t}{}{}'", if *arr { "[]" } else { "" }, if *opt { "?" } else { "" });
            }
            Param::Alias(n) => self.text.push_str(&self.alias(*n)),
            Param::Object(props, merges) => {
                self.text.push_str("{type: object, properties: {");
                self.merges(merges);
                self.params(props, depth + 1);
                self.text.push_str("}}");
            }
            Param::ObjectAlias(n) => {
                let a = self.alias(*n);
                let _ = write!(self.text, "{{type: object, properties: {a}}}");
            }
            Param::Array(inner) => {
                self.text.push_str("{type: array, items: ");
                self.param(inner, depth + 1);
                self.text.push('}');
            }
            Param::ArrayAlias(n) => {
                let a = self.alias(*n);
                let _ = write!(self.text, "{{type: array, items: {{type: object, properties: {a}}}}}");
            }
            Param::Map(inner) => {
                self.text.push_str("{type: map, values: ");
                self.param(inner, depth + 1);
                self.text.push('}');
            }
            Param::MapAlias(n) => {
                let a = self.alias(*n);
                let _ = write!(self.text, "{{type: map, values: {{type: object, properties: {a}}}}}");
            }
            Param::Enum(t, values) => {
                let t = TYPES[usize::from(*t) % TYPES.len()];
                let _ = write!(self.text, "{{type: '{t}', enum: [");
                for v in values.iter().take(8) {
                    self.value(v, depth + 1);
                    self.text.push_str(", ");
                }
                self.text.push_str("]}");
            }
            Param::Constrained(t, k, lo, hi) => {
                let t = TYPES[usize::from(*t) % TYPES.len()];
                let key = ["minimum", "min_length", "max_items", "pattern", "required", "nullable", "deprecated"]
                    [usize::from(*k) % 7];
                let _ = write!(self.text, "{{type: '{t}', {key}: {lo}, maximum: {hi}}}");
            }
            Param::Raw(s) => {
                let _ = write!(self.text, "{s:?}");
            }
        }
    }
    fn value(&mut self, v: &Value, depth: usize) {
        if depth > 8 {
            self.text.push_str("null");
            return;
        }
        match v {
            Value::Int(i) => {
                let _ = write!(self.text, "{i}");
            }
            Value::Float(f) => {
                let _ = write!(self.text, "{f:?}");
            }
            Value::Bool(b) => {
                let _ = write!(self.text, "{b}");
            }
            Value::Null => self.text.push_str("null"),
            Value::Text(s) => {
                let _ = write!(self.text, "{s:?}");
            }
            Value::Alias(n) => self.text.push_str(&self.alias(*n)),
            Value::List(items) => {
                self.text.push('[');
                for i in items.iter().take(8) {
                    self.value(i, depth + 1);
                    self.text.push_str(", ");
                }
                self.text.push(']');
            }
            Value::Mapping(entries) => {
                self.text.push('{');
                for (k, i) in entries.iter().take(8) {
                    let _ = write!(self.text, "{}: ", KEYS[usize::from(*k) % KEYS.len()]);
                    self.value(i, depth + 1);
                    self.text.push_str(", ");
                }
                self.text.push('}');
            }
        }
    }
    fn fragment(&mut self, f: &Fragment) {
        let n = self.anchors;
        let _ = write!(self.text, ".f{n}: &f{n} {{");
        self.merges(&f.merges);
        self.params(&f.params, 0);
        self.text.push_str("}\n");
        self.anchors += 1;
    }
}

fuzz_target!(|input: Input| {
    let mut out = Out { text: String::new(), anchors: 0 };
    for f in input.prelude.iter().take(16) {
        out.fragment(f);
    }
    let prelude = std::mem::take(&mut out.text);
    for f in input.fragments.iter().take(32) {
        out.fragment(f);
    }
    for (i, e) in input.events.iter().take(16).enumerate() {
        let _ = write!(out.text, "event_{i}: {{");
        if e.description {
            out.text.push_str("description: an event, ");
        }
        if let Some(k) = e.extra_key {
            let _ = write!(out.text, "{}: 1, ", KEYS[usize::from(k) % KEYS.len()]);
        }
        out.text.push_str("parameters: {");
        out.merges(&e.merges);
        out.params(&e.params, 0);
        out.text.push('}');
        if !e.examples.is_empty() {
            out.text.push_str(", examples: [");
            for v in e.examples.iter().take(4) {
                out.value(v, 0);
                out.text.push_str(", ");
            }
            out.text.push(']');
        }
        out.text.push_str("}\n");
    }
    let files = [("_common.yaml", prelude.as_str()), ("events.yaml", out.text.as_str())];
    let _ = evdef::check_texts(&files, &evdef::Config::default());
});
