//! The fast path of the validator: each event's emitted JSON Schema compiled into a checker that walks a
//! line's JSON once, validating while it tokenizes and building nothing. [`FastChecker::check`] only
//! ever proves a line valid; for a line it does not prove, [`FastChecker::errors`] walks it again and
//! gives its errors when it has exactly one (judged by the failing node's own schema in `jsonschema`, see
//! `errors.rs`); every other line goes to the slow path (`serde_json` + `jsonschema`), which gives the
//! verdict and the detailed errors. The differential test (`tests/fast_differential/`) checks that the
//! fast path never proves a line the schema rejects, proves every line it accepts outside the few classes
//! left to the slow path on purpose, and gives exactly the slow path's errors whenever it gives any.
//!
//! The tokenizer (`scan.rs`) is our own rather than `jiter`, `sonic-rs` or `simd-json`: it must accept
//! exactly what `serde_json` (the slow path) accepts — number ranges, surrogate escapes, nesting limits —
//! and a full token walk with those crates measured no faster on this machine class (0.68–0.69 s per
//! million lines for `jiter` and `sonic-rs`' lazy iterators) than a walk over `&[u8]` needs to be.

mod check;
mod compile;
mod errors;
mod format;
mod scan;

use std::cell::RefCell;

use rustc_hash::FxHashMap;
use serde_json::Value;

use check::{Scratch, Walk};
use compile::Node;
use errors::Found;
use scan::Cursor;

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Compiled fast checks for every event of a validator, indexed like the validator's events.
#[derive(Debug)]
pub struct FastChecker {
    /// One root node per event; `None` for an event whose schema uses a keyword the fast path does not
    /// handle (its lines always take the slow path).
    events: Vec<Option<Node>>,
    index: FxHashMap<Box<str>, usize>,
    name_field: Box<str>,
    /// The schemas the nodes were compiled from, and the options: a node's own validator is built from
    /// them when a line first fails there ([`FastChecker::errors`]).
    schemas: Vec<Value>,
    options: jsonschema::ValidationOptions<'static>,
}

impl FastChecker {
    /// Compile the schema of each event (`schemas[i]` is event `i`, named `names[i]`). `options` are the
    /// `jsonschema` options of the slow path, used for `pattern` and `format`.
    pub fn new(
        names: &[String],
        schemas: Vec<Value>,
        name_field: &str,
        options: &jsonschema::ValidationOptions<'static>,
    ) -> FastChecker {
        let events = schemas
            .iter()
            .map(|schema| compile::compile(schema, options).ok())
            .collect();
        let index = names
            .iter()
            .enumerate()
            .map(|(i, name)| (name.as_str().into(), i))
            .collect();
        FastChecker {
            events,
            index,
            name_field: name_field.into(),
            schemas,
            options: options.clone(),
        }
    }

    /// Why the fast path does not handle event `i`'s schema, or `None` when it does.
    pub fn unsupported(schema: &Value) -> Option<String> {
        compile::compile(schema, &super::jsonschema_options()).err()
    }

    /// Number of events with a compiled checker.
    pub fn compiled(&self) -> usize {
        self.events.iter().filter(|e| e.is_some()).count()
    }

    /// Whether event `i` has a compiled checker.
    pub fn handles(&self, i: usize) -> bool {
        self.events.get(i).is_some_and(Option::is_some)
    }

    /// `Some(event index)` when `text` (one line, no line ending) is proven valid; `None` when it is
    /// invalid or left to the slow path.
    pub fn check(&self, text: &str) -> Option<usize> {
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.try_borrow_mut().ok()?;
            let i = self.dispatch(text)?;
            let node = self.events.get(i)?.as_ref()?;
            let mut walk = Walk {
                text,
                cur: Cursor::new(text.as_bytes()),
                scratch: &mut scratch,
            };
            (walk.value(node, 0) && walk.cur.at_end()).then_some(i)
        })
    }

    /// The errors of a line [`FastChecker::check`] did not prove, when the fast path can tell them exactly
    /// as the slow path would (today: a line of a known event with exactly one error; see `errors.rs`):
    /// `Some((event index, errors))`. `None`: the slow path decides.
    pub fn errors(&self, text: &str) -> Option<(usize, Vec<super::LineError>)> {
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.try_borrow_mut().ok()?;
            let i = self.dispatch(text)?;
            let node = self.events.get(i)?.as_ref()?;
            let mut found = Found {
                schema: self.schemas.get(i)?,
                options: &self.options,
                path: String::new(),
                errors: Vec::new(),
            };
            let mut walk = Walk {
                text,
                cur: Cursor::new(text.as_bytes()),
                scratch: &mut scratch,
            };
            walk.errors(node, 0, &mut found)?;
            (walk.cur.at_end() && !found.errors.is_empty()).then_some((i, found.errors))
        })
    }

    /// The name of an event the catalog does not define, when `text` is an object that `serde_json` reads
    /// (grammar, number ranges, nesting, all checked by the cursor) with exactly one name field, unescaped,
    /// whose value is an unescaped string the catalog does not know: the slow path would say "unknown
    /// event" and nothing else, so it need not read the line. `None` in every other case.
    pub fn unknown_name<'t>(&self, text: &'t str) -> Option<&'t str> {
        let bytes = text.as_bytes();
        let mut cur = Cursor::new(bytes);
        if !cur.eat(b'{') {
            return None;
        }
        let mut name = None;
        if !cur.eat(b'}') {
            loop {
                cur.ws();
                if cur.peek() != Some(b'"') {
                    return None;
                }
                let key = cur.string()?;
                // An escaped key may spell the name field: `serde_json` would see it, so this is not
                // decided here.
                if key.escaped || !cur.eat(b':') {
                    return None;
                }
                if scan::short_eq(&bytes[key.start..key.end], self.name_field.as_bytes()) {
                    cur.ws();
                    if name.is_some() || cur.peek() != Some(b'"') {
                        return None;
                    }
                    let value = cur.string()?;
                    if value.escaped {
                        return None;
                    }
                    name = Some(&text[value.start..value.end]);
                } else if !cur.skip_value(1) {
                    return None;
                }
                if cur.eat(b',') {
                    continue;
                }
                if cur.eat(b'}') {
                    break;
                }
                return None;
            }
        }
        let name = name?;
        (cur.at_end() && !self.index.contains_key(name)).then_some(name)
    }

    /// The event a line names: the first value of the name field in the top-level object, when it is a
    /// string the catalog defines. (A second name field is caught by its `const` during the walk.)
    fn dispatch(&self, text: &str) -> Option<usize> {
        let bytes = text.as_bytes();
        let mut cur = Cursor::new(bytes);
        if !cur.eat(b'{') {
            return None;
        }
        loop {
            cur.ws();
            if cur.peek() != Some(b'"') {
                return None;
            }
            let key = cur.string()?;
            if !cur.eat(b':') {
                return None;
            }
            // An escaped key is never taken for the name field here: if it is one, the walk finds it
            // a duplicate or the line has no plain name field, and the slow path decides.
            if !key.escaped
                && scan::short_eq(&bytes[key.start..key.end], self.name_field.as_bytes())
            {
                cur.ws();
                if cur.peek() != Some(b'"') {
                    return None;
                }
                let value = cur.string()?;
                if value.escaped {
                    return None;
                }
                return self.index.get(&text[value.start..value.end]).copied();
            }
            if !cur.skip_value(0) || !cur.eat(b',') {
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests;
