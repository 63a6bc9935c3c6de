//! The output stage: the only code that writes. Every file of a build goes into a [`Sink`]:
//! [`Memory`] for `check` and tests, [`Staging`] for `build` and `serve`, which writes each
//! changed file beside its target as it is rendered and renames them all into place once
//! every page has rendered and every check has passed; files an earlier build produced but
//! this one does not are removed. Every path is confined to the output directory, and the
//! output directory holds nothing but the site: what a build records for the next one lives
//! in a cache folder of its own (see [`manifest`]).

mod manifest;
mod staging;

use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

pub use manifest::{LEGACY, Lock, Stamp, lock, unchanged};
pub use staging::Staging;

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

const TMP_SUFFIX: &str = ".pillar-tmp";

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

/// Where the files of a build go. A sink keeps the first failure to itself and reports it
/// with [`Sink::error`], so that the pages rendering in parallel need not stop one another.
pub trait Sink: Sync {
    /// Receives one file of the site.
    fn put(&self, file: OutputFile);
    /// How many files it has received.
    fn len(&self) -> usize;
    /// Whether it has received none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The first file that could not be written, as a message.
    fn error(&self) -> Option<String>;
    /// The bytes of a file it has received, for the few that a check reads again.
    fn read(&self, path: &str) -> Option<Vec<u8>>;
    /// Takes the file the last build wrote at `path` as this build's, unread: an incremental
    /// build knows its bytes would be the same. False when the sink cannot vouch for that file
    /// (memory, a fresh or interrupted output, a file gone or changed), and it must be made.
    fn keep(&self, _path: &str) -> bool {
        false
    }
    /// [`Sink::keep`] for many files at once, in their order.
    fn keep_all(&self, paths: &[String]) -> Vec<bool> {
        paths.iter().map(|p| self.keep(p)).collect()
    }
    /// Whether [`Sink::keep`] can take any file: false for memory and for an output folder
    /// that is empty or was left by an interrupted build.
    fn can_keep(&self) -> bool {
        false
    }
}

/// A sink that keeps the site in memory.
#[derive(Default)]
pub struct Memory(Mutex<Vec<OutputFile>>);

impl Memory {
    /// The files, sorted by path, so that output and reports are reproducible.
    pub fn into_files(self) -> Vec<OutputFile> {
        let mut files = self.0.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

impl Sink for Memory {
    fn put(&self, file: OutputFile) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(file);
    }

    fn len(&self) -> usize {
        self.0.lock().map_or(0, |f| f.len())
    }

    fn error(&self) -> Option<String> {
        None
    }

    fn read(&self, path: &str) -> Option<Vec<u8>> {
        let files = self.0.lock().ok()?;
        files
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.bytes.clone())
    }
}

/// Writes a whole site into `out` at once, with its bookkeeping in `cache`: stage every
/// file, then commit.
pub fn write(out: &Path, cache: &Path, files: &[OutputFile]) -> io::Result<WriteReport> {
    let staging = Staging::begin(out, cache)?;
    files
        .par_iter()
        .try_for_each(|f| staging.put(&f.path, &f.bytes))?;
    staging.commit()
}

/// The hidden temporary file a target is written to: named after a hash of the target's
/// name, so that a legal name of 255 bytes still has a temporary one.
fn tmp_path(target: &Path) -> PathBuf {
    tmp_path_tagged(target, "")
}

/// The same, with `tag` after the hash.
fn tmp_path_tagged(target: &Path, tag: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.as_encoded_bytes())
        .unwrap_or(b"file");
    let hash = xxhash_rust::xxh3::xxh3_64(name);
    target.with_file_name(format!(".{hash:016x}{tag}{TMP_SUFFIX}"))
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
/// that a reader (or a crash) never sees half a file. The temporary file's name holds the
/// process id: two builds starting at once both record their output folder in the cache
/// before one of them gets the lock, and with one name the first rename took the other's file.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = tmp_path_tagged(target, &format!("-{}", std::process::id()));
    let mut f = fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    drop(f);
    replace(&tmp, target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_that_climb_out() {
        let out = Path::new("/tmp/x");
        for bad in ["../a", "/etc/passwd", "a/../../b", "", "a\0b"] {
            assert!(confined(out, bad).is_err(), "{bad:?}");
        }
        assert!(confined(out, "a/b/index.html").is_ok());
    }

    #[test]
    fn a_memory_sink_returns_its_files_sorted() {
        let sink = Memory::default();
        sink.put(OutputFile {
            path: "b".into(),
            bytes: b"B".to_vec(),
        });
        sink.put(OutputFile {
            path: "a".into(),
            bytes: b"A".to_vec(),
        });
        assert_eq!(sink.len(), 2);
        let paths: Vec<String> = sink.into_files().into_iter().map(|f| f.path).collect();
        assert_eq!(paths, ["a", "b"]);
    }
}
