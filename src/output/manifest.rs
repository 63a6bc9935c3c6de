//! What a build leaves for the next one: the manifest of the files it wrote (so that the next
//! build skips unchanged files and removes stale ones without reading the whole tree), the
//! stamp of its inputs with its warnings (so that an unchanged build stops at once), and the
//! lock that keeps two builds from writing one site at once.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::Path;

use super::{IN_PROGRESS, confined};

/// Lists what the last build wrote (hash, length, path), so that the next one can skip
/// unchanged files and remove files it no longer produces, without reading the whole tree.
pub const MANIFEST: &str = ".pillar-manifest";

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

pub(super) fn read_manifest(out: &Path) -> Manifest {
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
pub(super) const WARNINGS: &str = ".pillar-warnings.json";

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
