//! The fingerprint of a build's inputs: the pillar binary, the configuration and the command
//! line, and the path, size and modification time of every file under `content/` and
//! `theme/`. When it matches the one recorded by the last build, and that build's files are
//! all still in place, the output is already what a build would write (a build is a pure
//! function of these inputs; see the determinism test), so `build` stops there. The same
//! inputs but for the Markdown files are an incremental build's [`skeleton`].

use std::hash::Hasher;
use std::path::Path;
use std::time::UNIX_EPOCH;

use xxhash_rust::xxh3::Xxh3;

use crate::config::{Config, Overrides};
use crate::project::CONFIG_FILE;

/// One walk of a build's inputs: the hash of every input (see [`Walk::inputs`]), and the
/// parts of an edition's [`skeleton`] that come from the theme and the content folders, so
/// that an incremental build does not walk them again (at 10,000 pages the walk of the content
/// took 7 ms).
pub struct Walk {
    /// The hash of every input of the build.
    pub inputs: u64,
    theme: (std::path::PathBuf, u64),
    content: (std::path::PathBuf, u64),
}

/// Hashes every input of a build of `config`.
pub fn inputs(config: &Config, overrides: &Overrides) -> Walk {
    let mut h = program_and_config(config);
    h.update(
        format!(
            "{:?}|{:?}|{}",
            overrides.base_url, config.output_dir, overrides.drafts
        )
        .as_bytes(),
    );
    let content = tree(&mut h, &config.content_dir, for_skeleton);
    let theme = tree(&mut h, &config.theme_dir, |e| !e.file_type().is_dir());
    if let Some(data) = &config.data_file {
        stat(&mut h, data);
    }
    Walk {
        inputs: h.finish(),
        theme: (config.theme_dir.clone(), theme),
        content: (config.content_dir.clone(), content),
    }
}

/// Starts the hash of what every page of an edition may depend on besides its own source:
/// the pillar binary, the configuration as the edition sees it, the theme, the data file and
/// its overlay, and every file under `content` (the whole content folder, other editions'
/// included) — its path, and its size and time unless it is Markdown, whose front matter and
/// text the build hashes itself. An incremental build adds the pages' front matter. The
/// theme's and the content's parts come from `walk` when it walked those folders.
pub fn skeleton(config: &Config, content: &Path, walk: Option<&Walk>) -> Xxh3 {
    let mut h = program_and_config(config);
    h.update(format!("{config:?}").as_bytes());
    let part =
        |dir: &Path, walked: Option<&(std::path::PathBuf, u64)>, with_stat: fn(&_) -> bool| {
            match walked.filter(|(d, _)| d == dir) {
                Some((_, hash)) => *hash,
                None => tree(&mut Xxh3::new(), dir, with_stat),
            }
        };
    h.write_u64(part(&config.theme_dir, walk.map(|w| &w.theme), |e| {
        !e.file_type().is_dir()
    }));
    h.write_u64(part(content, walk.map(|w| &w.content), for_skeleton));
    let overlay = config.translation.as_ref().and_then(|t| t.overlay.as_ref());
    for file in config.data_file.iter().chain(overlay) {
        stat(&mut h, file);
    }
    h
}

/// Whether a skeleton hashes the size and time of the entry of the content folder: a file
/// that is not Markdown (a folder's time changes when a file in it is replaced; the files'
/// paths say enough).
fn for_skeleton(e: &walkdir::DirEntry) -> bool {
    let md = (e.path().extension()).is_some_and(|x| x.eq_ignore_ascii_case("md"));
    !e.file_type().is_dir() && !md
}

/// The hash of the pillar program and the configuration file.
fn program_and_config(config: &Config) -> Xxh3 {
    let mut h = program();
    h.update(&std::fs::read(config.root.join(CONFIG_FILE)).unwrap_or_default());
    h
}

/// The hash of the pillar program: its version, and its file's size and time.
pub fn program() -> Xxh3 {
    let mut h = Xxh3::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    // A rebuilt pillar may render differently, whatever its version says.
    if let Ok(exe) = std::env::current_exe() {
        stat(&mut h, &exe);
    }
    h
}

/// Hashes the path, size and time of every entry under `dir` into `h`, and returns a hash of
/// the path of every entry and the size and time of those `part` accepts.
fn tree(h: &mut Xxh3, dir: &Path, part: fn(&walkdir::DirEntry) -> bool) -> u64 {
    let mut p = Xxh3::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = entry.path().as_os_str().as_encoded_bytes();
        h.update(path);
        p.update(path);
        if let Ok(meta) = entry.metadata() {
            meta_hash(h, &meta);
            if part(&entry) {
                meta_hash(&mut p, &meta);
            }
        }
    }
    p.finish()
}

fn stat(h: &mut Xxh3, path: &Path) {
    h.update(path.as_os_str().as_encoded_bytes());
    if let Ok(meta) = std::fs::metadata(path) {
        meta_hash(h, &meta);
    }
}

fn meta_hash(h: &mut Xxh3, meta: &std::fs::Metadata) {
    h.write_u64(meta.len());
    h.write_u8(u8::from(meta.is_dir()));
    if let Ok(t) = meta
        .modified()
        .map(|t| t.duration_since(UNIX_EPOCH).unwrap_or_default())
    {
        h.write_u64(t.as_secs());
        h.write_u32(t.subsec_nanos());
    }
}
