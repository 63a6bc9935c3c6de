//! Loading: walk `content/`, read each file as UTF-8, split TOML front matter from Markdown
//! and parse it. Nothing is interpreted here; every piece keeps the byte offset it came from
//! so that later stages can report `path:line:col` in the original file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::config::Config;
use crate::date::PartialDate;
use crate::diag::{Diagnostic, Diagnostics, decode, toml_diagnostic};
use crate::project::is_ignored;

pub mod snapshot;

use snapshot::{Read, Snapshot, Stat};

/// A Markdown file from `content/`, split but not yet rendered.
#[derive(Debug)]
pub struct ContentFile {
    /// Path relative to `content/`, with `/` separators: `departments/dpo.md`.
    pub rel: String,
    /// Path as shown in messages: `content/departments/dpo.md`.
    pub shown: PathBuf,
    pub front: FrontMatter,
    /// Byte offset of the Markdown body in the text.
    pub body_start: usize,
    /// The text's length in bytes (a hint of how long its page takes).
    pub len: usize,
    /// The file on disk.
    pub abs: PathBuf,
    /// Hash of the front matter (the text before the body), to notice a file that changed
    /// between loading and rendering.
    front_hash: u64,
    /// Hash of the whole text as loaded: what an incremental build compares.
    text_hash: u64,
    /// The whole file (BOM removed). The Markdown stage takes it, so that a big site does not
    /// hold every source and every rendered page in memory at once.
    text: std::sync::Mutex<Text>,
    /// What was read of it, for the next build's [`Snapshot`].
    read: Option<Read>,
}

/// Where a content file's text is.
#[derive(Debug)]
enum Text {
    Held(Arc<str>),
    /// Released after loading (big sites): read again when its page renders.
    OnDisk,
    Taken,
}

/// Above this much Markdown, sources are released after loading and read again one by one as
/// their pages render, so that memory does not hold the whole site twice.
pub const KEEP_SOURCES_BELOW: usize = 16 * 1024 * 1024;

impl ContentFile {
    /// A file read now: `text` (byte order mark removed), in the state `stat`.
    fn new(
        (rel, shown, abs): (String, PathBuf, PathBuf),
        text: &str,
        front: FrontMatter,
        body_start: usize,
        stat: Option<Stat>,
    ) -> Self {
        let text_hash = xxhash_rust::xxh3::xxh3_64(text.as_bytes());
        Self {
            rel,
            shown,
            abs,
            front_hash: xxhash_rust::xxh3::xxh3_64(&text.as_bytes()[..body_start]),
            text_hash,
            front,
            body_start,
            len: text.len(),
            text: std::sync::Mutex::new(Text::Held(Arc::from(text))),
            read: stat.map(|stat| Read {
                stat,
                head: text[..body_start].to_owned(),
                len: text.len(),
                text_hash,
            }),
        }
    }

    /// A file as the last build read it, still in that state: its text stays on disk until
    /// its page renders. `None` when its front matter no longer parses as it did.
    fn recorded((rel, shown, abs): (String, PathBuf, PathBuf), read: &Read) -> Option<Self> {
        let (front_text, _, body_start) = split_front_matter(&read.head).ok()?;
        // It parsed, with no unknown key, when it was recorded: serde alone reads it again,
        // without the spans that locate a problem (4 ms of a 164 ms rebuild at 10,000 pages).
        let front = match front_text {
            Some(t) => toml::from_str(t).ok()?,
            None => FrontMatter::default(),
        };
        (body_start == read.head.len()).then(|| Self {
            rel,
            shown,
            abs,
            front_hash: xxhash_rust::xxh3::xxh3_64(read.head.as_bytes()),
            text_hash: read.text_hash,
            front,
            body_start,
            len: read.len,
            text: std::sync::Mutex::new(Text::OnDisk),
            read: Some(read.clone()),
        })
    }

    /// What the next build may trust of this file without reading it (`None`: nothing).
    pub fn read_record(&self) -> Option<&Read> {
        self.read.as_ref()
    }

    /// The hash of the front matter as loaded.
    pub fn front_hash(&self) -> u64 {
        self.front_hash
    }

    /// The hash of the whole text as loaded.
    pub fn text_hash(&self) -> u64 {
        self.text_hash
    }

    /// Lets the text go; it is read again from disk when needed.
    pub fn release(&self) {
        if let Ok(mut t) = self.text.lock() {
            *t = Text::OnDisk;
        }
    }

    /// The file's text, while the Markdown stage has not taken it.
    pub fn text(&self) -> Option<Arc<str>> {
        match &*self.text.lock().ok()? {
            Text::Held(t) => Some(t.clone()),
            Text::OnDisk => self.reread().ok(),
            Text::Taken => None,
        }
    }

    /// Takes the file's text: after this, the file no longer holds it. An error when a released
    /// file can no longer be read, or changed its front matter since it was loaded.
    pub fn take_text(&self) -> Result<Option<Arc<str>>, Diagnostic> {
        let Ok(mut guard) = self.text.lock() else {
            return Ok(None);
        };
        match std::mem::replace(&mut *guard, Text::Taken) {
            Text::Held(t) => Ok(Some(t)),
            Text::OnDisk => self.reread().map(Some),
            Text::Taken => Ok(None),
        }
    }

    fn reread(&self) -> Result<Arc<str>, Diagnostic> {
        let bytes = std::fs::read(&self.abs)
            .map_err(|e| Diagnostic::file(&self.shown, format!("cannot read: {e}")))?;
        let text = decode(&bytes, &self.shown)?;
        let same = text.len() >= self.body_start
            && text.is_char_boundary(self.body_start)
            && xxhash_rust::xxh3::xxh3_64(&text.as_bytes()[..self.body_start]) == self.front_hash;
        if !same {
            return Err(Diagnostic::file(
                &self.shown,
                "the file changed while the site was being built",
            )
            .with_hint("build again"));
        }
        Ok(Arc::from(text))
    }
}

/// The keys of [`FrontMatter`], in its order, for the report of unknown keys.
const FRONT_MATTER_KEYS: [&str; 9] = [
    "title",
    "description",
    "date",
    "updated",
    "draft",
    "weight",
    "template",
    "sort_by",
    "extra",
];

/// Front matter of a page or section, as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub date: Option<PartialDate>,
    pub updated: Option<PartialDate>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub weight: i64,
    pub template: Option<String>,
    /// Sections only: how their pages are ordered (`weight`, `date` or `title`).
    pub sort_by: Option<SortBy>,
    #[serde(default)]
    pub extra: toml::Table,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    Weight,
    Date,
    Title,
}

/// A non-Markdown file under `content/`, copied to the same place in the output.
#[derive(Debug, Clone)]
pub struct AssetFile {
    pub rel: String,
    pub abs: PathBuf,
}

/// Everything read from disk.
#[derive(Debug, Default)]
pub struct Loaded {
    pub files: Vec<ContentFile>,
    pub assets: Vec<AssetFile>,
    /// Content paths of the pages read from the default edition's folder, since this
    /// edition has no translation of them.
    pub untranslated: std::collections::BTreeSet<String>,
    /// When reading began, for the [`Snapshot`] of what was read.
    pub started: std::time::Duration,
}

/// Reads `content/`, but for the files still as `last` recorded them. Problems with
/// individual files are collected.
pub fn load(config: &Config, last: &Snapshot) -> Result<Loaded, Vec<Diagnostic>> {
    let started = snapshot::now();
    let mut diags = Diagnostics::default();
    let mut paths = Vec::new();
    let mut assets = Vec::new();
    if config.content_dir.is_dir() {
        walk(
            config,
            &config.content_dir,
            &mut paths,
            &mut assets,
            &mut diags,
        );
    }
    let untranslated = fallback(config, &mut paths, &mut assets, &mut diags);
    let root = &config.root;
    // Read and split in parallel: on big sites this is most of the I/O.
    use rayon::prelude::*;
    let results: Vec<Result<ContentFile, Vec<Diagnostic>>> = paths
        .par_iter()
        .map(|(rel, abs)| read_content(root, (rel, abs), last))
        .collect();
    let mut files = Vec::with_capacity(results.len());
    let mut total = 0;
    for r in results {
        match r {
            Ok(f) => {
                total += f.len;
                files.push(f);
            }
            Err(ds) => diags.0.extend(ds),
        }
    }
    if total > KEEP_SOURCES_BELOW {
        files.iter().for_each(ContentFile::release);
    }
    if diags.has_errors() {
        return Err(diags.sorted());
    }
    Ok(Loaded {
        files,
        assets,
        untranslated,
        started,
    })
}

/// For an edition in another language: the pages and files of the default edition's folder
/// that this edition's folder lacks, added to `paths` and `assets`. Returns the pages'
/// content paths.
fn fallback(
    config: &Config,
    paths: &mut Vec<(String, PathBuf)>,
    assets: &mut Vec<AssetFile>,
    diags: &mut Diagnostics,
) -> std::collections::BTreeSet<String> {
    let Some(t) = &config.translation else {
        return std::collections::BTreeSet::new();
    };
    let (mut theirs, mut their_assets) = (Vec::new(), Vec::new());
    walk(
        config,
        &t.fallback_dir,
        &mut theirs,
        &mut their_assets,
        diags,
    );
    let ours: std::collections::HashSet<String> = (paths.iter().map(|(rel, _)| rel.clone()))
        .chain(assets.iter().map(|a| a.rel.clone()))
        .collect();
    theirs.retain(|(rel, _)| !ours.contains(rel));
    their_assets.retain(|a| !ours.contains(&a.rel));
    let untranslated = theirs.iter().map(|(rel, _)| rel.clone()).collect();
    paths.extend(theirs);
    assets.extend(their_assets);
    untranslated
}

/// Reads the data file (`None` when the site has none).
pub fn data_file(config: &Config) -> Result<Option<(PathBuf, String)>, Diagnostic> {
    let Some(p) = &config.data_file else {
        return Ok(None);
    };
    let shown = config.show(p);
    match std::fs::read(p) {
        Ok(bytes) => decode(&bytes, &shown).map(|text| Some((shown, text))),
        Err(e) => Err(Diagnostic::file(
            shown,
            format!("cannot read the data file: {e}"),
        )),
    }
}

fn walk(
    config: &Config,
    dir: &Path,
    paths: &mut Vec<(String, PathBuf)>,
    assets: &mut Vec<AssetFile>,
    diags: &mut Diagnostics,
) {
    let root = config
        .root
        .canonicalize()
        .unwrap_or_else(|_| config.root.clone());
    let mut it = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    loop {
        let entry = match it.next() {
            None => break,
            Some(Ok(e)) => e,
            Some(Err(e)) => {
                let path = e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| dir.to_path_buf());
                let dangling = std::fs::symlink_metadata(&path)
                    .is_ok_and(|m| m.file_type().is_symlink())
                    && std::fs::metadata(&path).is_err();
                let msg = if e.loop_ancestor().is_some() {
                    "symbolic link loop: this directory links back to one of its parents".to_owned()
                } else if dangling {
                    let target = std::fs::read_link(&path)
                        .map(|t| t.display().to_string())
                        .unwrap_or_default();
                    format!("broken symbolic link: it points to {target}, which does not exist")
                } else {
                    format!(
                        "cannot read: {}",
                        e.io_error()
                            .map_or_else(|| e.to_string(), ToString::to_string)
                    )
                };
                diags.push(Diagnostic::file(config.show(&path), msg));
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy();
        // The folders of the other editions are theirs.
        let other_edition = entry.depth() == 1
            && entry.file_type().is_dir()
            && config.content_skip.iter().any(|l| *l == name);
        if entry.depth() > 0 && (is_ignored(&name) || other_edition) {
            if entry.file_type().is_dir() {
                it.skip_current_dir();
            }
            continue;
        }
        if entry.path_is_symlink() {
            // A link may point anywhere; only follow it when it stays inside the project.
            match entry.path().canonicalize() {
                Ok(target) if target.starts_with(&root) => {}
                Ok(target) => {
                    diags.push(
                        Diagnostic::file(
                            config.show(entry.path()),
                            format!(
                                "symbolic link points outside the project (to {})",
                                target.display()
                            ),
                        )
                        .with_hint("copy the file into the project instead of linking to it"),
                    );
                    if entry.file_type().is_dir() {
                        it.skip_current_dir();
                    }
                    continue;
                }
                Err(e) => {
                    diags.push(Diagnostic::file(
                        config.show(entry.path()),
                        format!("broken symbolic link: {e}"),
                    ));
                    continue;
                }
            }
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let abs = entry.path().to_path_buf();
        if Some(&abs) == config.data_file.as_ref() || config.is_data_overlay(&abs) {
            continue;
        }
        let Ok(rel) = abs.strip_prefix(dir) else {
            continue;
        };
        // On Windows `\` separates folders; elsewhere it is part of a name, which the site
        // would write as a folder (issue 16, bug 12): refused before anything is written.
        if cfg!(not(windows)) && rel.to_str().is_some_and(|s| s.contains('\\')) {
            diags.push(
                Diagnostic::error(config.show(&abs), 1, 1, "file name holds a backslash")
                    .with_hint("rename the file: a `\\` in a URL is read as a `/`"),
            );
            continue;
        }
        let Some(rel) = rel.to_str().map(|s| s.replace('\\', "/")) else {
            diags.push(Diagnostic::file(
                config.show(&abs),
                "file name is not valid UTF-8",
            ));
            continue;
        };
        if rel.ends_with(".md") {
            paths.push((rel, abs));
        } else if let Some((stem, ext)) = rel.rsplit_once('.')
            && (ext.eq_ignore_ascii_case("md") || ext.eq_ignore_ascii_case("markdown"))
        {
            // Published as it is, it would put its source (a draft's too) online.
            let name = stem.rsplit('/').next().unwrap_or(stem);
            diags.push(
                Diagnostic::file(config.show(&abs), "Markdown files end in .md (lower case)")
                    .with_hint(format!("rename it to {name}.md")),
            );
        } else {
            assets.push(AssetFile { rel, abs });
        }
    }
}

/// Reads the content file `abs` (`rel` in its folder), or takes what `last` recorded of it
/// when the file is still in that state.
fn read_content(
    root: &Path,
    (rel, abs): (&str, &Path),
    last: &Snapshot,
) -> Result<ContentFile, Vec<Diagnostic>> {
    let shown = crate::diag::display_path(root, abs);
    let names = || (rel.to_owned(), shown.clone(), abs.to_path_buf());
    let stat = std::fs::metadata(abs).ok().and_then(|m| Stat::of(&m));
    if let Some(file) = last
        .get(abs, stat)
        .and_then(|r| ContentFile::recorded(names(), r))
    {
        return Ok(file);
    }
    let bytes = std::fs::read(abs)
        .map_err(|e| vec![Diagnostic::file(&shown, format!("cannot read: {e}"))])?;
    let text = decode(&bytes, &shown).map_err(|d| vec![d])?;
    let (front_text, front_start, body_start) =
        split_front_matter(&text).map_err(|(offset, msg)| {
            vec![
                Diagnostic::at(&shown, &text, offset, msg)
                    .with_hint("front matter is TOML between two lines of `+++`"),
            ]
        })?;
    let front = match front_text {
        Some(t) => parse_front(&shown, &text, t, front_start)?,
        None => FrontMatter::default(),
    };
    Ok(ContentFile::new(names(), &text, front, body_start, stat))
}

/// Parses front matter `front`, at byte `start` of `text`, once: its keys are checked on the
/// parsed table, which is then read into a [`FrontMatter`].
fn parse_front(
    shown: &Path,
    text: &str,
    front: &str,
    start: usize,
) -> Result<FrontMatter, Vec<Diagnostic>> {
    let error = |e: toml::de::Error| vec![toml_diagnostic(shown, text, start, &e)];
    let table = toml::de::DeTable::parse(front).map_err(error)?;
    let unknown = unknown_keys(shown, text, &table, start);
    if !unknown.is_empty() {
        return Err(unknown);
    }
    FrontMatter::deserialize(toml::de::Deserializer::from(table)).map_err(error)
}

/// Every top-level key of front matter `table` (at byte `start` of `text`) that pillar does not
/// know, in file order, each at its line: serde would stop at the first, in its own order.
/// A Zola or Hugo key gets pillar's name for it; another, "did you mean" or the valid keys.
fn unknown_keys(
    shown: &Path,
    text: &str,
    table: &toml::Spanned<toml::de::DeTable>,
    start: usize,
) -> Vec<Diagnostic> {
    let mut keys: Vec<_> = table
        .get_ref()
        .keys()
        .filter(|k| !FRONT_MATTER_KEYS.contains(&k.get_ref().as_ref()))
        .collect();
    keys.sort_by_key(|k| k.span().start);
    let valid = FRONT_MATTER_KEYS.map(|k| format!("`{k}`")).join(", ");
    keys.into_iter()
        .map(|k| {
            let name: &str = k.get_ref();
            let (message, hint) = match crate::diag::foreign::front_matter_hint(name) {
                Some(h) => (format!("unknown key `{name}`"), Some(h.to_owned())),
                None => crate::diag::toml::explain_toml(&format!(
                    "unknown field `{name}`, expected one of {valid}"
                )),
            };
            let d = Diagnostic::at(shown, text, start + k.span().start, message);
            match hint {
                Some(h) => d.with_hint(h),
                None => d,
            }
        })
        .collect()
}

/// Splits `+++\nTOML\n+++\nbody`. Returns the front matter text (if any), its byte offset and
/// the offset of the body. A file without a leading `+++` line is all body.
pub fn split_front_matter(
    text: &str,
) -> Result<(Option<&str>, usize, usize), (usize, &'static str)> {
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_line_end].trim_end() != "+++" {
        return Ok((None, 0, 0));
    }
    let start = first_line_end;
    let mut pos = start;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        if text[pos..end].trim_end() == "+++" {
            return Ok((Some(&text[start..pos]), start, end));
        }
        pos = end;
    }
    Err((0, "front matter is not closed: no second `+++` line"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let t = "+++\ntitle = \"a\"\n+++\n# Body\n";
        let (fm, fs, bs) = split_front_matter(t).unwrap();
        assert_eq!(fm, Some("title = \"a\"\n"));
        assert_eq!(fs, 4);
        assert_eq!(&t[bs..], "# Body\n");
    }

    #[test]
    fn splits_front_matter_with_crlf() {
        let t = "+++\r\ntitle = \"a\"\r\n+++\r\nbody";
        let (fm, _, bs) = split_front_matter(t).unwrap();
        assert_eq!(fm, Some("title = \"a\"\r\n"));
        assert_eq!(&t[bs..], "body");
    }

    #[test]
    fn a_file_without_front_matter_is_all_body() {
        assert_eq!(split_front_matter("hello").unwrap(), (None, 0, 0));
        assert_eq!(split_front_matter("").unwrap(), (None, 0, 0));
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        assert!(split_front_matter("+++\ntitle = 1\n").is_err());
    }

    #[test]
    fn the_list_of_front_matter_keys_is_the_structs() {
        let e = toml::from_str::<FrontMatter>("zzz = 1").unwrap_err();
        let listed = FRONT_MATTER_KEYS.map(|k| format!("`{k}`")).join(", ");
        assert!(e.message().contains(&listed), "{} vs {listed}", e.message());
    }

    #[test]
    fn toml_errors_count_lines_from_the_top_of_the_file() {
        let t = "+++\ntitle = \"a\"\nweight = \"x\"\n+++\n";
        let (fm, fs, _) = split_front_matter(t).unwrap();
        let e = toml::from_str::<FrontMatter>(fm.unwrap()).unwrap_err();
        let d = toml_diagnostic(Path::new("p.md"), t, fs, &e);
        assert_eq!((d.line, d.col), (3, 10), "{d}");
    }
}
