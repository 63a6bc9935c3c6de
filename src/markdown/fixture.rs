//! The smallest site the Markdown stage can run in, for benchmarks, property tests and fuzz
//! targets outside this crate: two pages (`_index.md` at the root, `a.md` at `a/`), English
//! interface strings, no sources. Not part of the generator.

use std::collections::{HashMap, HashSet};

use super::{Resolver, Terms};
use crate::i18n::Strings;

pub struct TwoPages {
    by_rel: HashMap<String, usize>,
    by_url: HashMap<String, usize>,
    source_ids: HashMap<String, usize>,
    strings: Strings,
}

impl Default for TwoPages {
    fn default() -> Self {
        Self {
            by_rel: HashMap::from([("_index.md".to_owned(), 0), ("a.md".to_owned(), 1)]),
            by_url: HashMap::from([(String::new(), 0), ("a/".to_owned(), 1)]),
            source_ids: HashMap::new(),
            strings: Strings::english(),
        }
    }
}

impl TwoPages {
    /// A resolver for the two pages, with `files` besides them and glossary `terms`.
    pub fn resolver<'a>(&'a self, files: &[&str], terms: &[(&str, &str)]) -> Resolver<'a> {
        Resolver {
            by_rel: &self.by_rel,
            by_url: &self.by_url,
            page_urls: vec!["", "a/"],
            files: files
                .iter()
                .map(|f| (*f).to_owned())
                .collect::<HashSet<_>>(),
            source_ids: Some(&self.source_ids),
            citations: Default::default(),
            terms: Terms::new(terms.iter().copied()),
            drafts: None,
            strings: &self.strings,
            math: false,
        }
    }
}
