//! An edition of the site: its language, the folder of its content and the prefix of its
//! files in the output. A project without `[[edition]]` has one; with them, the build is a
//! loop over editions into one sink, each under its prefix, each knowing the others for its
//! pages' alternates and language switcher.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::check::Scan;
use crate::config::{Config, Translation};
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::output::{OutputFile, Sink};

use super::{Checks, Failure};

/// One edition: what it changes of the site's configuration.
#[derive(Debug, Clone, Default)]
pub struct Edition {
    /// Its language (default: the configuration's).
    pub language: Option<String>,
    /// Its content folder (default: the configuration's `content/`).
    pub content_dir: Option<PathBuf>,
    /// Where its files go in the output, e.g. `fr/` (default: the top).
    pub prefix: String,
    /// Its own title and description (default: the configuration's).
    pub title: Option<String>,
    pub description: Option<String>,
    language_at: Option<Location>,
    /// What it takes from the default edition, when it is in another language.
    translation: Option<Translation>,
    /// Every edition of the site, this one among them (none for a site of one edition).
    pub siblings: Arc<[Sibling]>,
}

/// An edition as the others see it: where its pages are, and what its language is called.
#[derive(Debug, Clone, Serialize)]
pub struct Sibling {
    pub language: String,
    /// The language's name in itself (`language_name` of its interface strings).
    pub name: String,
    /// Its address and path, ending in `/`.
    pub base_url: String,
    pub base_path: String,
    /// Its prefix in the output: empty for the default edition, else `LANG/`.
    prefix: String,
    #[serde(skip)]
    content_dir: PathBuf,
}

/// A page's version in one edition, for `hreflang` and the language switcher.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Alternate<'a> {
    pub language: &'a str,
    pub name: &'a str,
    /// The page's address there, or that edition's home when it has no such page.
    pub href: String,
    /// The same, from this edition's root (for links that work wherever the site is served).
    pub path: String,
    /// Whether that edition has the page (else `href` is its home).
    pub same_page: bool,
    /// The edition this page belongs to.
    pub current: bool,
}

impl Edition {
    /// The editions of a site: the default one, then one per `[[edition]]`.
    pub fn all(config: &Config) -> Result<Vec<Edition>, Failure> {
        if config.editions.is_empty() {
            return Ok(vec![Edition::default()]);
        }
        let name = |lang: &str, at: Option<Location>| {
            crate::i18n::Strings::load(lang, &config.theme_dir, &config.root, at)
                .map(|s| s.get("language_name").to_owned())
                .map_err(Failure::Site)
        };
        let mut siblings = vec![Sibling {
            language: config.language.clone(),
            name: name(&config.language, config.language_at.clone())?,
            base_url: config.base_url.clone(),
            base_path: config.base_path.clone(),
            prefix: String::new(),
            content_dir: config.content_dir.clone(),
        }];
        for e in &config.editions {
            siblings.push(Sibling {
                language: e.language.clone(),
                name: name(&e.language, Some(e.at.clone()))?,
                base_url: format!("{}{}/", config.base_url, e.language),
                base_path: format!("{}{}/", config.base_path, e.language),
                prefix: format!("{}/", e.language),
                content_dir: config.content_dir.join(&e.language),
            });
        }
        let siblings: Arc<[Sibling]> = siblings.into();
        let mut all = vec![Edition {
            siblings: siblings.clone(),
            ..Edition::default()
        }];
        for e in &config.editions {
            all.push(Edition {
                language: Some(e.language.clone()),
                content_dir: Some(config.content_dir.join(&e.language)),
                prefix: format!("{}/", e.language),
                title: e.title.clone(),
                description: e.description.clone(),
                language_at: Some(e.at.clone()),
                translation: Some(Translation {
                    fallback_dir: config.content_dir.clone(),
                    fallback_language: config.language.clone(),
                    overlay: config
                        .data_file
                        .as_ref()
                        .map(|f| overlay_of(f, &e.language)),
                }),
                siblings: siblings.clone(),
            });
        }
        Ok(all)
    }

    /// The address of every edition, whose sitemaps `robots.txt` names: the site's own when
    /// it has one edition.
    pub(super) fn sitemaps<'a>(&'a self, config: &'a Config) -> Vec<&'a str> {
        if self.siblings.is_empty() {
            vec![config.base_url.as_str()]
        } else {
            self.siblings.iter().map(|s| s.base_url.as_str()).collect()
        }
    }

    /// Where this edition takes the theme's static files from, when it is not the default
    /// edition: the default edition's copies, by the way up to its root (`../` from `fr/`),
    /// and at its address. The files are the same in every edition, so one copy is written.
    pub(super) fn static_home(&self) -> Option<(String, &str)> {
        let default = self.siblings.first().filter(|_| !self.is_default())?;
        Some((self.up(), default.base_url.as_str()))
    }

    /// The way from this edition's root to the site's: `""`, or `../` for `fr/`.
    fn up(&self) -> String {
        "../".repeat(self.prefix.matches('/').count())
    }

    /// Whether this is the site's default edition (at the top of the output).
    pub fn is_default(&self) -> bool {
        self.prefix.is_empty()
    }

    /// The configuration as this edition sees it: its language, its content, and its address
    /// under the prefix.
    pub(super) fn config(&self, config: &Config) -> Config {
        let mut c = config.clone();
        if let Some(language) = &self.language {
            c.language.clone_from(language);
            c.language_at.clone_from(&self.language_at);
        }
        if let Some(dir) = &self.content_dir {
            c.content_dir.clone_from(dir);
        }
        if let Some(title) = &self.title {
            c.title.clone_from(title);
        }
        if let Some(description) = &self.description {
            c.description.clone_from(description);
        }
        c.translation.clone_from(&self.translation);
        if !self.prefix.is_empty() {
            c.base_url.push_str(&self.prefix);
            c.base_path.push_str(&self.prefix);
        }
        c
    }

    /// The page at content path `rel` (`None` for a generated page) in every edition: the
    /// page itself there, or that edition's home when it lacks it. Empty for a site of one
    /// edition.
    pub(super) fn alternates(&self, rel: Option<&str>, url: &str) -> Vec<Alternate<'_>> {
        let Some(default) = self.siblings.first() else {
            return Vec::new();
        };
        let mine = self.language.as_deref().unwrap_or(&default.language);
        let in_default = rel.is_none_or(|r| default.content_dir.join(r).is_file());
        (self.siblings.iter())
            .map(|s| {
                let current = s.language == mine;
                let same_page =
                    current || in_default || rel.is_some_and(|r| s.content_dir.join(r).is_file());
                let there = if same_page { url } else { "" };
                let up = self.up();
                Alternate {
                    language: &s.language,
                    name: &s.name,
                    href: format!("{}{there}", s.base_url),
                    path: format!("{up}{}{there}", s.prefix),
                    same_page,
                    current,
                }
            })
            .collect()
    }

    /// The sink the edition's files go into: `sink`, under the prefix, reading every HTML
    /// file for the link check when `checks` asks for one.
    pub(super) fn sink<'a>(&'a self, sink: &'a dyn Sink, checks: Checks) -> EditionSink<'a> {
        EditionSink {
            inner: sink,
            prefix: &self.prefix,
            links: checks.html_links.then(Mutex::default),
            others: (self.siblings.iter())
                .filter(|s| s.prefix != self.prefix && !s.prefix.is_empty())
                .map(|s| s.prefix.clone())
                .collect(),
        }
    }
}

/// Where a link of an edition's file leads.
#[derive(Debug, PartialEq, Eq)]
enum Leads {
    /// Into the edition itself (or nowhere a path can say): the edition's link check's.
    Here,
    /// Into another edition under a prefix, which may not be built yet: its switcher's.
    Elsewhere,
    /// Up into the default edition, already built: this file of it, from the site's root.
    Default(String),
}

/// Where the relative `link` in the file at `path` of the edition under `prefix` leads, when
/// `others` are the prefixes of the editions below the default one, besides this one.
fn leads(prefix: &str, path: &str, link: &str, others: &[String]) -> Leads {
    if link.contains(':') || link.starts_with('/') || link.starts_with('#') {
        return Leads::Here;
    }
    let target = link.split(['#', '?']).next().unwrap_or("");
    let target = percent_encoding::percent_decode_str(target).decode_utf8_lossy();
    let dir = path.rfind('/').map_or("", |i| &path[..=i]);
    let Some(full) = crate::markdown::links_normalize(&format!("{prefix}{dir}{target}")) else {
        return Leads::Here;
    };
    let first = full.split('/').next().unwrap_or("");
    if others.iter().any(|o| o.trim_end_matches('/') == first) {
        Leads::Elsewhere
    } else if prefix.is_empty() || full.starts_with(prefix) || format!("{full}/") == prefix {
        Leads::Here
    } else {
        Leads::Default(full)
    }
}

/// The overlay of `data_file` in `language`: `content/reform.toml` → `content/reform.fr.toml`.
pub fn overlay_of(data_file: &std::path::Path, language: &str) -> PathBuf {
    let stem = data_file.file_stem().unwrap_or_default().to_string_lossy();
    data_file.with_file_name(format!("{stem}.{language}.toml"))
}

/// The files of one edition on their way to the build's sink.
pub(super) struct EditionSink<'a> {
    inner: &'a dyn Sink,
    prefix: &'a str,
    /// Every file's path, and the ids and links of each HTML file, for `pillar check`.
    links: Option<Mutex<Links>>,
    /// The prefixes of the editions below this one in the output (`fr/`), for the default
    /// edition.
    others: Vec<String>,
}

#[derive(Default)]
struct Links {
    paths: HashSet<String>,
    scans: HashMap<String, Scan>,
}

impl Sink for EditionSink<'_> {
    fn put(&self, mut file: OutputFile) {
        if let Some(links) = &self.links {
            // Read here, in parallel, while the file is at hand.
            let scan = file
                .path
                .ends_with(".html")
                .then(|| crate::check::scan(&String::from_utf8_lossy(&file.bytes)));
            if let Ok(mut l) = links.lock() {
                l.paths.insert(file.path.clone());
                if let Some(scan) = scan {
                    l.scans.insert(file.path.clone(), scan);
                }
            }
        }
        if !self.prefix.is_empty() {
            file.path.insert_str(0, self.prefix);
        }
        self.inner.put(file);
    }

    fn len(&self) -> usize {
        self.inner.len()
    }

    fn error(&self) -> Option<String> {
        self.inner.error()
    }

    fn read(&self, path: &str) -> Option<Vec<u8>> {
        self.inner.read(&format!("{}{path}", self.prefix))
    }

    /// A kept file is one the link check does not read: `pillar check` keeps none.
    fn keep(&self, path: &str) -> bool {
        self.can_keep() && self.inner.keep(&format!("{}{path}", self.prefix))
    }

    fn keep_all(&self, paths: &[String]) -> Vec<bool> {
        if !self.can_keep() {
            return vec![false; paths.len()];
        }
        if self.prefix.is_empty() {
            return self.inner.keep_all(paths);
        }
        let ours: Vec<String> = paths
            .iter()
            .map(|p| format!("{}{p}", self.prefix))
            .collect();
        self.inner.keep_all(&ours)
    }

    fn can_keep(&self) -> bool {
        self.links.is_none() && self.inner.can_keep()
    }
}

impl EditionSink<'_> {
    /// Whether the default edition wrote `file` (a folder: its `index.html`).
    fn default_has(&self, file: &str) -> bool {
        let has = |p: &str| self.inner.read(p).is_some();
        if file.is_empty() || file.ends_with('/') {
            has(&format!("{file}index.html"))
        } else {
            has(file) || has(&format!("{file}/index.html"))
        }
    }

    /// Fails when a file could not be written.
    pub(super) fn written(&self) -> Result<(), Failure> {
        self.error().map_or(Ok(()), |e| Err(Failure::Tool(e)))
    }

    /// Verifies every internal link of the edition's HTML files, when the checks ask for it.
    pub(super) fn check_links(
        &self,
        source_of: &dyn Fn(&str, &str, String) -> Diagnostic,
    ) -> Result<(), Failure> {
        let Some(links) = &self.links else {
            return Ok(());
        };
        let mut links = std::mem::take(
            &mut *links
                .lock()
                .map_err(|_| Failure::Tool("a page thread failed while checking links".into()))?,
        );
        // Links into another edition are its language switcher's and alternates', made
        // from the files each edition has; they are not this edition's to check. Links up
        // into the default edition (its switcher, and the theme's static files, which only
        // the default edition writes) are checked against what it wrote.
        let mut problems = Vec::new();
        for (path, scan) in &mut links.scans {
            scan.retain_links(|l| match leads(self.prefix, path, l, &self.others) {
                Leads::Here => true,
                Leads::Elsewhere => false,
                Leads::Default(file) => {
                    if path != "404.html" && !self.default_has(&file) {
                        let msg = format!(
                            "broken link {l:?}: the default edition has no file {file} (in the generated {}{path})",
                            self.prefix
                        );
                        problems.push(source_of(path, l, msg));
                    }
                    false
                }
            });
        }
        problems.extend(crate::check::html_links(
            &links.paths,
            &links.scans,
            source_of,
        ));
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Failure::Site(Diagnostics(problems).sorted()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Leads, leads};

    #[test]
    fn a_link_up_from_an_edition_leads_to_the_default_editions_file() {
        let fr = |path, link| leads("fr/", path, link, &[]);
        assert_eq!(
            fr("departments/dpa/index.html", "../../../style.1a2b.css"),
            Leads::Default("style.1a2b.css".into())
        );
        assert_eq!(fr("index.html", "../"), Leads::Default(String::new()));
        assert_eq!(fr("about/index.html", "../glossary/#usg"), Leads::Here);
        assert_eq!(fr("about/index.html", "../"), Leads::Here);
        assert_eq!(fr("index.html", "https://example.org/"), Leads::Here);
        // Above the site's root: the edition's own check reports it.
        assert_eq!(fr("index.html", "../../x.css"), Leads::Here);
    }

    #[test]
    fn a_link_into_another_edition_is_not_this_ones_to_check() {
        let others = ["de/".to_owned()];
        assert_eq!(
            leads("", "index.html", "de/about/", &others),
            Leads::Elsewhere
        );
        assert_eq!(
            leads("fr/", "index.html", "../de/", &others),
            Leads::Elsewhere
        );
        assert_eq!(leads("", "index.html", "about/", &others), Leads::Here);
    }
}
