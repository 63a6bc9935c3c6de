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
        source_ids: [("s00".to_owned(), 0), ("s01".to_owned(), 1)]
            .into_iter()
            .collect(),
        sources: ["Grand <Plan>", "Minutes"]
            .into_iter()
            .enumerate()
            .map(|(i, title)| Source {
                id: format!("s0{i}"),
                at: 0,
                number: i + 1,
                title: title.into(),
                publisher: "PassBlue".into(),
                author: None,
                date: None,
                date_text: None,
                url: None,
                note: None,
                group: None,
                extra: toml::Table::new(),
            })
            .collect(),
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
        math: false,
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
    let md = "Line one.\nA claim [@s02].\n";
    page.render(md, &origin(md));
    let d = &page.notes.diags[0];
    assert_eq!(
        (d.line, d.col, d.message.as_str()),
        (2, 9, "unknown source \"s02\" in citation")
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
fn citations_are_separated_by_semicolons() {
    let (html, msgs, notes) = render("Claim [@s00; @s00].\n");
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

// Issue 16: one test per bug in pillar's own passes, each written to fail before its fix.

/// Every `id="…"` the HTML holds, in order (pillar writes them double-quoted).
fn ids_in(html: &str) -> Vec<&str> {
    html.split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

fn assert_unique_ids(html: &str) {
    let ids = ids_in(html);
    let set: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(set.len(), ids.len(), "duplicate ids {ids:?} in {html}");
}

#[test]
fn bug01_a_term_in_image_alt_keeps_the_alt_and_its_first_use() {
    let (html, _, _) = render("![DPO logo](img/map.png)\n\nThe DPO.\n");
    assert!(html.contains("alt=\"DPO logo\""), "{html}");
    assert!(
        html.contains("The <abbr title=\"Department of Peace Operations\">DPO</abbr>."),
        "{html}"
    );
}

#[test]
fn bug02_generated_heading_ids_skip_ids_already_taken() {
    let (html, msgs, notes) = render("## A\n\n## A\n\n## A 1\n");
    assert!(msgs.is_empty(), "{msgs:?}");
    let ids: Vec<&str> = notes.toc.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["a", "a-1", "a-1-1"]);
    assert_unique_ids(&html);
    let (html, msgs, notes) = render("## Foo\n\n## Bar {#foo-1}\n\n## Foo\n");
    assert!(msgs.is_empty(), "{msgs:?}");
    let ids: Vec<&str> = notes.toc.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["foo", "foo-1", "foo-2"]);
    assert_unique_ids(&html);
}

#[test]
fn bug03_footnote_labels_match_regardless_of_case() {
    let (html, _, _) = render("Ref[^Note].\n\n[^note]: The body.\n");
    assert!(html.contains("<p>The body.</p>"), "{html}");
    let href = html
        .split("href=\"#")
        .nth(1)
        .and_then(|s| s.split('"').next());
    let target = href.map(|h| format!("<li id=\"{h}\"><p>The body."));
    assert!(target.is_some_and(|t| html.contains(&t)), "{html}");
}

#[test]
fn bug04_different_footnote_labels_get_different_ids() {
    let (html, _, _) = render(
        "A[^a b] B[^a-b] C[^!] D[^?]\n\n[^a b]: one\n[^a-b]: two\n[^!]: three\n[^?]: four\n",
    );
    assert_unique_ids(&html);
    assert!(
        !ids_in(&html).iter().any(|i| *i == "fn-" || *i == "fnref-"),
        "{html}"
    );
    // Each reference links to its own note.
    for (letter, body) in [("A", "one"), ("B", "two"), ("C", "three"), ("D", "four")] {
        let after = html.split(&format!("{letter}<sup")).nth(1).unwrap_or("");
        let href = after
            .split("href=\"#")
            .nth(1)
            .and_then(|s| s.split('"').next());
        let note = href.map(|h| format!("<li id=\"{h}\"><p>{body}</p>"));
        assert!(note.is_some_and(|n| html.contains(&n)), "{letter}: {html}");
    }
}

#[test]
fn bug05_a_citation_inside_link_text_keeps_the_outer_link() {
    let (html, msgs, _) = render("[see [@s00]](https://example.org/) after.\n");
    assert!(msgs.is_empty(), "{msgs:?}");
    assert!(
        html.contains("<a href=\"https://example.org/\">see"),
        "{html}"
    );
    assert!(!html.contains("]("), "{html}");
    assert_eq!(
        html.matches("<a ").count(),
        2,
        "no link inside the link: {html}"
    );
    assert!(
        !html.contains("<a href=\"https://example.org/\">see <sup"),
        "{html}"
    );
}

#[test]
fn bug06_a_full_reference_to_a_citation_keeps_its_text() {
    let (html, _, _) = render("[the minutes][@s00]\n");
    assert!(html.contains("the minutes"), "{html}");
}

#[test]
fn bug07_commas_and_a_space_after_the_at_sign_make_ordinary_text() {
    let (html, msgs, notes) = render("Two [@s00, @s00] here. Odd [@ s00] here.\n");
    assert!(msgs.is_empty(), "{msgs:?}");
    assert!(html.contains("Two [@s00, @s00] here."), "{html}");
    assert!(html.contains("Odd [@ s00] here."), "{html}");
    assert!(notes.cites.is_empty());
}

#[test]
fn bug08_heading_ids_avoid_the_ids_pillar_prints() {
    let (html, _, notes) =
        render("## Fn 1\n\n## Fnref 1\n\n## Main\n\n## Org chart\n\nText[^1].\n\n[^1]: note\n");
    assert_unique_ids(&html);
    let ids: Vec<&str> = notes.toc.iter().map(|t| t.id.as_str()).collect();
    for reserved in ["fn-1", "fnref-1", "main", "org-chart"] {
        assert!(!ids.contains(&reserved), "{ids:?}");
    }
}

#[test]
fn bug09_no_abbr_inside_raw_html_elements() {
    for (md, kept) in [
        (
            "<a href=\"https://example.org/\">DPO</a>",
            "<a href=\"https://example.org/\">DPO</a>",
        ),
        ("<code>DPO</code>", "<code>DPO</code>"),
        (
            "<abbr title=\"mine\">DPO</abbr>",
            "<abbr title=\"mine\">DPO</abbr>",
        ),
        (
            "Run <script>var x = 1; // DPO\n</script>",
            "var x = 1; // DPO",
        ),
    ] {
        let (html, _, _) = render(&format!("{md} and then the DPO.\n"));
        assert!(html.contains(kept), "{md}: {html}");
        assert!(
            html.contains("then the <abbr title=\"Department of Peace Operations\">DPO</abbr>."),
            "{md}: {html}"
        );
    }
}

#[test]
fn bug10_custom_heading_attributes_are_kept() {
    let (html, _, _) = render("## Custom {#my-id .lead data-x=1}\n");
    assert!(
        html.contains("<h2 id=\"my-id\" class=\"lead\" data-x=\"1\">"),
        "{html}"
    );
}

#[test]
fn bug10_anchor_links_are_url_encoded() {
    let (html, _, _) = render("## Q {#a\"b}\n");
    assert!(html.contains("href=\"#a%22b\""), "{html}");
    assert!(html.contains("id=\"a&quot;b\""), "{html}");
}

#[test]
fn bug10_terms_are_whole_rendered_words() {
    for md in ["DPO&#65;", "**DPO**x", "x*DPO*", "DPO`x`"] {
        let (html, _, _) = render(&format!("{md}\n"));
        assert!(!html.contains("<abbr"), "{md}: {html}");
    }
    let (html, _, _) = render("*DPO*, and\n");
    assert!(html.contains("<em><abbr"), "{html}");
}

#[test]
fn bug10_bare_hash_links_need_no_anchor() {
    let (html, msgs, notes) = render("[top](#) [x](@/departments/dpo.md#)\n");
    assert!(msgs.is_empty(), "{msgs:?}");
    assert!(html.contains("href=\"#\""), "{html}");
    assert!(notes.links.is_empty(), "{:?}", notes.links);
}

#[test]
fn bug10_content_paths_are_percent_decoded_and_take_a_query() {
    let (html, msgs, _) =
        render("[d](@/departments/dp%6F.md) [q](@/departments/dpo.md?x=1#team)\n");
    assert!(msgs.is_empty(), "{msgs:?}");
    assert!(html.contains("href=\"../departments/dpo/\""), "{html}");
    assert!(
        html.contains("href=\"../departments/dpo/?x=1#team\""),
        "{html}"
    );
}

#[test]
fn email_autolinks_are_left_to_pulldown_cmark() {
    let (html, msgs, _) = render("Write to <a@example.org>.\n");
    assert!(msgs.is_empty(), "{msgs:?}");
    assert!(html.contains("href=\"mailto:a@example.org\""), "{html}");
}

#[test]
fn yaml_front_matter_is_a_located_error() {
    let md = "---\ntitle: Hello\ndate: 2024-01-01\n---\n\nText.\n";
    let f = fixture();
    let r = resolver(&f);
    let mut page = PageRenderer::new(&r, "about/", "", true);
    page.render(md, &origin(md));
    let d = &page.notes.diags[0];
    assert_eq!((d.line, d.col), (1, 1));
    assert!(d.message.contains("YAML front matter"), "{}", d.message);
    assert!(d.hint.as_deref().is_some_and(|h| h.contains("+++")));
    // A rule, a paragraph and a rule are Markdown.
    let (_, msgs, _) = render("---\n\nNote: not YAML.\n\n---\n");
    assert!(msgs.is_empty(), "{msgs:?}");
}

#[test]
fn a_citation_in_brackets_that_are_not_a_link_is_reported() {
    let (_, msgs, _) = render("[see [@s00]](<not closed)\n");
    assert_eq!(msgs.len(), 1, "{msgs:?}");
}

#[test]
fn citations_take_a_pinpoint_locator() {
    let (html, msgs, notes) = render("A claim [@s00, p. 4] and [@s01; @s00, §12].\n");
    assert!(msgs.is_empty(), "{msgs:?}");
    assert!(notes.cites.contains(&0) && notes.cites.contains(&1));
    assert!(
        html.contains("title=\"PassBlue: Grand &lt;Plan&gt;, p. 4\">1</a>, p. 4]</sup>"),
        "{html}"
    );
    // In number order, `;` between the parts so that a locator is not read as a number.
    assert!(html.contains(">1</a>, §12; <a "), "{html}");
    assert!(html.contains(">2</a>]</sup>"), "{html}");
}

#[test]
fn citations_take_a_prefix() {
    let (html, msgs, notes) = render("A claim [see @s01, p. 4; cf. @s00].\n");
    assert!(msgs.is_empty(), "{msgs:?}");
    assert!(notes.cites.contains(&0) && notes.cites.contains(&1));
    assert!(notes.locators.contains(&(1, "p. 4".to_owned())));
    // Written order, each prefix before its own number.
    let sup = &html[html.find("<sup").unwrap()..html.find("</sup>").unwrap()];
    assert!(sup.starts_with("<sup class=\"cite\">[see <a "), "{sup}");
    assert!(sup.contains(">2</a>, p. 4; cf. <a "), "{sup}");
    assert!(sup.ends_with(">1</a>]"), "{sup}");
}

#[test]
fn a_prefixed_bracket_that_names_no_source_is_text_with_a_warning() {
    let f = fixture();
    let r = resolver(&f);
    let mut page = PageRenderer::new(&r, "about/", "", true);
    let md = "Mail [me @home] or [see @s0O].\n";
    let html = page.render(md, &origin(md));
    assert!(html.contains("Mail [me @home] or [see @s0O]."), "{html}");
    let d = &page.notes.diags;
    assert_eq!(d.len(), 2, "{d:?}");
    assert!(
        d.iter()
            .all(|d| d.severity == crate::diag::Severity::Warning)
    );
    assert!(
        d[1].hint
            .as_deref()
            .is_some_and(|h| h.contains("did you mean")),
        "{d:?}"
    );
    assert!(page.notes.cites.is_empty());
    // Without a prefix an unknown id stays an error.
    let (_, msgs, _) = render("[@home]\n");
    assert_eq!(msgs.len(), 1, "{msgs:?}");
}

#[test]
fn more_ends_the_summary() {
    let (html, _, notes) = render("First *para*.\n\n<!-- more -->\n\nThe rest.\n");
    assert_eq!(
        notes.summary.as_deref(),
        Some("<p>First <em>para</em>.</p>\n")
    );
    assert!(
        html.contains("The rest.") && !html.contains("more -->"),
        "{html}"
    );
    let (_, _, notes) = render("No marker.\n");
    assert_eq!(notes.summary, None);
}

#[test]
fn prices_are_not_math() {
    let (html, _, _) = render("It costs $5 and $10, or $5-$10.\n");
    assert!(!html.contains("math"), "{html}");
}

#[test]
fn a_summary_only_ends_at_a_top_level_line() {
    for md in [
        "Text <!-- more --> inline.\n",
        "> quoted\n>\n> <!-- more -->\n",
        "```\n<!-- more -->\n```\n",
    ] {
        let (_, _, notes) = render(md);
        assert_eq!(notes.summary, None, "{md}");
    }
}

#[test]
fn the_listed_summary_links_from_the_section_and_leaves_the_page_its_ids() {
    let f = fixture();
    let r = resolver(&f);
    // The page `departments/dpo/`, listed on the home page.
    let mut page = PageRenderer::new(&r, "departments/dpo/", "departments/", true).listed_at("");
    let md = "## Intro\n\nSee [about](@/about.md), [here](#intro), [@s00, p. 4] and a note[^1].\n\n\
              <!-- more -->\n\nThe rest.\n\n[^1]: The note.\n";
    let html = page.render(md, &origin(md));
    assert!(html.contains("id=\"intro\""), "{html}");
    let listed = page.notes.listed_summary.clone().unwrap_or_default();
    assert_eq!(
        listed,
        "<h2>Intro</h2>\n<p>See <a href=\"about/\">about</a>, \
         <a href=\"departments/dpo/#intro\">here</a>, <sup class=\"cite\">[<a \
         href=\"sources/#source-s00\" title=\"PassBlue: Grand &lt;Plan&gt;, p. 4\">1</a>, p. \
         4]</sup> and a note.</p>\n"
    );
    assert!(
        page.notes
            .summary
            .as_deref()
            .is_some_and(|s| s.contains("href=\"../../about/\"") && s.contains("fn-1")),
        "{:?}",
        page.notes.summary
    );
}

#[test]
fn alerts_say_their_kind_in_words() {
    let (html, _, _) = render("> [!WARNING]\n> Mind the step.\n\n> Just a quote.\n");
    assert!(
        html.starts_with(
            "<blockquote class=\"markdown-alert-warning\">\n<p class=\"markdown-alert-title\">Warning</p>\n<p>Mind the step.</p>"
        ),
        "{html}"
    );
    assert_eq!(html.matches("markdown-alert-title").count(), 1, "{html}");
}

/// Renders `md` on a site with `math = true`.
fn render_math(md: &str) -> String {
    let f = fixture();
    let mut r = resolver(&f);
    r.math = true;
    let mut page = PageRenderer::new(&r, "about/", "", true);
    let html = page.render(md, &origin(md));
    assert!(page.notes.diags.is_empty());
    html
}

#[test]
fn math_becomes_mathml_and_keeps_its_tex() {
    let html = render_math("Area $\\int_0^1 x\\,dx$ and\n\n$$\\frac{a}{b}$$\n");
    assert!(html.contains("<p>Area <math"), "{html}");
    assert!(!html.contains("x,dx"), "{html}");
    assert!(
        html.contains("<annotation encoding=\"application/x-tex\">\\int_0^1 x\\,dx</annotation>"),
        "{html}"
    );
    assert_eq!(html.matches("display=\"block\"").count(), 1, "{html}");
    assert!(html.contains("<mfrac>"), "{html}");
    // Without the site's switch, dollars are text and the backslash is CommonMark's escape.
    let (plain, _, _) = render("Area $x\\,dx$.\n");
    assert!(
        plain.contains("$x,dx$") && !plain.contains("<math"),
        "{plain}"
    );
}

#[test]
fn tex_the_renderer_cannot_read_is_escaped_never_raw() {
    for md in ["Bad $a < b \\frac{$ here.\n", "Fine $a<b$ too.\n"] {
        let html = render_math(md);
        assert!(!html.contains("a < b") && !html.contains("a<b"), "{html}");
        assert!(html.contains("&lt;"), "{html}");
    }
}
