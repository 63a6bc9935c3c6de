//! What rendering a page's Markdown finds besides its HTML — its headings, ids, links to check,
//! citations, glossary terms, problems, summary — and its search text, built word by word.

use std::collections::{BTreeSet, HashSet};

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
    pub anchors: HashSet<String>,
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
