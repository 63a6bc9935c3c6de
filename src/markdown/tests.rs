//! Snapshot and behaviour tests of the Markdown stage.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use super::*;
use crate::model::reform::{Origin, Source};

struct Fixture {
    by_rel: HashMap<String, usize>,
    by_url: HashMap<String, usize>,
    source_ids: HashMap<String, usize>,
    sources: Vec<Source>,
}

fn fixture() -> Fixture {
    let pages = [
        ("_index.md", ""),
        ("about.md", "about/"),
        ("departments/dpo.md", "departments/dpo/"),
        ("sources.md", "sources/"),
    ];
    Fixture {
        by_rel: pages
            .iter()
            .enumerate()
            .map(|(i, (r, _))| ((*r).to_owned(), i))
            .collect(),
        by_url: pages
            .iter()
            .enumerate()
            .map(|(i, (_, u))| ((*u).to_owned(), i))
            .collect(),
        source_ids: [("s00".to_owned(), 0)].into_iter().collect(),
        sources: vec![Source {
            id: "s00".into(),
            at: 0,
            number: 1,
            title: "Grand <Plan>".into(),
            publisher: "PassBlue".into(),
            author: None,
            date: None,
            date_text: None,
            url: None,
            note: None,
            extra: toml::Table::new(),
        }],
    }
}

fn strings() -> &'static crate::i18n::Strings {
    static S: std::sync::OnceLock<crate::i18n::Strings> = std::sync::OnceLock::new();
    S.get_or_init(crate::i18n::Strings::english)
}

fn resolver(f: &Fixture) -> Resolver<'_> {
    Resolver {
        by_rel: &f.by_rel,
        by_url: &f.by_url,
        page_urls: vec!["", "about/", "departments/dpo/", "sources/"],
        files: ["img/map.png".to_owned()]
            .into_iter()
            .collect::<HashSet<_>>(),
        source_ids: Some(&f.source_ids),
        citations: super::Citations::new(&f.sources, "sources/"),
        terms: Terms::new([("DPO", "Department of Peace Operations")]),
        drafts: None,
        strings: strings(),
        search_cap: 2000,
    }
}

fn origin(text: &str) -> Origin {
    Origin {
        shown: Arc::from(Path::new("content/about.md")),
        text: Arc::from(text),
        base: 0,
        map: None,
    }
}

/// Renders `md` as the page `about/` (source `about.md`), returning HTML and messages.
fn render(md: &str) -> (String, Vec<String>, PageNotes) {
    let f = fixture();
    let r = resolver(&f);
    let mut page = PageRenderer::new(&r, "about/", "", true);
    let html = page.render(md, &origin(md));
    let msgs = page
        .notes
        .diags
        .iter()
        .map(|d| format!("{}:{}: {}", d.line, d.col, d.message))
        .collect();
    let notes = std::mem::take(&mut page.notes);
    (html, msgs, notes)
}

#[test]
fn renders_commonmark_extensions() {
    let (html, msgs, _) = render(
        "# Title\n\nSome *emphasis*, ~~struck~~ and \"quotes\" -- dashes...\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    );
    assert!(msgs.is_empty(), "{msgs:?}");
    insta::assert_snapshot!(html);
}

#[test]
fn renders_footnotes_in_order_at_the_end() {
    let (html, _, notes) =
        render("Second[^b] then first[^a] and again[^b].\n\n[^a]: Note A.\n[^b]: Note B.\n");
    insta::assert_snapshot!(html);
    assert!(notes.anchors.contains("fn-b") && notes.anchors.contains("fnref-b-2"));
}

#[test]
fn heading_ids_are_unique_and_listed_in_the_toc() {
    let (html, _, notes) = render("## Why it matters\n\n## Why it matters\n\n### Custom {#mine}\n");
    insta::assert_snapshot!(html);
    let ids: Vec<&str> = notes.toc.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["why-it-matters", "why-it-matters-1", "mine"]);
}

#[test]
fn internal_links_become_relative_to_the_page() {
    let (html, msgs, notes) = render(
        "[dpo](@/departments/dpo.md) [home](@/_index.md#top) [abs](/departments/dpo/) [rel](departments/dpo.md) [img](img/map.png) [ext](https://example.org/)",
    );
    assert!(msgs.is_empty(), "{msgs:?}");
    insta::assert_snapshot!(html);
    assert_eq!(notes.links.len(), 1, "the #top anchor waits for checking");
    assert_eq!(notes.links[0].anchor, "top");
}

#[test]
fn missing_link_targets_are_located() {
    let (_, msgs, _) = render("Intro.\n\nSee [x](@/departments/dpk.md) and [y](/nowhere/).\n");
    assert_eq!(
        msgs,
        [
            "3:5: link to a missing page: @/departments/dpk.md",
            "3:35: link to a missing page or file: /nowhere/"
        ]
    );
}

#[test]
fn citations_link_to_the_sources_page() {
    let (html, msgs, notes) = render("A claim [@s00].\n");
    assert!(msgs.is_empty(), "{msgs:?}");
    insta::assert_snapshot!(html);
    assert!(notes.cites.contains(&0));
}

#[test]
fn unknown_citations_are_located_with_a_hint() {
    let f = fixture();
    let r = resolver(&f);
    let mut page = PageRenderer::new(&r, "about/", "", true);
    let md = "Line one.\nA claim [@s01].\n";
    page.render(md, &origin(md));
    let d = &page.notes.diags[0];
    assert_eq!(
        (d.line, d.col, d.message.as_str()),
        (2, 9, "unknown source \"s01\" in citation")
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean \"s00\"?"));
}

#[test]
fn glossary_terms_are_abbreviated_on_first_use_only() {
    let (html, _, notes) = render("The DPO and the DPO.\n\n`DPO` in code.\n");
    assert_eq!(html.matches("<abbr").count(), 1, "{html}");
    assert!(
        html.contains("<abbr title=\"Department of Peace Operations\">DPO</abbr> and the DPO.")
    );
    assert!(notes.terms.contains(&0));
}

#[test]
fn raw_html_is_escaped_when_not_allowed() {
    let f = fixture();
    let r = resolver(&f);
    let mut page = PageRenderer::new(&r, "about/", "", false);
    let md = "<script>alert(1)</script>\n\nText <b>bold</b>\n";
    let html = page.render(md, &origin(md));
    assert!(
        !html.contains("<script>") && !html.contains("<b>"),
        "{html}"
    );
    assert!(html.contains("&lt;script&gt;"));
}

#[test]
fn data_fields_never_pass_raw_html() {
    let f = fixture();
    let r = resolver(&f);
    let mut page = PageRenderer::new(&r, "about/", "", true);
    let md = "<img src=x onerror=alert(1)> \"quoted\"";
    let html = page.render_inline(md, &origin(md));
    assert!(!html.contains("<img"), "{html}");
}

#[test]
fn unsafe_link_schemes_are_refused() {
    let (html, msgs, _) = render("[x](javascript:alert(1)) [y](JAVASCRIPT:alert(1))");
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert!(msgs[0].contains("unsafe link scheme"));
    assert!(!html.to_lowercase().contains("javascript:"), "{html}");
}

#[test]
fn fenced_code_is_highlighted_with_classes() {
    let (html, _, notes) =
        render("```toml\n[[unit]]\nid = \"dpo\"\n```\n\n```\nplain <code>\n```\n");
    assert!(notes.has_code);
    assert!(
        html.contains("<pre class=\"code\" data-lang=\"toml\""),
        "{html}"
    );
    assert!(html.contains("class=\"hl-"), "{html}");
    assert!(html.contains("plain &lt;code&gt;"), "{html}");
}

#[test]
fn plain_pages_do_not_load_the_highlighter() {
    // Runs in its own process under nextest; under `cargo test` another test may load it.
    if std::env::var_os("NEXTEST").is_none() {
        return;
    }
    render("No code here.\n");
    assert!(!highlight::is_loaded());
}

#[test]
fn duplicate_explicit_heading_ids_are_errors() {
    let (_, msgs, _) = render("## A {#x}\n\n## B {#x}\n");
    assert_eq!(msgs, ["3:1: duplicate heading id \"x\""]);
}

#[test]
fn citations_may_be_separated_by_commas() {
    let (html, msgs, notes) = render("Claim [@s00, @s00].\n");
    assert!(msgs.is_empty(), "{msgs:?}");
    assert!(html.contains("sources/#source-s00"), "{html}");
    assert_eq!(notes.cites.len(), 1);
}

#[test]
fn search_text_collapses_space_and_closes_up_after_citations() {
    let (_, _, notes) = render("A  claim [@s00].\n\nNext   one ,here.\n");
    assert_eq!(notes.text.trim_end(), "A claim. Next one,here.");
}

/// The search text as the first, char-by-char version made it: the byte version must agree.
fn index_text_reference(text: &mut String, words: &str) {
    for (i, part) in words.split(|c: char| c.is_ascii_whitespace()).enumerate() {
        if i > 0 && !text.is_empty() && !text.ends_with(' ') {
            text.push(' ');
        }
        if part.is_empty() {
            continue;
        }
        if part.starts_with(['.', ',', ';', ':', ')', '!', '?']) && text.ends_with(' ') {
            text.pop();
        }
        text.push_str(part);
    }
}

#[test]
fn search_text_splits_bytes_as_the_reference_splits_chars() {
    let pieces = [
        "",
        " ",
        "  ",
        "\t",
        "\n",
        "\r\n",
        "a",
        "é",
        "ü ",
        " ß",
        ".",
        ", ",
        ")x",
        "word",
        "Ünïcödé text",
        "\u{a0}",
        "! ?",
        "日本 語",
    ];
    // Every sequence of three pieces, fed one call at a time as Markdown text events are.
    for a in pieces {
        for b in pieces {
            for c in pieces {
                let mut notes = PageNotes::default();
                let mut reference = String::new();
                for w in [a, b, c] {
                    notes.index_text(w);
                    index_text_reference(&mut reference, w);
                }
                assert_eq!(notes.text, reference, "{a:?} {b:?} {c:?}");
            }
        }
    }
}
