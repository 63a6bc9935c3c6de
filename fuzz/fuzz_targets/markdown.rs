//! Fuzzes the Markdown stage with pillar's rewrites: links, anchors, citations, abbreviations,
//! footnotes, headings, code. Raw HTML must never pass through a data field.
#![no_main]
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use pillar::markdown::PageRenderer;
use pillar::markdown::fixture::TwoPages;
use pillar::model::reform::Origin;

fuzz_target!(|data: &[u8]| {
    let Ok(md) = std::str::from_utf8(data) else { return };
    let site = TwoPages::default();
    let resolver = site.resolver(
        &["img.png"],
        &[("DPO", "Department of Peace Operations"), ("UN", "United Nations")],
    );
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
