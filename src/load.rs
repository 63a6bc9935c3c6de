//! Loading: walk `content/`, read each file as UTF-8, split TOML front matter from Markdown
//! and parse it. Nothing is interpreted here; every piece keeps the byte offset it came from
//! so that later stages can report `path:line:col` in the original file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::config::Config;
use crate::data::date::PartialDate;
use crate::diag::{Diagnostic, Diagnostics};

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
    /// The whole file (BOM removed). The Markdown stage takes it, so that a big site does not
    /// hold every source and every rendered page in memory at once.
    text: std::sync::Mutex<Text>,
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
    pub fn new(
        rel: String,
        shown: PathBuf,
        abs: PathBuf,
        text: &str,
        front: FrontMatter,
        body_start: usize,
    ) -> Self {
        Self {
            rel,
            shown,
            abs,
            front_hash: xxhash_rust::xxh3::xxh3_64(&text.as_bytes()[..body_start]),
            front,
            body_start,
            len: text.len(),
            text: std::sync::Mutex::new(Text::Held(Arc::from(text))),
        }
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
            .map_err(|e| Diagnostic::error(&self.shown, 1, 1, format!("cannot read: {e}")))?;
        let text = decode(&self.abs, &bytes, &self.shown)?;
        let same = text.len() >= self.body_start
            && text.is_char_boundary(self.body_start)
            && xxhash_rust::xxh3::xxh3_64(&text.as_bytes()[..self.body_start]) == self.front_hash;
        if !same {
            return Err(Diagnostic::error(
                &self.shown,
                1,
                1,
                "the file changed while the site was being built",
            )
            .with_hint("build again"));
        }
        Ok(Arc::from(text))
    }
}

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
}

/// Reads `content/`. Problems with individual files are collected.
pub fn load(config: &Config) -> Result<Loaded, Vec<Diagnostic>> {
    let mut diags = Diagnostics::default();
    let mut paths = Vec::new();
    let mut assets = Vec::new();
    if config.content_dir.is_dir() {
        walk(config, &mut paths, &mut assets, &mut diags);
    }
    let root = &config.root;
    // Read and split in parallel: on big sites this is most of the I/O.
    use rayon::prelude::*;
    let results: Vec<Result<ContentFile, Diagnostic>> = paths
        .par_iter()
        .map(|(rel, abs)| read_content(root, rel, abs))
        .collect();
    let mut files = Vec::with_capacity(results.len());
    let mut total = 0;
    for r in results {
        match r {
            Ok(f) => {
                total += f.len;
                files.push(f);
            }
            Err(d) => diags.push(d),
        }
    }
    if total > KEEP_SOURCES_BELOW {
        files.iter().for_each(ContentFile::release);
    }
    if diags.has_errors() {
        return Err(diags.sorted());
    }
    Ok(Loaded { files, assets })
}

/// Reads the data file (`None` when the site has none).
pub fn data_file(config: &Config) -> Result<Option<(PathBuf, String)>, Diagnostic> {
    let Some(p) = &config.data_file else {
        return Ok(None);
    };
    let shown = config.show(p);
    match std::fs::read(p) {
        Ok(bytes) => decode(p, &bytes, &shown).map(|text| Some((shown, text))),
        Err(e) => Err(Diagnostic::error(
            shown,
            1,
            1,
            format!("cannot read the data file: {e}"),
        )),
    }
}

/// Editor droppings and hidden files are never content.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
}

fn walk(
    config: &Config,
    paths: &mut Vec<(String, PathBuf)>,
    assets: &mut Vec<AssetFile>,
    diags: &mut Diagnostics,
) {
    let root = config
        .root
        .canonicalize()
        .unwrap_or_else(|_| config.root.clone());
    let mut it = walkdir::WalkDir::new(&config.content_dir)
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
                    .unwrap_or_else(|| config.content_dir.clone());
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
                diags.push(Diagnostic::error(config.show(&path), 1, 1, msg));
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy();
        if entry.depth() > 0 && is_ignored(&name) {
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
                        Diagnostic::error(
                            config.show(entry.path()),
                            1,
                            1,
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
                    diags.push(Diagnostic::error(
                        config.show(entry.path()),
                        1,
                        1,
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
        if Some(&abs) == config.data_file.as_ref() {
            continue;
        }
        let Ok(rel) = abs.strip_prefix(&config.content_dir) else {
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
            diags.push(Diagnostic::error(
                config.show(&abs),
                1,
                1,
                "file name is not valid UTF-8",
            ));
            continue;
        };
        if rel.ends_with(".md") {
            paths.push((rel, abs));
        } else {
            assets.push(AssetFile { rel, abs });
        }
    }
}

fn read_content(root: &Path, rel: &str, abs: &Path) -> Result<ContentFile, Diagnostic> {
    let shown = crate::diag::display_path(root, abs);
    let bytes = std::fs::read(abs)
        .map_err(|e| Diagnostic::error(&shown, 1, 1, format!("cannot read: {e}")))?;
    let text = decode(abs, &bytes, &shown)?;
    let (front_text, front_start, body_start) =
        split_front_matter(&text).map_err(|(offset, msg)| {
            Diagnostic::at(&shown, &text, offset, msg)
                .with_hint("front matter is TOML between two lines of `+++`")
        })?;
    let front = match front_text {
        Some(t) => toml::from_str::<FrontMatter>(t)
            .map_err(|e| toml_diagnostic(&shown, &text, front_start, &e))?,
        None => FrontMatter::default(),
    };
    Ok(ContentFile::new(
        rel.to_owned(),
        shown,
        abs.to_path_buf(),
        &text,
        front,
        body_start,
    ))
}

/// A file in the same folder whose name is close to `path`'s, for "did you mean" hints.
pub fn nearby_file(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let entries = std::fs::read_dir(path.parent()?).ok()?;
    let names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    crate::diag::did_you_mean(name, names.iter().map(String::as_str))
        .map(|n| path.with_file_name(n))
}

/// Bytes to text: UTF-8 only, with a byte-order mark removed. The error points at the first
/// invalid byte.
pub fn decode(_abs: &Path, bytes: &[u8], shown: &Path) -> Result<String, Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let text = String::from_utf8_lossy(valid);
            let (line, col) = crate::diag::line_col(&text, text.len());
            Err(
                Diagnostic::error(shown, line, col, "the file is not valid UTF-8")
                    .with_hint("save the file as UTF-8"),
            )
        }
    }
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

/// A TOML error as a located diagnostic; `base` is the offset of the TOML inside `text`.
pub fn toml_diagnostic(shown: &Path, text: &str, base: usize, e: &toml::de::Error) -> Diagnostic {
    let offset = base + e.span().map_or(0, |s| s.start);
    let raw = e.message().trim();
    let (message, hint) = explain_toml(raw.lines().next().unwrap_or(raw).trim_end_matches('.'));
    let d = Diagnostic::at(shown, text, offset, message);
    match hint {
        Some(h) => d.with_hint(h),
        None => d,
    }
}

/// Turns serde's wording into the user's: "unknown field `nmae`, expected one of …" becomes
/// "unknown key `nmae`" with a "did you mean" hint; Rust type names become TOML ones.
fn explain_toml(message: &str) -> (String, Option<String>) {
    let choices = |rest: &str| -> Vec<String> {
        rest.split(", ")
            .map(|c| c.trim().trim_matches('`').to_owned())
            .collect()
    };
    let suggest = |wanted: &str, options: &[String], noun: &str| -> String {
        let list = options
            .iter()
            .map(|o| format!("`{o}`"))
            .collect::<Vec<_>>()
            .join(", ");
        match crate::diag::did_you_mean(wanted, options.iter().map(String::as_str)) {
            Some(m) => format!("did you mean `{m}`?"),
            None => format!("valid {noun}: {list}"),
        }
    };
    for (prefix, noun, what) in [
        ("unknown field `", "keys", "unknown key"),
        ("unknown variant `", "values", "invalid value"),
    ] {
        if let Some(rest) = message.strip_prefix(prefix)
            && let Some((name, tail)) = rest.split_once('`')
        {
            let hint = tail
                .split_once("expected one of ")
                .map(|(_, list)| suggest(name, &choices(list), noun))
                .or_else(|| {
                    tail.contains("there are no fields")
                        .then(|| "this table takes no keys".to_owned())
                });
            return (format!("{what} `{name}`"), hint);
        }
    }
    let mut m = message.to_owned();
    for (rust, toml) in [
        ("expected i64", "expected an integer"),
        ("expected u64", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a sequence", "expected a list"),
        ("expected a map", "expected a table"),
        ("expected struct", "expected a table for"),
        ("invalid type: sequence", "invalid type: list"),
        ("invalid type: map", "invalid type: table"),
        ("invalid type: integer", "invalid type: number"),
    ] {
        m = m.replace(rust, toml);
    }
    if let Some(field) = m
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
    {
        return (
            format!("missing key `{field}`"),
            Some(format!("this table needs `{field}`")),
        );
    }
    (m, None)
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
    fn toml_errors_count_lines_from_the_top_of_the_file() {
        let t = "+++\ntitle = \"a\"\nweight = \"x\"\n+++\n";
        let (fm, fs, _) = split_front_matter(t).unwrap();
        let e = toml::from_str::<FrontMatter>(fm.unwrap()).unwrap_err();
        let d = toml_diagnostic(Path::new("p.md"), t, fs, &e);
        assert_eq!((d.line, d.col), (3, 10), "{d}");
    }

    #[test]
    fn toml_wording_is_the_users() {
        let (m, h) = explain_toml("unknown field `nmae`, expected one of `id`, `name`, `era`");
        assert_eq!(m, "unknown key `nmae`");
        assert_eq!(h.unwrap(), "did you mean `name`?");
        let (_, h) = explain_toml("unknown field `zzz`, expected one of `id`, `name`");
        assert_eq!(h.unwrap(), "valid keys: `id`, `name`");
        let (m, h) =
            explain_toml("unknown variant `during`, expected one of `before`, `after`, `both`");
        assert_eq!(m, "invalid value `during`");
        assert_eq!(h.unwrap(), "valid values: `before`, `after`, `both`");
        assert_eq!(
            explain_toml("invalid type: string \"x\", expected i64").0,
            "invalid type: string \"x\", expected an integer"
        );
    }

    #[test]
    fn invalid_utf8_points_at_the_bad_byte() {
        let d = decode(Path::new("x"), b"ok\nab\xFFc", Path::new("x.md")).unwrap_err();
        assert_eq!((d.line, d.col), (2, 3));
    }

    #[test]
    fn byte_order_mark_is_removed() {
        assert_eq!(
            decode(Path::new("x"), b"\xEF\xBB\xBFhi", Path::new("x")).unwrap(),
            "hi"
        );
    }
}
