//! The errors of a line the fast path did not prove, found by a second walk instead of the slow path.
//!
//! The walk descends the line with the compiled [`Node`] tree. A value that fails its node, and is not an
//! object the walk can descend into, is cut out of the line, read by `serde_json` and judged by the node's
//! own schema compiled by `jsonschema` on its own ([`Node::validator`]): its messages are `jsonschema`'s by
//! construction, the same text the slow path writes for it. An object's own errors (`required`,
//! `additionalProperties: false`) are written here, in `jsonschema`'s words.
//!
//! The answer is given only for a line with exactly one error: the order `jsonschema` reports several
//! errors in is its own business, so those lines (and every line with a duplicate key, an escaped key,
//! malformed JSON, deep nesting, or no error found) take the slow path, which decides.

use serde_json::Value;

use super::check::Walk;
use super::compile::{Additional, Node, ObjectRules, ty};
use super::scan::MAX_DEPTH;
use crate::validate::{LineError, convert, push_pointer_token, truncate};

/// The errors found so far and the JSON Pointer of the value being walked.
pub(super) struct Found<'e> {
    /// The event's whole schema (node validators are compiled from it).
    pub schema: &'e Value,
    /// The options every validator is compiled with.
    pub options: &'e jsonschema::ValidationOptions<'static>,
    /// JSON Pointer of the current value.
    pub path: String,
    /// Errors, in the order found.
    pub errors: Vec<LineError>,
}

/// More errors than this and the slow path decides (see the module documentation).
const MAX_ERRORS: usize = 1;
/// More undeclared keys in one object (a map) than this and the slow path decides.
const MAX_UNDECLARED: usize = 64;

impl Found<'_> {
    /// Record an error; `None` once there are more than the fast path reports.
    fn push(&mut self, error: LineError) -> Option<()> {
        self.errors.push(error);
        (self.errors.len() <= MAX_ERRORS).then_some(())
    }
}

impl Walk<'_, '_> {
    /// Collect the errors of the value at the cursor against `node` (`depth`: its parent's nesting).
    /// `None`: the slow path must decide.
    pub fn errors(&mut self, node: &Node, depth: u32, found: &mut Found<'_>) -> Option<()> {
        self.cur.ws();
        if self.cur.peek() == Some(b'{') && node.object.is_some() && node.types & ty::OBJ != 0 {
            return self.object_errors(node, depth + 1, found);
        }
        let start = self.cur.pos();
        let before = self.cur.clone();
        if self.value(node, depth) {
            return Some(());
        }
        // Not proven: cut the value out and let the node's own schema judge it.
        self.cur = before;
        if !self.cur.skip_value(depth) {
            return None;
        }
        let slice = self.text.get(start..self.cur.pos())?;
        let value: Value = serde_json::from_str(slice).ok()?;
        let validator = node.validator(found.schema, found.options)?;
        for e in validator.iter_errors(&value) {
            let mut error = convert(&e);
            error.path.insert_str(0, &found.path);
            found.push(error)?;
        }
        Some(())
    }

    /// The errors of an object the node has rules for: its properties', then its own.
    fn object_errors(&mut self, node: &Node, depth: u32, found: &mut Found<'_>) -> Option<()> {
        let rules = node.object.as_deref()?;
        if depth > MAX_DEPTH || rules.required.len() > 4 {
            return None;
        }
        let mut seen = [0u64; 4];
        let mut unexpected: Option<&str> = None;
        // Undeclared keys checked against `additionalProperties`, to find duplicates.
        let mut undeclared: Vec<&str> = Vec::new();
        let path_len = found.path.len();
        self.cur.eat(b'{');
        if !self.cur.eat(b'}') {
            loop {
                self.cur.ws();
                if self.cur.peek() != Some(b'"') {
                    return None;
                }
                let raw = self.cur.string()?;
                if raw.escaped || !self.cur.eat(b':') {
                    return None;
                }
                let text = self.text;
                let key = text.get(raw.start..raw.end)?;
                match rules.index.get(key).copied() {
                    Some(i) => {
                        let (word, bit) = (i / 64, 1u64 << (i % 64));
                        if seen[word] & bit != 0 {
                            return None;
                        }
                        seen[word] |= bit;
                        let child = &rules.props.get(i)?.1;
                        self.child_errors(child, key, depth, found)?;
                    }
                    None => match &rules.additional {
                        Additional::Allow => {
                            if !self.cur.skip_value(depth) {
                                return None;
                            }
                        }
                        Additional::Deny => {
                            if unexpected.is_some() || !self.cur.skip_value(depth) {
                                return None;
                            }
                            unexpected = Some(key);
                        }
                        Additional::Schema(values) => {
                            // `serde_json` keeps the last of duplicate keys: the slow path decides.
                            if undeclared.contains(&key) || undeclared.len() >= MAX_UNDECLARED {
                                return None;
                            }
                            undeclared.push(key);
                            self.child_errors(values, key, depth, found)?;
                        }
                    },
                }
                found.path.truncate(path_len);
                if self.cur.eat(b',') {
                    continue;
                }
                if self.cur.eat(b'}') {
                    break;
                }
                return None;
            }
        }
        own_errors(rules, &seen, unexpected, found)
    }

    /// The errors of the property `key`'s value.
    fn child_errors(
        &mut self,
        node: &Node,
        key: &str,
        depth: u32,
        found: &mut Found<'_>,
    ) -> Option<()> {
        let path_len = found.path.len();
        found.path.push('/');
        push_pointer_token(&mut found.path, key);
        let result = self.errors(node, depth, found);
        found.path.truncate(path_len);
        result
    }
}

/// An object's own errors, in `jsonschema`'s words: the undeclared property `additionalProperties: false`
/// refuses, and each required property not `seen`.
fn own_errors(
    rules: &ObjectRules,
    seen: &[u64; 4],
    unexpected: Option<&str>,
    found: &mut Found<'_>,
) -> Option<()> {
    if let Some(key) = unexpected {
        // `jsonschema` quotes the names as they are; one with a quote in it takes the slow path.
        if key.contains('\'') {
            return None;
        }
        let message = truncate(format!(
            "Additional properties are not allowed ('{key}' was unexpected)"
        ));
        found.push(LineError::new(found.path.clone(), message, "additional"))?;
    }
    for (i, (name, _)) in rules.props.iter().enumerate() {
        let (word, bit) = (i / 64, 1u64 << (i % 64));
        if rules.required.get(word)? & bit != 0 && seen.get(word)? & bit == 0 {
            let message = truncate(format!("{} is a required property", Value::from(&**name)));
            found.push(LineError::new(found.path.clone(), message, "required"))?;
        }
    }
    Some(())
}
