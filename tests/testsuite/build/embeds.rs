//! The embeddable views (`embed/…/`): pages of their own that crawlers skip and the site's
//! index leaves out; their behaviour in a host page is tested in tests/browser/embed.test.mjs.

use crate::common::*;

const EMBEDS: [&str; 4] = ["org-chart", "function-map", "comparison", "timeline"];

#[test]
fn embeds_carry_noindex_and_stay_out_of_the_sitemap_and_search() {
    let (_tmp, out) = build_shipped(&[]);
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    let search = std::fs::read_to_string(out.join("search-index.json")).unwrap();
    for e in EMBEDS {
        let page = out.join("embed").join(e).join("index.html");
        let doc = parse(&page);
        let robots = doc
            .select(&sel("meta[name=robots]"))
            .next()
            .expect("a robots meta");
        assert_eq!(robots.value().attr("content"), Some("noindex"), "{e}");
        assert!(
            doc.select(&sel("nav")).next().is_none(),
            "{e}: no navigation"
        );
        assert_eq!(doc.select(&sel("script")).count(), 1, "{e}: one script");
        assert!(
            !sitemap.contains(&format!("embed/{e}/")),
            "{e} is in the sitemap"
        );
        assert!(
            !search.contains(&format!("embed/{e}/")),
            "{e} is in the search index"
        );
    }
    // The snippets name the published address.
    let doc = parse(&out.join("comparison/index.html"));
    let snippets: Vec<String> = doc
        .select(&sel("textarea.embed-snippet"))
        .map(inner_text)
        .collect();
    assert_eq!(snippets.len(), 3);
    assert!(
        snippets.iter().any(|s| s
            .contains("src=\"https://example.org/un-peace-security-reform/embed/comparison/\"")),
        "{snippets:?}"
    );
}

#[test]
fn a_site_without_a_data_file_has_no_embeds_and_without_base_url_no_snippet() {
    let p = Project::new().file("content/_index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n");
    assert!(!p.build(&[]).join("embed").exists());
    let (_tmp, out) = build_shipped(&["--base-url", "/"]);
    assert!(out.join("embed/timeline/index.html").exists());
    let doc = parse(&out.join("timeline/index.html"));
    assert!(doc.select(&sel("textarea.embed-snippet")).next().is_none());
}
