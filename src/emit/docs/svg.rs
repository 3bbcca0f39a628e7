//! The inheritance picture: fragments in layered columns on the left (a fragment sits right of every
//! fragment it merges), events in the rightmost column, edges as curves from what is merged to what
//! merges it. Drawn by hand as SVG so the docs need no tool and no network.

use std::fmt::Write as _;

use rustc_hash::{FxHashMap, FxHashSet};

use super::Site;
use super::text::escape;

/// A node of the picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Node<'a> {
    /// A fragment, by name (`.user`).
    Fragment(&'a str),
    /// An event, by name.
    Event(&'a str),
}

const CHAR_W: f64 = 7.3;
const NODE_H: f64 = 20.0;
const PITCH: f64 = 26.0;
const GAP: f64 = 110.0;
const PAD: f64 = 12.0;
const HEAD: f64 = 24.0;

struct Placed<'a> {
    node: Node<'a>,
    label: &'a str,
    deprecated: bool,
    x: f64,
    y: f64,
    w: f64,
}

/// The columns of the picture (fragment layers, then the events) and its edges.
struct Graph<'a> {
    /// Each column's nodes, top to bottom; the last column holds the events.
    columns: Vec<Vec<Node<'a>>>,
    /// The number of fragment columns (the index of the events' column).
    fragment_columns: usize,
    /// Edges from what is merged to what merges it.
    edges: Vec<(Node<'a>, Node<'a>)>,
}

impl<'a> Graph<'a> {
    /// What merges each node directly, in the order of the edges.
    fn successors(&self) -> FxHashMap<Node<'a>, Vec<Node<'a>>> {
        let mut successors: FxHashMap<Node<'a>, Vec<Node<'a>>> = FxHashMap::default();
        for &(from, to) in &self.edges {
            successors.entry(from).or_default().push(to);
        }
        successors
    }
}

/// Where each node sits: its column and its place in it, kept up to date as columns are reordered, so
/// that finding a neighbour's row is one lookup (searching the columns made large pictures quadratic).
struct Places<'a>(FxHashMap<Node<'a>, (usize, usize)>);

impl<'a> Places<'a> {
    fn new(columns: &[Vec<Node<'a>>]) -> Self {
        let mut places = Places(FxHashMap::default());
        for i in 0..columns.len() {
            places.update(columns, i);
        }
        places
    }

    /// Column `i` was reordered.
    fn update(&mut self, columns: &[Vec<Node<'a>>], i: usize) {
        for (at, &n) in columns[i].iter().enumerate() {
            self.0.insert(n, (i, at));
        }
    }

    fn get(&self, n: Node<'a>) -> Option<(usize, usize)> {
        self.0.get(&n).copied()
    }
}

/// The SVG document (no XML declaration, so it can be inlined in HTML and also saved as a file).
/// `link` gives each node's `href`. Returns `None` when no event inherits anything.
pub(crate) fn render<'a>(site: &Site<'a>, link: &dyn Fn(Node<'a>) -> String) -> Option<String> {
    let mut graph = layer(site)?;
    order(site, &mut graph);
    let ys = heights(&mut graph);
    let (placed, column_x, width) = place(site, &graph, &ys);
    let height = PAD * 2.0 + HEAD + max_len(&graph.columns) as f64 * PITCH;

    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="evg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-labelledby="evg-title">"#,
        w = fmt(width),
        h = fmt(height)
    );
    out.push_str("\n<title id=\"evg-title\">Inheritance: fragments (left) merged into fragments and events (right)</title>\n");
    out.push_str(STYLE);
    out.push_str(
        "<defs><marker id=\"evg-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"evg-arrowhead\"/></marker></defs>\n",
    );
    write_heads(&mut out, &column_x, graph.fragment_columns);
    write_edges(&mut out, &graph.edges, &placed);
    write_nodes(&mut out, &placed, link);
    out.push_str("</svg>\n");
    Some(out)
}

/// The events that merge a fragment and the fragments that take part in an edge, in layered columns:
/// layer 0 for a fragment that merges nothing, else one more than the deepest fragment it merges.
/// `None` when no event merges anything.
fn layer<'a>(site: &Site<'a>) -> Option<Graph<'a>> {
    let events: Vec<&'a str> = site
        .direct
        .iter()
        .filter(|(_, fs)| !fs.is_empty())
        .map(|(e, _)| *e)
        .collect();
    if events.is_empty() {
        return None;
    }
    // Fragments that take part in an edge.
    let merged_by_events: FxHashSet<&str> = site.direct.values().flatten().copied().collect();
    let mut used: Vec<&'a str> = Vec::new();
    for f in site.fragments() {
        let name = f.name.as_str();
        let in_graph = !f.merges.is_empty()
            || site.merged_by.get(name).is_some_and(|m| !m.is_empty())
            || merged_by_events.contains(name);
        if in_graph {
            used.push(name);
        }
    }
    let layer = layers(site, &used);
    let fragment_columns = layer.values().max().map_or(0, |m| m + 1);
    let mut columns: Vec<Vec<Node<'a>>> = vec![Vec::new(); fragment_columns + 1];
    for &f in &used {
        columns[layer.get(f).copied().unwrap_or(0)].push(Node::Fragment(f));
    }
    columns[fragment_columns] = events.iter().map(|e| Node::Event(e)).collect();
    let edges: Vec<(Node<'a>, Node<'a>)> = columns
        .iter()
        .flatten()
        .flat_map(|&to| {
            predecessors(site, to)
                .into_iter()
                .map(move |from| (from, to))
        })
        .collect();
    Some(Graph {
        columns,
        fragment_columns,
        edges,
    })
}

/// Each fragment's layer: 0 when it merges no fragment of `used`, else one more than the deepest one it
/// merges. Each fragment is measured once, after what it merges (a walk with its own stack: a chain of
/// merges may be as long as the catalog).
fn layers<'a>(site: &Site<'a>, used: &[&'a str]) -> FxHashMap<&'a str, usize> {
    let in_graph: FxHashSet<&str> = used.iter().copied().collect();
    let merges = |f: &str| -> &'a [String] {
        (site.catalog.fragments.get(f)).map_or(&[], |x| x.merges.as_slice())
    };
    let mut layer: FxHashMap<&'a str, usize> = FxHashMap::default();
    let mut open: FxHashSet<&'a str> = FxHashSet::default();
    for &start in used {
        let mut stack = vec![start];
        while let Some(&f) = stack.last() {
            if layer.contains_key(f) {
                stack.pop();
                continue;
            }
            // Merges are never circular (YAML refuses alias cycles); were one, it would count as absent.
            let waiting: Vec<&'a str> = (merges(f).iter())
                .map(String::as_str)
                .filter(|m| in_graph.contains(m) && !layer.contains_key(m) && !open.contains(m))
                .collect();
            if open.insert(f) && !waiting.is_empty() {
                stack.extend(waiting);
                continue;
            }
            let l = (merges(f).iter())
                .filter_map(|m| layer.get(m.as_str()).map(|l| l + 1))
                .max()
                .unwrap_or(0);
            layer.insert(f, l);
            open.remove(f);
            stack.pop();
        }
    }
    layer
}

/// What a node merges directly.
fn predecessors<'a>(site: &Site<'a>, n: Node<'a>) -> Vec<Node<'a>> {
    match n {
        Node::Fragment(f) => site
            .catalog
            .fragments
            .get(f)
            .map(|x| {
                x.merges
                    .iter()
                    .map(|m| Node::Fragment(m.as_str()))
                    .collect()
            })
            .unwrap_or_default(),
        Node::Event(e) => site
            .direct
            .get(e)
            .map(|fs| fs.iter().map(|f| Node::Fragment(f)).collect())
            .unwrap_or_default(),
    }
}

/// Order each column by the mean row of its neighbours in the columns already placed (barycentre
/// heuristic): first left to right by predecessors, then the fragment columns right to left by
/// successors, then the events again. Stable sorts keep catalog order on ties.
fn order<'a>(site: &Site<'a>, graph: &mut Graph<'a>) {
    let preds = |n: Node<'a>| predecessors(site, n);
    let successors = graph.successors();
    let succs = |n: Node<'a>| -> Vec<Node<'a>> { successors.get(&n).cloned().unwrap_or_default() };
    let columns = &mut graph.columns;
    let mut places = Places::new(columns);
    for i in 1..columns.len() {
        sort_column(columns, &mut places, i, &preds);
    }
    for i in (0..graph.fragment_columns).rev() {
        sort_column(columns, &mut places, i, &succs);
    }
    sort_column(columns, &mut places, graph.fragment_columns, &preds);
}

/// The height of every node. Columns start centred; then, right to left, each fragment moves to the mean
/// height of what merges it, keeping its order and at least one row apart, so edges run as flat as they
/// can (the fragment columns are reordered to match).
fn heights(graph: &mut Graph) -> Vec<Vec<f64>> {
    let tallest = max_len(&graph.columns);
    let top = PAD + HEAD;
    let bottom = top + (tallest.max(1) - 1) as f64 * PITCH;
    let mut ys: Vec<Vec<f64>> = graph
        .columns
        .iter()
        .map(|c| {
            let offset = (tallest - c.len()) as f64 * PITCH / 2.0;
            (0..c.len())
                .map(|i| top + offset + i as f64 * PITCH)
                .collect()
        })
        .collect();
    let successors = graph.successors();
    let mut places = Places::new(&graph.columns);
    for i in (0..graph.fragment_columns).rev() {
        let desired: Vec<f64> = graph.columns[i]
            .iter()
            .zip(&ys[i])
            .map(|(&n, &y)| {
                let targets: Vec<f64> = (successors.get(&n).into_iter().flatten())
                    .filter_map(|&m| places.get(m).map(|(c, j)| ys[c][j]))
                    .collect();
                if targets.is_empty() {
                    y
                } else {
                    targets.iter().sum::<f64>() / targets.len() as f64
                }
            })
            .collect();
        let mut order: Vec<usize> = (0..graph.columns[i].len()).collect();
        order.sort_by(|&a, &b| desired[a].total_cmp(&desired[b]));
        graph.columns[i] = order.iter().map(|&k| graph.columns[i][k]).collect();
        places.update(&graph.columns, i);
        let wanted: Vec<f64> = order.iter().map(|&k| desired[k]).collect();
        ys[i] = spread(&wanted, top, bottom);
    }
    ys
}

/// Boxes for every node: each column as wide as its longest label. Returns the boxes, each column's
/// `(x, width)` and the picture's width.
fn place<'a>(
    site: &Site<'a>,
    graph: &Graph<'a>,
    ys: &[Vec<f64>],
) -> (Vec<Placed<'a>>, Vec<(f64, f64)>, f64) {
    let mut placed: Vec<Placed> = Vec::new();
    let mut x = PAD;
    let mut column_x = Vec::new();
    for (column, cy) in graph.columns.iter().zip(ys) {
        let width = column
            .iter()
            .map(|n| label_of(*n).chars().count() as f64 * CHAR_W + 16.0)
            .fold(60.0, f64::max);
        for (&node, &y) in column.iter().zip(cy) {
            let deprecated = match node {
                Node::Event(e) => site
                    .catalog
                    .events
                    .get(e)
                    .is_some_and(|e| e.deprecated.is_some()),
                Node::Fragment(_) => false,
            };
            placed.push(Placed {
                node,
                label: label_of(node),
                deprecated,
                x,
                y,
                w: width,
            });
        }
        column_x.push((x, width));
        x += width + GAP;
    }
    (placed, column_x, x - GAP + PAD)
}

/// The title above each column.
fn write_heads(out: &mut String, column_x: &[(f64, f64)], fragment_columns: usize) {
    for (i, (cx, _)) in column_x.iter().enumerate() {
        let title = if i == fragment_columns {
            "events"
        } else if i == 0 {
            "fragments"
        } else {
            "↳ merging fragments"
        };
        let _ = writeln!(
            out,
            r#"<text class="evg-head" x="{}" y="{}">{}</text>"#,
            fmt(*cx),
            fmt(PAD + 12.0),
            title
        );
    }
}

/// The edges, as curves from the right side of what is merged to the left side of what merges it.
fn write_edges(out: &mut String, edges: &[(Node, Node)], placed: &[Placed]) {
    let by_node: FxHashMap<Node, &Placed> = placed.iter().map(|p| (p.node, p)).collect();
    let find = |n: Node| by_node.get(&n).copied();
    out.push_str("<g class=\"evg-edges\">\n");
    for (from, to) in edges {
        let (Some(a), Some(b)) = (find(*from), find(*to)) else {
            continue;
        };
        let (x1, y1) = (a.x + a.w, a.y + NODE_H / 2.0);
        let (x2, y2) = (b.x - 1.0, b.y + NODE_H / 2.0);
        let dx = ((x2 - x1) / 2.0).max(30.0);
        let _ = writeln!(
            out,
            r#"<path data-from="{}" data-to="{}" d="M{} {} C{} {} {} {} {} {}" marker-end="url(#evg-arrow)"/>"#,
            escape(node_key(*from).as_str()),
            escape(node_key(*to).as_str()),
            fmt(x1),
            fmt(y1),
            fmt(x1 + dx),
            fmt(y1),
            fmt(x2 - dx),
            fmt(y2),
            fmt(x2),
            fmt(y2)
        );
    }
    out.push_str("</g>\n");
}

/// The nodes, each a link with its label.
fn write_nodes<'a>(out: &mut String, placed: &[Placed<'a>], link: &dyn Fn(Node<'a>) -> String) {
    out.push_str("<g class=\"evg-nodes\">\n");
    for p in placed {
        let kind = match p.node {
            Node::Fragment(_) => "evg-fragment",
            Node::Event(_) => "evg-event",
        };
        let dep = if p.deprecated { " evg-deprecated" } else { "" };
        let _ = writeln!(
            out,
            r#"<a href="{href}" data-node="{key}" class="evg-node {kind}{dep}"><title>{label}</title><rect x="{x}" y="{y}" width="{w}" height="{h}" rx="4"/><text x="{tx}" y="{ty}">{label}</text></a>"#,
            href = escape(&link(p.node)),
            key = escape(&node_key(p.node)),
            label = escape(p.label),
            x = fmt(p.x),
            y = fmt(p.y),
            w = fmt(p.w),
            h = fmt(NODE_H),
            tx = fmt(p.x + 8.0),
            ty = fmt(p.y + 14.0),
        );
    }
    out.push_str("</g>\n");
}

/// The row of a node (columns are centred on the tallest), if placed.
fn row_of(columns: &[Vec<Node>], places: &Places, tallest: usize, n: Node) -> Option<f64> {
    let (c, at) = places.get(n)?;
    Some(at as f64 + (tallest - columns[c].len()) as f64 / 2.0)
}

/// Sort column `i` by the mean row of each node's neighbours (its own position when it has none).
fn sort_column<'a>(
    columns: &mut [Vec<Node<'a>>],
    places: &mut Places<'a>,
    i: usize,
    neighbours: &dyn Fn(Node<'a>) -> Vec<Node<'a>>,
) {
    let tallest = max_len(columns);
    let mut keys: Vec<(Node<'a>, f64)> = columns[i]
        .iter()
        .enumerate()
        .map(|(pos, &n)| {
            let rows: Vec<f64> = neighbours(n)
                .into_iter()
                .filter_map(|m| row_of(columns, places, tallest, m))
                .collect();
            let key = if rows.is_empty() {
                pos as f64
            } else {
                rows.iter().sum::<f64>() / rows.len() as f64
            };
            (n, key)
        })
        .collect();
    keys.sort_by(|a, b| a.1.total_cmp(&b.1));
    columns[i] = keys.into_iter().map(|(n, _)| n).collect();
    places.update(columns, i);
}

/// Positions as close to `wanted` (ascending) as possible, at least [`PITCH`] apart, within `top..=bottom`
/// when they fit.
fn spread(wanted: &[f64], top: f64, bottom: f64) -> Vec<f64> {
    let mut y: Vec<f64> = Vec::with_capacity(wanted.len());
    for &w in wanted {
        let min = y.last().map_or(top, |p| p + PITCH);
        y.push(w.max(min));
    }
    let mut max = bottom;
    for v in y.iter_mut().rev() {
        *v = v.min(max);
        max = *v - PITCH;
    }
    y.iter().map(|v| v.max(top)).collect()
}

/// A stable key for a node, used to highlight its edges.
fn node_key(n: Node) -> String {
    match n {
        Node::Fragment(f) => format!("f:{f}"),
        Node::Event(e) => format!("e:{e}"),
    }
}

fn label_of<'a>(n: Node<'a>) -> &'a str {
    match n {
        Node::Fragment(f) | Node::Event(f) => f,
    }
}

fn max_len(columns: &[Vec<Node>]) -> usize {
    columns.iter().map(Vec::len).max().unwrap_or(0)
}

/// Coordinates with at most one decimal, without a trailing `.0`, so output is short and stable.
fn fmt(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

const STYLE: &str = concat!(
    "<style>\n",
    ".evg{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}\n",
    ".evg-head{font-family:system-ui,sans-serif;font-weight:600;fill:#57606a}\n",
    ".evg-node rect{fill:#ddf4ff;stroke:#54aeff}\n",
    ".evg-event rect{fill:#f6f8fa;stroke:#8c959f}\n",
    ".evg-node text{fill:#1f2328}\n",
    ".evg-deprecated text{text-decoration:line-through;fill:#8c959f}\n",
    ".evg-node:hover rect,.evg-node.evg-on rect{stroke-width:2;stroke:#0969da}\n",
    ".evg-edges path{fill:none;stroke:#8c959f;stroke-width:1.2;opacity:.7}\n",
    ".evg-edges path.evg-on{stroke:#0969da;stroke-width:2.2;opacity:1}\n",
    ".evg-arrowhead{fill:#8c959f}\n",
    "@media (prefers-color-scheme:dark){\n",
    ".evg-head{fill:#9198a1}\n",
    ".evg-node rect{fill:#0c2d6b;stroke:#4493f8}\n",
    ".evg-event rect{fill:#151b23;stroke:#656c76}\n",
    ".evg-node text{fill:#e6edf3}\n",
    ".evg-deprecated text{fill:#9198a1}\n",
    ".evg-node:hover rect,.evg-node.evg-on rect{stroke:#4493f8}\n",
    ".evg-edges path{stroke:#656c76}\n",
    ".evg-edges path.evg-on{stroke:#4493f8}\n",
    ".evg-arrowhead{fill:#656c76}\n",
    "}\n",
    "</style>\n",
);
