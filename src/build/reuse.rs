//! Incremental builds: what the last build of an edition recorded of each page, and which
//! pages keep the file that build wrote instead of rendering again. A page keeps its file when
//! nothing it depends on changed: the edition's skeleton (everything but the pages' Markdown
//! bodies, see [`crate::fingerprint::skeleton`], plus every page's front matter) and its own
//! source. Pages that show other pages' findings (the sources page, sections, the home page)
//! render every time, as do the site files made from the findings: a kept page's findings
//! come from the record. When anything else changed, every page renders.
//!
//! The record lives in the build's cache folder, outside the output. It is removed before the
//! output changes and written again after, so it never describes a site that is not there.

use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::derive::{self, search::Entry};
use crate::markdown::PageNotes;
use crate::model::Site;
use crate::output::Sink;

use super::pages::Done;

/// One page as the last build left it.
#[derive(Serialize, Deserialize)]
struct Page<N, E> {
    /// The hash of its source (0 for a page without one).
    key: u64,
    notes: N,
    search: E,
}

/// What an edition's build records: its pages by index, the ones that always render left out.
type Pages<N, E> = Vec<Option<Page<N, E>>>;

/// What this build may reuse, and where it records what the next may.
pub(super) struct Reuse {
    /// The record's file (`None`: the build records nothing, e.g. `check`).
    path: Option<PathBuf>,
    skeleton: u64,
    /// Each page's key.
    keys: Vec<u64>,
    /// The last build's pages, when its skeleton was this one's.
    last: Mutex<Pages<PageNotes, Entry>>,
}

impl Reuse {
    /// What the build of `site` into `cache` (`None`: not into an output folder) may reuse.
    pub(super) fn new(config: &Config, site: &Site, prefix: &str, cache: Option<&Path>) -> Self {
        let keys: Vec<u64> = (site.pages.iter())
            .map(|p| p.file.map_or(0, |f| site.files[f].text_hash()))
            .collect();
        let path = cache.map(|c| c.join(record_name(prefix)));
        let skeleton = path.as_ref().map_or(0, |_| skeleton(config, site, prefix));
        let last = (path.as_deref())
            .and_then(|p| read(p, skeleton))
            .filter(|l| l.len() == keys.len())
            .unwrap_or_default();
        Self {
            path,
            skeleton,
            keys,
            last: Mutex::new(last),
        }
    }

    /// The pages whose file the sink keeps as the last build wrote it, done without
    /// rendering, by index (`None`: the page renders).
    pub(super) fn kept(&self, site: &Site, sink: &dyn Sink) -> Vec<Option<Done>> {
        let last = std::mem::take(&mut *self.last.lock().unwrap_or_else(|e| e.into_inner()));
        let mut kept: Vec<Option<Done>> = (last.into_par_iter().enumerate())
            .map(|(i, page)| {
                let page = page.filter(|p| {
                    p.key == self.keys[i] && !renders_always(site, i) && fits(&p.notes, site)
                })?;
                sink.keep(&format!("{}index.html", site.pages[i].url))
                    .then_some(Done {
                        page: i,
                        search: page.search,
                        notes: page.notes,
                    })
            })
            .collect();
        kept.resize_with(site.pages.len(), || None);
        kept
    }

    /// The record of `done` for the next build, and its path; `None` when the build records
    /// nothing.
    pub(super) fn record(&self, site: &Site, done: &[Done]) -> Option<(PathBuf, Vec<u8>)> {
        let path = self.path.clone()?;
        let mut pages: Pages<&PageNotes, &Entry> = Vec::new();
        pages.resize_with(site.pages.len(), || None);
        for d in done.iter().filter(|d| !renders_always(site, d.page)) {
            pages[d.page] = Some(Page {
                key: self.keys[d.page],
                notes: &d.notes,
                search: &d.search,
            });
        }
        let mut bytes = format!("{:016x}\n", self.skeleton).into_bytes();
        serde_json::to_writer(&mut bytes, &pages).ok()?;
        Some((path, bytes))
    }
}

/// Whether page `i` renders in every build: it shows what other pages found.
pub(super) fn renders_always(site: &Site, i: usize) -> bool {
    let page = &site.pages[i];
    page.kind.needs_citations() || derive::lists_summaries(page)
}

/// Whether what the record says of a page's notes can be of this site (it is a file, which
/// anything may have changed): every page, source and term it names exists.
fn fits(notes: &PageNotes, site: &Site) -> bool {
    let reform = site.reform.as_ref();
    let sources = reform.map_or(0, |r| r.source_list.len());
    let terms = reform.map_or(0, |r| r.terms.len());
    notes.links.iter().all(|l| l.page < site.pages.len())
        && notes.cites.iter().all(|&c| c < sources)
        && notes.locators.iter().all(|(c, _)| *c < sources)
        && notes.terms.iter().all(|&t| t < terms)
}

/// The file of an edition's record in the cache folder: `pages.json`, `pages.fr.json`.
pub fn record_name(prefix: &str) -> String {
    match prefix.trim_end_matches('/') {
        "" => "pages.json".into(),
        lang => format!("pages.{lang}.json"),
    }
}

/// The hash of everything the pages of `site` depend on but their own sources.
fn skeleton(config: &Config, site: &Site, prefix: &str) -> u64 {
    let content = (config.translation.as_ref()).map_or(&config.content_dir, |t| &t.fallback_dir);
    let mut h = crate::fingerprint::skeleton(config, content);
    h.update(prefix.as_bytes());
    for p in &site.pages {
        let front = p.file.map_or(0, |f| site.files[f].front_hash());
        h.update(format!("{}\0{}\0{:?}\0{}\0", p.rel, p.url, p.kind, p.template).as_bytes());
        h.write_u64(front);
    }
    let mut drafts: Vec<&String> = site.drafts.iter().collect();
    drafts.sort();
    for rel in drafts.into_iter().chain(&site.untranslated) {
        h.update(rel.as_bytes());
        h.write_u8(0);
    }
    h.finish()
}

/// The last build's pages, when the record at `path` is for `skeleton`.
fn read(path: &Path, skeleton: u64) -> Option<Pages<PageNotes, Entry>> {
    let bytes = std::fs::read(path).ok()?;
    let (head, rest) = bytes.split_at_checked(17)?;
    if head != format!("{skeleton:016x}\n").as_bytes() {
        return None;
    }
    serde_json::from_slice(rest).ok()
}
