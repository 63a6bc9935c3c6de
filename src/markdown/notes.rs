//! What rendering a page's Markdown finds besides its HTML — its headings, ids, links to check,
//! citations, glossary terms, problems, summary — and its search text, built word by word.

use std::collections::{BTreeSet, HashSet};

use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;

use super::LinkCheck;

/// A heading of the page, for its table of contents.
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    /// The id percent-encoded for a link: `href="#{{ h.fragment }}"`.
    pub fragment: String,
    pub title: String,
}

/// What rendering a page's Markdown found, besides the HTML. An incremental build records it
/// for the next (without the table of contents and the search text, which the page's own
/// pass uses up).
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct PageNotes {
    #[serde(skip)]
    pub toc: Vec<TocEntry>,
    /// Every `id` the Markdown produced (headings, footnotes).
    pub anchors: Anchors,
    /// Internal links to verify once every page is known.
    pub links: Vec<LinkCheck>,
    /// Sources cited (indices into the reform's source list).
    pub cites: BTreeSet<usize>,
    /// The pinpoint locators the page cites sources at (`[@s01, p. 4]`: the source's index
    /// and `p. 4`), for the sources page.
    pub locators: BTreeSet<(usize, String)>,
    /// Glossary terms used (indices).
    pub terms: BTreeSet<usize>,
    pub has_code: bool,
    pub diags: Vec<Diagnostic>,
    /// The page's words for the search index: its whole text.
    #[serde(skip)]
    pub text: String,
    /// The HTML of the Markdown before a `<!-- more -->` line, when there is one: the page's
    /// summary, as in Zola and Hugo.
    pub summary: Option<String>,
    /// The same summary as the page's section shows it, when the page is listed (see
    /// [`super::PageRenderer::listed_at`]): its links lead from there, and it has neither
    /// footnotes nor heading ids.
    pub listed_summary: Option<String>,
}

/// A page's ids: a list in one string, one per line (a page has a dozen or so; an incremental
/// build reads back every page's, and a set of strings took more time to read than the rest of
/// its notes). Looked up a few times a build, for the links with an anchor; [`Anchors::set`]
/// makes a set of them where a page is the target of many.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Anchors(String);

impl Anchors {
    /// Adds `id` (an id holding a line break, which no link can name, is left out).
    pub fn insert(&mut self, id: &str) {
        if !id.contains('\n') {
            self.0.push_str(id);
            self.0.push('\n');
        }
    }

    pub fn contains(&self, id: &str) -> bool {
        self.iter().any(|a| a == id)
    }

    /// The ids, in the order they were added (an id added twice, twice).
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.lines()
    }

    /// The ids as a set, for many lookups.
    pub fn set(&self) -> HashSet<&str> {
        self.iter().collect()
    }
}

impl<S: AsRef<str>> Extend<S> for Anchors {
    fn extend<I: IntoIterator<Item = S>>(&mut self, ids: I) {
        ids.into_iter().for_each(|id| self.insert(id.as_ref()));
    }
}

impl PageNotes {
    /// Adds words to the page's search text, collapsing runs of whitespace (and the space a
    /// removed citation leaves before punctuation) as it goes.
    pub fn index_text(&mut self, words: &str) {
        // Split on ASCII whitespace by bytes (such a byte is never inside a UTF-8 sequence):
        // this runs on every word of every page.
        let bytes = words.as_bytes();
        let mut start = 0;
        loop {
            let stop = bytes[start..]
                .iter()
                .position(u8::is_ascii_whitespace)
                .map_or(bytes.len(), |p| start + p);
            let part = &words[start..stop];
            if start > 0 && !self.text.is_empty() && !self.text.ends_with(' ') {
                self.text.push(' ');
            }
            if !part.is_empty() {
                if part.starts_with(['.', ',', ';', ':', ')', '!', '?']) && self.text.ends_with(' ')
                {
                    self.text.pop();
                }
                self.text.push_str(part);
            }
            if stop == bytes.len() {
                break;
            }
            start = stop + 1;
        }
    }

    /// Separates blocks (paragraphs, headings, cells) in the search text.
    pub fn index_break(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with(' ') {
            self.text.push(' ');
        }
    }
}
