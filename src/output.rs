//! The output stage: the only code that writes. Nothing touches the disk until the whole site
//! has rendered and passed its checks; then each file is written through a temporary file and
//! a rename, only where its bytes changed, and files an earlier build produced but this one
//! does not are removed. Every path is confined to the output directory, which may never be
//! the project root, `content/`, `theme/`, `/`, or a parent of any of them.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

/// A file of the finished site, with a path relative to the output directory.
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// What a write did.
#[derive(Debug, Default, Clone, Copy)]
pub struct WriteReport {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// Lists what the last build wrote (hash, length, path), so that the next one can skip
/// unchanged files and remove files it no longer produces, without reading the whole tree.
pub const MANIFEST: &str = ".pillar-manifest";
/// Present while a build writes; found at the start of a build, it means the last one was
/// interrupted, and the manifest cannot be trusted.
const IN_PROGRESS: &str = ".pillar-writing";
const TMP_SUFFIX: &str = ".pillar-tmp";

/// Refuses output directories that would overwrite or delete the project.
pub fn check_output_dir(root: &Path, out: &Path) -> Result<(), String> {
    let root = crate::config::normalize(root);
    let out = crate::config::normalize(out);
    let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let (root_c, out_c) = (canon(&root), canon_existing_prefix(&out));
    if out_c.parent().is_none() {
        return Err(format!(
            "refusing to use {} as the output directory: it is the file-system root",
            out.display()
        ));
    }
    if out_c == root_c || root_c.starts_with(&out_c) {
        return Err(format!(
            "refusing to use {} as the output directory: it holds the project (content, theme, configuration)",
            out.display()
        ));
    }
    for protected in ["content", "theme"] {
        if out_c.starts_with(root_c.join(protected)) {
            return Err(format!(
                "refusing to use {} as the output directory: it is inside {protected}/",
                out.display()
            ));
        }
    }
    if out.is_dir()
        && (out.join("content").is_dir()
            || out.join("theme").is_dir()
            || out.join(crate::config::CONFIG_FILE).is_file())
    {
        return Err(format!(
            "refusing to use {} as the output directory: it holds another project",
            out.display()
        ));
    }
    Ok(())
}

/// Canonicalizes the longest existing prefix of `p` (the rest may not exist yet).
fn canon_existing_prefix(p: &Path) -> PathBuf {
    let mut existing = p.to_path_buf();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(ToOwned::to_owned),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        out.push(name);
    }
    out
}

/// Checks a relative output path: no `..`, no root, no empty or odd components.
fn confined(out: &Path, rel: &str) -> io::Result<PathBuf> {
    let p = Path::new(rel);
    let ok = !rel.is_empty()
        && !rel.contains('\0')
        && p.components().all(|c| matches!(c, Component::Normal(_)));
    if !ok {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("refusing to write outside the output directory: {rel:?}"),
        ));
    }
    Ok(out.join(p))
}

/// A held lock on an output directory: two builds never write the same site at once.
pub struct Lock(#[allow(dead_code)] fs::File);

pub fn lock(out: &Path) -> io::Result<Lock> {
    fs::create_dir_all(out)?;
    // The directory itself is locked, so that no lock file is left for a host to publish.
    let f = fs::File::open(out)?;
    match f.try_lock() {
        Ok(()) => Ok(Lock(f)),
        Err(fs::TryLockError::WouldBlock) => Err(io::Error::new(
            io::ErrorKind::WouldBlock,
            format!(
                "another pillar build is writing to {}; wait for it to finish",
                out.display()
            ),
        )),
        Err(fs::TryLockError::Error(e)) => Err(e),
    }
}

type Manifest = HashMap<String, (u64, u64)>;

fn read_manifest(out: &Path) -> Manifest {
    let Ok(text) = fs::read_to_string(out.join(MANIFEST)) else {
        return Manifest::new();
    };
    text.lines()
        .filter_map(|l| {
            let mut it = l.splitn(3, '\t');
            let hash = u64::from_str_radix(it.next()?, 16).ok()?;
            let len = it.next()?.parse().ok()?;
            Some((it.next()?.to_owned(), (hash, len)))
        })
        .collect()
}

/// What a build recorded about its inputs, so that the next build can tell nothing changed.
#[derive(Debug, Clone)]
pub struct Stamp {
    /// A hash of every input: see `crate::fingerprint`.
    pub fingerprint: u64,
    pub pages: usize,
    /// The build's warnings (JSON), printed again by a build that finds nothing changed.
    pub warnings: String,
}

/// The warnings of the last build, beside the manifest.
const WARNINGS: &str = ".pillar-warnings.json";

/// The stamp of the last build into `out` if its inputs had `fingerprint` and every file it
/// wrote is still there, whole (same length) — so a new build would write the same bytes.
pub fn unchanged(out: &Path, fingerprint: u64) -> Option<(Stamp, usize)> {
    if out.join(IN_PROGRESS).exists() {
        return None;
    }
    let text = fs::read_to_string(out.join(MANIFEST)).ok()?;
    let mut lines = text.lines();
    let mut head = lines.next()?.strip_prefix("#inputs\t")?.split('\t');
    let recorded = u64::from_str_radix(head.next()?, 16).ok()?;
    let pages: usize = head.next()?.parse().ok()?;
    if recorded != fingerprint {
        return None;
    }
    let mut files = 0;
    for line in lines {
        let mut it = line.splitn(3, '\t');
        let (_, len, rel) = (it.next()?, it.next()?.parse::<u64>().ok()?, it.next()?);
        let meta = fs::symlink_metadata(confined(out, rel).ok()?).ok()?;
        if !meta.is_file() || meta.len() != len {
            return None;
        }
        files += 1;
    }
    let warnings = fs::read_to_string(out.join(WARNINGS)).unwrap_or_else(|_| "[]".into());
    Some((
        Stamp {
            fingerprint,
            pages,
            warnings,
        },
        files,
    ))
}

/// Writes a whole site into `out` at once: stage every file, then commit.
pub fn write(out: &Path, files: &[OutputFile]) -> io::Result<WriteReport> {
    let staging = Staging::begin(out)?;
    files
        .par_iter()
        .try_for_each(|f| staging.put(&f.path, &f.bytes))?;
    staging.commit()
}

/// A build's files on their way into the output directory. Each changed file is written, as
/// soon as it is rendered, to a hidden temporary file beside its target; [`Staging::commit`]
/// renames them all into place, removes stale files and records the manifest, while
/// [`Staging::abort`] (or dropping the staging) deletes them, leaving the previous site exactly
/// as it was. Readers never see a half-written file, and a big site never has to sit in
/// memory whole.
pub struct Staging {
    out: PathBuf,
    old: Manifest,
    /// The output directory was empty: nothing can be unchanged, nothing needs a look.
    fresh: bool,
    interrupted: bool,
    state: std::sync::Mutex<StageState>,
    done: bool,
    _lock: Lock,
}

#[derive(Default)]
struct StageState {
    /// path → (hash, length, staged for writing).
    files: HashMap<String, (u64, usize, bool)>,
    /// Directories this build created, to remove again if it fails.
    created: Vec<PathBuf>,
    known_dirs: HashSet<PathBuf>,
}

impl Staging {
    /// Locks `out` and prepares it (creating it if needed).
    pub fn begin(out: &Path) -> io::Result<Self> {
        let lock = lock(out)?;
        let out = out.canonicalize()?;
        let interrupted = out.join(IN_PROGRESS).exists();
        let fresh = fs::read_dir(&out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        // After an interrupted build, files may differ from what the manifest says.
        let old = if interrupted {
            Manifest::new()
        } else {
            read_manifest(&out)
        };
        fs::write(out.join(IN_PROGRESS), b"")?;
        // Earlier versions locked a file; the directory itself is locked now.
        let _ = fs::remove_file(out.join(".pillar-lock"));
        let state = StageState {
            known_dirs: HashSet::from([out.clone()]),
            ..StageState::default()
        };
        Ok(Self {
            out,
            old,
            fresh,
            interrupted,
            state: std::sync::Mutex::new(state),
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
            && match self.old.get(rel) {
                Some(&(h, _)) => h == hash,
                // Not in the manifest: compare the bytes themselves.
                None => fs::read(&target).is_ok_and(|b| b == bytes),
            };
        {
            let mut st = self.state()?;
            if st
                .files
                .insert(rel.to_owned(), (hash, bytes.len(), !unchanged))
                .is_some()
            {
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
                ensure_dir(&self.out, parent, known_dirs, created)?;
            }
        }
        if !unchanged {
            let mut f = fs::File::create(tmp_path(&target))?;
            f.write_all(bytes)?;
        }
        Ok(())
    }

    /// Moves every staged file into place, removes what the site no longer produces and
    /// records the manifest.
    pub fn commit(self) -> io::Result<WriteReport> {
        self.commit_with(None)
    }

    /// Like [`commit`](Self::commit), recording the build's inputs (see [`unchanged`]).
    pub fn commit_with(mut self, stamp: Option<&Stamp>) -> io::Result<WriteReport> {
        let st = std::mem::take(&mut *self.state()?);
        let mut report = WriteReport::default();
        let mut paths: Vec<(&String, &(u64, usize, bool))> = st.files.iter().collect();
        paths.sort();
        let staged: Vec<&String> = paths.iter().filter(|(_, v)| v.2).map(|(p, _)| *p).collect();
        staged.par_iter().try_for_each(|rel| {
            let target = self.out.join(rel);
            replace(&tmp_path(&target), &target)
        })?;
        let mut manifest = String::with_capacity(paths.len() * 48);
        if let Some(st) = stamp {
            manifest.push_str(&format!("#inputs\t{:016x}\t{}\n", st.fingerprint, st.pages));
        }
        for (rel, (hash, len, written)) in &paths {
            if *written {
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
            if let Ok(p) = confined(&self.out, rel)
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
            Some(st) => write_atomic(&self.out.join(WARNINGS), st.warnings.as_bytes())?,
            None => {
                let _ = fs::remove_file(self.out.join(WARNINGS));
            }
        }
        write_atomic(&self.out.join(MANIFEST), manifest.as_bytes())?;
        fs::remove_file(self.out.join(IN_PROGRESS))?;
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
        for (rel, (_, _, staged)) in &st.files {
            if *staged {
                let _ = fs::remove_file(tmp_path(&self.out.join(rel)));
            }
        }
        for dir in std::mem::take(&mut st.created).iter().rev() {
            let _ = fs::remove_dir(dir);
        }
        if !self.interrupted {
            let _ = fs::remove_file(self.out.join(IN_PROGRESS));
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        self.discard();
    }
}

fn tmp_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("file");
    target.with_file_name(format!(".{name}{TMP_SUFFIX}"))
}

/// Creates `dir` (inside `out`), refusing any existing component that is not a real directory.
/// Starts below the deepest directory already in `known`, and tries `mkdir` before looking, so
/// that a fresh output costs one system call per directory. Records what it made in `created`
/// (outermost first) and every directory it vouched for in `known`.
fn ensure_dir(
    out: &Path,
    dir: &Path,
    known: &mut HashSet<PathBuf>,
    created: &mut Vec<PathBuf>,
) -> io::Result<()> {
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
                _ => fs::remove_file(&at).and_then(|()| fs::create_dir(&at))?,
            },
            Err(e) => return Err(e),
        }
        known.insert(at.clone());
    }
    Ok(())
}

/// Renames `tmp` over `target`; a directory in the way (left by an older site) is removed first.
fn replace(tmp: &Path, target: &Path) -> io::Result<()> {
    match fs::rename(tmp, target) {
        Ok(()) => Ok(()),
        Err(e) if fs::symlink_metadata(target).is_ok_and(|m| m.is_dir()) => {
            fs::remove_dir_all(target).map_err(|_| e)?;
            fs::rename(tmp, target)
        }
        Err(e) => Err(e),
    }
}

/// Writes through a temporary file in the same directory and renames it over the target, so
/// that a reader (or a crash) never sees half a file.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("file");
    let tmp = target.with_file_name(format!(".{name}{TMP_SUFFIX}"));
    let mut f = fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    drop(f);
    replace(&tmp, target)
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

    fn file(path: &str, s: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: s.as_bytes().to_vec(),
        }
    }

    #[test]
    fn refuses_paths_that_climb_out() {
        let out = Path::new("/tmp/x");
        for bad in ["../a", "/etc/passwd", "a/../../b", "", "a\0b"] {
            assert!(confined(out, bad).is_err(), "{bad:?}");
        }
        assert!(confined(out, "a/b/index.html").is_ok());
    }

    #[test]
    fn rewrites_only_changed_files_and_removes_stale_ones() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let r = write(
            &out,
            &[file("a/index.html", "A"), file("b/index.html", "B")],
        )
        .unwrap();
        assert_eq!((r.written, r.unchanged, r.removed), (2, 0, 0));
        let r = write(&out, &[file("a/index.html", "A2")]).unwrap();
        assert_eq!((r.written, r.unchanged, r.removed), (1, 0, 1));
        assert!(
            !out.join("b").exists(),
            "empty folder of a removed page is removed too"
        );
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "A2");
        let r = write(&out, &[file("a/index.html", "A2")]).unwrap();
        assert_eq!((r.written, r.unchanged), (0, 1));
    }

    #[test]
    fn files_and_folders_may_trade_places() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write(&out, &[file("a", "file"), file("b/index.html", "B")]).unwrap();
        // `a` becomes a folder, `b` a file.
        let r = write(&out, &[file("a/index.html", "A"), file("b", "file")]).unwrap();
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
            let e = write(&out, &[file("a/index.html", "A")]).unwrap_err();
            assert!(e.to_string().contains("symbolic link"), "{e}");
            assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0);
        }
    }

    #[test]
    fn an_interrupted_write_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write(&out, &[file("a.html", "old")]).unwrap();
        // Simulate a killed build that changed the file after the manifest was written.
        fs::write(out.join("a.html"), "new").unwrap();
        fs::write(out.join(IN_PROGRESS), "").unwrap();
        fs::write(out.join(".x.html.pillar-tmp"), "half").unwrap();
        write(&out, &[file("a.html", "old")]).unwrap();
        assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "old");
        assert!(!out.join(".x.html.pillar-tmp").exists());
    }

    #[test]
    fn refuses_the_project_and_its_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("content")).unwrap();
        assert!(check_output_dir(root, root).is_err());
        assert!(check_output_dir(root, &root.join("content")).is_err());
        assert!(check_output_dir(root, &root.join("content/x")).is_err());
        assert!(check_output_dir(root, root.parent().unwrap()).is_err());
        assert!(check_output_dir(root, Path::new("/")).is_err());
        assert!(check_output_dir(root, &root.join("public")).is_ok());
    }

    #[test]
    fn an_aborted_staging_leaves_the_previous_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write(&out, &[file("a/index.html", "A")]).unwrap();
        let staging = Staging::begin(&out).unwrap();
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
        assert!(!out.join(IN_PROGRESS).exists());
    }

    #[test]
    fn a_second_lock_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let _held = lock(dir.path()).unwrap();
        assert_eq!(
            lock(dir.path()).err().unwrap().kind(),
            io::ErrorKind::WouldBlock
        );
    }
}
