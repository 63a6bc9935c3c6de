//! Link resolution for Markdown: content paths (`@/departments/dpo.md#x`), links relative to
//! the source file (`../about.md`, `img.png`), site-absolute paths (`/timeline/`), same-page
//! anchors and citations. Every internal link becomes a path relative to the page, so the site
//! works under any sub-path and from disk; unsafe schemes are refused.

use std::collections::{HashMap, HashSet};

use super::{Terms, escape_into};
use crate::diag::Hints;
use crate::model::reform::Source;

pub const CITE_SCHEME: &str = "pillar-cite:";

/// An internal link whose anchor must be checked once every page has rendered.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct LinkCheck {
    pub page: usize,
    pub anchor: String,
    /// Where the link was written.
    pub at: Option<crate::diag::Location>,
}

/// Site-wide knowledge the Markdown stage needs; shared by all pages and threads.
pub struct Resolver<'a> {
    pub by_rel: &'a HashMap<String, usize>,
    pub by_url: &'a HashMap<String, usize>,
    pub page_urls: Vec<&'a str>,
    /// Other files the site will contain, root-relative (`images/x.png`, `sitemap.xml`).
    pub files: HashSet<String>,
    pub source_ids: Option<&'a HashMap<String, usize>>,
    /// The citation links of the sources, made once for every page.
    pub citations: Citations,
    pub terms: Option<Terms>,
    /// Content paths of drafts, which exist but are not built.
    pub drafts: Option<&'a HashSet<String>>,
    /// Interface strings in the site's language.
    pub strings: &'a crate::i18n::Strings,
    /// Whether `$…$` and `$$…$$` are math (the site's `math`).
    pub math: bool,
}

/// Citation links, one per source (indices into the reform's source list), each written once
/// per site: a page of the data may carry hundreds of citations.
#[derive(Default)]
pub struct Citations {
    /// (the source's number, its link after `<a href="{root}`).
    links: Vec<(usize, String)>,
    /// The escaped `href` tail and `title` of each source, for citations with a locator.
    parts: Vec<(String, String)>,
}

impl Citations {
    /// Links to `sources`' entries on the sources page at `sources_url` (root-relative).
    pub fn new(sources: &[Source], sources_url: &str) -> Self {
        let parts = sources
            .iter()
            .map(|src| {
                let mut href = format!("{sources_url}#source-");
                escape_into(&mut href, &src.id);
                let mut title = String::new();
                escape_into(&mut title, &format!("{}: {}", src.publisher, src.title));
                (href, title)
            })
            .collect();
        let links = sources
            .iter()
            .map(|src| {
                let mut s = String::with_capacity(sources_url.len() + src.title.len() + 64);
                s.push_str(sources_url);
                s.push_str("#source-");
                escape_into(&mut s, &src.id);
                s.push_str("\" title=\"");
                escape_into(&mut s, &src.publisher);
                s.push_str(": ");
                escape_into(&mut s, &src.title);
                s.push_str("\">");
                s.push_str(&src.number.to_string());
                s.push_str("</a>");
                (src.number, s)
            })
            .collect();
        Self { links, parts }
    }

    /// Like [`html`](Self::html), for citations that may carry a prefix and a pinpoint
    /// locator (`[see @s01, p. 4]`, given as (index, prefix, locator)): the prefix goes before
    /// the number, the locator after it and at the end of the tooltip, and the parts are
    /// separated by `;`. With a prefix the parts keep the order they are written in, since a
    /// prefix reads with its own source; otherwise they are in number order. Repeats of a
    /// source with the same prefix and locator are dropped.
    pub fn html_cited(&self, cites: &[(usize, &str, Option<&str>)], root: &str) -> String {
        if cites.iter().all(|c| c.1.is_empty() && c.2.is_none()) {
            let ids: Vec<usize> = cites.iter().map(|c| c.0).collect();
            return self.html(&ids, root);
        }
        let mut order: Vec<(usize, usize, &str, Option<&str>)> = cites
            .iter()
            .filter_map(|&(i, pre, loc)| self.links.get(i).map(|l| (l.0, i, pre, loc)))
            .collect();
        if cites.iter().all(|c| c.1.is_empty()) {
            order.sort_by_key(|c| c.0);
        }
        let mut seen = std::collections::HashSet::new();
        order.retain(|c| seen.insert((c.0, c.2, c.3)));
        let mut s = String::from("<sup class=\"cite\">[");
        for (k, (number, i, prefix, loc)) in order.iter().enumerate() {
            let Some((href, title)) = self.parts.get(*i) else {
                continue;
            };
            if k > 0 {
                s.push_str("; ");
            }
            if !prefix.is_empty() {
                escape_into(&mut s, prefix);
                s.push(' ');
            }
            s.push_str(&format!("<a href=\"{root}{href}\" title=\"{title}"));
            if let Some(loc) = loc {
                s.push_str(", ");
                escape_into(&mut s, loc);
            }
            s.push_str(&format!("\">{number}</a>"));
            if let Some(loc) = loc {
                s.push_str(", ");
                escape_into(&mut s, loc);
            }
        }
        s.push_str("]</sup>");
        s
    }

    /// `<sup>` with one numbered link per source (to its entry on the sources page), in the
    /// sources' order, without repeats.
    pub fn html(&self, sources: &[usize], root: &str) -> String {
        let mut order: Vec<&(usize, String)> =
            sources.iter().filter_map(|&i| self.links.get(i)).collect();
        if order.is_empty() {
            return String::new();
        }
        order.sort_by_key(|l| l.0);
        order.dedup_by_key(|l| l.0);
        let len: usize = order.iter().map(|l| l.1.len() + root.len() + 12).sum();
        let mut s = String::with_capacity(len + 24);
        s.push_str("<sup class=\"cite\">[");
        for (k, (_, link)) in order.iter().enumerate() {
            if k > 0 {
                s.push_str(", ");
            }
            s.push_str("<a href=\"");
            s.push_str(root);
            s.push_str(link);
        }
        s.push_str("]</sup>");
        s
    }
}

type LinkResult = Result<(String, Option<LinkCheck>), (String, Option<String>)>;

impl Resolver<'_> {
    pub fn source(&self, id: &str) -> Option<usize> {
        self.source_ids?.get(id).copied()
    }

    pub fn suggest_source(&self, id: &str, hints: &mut Hints) -> Option<String> {
        hints.suggestion(id, self.source_ids?.keys().map(String::as_str))
    }

    /// Resolves a link destination written on the page at `page_url`, whose source file is
    /// in the content folder `source_dir` (`""` or ending in `/`).
    pub fn resolve(
        &self,
        dest: &str,
        (page_url, source_dir): (&str, &str),
        image: bool,
        hints: &mut Hints,
    ) -> LinkResult {
        let root = root_prefix(page_url);
        if dest.is_empty() {
            return Ok((String::new(), None));
        }
        if let Some(rest) = dest.strip_prefix("@/") {
            let (path_q, anchor) = split_anchor(rest);
            let (path, query) = split_query(path_q);
            let path = normalize(&decode(path)).ok_or_else(|| {
                (
                    format!("link {dest:?} points outside the content folder"),
                    None,
                )
            })?;
            return match self.by_rel.get(&path) {
                Some(&page) => Ok(self.page_link(page, query, anchor, &root)),
                None if self.drafts.is_some_and(|d| d.contains(&path)) => Err((
                    format!("link to a draft page: {dest}"),
                    Some("drafts are built only with --drafts".into()),
                )),
                None => Err((
                    format!("link to a missing page: {dest}"),
                    hints
                        .suggestion(&path, self.by_rel.keys().map(String::as_str))
                        .map(|h| format!("{h} (content paths are relative to content/)")),
                )),
            };
        }
        if let Some(scheme) = scheme(dest) {
            let s = scheme.to_ascii_lowercase();
            let data_image = image && s == "data" && dest[5..].trim_start().starts_with("image/");
            if matches!(s.as_str(), "javascript" | "vbscript" | "data") && !data_image {
                return Err((
                    format!("unsafe link scheme \"{scheme}:\""),
                    Some("links may use http:, https:, mailto: and similar schemes".into()),
                ));
            }
            return Ok((dest.to_owned(), None));
        }
        if dest.starts_with("//") {
            return Ok((dest.to_owned(), None));
        }
        if let Some(anchor) = dest.strip_prefix('#') {
            // A bare `#` (back to the top) names no anchor.
            let page = self
                .by_url
                .get(page_url)
                .copied()
                .filter(|_| !anchor.is_empty());
            return Ok((
                dest.to_owned(),
                page.map(|page| LinkCheck {
                    page,
                    anchor: decode(anchor),
                    at: None,
                }),
            ));
        }
        let (path_q, anchor) = split_anchor(dest);
        let (path, query) = split_query(path_q);
        let path = decode(path);
        let suffix =
            |a: Option<&str>| format!("{query}{}", a.map(|a| format!("#{a}")).unwrap_or_default());
        if let Some(abs) = path.strip_prefix('/') {
            let target = normalize(abs)
                .ok_or_else(|| (format!("link {dest:?} points outside the site"), None))?;
            return self
                .site_path(&target, anchor, &root, &suffix)
                .ok_or_else(|| (format!("link to a missing page or file: {dest}"), None));
        }
        // Relative: first against the source file's folder (as on GitHub), then against the
        // page's URL (as in the browser).
        if let Some(content) = normalize(&format!("{source_dir}{path}")) {
            if content.ends_with(".md") {
                return match self.by_rel.get(&content) {
                    Some(&page) => Ok(self.page_link(page, query, anchor, &root)),
                    None => Err((
                        format!("link to a missing page: {dest}"),
                        hints
                            .suggestion(&content, self.by_rel.keys().map(String::as_str))
                            .map(|h| format!("{h} (relative to this file's folder)")),
                    )),
                };
            }
            if self.files.contains(&content) {
                return Ok((format!("{root}{}{}", content, suffix(anchor)), None));
            }
        }
        if let Some(from_url) = normalize(&format!("{page_url}{path}"))
            && let Some(found) = self.site_path(&from_url, anchor, &root, &suffix)
        {
            return Ok((dest.to_owned(), found.1));
        }
        Err((format!("link to a missing page or file: {dest}"), None))
    }

    fn page_link(
        &self,
        page: usize,
        query: &str,
        anchor: Option<&str>,
        root: &str,
    ) -> (String, Option<LinkCheck>) {
        let url = self.page_urls[page];
        let at = anchor.map(|a| format!("#{a}")).unwrap_or_default();
        let href = if url.is_empty() && root.is_empty() {
            format!("./{query}{at}")
        } else {
            format!("{root}{url}{query}{at}")
        };
        let check = anchor.filter(|a| !a.is_empty()).map(|a| LinkCheck {
            page,
            anchor: decode(a),
            at: None,
        });
        (href, check)
    }

    /// A root-relative path (`timeline/`, `timeline`, `img/x.png`) that the site produces.
    fn site_path(
        &self,
        target: &str,
        anchor: Option<&str>,
        root: &str,
        suffix: &dyn Fn(Option<&str>) -> String,
    ) -> Option<(String, Option<LinkCheck>)> {
        let as_dir = if target.is_empty() || target.ends_with('/') {
            target.to_owned()
        } else {
            format!("{target}/")
        };
        let page = self
            .by_url
            .get(&as_dir)
            .or_else(|| self.by_url.get(target.trim_end_matches("index.html")))
            .copied();
        if let Some(page) = page {
            let url = self.page_urls[page];
            let href = if url.is_empty() && root.is_empty() {
                format!("./{}", suffix(anchor))
            } else {
                format!("{root}{url}{}", suffix(anchor))
            };
            let check = anchor.filter(|a| !a.is_empty()).map(|a| LinkCheck {
                page,
                anchor: decode(a),
                at: None,
            });
            return Some((href, check));
        }
        self.files
            .contains(target)
            .then(|| (format!("{root}{target}{}", suffix(anchor)), None))
    }
}

/// `../../` for a page at `a/b/`; empty at the root.
pub fn root_prefix(page_url: &str) -> String {
    "../".repeat(page_url.matches('/').count())
}

/// `href`, written on the page at `from_url`, as written on the page at `to_url` (both
/// root-relative, ending in `/` or empty): a page's summary is shown on its section's page.
/// Links with a scheme or a host, and empty ones, stay as they are.
pub fn rebase(href: &str, from_url: &str, to_url: &str) -> String {
    if href.is_empty() || href.starts_with("//") || scheme(href).is_some() {
        return href.to_owned();
    }
    let cut = href.find(['?', '#']).unwrap_or(href.len());
    let (path, rest) = href.split_at(cut);
    let Some(target) = normalize(&format!("{from_url}{path}")) else {
        return href.to_owned();
    };
    let out = format!("{}{target}", root_prefix(to_url));
    if out.is_empty() {
        format!("./{rest}")
    } else {
        format!("{out}{rest}")
    }
}

fn split_anchor(s: &str) -> (&str, Option<&str>) {
    match s.find('#') {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    }
}

/// `path?query` as (`path`, `?query`).
fn split_query(s: &str) -> (&str, &str) {
    match s.find('?') {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    }
}

fn scheme(s: &str) -> Option<&str> {
    let i = s.find(':')?;
    let head = &s[..i];
    let mut chars = head.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(head)
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Resolves `.` and `..` in a `/`-separated path; `None` if it climbs above the top.
pub fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if path.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_prefix_climbs_one_level_per_segment() {
        assert_eq!(root_prefix(""), "");
        assert_eq!(root_prefix("about/"), "../");
        assert_eq!(root_prefix("departments/dpo/"), "../../");
    }

    #[test]
    fn rebase_moves_links_to_the_page_that_lists_them() {
        let from = "news/a/";
        assert_eq!(rebase("../../about/#x", from, "news/"), "../about/#x");
        assert_eq!(rebase("../b/", from, "news/"), "../news/b/");
        assert_eq!(rebase("#x", from, "news/"), "../news/a/#x");
        assert_eq!(rebase("../../img/x.png?v=1", from, ""), "img/x.png?v=1");
        assert_eq!(rebase("../../", from, ""), "./");
        for kept in ["https://example.org/a", "mailto:a@b.c", "//host/x", ""] {
            assert_eq!(rebase(kept, from, ""), kept);
        }
    }

    #[test]
    fn normalize_refuses_to_climb_out() {
        assert_eq!(normalize("a/./b/../c.md").as_deref(), Some("a/c.md"));
        assert_eq!(normalize("a/b/").as_deref(), Some("a/b/"));
        assert_eq!(normalize("../x"), None);
    }

    #[test]
    fn detects_schemes() {
        assert_eq!(scheme("https://x"), Some("https"));
        assert_eq!(scheme("JavaScript:alert(1)"), Some("JavaScript"));
        assert_eq!(scheme("a/b:c"), None);
        assert_eq!(scheme("@/x.md"), None);
    }
}
