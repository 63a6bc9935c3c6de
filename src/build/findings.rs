//! The findings phase: what the pages found, gathered once every page has rendered — their
//! problems, links to anchors that no page holds, sources never cited and glossary terms
//! never used — and the search entries, in page order.

use std::collections::BTreeSet;

use crate::diag::{Diagnostic, Diagnostics};
use crate::markdown::PageNotes;
use crate::model::Site;
use crate::model::reform::Reform;

use super::pages::Done;

/// What the build found.
pub(super) struct Findings {
    /// Errors stop the build; these may hold warnings too.
    pub diagnostics: Diagnostics,
    /// Warnings (errors under `--strict`).
    pub warnings: Vec<Diagnostic>,
    /// Each page's search entry (JSON), in the order of the pages given.
    pub search: Vec<String>,
}

/// Gathers the findings of `pages` and the problems of the site files (`made`).
pub(super) fn gather(
    site: &Site,
    pages: impl Iterator<Item = Done>,
    made: Vec<Diagnostic>,
) -> Findings {
    let mut done: Vec<Done> = pages.collect();
    let mut diagnostics = Diagnostics::default();
    for d in &mut done {
        diagnostics.extend(std::mem::take(&mut d.notes.diags));
    }
    diagnostics.extend(crate::check::markdown_anchors(
        site,
        done.iter().map(|d| (d.page, &d.notes)),
    ));
    diagnostics.extend(made);
    let warnings = site
        .reform
        .as_ref()
        .map(|r| unused(r, done.iter().map(|d| &d.notes)))
        .unwrap_or_default();
    let search = done.into_iter().map(|d| d.search).collect();
    Findings {
        diagnostics,
        warnings,
        search,
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
        Diagnostic::at(file.shown.to_path_buf(), &file.text, at, message).warning()
    };
    let sources = (r.source_list.iter().enumerate())
        .filter(|(i, _)| !cited.contains(i))
        .map(|(_, s)| warn(s.at, format!("source \"{}\" is never cited", s.id)));
    let terms = (r.terms.iter().enumerate())
        .filter(|(i, _)| !used.contains(i))
        .map(|(_, t)| {
            let message = format!("glossary term \"{}\" is never used in the prose", t.term);
            warn(t.at, message)
        });
    sources.chain(terms).collect()
}
