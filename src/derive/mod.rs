//! The derive stage: what the site computes from the model for each page — the context a
//! template receives (with Markdown rendered for that page), the comparison table, the
//! timeline, the sources with the pages that cite them — and the site-wide files
//! (`sitemap.xml`, `robots.txt`).

pub mod chart;
mod context;
pub mod embed;
pub mod feed;
pub mod flow;
pub mod open_data;
pub mod search;
pub mod site_files;
mod svg;
pub mod views;

use std::collections::BTreeMap;
use std::sync::OnceLock;

pub use context::Context;
use serde::Serialize;

use crate::config::Config;
use crate::markdown::{PageNotes, PageRenderer, Resolver, TocEntry};
use crate::model::reform::Reform;
use crate::model::{PageKind, Site};
use views::*;

/// What the pages of a site share, made once rather than once per page that shows it.
pub struct Shared {
    /// [`unit_refs`] of the reform (empty without one).
    pub unit_refs: Vec<UnitRef>,
    /// The org chart (on the home and comparison pages), drawn on first use.
    chart: OnceLock<tera::Value>,
    /// Links to pages (as the sources page lists those that cite each source), on first use.
    page_links: Vec<OnceLock<tera::Value>>,
}

impl Shared {
    pub fn new(site: &Site, config: &Config) -> Self {
        Self {
            unit_refs: site
                .reform
                .as_ref()
                .map(|r| unit_refs(r, &config.paths.units))
                .unwrap_or_default(),
            chart: OnceLock::new(),
            page_links: site.pages.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    /// The link to page `i`, as a [`PageLink`].
    pub fn page_link(&self, site: &Site, i: usize) -> tera::Value {
        self.page_links[i]
            .get_or_init(|| {
                tera::Value::from_serializable(&PageLink {
                    title: site.pages[i].title.clone(),
                    url: site.pages[i].url.clone(),
                })
            })
            .clone()
    }

    fn chart(&self, r: &Reform, strings: &crate::i18n::Strings) -> &tera::Value {
        self.chart.get_or_init(|| {
            tera::Value::from_serializable(&chart::org_chart(r, &self.unit_refs, strings))
        })
    }
}

/// A link to a page.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct PageLink {
    pub title: String,
    pub url: String,
}

/// A page in a list (a section's pages).
#[derive(Serialize)]
pub struct PageSummary {
    pub title: String,
    pub url: String,
    pub description: Option<String>,
    pub date: Option<DateView>,
    /// The page's summary (the HTML before its `<!-- more -->` line), as shown on this list.
    pub summary: Option<String>,
}

/// The `page` variable every template receives.
#[derive(Serialize)]
pub struct PageView {
    pub title: String,
    pub description: Option<String>,
    pub kind: &'static str,
    /// Root-relative URL (`departments/dpo/`); prefix it with `root` in links.
    pub url: String,
    pub permalink: String,
    pub content: String,
    /// The HTML before the page's `<!-- more -->` line, if it has one.
    pub summary: Option<String>,
    pub toc: Vec<TocEntry>,
    pub date: Option<DateView>,
    pub updated: Option<DateView>,
    pub weight: i64,
    pub extra: toml::Table,
    pub section: Option<PageLink>,
    pub pages: Vec<PageSummary>,
    pub subsections: Vec<PageSummary>,
    /// schema.org metadata (JSON-LD), ready for a `<script type="application/ld+json">`.
    pub jsonld: String,
    /// The page shows highlighted code (and needs the highlighting stylesheet).
    pub has_code: bool,
}

/// A page ready for its template.
pub struct Prepared {
    pub page: usize,
    /// The length of the page's rendered Markdown, to size the output buffer.
    pub size_hint: usize,
    pub template: String,
    pub context: Context,
    pub notes: PageNotes,
    /// The sources page's list, which lacks the pages citing each source (and the context
    /// lacks `sources`) until [`cite_sources`] adds them, once every other page is prepared.
    pub sources: Option<Vec<SourceView>>,
    /// A section's `page`, which lacks its pages' summaries (and the context lacks `page`)
    /// until [`list_summaries`] adds them, once every page is prepared.
    pub listing: Option<Box<PageView>>,
}

/// Builds the context of page `idx`.
pub fn prepare(
    site: &Site,
    config: &Config,
    shared: &Shared,
    resolver: &Resolver<'_>,
    idx: usize,
) -> Prepared {
    let page = &site.pages[idx];
    let file = site.file(page);
    let source_dir = page.rel.rfind('/').map_or("", |i| &page.rel[..=i]);
    let mut md = PageRenderer::new(resolver, &page.url, source_dir, config.allow_html);
    if let Some(s) = page.section {
        md = md.listed_at(&site.pages[s].url);
    }
    let strings = resolver.strings;
    // Markdown is rendered in the order the built-in templates show it, so that the first use
    // of a glossary term gets its <abbr> and the search text follows reading order: a unit's
    // facts, then its prose, then its notes and events; the home page's summary before its
    // prose; every other page's prose (its introduction) first.
    let prose_first = !matches!(page.kind, PageKind::Home | PageKind::Unit(_));
    let mut content = if prose_first {
        render_prose(file, &mut md)
    } else {
        String::new()
    };
    let mut ctx = Context::new();
    ctx.insert("root", &md.root());
    let mut source_list = None;
    if let Some(r) = &site.reform {
        let mut v = Views {
            reform: r,
            shared,
            md: &mut md,
        };
        match page.kind {
            PageKind::Home => home(&mut v, &mut ctx),
            PageKind::Units => units(&mut v, &mut ctx),
            PageKind::Unit(i) => {
                // Words a reader may search for that are not Markdown on the page: the names,
                // the functions and the heads, first, so that the index always holds them.
                let u = &r.units[i];
                let words: Vec<&str> = [u.name.as_str(), u.label()]
                    .into_iter()
                    .chain(
                        u.functions_out
                            .iter()
                            .chain(&u.functions_in)
                            .map(|&f| r.functions[f].name.as_str()),
                    )
                    .chain(u.heads.iter().map(|h| h.name.as_str()))
                    .collect();
                v.md.notes.index_text(&words.join(". "));
                v.md.notes.index_break();
                let mut unit = v.unit(i, true);
                content = render_prose(file, v.md);
                v.unit_after_prose(i, &mut unit);
                ctx.insert("unit", &unit);
            }
            PageKind::Comparison => comparison(&mut v, &mut ctx),
            PageKind::Timeline => timeline(&mut v, &mut ctx),
            PageKind::Glossary => glossary(&mut v, &mut ctx),
            PageKind::Sources => source_list = Some(sources(&mut v, &mut ctx)),
            PageKind::Section | PageKind::Page => {}
        }
    }
    if page.kind == PageKind::Home {
        content = render_prose(file, &mut md);
    }
    let summary = |i: &usize| {
        let p = &site.pages[*i];
        PageSummary {
            title: p.title.clone(),
            url: p.url.clone(),
            description: p.description.clone(),
            date: date(p.date, strings),
            summary: None,
        }
    };
    let jsonld = json_ld(page, config, &page.title);
    let content = untranslated(content, site, config, page);
    let size_hint = content.len();
    let view = PageView {
        title: page.title.clone(),
        description: page.description.clone(),
        kind: page.kind.name(),
        url: page.url.clone(),
        permalink: config.permalink(&page.url),
        content,
        summary: md.notes.summary.clone(),
        toc: std::mem::take(&mut md.notes.toc),
        date: date(page.date, strings),
        updated: date(page.updated, strings),
        weight: page.weight,
        extra: file.map(|f| f.front.extra.clone()).unwrap_or_default(),
        section: page.section.map(|s| PageLink {
            title: site.pages[s].title.clone(),
            url: site.pages[s].url.clone(),
        }),
        pages: page.pages.iter().map(summary).collect(),
        subsections: page.subsections.iter().map(summary).collect(),
        jsonld,
        has_code: md.notes.has_code,
    };
    let listing = if lists_summaries(page) {
        Some(Box::new(view))
    } else {
        ctx.insert("page", &view);
        None
    };
    Prepared {
        page: idx,
        size_hint,
        template: page.template.clone(),
        context: ctx,
        notes: md.notes,
        sources: source_list,
        listing,
    }
}

/// The prose of a page this edition has not translated, marked with the language it is in.
fn untranslated(
    content: String,
    site: &Site,
    config: &Config,
    page: &crate::model::Page,
) -> String {
    match &config.translation {
        Some(t) if !content.is_empty() && site.untranslated.contains(&page.rel) => format!(
            "<div class=\"untranslated\" lang=\"{}\">\n{content}</div>\n",
            crate::markdown::escape(&t.fallback_language)
        ),
        _ => content,
    }
}

/// Whether the page shows its pages' summaries, and so waits for them: a section (or the home
/// page, the root section) that has pages or subsections.
pub fn lists_summaries(page: &crate::model::Page) -> bool {
    matches!(page.kind, PageKind::Section | PageKind::Home)
        && !(page.pages.is_empty() && page.subsections.is_empty())
}

/// Completes a section's `page`: `summary(i)` is the summary of page `i` as its section shows
/// it ([`PageNotes::listed_summary`]).
pub fn list_summaries(
    prepared: &mut Prepared,
    site: &Site,
    summary: &dyn Fn(usize) -> Option<String>,
) {
    let Some(mut view) = prepared.listing.take() else {
        return;
    };
    let page = &site.pages[prepared.page];
    for (item, &i) in view.pages.iter_mut().zip(&page.pages) {
        item.summary = summary(i);
    }
    for (item, &i) in view.subsections.iter_mut().zip(&page.subsections) {
        item.summary = summary(i);
    }
    prepared.context.insert("page", &view);
}

/// A page citing a source at pinpoint locators (`p. 4`), on the sources page.
#[derive(Serialize)]
struct CitedAt<'a> {
    title: &'a str,
    url: &'a str,
    locators: &'a [String],
}

/// Completes the sources page: `cited[i]` are the pages citing source `i`, each with the
/// locators it cites it at (see [`cited_by`]).
pub fn cite_sources(
    prepared: &mut Prepared,
    cited: &[Vec<(usize, Vec<String>)>],
    site: &Site,
    shared: &Shared,
) {
    let Some(mut list) = prepared.sources.take() else {
        return;
    };
    for (view, pages) in list.iter_mut().zip(cited) {
        view.cited_by = pages
            .iter()
            .map(|(p, locators)| {
                if locators.is_empty() {
                    shared.page_link(site, *p)
                } else {
                    tera::Value::from_serializable(&CitedAt {
                        title: &site.pages[*p].title,
                        url: &site.pages[*p].url,
                        locators,
                    })
                }
            })
            .collect();
    }
    list.sort_by_key(|s| s.source.number);
    let groups = source_groups(&list);
    let grouped = groups.iter().any(|g| g.title.is_some());
    prepared.context.insert("sources_grouped", &grouped);
    prepared.context.insert("source_groups", &groups);
    prepared.context.insert("sources", &list);
}

/// One heading of the sources page and its sources, in number order.
#[derive(Serialize)]
struct SourceGroup<'a> {
    /// `None` for the sources without a group.
    title: Option<&'a str>,
    sources: Vec<&'a SourceView>,
}

/// The sources page's groups: `list` is in number order, so each group's sources are adjacent.
fn source_groups(list: &[SourceView]) -> Vec<SourceGroup<'_>> {
    let mut groups: Vec<SourceGroup> = Vec::new();
    for s in list {
        match groups.last_mut() {
            Some(g) if g.title == s.group.as_deref() => g.sources.push(s),
            _ => groups.push(SourceGroup {
                title: s.group.as_deref(),
                sources: vec![s],
            }),
        }
    }
    groups
}

/// The page's own Markdown, rendered (its source is released afterwards).
fn render_prose(file: Option<&crate::load::ContentFile>, md: &mut PageRenderer<'_>) -> String {
    let Some(f) = file else { return String::new() };
    let text = match f.take_text() {
        Ok(t) => t,
        Err(d) => {
            md.notes.diags.push(d);
            None
        }
    };
    match text.map(|t| (f, t)) {
        Some((f, text)) => {
            let origin = crate::model::reform::Origin {
                shown: std::sync::Arc::from(f.shown.as_path()),
                text: text.clone(),
                base: f.body_start,
                map: None,
            };
            md.render(&text[f.body_start..], &origin)
        }
        None => String::new(),
    }
}

/// schema.org metadata for a page: the site for the home page, an article otherwise. Safe to
/// put inside a `<script>` element: no `<`, `>` or `&` survives.
pub fn json_ld(page: &crate::model::Page, config: &Config, title: &str) -> String {
    let site =
        serde_json::json!({ "@type": "WebSite", "name": config.title, "url": config.base_url });
    let mut v = if page.kind == PageKind::Home {
        serde_json::json!({ "@context": "https://schema.org", "@type": "WebSite", "name": config.title, "url": config.base_url, "description": config.description, "inLanguage": config.language })
    } else {
        serde_json::json!({
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": title,
            "url": config.permalink(&page.url),
            "inLanguage": config.language,
            "isPartOf": site,
            "publisher": { "@type": "Organization", "name": config.author.as_deref().unwrap_or(&config.title) },
        })
    };
    if let Some(obj) = v.as_object_mut() {
        if let Some(d) = &page.description {
            obj.insert("description".into(), d.clone().into());
        }
        if let Some(d) = page.date {
            obj.insert("datePublished".into(), d.iso().into());
        }
        if let Some(d) = page.updated {
            obj.insert("dateModified".into(), d.iso().into());
        }
    }
    // `<`, `>` and `&` only occur inside JSON strings, where `\u003c` means the same: no
    // `</script>` and no `<!--<script` (which would swallow the rest of the page) survive.
    v.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn home(v: &mut Views<'_, '_>, ctx: &mut Context) {
    let r: &Reform = v.reform;
    #[derive(Serialize)]
    struct Home {
        title: String,
        summary: String,
        organisation: Option<String>,
        proposed: Option<DateView>,
        approved: Option<DateView>,
        effective: Option<DateView>,
        steps: Vec<Step>,
        cite: String,
        before: Vec<UnitRef>,
        after: Vec<UnitRef>,
        counts: Counts,
    }
    #[derive(Serialize)]
    struct Step {
        label: String,
        date: DateView,
    }
    #[derive(Serialize)]
    struct Counts {
        units: usize,
        functions: usize,
        events: usize,
        sources: usize,
    }
    let top = |keep: fn(&crate::model::reform::Unit) -> bool| -> Vec<usize> {
        (0..r.units.len())
            .filter(|&i| keep(&r.units[i]) && !r.units[i].context && r.units[i].parent.is_none())
            .collect()
    };
    let before = top(|u| u.era.before());
    let after = top(|u| u.era.after());
    let home = Home {
        title: r.title.clone(),
        summary: v.md.render_data(&r.summary.text, &r.summary.origin),
        organisation: r.organisation.clone(),
        proposed: date(r.proposed, v.md.strings()),
        approved: date(r.approved, v.md.strings()),
        effective: date(r.effective, v.md.strings()),
        steps: r
            .steps
            .iter()
            .map(|(label, d)| Step {
                label: label.clone(),
                date: DateView::new(*d, v.md.strings()),
            })
            .collect(),
        cite: v.md.cite(&r.sources),
        before: before.iter().map(|&i| v.unit_ref(i)).collect(),
        after: after.iter().map(|&i| v.unit_ref(i)).collect(),
        counts: Counts {
            // The reform's own units: context units are outside it.
            units: r.units.iter().filter(|u| !u.context).count(),
            functions: r.functions.len(),
            events: r.events.len(),
            sources: r.source_list.len(),
        },
    };
    ctx.insert("reform", &home);
    ctx.insert("chart", v.shared.chart(r, v.md.strings()));
}

fn units(v: &mut Views<'_, '_>, ctx: &mut Context) {
    let r = v.reform;
    let mut before = Vec::new();
    let mut after = Vec::new();
    let mut context = Vec::new();
    for i in 0..r.units.len() {
        let u = &r.units[i];
        let view = v.unit(i, false);
        if u.context {
            context.push(view);
        } else if u.era == crate::model::reform::Era::After {
            after.push(view);
        } else {
            before.push(view);
        }
    }
    ctx.insert("before", &before);
    ctx.insert("after", &after);
    ctx.insert("context_units", &context);
}

/// One row of the before/after table.
#[derive(Serialize)]
pub struct ComparisonRow {
    pub before: Option<UnitRef>,
    pub after: Vec<UnitRef>,
    /// The unit continues under the reform (era "both").
    pub continues: bool,
    pub functions: Vec<String>,
    /// The same functions, each with the units it goes to that are not in `after` (empty
    /// when it goes where the unit goes).
    pub function_moves: Vec<RowFunction>,
}

/// A function in a row of the before/after table.
#[derive(Serialize)]
pub struct RowFunction {
    pub name: String,
    pub elsewhere: Vec<UnitRef>,
}

/// The functions that leave unit `i`, each with its destinations outside `after`.
fn leaving(r: &Reform, i: usize, after: &[usize], unit_refs: &[UnitRef]) -> Vec<RowFunction> {
    r.units[i]
        .functions_out
        .iter()
        .map(|&f| {
            let mut elsewhere: Vec<usize> = Vec::new();
            for m in &r.functions[f].moves {
                if let (Some(from), Some(to)) = (m.from, m.to)
                    && from == i
                    && !after.contains(&to)
                    && !elsewhere.contains(&to)
                {
                    elsewhere.push(to);
                }
            }
            RowFunction {
                name: r.functions[f].name.clone(),
                elsewhere: elsewhere.iter().map(|&u| unit_refs[u].clone()).collect(),
            }
        })
        .collect()
}

/// The comparison: units before against after, and every function's move.
pub fn comparison_rows(r: &Reform, unit_refs: &[UnitRef]) -> Vec<ComparisonRow> {
    let unit_ref = |i: usize| unit_refs[i].clone();
    let mut rows = Vec::new();
    for (i, u) in r.units.iter().enumerate() {
        if u.context || !u.era.before() {
            continue;
        }
        let continues = u.era.after();
        let mut after_ids: Vec<usize> = if continues { vec![i] } else { Vec::new() };
        after_ids.extend(u.becomes.iter().copied());
        let function_moves = leaving(r, i, &after_ids, unit_refs);
        rows.push(ComparisonRow {
            before: Some(unit_ref(i)),
            after: after_ids.iter().map(|&a| unit_ref(a)).collect(),
            continues,
            functions: function_moves.iter().map(|f| f.name.clone()).collect(),
            function_moves,
        });
    }
    for (i, u) in r.units.iter().enumerate() {
        if u.context || u.era != crate::model::reform::Era::After || !u.absorbs.is_empty() {
            continue;
        }
        rows.push(ComparisonRow {
            before: None,
            after: vec![unit_ref(i)],
            continues: false,
            functions: u
                .functions_in
                .iter()
                .map(|&f| r.functions[f].name.clone())
                .collect(),
            function_moves: u
                .functions_in
                .iter()
                .map(|&f| RowFunction {
                    name: r.functions[f].name.clone(),
                    elsewhere: Vec::new(),
                })
                .collect(),
        });
    }
    rows
}

fn comparison(v: &mut Views<'_, '_>, ctx: &mut Context) {
    let r = v.reform;
    let rows = comparison_rows(r, &v.shared.unit_refs);
    let functions: Vec<FunctionView> = (0..r.functions.len()).map(|f| v.function(f)).collect();
    for f in &r.functions {
        v.md.anchor(&format!("function-{}", f.id));
    }
    let context: Vec<UnitView> = (0..r.units.len())
        .filter(|&i| r.units[i].context)
        .map(|i| v.unit(i, false))
        .collect();
    ctx.insert("chart", v.shared.chart(r, v.md.strings()));
    ctx.insert(
        "flow",
        &flow::function_map(r, &v.shared.unit_refs, v.md.strings()),
    );
    ctx.insert("rows", &rows);
    ctx.insert("functions", &functions);
    ctx.insert("context_units", &context);
}

fn timeline(v: &mut Views<'_, '_>, ctx: &mut Context) {
    #[derive(Serialize)]
    struct Year {
        year: u16,
        events: Vec<EventView>,
    }
    let r = v.reform;
    let mut years: Vec<Year> = Vec::new();
    for &e in &r.timeline {
        let ev = &r.events[e];
        v.md.anchor(&format!("event-{}", ev.id));
        let view = v.event(ev);
        match years.last_mut() {
            Some(y) if y.year == ev.date.year => y.events.push(view),
            _ => years.push(Year {
                year: ev.date.year,
                events: vec![view],
            }),
        }
    }
    ctx.insert("years", &years);
}

fn glossary(v: &mut Views<'_, '_>, ctx: &mut Context) {
    let r = v.reform;
    let mut order: Vec<usize> = (0..r.terms.len()).collect();
    order.sort_by_key(|&i| r.terms[i].term.to_lowercase());
    let terms: Vec<TermView> = order.iter().map(|&i| v.term(&r.terms[i])).collect();
    for t in &r.terms {
        v.md.anchor(&format!("term-{}", t.id));
    }
    ctx.insert("terms", &terms);
}

/// The sources page's notes, and its list of sources (for [`cite_sources`]).
fn sources(v: &mut Views<'_, '_>, ctx: &mut Context) -> Vec<SourceView> {
    let r = v.reform;
    let notes: Vec<NoteView> = r.notes.iter().map(|n| v.note(n)).collect();
    let list: Vec<SourceView> = r.source_list.iter().map(|s| v.source(s)).collect();
    for s in &r.source_list {
        v.md.anchor(&format!("source-{}", s.id));
    }
    for n in &r.notes {
        v.md.anchor(&format!("note-{}", n.id));
    }
    ctx.insert("notes", &notes);
    list
}

/// The pages citing one source, by (title, URL, index), with their locators.
type CitingPages<'a> = BTreeMap<(&'a str, &'a str, usize), Vec<String>>;

/// For each source, the pages that cite it (by title, then URL; without duplicates), each
/// with the pinpoint locators it cites the source at (in order, without duplicates).
pub fn cited_by<'a>(
    site: &Site,
    pages: impl Iterator<Item = (usize, &'a PageNotes)>,
) -> Vec<Vec<(usize, Vec<String>)>> {
    let n = site.reform.as_ref().map_or(0, |r| r.source_list.len());
    let mut sets: Vec<CitingPages<'_>> = vec![BTreeMap::new(); n];
    for (i, notes) in pages {
        let page = &site.pages[i];
        for &s in &notes.cites {
            if let Some(set) = sets.get_mut(s) {
                let locators = notes
                    .locators
                    .iter()
                    .filter(|(src, _)| *src == s)
                    .map(|(_, l)| l.clone());
                set.entry((page.title.as_str(), page.url.as_str(), i))
                    .or_default()
                    .extend(locators);
            }
        }
    }
    sets.into_iter()
        .map(|s| s.into_iter().map(|((_, _, i), l)| (i, l)).collect())
        .collect()
}
