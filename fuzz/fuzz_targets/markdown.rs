//! Fuzzes the Markdown stage with pillar's rewrites: links, anchors, citations, abbreviations,
//! footnotes, headings, code. Raw HTML must never pass through a data field.
#![no_main]
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use pillar::markdown::{PageRenderer, Resolver, Terms};
use pillar::model::reform::Origin;

fuzz_target!(|data: &[u8]| {
    let Ok(md) = std::str::from_utf8(data) else { return };
    let by_rel: HashMap<String, usize> = [("_index.md".to_owned(), 0), ("a.md".to_owned(), 1)].into_iter().collect();
    let by_url: HashMap<String, usize> = [(String::new(), 0), ("a/".to_owned(), 1)].into_iter().collect();
    let source_ids: HashMap<String, usize> = HashMap::new();
    let strings = pillar::i18n::Strings::english();
    let resolver = Resolver {
        by_rel: &by_rel,
        by_url: &by_url,
        page_urls: vec!["", "a/"],
        files: HashSet::from(["img.png".to_owned()]),
        source_ids: Some(&source_ids),
        citations: Default::default(),
        terms: Terms::new([("DPO", "Department of Peace Operations"), ("UN", "United Nations")]),
        drafts: None,
        strings: &strings,
        search_cap: 2000,
    };
    let origin = Origin { shown: Arc::from(std::path::Path::new("c.md")), text: Arc::from(md), base: 0, map: None };
    let mut page = PageRenderer::new(&resolver, "a/", "", true);
    let _ = page.render(md, &origin);
    let data_html = page.render_data(md, &origin);
    assert!(!data_html.contains("<script"), "raw HTML passed through a data field");
    let lines = md.split('\n').count();
    for d in &page.notes.diags {
        assert!(d.line >= 1 && d.line <= lines, "{d}");
    }
});
