//! The static search index (`search-index.json`): for each page its title, URL and the first
//! words of its text. The theme's `search.js` loads it in the browser; without scripts the
//! search box is a plain link to the glossary and sources. Each page's entry is made in the
//! page's own (parallel) pass; the index only joins them.

use serde::Serialize;

use crate::model::Page;

pub const INDEX_FILE: &str = "search-index.json";

#[derive(Serialize)]
struct Entry<'a> {
    /// Title.
    t: &'a str,
    /// Root-relative URL.
    u: &'a str,
    /// Description, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    d: Option<&'a str>,
    /// Plain text.
    s: &'a str,
}

/// One page's entry, as JSON.
pub fn entry(page: &Page, text: &str) -> String {
    let e = Entry {
        t: &page.title,
        u: &page.url,
        d: page.description.as_deref(),
        s: text.trim_end(),
    };
    let mut json = serde_json::to_string(&e).unwrap_or_default();
    json.shrink_to_fit();
    json
}

/// The index: the entries in page order.
pub fn index(entries: &[String]) -> String {
    let size = entries.iter().map(|e| e.len() + 1).sum::<usize>() + 2;
    let mut out = String::with_capacity(size);
    out.push('[');
    for e in entries.iter().filter(|e| !e.is_empty()) {
        if out.len() > 1 {
            out.push(',');
        }
        out.push_str(e);
    }
    out.push(']');
    out
}
