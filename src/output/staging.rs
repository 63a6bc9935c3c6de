//! Staging: a build's files on their way into the output directory, written beside their
//! targets under hidden temporary names, then renamed into place all at once, or deleted;
//! the record of what was written goes to the build's cache folder, outside the output.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::manifest::{IN_PROGRESS, LEGACY, MANIFEST, WARNINGS};
use super::manifest::{Lock, Manifest, Stamp, legacy_manifest, lock, read_manifest};
use super::{OutputFile, Sink, TMP_SUFFIX, WriteReport, confined};
use super::{replace, tmp_path, write_atomic};

/// A build's files on their way into the output directory. Each changed file is written, as
/// soon as it is rendered, to a hidden temporary file beside its target; [`Staging::commit`]
/// renames them all into place, removes stale files and records the manifest, while
/// [`Staging::abort`] (or dropping the staging) deletes them, leaving the previous site exactly
/// as it was. Readers never see a half-written file, and a big site never has to sit in
/// memory whole.
pub struct Staging {
    out: PathBuf,
    /// The cache folder: the manifest, the warnings and the in-progress marker.
    cache: PathBuf,
    /// The output directory as it was named, for messages.
    named: PathBuf,
    /// What the last complete build wrote: the files to remove if this one does not write them.
    old: Manifest,
    /// Whether `old` also says what the files hold now (not after an interrupted build).
    trusted: bool,
    /// The output directory was empty: nothing can be unchanged, nothing needs a look.
    fresh: bool,
    interrupted: bool,
    state: std::sync::Mutex<StageState>,
    /// The first file that could not be staged, as a message (see [`Sink::error`]).
    first_error: std::sync::Mutex<Option<String>>,
    done: bool,
    _lock: Lock,
}

/// What a build does with one of its files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// The output already holds these bytes.
    Keep,
    /// Written to a temporary file beside the target, renamed at commit.
    Staged,
    /// Held in memory until commit, because a file of the previous site stands where its
    /// folder must be (and a failed build must leave that file alone).
    Deferred,
}

#[derive(Default)]
struct StageState {
    /// path → (hash, length, what happens to it).
    files: HashMap<String, (u64, usize, Step)>,
    /// The bytes of the deferred files.
    deferred: Vec<(String, Vec<u8>)>,
    /// Directories this build created, to remove again if it fails.
    created: Vec<PathBuf>,
    known_dirs: HashSet<PathBuf>,
}

impl Staging {
    /// Locks `out` and prepares it (creating it if needed), with its bookkeeping in `cache`
    /// (created if needed).
    pub fn begin(out: &Path, cache: &Path) -> io::Result<Self> {
        let lock = lock(out)?;
        let named = out.to_path_buf();
        let out = out.canonicalize()?;
        fs::create_dir_all(cache)?;
        let cache = cache.canonicalize()?;
        let mut interrupted = cache.join(IN_PROGRESS).exists();
        let fresh = fs::read_dir(&out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        // The manifest is the last complete build's: after an interrupted one, files may differ
        // from what it says, but what it lists is still what to remove if no longer made. An
        // output folder of an older version has its manifest inside.
        let old = match read_manifest(&cache) {
            Some(m) => m,
            None => legacy_manifest(&out).map_or_else(Manifest::new, |(m, cut)| {
                interrupted |= cut;
                m
            }),
        };
        fs::write(cache.join(IN_PROGRESS), b"")?;
        let state = StageState {
            known_dirs: HashSet::from([out.clone()]),
            ..StageState::default()
        };
        Ok(Self {
            out,
            cache,
            named,
            old,
            trusted: !interrupted,
            fresh,
            interrupted,
            state: std::sync::Mutex::new(state),
            first_error: std::sync::Mutex::new(None),
            done: false,
            _lock: lock,
        })
    }

    fn state(&self) -> io::Result<std::sync::MutexGuard<'_, StageState>> {
        self.state
            .lock()
            .map_err(|_| io::Error::other("a writer thread failed"))
    }

    /// Stages one file: skipped when the output already holds these bytes.
    pub fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let target = confined(&self.out, rel)?;
        let hash = xxhash_rust::xxh3::xxh3_64(bytes);
        let same_len = !self.fresh
            && fs::symlink_metadata(&target)
                .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
        let unchanged = same_len
            && match self.old.get(rel).filter(|_| self.trusted) {
                Some(&(h, _)) => h == hash,
                // Not in the manifest: compare the bytes themselves.
                None => fs::read(&target).is_ok_and(|b| b == bytes),
            };
        let mut step = if unchanged { Step::Keep } else { Step::Staged };
        {
            let mut st = self.state()?;
            if st.files.contains_key(rel) {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("two files would be written to {rel}"),
                ));
            }
            if !unchanged
                && let Some(parent) = target.parent()
                && !st.known_dirs.contains(parent)
            {
                let StageState {
                    created,
                    known_dirs,
                    ..
                } = &mut *st;
                if ensure_dir(&self.out, parent, known_dirs, created, false)? == Dir::Blocked {
                    step = Step::Deferred;
                }
            }
            st.files.insert(rel.to_owned(), (hash, bytes.len(), step));
            if step == Step::Deferred {
                st.deferred.push((rel.to_owned(), bytes.to_vec()));
            }
        }
        if step == Step::Staged {
            let mut f = fs::File::create(tmp_path(&target))?;
            f.write_all(bytes)?;
        }
        Ok(())
    }

    /// The hash and length the manifest records of the file the last complete build wrote at
    /// `rel`, when it vouches for it and the file is still in place at that length.
    fn vouched(&self, rel: &str) -> io::Result<Option<(u64, usize)>> {
        let Some(&(hash, len)) = self.old.get(rel).filter(|_| self.trusted && !self.fresh) else {
            return Ok(None);
        };
        let target = confined(&self.out, rel)?;
        if !fs::symlink_metadata(&target).is_ok_and(|m| m.is_file() && m.len() == len) {
            return Ok(None);
        }
        Ok(Some((
            hash,
            usize::try_from(len).map_err(io::Error::other)?,
        )))
    }

    /// Takes the file the last complete build wrote at `rel` as this build's, when the
    /// manifest vouches for it and it is still in place at the length recorded.
    pub fn keep(&self, rel: &str) -> io::Result<bool> {
        let Some((hash, len)) = self.vouched(rel)? else {
            return Ok(false);
        };
        let mut st = self.state()?;
        if st.files.contains_key(rel) {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("two files would be written to {rel}"),
            ));
        }
        st.files.insert(rel.to_owned(), (hash, len, Step::Keep));
        Ok(true)
    }

    /// [`Staging::keep`] for many files: each checked on its own (in parallel), all taken
    /// under one lock.
    pub fn keep_all(&self, rels: &[String]) -> Vec<bool> {
        use rayon::prelude::*;
        let found: Vec<Option<(u64, usize)>> = (rels.par_iter())
            .map(|rel| self.vouched(rel).ok().flatten())
            .collect();
        let Ok(mut st) = self.state() else {
            return vec![false; rels.len()];
        };
        (rels.iter().zip(found))
            .map(|(rel, found)| match found {
                Some((hash, len)) if !st.files.contains_key(rel) => {
                    st.files.insert(rel.clone(), (hash, len, Step::Keep));
                    true
                }
                _ => false,
            })
            .collect()
    }

    /// Moves every staged file into place, removes what the site no longer produces and
    /// records the manifest.
    pub fn commit(self) -> io::Result<WriteReport> {
        self.commit_with(None)
    }

    /// Like [`commit`](Self::commit), recording the build's inputs (see [`unchanged`]).
    pub fn commit_with(mut self, stamp: Option<&Stamp>) -> io::Result<WriteReport> {
        let mut st = std::mem::take(&mut *self.state()?);
        let mut report = WriteReport::default();
        // Only now may a file of the previous site give way to a folder.
        for (rel, bytes) in std::mem::take(&mut st.deferred) {
            let target = self.out.join(&rel);
            if let Some(parent) = target.parent() {
                ensure_dir(&self.out, parent, &mut st.known_dirs, &mut st.created, true)?;
            }
            write_atomic(&target, &bytes)?;
        }
        let mut paths: Vec<(&String, &(u64, usize, Step))> = st.files.iter().collect();
        paths.sort_by(|a, b| a.0.cmp(b.0));
        let staged: Vec<&String> = (paths.iter())
            .filter(|(_, v)| v.2 == Step::Staged)
            .map(|(p, _)| *p)
            .collect();
        staged.par_iter().try_for_each(|rel| {
            let target = self.out.join(rel);
            replace(&tmp_path(&target), &target)
        })?;
        let mut manifest = String::with_capacity(paths.len() * 48);
        if let Some(st) = stamp {
            manifest.push_str(&format!("#inputs\t{:016x}\t{}\n", st.fingerprint, st.pages));
        }
        for (rel, (hash, len, step)) in &paths {
            if *step != Step::Keep {
                report.written += 1;
            } else {
                report.unchanged += 1;
            }
            manifest.push_str(&format!("{hash:016x}\t{len}\t{rel}\n"));
        }
        let mut stale: Vec<&String> = self
            .old
            .keys()
            .filter(|p| !st.files.contains_key(*p))
            .collect();
        stale.sort();
        for rel in stale {
            // A link on the way would lead outside the output: such a file is not ours.
            if let Ok(p) = confined(&self.out, rel)
                && real_dirs_between(&self.out, &p)
                && fs::symlink_metadata(&p).is_ok_and(|m| m.is_file())
            {
                fs::remove_file(&p)?;
                report.removed += 1;
                remove_empty_parents(&self.out, &p);
            }
        }
        if self.interrupted {
            remove_temporaries(&self.out);
        }
        match stamp {
            Some(st) => write_atomic(&self.cache.join(WARNINGS), st.warnings.as_bytes())?,
            None => {
                let _ = fs::remove_file(self.cache.join(WARNINGS));
            }
        }
        write_atomic(&self.cache.join(MANIFEST), manifest.as_bytes())?;
        remove_legacy(&self.out)?;
        fs::remove_file(self.cache.join(IN_PROGRESS))?;
        self.done = true;
        Ok(report)
    }

    /// Deletes everything this build staged; the previous site stays as it was.
    pub fn abort(mut self) {
        self.discard();
    }

    fn discard(&mut self) {
        if self.done {
            return;
        }
        self.done = true;
        let Ok(mut st) = self.state.lock() else {
            return;
        };
        for (rel, (_, _, step)) in &st.files {
            if *step == Step::Staged {
                let _ = fs::remove_file(tmp_path(&self.out.join(rel)));
            }
        }
        for dir in std::mem::take(&mut st.created).iter().rev() {
            let _ = fs::remove_dir(dir);
        }
        if !self.interrupted {
            let _ = fs::remove_file(self.cache.join(IN_PROGRESS));
        }
    }
}

impl Sink for Staging {
    fn put(&self, file: OutputFile) {
        if let Err(e) = Staging::put(self, &file.path, &file.bytes)
            && let Ok(mut slot) = self.first_error.lock()
        {
            slot.get_or_insert_with(|| {
                format!("{}: cannot write {}: {e}", self.named.display(), file.path)
            });
        }
    }

    fn len(&self) -> usize {
        self.state.lock().map_or(0, |s| s.files.len())
    }

    fn keep(&self, path: &str) -> bool {
        Staging::keep(self, path).unwrap_or(false)
    }

    fn keep_all(&self, paths: &[String]) -> Vec<bool> {
        Staging::keep_all(self, paths)
    }

    fn can_keep(&self) -> bool {
        self.trusted && !self.fresh
    }

    fn error(&self) -> Option<String> {
        self.first_error.lock().ok().and_then(|e| e.clone())
    }

    fn read(&self, path: &str) -> Option<Vec<u8>> {
        let st = self.state.lock().ok()?;
        let target = confined(&self.out, path).ok()?;
        match st.files.get(path)?.2 {
            Step::Keep => fs::read(target).ok(),
            Step::Staged => fs::read(tmp_path(&target)).ok(),
            Step::Deferred => (st.deferred.iter())
                .find(|(p, _)| p == path)
                .map(|(_, b)| b.clone()),
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        self.discard();
    }
}

/// What [`ensure_dir`] found.
#[derive(Debug, PartialEq, Eq)]
enum Dir {
    Ready,
    /// A file stands where a folder must be, and it may not be removed yet.
    Blocked,
}

/// Creates `dir` (inside `out`), refusing any existing component that is a link. A file in
/// the way is removed only when `replace_files` says so (at commit); otherwise the answer is
/// [`Dir::Blocked`]. Starts below the deepest directory already in `known`, and tries `mkdir`
/// before looking, so that a fresh output costs one system call per directory. Records what
/// it made in `created` (outermost first) and every directory it vouched for in `known`.
fn ensure_dir(
    out: &Path,
    dir: &Path,
    known: &mut HashSet<PathBuf>,
    created: &mut Vec<PathBuf>,
    replace_files: bool,
) -> io::Result<Dir> {
    if !dir.starts_with(out) {
        return Err(io::Error::other("directory outside the output"));
    }
    let base = dir
        .ancestors()
        .find(|a| known.contains(*a) || *a == out)
        .unwrap_or(out)
        .to_path_buf();
    let rel = dir
        .strip_prefix(&base)
        .map_err(|_| io::Error::other("directory outside the output"))?;
    let mut at = base;
    for c in rel.components() {
        at.push(c);
        match fs::create_dir(&at) {
            Ok(()) => created.push(at.clone()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => match fs::symlink_metadata(&at) {
                Ok(m) if m.is_dir() => {}
                Ok(m) if m.file_type().is_symlink() => {
                    return Err(io::Error::other(format!(
                        "{} is a symbolic link; pillar does not write through links in the output directory",
                        at.display()
                    )));
                }
                _ if !replace_files => return Ok(Dir::Blocked),
                _ => fs::remove_file(&at).and_then(|()| fs::create_dir(&at))?,
            },
            Err(e) => return Err(e),
        }
        known.insert(at.clone());
    }
    Ok(Dir::Ready)
}

/// Whether every folder from `out` down to `file`'s is a real directory, not a link.
fn real_dirs_between(out: &Path, file: &Path) -> bool {
    let Ok(rel) = file.strip_prefix(out) else {
        return false;
    };
    let mut at = out.to_path_buf();
    let mut parts: Vec<_> = rel.components().collect();
    parts.pop();
    parts.into_iter().all(|c| {
        at.push(c);
        fs::symlink_metadata(&at).is_ok_and(|m| m.is_dir())
    })
}

fn remove_empty_parents(out: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == out || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Removes the bookkeeping an older version kept in the output folder (a link by one of
/// those names is removed, not followed; a folder by one of them is not ours).
fn remove_legacy(out: &Path) -> io::Result<()> {
    for name in LEGACY {
        let p = out.join(name);
        if fs::symlink_metadata(&p).is_ok_and(|m| !m.is_dir()) {
            fs::remove_file(&p)?;
        }
    }
    Ok(())
}

fn remove_temporaries(out: &Path) {
    for e in walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
    {
        if e.file_type().is_file() && e.file_name().to_string_lossy().ends_with(TMP_SUFFIX) {
            let _ = fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::write;

    fn file(path: &str, s: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: s.as_bytes().to_vec(),
        }
    }

    #[test]
    fn rewrites_only_changed_files_and_removes_stale_ones() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let cache = dir.path().join("cache");
        let r = write(
            &out,
            &cache,
            &[file("a/index.html", "A"), file("b/index.html", "B")],
        )
        .unwrap();
        assert_eq!((r.written, r.unchanged, r.removed), (2, 0, 0));
        let r = write(&out, &cache, &[file("a/index.html", "A2")]).unwrap();
        assert_eq!((r.written, r.unchanged, r.removed), (1, 0, 1));
        assert!(
            !out.join("b").exists(),
            "empty folder of a removed page is removed too"
        );
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "A2");
        let r = write(&out, &cache, &[file("a/index.html", "A2")]).unwrap();
        assert_eq!((r.written, r.unchanged), (0, 1));
    }

    #[test]
    fn files_and_folders_may_trade_places() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let cache = dir.path().join("cache");
        write(
            &out,
            &cache,
            &[file("a", "file"), file("b/index.html", "B")],
        )
        .unwrap();
        // `a` becomes a folder, `b` a file.
        let r = write(
            &out,
            &cache,
            &[file("a/index.html", "A"), file("b", "file")],
        )
        .unwrap();
        assert_eq!(r.written, 2);
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "A");
        assert_eq!(fs::read_to_string(out.join("b")).unwrap(), "file");
        // A link in the output is never written through.
        #[cfg(unix)]
        {
            let elsewhere = dir.path().join("elsewhere");
            fs::create_dir(&elsewhere).unwrap();
            fs::remove_dir_all(out.join("a")).unwrap();
            std::os::unix::fs::symlink(&elsewhere, out.join("a")).unwrap();
            let e = write(&out, &cache, &[file("a/index.html", "A")]).unwrap_err();
            assert!(e.to_string().contains("symbolic link"), "{e}");
            assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0);
        }
    }

    #[test]
    fn an_interrupted_write_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let cache = dir.path().join("cache");
        write(&out, &cache, &[file("a.html", "old")]).unwrap();
        // Simulate a killed build that changed the file after the manifest was written.
        fs::write(out.join("a.html"), "new").unwrap();
        fs::write(cache.join(IN_PROGRESS), "").unwrap();
        fs::write(out.join(".x.html.pillar-tmp"), "half").unwrap();
        write(&out, &cache, &[file("a.html", "old")]).unwrap();
        assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "old");
        assert!(!out.join(".x.html.pillar-tmp").exists());
    }

    #[test]
    fn an_aborted_staging_leaves_the_previous_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let cache = dir.path().join("cache");
        write(&out, &cache, &[file("a/index.html", "A")]).unwrap();
        let staging = Staging::begin(&out, &cache).unwrap();
        staging.put("a/index.html", b"A2").unwrap();
        staging.put("new/deep/index.html", b"N").unwrap();
        staging.abort();
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "A");
        assert!(
            !out.join("new").exists(),
            "directories made for the failed build are removed"
        );
        let left: Vec<_> = walkdir::WalkDir::new(&out)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().contains("pillar-tmp"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
        assert!(!cache.join(IN_PROGRESS).exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_stale_file_behind_a_link_is_not_removed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let cache = dir.path().join("cache");
        write(
            &out,
            &cache,
            &[file("media/photo.jpg", "v1"), file("index.html", "I")],
        )
        .unwrap();
        // The folder was moved out of the output and linked back in.
        let elsewhere = dir.path().join("outside-media");
        fs::create_dir(&elsewhere).unwrap();
        fs::write(elsewhere.join("photo.jpg"), "THE ONLY COPY").unwrap();
        fs::remove_dir_all(out.join("media")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("media")).unwrap();
        let r = write(&out, &cache, &[file("index.html", "I")]).unwrap();
        assert_eq!(r.removed, 0);
        assert_eq!(
            fs::read_to_string(elsewhere.join("photo.jpg")).unwrap(),
            "THE ONLY COPY"
        );
    }

    #[test]
    fn a_failed_build_leaves_the_file_that_was_to_become_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let cache = dir.path().join("cache");
        write(&out, &cache, &[file("notes", "ORIGINAL NOTES FILE")]).unwrap();
        let staging = Staging::begin(&out, &cache).unwrap();
        staging.put("notes/index.html", b"page").unwrap();
        staging.abort();
        assert_eq!(
            fs::read_to_string(out.join("notes")).unwrap(),
            "ORIGINAL NOTES FILE"
        );
        // A build that succeeds turns it into a folder.
        let r = write(&out, &cache, &[file("notes/index.html", "page")]).unwrap();
        assert_eq!((r.written, r.removed), (1, 0));
        assert_eq!(
            fs::read_to_string(out.join("notes/index.html")).unwrap(),
            "page"
        );
    }

    #[test]
    fn files_no_longer_made_are_removed_after_an_interrupted_build() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let cache = dir.path().join("cache");
        write(
            &out,
            &cache,
            &[file("a.html", "A"), file("withdrawn/index.html", "W")],
        )
        .unwrap();
        // A build was killed while it wrote.
        fs::write(cache.join(IN_PROGRESS), "").unwrap();
        let r = write(&out, &cache, &[file("a.html", "A")]).unwrap();
        assert_eq!(r.removed, 1);
        assert!(!out.join("withdrawn").exists());
    }

    #[test]
    fn a_second_file_at_one_path_is_refused_and_the_first_leaves_no_trace() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let cache = dir.path().join("cache");
        write(
            &out,
            &cache,
            &[file("index.html", "I"), file("robots.txt", "pillar's")],
        )
        .unwrap();
        // The author's file is staged; pillar's own, unchanged, is the second at that path.
        let staging = Staging::begin(&out, &cache).unwrap();
        staging.put("robots.txt", b"the author's").unwrap();
        let e = staging.put("robots.txt", b"pillar's").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        staging.abort();
        let names: Vec<String> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        let mut names = names;
        names.sort();
        assert_eq!(names, ["index.html", "robots.txt"]);
        assert_eq!(
            fs::read_to_string(out.join("robots.txt")).unwrap(),
            "pillar's"
        );
    }

    #[test]
    fn a_file_name_of_255_bytes_is_staged() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let cache = dir.path().join("cache");
        let name = format!("{}.html", "a".repeat(250));
        write(&out, &cache, &[file(&name, "long")]).unwrap();
        assert_eq!(fs::read_to_string(out.join(&name)).unwrap(), "long");
    }

    #[test]
    fn a_staged_kept_or_deferred_file_reads_back_as_put() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let cache = dir.path().join("cache");
        write(
            &out,
            &cache,
            &[file("kept.html", "K"), file("notes", "a file")],
        )
        .unwrap();
        let staging = Staging::begin(&out, &cache).unwrap();
        staging.put("kept.html", b"K").unwrap();
        staging.put("new.html", b"N").unwrap();
        staging.put("notes/index.html", b"D").unwrap();
        let read = |p: &str| Sink::read(&staging, p);
        assert_eq!(read("kept.html").as_deref(), Some(&b"K"[..]));
        assert_eq!(read("new.html").as_deref(), Some(&b"N"[..]));
        assert_eq!(read("notes/index.html").as_deref(), Some(&b"D"[..]));
        assert_eq!(read("missing.html"), None);
    }

    /// Every name in `dir`, at any depth, relative to it.
    fn tree(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| {
                let e = e.unwrap();
                e.path().strip_prefix(dir).unwrap().display().to_string()
            })
            .collect();
        names.sort();
        names
    }

    #[test]
    fn files_are_kept_only_as_the_last_build_wrote_them_and_once() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let cache = dir.path().join("cache");
        std::fs::create_dir_all(&out).unwrap();
        let staging = Staging::begin(&out, &cache).unwrap();
        for (path, text) in [
            ("a/index.html", "A"),
            ("b/index.html", "B"),
            ("c/index.html", "C"),
        ] {
            staging.put(path, text.as_bytes()).unwrap();
        }
        staging.commit().unwrap();
        std::fs::remove_file(out.join("b/index.html")).unwrap();
        std::fs::write(out.join("c/index.html"), "longer").unwrap();
        let staging = Staging::begin(&out, &cache).unwrap();
        let asked = [
            "a/index.html",
            "b/index.html",
            "c/index.html",
            "a/index.html",
            "d/index.html",
        ];
        let asked: Vec<String> = asked.iter().map(|p| (*p).to_owned()).collect();
        // Gone, of another length, asked for twice, never written: not kept.
        assert_eq!(staging.keep_all(&asked), [true, false, false, false, false]);
        assert_eq!(Sink::len(&staging), 1);
        assert!(
            !staging.keep("a/index.html").unwrap_or(false),
            "already taken"
        );
    }

    #[test]
    fn the_output_holds_only_the_site_and_the_cache_the_bookkeeping() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let cache = dir.path().join("cache");
        let stamp = Stamp {
            fingerprint: 7,
            pages: 1,
            warnings: "[]".into(),
        };
        let staging = Staging::begin(&out, &cache).unwrap();
        staging.put("index.html", b"I").unwrap();
        staging.commit_with(Some(&stamp)).unwrap();
        assert_eq!(tree(&out), ["index.html"]);
        assert_eq!(tree(&cache), [MANIFEST, WARNINGS]);
        let (again, files) = super::super::unchanged(&out, &cache, 7).unwrap();
        assert_eq!((again.pages, files), (1, 1));
    }

    #[test]
    fn an_output_folder_of_an_older_version_is_cleaned_and_its_bookkeeping_removed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let cache = dir.path().join("cache");
        fs::create_dir_all(out.join("gone")).unwrap();
        fs::write(out.join("index.html"), "I").unwrap();
        fs::write(out.join("gone/index.html"), "G").unwrap();
        fs::write(out.join("mine.txt"), "not pillar's").unwrap();
        let legacy = "#inputs\t0000000000000007\t1\n\
                      0000000000000000\t1\tindex.html\n0000000000000000\t1\tgone/index.html\n";
        fs::write(out.join(LEGACY[0]), legacy).unwrap();
        for name in &LEGACY[1..] {
            fs::write(out.join(name), "").unwrap();
        }
        assert!(super::super::unchanged(&out, &cache, 7).is_none());
        let r = write(&out, &cache, &[file("index.html", "I")]).unwrap();
        assert_eq!(r.removed, 1);
        assert_eq!(tree(&out), ["index.html", "mine.txt"]);
        assert_eq!(tree(&cache), [MANIFEST]);
    }
}
