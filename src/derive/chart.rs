//! The before/after organisation chart, drawn at build time as inline SVG from the data:
//! two columns (before, after) of nested boxes — each top-level unit a box, the units it
//! contains boxes inside it, at every depth — and an arrow from every unit, at whatever depth,
//! to each unit its work goes to (dotted where a unit continues, dashed where the data does
//! not confirm the move). Two layouts are drawn — narrow for phones, wide for larger
//! screens — and the stylesheet shows one; the colours come
//! from the theme's CSS variables, so they follow light and dark. Every label is measured
//! (`svg::wrap`) and wrapped inside its box; one too long for three lines ends in "…" and
//! carries the full name as a tooltip, and the text alternative always names it in full.

use std::collections::HashMap;
use std::fmt::Write;

use serde::Serialize;

use super::svg::{Font, Wrapped, caps_width, esc, n, open, text_block, wrap};
use super::views::UnitRef;
use crate::i18n::Strings;
use crate::model::reform::{Owner, Reform, Relation};

/// Sizes of one layout.
pub struct Layout {
    pub width: f64,
    pub col_w: f64,
    /// The label of a top-level box (its acronym, or its name).
    pub label: Font,
    /// The label of a box inside another.
    pub sub: Font,
    /// A unit's name under its acronym.
    pub name: Font,
    /// Whether boxes inside others show the name under the acronym too.
    pub nested_names: bool,
    /// Space between a box's edge and what it contains.
    pub inner: f64,
}

pub const NARROW: Layout = Layout {
    width: 360.0,
    col_w: 140.0,
    label: Font::bold(13.0),
    sub: Font::bold(10.5),
    name: Font::regular(10.0),
    nested_names: false,
    inner: 5.0,
};
pub const WIDE: Layout = Layout {
    width: 760.0,
    col_w: 280.0,
    label: Font::bold(16.0),
    sub: Font::bold(12.5),
    name: Font::regular(12.0),
    nested_names: true,
    inner: 8.0,
};

const PAD: f64 = 4.0;
const GAP: f64 = 14.0;
const HEAD: f64 = 30.0;
/// Deeper than this, the data has a loop (validation refuses one; this is a guard).
const MAX_DEPTH: usize = 12;
/// The column headings: `.oc-col` in the stylesheet (12 px, bold, capitals, 0.06 em apart).
const COL_FONT: Font = Font::bold(12.0);

/// One line of the chart's text alternative, in the order of the chart (a unit, then the
/// units inside it).
#[derive(Serialize)]
pub struct AltItem {
    pub unit: UnitRef,
    /// Before: where its work goes. After: where its work comes from.
    pub links: Vec<AltLink>,
    /// 0 for a top-level unit, 1 for a unit inside it, …
    pub depth: usize,
    /// The unit it sits in, in this column.
    pub within: Option<UnitRef>,
    /// `reported` or `uncertain` when the data does not confirm that it sits there.
    pub within_confidence: Option<&'static str>,
    /// The other units it reports to in this column (dual reporting).
    pub also: Vec<UnitRef>,
    /// The units directly inside it (each also an item of its own, after it).
    pub contains: Vec<UnitRef>,
    /// After: the units that the functions arriving here come from (a new unit takes on work
    /// without taking over a unit).
    pub work_from: Vec<UnitRef>,
}

/// A unit at the other end of an arrow, with how sure the data is of the arrow.
#[derive(Serialize)]
pub struct AltLink {
    #[serde(flatten)]
    pub unit: UnitRef,
    /// `reported` or `uncertain`; absent for a confirmed move.
    pub confidence: Option<&'static str>,
}

/// Which marks the chart draws, so that its key explains just those.
#[derive(Serialize, Default)]
pub struct Legend {
    /// Dashed arrows: moves the data does not confirm.
    pub doubtful: bool,
    /// Dashed boxes: units whose place the data does not confirm.
    pub doubtful_box: bool,
    /// Dotted arrows: units that carry on.
    pub continues: bool,
    /// "also reports to" lines.
    pub also: bool,
}

#[derive(Serialize)]
pub struct ChartView {
    pub wide: String,
    pub narrow: String,
    pub before: Vec<AltItem>,
    pub after: Vec<AltItem>,
    pub context: Vec<UnitRef>,
    pub legend: Legend,
}

/// A unit and the units drawn inside it.
struct Node {
    unit: usize,
    children: Vec<Node>,
}

/// The two columns as trees, ordered: the before column as the data lists its units, the
/// after column by where its units' work comes from, to keep arrows from crossing.
struct Columns {
    before: Vec<Node>,
    after: Vec<Node>,
}

fn shown(r: &Reform, i: usize) -> bool {
    !r.units[i].context
}

/// A unit's short label as its column calls it.
fn label_in(r: &Reform, u: usize, before: bool) -> &str {
    if before {
        r.units[u].label_in_before()
    } else {
        r.units[u].label()
    }
}

/// The parents after the first that a unit reports to in one column (dual reporting).
fn other_parents(r: &Reform, u: usize, before: bool) -> Vec<usize> {
    let unit = &r.units[u];
    let all = if before {
        unit.parents_in_before()
    } else {
        &unit.parents[..]
    };
    all.iter()
        .skip(1)
        .copied()
        .filter(|&p| {
            shown(r, p)
                && if before {
                    r.units[p].era.before()
                } else {
                    r.units[p].era.after()
                }
        })
        .collect()
}

/// How sure the data is that a unit sits where its column draws it (its first parent there).
fn placement_doubt(r: &Reform, u: usize, before: bool) -> Option<&'static str> {
    let unit = &r.units[u];
    let (parent, relation) = if before {
        let relation = if unit.parents_before.is_empty() {
            Relation::Parent
        } else {
            Relation::ParentBefore
        };
        (unit.parent_in_before()?, relation)
    } else {
        (unit.parent?, Relation::Parent)
    };
    r.doubt(Owner::Unit(u), relation, parent)
        .map(|d| d.level.as_str())
}

/// How sure the data is that unit `b`'s work goes to unit `a` (`b` becomes `a`).
fn move_doubt(r: &Reform, b: usize, a: usize) -> Option<&'static str> {
    r.doubt(Owner::Unit(b), Relation::Becomes, a)
        .map(|d| d.level.as_str())
}

fn tree(unit: usize, depth: usize, kids: &dyn Fn(usize) -> Vec<usize>) -> Node {
    let children = if depth >= MAX_DEPTH {
        Vec::new()
    } else {
        kids(unit)
            .into_iter()
            .map(|c| tree(c, depth + 1, kids))
            .collect()
    };
    Node { unit, children }
}

fn flatten<'a>(nodes: &'a [Node], out: &mut Vec<&'a Node>) {
    for node in nodes {
        out.push(node);
        flatten(&node.children, out);
    }
}

fn columns(r: &Reform) -> Columns {
    let before_kids = |u: usize| -> Vec<usize> {
        r.units[u]
            .children_before
            .iter()
            .copied()
            .filter(|&c| shown(r, c))
            .collect()
    };
    let after_kids = |u: usize| -> Vec<usize> {
        r.units[u]
            .children
            .iter()
            .copied()
            .filter(|&c| shown(r, c) && r.units[c].era.after())
            .collect()
    };
    let before: Vec<Node> = (0..r.units.len())
        .filter(|&i| shown(r, i) && r.units[i].era.before())
        .filter(|&i| {
            r.units[i]
                .parent_in_before()
                .is_none_or(|p| !r.units[p].era.before() || !shown(r, p))
        })
        .map(|i| tree(i, 0, &before_kids))
        .collect();
    let mut after: Vec<Node> = (0..r.units.len())
        .filter(|&i| shown(r, i) && r.units[i].era.after())
        .filter(|&i| {
            r.units[i]
                .parent
                .is_none_or(|p| !r.units[p].era.after() || !shown(r, p))
        })
        .map(|i| tree(i, 0, &after_kids))
        .collect();
    // Row of each unit in the before column.
    let mut rows: Vec<&Node> = Vec::new();
    flatten(&before, &mut rows);
    let row: HashMap<usize, usize> = rows.iter().enumerate().map(|(k, n)| (n.unit, k)).collect();
    // Rows of the before column a unit's work comes from.
    let sources = |a: usize| -> Vec<usize> {
        let mut from: Vec<usize> = r.units[a]
            .absorbs
            .iter()
            .filter_map(|b| row.get(b).copied())
            .collect();
        from.extend(row.get(&a).copied());
        from
    };
    order(&mut after, &sources);
    Columns { before, after }
}

/// Orders siblings, at every depth, by the mean row of what their subtrees come from (the
/// barycentre heuristic); those with no source keep their data order, after the others.
/// Returns the rows the whole list comes from.
fn order(nodes: &mut Vec<Node>, sources: &dyn Fn(usize) -> Vec<usize>) -> Vec<usize> {
    let mut all = Vec::new();
    let mut keyed: Vec<(f64, Node)> = std::mem::take(nodes)
        .into_iter()
        .map(|mut node| {
            let mut from = order(&mut node.children, sources);
            from.extend(sources(node.unit));
            let key = if from.is_empty() {
                f64::MAX
            } else {
                from.iter().sum::<usize>() as f64 / from.len() as f64
            };
            all.extend(from);
            (key, node)
        })
        .collect();
    // A stable sort: equal keys keep the data's order.
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
    *nodes = keyed.into_iter().map(|(_, node)| node).collect();
    all
}

/// Where a unit's box was drawn: its edges and the band of its own label, where arrows
/// start and end.
#[derive(Clone, Copy)]
struct Anchor {
    left: f64,
    right: f64,
    top: f64,
    head: f64,
}

/// Draws one column: boxes inside boxes.
struct ColumnPainter<'a> {
    r: &'a Reform,
    lay: &'a Layout,
    strings: &'a Strings,
    class: &'static str,
    body: String,
    anchors: HashMap<usize, Anchor>,
}

impl ColumnPainter<'_> {
    /// The short lines under a unit's name: "formerly X" (after a rename), "renamed Y" (in
    /// the before column), "also reports to Z" (a second parent in this column).
    fn marks(&self, unit: usize, before: bool) -> Vec<String> {
        let (r, t) = (self.r, self.strings);
        let u = &r.units[unit];
        let mut out = Vec::new();
        let renamed = u.name_before.is_some() || u.acronym_before.is_some();
        if renamed && u.era.before() && u.era.after() {
            out.push(if before {
                t.fill("chart_mark_renamed", &[("name", u.label())])
            } else {
                t.fill("chart_mark_formerly", &[("name", u.label_in_before())])
            });
        }
        let also = other_parents(r, unit, before);
        if !also.is_empty() {
            let names: Vec<&str> = also.iter().map(|&p| label_in(r, p, before)).collect();
            out.push(t.fill("chart_mark_also", &[("units", &names.join(", "))]));
        }
        out
    }

    /// Draws `node` at `(x, y)`, `w` wide; returns its height.
    fn draw(&mut self, node: &Node, (x, y): (f64, f64), w: f64, depth: usize) -> f64 {
        let u = &self.r.units[node.unit];
        let lay = self.lay;
        let inner = lay.inner;
        let text_w = (w - 2.0 * inner).max(8.0);
        // Three weights of label: a top-level unit, a unit inside it, a unit deeper down.
        let (font, class) = match depth {
            0 => (lay.label, "oc-label"),
            1 => (lay.sub, "oc-label"),
            _ => (Font::regular(lay.sub.size), "oc-sub"),
        };
        let before = self.class == "before";
        // Each column names the unit as it was called then.
        let (own_name, own_label, acronym) = if before {
            (
                u.name_in_before(),
                u.label_in_before(),
                u.acronym_before
                    .as_deref()
                    .or(u.acronym.as_deref().filter(|_| u.name_before.is_none())),
            )
        } else {
            (u.name.as_str(), u.label(), u.acronym.as_deref())
        };
        // An acronym is short; a name gets room to wrap.
        let lines = if acronym.is_some() { 2 } else { 4 };
        let full = match acronym {
            Some(a) => format!("{own_name} ({a})"),
            None => own_name.to_owned(),
        };
        let mut label = wrap(own_label, font, text_w, lines);
        let mut name = Wrapped::default();
        if acronym.is_some() {
            if depth == 0 || lay.nested_names {
                name = wrap(own_name, lay.name, text_w, 3);
            } else {
                // The name is not drawn: it is the label's tooltip.
                label.cut = true;
            }
        }
        let mut text = String::new();
        let mut cy = y + inner + font.size;
        text_block(&mut text, class, (x + inner, cy), font, &label, &full);
        cy += (label.lines.len() as f64 - 1.0) * font.line();
        // A line under the label in the name's font: its place, then its wrapped lines.
        let mut under = |class: &str, wrapped: &Wrapped, full: &str| {
            cy += lay.name.size * 1.35;
            text_block(&mut text, class, (x + inner, cy), lay.name, wrapped, full);
            cy += (wrapped.lines.len() as f64 - 1.0) * lay.name.line();
        };
        if !name.lines.is_empty() {
            under("oc-name", &name, &full);
        }
        // What the box alone would not say: its other name, its other parents.
        for mark in self.marks(node.unit, before) {
            under("oc-mark", &wrap(&mark, lay.name, text_w, 3), &mark);
        }
        let head = cy - y + font.size * 0.3 + inner / 2.0;
        self.anchors.insert(
            node.unit,
            Anchor {
                left: x,
                right: x + w,
                top: y,
                head,
            },
        );
        let mut h = head + inner / 2.0;
        let at = self.body.len();
        for child in &node.children {
            h += self.draw(
                child,
                (x + inner, y + h),
                (w - 2.0 * inner).max(16.0),
                depth + 1,
            ) + inner / 2.0;
        }
        if !node.children.is_empty() {
            h += inner / 2.0;
        }
        let doubtful = placement_doubt(self.r, node.unit, before).is_some();
        let rect = format!(
            "<rect class=\"oc-box {}{} depth-{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\"/>",
            self.class,
            if doubtful { " doubtful" } else { "" },
            depth.min(3),
            n(x),
            n(y),
            n(w),
            n(h),
            if depth == 0 { 6 } else { 4 }
        );
        // The box goes under its children, which were drawn into `body` already.
        self.body.insert_str(at, &(rect + &text));
        h
    }
}

/// Draws one layout. `id` prefixes the ids inside the SVG, so two layouts can share a page.
fn draw(r: &Reform, cols: &Columns, lay: &Layout, id: &str, strings: &Strings) -> String {
    let xb = PAD;
    let xa = lay.width - PAD - lay.col_w;
    let paint = |nodes: &[Node], x: f64, class: &'static str, top: f64| {
        let mut p = ColumnPainter {
            r,
            lay,
            strings,
            class,
            body: String::new(),
            anchors: HashMap::new(),
        };
        let mut y = top;
        for node in nodes {
            y += p.draw(node, (x, y), lay.col_w, 0) + GAP;
        }
        let bottom = if nodes.is_empty() { top } else { y - GAP };
        (p, bottom)
    };
    let (mut left, hl) = paint(&cols.before, xb, "before", HEAD);
    let (mut right, hr) = paint(&cols.after, xa, "after", HEAD);
    // Centre the shorter column against the taller one.
    if hl + 1.0 < hr {
        left = paint(&cols.before, xb, "before", HEAD + (hr - hl) / 2.0).0;
    } else if hr + 1.0 < hl {
        right = paint(&cols.after, xa, "after", HEAD + (hl - hr) / 2.0).0;
    }
    let total_h = hl.max(hr) + PAD;

    let arrows = arrows(r, cols, &left.anchors, &right.anchors, id);
    let mut s = String::with_capacity(8192 + left.body.len() + right.body.len());
    open(
        &mut s,
        "org-chart-svg",
        id,
        (lay.width, total_h),
        strings.get("chart_title"),
    );
    let _ = write!(
        s,
        "<desc id=\"{id}-desc\">{}</desc>",
        esc(&description(r, cols, strings))
    );
    let _ = write!(
        s,
        "<defs><marker id=\"{id}-head\" viewBox=\"0 0 10 10\" refX=\"8\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path class=\"oc-head\" d=\"M0 0L10 5L0 10z\"/></marker></defs>"
    );
    for (x, key) in [(xb, "before"), (xa, "after")] {
        let heading = wrap(strings.get(key), COL_FONT, lay.col_w, 1);
        // The heading is set in capitals, a little apart: shrink it if that is too wide.
        let wide = caps_width(&heading.lines.concat(), COL_FONT, 0.06);
        let fit = if wide > lay.col_w {
            format!(
                " textLength=\"{}\" lengthAdjust=\"spacingAndGlyphs\"",
                n(lay.col_w)
            )
        } else {
            String::new()
        };
        let _ = write!(
            s,
            "<text class=\"oc-col\" x=\"{}\" y=\"18\"{fit}>{}</text>",
            n(x),
            esc(strings.get(key))
        );
    }
    s.push_str(&left.body);
    s.push_str(&right.body);
    // Arrows last, so that they show over the boxes they cross.
    s.push_str(&arrows);
    s.push_str("</svg>");
    s
}

/// An arrow from every unit of the before column to each unit of the after column its work
/// goes to, or to itself where it continues; the arrows leaving (or reaching) one box are
/// spread over the band of its label, in the order of their other ends.
fn arrows(
    r: &Reform,
    cols: &Columns,
    left: &HashMap<usize, Anchor>,
    right: &HashMap<usize, Anchor>,
    id: &str,
) -> String {
    let mut rows: Vec<&Node> = Vec::new();
    flatten(&cols.before, &mut rows);
    let mut links: Vec<(usize, usize, bool)> = Vec::new();
    for node in rows {
        let b = node.unit;
        if right.contains_key(&b) {
            links.push((b, b, true));
        }
        for &a in &r.units[b].becomes {
            if a != b && right.contains_key(&a) {
                links.push((b, a, false));
            }
        }
    }
    let spread = |anchor: &Anchor, k: usize, count: usize| {
        anchor.top + anchor.head * (k as f64 + 1.0) / (count as f64 + 1.0)
    };
    let mut out = String::new();
    for &(b, a, continues) in &links {
        let (from, to) = (left[&b], right[&a]);
        let mut outs: Vec<f64> = links
            .iter()
            .filter(|l| l.0 == b)
            .map(|l| right[&l.1].top)
            .collect();
        let mut ins: Vec<f64> = links
            .iter()
            .filter(|l| l.1 == a)
            .map(|l| left[&l.0].top)
            .collect();
        outs.sort_by(f64::total_cmp);
        ins.sort_by(f64::total_cmp);
        let k_out = outs.iter().position(|&t| t == to.top).unwrap_or(0);
        let k_in = ins.iter().position(|&t| t == from.top).unwrap_or(0);
        let (x1, y1) = (from.right, spread(&from, k_out, outs.len()));
        let (x2, y2) = (to.left - 3.0, spread(&to, k_in, ins.len()));
        let dx = (x2 - x1) / 2.0;
        let _ = write!(
            out,
            "<path class=\"oc-arrow{}{}\" d=\"M{} {} C{} {} {} {} {} {}\" marker-end=\"url(#{id}-head)\"/>",
            if continues { " continues" } else { "" },
            if move_doubt(r, b, a).is_some() {
                " doubtful"
            } else {
                ""
            },
            n(x1),
            n(y1),
            n(x1 + dx),
            n(y1),
            n(x2 - dx),
            n(y2),
            n(x2),
            n(y2)
        );
    }
    out
}

/// The chart's `<desc>`: the units of each column and where each one's work goes.
fn description(r: &Reform, cols: &Columns, strings: &Strings) -> String {
    let names = |nodes: &[Node]| {
        let mut all: Vec<&Node> = Vec::new();
        flatten(nodes, &mut all);
        all.iter()
            .map(|n| r.units[n.unit].label().to_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut rows: Vec<&Node> = Vec::new();
    flatten(&cols.before, &mut rows);
    let moves: Vec<String> = rows
        .iter()
        .filter(|n| !r.units[n.unit].becomes.is_empty())
        .map(|n| {
            let to: Vec<&str> = r.units[n.unit]
                .becomes
                .iter()
                .map(|&a| r.units[a].label())
                .collect();
            format!("{} → {}", r.units[n.unit].label(), to.join(", "))
        })
        .collect();
    strings.fill(
        "chart_desc",
        &[
            ("before", &names(&cols.before)),
            ("after", &names(&cols.after)),
            ("moves", &moves.join("; ")),
        ],
    )
}

/// The units that the functions arriving at `unit` come from, in first-seen order.
fn work_from(r: &Reform, unit: usize) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    for &f in &r.units[unit].functions_in {
        for &from in &r.functions[f].from {
            if from != unit && !out.contains(&from) {
                out.push(from);
            }
        }
    }
    out
}

/// The text alternative of one column, in the chart's order.
fn alt(r: &Reform, nodes: &[Node], unit_refs: &[UnitRef], is_before: bool) -> Vec<AltItem> {
    fn walk(
        ctx: (&Reform, &[UnitRef], bool),
        nodes: &[Node],
        depth: usize,
        within: Option<usize>,
        out: &mut Vec<AltItem>,
    ) {
        let (r, refs, is_before) = ctx;
        for node in nodes {
            let u = &r.units[node.unit];
            let links = if is_before { &u.becomes } else { &u.absorbs };
            let doubt = |i: usize| {
                if is_before {
                    move_doubt(r, node.unit, i)
                } else {
                    move_doubt(r, i, node.unit)
                }
            };
            out.push(AltItem {
                unit: refs[node.unit].clone(),
                links: links
                    .iter()
                    .map(|&i| AltLink {
                        unit: refs[i].clone(),
                        confidence: doubt(i),
                    })
                    .collect(),
                depth,
                within: within.map(|p| refs[p].clone()),
                within_confidence: within.and(placement_doubt(r, node.unit, is_before)),
                also: other_parents(r, node.unit, is_before)
                    .into_iter()
                    .map(|p| refs[p].clone())
                    .collect(),
                contains: node.children.iter().map(|c| refs[c.unit].clone()).collect(),
                work_from: if is_before {
                    Vec::new()
                } else {
                    work_from(r, node.unit)
                        .into_iter()
                        .map(|i| refs[i].clone())
                        .collect()
                },
            });
            walk(ctx, &node.children, depth + 1, Some(node.unit), out);
        }
    }
    let mut out = Vec::new();
    walk((r, unit_refs, is_before), nodes, 0, None, &mut out);
    out
}

/// The chart in both layouts, with its text alternative. `None` without units.
pub fn org_chart(r: &Reform, unit_refs: &[UnitRef], strings: &Strings) -> Option<ChartView> {
    let cols = columns(r);
    if cols.before.is_empty() && cols.after.is_empty() {
        return None;
    }
    Some(ChartView {
        wide: draw(r, &cols, &WIDE, "org-chart-wide", strings),
        narrow: draw(r, &cols, &NARROW, "org-chart-narrow", strings),
        before: alt(r, &cols.before, unit_refs, true),
        after: alt(r, &cols.after, unit_refs, false),
        context: (0..r.units.len())
            .filter(|&i| r.units[i].context)
            .map(|i| unit_refs[i].clone())
            .collect(),
        legend: legend(r, &cols),
    })
}

/// What the chart draws that its key must explain.
fn legend(r: &Reform, cols: &Columns) -> Legend {
    let mut key = Legend::default();
    for (nodes, before) in [(&cols.before, true), (&cols.after, false)] {
        let mut all: Vec<&Node> = Vec::new();
        flatten(nodes, &mut all);
        for node in all {
            let u = node.unit;
            key.doubtful_box |= placement_doubt(r, u, before).is_some();
            key.also |= !other_parents(r, u, before).is_empty();
            if before {
                let unit = &r.units[u];
                key.continues |= unit.era.after();
                key.doubtful |= unit.becomes.iter().any(|&a| move_doubt(r, u, a).is_some());
            }
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::views::unit_refs;
    use std::path::Path;

    fn reform(text: &str) -> Reform {
        let v = crate::data::parse(Path::new("reform.toml"), text);
        v.reform.unwrap_or_else(|| panic!("{:?}", v.diagnostics))
    }

    const DEEP: &str = include_str!("../../tests/fixtures/deep-reform/content/reform.toml");

    fn chart(r: &Reform) -> ChartView {
        org_chart(r, &unit_refs(r, "departments"), &Strings::english()).unwrap()
    }

    #[test]
    fn every_unit_of_the_reform_has_a_box_at_every_depth() {
        let r = reform(DEEP);
        let c = chart(&r);
        let boxes = |svg: &str| svg.matches("<rect class=\"oc-box").count();
        let in_before = r
            .units
            .iter()
            .filter(|u| !u.context && u.era.before())
            .count();
        let in_after = r
            .units
            .iter()
            .filter(|u| !u.context && u.era.after())
            .count();
        assert_eq!(boxes(&c.wide), in_before + in_after);
        assert_eq!(boxes(&c.narrow), in_before + in_after);
        // Third level: a desk inside an office inside a department.
        assert!(c.wide.contains(">Freight Desk<"), "{}", c.wide);
        let desk = c.after.iter().find(|a| a.depth == 2);
        assert!(desk.is_some(), "no unit at depth 2 in the text alternative");
    }

    #[test]
    fn office_level_moves_get_arrows_and_a_split_three() {
        let r = reform(DEEP);
        let c = chart(&r);
        let moves: usize = r
            .units
            .iter()
            .filter(|u| !u.context && u.era.before())
            .map(|u| {
                u.becomes.iter().filter(|&&a| !r.units[a].context).count()
                    + usize::from(u.era.after())
            })
            .sum();
        assert_eq!(c.wide.matches("class=\"oc-arrow").count(), moves);
        // The office split three ways, inside its ministry.
        let split = c.before.iter().find(|a| a.links.len() == 3).unwrap();
        assert!(split.depth == 1 && split.within.is_some());
        // The sections that carry on are drawn with dashed arrows.
        let both = r
            .units
            .iter()
            .filter(|u| !u.context && u.era == crate::model::reform::Era::Both)
            .count();
        assert_eq!(c.wide.matches("oc-arrow continues").count(), both);
    }

    #[test]
    fn a_100_kb_name_keeps_the_chart_small() {
        let base = chart(&reform(DEEP));
        let long = "Directorate ".repeat(100_000 / 12);
        let text = DEEP.replace("name = \"Rail Directorate\"", &format!("name = \"{long}\""));
        let c = chart(&reform(&text));
        // The full name a few times (the tooltip, and the description's lists of units and of
        // moves), in proportion to its length and no more.
        for (svg, before) in [(&c.wide, &base.wide), (&c.narrow, &base.narrow)] {
            assert!(
                svg.len() < before.len() + 4 * long.len(),
                "{} bytes",
                svg.len()
            );
            let tspans = svg.matches("<tspan").count() - before.matches("<tspan").count();
            assert!(tspans <= 3, "{tspans} more lines");
        }
    }
}
