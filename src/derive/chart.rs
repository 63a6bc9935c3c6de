//! The before/after organisation chart, drawn at build time as inline SVG from the data:
//! units as boxes in two columns (before, after), the units each one contains as pills
//! inside it, and an arrow from each old unit to every unit its work goes to. Two layouts are
//! drawn — narrow for phones, wide for larger screens — and the stylesheet shows one; the
//! colours come from the theme's CSS variables, so they follow light and dark.

use std::fmt::Write;

use serde::Serialize;

use super::svg::{esc, n, text_block, text_width, wrap};
use super::views::UnitRef;
use crate::i18n::Strings;
use crate::model::reform::Reform;

/// Sizes of one layout.
pub struct Layout {
    pub width: f64,
    pub col_w: f64,
    pub label: f64,
    pub name: f64,
    pub pill: f64,
}

pub const NARROW: Layout = Layout {
    width: 360.0,
    col_w: 132.0,
    label: 14.0,
    name: 10.5,
    pill: 10.0,
};
pub const WIDE: Layout = Layout {
    width: 760.0,
    col_w: 270.0,
    label: 16.0,
    name: 12.5,
    pill: 11.5,
};

const PAD: f64 = 4.0;
const INNER: f64 = 8.0;
const GAP: f64 = 14.0;
const HEAD: f64 = 30.0;

/// One line of the chart's text alternative.
#[derive(Serialize)]
pub struct AltItem {
    pub unit: UnitRef,
    /// Before: where its work goes. After: where its work comes from.
    pub links: Vec<UnitRef>,
    pub contains: Vec<UnitRef>,
}

#[derive(Serialize)]
pub struct ChartView {
    pub wide: String,
    pub narrow: String,
    pub before: Vec<AltItem>,
    pub after: Vec<AltItem>,
    pub context: Vec<UnitRef>,
}

struct Column {
    units: Vec<usize>,
    /// Units shown inside each box.
    contains: Vec<Vec<usize>>,
}

/// Which units are boxes in each column, and in what order.
fn columns(r: &Reform) -> (Column, Column) {
    let shown = |i: usize| !r.units[i].context;
    let before_units: Vec<usize> = (0..r.units.len())
        .filter(|&i| shown(i) && r.units[i].era.before())
        .filter(|&i| {
            r.units[i]
                .parent_in_before()
                .is_none_or(|p| !r.units[p].era.before() || r.units[p].context)
        })
        .collect();
    let mut after_units: Vec<usize> = (0..r.units.len())
        .filter(|&i| shown(i) && r.units[i].era.after())
        .filter(|&i| {
            r.units[i]
                .parent
                .is_none_or(|p| !r.units[p].era.after() || r.units[p].context)
        })
        .collect();
    // Order the after column by where its units come from, to keep arrows from crossing.
    let bary = |a: usize| -> f64 {
        let from: Vec<f64> = before_units
            .iter()
            .enumerate()
            .filter(|(_, b)| r.units[**b].becomes.contains(&a) || **b == a)
            .map(|(k, _)| k as f64)
            .collect();
        if from.is_empty() {
            f64::MAX
        } else {
            from.iter().sum::<f64>() / from.len() as f64
        }
    };
    after_units.sort_by(|a, b| bary(*a).total_cmp(&bary(*b)).then(a.cmp(b)));
    let before_contains = before_units
        .iter()
        .map(|&u| {
            r.units[u]
                .children_before
                .iter()
                .copied()
                .filter(|&c| shown(c))
                .collect()
        })
        .collect();
    let after_contains = after_units
        .iter()
        .map(|&u| {
            r.units[u]
                .children
                .iter()
                .copied()
                .filter(|&c| shown(c) && r.units[c].era.after())
                .collect()
        })
        .collect();
    (
        Column {
            units: before_units,
            contains: before_contains,
        },
        Column {
            units: after_units,
            contains: after_contains,
        },
    )
}

struct Placed {
    y: f64,
    h: f64,
    body: String,
}

fn draw_box(
    r: &Reform,
    unit: usize,
    contains: &[usize],
    x: f64,
    y: f64,
    lay: &Layout,
    era_class: &str,
) -> Placed {
    let u = &r.units[unit];
    let w = lay.col_w;
    let inner_w = w - 2.0 * INNER;
    let mut body = String::new();
    let mut cy = y + INNER + lay.label;
    let (label_lines, name_lines) = match &u.acronym {
        Some(a) => (
            wrap(a, lay.label, inner_w, 2),
            wrap(&u.name, lay.name, inner_w, 3),
        ),
        None => (wrap(&u.name, lay.label, inner_w, 3), Vec::new()),
    };
    let mut text = String::new();
    text_block(
        &mut text,
        "oc-label",
        x + INNER,
        cy,
        lay.label,
        &label_lines,
    );
    cy += (label_lines.len() as f64 - 1.0) * lay.label * 1.25;
    if !name_lines.is_empty() {
        cy += lay.name * 1.35;
        text_block(&mut text, "oc-name", x + INNER, cy, lay.name, &name_lines);
        cy += (name_lines.len() as f64 - 1.0) * lay.name * 1.25;
    }
    // Pills for the units inside, flowing in rows.
    let mut pills = String::new();
    if !contains.is_empty() {
        let ph = lay.pill + 8.0;
        let mut px = x + INNER;
        let mut py = cy + 8.0;
        for &c in contains {
            // A pill never overflows its box: a label too long for it is shortened.
            let label = wrap(r.units[c].label(), lay.pill, inner_w - 12.0, 1)
                .into_iter()
                .next()
                .unwrap_or_default();
            let label = label.as_str();
            let pw = (text_width(label, lay.pill) + 12.0).min(inner_w);
            if px + pw > x + w - INNER + 0.1 && px > x + INNER {
                px = x + INNER;
                py += ph + 4.0;
            }
            let _ = write!(
                pills,
                "<rect class=\"oc-pill\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\"/>",
                n(px),
                n(py),
                n(pw),
                n(ph),
                n(ph / 2.0)
            );
            let _ = write!(
                pills,
                "<text class=\"oc-pill-text\" x=\"{}\" y=\"{}\" font-size=\"{}\">{}</text>",
                n(px + 6.0),
                n(py + ph / 2.0 + lay.pill * 0.35),
                n(lay.pill),
                esc(label)
            );
            px += pw + 4.0;
        }
        cy = py + ph;
    }
    let h = cy - y + INNER + 2.0;
    let _ = write!(
        body,
        "<rect class=\"oc-box {era_class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\"/>",
        n(x),
        n(y),
        n(w),
        n(h)
    );
    body.push_str(&text);
    body.push_str(&pills);
    Placed { y, h, body }
}

/// Draws one layout. `id` prefixes the ids inside the SVG, so two layouts can share a page.
fn draw(
    r: &Reform,
    before: &Column,
    after: &Column,
    lay: &Layout,
    id: &str,
    strings: &Strings,
) -> String {
    let xb = PAD;
    let xa = lay.width - PAD - lay.col_w;
    let place = |col: &Column, x: f64, class: &str, top: f64| -> Vec<Placed> {
        let mut y = top;
        col.units
            .iter()
            .zip(&col.contains)
            .map(|(&u, c)| {
                let p = draw_box(r, u, c, x, y, lay, class);
                y += p.h + GAP;
                p
            })
            .collect()
    };
    let height = |v: &[Placed]| v.last().map_or(HEAD, |p| p.y + p.h);
    let mut left = place(before, xb, "before", HEAD);
    let mut right = place(after, xa, "after", HEAD);
    // Centre the shorter column against the taller one.
    let (hl, hr) = (height(&left), height(&right));
    if hl + 1.0 < hr {
        left = place(before, xb, "before", HEAD + (hr - hl) / 2.0);
    } else if hr + 1.0 < hl {
        right = place(after, xa, "after", HEAD + (hl - hr) / 2.0);
    }
    let total_h = hl.max(hr) + PAD;

    // Arrows: each before box to each after box its work goes to (or to itself, continuing).
    let mut links: Vec<(usize, usize, bool)> = Vec::new();
    for (bi, &b) in before.units.iter().enumerate() {
        for (ai, &a) in after.units.iter().enumerate() {
            if a == b {
                links.push((bi, ai, true));
            } else if r.units[b].becomes.contains(&a) {
                links.push((bi, ai, false));
            }
        }
    }
    let anchor = |boxes: &[Placed], idx: usize, k: usize, count: usize| {
        let p = &boxes[idx];
        p.y + p.h * (k as f64 + 1.0) / (count as f64 + 1.0)
    };
    let mut arrows = String::new();
    for &(bi, ai, continues) in &links {
        let outs: Vec<usize> = links.iter().filter(|l| l.0 == bi).map(|l| l.1).collect();
        let ins: Vec<usize> = links.iter().filter(|l| l.1 == ai).map(|l| l.0).collect();
        let k_out = outs.iter().position(|&a| a == ai).unwrap_or(0);
        let k_in = ins.iter().position(|&b| b == bi).unwrap_or(0);
        let (x1, y1) = (xb + lay.col_w, anchor(&left, bi, k_out, outs.len()));
        let (x2, y2) = (xa - 3.0, anchor(&right, ai, k_in, ins.len()));
        let dx = (x2 - x1) / 2.0;
        let _ = write!(
            arrows,
            "<path class=\"oc-arrow{}\" d=\"M{} {} C{} {} {} {} {} {}\" marker-end=\"url(#{id}-head)\"/>",
            if continues { " continues" } else { "" },
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

    let names = |col: &Column| {
        col.units
            .iter()
            .map(|&u| r.units[u].label().to_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let moves: Vec<String> = before
        .units
        .iter()
        .filter(|&&b| !r.units[b].becomes.is_empty())
        .map(|&b| {
            let to: Vec<&str> = r.units[b]
                .becomes
                .iter()
                .map(|&a| r.units[a].label())
                .collect();
            format!("{} → {}", r.units[b].label(), to.join(", "))
        })
        .collect();
    let mut s = String::with_capacity(8192);
    let _ = write!(
        s,
        "<svg class=\"org-chart-svg\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" style=\"max-width:{w}px\">",
        w = n(lay.width),
        h = n(total_h)
    );
    let _ = write!(
        s,
        "<title id=\"{id}-title\">{}</title>",
        esc(strings.get("chart_title"))
    );
    let desc = strings.fill(
        "chart_desc",
        &[
            ("before", &names(before)),
            ("after", &names(after)),
            ("moves", &moves.join("; ")),
        ],
    );
    let _ = write!(s, "<desc id=\"{id}-desc\">{}</desc>", esc(&desc));
    let _ = write!(
        s,
        "<defs><marker id=\"{id}-head\" viewBox=\"0 0 10 10\" refX=\"8\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path class=\"oc-head\" d=\"M0 0L10 5L0 10z\"/></marker></defs>"
    );
    let _ = write!(
        s,
        "<text class=\"oc-col\" x=\"{}\" y=\"18\">{}</text>",
        n(xb),
        esc(strings.get("before"))
    );
    let _ = write!(
        s,
        "<text class=\"oc-col\" x=\"{}\" y=\"18\">{}</text>",
        n(xa),
        esc(strings.get("after"))
    );
    s.push_str(&arrows);
    for p in left.iter().chain(&right) {
        s.push_str(&p.body);
    }
    s.push_str("</svg>");
    s
}

/// The chart in both layouts, with its text alternative. `None` without units.
pub fn org_chart(r: &Reform, unit_refs: &[UnitRef], strings: &Strings) -> Option<ChartView> {
    let (before, after) = columns(r);
    if before.units.is_empty() && after.units.is_empty() {
        return None;
    }
    let refs = |v: &[usize]| v.iter().map(|&i| unit_refs[i].clone()).collect::<Vec<_>>();
    let alt = |col: &Column, is_before: bool| -> Vec<AltItem> {
        col.units
            .iter()
            .zip(&col.contains)
            .map(|(&u, c)| AltItem {
                unit: unit_refs[u].clone(),
                links: refs(if is_before {
                    &r.units[u].becomes
                } else {
                    &r.units[u].absorbs
                }),
                contains: refs(c),
            })
            .collect()
    };
    Some(ChartView {
        wide: draw(r, &before, &after, &WIDE, "org-chart-wide", strings),
        narrow: draw(r, &before, &after, &NARROW, "org-chart-narrow", strings),
        before: alt(&before, true),
        after: alt(&after, false),
        context: refs(
            &(0..r.units.len())
                .filter(|&i| r.units[i].context)
                .collect::<Vec<_>>(),
        ),
    })
}
