//! Property tests (proptest) of the code that meets raw input: front matter, the data file,
//! Markdown with pillar's rewrites, URLs, slugs and source locations. Bounded in cases so that
//! CI stays fast; cargo-fuzz targets in fuzz/ run the same code for longer.

use std::path::Path;
use std::sync::Arc;

use pillar::markdown::PageRenderer;
use pillar::markdown::fixture::TwoPages;
use pillar::model::reform::Origin;
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Markdown-ish text: the characters pillar's rewrites care about, in any order.
fn markdownish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("[@s00]".to_owned()),
            Just("[@".to_owned()),
            Just("](@/".to_owned()),
            Just("@/a.md#x".to_owned()),
            Just("[x](../".to_owned()),
            Just("```toml\n".to_owned()),
            Just("\n```\n".to_owned()),
            Just("[^1]".to_owned()),
            Just("[^1]: note\n".to_owned()),
            Just("# ".to_owned()),
            Just(" {#id}\n".to_owned()),
            Just("| a |\n|---|\n".to_owned()),
            Just("DPO ".to_owned()),
            Just("<b>".to_owned()),
            Just("javascript:".to_owned()),
            Just("\n\n".to_owned()),
            "\\PC{0,8}".prop_map(|s| s),
        ],
        0..40,
    )
    .prop_map(|v| v.concat())
}

fn with_renderer<T>(f: impl FnOnce(&mut PageRenderer<'_>) -> T) -> T {
    let site = TwoPages::default();
    let resolver = site.resolver(&[], &[("DPO", "Department of Peace Operations")]);
    let mut page = PageRenderer::new(&resolver, "a/", "", true);
    f(&mut page)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn markdown_never_panics_and_locates_every_problem_inside_the_text(md in markdownish()) {
        let origin = Origin { shown: Arc::from(Path::new("c.md")), text: Arc::from(md.as_str()), base: 0, map: None };
        with_renderer(|page| {
            let html = page.render(&md, &origin);
            let data = page.render_data(&md, &origin);
            prop_assert!(!data.contains("<b>"), "data fields never pass raw HTML: {data}");
            prop_assert!(!html.to_ascii_lowercase().contains("href=\"javascript:"), "{html}");
            let lines = md.split('\n').count();
            for d in &page.notes.diags {
                prop_assert!(d.line >= 1 && d.line <= lines, "{d}");
            }
            Ok(())
        })?;
    }

    #[test]
    fn front_matter_splitting_never_panics(text in "(\\+\\+\\+\r?\n)?\\PC{0,40}(\r?\n\\+\\+\\+)?\\PC{0,20}") {
        if let Ok((front, start, body)) = pillar::load::split_front_matter(&text) {
            prop_assert!(body <= text.len() && start <= text.len());
            if let Some(f) = front {
                let _ = toml::from_str::<pillar::load::FrontMatter>(f);
            }
        }
    }

    #[test]
    fn the_data_file_validator_never_panics(text in data_fileish()) {
        let v = pillar::data::parse(Path::new("r.toml"), &text);
        for d in &v.diagnostics {
            prop_assert!(d.line >= 1 && d.line <= text.split('\n').count().max(1), "{d}");
        }
    }

    #[test]
    fn slugs_are_url_safe_and_stable(text in "\\PC{0,30}") {
        let s = pillar::ids::slugify(&text);
        prop_assert!(!s.starts_with('-') && !s.ends_with('-') && !s.contains("--"), "{s:?}");
        prop_assert!(s.chars().all(|c| c.is_alphanumeric() || c == '-'), "{s:?}");
        prop_assert_eq!(pillar::ids::slugify(&s), s.clone());
    }

    #[test]
    fn content_urls_never_climb_or_hold_odd_characters(rel in "[a-zA-Z0-9 ./_é-]{0,30}\\.md") {
        if let Ok(url) = pillar::model::site::url_of(&rel) {
            prop_assert!(!url.contains(".."), "{url}");
            prop_assert!(!url.starts_with('/'), "{url}");
            prop_assert!(url.is_empty() || url.ends_with('/'));
            prop_assert!(url.split('/').all(|seg| seg.chars().all(|c| c.is_alphanumeric() || c == '-')), "{url}");
        }
    }

    #[test]
    fn link_paths_never_escape_the_site(path in "(\\.\\./|\\./|[a-z]{1,3}/|//){0,6}[a-z]{0,3}") {
        if let Some(p) = pillar::markdown::links_normalize(&path) {
            prop_assert!(!p.split('/').any(|s| s == ".." || s == "."), "{p}");
            prop_assert!(!p.starts_with('/'));
        }
    }

    #[test]
    fn dates_round_trip(y in 1u16..9999, m in 1u16..13, d in 1u16..32) {
        let s = format!("{y:04}-{m:02}-{d:02}");
        if let Ok(date) = pillar::date::PartialDate::parse(&s) {
            prop_assert_eq!(date.iso(), s);
        }
    }

    #[test]
    fn line_and_column_stay_inside_the_text(text in "\\PC{0,60}", offset in 0usize..100) {
        let (line, col) = pillar::diag::line_col(&text, offset);
        prop_assert!(line >= 1 && line <= text.split('\n').count());
        prop_assert!(col >= 1);
    }
}

/// Text that is often a data file, often nearly one.
fn data_fileish() -> impl Strategy<Value = String> {
    let unit = (0..4usize, 0..4usize, prop_oneof![Just("before"), Just("after"), Just("both"), Just("x")])
        .prop_map(|(a, b, era)| format!("[[unit]]\nid = \"u{a}\"\nname = \"N\"\nera = \"{era}\"\nkind = \"office\"\nparent = \"u{b}\"\nbecomes = [\"u{b}\"]\nsummary = \"s [@s{a}] \\\\\" [x](@/a.md)\"\nsources = [\"s{b}\"]\n"));
    let source = (0..4usize).prop_map(|a| format!("[[source]]\nid = \"s{a}\"\ntitle = \"T\"\npublisher = \"P\"\nurl = \"https://e.org/\"\n"));
    let event = (1000u16..3000, 0u8..14).prop_map(|(y, m)| {
        format!("[[event]]\ndate = \"{y}-{m:02}\"\ntitle = \"E\"\nsources = [\"s0\"]\n")
    });
    (proptest::collection::vec(
        prop_oneof![unit, source, event, "\\PC{0,10}".prop_map(|s| s)],
        0..8,
    ))
    .prop_map(|parts| {
        format!(
            "[reform]\ntitle = \"T\"\nsummary = \"S\"\n{}",
            parts.concat()
        )
    })
}
