//! `textDocument/hover`: what the merges make of the thing under the cursor. An event shows its resolved
//! parameter table, a parameter its type, constraints and inheritance chain, an alias the fragment it
//! brings in.

use std::fmt::Write as _;

use crate::lsp::query::{self, Item};
use crate::lsp::session::Analysis;
use crate::model::{Constraints, MergeSource, Parameter, Parameters};
use crate::source::FileId;

/// The hover text (Markdown) at `offset` in `file`, if something is there.
pub fn hover(analysis: &Analysis, file: FileId, offset: usize) -> Option<String> {
    let item = query::item_at(analysis, file, offset)?;
    Some(match item {
        Item::Event(event) => {
            let mut text = format!("**event** `{}`\n\n", event.name);
            if let Some(d) = &event.description {
                let _ = write!(text, "{d}\n\n");
            }
            if let Some(d) = &event.deprecated {
                let _ = write!(text, "**deprecated**: {d}\n\n");
            }
            text.push_str(&table(&event.parameters));
            text
        }
        Item::Fragment(fragment) => {
            format!(
                "**fragment** `{}`\n\n{}",
                fragment.name,
                table(&fragment.parameters)
            )
        }
        Item::Parameter(p) => parameter(analysis, p),
        Item::Alias(_) | Item::Anchor(_) => {
            let target = query::anchored_node(analysis, item)?;
            let node = analysis.tree.get(target);
            let name = node.anchor.as_ref().map_or("", |a| a.name.as_str());
            match query::fragment_of(analysis, target) {
                Some(fragment) => format!(
                    "**`*{name}`** → fragment `{}` ({})\n\n{}",
                    fragment.name,
                    at(analysis, fragment.name_span),
                    table(&fragment.parameters)
                ),
                None => {
                    let source = analysis.sources().get(node.span.file);
                    format!(
                        "**`*{name}`** ({})\n\n```yaml\n{}\n```",
                        at(analysis, node.span),
                        source.slice(node.span)
                    )
                }
            }
        }
    })
}

/// The resolved parameter table of an event or fragment.
fn table(parameters: &Parameters) -> String {
    if parameters.is_empty() {
        return "_no parameters_".into();
    }
    let mut text =
        String::from("| parameter | type | required | nullable | from |\n|---|---|---|---|---|\n");
    for p in parameters.values() {
        let _ = writeln!(
            text,
            "| `{}` | `{}` | {} | {} | {} |",
            p.name,
            p.schema.ty.display(),
            yes(p.required),
            yes(p.schema.nullable),
            chain(p).unwrap_or_else(|| "—".into())
        );
    }
    text
}

/// The fragments a parameter came through, outermost first: `` `.event_base` → `.user` ``.
fn chain(p: &Parameter) -> Option<String> {
    if !p.origin.is_inherited() {
        return None;
    }
    let steps: Vec<String> = p
        .origin
        .via
        .iter()
        .map(|step| match step.source() {
            MergeSource::Fragment(f) => format!("`{f}`"),
            MergeSource::Anchor(a) => format!("`*{a}`"),
            MergeSource::Inline => "an inline mapping".into(),
        })
        .collect();
    Some(steps.join(" → "))
}

fn parameter(analysis: &Analysis, p: &Parameter) -> String {
    let mut text = format!(
        "**parameter** `{}`: `{}`\n\n",
        p.name,
        p.schema.ty.display()
    );
    let _ = write!(
        text,
        "required: {} · nullable: {}\n\n",
        yes(p.required),
        yes(p.schema.nullable)
    );
    let constraints = constraints(&p.schema.constraints);
    if !constraints.is_empty() {
        let _ = write!(text, "constraints: {}\n\n", constraints.join(", "));
    }
    if let Some(d) = p.description.as_ref().or(p.schema.description.as_ref()) {
        let _ = write!(text, "{d}\n\n");
    }
    if let Some(d) = &p.deprecated {
        let _ = write!(text, "**deprecated**: {d}\n\n");
    }
    if let Some(chain) = chain(p) {
        let _ = write!(text, "inherited through {chain}\n\n");
    }
    let _ = write!(text, "defined at {}", at(analysis, p.key_span));
    text
}

/// The constraints that are set, as `name value`.
fn constraints(c: &Constraints) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(values) = &c.enumeration {
        let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        out.push(format!("enum [{}]", values.join(", ")));
    }
    if let Some(p) = &c.pattern {
        out.push(format!("pattern `{p}`"));
    }
    let numbers = [("minimum", &c.minimum), ("maximum", &c.maximum)];
    out.extend(
        numbers
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k} {v}"))),
    );
    let counts = [
        ("min_length", c.min_length),
        ("max_length", c.max_length),
        ("min_items", c.min_items),
        ("max_items", c.max_items),
    ];
    out.extend(
        counts
            .iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k} {v}"))),
    );
    out
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// `file:line:col` of a span.
fn at(analysis: &Analysis, span: crate::source::Span) -> String {
    analysis.sources().locate(span).to_string()
}
