//! The function map as a picture: a flow diagram (Sankey) drawn at build time as inline SVG,
//! with the units functions leave on the left, the units they reach on the right, and one band
//! per pair whose thickness is the number of functions that move between them. Each column is
//! grouped by department (a unit's top-level unit in its era), the department named above its
//! group; units of the reform come first, context units after them, drawn in grey. Inside a
//! group, units are ordered by the mean position of their other ends (barycentre), which keeps
//! bands from crossing. Labels are measured and wrapped (`svg::wrap`); a cut one carries its
//! full name as a tooltip. Each band's tooltip names its functions; the text alternative lists
//! the moves by department, and the table beside it gives the detail.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use super::svg::{Font, Wrapped, caps_width, esc, n, open, text_width, wrap};
use super::views::UnitRef;
use crate::i18n::Strings;
use crate::model::reform::{Confidence, Reform};

struct Layout {
    width: f64,
    /// The widest a label column may grow.
    max_label_w: f64,
    band: f64,
    font: Font,
    group: Font,
}

const NARROW: Layout = Layout {
    width: 360.0,
    max_label_w: 112.0,
    band: 7.0,
    font: Font::bold(10.5),
    group: Font::bold(9.5),
};
const WIDE: Layout = Layout {
    width: 760.0,
    max_label_w: 250.0,
    band: 9.0,
    font: Font::bold(13.0),
    group: Font::bold(11.0),
};
const NODE_W: f64 = 12.0;
const NODE_GAP: f64 = 8.0;
const GROUP_GAP: f64 = 14.0;
const TOP: f64 = 28.0;
const LABEL_GAP: f64 = 6.0;
const NONE: usize = usize::MAX;
const MAX_LINES: usize = 4;
/// The column headings: `.oc-col` (12 px, bold, capitals, 0.06 em apart).
const COL_FONT: Font = Font::bold(12.0);
/// Guards the walk up `parent` links against a loop (validation refuses one).
const MAX_DEPTH: usize = 64;

/// One move in the text alternative: from a unit to a unit, with the functions.
#[derive(Serialize)]
pub struct AltMove {
    pub from: Option<UnitRef>,
    pub to: Option<UnitRef>,
    pub functions: Vec<String>,
    /// For each function, `reported` or `uncertain` when the move is not confirmed.
    pub confidence: Vec<Option<&'static str>>,
}

/// The moves into one group of the right column.
#[derive(Serialize)]
pub struct AltGroup {
    /// The department; `None` for functions that leave the reform.
    pub unit: Option<UnitRef>,
    pub context: bool,
    pub moves: Vec<AltMove>,
}

#[derive(Serialize)]
pub struct FlowView {
    pub wide: String,
    pub narrow: String,
    pub groups: Vec<AltGroup>,
    /// Some band is dashed: the key explains it.
    pub doubtful: bool,
}

/// A column: groups of nodes (unit indices, or `NONE`), each group under its department.
struct Column {
    groups: Vec<Group>,
}

struct Group {
    /// The department, or `NONE` for the "not recorded" / "outside" node.
    head: usize,
    context: bool,
    nodes: Vec<usize>,
}

impl Column {
    fn nodes(&self) -> impl Iterator<Item = usize> + '_ {
        self.groups.iter().flat_map(|g| g.nodes.iter().copied())
    }
    fn position(&self, u: usize) -> Option<usize> {
        self.nodes().position(|x| x == u)
    }
}

struct Graph {
    left: Column,
    right: Column,
    /// (left unit, right unit) → function names, in data order.
    links: BTreeMap<(usize, usize), Vec<String>>,
    /// The same pairs → for each of those functions, `reported` or `uncertain` when the data
    /// does not confirm the move (`None`: confirmed).
    doubts: BTreeMap<(usize, usize), Vec<Option<&'static str>>>,
}

impl Graph {
    /// The functions between a pair, each unconfirmed one marked "(reported)" or
    /// "(uncertain)", joined with `sep`.
    fn names(&self, key: (usize, usize), sep: &str, strings: &Strings) -> String {
        let doubts = self.doubts.get(&key);
        self.links[&key]
            .iter()
            .enumerate()
            .map(|(i, name)| match doubts.and_then(|d| d[i]) {
                Some(level) => format!("{name} ({})", strings.get(&format!("confidence_{level}"))),
                None => name.clone(),
            })
            .collect::<Vec<_>>()
            .join(sep)
    }

    /// How many of the functions between a pair move without confirmation.
    fn doubtful(&self, key: (usize, usize)) -> usize {
        self.doubts
            .get(&key)
            .map_or(0, |d| d.iter().filter(|c| c.is_some()).count())
    }
}

/// The top-level unit above `u` in the era before (`before`) or after the reform.
fn department(r: &Reform, u: usize, before: bool) -> usize {
    let mut at = u;
    for _ in 0..MAX_DEPTH {
        let unit = &r.units[at];
        let up = if before {
            unit.parent_in_before().filter(|&p| r.units[p].era.before())
        } else {
            unit.parent.filter(|&p| r.units[p].era.after())
        };
        match up {
            Some(p) if p != at => at = p,
            _ => break,
        }
    }
    at
}

/// Groups `units` by department, in data order; the reform's
/// units first, context units next, `NONE` last.
fn column(r: &Reform, units: &[usize], before: bool) -> Column {
    let mut groups: Vec<Group> = Vec::new();
    for &u in units {
        let head = if u == NONE {
            NONE
        } else {
            department(r, u, before)
        };
        match groups.iter_mut().find(|g| g.head == head) {
            Some(g) => g.nodes.push(u),
            None => groups.push(Group {
                head,
                context: head != NONE && r.units[head].context || u != NONE && r.units[u].context,
                nodes: vec![u],
            }),
        }
    }
    for g in &mut groups {
        // The department itself first, then its units in data order.
        g.nodes.sort_by_key(|&u| (u != g.head, u));
        if g.head != NONE {
            g.context = g.nodes.iter().all(|&u| r.units[u].context);
        }
    }
    groups.sort_by_key(|g| (g.head == NONE, g.context, g.head));
    Column { groups }
}

/// Reorders `col` by the mean position of each node's other ends in `other`: the groups by
/// their nodes' mean, the nodes inside each group (after its department) by their own.
fn reorder(col: &mut Column, other: &Column, links: &[(usize, usize)], left: bool) {
    let bary = |u: usize| -> Option<f64> {
        let ks: Vec<usize> = links
            .iter()
            .filter(|l| if left { l.0 == u } else { l.1 == u })
            .filter_map(|l| other.position(if left { l.1 } else { l.0 }))
            .collect();
        (!ks.is_empty()).then(|| ks.iter().sum::<usize>() as f64 / ks.len() as f64)
    };
    let key = |v: Option<f64>| v.unwrap_or(f64::MAX);
    for g in &mut col.groups {
        let head = g.head;
        let start = usize::from(g.nodes.first() == Some(&head));
        g.nodes[start..].sort_by(|a, b| key(bary(*a)).total_cmp(&key(bary(*b))));
    }
    let mean = |g: &Group| {
        let v: Vec<f64> = g.nodes.iter().filter_map(|&u| bary(u)).collect();
        if v.is_empty() {
            f64::MAX
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    col.groups.sort_by(|a, b| {
        (a.head == NONE, a.context)
            .cmp(&(b.head == NONE, b.context))
            .then(mean(a).total_cmp(&mean(b)))
    });
}

fn graph(r: &Reform) -> Graph {
    let mut links: BTreeMap<(usize, usize), Vec<String>> = BTreeMap::new();
    let mut doubts: BTreeMap<(usize, usize), Vec<Option<&'static str>>> = BTreeMap::new();
    for f in &r.functions {
        // The function's own pairing of origins and destinations (`Function::moves`).
        for m in &f.moves {
            let key = (m.from.unwrap_or(NONE), m.to.unwrap_or(NONE));
            links.entry(key).or_default().push(f.name.clone());
            let level = (m.level != Confidence::Confirmed).then(|| m.level.as_str());
            doubts.entry(key).or_default().push(level);
        }
    }
    let mut lefts: Vec<usize> = links.keys().map(|k| k.0).collect();
    let mut rights: Vec<usize> = links.keys().map(|k| k.1).collect();
    lefts.sort_unstable();
    lefts.dedup();
    rights.sort_unstable();
    rights.dedup();
    let pairs: Vec<(usize, usize)> = links.keys().copied().collect();
    let mut left = column(r, &lefts, true);
    let mut right = column(r, &rights, false);
    // Two sweeps of the barycentre heuristic: right against left, left against right, again.
    for _ in 0..2 {
        reorder(&mut right, &left, &pairs, false);
        reorder(&mut left, &right, &pairs, true);
    }
    reorder(&mut right, &left, &pairs, false);
    Graph {
        left,
        right,
        links,
        doubts,
    }
}

fn label(r: &Reform, u: usize, left: bool, strings: &Strings) -> String {
    if u == NONE {
        return strings
            .get(if left {
                "not_recorded"
            } else {
                "outside_reform"
            })
            .to_owned();
    }
    // Each column names the unit as it was called then.
    if left {
        r.units[u].label_in_before().to_owned()
    } else {
        r.units[u].label().to_owned()
    }
}

/// The full name of a unit, for a tooltip.
fn full_name(r: &Reform, u: usize, left: bool, strings: &Strings) -> String {
    match r.units.get(u) {
        Some(unit) => {
            let (name, short) = if left {
                (unit.name_in_before(), unit.label_in_before())
            } else {
                (unit.name.as_str(), unit.label())
            };
            if short == name {
                name.to_owned()
            } else {
                format!("{name} ({short})")
            }
        }
        None => label(r, u, left, strings),
    }
}

/// A node's place: top, height, and its label's lines.
struct Placed {
    y: f64,
    h: f64,
    label: Wrapped,
    count: usize,
}

/// A group's place: the top of its heading (if drawn) and the bottom of its last node.
struct PlacedGroup {
    top: f64,
    bottom: f64,
    heading: Option<Wrapped>,
}

struct Side {
    nodes: BTreeMap<usize, Placed>,
    groups: Vec<PlacedGroup>,
    bottom: f64,
}

fn place(r: &Reform, g: &Graph, lay: &Layout, label_w: f64, left: bool, strings: &Strings) -> Side {
    let col = if left { &g.left } else { &g.right };
    let count = |u: usize| -> usize {
        g.links
            .iter()
            .filter(|((a, b), _)| if left { *a == u } else { *b == u })
            .map(|(_, v)| v.len())
            .sum()
    };
    let mut nodes = BTreeMap::new();
    let mut groups = Vec::new();
    let mut y = TOP;
    for grp in &col.groups {
        let top = y;
        // A group's heading names its department, unless the group is that department alone.
        let alone = grp.nodes.len() == 1 && grp.nodes[0] == grp.head;
        let heading = (grp.head != NONE && !alone).then(|| {
            let mut w = wrap(r.units[grp.head].label(), lay.group, label_w, 2);
            w.cut |= r.units[grp.head].acronym.is_some();
            w
        });
        if let Some(h) = &heading {
            y += h.lines.len() as f64 * lay.group.line() + 4.0;
        }
        for &u in &grp.nodes {
            let c = count(u);
            let room = label_w - text_width(&format!(" {c}"), lay.font);
            let mut w = wrap(&label(r, u, left, strings), lay.font, room, MAX_LINES);
            w.cut |= u != NONE && r.units[u].acronym.is_some();
            let text_h = w.lines.len() as f64 * lay.font.line() + 2.0;
            let h = (c as f64 * lay.band).max(text_h);
            nodes.insert(
                u,
                Placed {
                    y,
                    h,
                    label: w,
                    count: c,
                },
            );
            y += h + NODE_GAP;
        }
        groups.push(PlacedGroup {
            top,
            bottom: y - NODE_GAP,
            heading,
        });
        y += GROUP_GAP - NODE_GAP;
    }
    Side {
        nodes,
        groups,
        bottom: y - GROUP_GAP,
    }
}

impl Side {
    fn shift(&mut self, by: f64) {
        self.nodes.values_mut().for_each(|p| p.y += by);
        self.groups.iter_mut().for_each(|g| {
            g.top += by;
            g.bottom += by;
        });
    }
}

/// How wide a label column must be for its longest label (up to the layout's limit).
fn label_width(r: &Reform, col: &Column, lay: &Layout, left: bool, strings: &Strings) -> f64 {
    let widest = col
        .nodes()
        .map(|u| text_width(&format!("{} 99", label(r, u, left, strings)), lay.font))
        .fold(0.0, f64::max);
    widest.min(lay.max_label_w).max(40.0)
}

fn draw(r: &Reform, g: &Graph, lay: &Layout, id: &str, strings: &Strings) -> String {
    let lw = label_width(r, &g.left, lay, true, strings);
    let rw = label_width(r, &g.right, lay, false, strings);
    let xl = LABEL_GAP + lw + LABEL_GAP;
    let xr = lay.width - rw - 2.0 * LABEL_GAP - NODE_W;
    let mut ls = place(r, g, lay, lw, true, strings);
    let mut rs = place(r, g, lay, rw, false, strings);
    if ls.bottom < rs.bottom {
        ls.shift((rs.bottom - ls.bottom) / 2.0);
    } else {
        rs.shift((ls.bottom - rs.bottom) / 2.0);
    }
    let height = ls.bottom.max(rs.bottom) + 8.0;

    let mut s = String::with_capacity(8192);
    let total: usize = r.functions.len();
    open(
        &mut s,
        "flow-svg",
        id,
        (lay.width, height),
        &strings.fill("flow_title", &[("count", &total.to_string())]),
    );
    let desc: Vec<String> = g
        .right
        .nodes()
        .flat_map(|b| g.left.nodes().map(move |a| (a, b)))
        .filter(|k| g.links.contains_key(k))
        .map(|(a, b)| {
            format!(
                "{} → {}: {}",
                label(r, a, true, strings),
                label(r, b, false, strings),
                g.names((a, b), ", ", strings)
            )
        })
        .collect();
    let _ = write!(
        s,
        "<desc id=\"{id}-desc\">{}.</desc>",
        esc(&desc.join("; "))
    );
    // Group backgrounds, under everything else.
    for (side, x0, x1) in [(&ls, 0.0, xl + NODE_W), (&rs, xr, lay.width)] {
        for grp in side.groups.iter().filter(|grp| grp.heading.is_some()) {
            let _ = write!(
                s,
                "<rect class=\"flow-group\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\"/>",
                n(x0),
                n(grp.top - 3.0),
                n(x1 - x0),
                n(grp.bottom - grp.top + 6.0)
            );
        }
    }
    column_headings(&mut s, (xl + NODE_W, xr), lay, strings);

    // Bands, stacked inside each node in the order of their other end.
    let order_l: Vec<usize> = g.left.nodes().collect();
    let order_r: Vec<usize> = g.right.nodes().collect();
    let pos = |v: &[usize], u: usize| v.iter().position(|&x| x == u).unwrap_or(0);
    let mut keys: Vec<(usize, usize)> = g.links.keys().copied().collect();
    let mut rnext: BTreeMap<usize, f64> = BTreeMap::new();
    let mut right_slot: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    keys.sort_by_key(|&(a, b)| (pos(&order_r, b), pos(&order_l, a)));
    for &(a, b) in &keys {
        let p = &rs.nodes[&b];
        let t = g.links[&(a, b)].len() as f64 * lay.band;
        let next = rnext
            .entry(b)
            .or_insert(p.y + (p.h - p.count as f64 * lay.band) / 2.0);
        right_slot.insert((a, b), *next);
        *next += t;
    }
    let mut lnext: BTreeMap<usize, f64> = BTreeMap::new();
    keys.sort_by_key(|&(a, b)| (pos(&order_l, a), pos(&order_r, b)));
    for &(a, b) in &keys {
        let names = &g.links[&(a, b)];
        let p = &ls.nodes[&a];
        let t = names.len() as f64 * lay.band;
        let next = lnext
            .entry(a)
            .or_insert(p.y + (p.h - p.count as f64 * lay.band) / 2.0);
        let y0 = *next;
        *next += t;
        let y1 = right_slot[&(a, b)];
        let (x0, x1) = (xl + NODE_W, xr);
        let xm = (x0 + x1) / 2.0;
        let era = match b {
            NONE => "outside",
            u if r.units[u].context => "outside",
            _ => "after",
        };
        // The confirmed functions first, then those the data does not confirm, dashed.
        let unsure = g.doubtful((a, b));
        let sure = names.len() - unsure;
        let tip = format!(
            "{} → {}: {}",
            label(r, a, true, strings),
            label(r, b, false, strings),
            g.names((a, b), "; ", strings)
        );
        for (count, offset, doubtful) in [(sure, 0, false), (unsure, sure, true)] {
            if count == 0 {
                continue;
            }
            let (y0, y1) = (y0 + offset as f64 * lay.band, y1 + offset as f64 * lay.band);
            let t = count as f64 * lay.band;
            let _ = write!(
                s,
                "<path class=\"flow-band {era}{}\" d=\"M{x0} {y0}C{xm} {y0} {xm} {y1} {x1} {y1}L{x1} {y1b}C{xm} {y1b} {xm} {y0b} {x0} {y0b}Z\"><title>{}</title></path>",
                if doubtful { " doubtful" } else { "" },
                esc(&tip),
                x0 = n(x0),
                x1 = n(x1),
                xm = n(xm),
                y0 = n(y0),
                y1 = n(y1),
                y0b = n(y0 + t),
                y1b = n(y1 + t),
            );
        }
    }
    for (left, side, x) in [(true, &ls, xl), (false, &rs, xr)] {
        let col = if left { &g.left } else { &g.right };
        for (grp, placed) in col.groups.iter().zip(&side.groups) {
            if let Some(h) = &placed.heading {
                let tx = if left {
                    x - LABEL_GAP
                } else {
                    x + NODE_W + LABEL_GAP
                };
                let full = full_name(r, grp.head, left, strings);
                text_lines(
                    &mut s,
                    ("flow-group-label", if left { "end" } else { "start" }),
                    (tx, placed.top + lay.group.size),
                    lay.group,
                    h,
                    &full,
                    None,
                );
            }
            for &u in &grp.nodes {
                let p = &side.nodes[&u];
                let context = u == NONE || r.units[u].context;
                node(&mut s, r, (u, p), (x, left, context), lay, strings);
            }
        }
    }
    s.push_str("</svg>");
    s
}

fn column_headings(s: &mut String, (xl, xr): (f64, f64), lay: &Layout, strings: &Strings) {
    for (x, key, anchor, room) in [
        (xl, "before", "end", xl),
        (xr, "after", "start", lay.width - xr),
    ] {
        let text = strings.get(key);
        let fit = if caps_width(text, COL_FONT, 0.06) > room {
            format!(
                " textLength=\"{}\" lengthAdjust=\"spacingAndGlyphs\"",
                n(room)
            )
        } else {
            String::new()
        };
        let _ = write!(
            s,
            "<text class=\"oc-col\" x=\"{}\" y=\"16\" text-anchor=\"{anchor}\"{fit}>{}</text>",
            n(x),
            esc(text)
        );
    }
}

/// One node: its bar and its label (with its count after the last line).
fn node(
    s: &mut String,
    r: &Reform,
    (u, p): (usize, &Placed),
    (x, left, context): (f64, bool, bool),
    lay: &Layout,
    strings: &Strings,
) {
    let class = match (left, context) {
        (_, true) => "context",
        (true, false) => "before",
        (false, false) => "after",
    };
    let _ = write!(
        s,
        "<rect class=\"flow-node {class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\"/>",
        n(x),
        n(p.y),
        n(NODE_W),
        n(p.h)
    );
    let (tx, anchor) = if left {
        (x - LABEL_GAP, "end")
    } else {
        (x + NODE_W + LABEL_GAP, "start")
    };
    let lines = p.label.lines.len() as f64;
    let first = p.y + p.h / 2.0 - (lines - 1.0) * lay.font.line() / 2.0 + lay.font.size * 0.35;
    let label_class = if context {
        "flow-label context"
    } else {
        "flow-label"
    };
    text_lines(
        s,
        (label_class, anchor),
        (tx, first),
        lay.font,
        &p.label,
        &full_name(r, u, left, strings),
        Some(p.count),
    );
}

/// A label of one or more lines, anchored at `x`; `count`, if any, after the last line.
fn text_lines(
    s: &mut String,
    (class, anchor): (&str, &str),
    (x, y): (f64, f64),
    font: Font,
    label: &Wrapped,
    full: &str,
    count: Option<usize>,
) {
    if label.cut {
        let _ = write!(s, "<g><title>{}</title>", esc(full));
    }
    let _ = write!(
        s,
        "<text class=\"{class}\" x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{anchor}\">",
        n(x),
        n(y),
        n(font.size)
    );
    let last = label.lines.len().saturating_sub(1);
    for (i, line) in label.lines.iter().enumerate() {
        let dy = if i == 0 {
            String::new()
        } else {
            format!(" dy=\"{}\"", n(font.line()))
        };
        let _ = write!(s, "<tspan x=\"{}\"{dy}>{}", n(x), esc(line));
        if let Some(c) = count.filter(|_| i == last) {
            let _ = write!(s, " <tspan class=\"flow-count\">{c}</tspan>");
        }
        s.push_str("</tspan>");
    }
    s.push_str("</text>");
    if label.cut {
        s.push_str("</g>");
    }
}

/// The text alternative: the moves into each group of the right column, in the picture's
/// order.
fn alt(r: &Reform, g: &Graph, unit_refs: &[UnitRef]) -> Vec<AltGroup> {
    let unit = |u: usize| (u != NONE).then(|| unit_refs[u].clone());
    g.right
        .groups
        .iter()
        .map(|grp| AltGroup {
            unit: unit(grp.head),
            context: grp.context,
            moves: grp
                .nodes
                .iter()
                .flat_map(|&b| g.left.nodes().map(move |a| (a, b)))
                .filter_map(|(a, b)| {
                    g.links.get(&(a, b)).map(|names| AltMove {
                        from: unit(a),
                        to: unit(b),
                        functions: names.clone(),
                        confidence: g.doubts.get(&(a, b)).cloned().unwrap_or_default(),
                    })
                })
                .collect(),
        })
        .filter(|grp| !grp.moves.is_empty() || r.functions.is_empty())
        .collect()
}

/// The function map in both layouts, with its text alternative; `None` when the data has no
/// functions.
pub fn function_map(r: &Reform, unit_refs: &[UnitRef], strings: &Strings) -> Option<FlowView> {
    if r.functions.is_empty() {
        return None;
    }
    let g = graph(r);
    Some(FlowView {
        wide: draw(r, &g, &WIDE, "flow-wide", strings),
        narrow: draw(r, &g, &NARROW, "flow-narrow", strings),
        groups: alt(r, &g, unit_refs),
        doubtful: g.links.keys().any(|&k| g.doubtful(k) > 0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::views::unit_refs;
    use std::path::Path;

    const DEEP: &str = include_str!("../../tests/fixtures/deep-reform/content/reform.toml");

    fn reform(text: &str) -> Reform {
        let v = crate::data::parse(Path::new("reform.toml"), text);
        v.reform.unwrap_or_else(|| panic!("{:?}", v.diagnostics))
    }

    fn names(r: &Reform, col: &Column) -> Vec<Vec<String>> {
        col.groups
            .iter()
            .map(|g| {
                g.nodes
                    .iter()
                    .map(|&u| r.units.get(u).map_or("-".to_owned(), |u| u.id.clone()))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn columns_are_grouped_by_department_context_last() {
        let r = reform(DEEP);
        let g = graph(&r);
        let right = names(&r, &g.right);
        // Each group holds the units of one department; the context unit comes after them.
        let dept = |id: &str| {
            right
                .iter()
                .position(|grp| grp.iter().any(|u| u == id))
                .unwrap()
        };
        assert_eq!(dept("mob-infra"), dept("mob-ports"));
        assert_eq!(dept("cl-air"), dept("cl-land"));
        assert_ne!(dept("mob-infra"), dept("cl-air"));
        assert_eq!(dept("freight-desk"), dept("mob-rail"));
        assert_eq!(right.last().unwrap(), &["stats"], "{right:?}");
        let left = names(&r, &g.left);
        assert_eq!(left.last().unwrap(), &["-"], "not recorded last: {left:?}");
        let svg = draw(&r, &g, &WIDE, "t", &Strings::english());
        assert!(
            svg.contains("flow-node context"),
            "context units are drawn apart"
        );
        for head in ["MT", "ME", "DoM", "DCL"] {
            assert!(
                svg.contains(&format!(">{head}</tspan>")),
                "no heading {head}"
            );
        }
    }

    /// Pairs of bands that cross, in the column orders of `g`.
    fn crossings(g: &Graph) -> usize {
        let l: Vec<usize> = g.left.nodes().collect();
        let rr: Vec<usize> = g.right.nodes().collect();
        let at = |v: &[usize], u: usize| v.iter().position(|&x| x == u).unwrap();
        let pairs: Vec<(usize, usize)> = g
            .links
            .keys()
            .map(|&(a, b)| (at(&l, a), at(&rr, b)))
            .collect();
        let mut n = 0;
        for (i, p) in pairs.iter().enumerate() {
            for q in &pairs[i + 1..] {
                if (p.0 < q.0 && p.1 > q.1) || (p.0 > q.0 && p.1 < q.1) {
                    n += 1;
                }
            }
        }
        n
    }

    #[test]
    fn ordering_inside_groups_removes_crossings() {
        let r = reform(DEEP);
        let mut g = graph(&r);
        let ordered = crossings(&g);
        // The same groups with their units in data order.
        for grp in g.right.groups.iter_mut().chain(g.left.groups.iter_mut()) {
            grp.nodes.sort_unstable();
        }
        assert!(
            ordered < crossings(&g),
            "{ordered} crossings, {} unordered",
            crossings(&g)
        );
    }

    #[test]
    fn the_text_alternative_follows_the_right_column() {
        let r = reform(DEEP);
        let refs = unit_refs(&r, "departments");
        let view = function_map(&r, &refs, &Strings::english()).unwrap();
        let moves: usize = view
            .groups
            .iter()
            .map(|g| g.moves.iter().map(|m| m.functions.len()).sum::<usize>())
            .sum();
        let pairs: usize = r
            .functions
            .iter()
            .map(|f| f.from.len().max(1) * f.to.len().max(1))
            .sum();
        assert_eq!(moves, pairs);
        assert_eq!(view.groups.len(), graph(&r).right.groups.len());
    }
}
