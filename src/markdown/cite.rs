//! Citations in Markdown (`[@s00]`, `[@s00; @s22]`): pulldown-cmark's broken-link callback
//! makes them links that the renderer recognises. Only a shortcut (`[@s00]`) or collapsed
//! (`[@s00][]`) reference is a citation; `[text][@s00]` is not. A citation written inside a
//! link's text is not made a link, since CommonMark forbids a link inside a link and the outer
//! link would turn into text: it is recorded here and printed after that link.

use std::cell::RefCell;
use std::ops::Range;

use pulldown_cmark::{BrokenLink, BrokenLinkCallback, CowStr, LinkType};

use super::links::{CITE_SCHEME, citation_ids};

/// A citation inside a link's text: where it is written and the ids it cites (`a;b`).
#[derive(Debug, Clone)]
pub struct Deferred {
    pub span: Range<usize>,
    pub ids: String,
}

/// The callback: `md` is the Markdown being parsed; citations inside link text go to
/// `deferred`.
pub struct CiteLinks<'i, 'r> {
    pub md: &'i str,
    pub deferred: &'r RefCell<Vec<Deferred>>,
}

impl<'i> BrokenLinkCallback<'i> for CiteLinks<'i, '_> {
    fn handle_broken_link(&mut self, link: BrokenLink<'i>) -> Option<(CowStr<'i>, CowStr<'i>)> {
        if !matches!(link.link_type, LinkType::Shortcut | LinkType::Collapsed) {
            return None;
        }
        let ids = citation_ids(&link.reference)?;
        if inside_link_text(self.md, &link.span) {
            self.deferred.borrow_mut().push(Deferred {
                span: link.span,
                ids,
            });
            return None;
        }
        Some((
            CowStr::from(format!("{CITE_SCHEME}{ids}")),
            CowStr::from(""),
        ))
    }
}

/// Whether the brackets at `span` sit inside the text of a link, `[… [@id] …](url)` or
/// `[… [@id] …][ref]`: an open `[` (not `![`, images may hold links) before them and its `]`,
/// followed by `(` or `[`, after them, in the same paragraph.
fn inside_link_text(md: &str, span: &Range<usize>) -> bool {
    let b = md.as_bytes();
    let Some(close) = unmatched_close(b, span.end) else {
        return false;
    };
    if !matches!(b.get(close + 1), Some(b'(' | b'[')) {
        return false;
    }
    unmatched_open(b, span.start).is_some_and(|open| open == 0 || b[open - 1] != b'!')
}

fn escaped(b: &[u8], at: usize) -> bool {
    b[..at].iter().rev().take_while(|&&c| c == b'\\').count() % 2 == 1
}

fn blank_line_at(b: &[u8], at: usize) -> bool {
    b[at] == b'\n'
        && b[at + 1..]
            .iter()
            .take_while(|&&c| c != b'\n')
            .all(u8::is_ascii_whitespace)
}

/// The first `]` after `from` that closes a bracket opened before `from`.
fn unmatched_close(b: &[u8], from: usize) -> Option<usize> {
    let mut depth = 0usize;
    for i in from..b.len() {
        match b[i] {
            b'[' if !escaped(b, i) => depth += 1,
            b']' if !escaped(b, i) => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return Some(i),
            },
            b'\n' if blank_line_at(b, i) => return None,
            _ => {}
        }
    }
    None
}

/// The last `[` before `to` that is still open at `to`.
fn unmatched_open(b: &[u8], to: usize) -> Option<usize> {
    let mut depth = 0usize;
    for i in (0..to.min(b.len())).rev() {
        match b[i] {
            b']' if !escaped(b, i) => depth += 1,
            b'[' if !escaped(b, i) => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return Some(i),
            },
            b'\n' if blank_line_at(b, i) => return None,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inside(md: &str) -> bool {
        let start = md.find("[@").unwrap_or(0);
        let end = start + md[start..].find(']').map_or(0, |e| e + 1);
        inside_link_text(md, &(start..end))
    }

    #[test]
    fn finds_citations_inside_link_text() {
        assert!(inside("[see [@s1]](https://example.org/)"));
        assert!(inside("[see [@s1] and [x]][ref]"));
        assert!(!inside("[@s1] and [x](y)"));
        assert!(!inside("![chart [@s1]](x.png)"));
        assert!(!inside("\\[see [@s1]](x)"));
        assert!(!inside("[see\n\n[@s1]](x)"));
        assert!(!inside("see [@s1]."));
    }
}
