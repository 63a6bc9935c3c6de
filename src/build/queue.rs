//! The page queue: every worker takes the next page from one queue, the longest first, so
//! that they finish together rather than one waiting on another's last big page.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::model::{PageKind, Site};

/// Runs `work` on every item of `order` on rayon's workers, each taking the next item as it
/// becomes free; the results come back in no particular order. A signal stops the queue
/// (see [`super::interrupt`]).
pub(super) fn run<T: Send>(order: &[usize], work: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let next = AtomicUsize::new(0);
    (0..rayon::current_num_threads())
        .into_par_iter()
        .flat_map_iter(|_| {
            std::iter::from_fn(|| {
                if super::interrupt::requested() {
                    return None;
                }
                let i = *order.get(next.fetch_add(1, Ordering::Relaxed))?;
                Some(work(i))
            })
            .collect::<Vec<_>>()
        })
        .collect()
}

/// The pages in the order their passes start: the generated pages that gather the whole
/// reform, then the home page and sections, then the rest by the length of their Markdown.
pub(super) fn longest_first(site: &Site) -> Vec<usize> {
    let rank = |i: usize| {
        let p = &site.pages[i];
        let class = match p.kind {
            PageKind::Sources => 0,
            PageKind::Comparison => 1,
            PageKind::Timeline => 2,
            PageKind::Units => 3,
            PageKind::Home => 4,
            PageKind::Glossary => 5,
            PageKind::Section => 6,
            PageKind::Page | PageKind::Unit(_) => 7,
        };
        (
            class,
            std::cmp::Reverse(site.file(p).map_or(0, |f| f.len)),
            i,
        )
    };
    let mut order: Vec<usize> = (0..site.pages.len()).collect();
    order.sort_by_cached_key(|&i| rank(i));
    order
}
