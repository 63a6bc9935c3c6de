//! The pages phase: each page goes through its Markdown, its views and its template in one
//! pass, so that its source and its context are freed as soon as its HTML exists, and its
//! HTML goes straight into the sink. Pages that list every other page's citations (the
//! sources page) or their pages' summaries (sections) are prepared with the others and
//! rendered in a second phase.

use crate::config::Config;
use crate::derive::{self, Prepared};
use crate::markdown::{Citations, PageNotes, Resolver, Terms};
use crate::model::{PageKind, Site};
use crate::output::{OutputFile, Sink};

use std::sync::atomic::{AtomicUsize, Ordering};

use super::reuse::{self, Reuse};
use super::site_view::Theme;
use super::{Edition, locate, products, queue};

/// What every page pass reads.
pub(super) struct Cx<'a> {
    pub config: &'a Config,
    pub site: &'a Site,
    pub theme: &'a Theme,
    pub links: &'a Resolver<'a>,
    pub(super) shared: derive::Shared,
    pub sink: &'a dyn Sink,
    /// The edition being built, and the others.
    pub edition: &'a Edition,
    /// What the last build left that this one may keep.
    pub reuse: &'a Reuse,
    /// How many pages went through their template (the others kept their file).
    pub rendered: AtomicUsize,
}

impl<'a> Cx<'a> {
    pub(super) fn new(
        config: &'a Config,
        site: &'a Site,
        theme: &'a Theme,
        links: &'a Resolver<'a>,
        sink: &'a dyn Sink,
        (edition, reuse): (&'a Edition, &'a Reuse),
    ) -> Self {
        let shared = derive::Shared::new(site, config);
        Self {
            config,
            site,
            theme,
            links,
            shared,
            sink,
            edition,
            reuse,
            rendered: AtomicUsize::new(0),
        }
    }
}

/// How links and citations in Markdown resolve: to the site's pages, its static files and
/// the files of [`products::PRODUCTS`] and the search index.
pub(super) fn links<'a>(
    config: &Config,
    site: &'a Site,
    theme: &'a Theme,
    static_files: &[OutputFile],
) -> Resolver<'a> {
    let files = static_files
        .iter()
        .map(|f| f.path.clone())
        .chain(
            (products::PRODUCTS.iter())
                .filter(|p| p.made_for(site))
                .map(|p| p.path.to_owned()),
        )
        .chain(super::search_index::paths(site))
        .collect();
    let reform = site.reform.as_ref();
    Resolver {
        by_rel: &site.by_rel,
        by_url: &site.by_url,
        page_urls: site.pages.iter().map(|p| p.url.as_str()).collect(),
        files,
        source_ids: reform.map(|r| &r.source_ids),
        citations: Citations::new(
            reform.map_or(&[], |r| r.source_list.as_slice()),
            &format!("{}/", config.paths.sources),
        ),
        drafts: Some(&site.drafts),
        strings: &theme.strings,
        math: config.math,
        terms: reform.and_then(|r| {
            Terms::new(
                r.terms
                    .iter()
                    .map(|t| (t.term.as_str(), t.expansion.as_str())),
            )
        }),
    }
}

/// A page after its pass: its HTML is in the sink (unless it failed); this is what its
/// Markdown and its template found.
pub(super) struct Done {
    pub page: usize,
    /// The page's entry in the search index (`None` for the last build's record of a page until
    /// it is wanted: see [`reuse::Reuse::fill_entries`]).
    pub search: Option<derive::search::Entry>,
    pub notes: PageNotes,
    /// The hash of what its template saw (see [`reuse::render_key`]), when its file is right.
    pub render: Option<u64>,
    /// For a page that shows other pages' findings, the hash of those (see [`reuse::shown`]).
    pub shown: u64,
    /// Whether this is the last build's record of the page, unchanged.
    pub recorded: bool,
}

/// A page that shows other pages' findings, waiting for the second phase: prepared in the
/// first, or, when the last build recorded it and its source did not change, not yet.
#[expect(
    clippy::large_enum_variant,
    reason = "a handful of pages wait, each moved once"
)]
pub(super) enum Waiting {
    Prepared(Prepared, Option<crate::diag::Diagnostic>),
    Recorded(usize),
}

/// How a page leaves the first phase.
enum Pass {
    Done(Done),
    Waiting(Waiting),
}

/// The first phase: every page that does not keep its file from the last build (`kept`, by
/// index: see [`Reuse::kept`]), in one queue, longest first; pages that show other pages'
/// findings are only prepared.
pub(super) fn render_independent(
    cx: &Cx<'_>,
    kept: Vec<Option<Done>>,
) -> (Vec<Done>, Vec<Waiting>) {
    let mut order = queue::longest_first(cx.site);
    order.retain(|&i| kept[i].is_none());
    let (recorded, order): (Vec<usize>, Vec<usize>) =
        order.into_iter().partition(|&i| cx.reuse.has_waiting(i));
    let mut passes = queue::run(&order, |i| {
        let (prepared, missing) = prepare(cx, i);
        if reuse::renders_always(cx.site, i) {
            Pass::Waiting(Waiting::Prepared(prepared, missing))
        } else {
            Pass::Done(finish(cx, prepared, missing))
        }
    });
    passes.extend(kept.into_iter().flatten().map(Pass::Done));
    passes.extend(
        recorded
            .into_iter()
            .map(|i| Pass::Waiting(Waiting::Recorded(i))),
    );
    passes.sort_unstable_by_key(|p| match p {
        Pass::Done(d) => d.page,
        Pass::Waiting(Waiting::Prepared(w, _)) => w.page,
        Pass::Waiting(Waiting::Recorded(i)) => *i,
    });
    let (mut done, mut waiting) = (Vec::with_capacity(passes.len()), Vec::new());
    for p in passes {
        match p {
            Pass::Done(d) => done.push(d),
            Pass::Waiting(w) => waiting.push(w),
        }
    }
    (done, waiting)
}

/// The second phase: the waiting pages, given who cites what on the other pages and the
/// summaries of every page. A page the last build recorded keeps its file when what it shows
/// of the others hashes as it did then; otherwise it is prepared now.
pub(super) fn render_waiting(cx: &Cx<'_>, waiting: Vec<Waiting>, first: &[Done]) -> Vec<Done> {
    if waiting.is_empty() {
        return Vec::new();
    }
    let mut recorded: std::collections::HashMap<usize, Done> =
        (cx.reuse.take_waiting().into_iter())
            .map(|d| (d.page, d))
            .collect();
    let notes = || {
        (first
            .iter()
            .chain(recorded.values())
            .map(|d| (d.page, &d.notes)))
        .chain(waiting.iter().filter_map(Waiting::notes))
        .filter(|(i, _)| !cx.site.pages[*i].kind.needs_citations())
    };
    let shown = reuse::shown(notes());
    let cited = derive::cited_by(cx.site, notes());
    let mut summaries = vec![None; cx.site.pages.len()];
    for (i, n) in notes() {
        summaries[i].clone_from(&n.listed_summary);
    }
    let summary = |i: usize| summaries.get(i).cloned().flatten();
    waiting
        .into_iter()
        .map(|w| {
            let (mut prepared, missing) = match w {
                Waiting::Prepared(p, missing) => (p, missing),
                Waiting::Recorded(i) => {
                    let path = format!("{}index.html", cx.site.pages[i].url);
                    match recorded.remove(&i) {
                        Some(d) if d.shown == shown && cx.sink.keep(&path) => return d,
                        _ => prepare(cx, i),
                    }
                }
            };
            derive::cite_sources(&mut prepared, &cited, cx.site, &cx.shared);
            derive::list_summaries(&mut prepared, cx.site, &summary);
            Done {
                shown,
                ..finish(cx, prepared, missing)
            }
        })
        .collect()
}

impl Waiting {
    /// The page and its notes, once prepared.
    fn notes(&self) -> Option<(usize, &PageNotes)> {
        match self {
            Waiting::Prepared(p, _) => Some((p.page, &p.notes)),
            Waiting::Recorded(_) => None,
        }
    }
}

/// Markdown and views of page `i`, and the problem of a missing template.
fn prepare(cx: &Cx<'_>, i: usize) -> (Prepared, Option<crate::diag::Diagnostic>) {
    let page = &cx.site.pages[i];
    // Located before the Markdown takes the page's text.
    let missing = (!cx.theme.templates.has(&page.template))
        .then(|| locate::missing_template(cx.site, i, &page.template));
    (
        derive::prepare(cx.site, cx.config, &cx.shared, cx.links, i),
        missing,
    )
}

/// The template of a prepared page: its HTML goes into the sink, its ids into its notes.
fn finish(cx: &Cx<'_>, prepared: Prepared, missing: Option<crate::diag::Diagnostic>) -> Done {
    let i = prepared.page;
    let mut notes = prepared.notes;
    let mut context = prepared.context;
    let page = &cx.site.pages[i];
    // Generated pages are in every edition; a content page, where its file is.
    let own_file = matches!(page.kind, PageKind::Page | PageKind::Section);
    let alternates = (cx.edition).alternates(own_file.then_some(page.rel.as_str()), &page.url);
    if !alternates.is_empty() {
        context.insert("alternates", &alternates);
    }
    if cx.site.untranslated.contains(&page.rel)
        && let Some(t) = &cx.config.translation
    {
        context.insert("untranslated", &t.fallback_language);
    }
    let path = format!("{}index.html", page.url);
    // What the template would see; the same as last time, its file is already right.
    let key =
        (context.hash()).map(|h| reuse::render_key(cx.theme.render_key, &prepared.template, h));
    let mut render = None;
    match missing {
        Some(d) => notes.diags.push(d),
        None if key.is_some_and(|k| cx.reuse.rendered_before(&path, k)) && cx.sink.keep(&path) => {
            render = key;
        }
        None => match cx.theme.templates.render_sized(
            &prepared.template,
            context.tera(),
            prepared.size_hint + 12 * 1024,
        ) {
            Ok(html) => {
                cx.rendered.fetch_add(1, Ordering::Relaxed);
                cx.sink.put(OutputFile {
                    path,
                    bytes: html.into_bytes(),
                });
                render = key;
            }
            Err(d) => notes.diags.push(d),
        },
    }
    notes.toc = Vec::new();
    let search = derive::search::entry(&cx.site.pages[i], &std::mem::take(&mut notes.text));
    Done {
        page: i,
        search: Some(search),
        notes,
        render,
        shown: 0,
        recorded: false,
    }
}
