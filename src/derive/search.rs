//! The static search index (`search-index.json`): for each page its title, URL and the first
//! words of its text. The theme's `search.js` loads it in the browser; without scripts the
//! search box is a plain link to the glossary and sources.

use serde::Serialize;

use crate::model::Site;

pub const INDEX_FILE: &str = "search-index.json";

#[derive(Serialize)]
struct Entry<'a> {
    /// Title.
    t: &'a str,
    /// Root-relative URL.
    u: &'a str,
    /// Plain text.
    s: String,
}

/// Collapses whitespace, and the space a removed citation leaves before punctuation.
pub fn tidy(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    joined
        .replace(" .", ".")
        .replace(" ,", ",")
        .replace(" ;", ";")
        .replace(" :", ":")
}

/// The index as JSON. `texts` gives each page's plain text by page index.
pub fn index<'a>(site: &Site, texts: impl Iterator<Item = (usize, &'a str)>) -> String {
    let mut entries: Vec<(usize, Entry<'_>)> = texts
        .map(|(i, text)| {
            let p = &site.pages[i];
            let mut s = tidy(text);
            if let Some(d) = &p.description
                && !s.contains(d.as_str())
            {
                s = format!("{d} {s}");
            }
            (
                i,
                Entry {
                    t: &p.title,
                    u: &p.url,
                    s,
                },
            )
        })
        .collect();
    entries.sort_by_key(|(i, _)| *i);
    let list: Vec<&Entry<'_>> = entries.iter().map(|(_, e)| e).collect();
    serde_json::to_string(&list).unwrap_or_else(|_| "[]".to_owned())
}
