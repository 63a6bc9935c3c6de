//! The Markdown stage, and the only place pulldown-cmark options are set. It renders
//! CommonMark with tables, footnotes, strikethrough, heading ids with anchor links and smart
//! punctuation, and rewrites the event stream for pillar's own syntax: internal links by
//! content path (`@/departments/dpo.md#anchor`), citations (`[@s00]`), first-use `<abbr>`
//! for glossary terms, and highlighted code. Links it cannot resolve become diagnostics
//! located in the source file.

mod abbr;
#[doc(hidden)]
pub mod fixture;
pub mod highlight;
mod links;

use std::collections::{BTreeSet, HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

pub use abbr::Terms;
pub use links::{Citations, LinkCheck, Resolver, normalize as links_normalize};

use crate::diag::Diagnostic;
use crate::model::reform::Origin;

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// A heading of the page, for its table of contents.
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// What rendering a page's Markdown found, besides the HTML.
#[derive(Debug, Default)]
pub struct PageNotes {
    pub toc: Vec<TocEntry>,
    /// Every `id` the Markdown produced (headings, footnotes).
    pub anchors: HashSet<String>,
    /// Internal links to verify once every page is known.
    pub links: Vec<LinkCheck>,
    /// Sources cited (indices into the reform's source list).
    pub cites: BTreeSet<usize>,
    /// Glossary terms used (indices).
    pub terms: BTreeSet<usize>,
    pub has_code: bool,
    pub diags: Vec<Diagnostic>,
    /// The page's words for the search index (capped at `text_cap` bytes).
    pub text: String,
    /// The cap on `text` (0: [`SEARCH_TEXT_MAX`]).
    pub text_cap: usize,
}

/// How much of a page's text the search index keeps at most: enough to find what a page is
/// about. Big sites keep less per page (see [`search_text_cap`]).
pub const SEARCH_TEXT_MAX: usize = 2000;

/// The search text kept per page for a site of `pages` pages: the whole index stays near
/// 4 MB, which a browser loads in a moment, and every page keeps at least 300 bytes.
pub fn search_text_cap(pages: usize) -> usize {
    (4_000_000 / pages.max(1)).clamp(300, SEARCH_TEXT_MAX)
}

impl PageNotes {
    /// Adds words to the page's search text, up to the cap, collapsing runs of whitespace
    /// (and the space a removed citation leaves before punctuation) as it goes.
    pub fn index_text(&mut self, words: &str) {
        let cap = if self.text_cap == 0 {
            SEARCH_TEXT_MAX
        } else {
            self.text_cap
        };
        let room = cap.saturating_sub(self.text.len());
        if room == 0 {
            return;
        }
        if self.text.capacity() == 0 {
            self.text.reserve(cap + 8);
        }
        let mut end = words.len().min(room);
        while !words.is_char_boundary(end) {
            end -= 1;
        }
        let words = &words[..end];
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
        let cap = if self.text_cap == 0 {
            SEARCH_TEXT_MAX
        } else {
            self.text_cap
        };
        if !self.text.is_empty() && !self.text.ends_with(' ') && self.text.len() < cap {
            self.text.push(' ');
        }
    }
}

/// A heading being read: its events are held back until its text (and so its id) is known.
struct OpenHeading<'e> {
    level: HeadingLevel,
    id: Option<String>,
    classes: Vec<String>,
    inner: Vec<Event<'e>>,
    text: String,
}

/// Renders all the Markdown of one page, keeping what must be unique or first per page
/// (heading ids, abbreviations) across calls.
pub struct PageRenderer<'a> {
    resolver: &'a Resolver<'a>,
    /// The page's URL (root-relative) and the content folder its links are relative to.
    page_url: &'a str,
    source_dir: &'a str,
    allow_html: bool,
    pub notes: PageNotes,
    used_ids: HashMap<String, usize>,
}

impl<'a> PageRenderer<'a> {
    pub fn new(
        resolver: &'a Resolver<'a>,
        page_url: &'a str,
        source_dir: &'a str,
        allow_html: bool,
    ) -> Self {
        Self {
            resolver,
            page_url,
            source_dir,
            allow_html,
            notes: PageNotes {
                text_cap: resolver.search_cap,
                ..PageNotes::default()
            },
            used_ids: HashMap::new(),
        }
    }

    /// Interface strings in the site's language.
    pub fn strings(&self) -> &'a crate::i18n::Strings {
        self.resolver.strings
    }

    /// The relative prefix from this page to the site root (`../../`, or `` at the root).
    pub fn root(&self) -> String {
        links::root_prefix(self.page_url)
    }

    /// Renders a block of Markdown (a page body, a data field) to HTML.
    pub fn render(&mut self, md: &str, origin: &Origin) -> String {
        self.render_with(md, origin, self.allow_html, true)
    }

    /// Renders Markdown from the data file: raw HTML is always escaped there.
    pub fn render_data(&mut self, md: &str, origin: &Origin) -> String {
        self.render_with(md, origin, false, true)
    }

    /// Like [`render_data`](Self::render_data), without the paragraph around a single
    /// paragraph (for table cells and list items).
    pub fn render_inline(&mut self, md: &str, origin: &Origin) -> String {
        let html = self.render_with(md, origin, false, false);
        match html
            .strip_prefix("<p>")
            .and_then(|h| h.strip_suffix("</p>\n"))
        {
            Some(inner) if !inner.contains("<p>") => inner.to_owned(),
            _ => html,
        }
    }

    /// Renders a citation list (`[@a; @b]` as ids) for templates of generated pages.
    pub fn cite(&mut self, sources: &[usize]) -> String {
        for &s in sources {
            self.notes.cites.insert(s);
        }
        self.resolver.citations.html(sources, &self.root())
    }

    /// Registers an id that a template will print, so that links to it can be checked.
    pub fn anchor(&mut self, id: &str) {
        self.notes.anchors.insert(id.to_owned());
    }

    fn unique_id(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "section" } else { base };
        let n = self.used_ids.entry(base.to_owned()).or_insert(0);
        *n += 1;
        let id = if *n == 1 {
            base.to_owned()
        } else {
            format!("{base}-{}", *n - 1)
        };
        self.notes.anchors.insert(id.clone());
        id
    }

    fn render_with(&mut self, md: &str, origin: &Origin, allow_html: bool, _block: bool) -> String {
        let resolver = self.resolver;
        let parser =
            Parser::new_with_broken_link_callback(md, options(), Some(links::citation_callback))
                .into_offset_iter();
        let mut out: Vec<Event<'_>> = Vec::with_capacity(md.len() / 12 + 16);
        let mut footnotes = Footnotes::default();
        let mut in_code: Option<(String, String)> = None;
        let mut heading: Option<OpenHeading<'_>> = None;
        let mut skip_link_text = 0usize;
        let mut in_link = 0usize;
        let mut footnote_def: Option<(String, Vec<Event<'_>>)> = None;
        let root = self.root();

        for (event, range) in parser {
            if let Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) = event
            {
                self.notes.index_break();
            }
            let at = |msg: String| {
                Diagnostic::at(
                    origin.shown.to_path_buf(),
                    &origin.text,
                    origin.offset(range.start),
                    msg,
                )
            };
            // Text inside a citation's brackets is replaced by the citation itself.
            if skip_link_text > 0 {
                match event {
                    Event::Start(Tag::Link { .. }) => skip_link_text += 1,
                    Event::End(TagEnd::Link) => skip_link_text -= 1,
                    _ => {}
                }
                continue;
            }
            let event = match event {
                Event::Start(Tag::CodeBlock(kind)) => {
                    let lang = match kind {
                        pulldown_cmark::CodeBlockKind::Fenced(info) => {
                            info.split([' ', ',', '{']).next().unwrap_or("").to_owned()
                        }
                        pulldown_cmark::CodeBlockKind::Indented => String::new(),
                    };
                    in_code = Some((lang, String::new()));
                    continue;
                }
                Event::Text(t) if in_code.is_some() => {
                    if let Some((_, code)) = in_code.as_mut() {
                        code.push_str(&t);
                    }
                    continue;
                }
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, code) = in_code.take().unwrap_or_default();
                    self.notes.has_code = true;
                    Event::Html(CowStr::from(code_block(&code, &lang)))
                }
                Event::Html(h) | Event::InlineHtml(h) if !allow_html => Event::Text(h),
                Event::Start(Tag::Heading {
                    level, id, classes, ..
                }) => {
                    heading = Some(OpenHeading {
                        level,
                        id: id.map(|s| s.to_string()),
                        classes: classes.iter().map(|c| c.to_string()).collect(),
                        inner: Vec::new(),
                        text: String::new(),
                    });
                    continue;
                }
                Event::End(TagEnd::Heading(_)) => {
                    let Some(OpenHeading {
                        level,
                        id,
                        classes,
                        inner,
                        text,
                    }) = heading.take()
                    else {
                        continue;
                    };
                    let id = match id {
                        Some(explicit) => {
                            if self.used_ids.insert(explicit.clone(), 1).is_some() {
                                self.notes.diags.push(
                                    Diagnostic::at(
                                        origin.shown.to_path_buf(),
                                        &origin.text,
                                        origin.offset(range.start),
                                        format!("duplicate heading id \"{explicit}\""),
                                    )
                                    .with_hint("ids must be unique on a page; change one {#id}"),
                                );
                            }
                            self.notes.anchors.insert(explicit.clone());
                            explicit
                        }
                        None => self.unique_id(&crate::ids::slugify(&text)),
                    };
                    let lvl = level as u8;
                    self.notes.toc.push(TocEntry {
                        level: lvl,
                        id: id.clone(),
                        title: text.trim().to_owned(),
                    });
                    let class = if classes.is_empty() {
                        String::new()
                    } else {
                        format!(" class=\"{}\"", escape(&classes.join(" ")))
                    };
                    push_event(
                        &mut out,
                        &mut footnote_def,
                        &mut heading,
                        Event::Html(CowStr::from(format!(
                            "<h{lvl} id=\"{}\"{class}>",
                            escape(&id)
                        ))),
                    );
                    for e in inner {
                        push_event(&mut out, &mut footnote_def, &mut heading, e);
                    }
                    Event::Html(CowStr::from(format!(
                        "<a class=\"anchor\" href=\"#{id}\" aria-label=\"{label}\">#</a></h{lvl}>\n",
                        id = escape(&id),
                        label = escape(
                            &resolver
                                .strings
                                .fill("heading_link", &[("title", text.trim())])
                        )
                    )))
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    if let Some(ids) = dest_url.strip_prefix(links::CITE_SCHEME) {
                        skip_link_text = 1;
                        let mut found = Vec::new();
                        for id in ids.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                            match resolver.source(id) {
                                Some(i) => {
                                    self.notes.cites.insert(i);
                                    found.push(i);
                                }
                                None => {
                                    let mut d = at(format!("unknown source \"{id}\" in citation"));
                                    if let Some(h) = resolver.suggest_source(id) {
                                        d = d.with_hint(h);
                                    }
                                    self.notes.diags.push(d);
                                }
                            }
                        }
                        Event::Html(CowStr::from(resolver.citations.html(&found, &root)))
                    } else {
                        in_link += 1;
                        let href = self.link(&dest_url, origin, range.start, false);
                        Event::Start(Tag::Link {
                            link_type,
                            dest_url: CowStr::from(href),
                            title,
                            id,
                        })
                    }
                }
                Event::End(TagEnd::Link) => {
                    in_link = in_link.saturating_sub(1);
                    Event::End(TagEnd::Link)
                }
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let href = self.link(&dest_url, origin, range.start, true);
                    Event::Start(Tag::Image {
                        link_type,
                        dest_url: CowStr::from(href),
                        title,
                        id,
                    })
                }
                Event::Start(Tag::Table(a)) => {
                    push_event(
                        &mut out,
                        &mut footnote_def,
                        &mut heading,
                        Event::Html(CowStr::from("<div class=\"table-wrap\" tabindex=\"0\">")),
                    );
                    Event::Start(Tag::Table(a))
                }
                Event::End(TagEnd::Table) => {
                    push_event(
                        &mut out,
                        &mut footnote_def,
                        &mut heading,
                        Event::End(TagEnd::Table),
                    );
                    Event::Html(CowStr::from("</div>\n"))
                }
                Event::FootnoteReference(label) => {
                    let (n, refid) = footnotes.reference(&label);
                    let id = crate::ids::slugify(&label);
                    self.notes.anchors.insert(refid.clone());
                    Event::Html(CowStr::from(format!(
                        "<sup class=\"footnote-ref\"><a href=\"#fn-{id}\" id=\"{refid}\">{n}</a></sup>"
                    )))
                }
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    footnote_def = Some((label.to_string(), Vec::new()));
                    continue;
                }
                Event::End(TagEnd::FootnoteDefinition) => {
                    if let Some((label, events)) = footnote_def.take() {
                        footnotes.define(label, events);
                    }
                    continue;
                }
                Event::Text(t) => {
                    if let Some(h) = heading.as_mut() {
                        h.text.push_str(&t);
                    }
                    if footnote_def.is_none() {
                        self.notes.index_text(&t);
                    }
                    if heading.is_none() && in_link == 0 && footnote_def.is_none() {
                        if let Some(terms) = &resolver.terms {
                            match terms.wrap_first_uses(&t, &mut self.notes.terms) {
                                Some(html) => Event::Html(CowStr::from(html)),
                                None => Event::Text(t),
                            }
                        } else {
                            Event::Text(t)
                        }
                    } else {
                        Event::Text(t)
                    }
                }
                Event::Code(c) => {
                    if let Some(h) = heading.as_mut() {
                        h.text.push_str(&c);
                    }
                    Event::Code(c)
                }
                other => other,
            };
            push_event(&mut out, &mut footnote_def, &mut heading, event);
        }

        let mut html = String::with_capacity(md.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, out.into_iter());
        footnotes.finish(&mut html, self);
        html
    }

    fn link(&mut self, dest: &str, origin: &Origin, offset: usize, image: bool) -> String {
        let r = self
            .resolver
            .resolve(dest, self.page_url, self.source_dir, image);
        match r {
            Ok((href, check)) => {
                if let Some(mut c) = check {
                    // Located now: the text is gone by the time anchors are checked.
                    c.at = Some(locate(origin, offset));
                    self.notes.links.push(c);
                }
                href
            }
            Err((msg, hint)) => {
                let mut d = Diagnostic::at(
                    origin.shown.to_path_buf(),
                    &origin.text,
                    origin.offset(offset),
                    msg,
                );
                if let Some(h) = hint {
                    d = d.with_hint(h);
                }
                self.notes.diags.push(d);
                "#".to_owned()
            }
        }
    }
}

/// The place of `offset` (in `origin`'s Markdown) in its file, through a line index kept per
/// thread for the last few files: one file (the data file above all) may hold hundreds of
/// located links, spread over many renderers.
fn locate(origin: &Origin, offset: usize) -> Diagnostic {
    use std::cell::RefCell;
    use std::sync::Arc;
    type Cached = Vec<(Arc<str>, crate::diag::LineIndex)>;
    thread_local! {
        static INDEXES: RefCell<Cached> = const { RefCell::new(Vec::new()) };
    }
    INDEXES.with_borrow_mut(|cache| {
        let i = match cache.iter().position(|(t, _)| Arc::ptr_eq(t, &origin.text)) {
            Some(i) => i,
            None => {
                if cache.len() == 4 {
                    cache.remove(0);
                }
                let index = crate::diag::LineIndex::new(&origin.text);
                cache.push((origin.text.clone(), index));
                cache.len() - 1
            }
        };
        cache[i].1.at(
            origin.shown.to_path_buf(),
            &origin.text,
            origin.offset(offset),
            String::new(),
        )
    })
}

/// Routes an event to the open heading, the open footnote definition, or the page.
fn push_event<'e>(
    out: &mut Vec<Event<'e>>,
    footnote: &mut Option<(String, Vec<Event<'e>>)>,
    heading: &mut Option<OpenHeading<'e>>,
    e: Event<'e>,
) {
    if let Some(h) = heading.as_mut() {
        h.inner.push(e);
    } else if let Some((_, events)) = footnote.as_mut() {
        events.push(e);
    } else {
        out.push(e);
    }
}

fn code_block(code: &str, lang: &str) -> String {
    let lang_attr = if lang.is_empty() {
        String::new()
    } else {
        format!(" data-lang=\"{}\"", escape(lang))
    };
    let body = highlight::highlight(code, lang).unwrap_or_else(|| escape(code));
    format!("<pre class=\"code\"{lang_attr} tabindex=\"0\"><code>{body}</code></pre>\n")
}

/// Footnotes, numbered in order of first reference and gathered at the end of the text.
#[derive(Default)]
struct Footnotes<'e> {
    order: Vec<String>,
    refs: HashMap<String, usize>,
    defs: HashMap<String, Vec<Event<'e>>>,
}

impl<'e> Footnotes<'e> {
    fn reference(&mut self, label: &str) -> (usize, String) {
        let id = crate::ids::slugify(label);
        let count = self.refs.entry(label.to_owned()).or_insert(0);
        *count += 1;
        if *count == 1 {
            self.order.push(label.to_owned());
        }
        let n = self
            .order
            .iter()
            .position(|l| l == label)
            .map_or(0, |p| p + 1);
        let refid = if *count == 1 {
            format!("fnref-{id}")
        } else {
            format!("fnref-{id}-{count}")
        };
        (n, refid)
    }

    fn define(&mut self, label: String, events: Vec<Event<'e>>) {
        self.defs.entry(label).or_insert(events);
    }

    fn finish(self, html: &mut String, page: &mut PageRenderer<'_>) {
        if self.order.is_empty() {
            return;
        }
        let strings = page.strings();
        html.push_str(&format!(
            "<section class=\"footnotes\" aria-label=\"{}\">\n<ol>\n",
            escape(strings.get("footnotes"))
        ));
        let mut defs = self.defs;
        for label in &self.order {
            let id = crate::ids::slugify(label);
            page.notes.anchors.insert(format!("fn-{id}"));
            html.push_str(&format!("<li id=\"fn-{id}\">"));
            if let Some(events) = defs.remove(label) {
                pulldown_cmark::html::push_html(html, events.into_iter());
            }
            html.push_str(&format!(
                " <a href=\"#fnref-{id}\" class=\"footnote-back\" aria-label=\"{}\">↩</a></li>\n",
                escape(strings.get("footnote_back"))
            ));
        }
        html.push_str("</ol>\n</section>\n");
    }
}

/// HTML-escapes text for element content and double-quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// [`escape`], appending to `out`.
pub fn escape_into(out: &mut String, s: &str) {
    pulldown_cmark_escape::escape_html(out, s).ok();
}

#[cfg(test)]
mod tests;
