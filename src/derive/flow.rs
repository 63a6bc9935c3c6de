//! The function map as a picture: a flow diagram (Sankey) drawn at build time as inline SVG,
//! with the units functions leave on the left, the units they reach on the right, and one band
//! per pair whose thickness is the number of functions that move between them. Each band's
//! tooltip names its functions; the table beside it gives the detail.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use super::svg::{esc, n};
use crate::i18n::Strings;
use crate::model::reform::Reform;

struct Layout {
    width: f64,
    label_w: f64,
    band: f64,
    font: f64,
}

const NARROW: Layout = Layout {
    width: 360.0,
    label_w: 84.0,
    band: 7.0,
    font: 11.0,
};
const WIDE: Layout = Layout {
    width: 760.0,
    label_w: 200.0,
    band: 9.0,
    font: 13.0,
};
const NODE_W: f64 = 12.0;
const NODE_GAP: f64 = 12.0;
const TOP: f64 = 28.0;
const NONE: usize = usize::MAX;

#[derive(Serialize)]
pub struct FlowView {
    pub wide: String,
    pub narrow: String,
}

struct Graph {
    left: Vec<usize>,
    right: Vec<usize>,
    /// (left index, right index) → function names.
    links: BTreeMap<(usize, usize), Vec<String>>,
}

fn graph(r: &Reform) -> Graph {
    let mut left: Vec<usize> = Vec::new();
    let mut right: Vec<usize> = Vec::new();
    let mut pairs: Vec<(usize, usize, String)> = Vec::new();
    for f in &r.functions {
        // The function's own pairing of origins and destinations (`Function::moves`).
        for m in &f.moves {
            pairs.push((m.from.unwrap_or(NONE), m.to.unwrap_or(NONE), f.name.clone()));
        }
    }
    for (a, b, _) in &pairs {
        if !left.contains(a) {
            left.push(*a);
        }
        if !right.contains(b) {
            right.push(*b);
        }
    }
    let order = |v: &mut Vec<usize>| v.sort_by_key(|&u| if u == NONE { usize::MAX } else { u });
    order(&mut left);
    // Right nodes ordered by the mean position of the left nodes they come from.
    let bary = |b: usize| -> f64 {
        let ks: Vec<f64> = pairs
            .iter()
            .filter(|p| p.1 == b)
            .filter_map(|p| left.iter().position(|&l| l == p.0))
            .map(|k| k as f64)
            .collect();
        ks.iter().sum::<f64>() / ks.len().max(1) as f64
    };
    right.sort_by(|a, b| bary(*a).total_cmp(&bary(*b)).then(a.cmp(b)));
    let mut links: BTreeMap<(usize, usize), Vec<String>> = BTreeMap::new();
    for (a, b, name) in pairs {
        let li = left.iter().position(|&l| l == a).unwrap_or(0);
        let ri = right.iter().position(|&x| x == b).unwrap_or(0);
        links.entry((li, ri)).or_default().push(name);
    }
    Graph { left, right, links }
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
    r.units[u].label().to_owned()
}

fn draw(r: &Reform, g: &Graph, lay: &Layout, id: &str, strings: &Strings) -> String {
    let count = |side_left: bool, i: usize| -> usize {
        g.links
            .iter()
            .filter(|((l, rr), _)| if side_left { *l == i } else { *rr == i })
            .map(|(_, v)| v.len())
            .sum()
    };
    let node_h = |c: usize| (c as f64 * lay.band).max(lay.font + 6.0);
    let column = |side_left: bool, len: usize| -> Vec<(f64, f64)> {
        let mut y = TOP;
        (0..len)
            .map(|i| {
                let h = node_h(count(side_left, i));
                let at = (y, h);
                y += h + NODE_GAP;
                at
            })
            .collect()
    };
    let mut lpos = column(true, g.left.len());
    let mut rpos = column(false, g.right.len());
    let bottom = |v: &[(f64, f64)]| v.last().map_or(TOP, |(y, h)| y + h);
    let (bl, br) = (bottom(&lpos), bottom(&rpos));
    let centre = |v: &mut Vec<(f64, f64)>, by: f64| v.iter_mut().for_each(|p| p.0 += by);
    if bl < br {
        centre(&mut lpos, (br - bl) / 2.0);
    } else {
        centre(&mut rpos, (bl - br) / 2.0);
    }
    let height = bl.max(br) + 8.0;
    let xl = lay.label_w;
    let xr = lay.width - lay.label_w - NODE_W;

    let mut s = String::with_capacity(8192);
    let total: usize = r.functions.len();
    let _ = write!(
        s,
        "<svg class=\"flow-svg\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" style=\"max-width:{w}px\">",
        w = n(lay.width),
        h = n(height)
    );
    let _ = write!(
        s,
        "<title id=\"{id}-title\">{}</title>",
        esc(&strings.fill("flow_title", &[("count", &total.to_string())]))
    );
    let desc: Vec<String> = g
        .links
        .iter()
        .map(|((a, b), names)| {
            format!(
                "{} → {}: {}",
                label(r, g.left[*a], true, strings),
                label(r, g.right[*b], false, strings),
                names.join(", ")
            )
        })
        .collect();
    let _ = write!(
        s,
        "<desc id=\"{id}-desc\">{}.</desc>",
        esc(&desc.join("; "))
    );
    let _ = write!(
        s,
        "<text class=\"oc-col\" x=\"{}\" y=\"16\" text-anchor=\"end\">{}</text>",
        n(xl + NODE_W),
        esc(strings.get("before"))
    );
    let _ = write!(
        s,
        "<text class=\"oc-col\" x=\"{}\" y=\"16\">{}</text>",
        n(xr),
        esc(strings.get("after"))
    );

    // Bands, stacked inside each node in the order of their other end.
    let mut lnext: Vec<f64> = lpos.iter().map(|p| p.0).collect();
    let mut rnext: Vec<f64> = rpos.iter().map(|p| p.0).collect();
    let mut by_right: Vec<(&(usize, usize), &Vec<String>)> = g.links.iter().collect();
    by_right.sort_by_key(|((a, b), _)| (*b, *a));
    let mut right_slot: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for ((a, b), names) in &by_right {
        let t = names.len() as f64 * lay.band;
        let free = rpos[*b].1 - count(false, *b) as f64 * lay.band;
        if rnext[*b] == rpos[*b].0 {
            rnext[*b] += free / 2.0;
        }
        right_slot.insert((*a, *b), rnext[*b]);
        rnext[*b] += t;
    }
    for ((a, b), names) in &g.links {
        let t = names.len() as f64 * lay.band;
        let free = lpos[*a].1 - count(true, *a) as f64 * lay.band;
        if lnext[*a] == lpos[*a].0 {
            lnext[*a] += free / 2.0;
        }
        let y0 = lnext[*a];
        lnext[*a] += t;
        let y1 = right_slot[&(*a, *b)];
        let (x0, x1) = (xl + NODE_W, xr);
        let xm = (x0 + x1) / 2.0;
        let era = match g.right[*b] {
            NONE => "outside",
            u if r.units[u].context => "outside",
            _ => "after",
        };
        let _ = write!(
            s,
            "<path class=\"flow-band {era}\" d=\"M{x0} {y0}C{xm} {y0} {xm} {y1} {x1} {y1}L{x1} {y1b}C{xm} {y1b} {xm} {y0b} {x0} {y0b}Z\"><title>{}</title></path>",
            esc(&format!(
                "{} → {}: {}",
                label(r, g.left[*a], true, strings),
                label(r, g.right[*b], false, strings),
                names.join("; ")
            )),
            x0 = n(x0),
            x1 = n(x1),
            xm = n(xm),
            y0 = n(y0),
            y1 = n(y1),
            y0b = n(y0 + t),
            y1b = n(y1 + t),
        );
    }
    let mut node = |x: f64, (y, h): (f64, f64), text: &str, c: usize, left: bool| {
        let class = if left { "before" } else { "after" };
        let _ = write!(
            s,
            "<rect class=\"flow-node {class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\"/>",
            n(x),
            n(y),
            n(NODE_W),
            n(h)
        );
        let (tx, anchor) = if left {
            (x - 6.0, "end")
        } else {
            (x + NODE_W + 6.0, "start")
        };
        let _ = write!(
            s,
            "<text class=\"flow-label\" x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{anchor}\">{} <tspan class=\"flow-count\">{c}</tspan></text>",
            n(tx),
            n(y + h / 2.0 + lay.font * 0.35),
            n(lay.font),
            esc(text)
        );
    };
    for (i, &u) in g.left.iter().enumerate() {
        node(
            xl,
            lpos[i],
            &label(r, u, true, strings),
            count(true, i),
            true,
        );
    }
    for (i, &u) in g.right.iter().enumerate() {
        node(
            xr,
            rpos[i],
            &label(r, u, false, strings),
            count(false, i),
            false,
        );
    }
    s.push_str("</svg>");
    s
}

/// The function map in both layouts; `None` when the data has no functions.
pub fn function_map(r: &Reform, strings: &Strings) -> Option<FlowView> {
    if r.functions.is_empty() {
        return None;
    }
    let g = graph(r);
    Some(FlowView {
        wide: draw(r, &g, &WIDE, "flow-wide", strings),
        narrow: draw(r, &g, &NARROW, "flow-narrow", strings),
    })
}
