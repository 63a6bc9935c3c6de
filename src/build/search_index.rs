//! The search index as a build makes it: in parts of the site's pages, one per run of
//! [`reuse::RUN`] pages by index, so that a rebuild remakes only the parts that hold a page
//! which changed and keeps the others' files (the format is [`crate::derive::search`]'s).
//! The pages that list every source (whose text holds a great many words) go last, in the
//! last part, so that a word they share with other pages ranks them after those.

use rayon::prelude::*;

use crate::derive::search::{self, Entry};
use crate::model::Site;
use crate::output::{OutputFile, Sink};

use super::pages::Done;
use super::reuse::{RUN, Reuse};

/// Where each page of a build goes in the index, and which parts keep the last build's file.
pub(super) struct Plan {
    /// Each part's pages, as positions in the build's list of done pages.
    parts: Vec<Vec<usize>>,
    /// Whether the part keeps the file the last build wrote (it is in the sink already).
    kept: Vec<bool>,
}

/// How many parts the index of `site` has.
pub(super) fn count(site: &Site) -> usize {
    site.pages.len().div_ceil(RUN).max(1)
}

/// The files of the index of `site`.
pub(super) fn paths(site: &Site) -> impl Iterator<Item = String> {
    (0..count(site)).map(search::part_path)
}

impl Plan {
    /// The parts of the index of `done` (in the order of the site, those that need citations
    /// last); a part keeps the last build's file when every page in it is that build's record
    /// of the page (so is its entry) and the sink keeps the file.
    pub(super) fn new(site: &Site, done: &[Done], reuse: &Reuse, sink: &dyn Sink) -> Self {
        let count = count(site);
        let mut parts = vec![Vec::new(); count];
        for (at, d) in done.iter().enumerate() {
            let part = match site.pages[d.page].kind.needs_citations() {
                true => count - 1,
                false => (d.page / RUN).min(count - 1),
            };
            parts[part].push(at);
        }
        let kept = (parts.iter().enumerate())
            .map(|(n, pages)| {
                let path = search::part_path(n);
                reuse.same_skeleton()
                    && pages.iter().all(|&at| done[at].recorded)
                    && reuse.rendered_before(&path, reuse.part_key(n))
                    && sink.keep(&path)
            })
            .collect();
        Self { parts, kept }
    }

    /// The positions in `done` of the pages whose entries the parts to make again need.
    pub(super) fn needs(&self) -> impl Iterator<Item = usize> + '_ {
        (self.parts.iter().zip(&self.kept))
            .filter(|(_, kept)| !**kept)
            .flat_map(|(pages, _)| pages.iter().copied())
    }

    /// Each part's file and its key, for the record of renders.
    pub(super) fn keys(&self, reuse: &Reuse) -> Vec<(String, u64)> {
        (0..self.parts.len())
            .map(|n| (search::part_path(n), reuse.part_key(n)))
            .collect()
    }

    /// Makes the parts not kept from the entries of the done pages (`entries`, by position)
    /// and puts them into `sink`.
    pub(super) fn make(&self, entries: &[Option<Entry>], sink: &dyn Sink) -> Result<(), String> {
        let count = self.parts.len();
        (self.parts.par_iter().zip(&self.kept).enumerate())
            .filter(|(_, (_, kept))| !**kept)
            .try_for_each(|(n, (pages, _))| {
                let entries = (pages.iter())
                    .map(|&at| entries.get(at).and_then(Option::as_ref))
                    .collect::<Option<Vec<&Entry>>>()
                    .ok_or("a page of the search index has no entry")?;
                sink.put(OutputFile {
                    path: search::part_path(n),
                    bytes: search::part(&entries, (n, count)).into_bytes(),
                });
                Ok(())
            })
    }
}
