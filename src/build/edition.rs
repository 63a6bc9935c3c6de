//! An edition of the site: its language, the folder of its content and the prefix of its
//! files in the output. A project has one today; building several is a loop over editions
//! into one sink, each under its prefix.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Mutex;

use crate::check::Scan;
use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
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
}

impl Edition {
    /// The configuration as this edition sees it: its language, its content, and its address
    /// under the prefix.
    pub(super) fn config(&self, config: &Config) -> Config {
        let mut c = config.clone();
        if let Some(language) = &self.language {
            c.language.clone_from(language);
        }
        if let Some(dir) = &self.content_dir {
            c.content_dir.clone_from(dir);
        }
        if !self.prefix.is_empty() {
            c.base_url.push_str(&self.prefix);
            c.base_path.push_str(&self.prefix);
        }
        c
    }

    /// The sink the edition's files go into: `sink`, under the prefix, reading every HTML
    /// file for the link check when `checks` asks for one.
    pub(super) fn sink<'a>(&'a self, sink: &'a dyn Sink, checks: Checks) -> EditionSink<'a> {
        EditionSink {
            inner: sink,
            prefix: &self.prefix,
            links: checks.html_links.then(Mutex::default),
        }
    }
}

/// The files of one edition on their way to the build's sink.
pub(super) struct EditionSink<'a> {
    inner: &'a dyn Sink,
    prefix: &'a str,
    /// Every file's path, and the ids and links of each HTML file, for `pillar check`.
    links: Option<Mutex<Links>>,
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
}

impl EditionSink<'_> {
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
        let links = std::mem::take(
            &mut *links
                .lock()
                .map_err(|_| Failure::Tool("a page thread failed while checking links".into()))?,
        );
        let problems = crate::check::html_links(&links.paths, &links.scans, source_of);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Failure::Site(Diagnostics(problems).sorted()))
        }
    }
}
