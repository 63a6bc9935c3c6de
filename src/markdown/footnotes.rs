//! Footnotes: references numbered in order of first use, labels matched as CommonMark matches
//! them, and the notes written at the end of the page with ids no other element takes.

use std::collections::HashMap;

use pulldown_cmark::Event;

use super::{PageRenderer, escape, ids};

/// Footnotes, numbered in order of first reference and gathered at the end of the text.
/// Labels match as CommonMark matches them (case and runs of spaces ignored), as
/// pulldown-cmark pairs references with definitions.
#[derive(Default)]
pub(super) struct Footnotes<'e> {
    /// Normalised labels, in order of first reference.
    order: Vec<String>,
    /// For each label: how many references so far, and the stem of its ids.
    refs: HashMap<String, (usize, String)>,
    defs: HashMap<String, Vec<Event<'e>>>,
}

/// A footnote label as CommonMark compares labels.
fn label_key(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl<'e> Footnotes<'e> {
    /// A reference to `label`: its number, the stem of its note's id and the reference's id.
    pub(super) fn reference(&mut self, label: &str, ids: &mut ids::Ids) -> (usize, String, String) {
        let key = label_key(label);
        if let Some(n) = self.order.iter().position(|l| *l == key)
            && let Some((count, stem)) = self.refs.get_mut(&key)
        {
            *count += 1;
            let refid = ids.claim(&format!("fnref-{stem}-{count}"));
            return (n + 1, stem.clone(), refid);
        }
        let n = self.order.len() + 1;
        let stem = ids.footnote(&crate::ids::slugify(label), n);
        self.order.push(key.clone());
        self.refs.insert(key, (1, stem.clone()));
        (n, stem.clone(), format!("fnref-{stem}"))
    }

    pub(super) fn define(&mut self, label: &str, events: Vec<Event<'e>>) {
        self.defs.entry(label_key(label)).or_insert(events);
    }

    pub(super) fn finish(self, html: &mut String, page: &mut PageRenderer<'_>) {
        if self.order.is_empty() {
            return;
        }
        let strings = page.strings();
        html.push_str(&format!(
            "<section class=\"footnotes\" aria-label=\"{}\">\n<ol>\n",
            escape(strings.get("footnotes"))
        ));
        let mut defs = self.defs;
        for key in &self.order {
            let raw = self.refs.get(key).map(|r| r.1.as_str()).unwrap_or_default();
            page.notes.anchors.insert(&format!("fn-{raw}"));
            let stem = escape(raw);
            html.push_str(&format!("<li id=\"fn-{stem}\">"));
            if let Some(events) = defs.remove(key) {
                pulldown_cmark::html::push_html(html, events.into_iter());
            }
            html.push_str(&format!(
                " <a href=\"#fnref-{stem}\" class=\"footnote-back\" aria-label=\"{}\">↩</a></li>\n",
                escape(strings.get("footnote_back"))
            ));
        }
        html.push_str("</ol>\n</section>\n");
    }
}
