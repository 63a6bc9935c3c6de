//! Incremental builds: what the last build of an edition recorded of each page, and which
//! pages keep the file that build wrote instead of rendering again. Three ways:
//!
//! - A page keeps its file, unread and unrendered, when nothing it depends on changed: the
//!   edition's skeleton (everything but the pages' Markdown bodies, see
//!   [`crate::fingerprint::skeleton`], plus every page's front matter) and its own source.
//!   A kept page's findings come from the record (`pages.bin`).
//! - The pages that show other pages' findings (the sources page, sections, the home page)
//!   wait until every other page is done. When their own source did not change either, they
//!   keep their file, unprepared, if what they show of the others (every page's citations,
//!   locators and listed summary, see [`shown`]) hashes as it did in the last build.
//! - Any other page is prepared (its Markdown and its views), and keeps its file when what its
//!   template would see hashes as it did (`renders.json`): the program, the templates, the
//!   global context and the page's own context (`renders.bin`). A data field shown on one unit
//!   page renders the pages that show it, and no other.
//!
//! Before any of these, a Markdown file whose status (size, times, inode) is still the one the last
//! build recorded is not read at all: what that build read of it (`inputs.bin`, see
//! [`crate::load::snapshot`]) stands in for it until its page renders.
//!
//! The records are postcard (serde's compact binary form): at 10,000 pages, JSON took 109 ms
//! of a 310 ms rebuild to write and read back.
//!
//! The records live in the build's cache folder, outside the output. They are removed before
//! the output changes and written again after, so they never describe a site that is not there.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::Hasher;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::derive::{self, search::Entry};
use crate::load::snapshot::{self, Snapshot};
use crate::markdown::PageNotes;
use crate::model::Site;
use crate::output::Sink;

use super::pages::Done;

/// One page as the last build left it (its search entry is recorded apart, see
/// [`write_pages`]).
#[derive(Serialize, Deserialize)]
struct Page<N> {
    /// The hash of its source (0 for a page without one).
    key: u64,
    /// What its template saw.
    render: Option<u64>,
    notes: N,
    /// For a page that shows other pages' findings, the hash of those it showed (see
    /// [`shown`]); 0 for the others.
    shown: u64,
}

/// What an edition's build records: its pages by index.
type Pages<N> = Vec<Option<Page<N>>>;

/// A run of pages in a record (see [`write_pages`]): its file's name is its hash.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Run {
    /// The hash of its file's bytes, and the file's name.
    hash: u64,
    /// The length of its pages, then of their search entries, which follow them.
    notes: u32,
    search: u32,
    /// The hash of the search entries, checked when they are read.
    sum: u64,
}

/// The last build's record of pages: where it is and its runs, whose files a build that
/// keeps a run's pages leaves as they are, and from which search entries are read when they
/// are wanted (at 10,000 pages they are 17 of its 19 MB).
#[derive(Default)]
struct Record {
    head: PathBuf,
    runs: Vec<Run>,
}

/// What this build may reuse, and where it records what the next may.
pub(super) struct Reuse {
    /// The record's file (`None`: the build records nothing, e.g. `check`).
    path: Option<PathBuf>,
    skeleton: u64,
    /// Each page's key.
    keys: Vec<u64>,
    /// The last build's pages, when its skeleton was this one's (taken by [`Reuse::kept`]).
    last: Pages<PageNotes>,
    /// The last build's record: [`Reuse::record`] copies the runs whose pages all came from
    /// it, and [`Reuse::fill_entries`] reads search entries from it.
    record: Record,
    /// The last build's record of the pages that show other pages' findings and whose own
    /// source did not change, by index: they keep their file when those findings are the
    /// same (see [`Reuse::take_waiting`]).
    waiting: std::sync::Mutex<BTreeMap<usize, Page<PageNotes>>>,
    /// Whether the last build's skeleton was this one's: then so is every file made from the
    /// model alone.
    same_skeleton: bool,
    /// What the template of each file the last build wrote saw, by the file's path.
    renders: HashMap<String, u64>,
}

impl Reuse {
    /// What the build of `site` into `cache` (`None`: not into an output folder) may reuse;
    /// the last build's record is read only when the sink `can_keep` files.
    pub(super) fn new(
        config: &Config,
        site: &Site,
        (prefix, cache, walk): (&str, Option<&Path>, Option<&crate::fingerprint::Walk>),
        can_keep: bool,
    ) -> Self {
        let keys: Vec<u64> = (site.pages.iter())
            .map(|p| p.file.map_or(0, |f| site.files[f].text_hash()))
            .collect();
        let path = cache.map(|c| c.join(record_name("pages", prefix)));
        let skeleton = path
            .as_ref()
            .map_or(0, |_| skeleton(config, site, (prefix, walk)));
        let recorded = (path.as_deref().filter(|_| can_keep))
            .and_then(|p| read(p, skeleton))
            .filter(|(l, _)| l.len() == keys.len());
        let same_skeleton = recorded.is_some();
        let (last, record) = recorded.unwrap_or_default();
        let renders = (path.as_deref().filter(|_| can_keep))
            .and_then(|p| std::fs::read(renders_of(p)).ok())
            .and_then(|bytes| postcard::from_bytes(&bytes).ok())
            .unwrap_or_default();
        Self {
            path,
            skeleton,
            keys,
            last,
            record,
            waiting: std::sync::Mutex::default(),
            same_skeleton,
            renders,
        }
    }

    /// The key of the feed (under its path with the renders): the skeleton and the pages'
    /// summaries, by page index, are all it shows.
    pub(super) fn feed_key<S: AsRef<str>>(&self, summaries: &[Option<S>]) -> u64 {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.write_u64(self.skeleton);
        for s in summaries {
            match s {
                Some(s) => {
                    h.write_u8(1);
                    h.update(s.as_ref().as_bytes());
                    h.write_u8(0);
                }
                None => h.write_u8(0),
            }
        }
        h.finish()
    }

    /// The key of part `n` of the search index (under its path with the renders): which pages
    /// it holds follows from the skeleton; what their entries are, from their records.
    pub(super) fn part_key(&self, n: usize) -> u64 {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.write_u64(self.skeleton);
        h.update(b"search part");
        h.write_usize(n);
        h.finish()
    }

    /// Whether the last build of this edition had the same skeleton: what it made from the
    /// model alone (not from the pages' text), this build would make again byte for byte.
    pub(super) fn same_skeleton(&self) -> bool {
        self.same_skeleton
    }

    /// Whether the last build rendered the file at `path` from what hashes as `key`.
    pub(super) fn rendered_before(&self, path: &str, key: u64) -> bool {
        self.renders.get(path) == Some(&key)
    }

    /// The pages whose file the sink keeps as the last build wrote it, done without
    /// rendering, by index (`None`: the page renders). The pages that show other pages'
    /// findings wait for those: their records are set aside for [`Reuse::take_waiting`].
    pub(super) fn kept(&mut self, site: &Site, sink: &dyn Sink) -> Vec<Option<Done>> {
        let last = std::mem::take(&mut self.last);
        let mut waiting = BTreeMap::new();
        let mut candidates = Vec::new();
        for (i, page) in last.into_iter().enumerate() {
            let Some(page) = page.filter(|p| p.key == self.keys[i] && fits(&p.notes, site)) else {
                continue;
            };
            if renders_always(site, i) {
                waiting.insert(i, page);
            } else {
                candidates.push((i, page));
            }
        }
        // The files asked for together: one lock of the sink for all of them.
        let paths: Vec<String> = (candidates.iter())
            .map(|(i, _)| format!("{}index.html", site.pages[*i].url))
            .collect();
        let mut kept: Vec<Option<Done>> = Vec::new();
        kept.resize_with(site.pages.len(), || None);
        for ((i, page), keeps) in candidates.into_iter().zip(sink.keep_all(&paths)) {
            if keeps {
                kept[i] = Some(page.done(i));
            }
        }
        self.waiting = std::sync::Mutex::new(waiting);
        kept
    }

    /// Whether page `i` waits with the last build's record of it.
    pub(super) fn has_waiting(&self, i: usize) -> bool {
        self.waiting.lock().is_ok_and(|w| w.contains_key(&i))
    }

    /// The waiting pages' records set aside by [`Reuse::kept`], as they would be done.
    pub(super) fn take_waiting(&self) -> Vec<Done> {
        let taken = self.waiting.lock().map(|mut w| std::mem::take(&mut *w));
        (taken.unwrap_or_default().into_iter())
            .map(|(i, page)| page.done(i))
            .collect()
    }

    /// Gives the pages of `done` that are the last build's records their search entries
    /// from it, where they are wanted: in a run of pages that [`Reuse::record`] writes
    /// again (one with a page not from the record), and in the runs of the positions in
    /// `done` that `wanted` names. Fails when the record does not hold them, and removes it
    /// so that the next build is whole: it was checked when it was read, so it has changed
    /// since.
    pub(super) fn fill_entries(
        &self,
        done: &mut [Done],
        wanted: impl Iterator<Item = usize>,
    ) -> Result<(), String> {
        let mut runs: BTreeSet<usize> = wanted.map(|at| done[at].page / RUN).collect();
        runs.extend(done.iter().filter(|d| !d.recorded).map(|d| d.page / RUN));
        let lacks = |d: &Done| d.recorded && d.search.is_none() && runs.contains(&(d.page / RUN));
        let lacking: BTreeSet<usize> = done
            .iter()
            .filter(|d| lacks(d))
            .map(|d| d.page / RUN)
            .collect();
        let mut read: BTreeMap<usize, Vec<Option<Entry>>> = (lacking.into_par_iter())
            .filter_map(|n| Some((n, self.record.entries(n)?)))
            .collect();
        let mut whole = true;
        for d in done.iter_mut().filter(|d| lacks(d)) {
            let entry = (read.get_mut(&(d.page / RUN)))
                .and_then(|run| run.get_mut(d.page % RUN))
                .and_then(Option::take);
            whole &= entry.is_some();
            d.search = entry;
        }
        if !whole {
            if let Some(path) = &self.path {
                let _ = std::fs::remove_file(path);
            }
            let at = self.path.as_deref().unwrap_or(Path::new("the cache"));
            return Err(format!(
                "the record of the last build ({}) is damaged, and was removed: build again",
                at.display()
            ));
        }
        Ok(())
    }

    /// Writes the records of `done` for the next build beside their places, under names
    /// ending in `.next` (streamed: at 100,000 pages they would be some 190 MB in memory), and
    /// returns their places; none when the build records nothing. [`put_in_place`] moves
    /// them there once the site is. The record of what was read of the site's files, which
    /// began at `started`, is one of them; `made` are the keys of files made besides the
    /// pages (the parts of the search index), recorded with the pages' renders.
    pub(super) fn record(
        &self,
        site: &Site,
        done: &[Done],
        (started, made): (std::time::Duration, Vec<(String, u64)>),
    ) -> std::io::Result<Vec<PathBuf>> {
        let Some(path) = self.path.clone() else {
            return Ok(Vec::new());
        };
        let reads = reads_of(&path);
        let files = (site.files.iter()).filter_map(|f| Some((f.abs.as_path(), f.read_record()?)));
        snapshot::write(&next_of(&reads), started, files)?;
        let mut pages: Pages<&PageNotes> = Vec::new();
        pages.resize_with(site.pages.len(), || None);
        let mut entries: Vec<Option<&Entry>> = vec![None; site.pages.len()];
        let mut same = vec![false; site.pages.len()];
        let mut summaries = vec![None; site.pages.len()];
        let mut renders: BTreeMap<String, u64> = made.into_iter().collect();
        for d in done {
            summaries[d.page] = d.notes.summary.as_deref();
            if let Some(r) = d.render {
                renders.insert(format!("{}index.html", site.pages[d.page].url), r);
            }
            same[d.page] = d.recorded;
            entries[d.page] = d.search.as_ref();
            pages[d.page] = Some(Page {
                key: self.keys[d.page],
                render: d.render,
                notes: &d.notes,
                shown: d.shown,
            });
        }
        renders.insert(derive::feed::FEED_FILE.into(), self.feed_key(&summaries));
        // A run whose pages all came from the last record is that record's run.
        let kept: Vec<Option<Run>> = (0..site.pages.len().div_ceil(RUN))
            .map(|n| {
                let run = n * RUN..((n + 1) * RUN).min(same.len());
                let last = self.record.runs.get(n).cloned();
                last.filter(|_| same[run].iter().all(|s| *s))
            })
            .collect();
        let renders_path = renders_of(&path);
        let head = format!("{:016x}\n", self.skeleton);
        write_pages(&path, head.as_bytes(), (&pages, &entries), &kept)?;
        write_next(&renders_path, b"", &renders)?;
        Ok(vec![path, renders_path, reads])
    }
}

impl Record {
    /// The search entries of run `n`'s pages, when they are as they were written.
    fn entries(&self, n: usize) -> Option<Vec<Option<Entry>>> {
        let run = self.runs.get(n)?;
        let file = std::fs::File::open(run_file(&self.head, run.hash)).ok()?;
        let at = u64::from(run.notes);
        let bytes = read_at(&file, at..at + u64::from(run.search))?;
        (xxhash_rust::xxh3::xxh3_64(&bytes) == run.sum).then_some(())?;
        postcard::from_bytes(&bytes).ok()
    }
}

/// The bytes of `file` in `range`, read at their place: the runs of a record are read on
/// several threads from one handle, whose own position they must not share.
fn read_at(file: &std::fs::File, range: std::ops::Range<u64>) -> Option<Vec<u8>> {
    let len = usize::try_from(range.end.checked_sub(range.start)?).ok()?;
    let mut bytes = vec![0; len];
    #[cfg(unix)]
    std::os::unix::fs::FileExt::read_exact_at(file, &mut bytes, range.start).ok()?;
    #[cfg(not(any(unix, windows)))]
    return None;
    #[cfg(windows)]
    {
        let mut done = 0;
        while done < len {
            let at = range.start + done as u64;
            match std::os::windows::fs::FileExt::seek_read(file, &mut bytes[done..], at).ok()? {
                0 => return None,
                n => done += n,
            }
        }
    }
    Some(bytes)
}

impl Page<PageNotes> {
    /// Page `i` done as the last build recorded it (its search entry is read only when it is
    /// wanted, see [`Reuse::fill_entries`]).
    fn done(self, i: usize) -> Done {
        Done {
            page: i,
            search: None,
            notes: self.notes,
            render: self.render,
            shown: self.shown,
            recorded: true,
        }
    }
}

/// The hash of the findings that the pages which show other pages' findings show: every
/// page's citations and pinpoint locators (the sources page) and listed summary (the
/// sections and the home page), in page order.
pub(super) fn shown<'a>(notes: impl Iterator<Item = (usize, &'a PageNotes)>) -> u64 {
    let mut notes: Vec<(usize, &PageNotes)> = notes.collect();
    notes.sort_unstable_by_key(|(i, _)| *i);
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for (i, n) in notes {
        h.write_u64(i as u64);
        h.write_usize(n.cites.len());
        n.cites.iter().for_each(|c| h.write_usize(*c));
        h.write_usize(n.locators.len());
        for (c, at) in &n.locators {
            h.write_usize(*c);
            h.update(at.as_bytes());
            h.write_u8(0);
        }
        match &n.listed_summary {
            Some(s) => {
                h.write_u8(1);
                h.update(s.as_bytes());
            }
            None => h.write_u8(0),
        }
    }
    h.finish()
}

/// Writes `head` and `value` (postcard) to `path` + `.next`.
fn write_next(path: &Path, head: &[u8], value: &impl Serialize) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(next_of(path))?);
    out.write_all(head)?;
    postcard::to_io(value, &mut out).map_err(std::io::Error::other)?;
    // Not synced: a record cut short by a crash does not parse, and the next build is whole.
    out.flush()
}

/// Pages in a run of the record of pages: each run is read and written on a thread of its own.
pub(super) const RUN: usize = 512;

/// Writes `head` and `pages` with their search `entries` to `path` + `.next`, in runs of
/// [`RUN`] pages: the head file lists the runs, each a file of its own beside it named by
/// its hash, which holds its pages and then their entries (postcard). A run that `kept`
/// gives (the last record's, when every page of it came from there) is listed as it was, its
/// file untouched; when a page changes in a big site, most are. The runs no record lists are
/// removed by [`put_in_place`].
fn write_pages<N: Serialize + Sync, E: Serialize + Sync>(
    path: &Path,
    head: &[u8],
    (pages, entries): (&[Option<Page<N>>], &[Option<E>]),
    kept: &[Option<Run>],
) -> std::io::Result<()> {
    use std::io::Write;
    let runs = (pages.par_chunks(RUN).enumerate())
        .map(|(n, run)| match kept.get(n).cloned().flatten() {
            Some(r) => Ok(r),
            None => {
                let at = n * RUN;
                let search = postcard::to_allocvec(&entries[at..at + run.len()]);
                write_run(path, run, &search.map_err(std::io::Error::other)?)
            }
        })
        .collect::<std::io::Result<Vec<Run>>>()?;
    let mut out = std::io::BufWriter::new(std::fs::File::create(next_of(path))?);
    out.write_all(head)?;
    postcard::to_io(&runs, &mut out).map_err(std::io::Error::other)?;
    // Not synced: a record cut short by a crash does not parse, and the next build is whole.
    out.flush()
}

/// Writes one run of the record at `head`: its `pages`, then their search entries
/// (`search`), into the file named by their hash (unless it is there: the same run).
fn write_run<N: Serialize>(
    head: &Path,
    pages: &[Option<Page<N>>],
    search: &[u8],
) -> std::io::Result<Run> {
    let mut bytes = postcard::to_allocvec(pages).map_err(std::io::Error::other)?;
    let len = |n: usize| u32::try_from(n).map_err(std::io::Error::other);
    let run = Run {
        hash: 0,
        notes: len(bytes.len())?,
        search: len(search.len())?,
        sum: xxhash_rust::xxh3::xxh3_64(search),
    };
    bytes.extend_from_slice(search);
    let run = Run {
        hash: xxhash_rust::xxh3::xxh3_64(&bytes),
        ..run
    };
    let file = run_file(head, run.hash);
    if std::fs::metadata(&file).map_or(true, |m| m.len() != bytes.len() as u64) {
        // Under a name of its own until it is whole.
        std::fs::write(next_of(&file), &bytes)?;
        std::fs::rename(next_of(&file), &file)?;
    }
    Ok(run)
}

/// The file of the run with hash `hash` of the record at `head`: `pages.HASH.run` beside
/// `pages.bin`, `pages.fr.HASH.run` beside `pages.fr.bin`.
fn run_file(head: &Path, hash: u64) -> PathBuf {
    let name = head.file_name().unwrap_or_default().to_string_lossy();
    let stem = name.strip_suffix(".bin").unwrap_or(&name);
    head.with_file_name(format!("{stem}.{hash:016x}.run"))
}

/// The runs the record of pages at `head` lists (none when it does not parse).
fn runs_of(head: &Path) -> Option<Vec<Run>> {
    runs_in(&std::fs::read(head).ok()?)
}

/// The runs listed by the bytes of a record of pages, after its first line (the skeleton).
fn runs_in(bytes: &[u8]) -> Option<Vec<Run>> {
    const HEAD: usize = 17;
    postcard::from_bytes(bytes.get(HEAD..)?).ok()
}

/// Removes the run files beside the record of pages at `head` that it does not list.
fn sweep_runs(head: &Path) -> std::io::Result<()> {
    let listed: std::collections::HashSet<PathBuf> = (runs_of(head).unwrap_or_default().iter())
        .map(|r| run_file(head, r.hash))
        .collect();
    let Some(dir) = head.parent() else {
        return Ok(());
    };
    let name = head.file_name().unwrap_or_default().to_string_lossy();
    let stem = format!("{}.", name.strip_suffix(".bin").unwrap_or(&name));
    for entry in std::fs::read_dir(dir)?.filter_map(Result::ok) {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        // `pages.HASH.run`, not another edition's `pages.fr.HASH.run`.
        let ours = (file.strip_prefix(&stem))
            .and_then(|rest| {
                rest.strip_suffix(".run")
                    .or_else(|| rest.strip_suffix(".run.next"))
            })
            .is_some_and(|hash| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()));
        if ours && !listed.contains(&entry.path()) {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// Where a record is written before the site it describes is in place.
fn next_of(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".next");
    path.with_file_name(name)
}

/// Moves the records written by [`Reuse::record`] to their places, and removes the runs of
/// pages that no record lists any more.
pub(super) fn put_in_place(records: &[PathBuf]) -> std::io::Result<()> {
    records
        .iter()
        .try_for_each(|r| std::fs::rename(next_of(r), r))?;
    let heads = records.iter().filter(|r| {
        let name = r.file_name().unwrap_or_default().to_string_lossy();
        name.starts_with("pages.")
    });
    heads.into_iter().try_for_each(|h| sweep_runs(h))
}

/// Removes the records of the last build from `cache` (their runs are removed once the next
/// records are in place, see [`put_in_place`]), or with `next`, those a build wrote for a
/// site it did not put in place, runs included.
pub(super) fn remove_records(cache: &Path, next: bool) -> std::io::Result<()> {
    let mut heads = BTreeSet::new();
    for entry in std::fs::read_dir(cache)?.filter_map(Result::ok) {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let ours = ["pages.", "renders.", "inputs."]
            .iter()
            .any(|p| name.starts_with(p));
        let kind = if next {
            name.ends_with(".next")
        } else {
            name.ends_with(".bin") || name.ends_with(".json")
        };
        if ours && kind {
            std::fs::remove_file(entry.path())?;
        }
        // A run's file, `pages.HASH.run`: the record it belongs to is `pages.bin`.
        if let Some(stem) = (name.strip_suffix(".run")).and_then(|n| n.rsplit_once('.'))
            && name.starts_with("pages.")
        {
            heads.insert(cache.join(format!("{}.bin", stem.0)));
        }
    }
    // The runs that a build which did not put its records in place wrote.
    if next {
        heads.iter().try_for_each(|h| sweep_runs(h))?;
    }
    Ok(())
}

/// The key of a page's file: what its template (`template`) saw, all but its own context
/// in `theme` (see `Theme::render_key`) and its context in `context`.
pub(super) fn render_key(theme: u64, template: &str, context: u64) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.write_u64(theme);
    h.update(template.as_bytes());
    h.write_u8(0);
    h.write_u64(context);
    h.finish()
}

/// The record of `kind` beside the record of pages at `pages`: `renders.bin`, `renders.fr.bin`.
fn beside(pages: &Path, kind: &str) -> PathBuf {
    let name = pages.file_name().unwrap_or_default().to_string_lossy();
    pages.with_file_name(name.replacen("pages", kind, 1))
}

/// The record of renders beside the record of pages at `pages`.
fn renders_of(pages: &Path) -> PathBuf {
    beside(pages, "renders")
}

/// The record of what was read beside the record of pages at `pages`: `inputs.bin`, ….
fn reads_of(pages: &Path) -> PathBuf {
    beside(pages, "inputs")
}

/// What the last build of the edition at `prefix` into `cache` read (nothing when the build
/// records nothing, e.g. `check`).
pub(super) fn last_reads(cache: Option<&Path>, prefix: &str) -> Snapshot {
    cache.map_or_else(Snapshot::default, |c| {
        Snapshot::read(&reads_of(&c.join(record_name("pages", prefix))))
    })
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

/// The file of an edition's record in the cache folder: `pages.bin`, `pages.fr.bin`.
fn record_name(kind: &str, prefix: &str) -> String {
    match prefix.trim_end_matches('/') {
        "" => format!("{kind}.bin"),
        lang => format!("{kind}.{lang}.bin"),
    }
}

/// The hash of everything the pages of `site` depend on but their own sources.
fn skeleton(
    config: &Config,
    site: &Site,
    (prefix, walk): (&str, Option<&crate::fingerprint::Walk>),
) -> u64 {
    let content = (config.translation.as_ref()).map_or(&config.content_dir, |t| &t.fallback_dir);
    let mut h = crate::fingerprint::skeleton(config, content, walk);
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

/// The last build's pages, when the record at `path` is for `skeleton`, and the record (its
/// runs' pages read in parallel, their search entries left for later; see [`write_pages`]).
fn read(path: &Path, skeleton: u64) -> Option<(Pages<PageNotes>, Record)> {
    let bytes = std::fs::read(path).ok()?;
    if !bytes.starts_with(format!("{skeleton:016x}\n").as_bytes()) {
        return None;
    }
    let runs = runs_in(&bytes)?;
    let pages = (runs.par_iter())
        .map(|run| {
            let file = std::fs::File::open(run_file(path, run.hash)).ok()?;
            let whole = u64::from(run.notes) + u64::from(run.search);
            (file.metadata().ok()?.len() == whole).then_some(())?;
            let notes = read_at(&file, 0..u64::from(run.notes))?;
            postcard::from_bytes::<Pages<PageNotes>>(&notes).ok()
        })
        .collect::<Option<Vec<_>>>()?;
    // Every run but the last holds RUN pages, or runs could not be kept by number.
    let whole = pages.iter().rev().skip(1).all(|p| p.len() == RUN);
    let record = Record {
        head: path.to_path_buf(),
        runs,
    };
    whole.then(|| (pages.into_iter().flatten().collect(), record))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(n: usize, key: impl Fn(usize) -> u64) -> Pages<PageNotes> {
        (0..n)
            .map(|i| {
                (i % 7 != 3).then(|| Page {
                    key: key(i),
                    render: Some(i as u64),
                    notes: PageNotes::default(),
                    shown: 0,
                })
            })
            .collect()
    }

    fn entries(pages: &Pages<PageNotes>) -> Vec<Option<Entry>> {
        (pages.iter())
            .map(|p| {
                p.as_ref()
                    .map(|p| derive::search::entry_of("t", "u/", None, &format!("word{}", p.key)))
            })
            .collect()
    }

    fn keys(pages: &Pages<PageNotes>) -> Vec<Option<u64>> {
        pages.iter().map(|p| p.as_ref().map(|p| p.key)).collect()
    }

    #[cfg(unix)]
    #[test]
    fn runs_marked_the_same_keep_their_files_and_the_others_are_written_anew() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pages.bin");
        let run_files = || {
            let mut names: Vec<PathBuf> = (std::fs::read_dir(dir.path()).unwrap())
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "run"))
                .collect();
            names.sort();
            names
        };
        let n = 2 * RUN + 100;
        let head = format!("{:016x}\n", 42);
        let first = pages(n, |i| i as u64);
        write_pages(&path, head.as_bytes(), (&first, &entries(&first)), &[]).unwrap();
        put_in_place(std::slice::from_ref(&path)).unwrap();
        let (read_back, record) = read(&path, 42).unwrap();
        assert_eq!(keys(&read_back), keys(&first));
        assert_eq!(record.runs.len(), 3);
        assert_eq!(run_files().len(), 3);
        assert_eq!(record.entries(1).unwrap(), entries(&first)[RUN..2 * RUN]);
        assert!(read(&path, 43).is_none(), "another skeleton's record");
        // The first and the last run marked the same: they keep the last record's pages and
        // their files, the second is written anew and its old file removed.
        let second = pages(n, |i| 100_000 + i as u64);
        let kept: Vec<_> = (record.runs.iter().zip([true, false, true]))
            .map(|(r, same)| same.then(|| r.clone()))
            .collect();
        let inode = |p: &Path| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(p).unwrap());
        let first_file = run_file(&path, record.runs[0].hash);
        let first_inode = inode(&first_file);
        write_pages(&path, head.as_bytes(), (&second, &entries(&second)), &kept).unwrap();
        put_in_place(std::slice::from_ref(&path)).unwrap();
        let (got, again) = read(&path, 42).unwrap();
        let run = |pages: &Pages<PageNotes>, r: std::ops::Range<usize>| keys(pages)[r].to_vec();
        assert_eq!(run(&got, 0..RUN), run(&first, 0..RUN));
        assert_eq!(run(&got, RUN..2 * RUN), run(&second, RUN..2 * RUN));
        assert_eq!(run(&got, 2 * RUN..n), run(&first, 2 * RUN..n));
        assert_eq!(again.entries(0).unwrap(), entries(&first)[..RUN]);
        assert_eq!(again.entries(1).unwrap(), entries(&second)[RUN..2 * RUN]);
        assert_eq!(
            inode(&first_file),
            first_inode,
            "a kept run's file is left alone"
        );
        let files = run_files();
        assert_eq!(files.len(), 3, "{files:?}");
        assert!(!files.contains(&run_file(&path, record.runs[1].hash)));
        // A run cut short, the record is not read; with an entry changed, that run's entries
        // are not.
        let last = run_file(&path, again.runs[2].hash);
        let bytes = std::fs::read(&last).unwrap();
        std::fs::write(&last, &bytes[..bytes.len() - 3]).unwrap();
        assert!(read(&path, 42).is_none());
        let mut changed = bytes.clone();
        let end = changed.len() - 2;
        changed[end] ^= 1;
        std::fs::write(&last, &changed).unwrap();
        let (_, record) = read(&path, 42).unwrap();
        assert!(record.entries(1).is_some());
        assert!(record.entries(2).is_none());
    }

    #[test]
    fn a_record_read_on_many_threads_reads_every_run_whole() {
        // Its runs are read in parallel: each read must be whole, whatever the other threads
        // read meanwhile.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pages.bin");
        let n = 40 * RUN;
        let head = format!("{:016x}\n", 7);
        let written = pages(n, |i| i as u64 * 3);
        write_pages(&path, head.as_bytes(), (&written, &entries(&written)), &[]).unwrap();
        put_in_place(std::slice::from_ref(&path)).unwrap();
        for _ in 0..10 {
            let (got, record) = read(&path, 7).expect("every run reads whole");
            assert_eq!(keys(&got), keys(&written));
            let runs: Vec<usize> = (0..40).collect();
            let all = runs.par_iter().all(|&r| record.entries(r).is_some());
            assert!(all, "every run's entries read whole");
        }
    }
}
