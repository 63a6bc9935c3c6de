//! What a build leaves for the next one, in its cache folder, outside the output: the
//! manifest of the files it wrote (so that the next build skips unchanged files and removes
//! stale ones without reading the whole tree), the stamp of its inputs with its warnings (so
//! that an unchanged build stops at once), and the marker of a build in progress; plus the
//! lock that keeps two builds from writing one site at once, taken on the output folder
//! itself. Output folders of older versions held the first three: [`legacy_manifest`] reads
//! theirs once, so that the files they list are still cleaned up.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::Path;

use super::confined;

/// Lists what the last build wrote (hash, length, path), so that the next one can skip
/// unchanged files and remove files it no longer produces, without reading the whole tree.
pub(super) const MANIFEST: &str = "manifest";
/// The warnings of the last build, beside the manifest.
pub(super) const WARNINGS: &str = "warnings.json";
/// Present while a build writes; found at the start of a build, it means the last one was
/// interrupted, and the manifest cannot be trusted.
pub(super) const IN_PROGRESS: &str = "writing";

/// The names older versions gave these files inside the output folder (and the lock file
/// of older still), removed from it by the first build of this version.
pub const LEGACY: [&str; 4] = [
    ".pillar-manifest",
    ".pillar-warnings.json",
    ".pillar-writing",
    ".pillar-lock",
];

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

pub(super) type Manifest = HashMap<String, (u64, u64)>;

/// The manifest in the cache folder `cache`, if there is one.
pub(super) fn read_manifest(cache: &Path) -> Option<Manifest> {
    read_regular(&cache.join(MANIFEST)).map(|t| parse_manifest(&t))
}

/// The manifest an older version left inside the output folder `out`, if any, and whether
/// that build was interrupted.
pub(super) fn legacy_manifest(out: &Path) -> Option<(Manifest, bool)> {
    let text = read_regular(&out.join(LEGACY[0]))?;
    let interrupted = fs::symlink_metadata(out.join(LEGACY[2])).is_ok();
    Some((parse_manifest(&text), interrupted))
}

/// The text of a file that is a file, not a link.
fn read_regular(path: &Path) -> Option<String> {
    fs::symlink_metadata(path).ok().filter(|m| m.is_file())?;
    fs::read_to_string(path).ok()
}

fn parse_manifest(text: &str) -> Manifest {
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

/// The stamp of the last build into `out` (whose bookkeeping is in `cache`) if its inputs
/// had `fingerprint` and every file it wrote is still there, whole (same length) — so a new
/// build would write the same bytes. An output folder that still holds an older version's
/// bookkeeping is built again, which cleans it.
pub fn unchanged(out: &Path, cache: &Path, fingerprint: u64) -> Option<(Stamp, usize)> {
    if cache.join(IN_PROGRESS).exists() || LEGACY.iter().any(|n| out.join(n).exists()) {
        return None;
    }
    let text = read_regular(&cache.join(MANIFEST))?;
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
    let warnings = fs::read_to_string(cache.join(WARNINGS)).unwrap_or_else(|_| "[]".into());
    Some((
        Stamp {
            fingerprint,
            pages,
            warnings,
        },
        files,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

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
