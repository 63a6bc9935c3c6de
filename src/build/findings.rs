//! The findings phase: what the pages found, gathered once every page has rendered — their
//! problems, links to anchors that no page holds, sources never cited and glossary terms
//! never used — and the search entries, in page order.

use std::collections::{BTreeSet, HashSet};

use crate::diag::{Diagnostic, Diagnostics};
use crate::markdown::PageNotes;
use crate::model::Site;
use crate::model::reform::Reform;

use crate::output::Sink;

use super::Failure;
use super::pages::Done;

/// What the build found, once no error is among it.
#[derive(Default)]
pub(super) struct Findings {
    /// Warnings (errors under `--strict`).
    warnings: Vec<Diagnostic>,
    /// Each page's search entry, in the order of the pages given (`None` where the last
    /// build's record of the page was not read for it).
    pub search: Vec<Option<crate::derive::search::Entry>>,
    /// Each page's summary (the HTML before `<!-- more -->`, as on the page), by page index.
    pub summaries: Vec<Option<String>>,
}

/// Gathers the findings of `pages`, the problems of the site files (`made`) and the warnings
/// of the inputs; fails when any is an error. Sources and terms that no page cites or uses
/// are the default edition's to report (`unused`): another edition translates its text, and
/// its warnings would repeat it.
pub(super) fn gather(
    site: &Site,
    sink: &dyn Sink,
    pages: impl Iterator<Item = Done>,
    made: Vec<Diagnostic>,
    (input_warnings, unused_too): (Vec<Diagnostic>, bool),
) -> Result<Findings, Failure> {
    let mut done: Vec<Done> = pages.collect();
    let mut diagnostics = Diagnostics::default();
    for d in &mut done {
        diagnostics.extend(std::mem::take(&mut d.notes.diags));
    }
    template_ids(site, &mut done, sink);
    diagnostics.extend(crate::check::markdown_anchors(
        site,
        done.iter().map(|d| (d.page, &d.notes)),
    ));
    diagnostics.extend(made);
    if diagnostics.has_errors() {
        return Err(Failure::Site(diagnostics.sorted()));
    }
    let mut warnings = input_warnings;
    warnings.extend(diagnostics.0);
    if let Some(r) = site.reform.as_ref().filter(|_| unused_too) {
        warnings.extend(unused(r, done.iter().map(|d| &d.notes)));
    }
    let mut summaries = vec![None; site.pages.len()];
    let mut search = Vec::with_capacity(done.len());
    for d in done {
        summaries[d.page] = d.notes.summary;
        search.push(d.search);
    }
    Ok(Findings {
        warnings,
        search,
        summaries,
    })
}

impl Findings {
    /// The warnings, sorted; under `--strict` they fail the build, and the notes (listings
    /// such as the data's uncertain links) follow them; without it notes are left out.
    pub(super) fn warnings(self, strict: bool) -> Result<Vec<Diagnostic>, Failure> {
        let (notes, warnings): (Vec<_>, Vec<_>) =
            self.warnings.into_iter().partition(Diagnostic::is_note);
        let mut warnings = Diagnostics(warnings).sorted();
        if strict && !warnings.is_empty() {
            return Err(Failure::Site(warnings));
        }
        if strict {
            warnings.extend(Diagnostics(notes).sorted());
        }
        Ok(warnings)
    }
}

/// Links may point at ids a template prints, not only at those the Markdown made: the pages
/// that a link points at for an anchor their Markdown does not hold are read again from the
/// sink, and the ids of their HTML added. (Reading every page's HTML for its ids, as it
/// rendered, cost a tokenizer pass per page for the few that links point into.)
fn template_ids(site: &Site, done: &mut [Done], sink: &dyn Sink) {
    let at: std::collections::HashMap<usize, usize> =
        done.iter().enumerate().map(|(k, d)| (d.page, k)).collect();
    let mut sets: std::collections::HashMap<usize, HashSet<&str>> = Default::default();
    let mut wanted: BTreeSet<usize> = BTreeSet::new();
    for d in done.iter() {
        for link in &d.notes.links {
            if let Some(&k) = at.get(&link.page) {
                let set = (sets.entry(k)).or_insert_with(|| done[k].notes.anchors.set());
                if !set.contains(link.anchor.as_str()) {
                    wanted.insert(link.page);
                }
            }
        }
    }
    drop(sets);
    for page in wanted {
        let path = format!("{}index.html", site.pages[page].url);
        if let (Some(html), Some(&k)) = (sink.read(&path), at.get(&page)) {
            crate::check::collect_ids(&html, &mut done[k].notes.anchors);
        }
    }
}

/// Sources and glossary terms that nothing cites or uses: warnings (errors under `--strict`).
fn unused<'a>(r: &Reform, pages: impl Iterator<Item = &'a PageNotes>) -> Vec<Diagnostic> {
    let mut cited: BTreeSet<usize> = BTreeSet::new();
    let mut used: BTreeSet<usize> = BTreeSet::new();
    for notes in pages {
        cited.extend(&notes.cites);
        used.extend(&notes.terms);
    }
    let file = &r.file;
    let warn = |at: usize, message: String| {
        crate::diag::locate(file.shown.to_path_buf(), &file.text, at)
            .error(message)
            .warning()
    };
    let sources = (r.source_list.iter().enumerate())
        .filter(|(i, _)| !cited.contains(i))
        .map(|(_, s)| warn(s.at, format!("source \"{}\" is never cited", s.id)));
    let terms = (r.terms.iter().enumerate())
        .filter(|(i, t)| !used.contains(i) && !r.names_term(&t.term))
        .map(|(_, t)| {
            let message = format!("glossary term \"{}\" is never used in the prose", t.term);
            warn(t.at, message)
        });
    sources.chain(terms).collect()
}
