//! What publishing needs beyond pages: the feed, social metadata, JSON-LD, the search index,
//! and the interface in another language.

use crate::common::*;

#[test]
fn the_feed_lists_every_event_with_absolute_links() {
    let (_tmp, out) = build_shipped(&[]);
    let feed = std::fs::read_to_string(out.join("atom.xml")).unwrap();
    assert!(
        feed.starts_with("<?xml") && feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\"")
    );
    let events = table(&data(), "event").len();
    assert!(
        feed.matches("<entry>").count() >= events,
        "one entry per event at least"
    );
    let base = "https://example.org/un-peace-security-reform/";
    for link in feed
        .split("<link rel=\"alternate\" type=\"text/html\" href=\"")
        .skip(1)
    {
        assert!(link.starts_with(base), "{}", &link[..60.min(link.len())]);
    }
    // Newest first.
    let updated: Vec<&str> = feed.split("<updated>").skip(2).map(|s| &s[..20]).collect();
    assert!(updated.windows(2).all(|w| w[0] >= w[1]), "{updated:?}");
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains("type=\"application/atom+xml\" href=\"atom.xml\""));
}

#[test]
fn every_page_has_social_metadata_and_valid_json_ld() {
    let (_tmp, out) = build_shipped(&[]);
    let og = sel("meta[property='og:image']");
    let ld = sel("script[type='application/ld+json']");
    // The embeddable views are frames for other sites, not pages to share
    // (tests/testsuite/build/embeds.rs).
    for page in files(&out)
        .into_iter()
        .filter(|f| f.ends_with("index.html") && !f.starts_with("embed/"))
        .filter(|f| !f.starts_with("fr/embed/"))
    {
        let doc = parse(&out.join(&page));
        let image = doc
            .select(&og)
            .next()
            .unwrap_or_else(|| panic!("{page}: no og:image"))
            .value()
            .attr("content")
            .unwrap()
            .to_owned();
        assert!(
            image.starts_with("https://example.org/un-peace-security-reform/"),
            "{page}: {image}"
        );
        let rel = image.trim_start_matches("https://example.org/un-peace-security-reform/");
        assert!(
            out.join(rel).is_file(),
            "{page}: the social image {rel} exists"
        );
        let json: String = doc
            .select(&ld)
            .next()
            .unwrap_or_else(|| panic!("{page}: no JSON-LD"))
            .text()
            .collect();
        let v: serde_json::Value =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("{page}: {e}: {json}"));
        assert_eq!(v["@context"], "https://schema.org");
        let canonical = doc
            .select(&sel("link[rel=canonical]"))
            .next()
            .unwrap()
            .value()
            .attr("href")
            .unwrap()
            .to_owned();
        let url = v["url"].as_str().unwrap();
        assert_eq!(url, canonical, "{page}");
    }
}

#[test]
fn json_ld_cannot_be_closed_by_a_title() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("content")).unwrap();
    std::fs::write(tmp.path().join("site-config.toml"), "").unwrap();
    std::fs::write(
        tmp.path().join("content/evil.md"),
        "+++\ntitle = \"</script><script>alert(1)</script>\"\n+++\nx\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    build_site(tmp.path(), &out, &[]);
    let doc = parse(&out.join("evil/index.html"));
    let scripts: Vec<String> = doc
        .select(&sel("script"))
        .map(|s| s.text().collect())
        .collect();
    assert!(
        scripts.iter().all(|s| !s.contains("alert(1)</")),
        "{scripts:?}"
    );
    let ld: String = doc
        .select(&sel("script[type='application/ld+json']"))
        .next()
        .unwrap()
        .text()
        .collect();
    let v: serde_json::Value = serde_json::from_str(&ld).unwrap();
    assert_eq!(
        v["headline"], "</script><script>alert(1)</script>",
        "the title survives intact"
    );
    assert_eq!(
        doc.select(&sel("h1")).next().map(inner_text).as_deref(),
        Some("</script><script>alert(1)</script>")
    );
}

#[test]
fn the_search_index_finds_the_pages_about_mediation() {
    let (_tmp, out) = build_shipped(&[]);
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("search-index.json")).unwrap())
            .unwrap();
    let entries = index["p"].as_array().unwrap();
    assert_eq!(
        entries.len(),
        files(&out)
            .iter()
            // The French edition has a search index of its own (build/editions.rs).
            .filter(|f| f.ends_with("index.html") && !f.starts_with("embed/"))
            .filter(|f| !f.starts_with("fr/"))
            .count()
    );
    // The pages that hold the word, from its gaps between page numbers.
    let mut at = 0;
    let hits: Vec<&str> = index["w"]["mediation"]
        .as_array()
        .expect("the word is indexed")
        .iter()
        .map(|gap| {
            at += gap.as_u64().unwrap() as usize;
            entries[at]["u"].as_str().unwrap()
        })
        .collect();
    assert!(hits.contains(&"departments/dppa/"), "{hits:?}");
    assert!(hits.contains(&"departments/dpa/"), "{hits:?}");
}

#[test]
fn language_fr_translates_the_interface_and_the_dates() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let o = pillar(&["init", site.to_str().unwrap()]);
    assert!(o.status.success());
    let config = std::fs::read_to_string(site.join("site-config.toml"))
        .unwrap()
        .replace("language = \"en\"", "language = \"fr\"");
    std::fs::write(site.join("site-config.toml"), config).unwrap();
    let out = tmp.path().join("out");
    build_site(&site, &out, &[]);
    let home = parse(&out.join("index.html"));
    assert_eq!(home.root_element().value().attr("lang"), Some("fr"));
    let skip = inner_text(home.select(&sel(".skip-link")).next().unwrap());
    assert_eq!(skip, "Aller au contenu");
    let timeline = std::fs::read_to_string(out.join("timeline/index.html")).unwrap();
    assert!(
        timeline.contains(">1er janvier 2031</time>"),
        "French dates"
    );
    assert!(
        timeline.contains("<h1>Chronologie</h1>"),
        "French default titles"
    );
    for english in [
        "Skip to the content",
        "Before the reform",
        "Sources:",
        "January",
    ] {
        assert!(!timeline.contains(english), "untranslated: {english}");
    }
}

#[test]
fn an_unknown_language_is_refused_at_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("site-config.toml"),
        "title = \"T\"\nlanguage = \"xx\"\n",
    )
    .unwrap();
    let o = pillar(&[
        "build",
        "--root",
        tmp.path().to_str().unwrap(),
        "--output",
        tmp.path().join("out").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.starts_with("site-config.toml:2:12: no translations for language \"xx\""),
        "{err}"
    );
}

/// Without `base_url` the sitemap and the feed hold paths (`<loc>/</loc>`): `build` warns and
/// `check --strict` fails, for a plain Markdown site as for one with a data file.
#[test]
fn a_missing_base_url_is_a_warning_and_fails_check_strict() {
    let p = Project::with_config("title = \"T\"\n").file("content/_index.md", "Hello.\n");
    let root = p.root().to_str().unwrap();
    let out = p.root().join("site");
    let built = pillar(&["build", "--root", root, "--output", out.to_str().unwrap()]);
    let err = text(&built.stderr);
    assert!(built.status.success(), "{err}");
    assert!(
        err.contains("site-config.toml: warning: base_url is not set"),
        "{err}"
    );
    let strict = pillar(&["check", "--strict", "--root", root]);
    assert_eq!(strict.status.code(), Some(1), "{}", text(&strict.stderr));
    assert!(text(&strict.stderr).contains("base_url is not set"));
    let set = Project::new().file("content/_index.md", "Hello.\n");
    let with_url = pillar(&["check", "--strict", "--root", set.root().to_str().unwrap()]);
    assert!(with_url.status.success(), "{}", text(&with_url.stderr));
}

/// A site without a data file has a search box too (it had only the index), and its
/// interface strings include the singular count.
#[test]
fn a_site_without_a_data_file_gets_the_search_box() {
    let p = Project::new().file("content/_index.md", "Hello.\n");
    let out = p.build(&[]);
    let home = parse(&out.join("index.html"));
    let search = home
        .select(&sel(".site-search[data-index='search-index.json']"))
        .next()
        .expect("a search box on a site without a data file");
    assert_eq!(
        search.value().attr("data-count-one"),
        Some("1 page matches.")
    );
    assert!(out.join("search-index.json").is_file());
    assert!(
        home.select(&sel("script[src^='search.']")).next().is_some(),
        "the script that makes the box"
    );
    assert!(
        home.select(&sel(".site-search a")).next().is_none(),
        "no link to a glossary that does not exist"
    );
}
