//! What the last build read of each Markdown file: the text before its body (the front
//! matter), the hash of its whole text, and the file's size, times and inode as they were when
//! it was read. A file whose status is still the one recorded is not read again: at 10,000
//! pages, reading and hashing sources that an incremental build would not render cost more
//! than anything else it did.
//!
//! Two files written within the resolution of a file system's clock get the same times (git
//! calls this the racy case). So an entry is trusted only when the file's change time was
//! already older, by [`MARGIN`], than the start of the build that recorded it: any write since
//! then has a later change time, which, unlike the modification time, no program can set back.
//! Where there is no change time (not Unix), nothing is trusted and every file is read.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// How much older than the recording build a file's change must be for its entry to count.
const MARGIN: Duration = Duration::from_secs(2);

/// What identifies a file's state without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stat {
    len: u64,
    modified: (i64, i64),
    changed: (i64, i64),
    inode: u64,
    device: u64,
}

impl Stat {
    /// The state of the file `meta` describes (`None`: this system gives no change time).
    pub fn of(meta: &std::fs::Metadata) -> Option<Self> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(Self {
                len: meta.len(),
                modified: (meta.mtime(), meta.mtime_nsec()),
                changed: (meta.ctime(), meta.ctime_nsec()),
                inode: meta.ino(),
                device: meta.dev(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }

    /// Whether the file changed before `time` (seconds and nanoseconds since 1970).
    fn changed_before(&self, time: Duration) -> bool {
        let (s, ns) = self.changed;
        let changed = u64::try_from(s)
            .ok()
            .map(|s| Duration::from_secs(s) + Duration::from_nanos(u64::try_from(ns).unwrap_or(0)));
        changed.is_some_and(|c| c < time)
    }
}

/// One file as a build read it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Read {
    pub stat: Stat,
    /// The text before the body: the front matter between its `+++` lines, or nothing.
    pub head: String,
    /// The length of the whole text (byte order mark removed).
    pub len: usize,
    /// The hash of the whole text.
    pub text_hash: u64,
}

/// What one build recorded.
#[derive(Default, Serialize, Deserialize)]
struct Record {
    /// When that build started to read, since 1970.
    started: Duration,
    /// Each file by its path on disk.
    files: Vec<(String, Read)>,
}

/// The last build's reads, to trust where the files are as they were.
#[derive(Default)]
pub struct Snapshot {
    files: HashMap<String, Read>,
}

impl Snapshot {
    /// The snapshot recorded at `path` by this program (empty when there is none, it does not
    /// parse, or another program recorded it).
    pub fn read(path: &Path) -> Self {
        let Ok(bytes) = std::fs::read(path) else {
            return Self::default();
        };
        let head = header();
        let record = (bytes.strip_prefix(head.as_bytes()))
            .and_then(|rest| postcard::from_bytes::<Record>(rest).ok())
            .unwrap_or_default();
        let trusted = record.started.saturating_sub(MARGIN);
        let files = (record.files.into_iter())
            .filter(|(_, r)| r.stat.changed_before(trusted))
            .collect();
        Self { files }
    }

    /// What was read of the file at `abs` when it is still in the state `stat` describes.
    pub fn get(&self, abs: &Path, stat: Option<Stat>) -> Option<&Read> {
        let read = self.files.get(abs.to_str()?)?;
        (Some(read.stat) == stat).then_some(read)
    }
}

/// The time a build starts to read, for [`write`].
pub fn now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

/// Writes to `path` what a build that started reading at `started` read of `files` (each a
/// file's path on disk and what was read of it).
pub fn write<'a>(
    path: &Path,
    started: Duration,
    files: impl Iterator<Item = (&'a Path, &'a Read)>,
) -> std::io::Result<()> {
    use std::io::Write;
    let files = files
        .filter_map(|(abs, r)| Some((abs.to_str()?, r)))
        .collect::<Vec<_>>();
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    out.write_all(header().as_bytes())?;
    postcard::to_io(&(started, files), &mut out).map_err(std::io::Error::other)?;
    out.flush()
}

/// The first line of a snapshot: this program's fingerprint, since another version may split
/// and hash files differently.
fn header() -> String {
    use std::hash::Hasher;
    format!(
        "pillar inputs {:016x}\n",
        crate::fingerprint::program().finish()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat_of(path: &Path) -> Option<Stat> {
        Stat::of(&std::fs::metadata(path).unwrap())
    }

    fn read_of(path: &Path, head: &str) -> Read {
        Read {
            stat: stat_of(path).unwrap(),
            head: head.into(),
            len: 3,
            text_hash: 7,
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_file_is_trusted_only_unchanged_and_changed_well_before_the_record() {
        let dir = tempfile::tempdir().unwrap();
        let (old, new) = (dir.path().join("old.md"), dir.path().join("new.md"));
        std::fs::write(&old, "abc").unwrap();
        std::fs::write(&new, "abc").unwrap();
        let record = dir.path().join("inputs.bin");
        let reads = [read_of(&old, "o"), read_of(&new, "n")];
        let paths = [old.as_path(), new.as_path()];
        // Recorded as if the build started long after both changes: both are trusted.
        let later = now() + Duration::from_secs(60);
        write(&record, later, paths.into_iter().zip(&reads)).unwrap();
        let snap = Snapshot::read(&record);
        assert_eq!(snap.get(&old, stat_of(&old)).unwrap().head, "o");
        // A build that started now: files changed within the margin before it are read.
        write(&record, now(), paths.into_iter().zip(&reads)).unwrap();
        let snap = Snapshot::read(&record);
        assert!(snap.get(&old, stat_of(&old)).is_none());
        // Rewritten with the same length: its state is no longer the one recorded.
        write(&record, later, paths.into_iter().zip(&reads)).unwrap();
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&new, "xyz").unwrap();
        let snap = Snapshot::read(&record);
        assert!(snap.get(&new, stat_of(&new)).is_none());
        assert!(snap.get(&old, stat_of(&old)).is_some());
    }

    #[test]
    fn a_record_of_another_program_or_cut_short_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.md");
        std::fs::write(&file, "abc").unwrap();
        let record = dir.path().join("inputs.bin");
        let Some(stat) = stat_of(&file) else { return };
        let reads = [read_of(&file, "a")];
        let later = now() + Duration::from_secs(60);
        write(&record, later, [file.as_path()].into_iter().zip(&reads)).unwrap();
        let bytes = std::fs::read(&record).unwrap();
        std::fs::write(&record, &bytes[..bytes.len() - 4]).unwrap();
        assert!(Snapshot::read(&record).get(&file, Some(stat)).is_none());
        let mut other = b"pillar inputs 0000000000000000\n".to_vec();
        other.extend_from_slice(&bytes[header().len()..]);
        std::fs::write(&record, other).unwrap();
        assert!(Snapshot::read(&record).get(&file, Some(stat)).is_none());
    }
}
