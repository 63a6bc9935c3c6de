//! Citations in Markdown (`[@s00]`, `[@s00; @s22]`, `[see @s00, p. 4]`): pulldown-cmark's
//! broken-link callback makes them links that the renderer recognises. Only a shortcut (`[@s00]`) or collapsed
//! (`[@s00][]`) reference is a citation; `[text][@s00]` is not. A citation written inside a
//! link's text is not made a link, since CommonMark forbids a link inside a link and the outer
//! link would turn into text: it is recorded here and printed after that link.

use std::cell::RefCell;
use std::ops::Range;

use pulldown_cmark::{BrokenLink, BrokenLinkCallback, CowStr, LinkType};

use super::links::CITE_SCHEME;

/// Separates the parts of an encoded citation (see [`encode`]), and a part's fields.
const PART: char = '\u{1e}';
const FIELD: char = '\u{1f}';

/// One cited source of a bracket: `see @s01, p. 4` is the prefix `see`, the id `s01` and the
/// pinpoint locator `p. 4`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cite<'a> {
    pub prefix: &'a str,
    pub id: &'a str,
    pub locator: Option<&'a str>,
}

/// The citations of a bracket text, encoded for a link destination (the text as written, then
/// each part's prefix, id and locator), or `None` when the text is not a citation. Parts are
/// separated by `;`; each is an optional prefix that ends in a space (`see`), `@` and an id
/// with no space after the `@` and none inside, then optionally a comma and a locator that does
/// not start with `@` (`p. 4`, `§12`).
pub fn encode(reference: &str) -> Option<String> {
    let r = reference.trim();
    if r.starts_with("@/") {
        return None;
    }
    let mut out = r.to_owned();
    for part in r.split(';') {
        let c = parse_part(part)?;
        out.push(PART);
        out.push_str(c.prefix);
        out.push(FIELD);
        out.push_str(c.id);
        out.push(FIELD);
        out.push_str(c.locator.unwrap_or(""));
    }
    Some(out)
}

/// The text as written and the citations of an [`encode`]d bracket.
pub fn decode(encoded: &str) -> (&str, Vec<Cite<'_>>) {
    let mut parts = encoded.split(PART);
    let written = parts.next().unwrap_or("");
    let cites = parts
        .map(|p| {
            let mut f = p.split(FIELD);
            let (prefix, id, locator) = (
                f.next().unwrap_or(""),
                f.next().unwrap_or(""),
                f.next().unwrap_or(""),
            );
            Cite {
                prefix,
                id,
                locator: (!locator.is_empty()).then_some(locator),
            }
        })
        .collect();
    (written, cites)
}

fn parse_part(part: &str) -> Option<Cite<'_>> {
    let p = part.trim();
    let at = p.find('@')?;
    let prefix = &p[..at];
    if !prefix.is_empty() && !prefix.ends_with(char::is_whitespace) {
        return None;
    }
    let (id, locator) = match p[at + 1..].split_once(',') {
        Some((id, loc)) => (id, Some(loc.trim())),
        None => (&p[at + 1..], None),
    };
    let bad_id = |c: char| c.is_whitespace() || matches!(c, '@' | '/' | FIELD | PART);
    if id.is_empty() || id.contains(bad_id) {
        return None;
    }
    if locator.is_some_and(|l| l.is_empty() || l.starts_with('@') || l.contains(',')) {
        return None;
    }
    Some(Cite {
        prefix: prefix.trim(),
        id,
        locator,
    })
}

/// A citation inside a link's text: where it is written and what it cites (see [`encode`]).
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
        let ids = encode(&link.reference)?;
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

    fn parts(reference: &str) -> Option<Vec<(String, String, Option<String>)>> {
        let e = encode(reference)?;
        let (written, cites) = decode(&e);
        assert_eq!(written, reference.trim());
        Some(
            cites
                .into_iter()
                .map(|c| (c.prefix.into(), c.id.into(), c.locator.map(Into::into)))
                .collect(),
        )
    }

    fn cite(prefix: &str, id: &str, locator: Option<&str>) -> (String, String, Option<String>) {
        (prefix.into(), id.into(), locator.map(Into::into))
    }

    #[test]
    fn citations_need_at_signs_and_semicolons() {
        assert_eq!(
            parts("@s00; @s22"),
            Some(vec![cite("", "s00", None), cite("", "s22", None)])
        );
        assert_eq!(
            parts("@s00, p. 4; @s22, §12"),
            Some(vec![
                cite("", "s00", Some("p. 4")),
                cite("", "s22", Some("§12"))
            ])
        );
        for not in [
            "s00",
            "@/x.md",
            "@a b",
            "@a, @b",
            "@ a",
            "@a,@b",
            "@",
            "@a;",
            "see @/x.md",
            "mail me@home",
            "see @a extra",
        ] {
            assert_eq!(parts(not), None, "{not}");
        }
    }

    #[test]
    fn citations_take_prefixes() {
        assert_eq!(parts("see @s1"), Some(vec![cite("see", "s1", None)]));
        assert_eq!(
            parts("see, e.g., @s1, p. 4; cf.  @s2"),
            Some(vec![
                cite("see, e.g.,", "s1", Some("p. 4")),
                cite("cf.", "s2", None)
            ])
        );
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
