//! The Markdown stage, and the only place pulldown-cmark options are set. It renders
//! CommonMark with tables, footnotes, strikethrough, task lists, alerts, definition lists,
//! heading ids with anchor links and smart punctuation, and rewrites the event stream for pillar's own syntax: internal links by
//! content path (`@/departments/dpo.md#anchor`), citations (`[@s00]`), first-use `<abbr>`
//! for glossary terms, and highlighted code. Links it cannot resolve become diagnostics
//! located in the source file.

mod abbr;
mod cite;
#[doc(hidden)]
pub mod fixture;
mod footnotes;
pub mod highlight;
mod ids;
mod links;
mod math;
mod notes;
mod rawhtml;

use std::collections::BTreeSet;
use std::collections::HashSet;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

pub use abbr::Terms;
use footnotes::Footnotes;
pub use links::{Citations, LinkCheck, Resolver, normalize as links_normalize};
pub use notes::{Anchors, PageNotes, TocEntry};

use crate::diag::Diagnostic;
use crate::model::reform::Origin;

/// CommonMark with GFM's tables, footnotes, strikethrough and task lists, GitHub's alerts
/// (`> [!NOTE]`), definition lists, heading attributes and smart punctuation. Math is off here:
/// pulldown-cmark reads a price range (`$5-$10`) as math, so it wants a site's opt-in
/// ([`options_with_math`]). Superscript and subscript (`^x^`, `~x~`) stay off: a single `~`
/// means "about" in prose.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// [`options`], with math when `math` (a site's `math = true`).
pub fn options_with_math(math: bool) -> Options {
    if math {
        options() | Options::ENABLE_MATH
    } else {
        options()
    }
}

/// A heading being read: its events are held back until its text (and so its id) is known.
struct OpenHeading<'e> {
    level: HeadingLevel,
    id: Option<String>,
    classes: Vec<String>,
    attrs: Vec<(String, Option<String>)>,
    inner: Vec<Event<'e>>,
    text: String,
}

/// The state of one pass over a block of Markdown's events.
#[derive(Default)]
struct Pass<'e> {
    out: Vec<Event<'e>>,
    footnotes: Footnotes<'e>,
    heading: Option<OpenHeading<'e>>,
    footnote_def: Option<(String, Vec<Event<'e>>)>,
    /// The language and text of the code block being read.
    in_code: Option<(String, String)>,
    /// Text inside a citation's brackets is replaced by the citation itself.
    skip_link_text: usize,
    in_link: usize,
    in_image: usize,
    raw: rawhtml::RawHtml,
    /// Indices in `out` of the text events the glossary may mark.
    candidates: Vec<usize>,
    /// Citations written inside the current link's text, printed after it.
    after_link: Vec<usize>,
    /// Which of the deferred citations have been printed.
    deferred_done: HashSet<usize>,
    /// Whether this is a page's body, where a `<!-- more -->` line ends the summary.
    body: bool,
    /// How deep in blocks and inlines the event being read is.
    depth: usize,
    /// Where in `out` a `<!-- more -->` line ended the summary.
    more: Option<usize>,
}

impl<'e> Pass<'e> {
    /// Routes an event to the open heading, the open footnote definition, or the page.
    fn push(&mut self, e: Event<'e>) {
        if let Some(h) = self.heading.as_mut() {
            h.inner.push(e);
        } else if let Some((_, events)) = self.footnote_def.as_mut() {
            events.push(e);
        } else {
            self.out.push(e);
        }
    }

    /// Whether text here may get a glossary `<abbr>`: not in a heading, a link, an image's
    /// alt text, a footnote, or a raw HTML element such as `<a>` or `<code>`.
    fn terms_allowed(&self) -> bool {
        self.heading.is_none()
            && self.in_link == 0
            && self.in_image == 0
            && self.footnote_def.is_none()
            && !self.raw.inside()
    }
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
    ids: ids::Ids,
    /// "Did you mean" searches left for this page's problems.
    hints: crate::diag::Hints,
    /// Whether pillar's additions to plain pulldown-cmark are made (see
    /// [`Self::without_additions`]).
    additions: bool,
    /// The URL of the page that lists this one (its section), where its summary is shown.
    listed_at: Option<&'a str>,
    /// Set when rendering a summary for the page at this URL: links are rebased there, and
    /// footnotes and heading ids (which belong to the page itself) are left out.
    shown_at: Option<&'a str>,
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
            notes: PageNotes::default(),
            ids: ids::Ids::default(),
            hints: crate::diag::Hints::default(),
            additions: true,
            listed_at: None,
            shown_at: None,
        }
    }

    /// Says that the page is listed on the page at `url` (its section): a summary ended by
    /// `<!-- more -->` is then also rendered for that page, in [`PageNotes::listed_summary`].
    pub fn listed_at(mut self, url: &'a str) -> Self {
        self.listed_at = Some(url);
        self
    }

    /// Switches pillar's additions off: the Markdown then renders exactly as plain
    /// pulldown-cmark renders it with [`options`] (the spec conformance test compares the two).
    pub fn without_additions(mut self) -> Self {
        self.additions = false;
        self
    }

    /// Interface strings in the site's language.
    pub fn strings(&self) -> &'a crate::i18n::Strings {
        self.resolver.strings
    }

    /// The relative prefix from this page to the site root (`../../`, or `` at the root).
    pub fn root(&self) -> String {
        links::root_prefix(self.shown_at.unwrap_or(self.page_url))
    }

    /// Renders a page body to HTML (a YAML front matter block at its top is an error).
    pub fn render(&mut self, md: &str, origin: &Origin) -> String {
        if self.additions
            && let Some(d) = yaml_front_matter(md, origin)
        {
            self.notes.diags.push(d);
        }
        let (html, more) = self.render_with(md, origin, self.allow_html, true);
        if let (true, Some(url)) = (more, self.listed_at) {
            let mut list = PageRenderer::new(
                self.resolver,
                self.page_url,
                self.source_dir,
                self.allow_html,
            );
            list.shown_at = Some(url);
            self.notes.listed_summary = Some(list.render_with(md, origin, self.allow_html, true).0);
        }
        html
    }

    /// Renders Markdown from the data file: raw HTML is always escaped there.
    pub fn render_data(&mut self, md: &str, origin: &Origin) -> String {
        self.render_with(md, origin, false, false).0
    }

    /// Like [`render_data`](Self::render_data), without the paragraph around a single
    /// paragraph (for table cells and list items).
    pub fn render_inline(&mut self, md: &str, origin: &Origin) -> String {
        let html = self.render_with(md, origin, false, false).0;
        match html
            .strip_prefix("<p>")
            .and_then(|h| h.strip_suffix("</p>\n"))
        {
            Some(inner) if !inner.contains("<p>") => inner.to_owned(),
            _ => html,
        }
    }

    /// Like [`render_inline`](Self::render_inline), and says which sources the text cites
    /// (so that a list of sources printed after it can leave them out).
    pub fn render_inline_cited(&mut self, md: &str, origin: &Origin) -> (String, BTreeSet<usize>) {
        self.citing(|r| r.render_inline(md, origin))
    }

    /// Like [`render_data`](Self::render_data), and says which sources the text cites.
    pub fn render_data_cited(&mut self, md: &str, origin: &Origin) -> (String, BTreeSet<usize>) {
        self.citing(|r| r.render_data(md, origin))
    }

    /// Runs `render` and returns its output with the sources cited while it ran.
    fn citing(&mut self, render: impl FnOnce(&mut Self) -> String) -> (String, BTreeSet<usize>) {
        let earlier = std::mem::take(&mut self.notes.cites);
        let html = render(self);
        let cited = std::mem::replace(&mut self.notes.cites, earlier);
        self.notes.cites.extend(cited.iter().copied());
        (html, cited)
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
        self.notes.anchors.insert(id);
    }

    /// The citation for an encoded bracket (see [`cite::encode`]), each id looked up; unknown
    /// ones are located errors. A bracket with a prefix (`[see @x]`) whose id is not a source
    /// may be ordinary text: it is printed as written, with a warning.
    fn citation(&mut self, encoded: &str, origin: &Origin, offset: usize) -> String {
        let resolver = self.resolver;
        let (written, cites) = cite::decode(encoded);
        let prefixed = cites.iter().any(|c| !c.prefix.is_empty());
        let mut found = Vec::new();
        let mut unknown = Vec::new();
        for c in &cites {
            match resolver.source(c.id) {
                Some(i) => found.push((i, c.prefix, c.locator)),
                None => unknown.push(c.id),
            }
        }
        for id in unknown.iter().copied() {
            let at = locate(origin, offset);
            let mut d = if prefixed {
                at.error(format!(
                    "\"{id}\" is not a source, so [{written}] is printed as text, not a citation"
                ))
                .warning()
            } else {
                at.error(format!("unknown source \"{id}\" in citation"))
            };
            if let Some(h) = resolver.suggest_source(id, &mut self.hints) {
                d = d.with_hint(h);
            }
            self.notes.diags.push(d);
        }
        if prefixed && !unknown.is_empty() {
            return escape(&format!("[{written}]"));
        }
        for &(i, _, locator) in &found {
            self.notes.cites.insert(i);
            if let Some(loc) = locator {
                self.notes.locators.insert((i, loc.to_owned()));
            }
        }
        resolver.citations.html_cited(&found, &self.root())
    }

    /// Renders `md`; in a page's `body`, also whether a `<!-- more -->` line ends a summary
    /// (which goes into [`PageNotes::summary`]).
    fn render_with(
        &mut self,
        md: &str,
        origin: &Origin,
        allow_html: bool,
        body: bool,
    ) -> (String, bool) {
        if !self.additions {
            let mut html = String::with_capacity(md.len() * 3 / 2);
            let options = options_with_math(self.resolver.math);
            pulldown_cmark::html::push_html(&mut html, Parser::new_ext(md, options));
            return (html, false);
        }
        let deferred = std::cell::RefCell::new(Vec::new());
        let callback = cite::CiteLinks {
            md,
            deferred: &deferred,
        };
        let options = options_with_math(self.resolver.math);
        let parser =
            Parser::new_with_broken_link_callback(md, options, Some(callback)).into_offset_iter();
        let mut pass = Pass {
            out: Vec::with_capacity(md.len() / 12 + 16),
            body,
            ..Pass::default()
        };
        for (event, range) in parser {
            if let Event::End(_) = event {
                pass.depth = pass.depth.saturating_sub(1);
            }
            if let Event::Start(_) = event {
                pass.depth += 1;
            }
            if let Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) = event
            {
                self.notes.index_break();
            }
            if pass.skip_link_text > 0 {
                match event {
                    Event::Start(Tag::Link { .. }) => pass.skip_link_text += 1,
                    Event::End(TagEnd::Link) => pass.skip_link_text -= 1,
                    _ => {}
                }
                continue;
            }
            if pass.in_link > 0 && !deferred.borrow().is_empty() {
                let inside = deferred
                    .borrow()
                    .iter()
                    .position(|d| d.span.start <= range.start && range.end <= d.span.end);
                if let Some(k) = inside {
                    if pass.deferred_done.insert(k) {
                        pass.after_link.push(k);
                    }
                    continue;
                }
            }
            if let Event::End(TagEnd::Link) = event {
                pass.in_link = pass.in_link.saturating_sub(1);
                pass.push(Event::End(TagEnd::Link));
                if pass.in_link == 0 {
                    for k in std::mem::take(&mut pass.after_link) {
                        let d = deferred.borrow()[k].clone();
                        let html = self.citation(&d.ids, origin, d.span.start);
                        pass.push(Event::Html(CowStr::from(html)));
                    }
                }
                continue;
            }
            self.event(&mut pass, event, range.start, origin, allow_html);
            if self.shown_at.is_some() && pass.more.is_some() {
                // A summary for another page ends here (pulldown-cmark has read the footnote
                // definitions of the whole text already).
                break;
            }
        }
        for (k, d) in deferred.borrow().iter().enumerate() {
            if !pass.deferred_done.contains(&k) {
                self.notes.diags.push(
                    locate(origin, d.span.start)
                        .error("this citation is inside brackets that are not a link, and is lost")
                        .with_hint("write the citation outside the brackets"),
                );
            }
        }
        let mut out = std::mem::take(&mut pass.out);
        self.mark_terms(&mut out, &pass.candidates);
        let more = pass.more.filter(|_| self.notes.summary.is_none());
        if let Some(end) = more {
            let mut summary = String::new();
            pulldown_cmark::html::push_html(&mut summary, out[..end].iter().cloned());
            self.notes.summary = Some(summary);
        }
        let mut html = String::with_capacity(md.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, out.into_iter());
        std::mem::take(&mut pass.footnotes).finish(&mut html, self);
        (html, more.is_some())
    }

    /// Handles one event of the page's Markdown at byte `at`.
    fn event<'e>(
        &mut self,
        pass: &mut Pass<'e>,
        event: Event<'e>,
        at: usize,
        origin: &Origin,
        allow_html: bool,
    ) {
        let event = match event {
            // Only a line of its own at the top level (an HTML block, depth 1) ends the summary.
            Event::Html(h) if pass.body && pass.depth == 1 && h.trim() == "<!-- more -->" => {
                pass.more.get_or_insert(pass.out.len());
                return;
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    pulldown_cmark::CodeBlockKind::Fenced(info) => {
                        info.split([' ', ',', '{']).next().unwrap_or("").to_owned()
                    }
                    pulldown_cmark::CodeBlockKind::Indented => String::new(),
                };
                pass.in_code = Some((lang, String::new()));
                return;
            }
            Event::Text(t) if pass.in_code.is_some() => {
                if let Some((_, code)) = pass.in_code.as_mut() {
                    code.push_str(&t);
                }
                return;
            }
            Event::End(TagEnd::CodeBlock) => {
                let (lang, code) = pass.in_code.take().unwrap_or_default();
                self.notes.has_code = true;
                if !lang.is_empty() && !highlight::within_bounds(&code) {
                    self.notes.diags.push(
                        locate(origin, at)
                            .error(format!(
                                "this {lang} code block is too large to highlight; it is shown as plain text"
                            ))
                            .with_hint(highlight::BOUNDS_HINT)
                            .warning(),
                    );
                }
                Event::Html(CowStr::from(code_block(&code, &lang)))
            }
            Event::Html(h) | Event::InlineHtml(h) if !allow_html => Event::Text(h),
            Event::Html(h) => {
                pass.raw.read(&h);
                Event::Html(h)
            }
            Event::InlineHtml(h) => {
                pass.raw.read(&h);
                Event::InlineHtml(h)
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                pass.heading = Some(OpenHeading {
                    level,
                    id: id.map(|s| s.to_string()),
                    classes: classes.iter().map(|c| c.to_string()).collect(),
                    attrs: attrs
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.as_ref().map(|v| v.to_string())))
                        .collect(),
                    inner: Vec::new(),
                    text: String::new(),
                });
                return;
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some(h) = pass.heading.take() else {
                    return;
                };
                let (open, close) = self.heading_tags(&h, origin, at);
                pass.push(Event::Html(CowStr::from(open)));
                for e in h.inner {
                    pass.push(e);
                }
                Event::Html(CowStr::from(close))
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if let Some(ids) = dest_url.strip_prefix(links::CITE_SCHEME) {
                    pass.skip_link_text = 1;
                    Event::Html(CowStr::from(self.citation(ids, origin, at)))
                } else if link_type == pulldown_cmark::LinkType::Email {
                    // `<a@b.org>`: pulldown-cmark writes the `mailto:` itself.
                    pass.in_link += 1;
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    })
                } else {
                    pass.in_link += 1;
                    let href = self.link(&dest_url, origin, at, false);
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url: CowStr::from(href),
                        title,
                        id,
                    })
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                pass.in_image += 1;
                let href = self.link(&dest_url, origin, at, true);
                Event::Start(Tag::Image {
                    link_type,
                    dest_url: CowStr::from(href),
                    title,
                    id,
                })
            }
            Event::End(TagEnd::Image) => {
                pass.in_image = pass.in_image.saturating_sub(1);
                Event::End(TagEnd::Image)
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                // An alert's class says its kind to a stylesheet; a reader needs it in words.
                pass.push(Event::Start(Tag::BlockQuote(Some(kind))));
                let key = match kind {
                    pulldown_cmark::BlockQuoteKind::Note => "alert_note",
                    pulldown_cmark::BlockQuoteKind::Tip => "alert_tip",
                    pulldown_cmark::BlockQuoteKind::Important => "alert_important",
                    pulldown_cmark::BlockQuoteKind::Warning => "alert_warning",
                    pulldown_cmark::BlockQuoteKind::Caution => "alert_caution",
                };
                Event::Html(CowStr::from(format!(
                    "<p class=\"markdown-alert-title\">{}</p>\n",
                    escape(self.strings().get(key))
                )))
            }
            Event::Start(Tag::Table(a)) => {
                pass.push(Event::Html(CowStr::from(
                    "<div class=\"table-wrap\" tabindex=\"0\">",
                )));
                Event::Start(Tag::Table(a))
            }
            Event::End(TagEnd::Table) => {
                pass.push(Event::End(TagEnd::Table));
                Event::Html(CowStr::from("</div>\n"))
            }
            Event::FootnoteReference(_) if self.shown_at.is_some() => return,
            Event::FootnoteReference(label) => {
                let (n, stem, refid) = pass.footnotes.reference(&label, &mut self.ids);
                self.notes.anchors.insert(&refid);
                Event::Html(CowStr::from(format!(
                    "<sup class=\"footnote-ref\"><a href=\"#fn-{stem}\" id=\"{refid}\">{n}</a></sup>",
                    stem = escape(&stem),
                    refid = escape(&refid)
                )))
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                pass.footnote_def = Some((label.to_string(), Vec::new()));
                return;
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some((label, events)) = pass.footnote_def.take()
                    && self.shown_at.is_none()
                {
                    pass.footnotes.define(&label, events);
                }
                return;
            }
            Event::Text(t) => {
                if let Some(h) = pass.heading.as_mut() {
                    h.text.push_str(&t);
                }
                if pass.footnote_def.is_none() {
                    self.notes.index_text(&t);
                }
                if self.resolver.terms.is_some() && pass.terms_allowed() {
                    pass.candidates.push(pass.out.len());
                }
                Event::Text(t)
            }
            Event::InlineMath(tex) => Event::InlineHtml(CowStr::from(math::mathml(&tex, false))),
            Event::DisplayMath(tex) => Event::InlineHtml(CowStr::from(math::mathml(&tex, true))),
            Event::Code(c) => {
                if let Some(h) = pass.heading.as_mut() {
                    h.text.push_str(&c);
                }
                Event::Code(c)
            }
            other => other,
        };
        pass.push(event);
    }

    /// The opening tag of a heading (with its id, classes and attributes) and its end (the
    /// anchor link and the closing tag). The id is the explicit `{#id}`, else a slug of the
    /// text made unique on the page.
    fn heading_tags(
        &mut self,
        h: &OpenHeading<'_>,
        origin: &Origin,
        at: usize,
    ) -> (String, String) {
        let text = h.text.trim();
        let lvl = h.level as u8;
        if self.shown_at.is_some() {
            // A summary on another page: the heading's id is its own page's.
            return (format!("<h{lvl}>"), format!("</h{lvl}>\n"));
        }
        let id = match &h.id {
            Some(explicit) => {
                self.explicit_id(explicit, origin, at);
                explicit.clone()
            }
            None => self.ids.heading(&crate::ids::slugify(text)),
        };
        self.notes.anchors.insert(&id);
        self.notes.toc.push(TocEntry {
            level: lvl,
            id: id.clone(),
            fragment: ids::fragment(&id),
            title: text.to_owned(),
        });
        let mut open = format!("<h{lvl} id=\"{}\"", escape(&id));
        if !h.classes.is_empty() {
            open.push_str(&format!(" class=\"{}\"", escape(&h.classes.join(" "))));
        }
        for (k, v) in &h.attrs {
            let v = v.as_deref().unwrap_or("");
            open.push_str(&format!(" {}=\"{}\"", escape(k), escape(v)));
        }
        open.push('>');
        let label = self
            .resolver
            .strings
            .fill("heading_link", &[("title", text)]);
        let close = format!(
            "<a class=\"anchor\" href=\"{}\" aria-label=\"{}\">#</a></h{lvl}>\n",
            ids::href(&id),
            escape(&label)
        );
        (open, close)
    }

    /// Takes an explicit heading id; one already on the page, or one pillar prints itself, is
    /// a located error (explicit ids are not renumbered).
    fn explicit_id(&mut self, id: &str, origin: &Origin, at: usize) {
        let problem = if ids::is_reserved(id) {
            Some((
                format!("heading id \"{id}\" is one that pillar prints itself"),
                "pillar's templates and footnotes use it; choose another {#id}",
            ))
        } else if !self.ids.take(id) {
            Some((
                format!("duplicate heading id \"{id}\""),
                "ids must be unique on a page; change one {#id}",
            ))
        } else {
            None
        };
        if let Some((msg, hint)) = problem {
            self.notes
                .diags
                .push(locate(origin, at).error(msg).with_hint(hint));
        }
    }

    /// Wraps the first use of each glossary term in the text events at `candidates`, reading
    /// adjacent text events as one and each run in the words around it (so that `**HSA**x`
    /// and `HSA&#65;` are not the word "HSA").
    fn mark_terms(&mut self, out: &mut [Event<'_>], candidates: &[usize]) {
        let Some(terms) = &self.resolver.terms else {
            return;
        };
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for &i in candidates {
            match runs.last_mut() {
                Some((_, end)) if *end + 1 == i => *end = i,
                _ => runs.push((i, i)),
            }
        }
        let around: Vec<(Option<char>, Option<char>)> = runs
            .iter()
            .map(|&(s, e)| (char_before(out, s), char_after(out, e)))
            .collect();
        for (&(s, e), (before, after)) in runs.iter().zip(around) {
            let text: String = out[s..=e]
                .iter()
                .filter_map(|ev| match ev {
                    Event::Text(t) => Some(t.as_ref()),
                    _ => None,
                })
                .collect();
            if let Some(html) =
                terms.wrap_first_uses_between(&text, before, after, &mut self.notes.terms)
            {
                out[s] = Event::Html(CowStr::from(html));
                for ev in &mut out[s + 1..=e] {
                    *ev = Event::Text(CowStr::Borrowed(""));
                }
            }
        }
    }

    fn link(&mut self, dest: &str, origin: &Origin, offset: usize, image: bool) -> String {
        let r = self.resolver.resolve(
            dest,
            (self.page_url, self.source_dir),
            image,
            &mut self.hints,
        );
        match r {
            Ok((href, _)) if self.shown_at.is_some() => {
                links::rebase(&href, self.page_url, self.shown_at.unwrap_or_default())
            }
            Ok((href, check)) => {
                if let Some(mut c) = check {
                    // Located now: the text is gone by the time anchors are checked.
                    c.at = Some(locate(origin, offset));
                    self.notes.links.push(c);
                }
                href
            }
            Err((msg, hint)) => {
                let mut d = locate(origin, offset).error(msg);
                if let Some(h) = hint {
                    d = d.with_hint(h);
                }
                self.notes.diags.push(d);
                "#".to_owned()
            }
        }
    }
}

/// The place of `offset` (in `origin`'s Markdown) in its file, through the file's line index
/// (built once, however many problems and links one file holds).
fn locate(origin: &Origin, offset: usize) -> crate::diag::Location {
    crate::diag::locate(
        origin.shown.to_path_buf(),
        &origin.text,
        origin.offset(offset),
    )
}

/// Whether an event sits inside a run of inline text, so that the words on either side of it
/// continue through it (emphasis, strikethrough, links, inline tags).
fn is_inline_wrapper(e: &Event<'_>) -> bool {
    matches!(
        e,
        Event::Start(
            Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Superscript | Tag::Subscript
        ) | Event::End(
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
        ) | Event::Start(Tag::Link { .. })
            | Event::InlineHtml(_)
    )
}

/// The rendered character just before `out[i]` in its paragraph, if any.
fn char_before(out: &[Event<'_>], i: usize) -> Option<char> {
    for e in out[..i].iter().rev() {
        match e {
            Event::Text(t) | Event::Code(t) => match t.chars().next_back() {
                Some(c) => return Some(c),
                None => continue,
            },
            e if is_inline_wrapper(e) => continue,
            _ => return None,
        }
    }
    None
}

/// The rendered character just after `out[i]` in its paragraph, if any.
fn char_after(out: &[Event<'_>], i: usize) -> Option<char> {
    for e in out.get(i + 1..).unwrap_or_default() {
        match e {
            Event::Text(t) | Event::Code(t) => match t.chars().next() {
                Some(c) => return Some(c),
                None => continue,
            },
            e if is_inline_wrapper(e) => continue,
            _ => return None,
        }
    }
    None
}

/// A YAML front matter block at the top of a file (`---`, then `key: value` lines, then `---`):
/// pillar would render it as a rule and a heading, so it is a located error.
fn yaml_front_matter(md: &str, origin: &Origin) -> Option<Diagnostic> {
    if origin.offset(0) != 0 {
        return None;
    }
    let mut lines = md.lines();
    if lines.next()?.trim_end() != "---" {
        return None;
    }
    let body: Vec<&str> = lines
        .by_ref()
        .take_while(|l| !matches!(l.trim_end(), "---" | "..."))
        .collect();
    let yaml_key = |l: &str| {
        l.split_once(':').is_some_and(|(k, v)| {
            k.starts_with(|c: char| c.is_ascii_lowercase())
                && k.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
                && (v.is_empty() || v.starts_with(' '))
        })
    };
    let yaml = body.first().is_some_and(|l| yaml_key(l))
        && body
            .iter()
            .all(|l| l.trim().is_empty() || l.starts_with([' ', '-']) || yaml_key(l));
    // `take_while` stopped at the closing line, if there was one.
    let closed = body.len() + 1 < md.lines().count();
    (yaml && closed).then(|| {
        locate(origin, 0)
            .error("this looks like YAML front matter, which pillar does not read")
            .with_hint(
                "pillar's front matter is TOML between two lines of `+++`: change this `---` and \
             the closing one to `+++`, and write `key = \"value\"` for `key: value`",
            )
    })
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
