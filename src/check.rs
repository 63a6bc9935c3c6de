//! Link checking. During every build, links written in Markdown are checked against the
//! pages and anchors the site really has, and reported at their place in the source file.
//! `pillar check` also reads every HTML file it would write and verifies every internal
//! `href`, `src` and `#anchor`, wherever it came from (templates included).

use std::collections::{HashMap, HashSet};

use crate::diag::Diagnostic;
use crate::markdown::PageNotes;
use crate::model::Site;

/// Checks that every `#anchor` named by a Markdown link exists on its target page.
pub fn markdown_anchors<'a>(
    site: &Site,
    pages: impl Iterator<Item = (usize, &'a PageNotes)>,
) -> Vec<Diagnostic> {
    let pages: Vec<(usize, &PageNotes)> = pages.collect();
    let notes_of: HashMap<usize, &PageNotes> = pages.iter().copied().collect();
    // The ids of the pages that links point into, as sets.
    let mut anchors: HashMap<usize, HashSet<&str>> = HashMap::new();
    for (_, notes) in &pages {
        for link in &notes.links {
            if let Some(target) = notes_of.get(&link.page) {
                anchors
                    .entry(link.page)
                    .or_insert_with(|| target.anchors.set());
            }
        }
    }
    let mut out = Vec::new();
    let mut hints = crate::diag::Hints::default();
    for (_, notes) in &pages {
        for link in &notes.links {
            let Some(set) = anchors.get(&link.page) else {
                continue;
            };
            if set.contains(link.anchor.as_str()) {
                continue;
            }
            let Some(at) = &link.at else {
                continue;
            };
            let target = &site.pages[link.page];
            let mut d = at.clone().error(format!(
                "link to a missing anchor #{} on {}",
                link.anchor,
                if target.url.is_empty() {
                    "the home page".to_owned()
                } else {
                    format!("/{}", target.url)
                }
            ));
            if let Some(h) = hints.suggestion(&link.anchor, set.iter().copied()) {
                d = d.with_hint(h);
            }
            out.push(d);
        }
    }
    out
}

/// Adds every `id` attribute value of an HTML page to `ids`, as a browser reads them (any
/// quotes or none, any whitespace before the name, any case), with the same tokenizer as
/// [`scan`].
pub fn collect_ids(html: &[u8], ids: &mut crate::markdown::Anchors) {
    ids.extend(read(&String::from_utf8_lossy(html), false).ids);
}

/// Verifies every internal link of the finished site: `paths` are its files, `scanned` the
/// ids and links of each of its HTML files. `source_of` maps an output HTML file to the file
/// a reader would fix (the page's Markdown, or its template).
pub fn html_links(
    paths: &HashSet<String>,
    scanned: &HashMap<String, Scan>,
    source_of: &dyn Fn(&str, &str, String) -> Diagnostic,
) -> Vec<Diagnostic> {
    let paths: HashSet<&str> = paths.iter().map(String::as_str).collect();
    let mut scanned: Vec<(&str, &Scan)> = scanned
        .iter()
        .filter(|(p, _)| paths.contains(p.as_str()))
        .map(|(p, s)| (p.as_str(), s))
        .collect();
    // Problems come out in a stable order.
    scanned.sort_unstable_by_key(|(p, _)| *p);
    let ids: HashMap<&str, &HashSet<String>> = scanned.iter().map(|(p, s)| (*p, &s.ids)).collect();
    let mut out = Vec::new();
    for (path, s) in &scanned {
        // The 404 page is served at any address: its links are absolute, not relative.
        if *path == "404.html" {
            continue;
        }
        for link in &s.links {
            if let Some(problem) = check_link(path, link, &paths, &ids) {
                out.push(source_of(
                    path,
                    link,
                    format!("{problem} (in the generated {path})"),
                ));
            }
        }
    }
    out
}

fn check_link(
    from: &str,
    link: &str,
    paths: &HashSet<&str>,
    ids: &HashMap<&str, &HashSet<String>>,
) -> Option<String> {
    if link.is_empty()
        || link.starts_with("//")
        || link.contains(':')
            && link.split(':').next().is_some_and(|s| {
                s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                    && !s.contains('/')
            })
    {
        return None;
    }
    let (path_part, anchor) = match link.find('#') {
        Some(i) => (&link[..i], Some(&link[i + 1..])),
        None => (link, None),
    };
    let path_part = path_part.split('?').next().unwrap_or("");
    let decoded = percent_encoding::percent_decode_str(path_part).decode_utf8_lossy();
    let target = if decoded.is_empty() {
        from.to_owned()
    } else if decoded.starts_with('/') {
        return Some(format!(
            "root-relative link {link:?} breaks under a sub-path"
        ));
    } else {
        let dir = from.rfind('/').map_or("", |i| &from[..=i]);
        match crate::markdown::links_normalize(&format!("{dir}{decoded}")) {
            Some(t) => t,
            None => return Some(format!("link {link:?} points outside the site")),
        }
    };
    let file = if target.is_empty() || target.ends_with('/') {
        format!("{target}index.html")
    } else {
        target.clone()
    };
    let file = if paths.contains(file.as_str()) {
        file
    } else if paths.contains(format!("{target}/index.html").as_str()) {
        format!("{target}/index.html")
    } else {
        return Some(format!("broken link {link:?}: no file {file}"));
    };
    if let Some(a) = anchor.filter(|a| !a.is_empty()) {
        let a = percent_encoding::percent_decode_str(a).decode_utf8_lossy();
        if let Some(set) = ids.get(file.as_str())
            && !set.contains(a.as_ref())
        {
            return Some(format!("broken link {link:?}: {file} has no id \"{a}\""));
        }
    }
    None
}

/// What one HTML file holds for the link check: its ids and the links it makes.
#[derive(Default)]
pub struct Scan {
    ids: HashSet<String>,
    links: Vec<String>,
}

impl Scan {
    /// Keeps only the links `keep` accepts (those the check is to verify).
    pub fn retain_links(&mut self, keep: impl FnMut(&String) -> bool) {
        self.links.retain(keep);
    }

    /// The `href` and `src` values, in document order.
    pub fn links(&self) -> &[String] {
        &self.links
    }
}

/// Reads an HTML file's ids and `href`/`src` links with a real tokenizer (html5gum), through
/// its callback emitter (no token is built) with error reporting off: the tokenizer then skips
/// validating every character, which was most of its cost.
pub fn scan(html: &str) -> Scan {
    read(html, true)
}

/// [`scan`], keeping the links only when `links` is set.
fn read(html: &str, links: bool) -> Scan {
    use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
    use html5gum::{Span, Tokenizer};
    let mut s = Scan::default();
    let mut tag: Vec<u8> = Vec::new();
    let mut attr: Vec<u8> = Vec::new();
    let mut emitter = CallbackEmitter::new(|event: CallbackEvent<'_>, _: Span<()>| -> Option<()> {
        match event {
            CallbackEvent::OpenStartTag { name } => {
                tag.clear();
                tag.extend_from_slice(name);
            }
            CallbackEvent::AttributeName { name } => {
                attr.clear();
                attr.extend_from_slice(name);
            }
            CallbackEvent::AttributeValue { value } => {
                let v = || String::from_utf8_lossy(value).into_owned();
                match (attr.as_slice(), tag.as_slice()) {
                    (b"id", _) | (b"name", b"a") => {
                        s.ids.insert(v());
                    }
                    (b"href" | b"src", t) if links && t != b"base" => s.links.push(v()),
                    _ => {}
                }
            }
            _ => {}
        }
        None
    });
    // `<script>` and `<style>` hold text, not tags.
    emitter.naively_switch_states(true);
    for _ in Tokenizer::new_with_emitter(html, Quiet(emitter)) {}
    s
}

/// An emitter that drops the tokenizer's parse errors before they are even looked for.
struct Quiet<E>(E);

impl<E: html5gum::Emitter> html5gum::ForwardingEmitter for Quiet<E> {
    type Token = E::Token;

    fn inner(&mut self) -> &mut impl html5gum::Emitter<Token = Self::Token> {
        &mut self.0
    }

    fn should_emit_errors(&mut self) -> bool {
        false
    }

    fn emit_error(&mut self, _: html5gum::Error) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::output::OutputFile;

    fn f(path: &str, html: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: html.as_bytes().to_vec(),
        }
    }

    #[test]
    fn collects_ids_in_either_quotes() {
        let mut ids = crate::markdown::Anchors::default();
        collect_ids(
            b"<h2 id=\"a\">x</h2><p id='b'>y</p><div data-id=\"no\">",
            &mut ids,
        );
        assert_eq!(ids.set(), HashSet::from(["a", "b"]));
    }

    #[test]
    fn bug11_collects_ids_as_a_browser_reads_them() {
        let mut ids = crate::markdown::Anchors::default();
        collect_ids(
            b"<div id=unquoted></div><p\tid=\"tab\">x</p><p\nID='upper'></p><script>x = ' id=\"no\"'</script>",
            &mut ids,
        );
        let mut ids: Vec<&str> = ids.iter().collect();
        ids.sort_unstable();
        assert_eq!(ids, ["tab", "unquoted", "upper"]);
    }

    #[test]
    fn finds_missing_pages_and_anchors() {
        let files = [
            f(
                "index.html",
                "<a href=\"a/\">a</a><a href=\"a/#x\">x</a><a href=\"a/#nope\">n</a><a href=\"b/\">b</a><a href=\"https://e.org/\">e</a>",
            ),
            f(
                "a/index.html",
                "<h1 id=\"x\">X</h1><a href=\"../#\">home</a><img src=\"../img.png\">",
            ),
        ];
        let paths = files.iter().map(|f| f.path.clone()).collect();
        let scans = (files.iter())
            .map(|f| (f.path.clone(), scan(&String::from_utf8_lossy(&f.bytes))))
            .collect();
        let d = html_links(&paths, &scans, &|p, _, msg| Diagnostic::error(p, 1, 1, msg));
        let m: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(m.len(), 3, "{m:?}");
        // Files are reported in path order: a/index.html before index.html.
        assert!(m[0].contains("img.png"), "{m:?}");
        assert!(
            m[1].contains("a/#nope") && m[1].contains("no id \"nope\""),
            "{m:?}"
        );
        assert!(m[2].contains("\"b/\""), "{m:?}");
    }

    #[test]
    fn scan_reads_attributes_as_a_browser_would() {
        let s = scan(concat!(
            "<!DOCTYPE html><html><head><base href=\"/x/\"><style>a[href=\"no\"]{}</style>",
            "<script>if (a<b) { x = '<a href=\"not-a-link\">'; }</script></head><body>",
            "<a href='single'>1</a><a href=unquoted>2</a><img src=\"i.png\" alt=x>",
            "<a name=\"old-anchor\"></a><p id=\"p1\" data-id=\"no\">",
            "<a href=\"q?x=1&amp;y=2\">3</a><div name=\"not-an-anchor\"></div></body></html>"
        ));
        assert_eq!(s.links(), ["single", "unquoted", "i.png", "q?x=1&y=2"]);
        let mut ids: Vec<&str> = s.ids.iter().map(String::as_str).collect();
        ids.sort_unstable();
        assert_eq!(ids, ["old-anchor", "p1"]);
    }
}
