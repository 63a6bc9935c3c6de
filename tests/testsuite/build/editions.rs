//! Editions in other languages (`[[edition]]`): each under its prefix, with its own language,
//! alternates both ways, a switcher, its own sitemap, feed and search index; the data file's
//! overlay, its located errors, and the warnings for what is not translated yet. How they
//! look and behave in a browser is tested in tests/browser/editions.test.mjs.

use crate::common::*;

const CONFIG: &str = "title = \"T\"\nbase_url = \"https://example.org/x/\"\n\n[[edition]]\nlanguage = \"fr\"\ntitle = \"Le titre\"\n";

const DATA: &str = r#"[reform]
title = "A small reform"
summary = "One office becomes another [@s1]."
sources = ["s1"]

[[unit]]
id = "old"
name = "Old Office"
acronym = "OO"
era = "before"
kind = "office"
becomes = ["new"]
ended = "2018-12-31"
summary = "The old office [@s1]."
sources = ["s1"]

[[unit]]
id = "new"
name = "New Office"
era = "after"
kind = "office"
established = "2019-01-01"
summary = "The new office [@s1]."
sources = ["s1"]

[[event]]
id = "start"
date = 2019-01-01
title = "The new office starts"
kind = "implementation"
sources = ["s1"]

[[source]]
id = "s1"
title = "A report"
publisher = "Someone"
url = "https://example.org/report"
"#;

const OVERLAY: &str = r#"[reform]
title = "Une petite réforme"
summary = "Un bureau en devient un autre [@s1]."

[unit.old]
name = "Ancien bureau"
acronym = "AB"
summary = "L'ancien bureau [@s1]."

[unit.new]
name = "Nouveau bureau"
summary = "Le nouveau bureau [@s1]."

[event.start]
title = "Le nouveau bureau commence"
"#;

/// A project with an English and a French edition: the French one translates the home page
/// and has a page of its own, and lacks the about page.
fn bilingual() -> Project {
    Project::with_config(CONFIG)
        .file("content/reform.toml", DATA)
        .file("content/reform.fr.toml", OVERLAY)
        .file(
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\nHello [@s1].\n",
        )
        .file(
            "content/about.md",
            "+++\ntitle = \"About\"\n+++\nAbout us.\n",
        )
        .file(
            "content/fr/_index.md",
            "+++\ntitle = \"Accueil\"\n+++\nBonjour [@s1].\n",
        )
        .file(
            "content/fr/seulement.md",
            "+++\ntitle = \"Seulement\"\n+++\nEn français.\n",
        )
}

fn hreflangs(page: &std::path::Path) -> Vec<(String, String)> {
    parse(page)
        .select(&sel("link[rel=alternate][hreflang]"))
        .map(|l| {
            let a = |k| l.value().attr(k).unwrap_or_default().to_owned();
            (a("hreflang"), a("href"))
        })
        .collect()
}

fn switcher(page: &std::path::Path) -> Vec<(String, String)> {
    parse(page)
        .select(&sel("nav.languages a"))
        .map(|a| {
            let href = a.value().attr("href").unwrap_or_default().to_owned();
            (
                a.value().attr("hreflang").unwrap_or_default().to_owned(),
                href,
            )
        })
        .collect()
}

#[test]
fn an_edition_is_built_under_its_prefix_in_its_language() {
    let p = bilingual();
    let out = p.build(&[]);
    let home = parse(&out.join("fr/index.html"));
    let html = home.select(&sel("html")).next().unwrap();
    assert_eq!(html.value().attr("lang"), Some("fr"));
    assert_eq!(
        inner_text(home.select(&sel("main h1")).next().unwrap()),
        "Une petite réforme"
    );
    assert!(out.join("fr/seulement/index.html").exists());
    assert!(out.join("fr/departments/old/index.html").exists());
    // content/fr/ is not a part of the default edition, nor the overlay a file of it.
    assert!(!out.join("seulement").exists());
    assert!(!out.join("fr/fr").exists());
    assert!(!files(&out).iter().any(|f| f.ends_with("reform.fr.toml")));
    // Dates and names in French, the chart drawn with the French names.
    let unit = std::fs::read_to_string(out.join("fr/departments/new/index.html")).unwrap();
    assert!(unit.contains("1er janvier 2019"), "French dates");
    let chart = parse(&out.join("fr/index.html"));
    let svg_text: String = chart.select(&sel("svg text")).map(inner_text).collect();
    assert!(
        svg_text.contains("AB"),
        "the chart names the French acronym: {svg_text}"
    );
    assert!(!svg_text.contains("OO"), "{svg_text}");
}

#[test]
fn every_page_names_its_versions_both_ways_and_the_switcher_finds_the_same_page() {
    let p = bilingual();
    let out = p.build(&[]);
    let en = "https://example.org/x/about/";
    let fr = "https://example.org/x/fr/about/";
    let expected = vec![
        ("en".to_owned(), en.to_owned()),
        ("fr".to_owned(), fr.to_owned()),
        ("x-default".to_owned(), en.to_owned()),
    ];
    assert_eq!(hreflangs(&out.join("about/index.html")), expected);
    assert_eq!(hreflangs(&out.join("fr/about/index.html")), expected);
    assert_eq!(
        switcher(&out.join("about/index.html")),
        vec![("fr".to_owned(), "../fr/about/".to_owned())]
    );
    assert_eq!(
        switcher(&out.join("fr/about/index.html")),
        vec![("en".to_owned(), "../../about/".to_owned())]
    );
    // Generated pages exist in both.
    assert_eq!(
        switcher(&out.join("fr/departments/old/index.html")),
        vec![("en".to_owned(), "../../../departments/old/".to_owned())]
    );
    // A page only in French: its switcher leads to the English home, and it names no
    // English version.
    assert_eq!(
        switcher(&out.join("fr/seulement/index.html")),
        vec![("en".to_owned(), "../../".to_owned())]
    );
    assert_eq!(
        hreflangs(&out.join("fr/seulement/index.html")),
        vec![(
            "fr".to_owned(),
            "https://example.org/x/fr/seulement/".to_owned()
        )]
    );
    assert!(broken_links(&out).is_empty(), "{:?}", broken_links(&out));
}

#[test]
fn an_untranslated_page_says_so_and_keeps_its_language() {
    let p = bilingual();
    let out = p.build(&[]);
    let doc = parse(&out.join("fr/about/index.html"));
    let note = doc
        .select(&sel(".untranslated-note"))
        .next()
        .expect("a note");
    assert!(inner_text(note).starts_with("Cette page n'est pas encore traduite"));
    let text = doc
        .select(&sel("div.untranslated[lang=en]"))
        .next()
        .unwrap();
    assert!(inner_text(text).contains("About us."));
    let h1 = doc.select(&sel("main h1")).next().unwrap();
    assert_eq!(h1.value().attr("lang"), Some("en"));
    // A translated page has neither.
    let home = parse(&out.join("fr/index.html"));
    assert!(home.select(&sel(".untranslated-note")).next().is_none());
}

#[test]
fn each_edition_has_its_sitemap_feed_and_search_index() {
    let p = bilingual();
    let out = p.build(&[]);
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap();
    let (en, fr) = (read("sitemap.xml"), read("fr/sitemap.xml"));
    assert!(en.contains("<loc>https://example.org/x/about/</loc>"));
    assert!(
        !en.contains("/x/fr/"),
        "the default sitemap lists only its edition"
    );
    assert!(fr.contains("<loc>https://example.org/x/fr/seulement/</loc>"));
    assert_eq!(
        read("robots.txt")
            .lines()
            .filter(|l| l.starts_with("Sitemap:"))
            .collect::<Vec<_>>(),
        [
            "Sitemap: https://example.org/x/sitemap.xml",
            "Sitemap: https://example.org/x/fr/sitemap.xml"
        ]
    );
    assert!(!out.join("fr/robots.txt").exists());
    assert!(read("fr/atom.xml").contains("https://example.org/x/fr/"));
    let search = read("fr/search-index.json");
    assert!(
        search.contains("Bonjour") && !search.contains("Hello"),
        "{search}"
    );
    assert!(read("search-index.json").contains("Hello"));
}

#[test]
fn missing_translations_are_grouped_warnings_and_errors_under_strict() {
    let p = bilingual().file(
        "content/reform.fr.toml",
        &OVERLAY.replace("summary = \"Le nouveau bureau [@s1].\"\n", ""),
    );
    let built = pillar(&[
        "build",
        "--root",
        p.root().to_str().unwrap(),
        "--output",
        p.root().join("site").to_str().unwrap(),
    ]);
    let err = text(&built.stderr);
    assert!(built.status.success(), "{err}");
    assert!(
        err.contains("content/fr: warning: 1 page of the default edition have no \"fr\" version in content/fr/: about.md"),
        "{err}"
    );
    assert!(
        err.contains(
            "content/reform.fr.toml: warning: 1 unit field have no \"fr\" text: new.summary"
        ),
        "{err}"
    );
    let strict = pillar(&["check", "--strict", "--root", p.root().to_str().unwrap()]);
    assert_eq!(strict.status.code(), Some(1), "{}", text(&strict.stderr));
    assert!(text(&strict.stderr).contains("new.summary"));
}

#[test]
fn the_overlay_may_name_only_ids_of_the_data_file_and_only_display_text() {
    let unknown = bilingual().file(
        "content/reform.fr.toml",
        &OVERLAY.replace("[unit.new]", "[unit.nwe]"),
    );
    let out = pillar(&["check", "--root", unknown.root().to_str().unwrap()]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/reform.fr.toml:10:7: the data file has no unit \"nwe\""),
        "{err}"
    );
    assert!(err.contains("add the unit to the data file first"), "{err}");
    let structure = bilingual().file(
        "content/reform.fr.toml",
        &OVERLAY.replace("acronym = \"AB\"", "era = \"after\""),
    );
    let out = pillar(&["check", "--root", structure.root().to_str().unwrap()]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("content/reform.fr.toml:7:1:"), "{err}");
    assert!(err.contains("era"), "{err}");
    assert!(err.contains("only display text"), "{err}");
}

#[test]
fn an_edition_in_the_sites_own_language_or_twice_is_refused() {
    let p = Project::with_config(
        "title = \"T\"\n[[edition]]\nlanguage = \"en\"\n[[edition]]\nlanguage = \"fr\"\n[[edition]]\nlanguage = \"fr\"\n",
    )
    .file("content/_index.md", "Hi.\n");
    let out = pillar(&["check", "--root", p.root().to_str().unwrap()]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("site-config.toml:3:12: edition language \"en\" is the site's own language"),
        "{err}"
    );
    assert!(
        err.contains("site-config.toml:7:12: there are two editions in \"fr\""),
        "{err}"
    );
}

#[test]
fn a_site_without_editions_has_no_alternates_and_no_switcher() {
    let p = Project::new()
        .file("content/reform.toml", DATA)
        .file("content/_index.md", "Hello [@s1].\n")
        .file("content/fr/page.md", "A page in a folder named fr.\n");
    let out = p.build(&[]);
    assert!(hreflangs(&out.join("index.html")).is_empty());
    assert!(switcher(&out.join("index.html")).is_empty());
    // Without [[edition]], content/fr/ is an ordinary folder.
    assert!(out.join("fr/page/index.html").exists());
}

#[test]
fn the_shipped_site_has_a_french_edition_of_the_required_pages() {
    let (_tmp, out) = build_shipped(&[]);
    for page in [
        "",
        "comparison/",
        "timeline/",
        "sources/",
        "glossary/",
        "departments/",
    ] {
        let doc = parse(&out.join(format!("fr/{page}index.html")));
        assert!(
            doc.select(&sel(".untranslated-note")).next().is_none(),
            "fr/{page} is translated"
        );
    }
    let chart: String = parse(&out.join("fr/index.html"))
        .select(&sel("svg text"))
        .map(inner_text)
        .collect();
    assert!(chart.contains("DAPCP") && chart.contains("DOP"), "{chart}");
    let timeline = std::fs::read_to_string(out.join("fr/timeline/index.html")).unwrap();
    assert!(timeline.contains("1er janvier 2019"));
    assert!(timeline.contains("21 décembre 2017") || timeline.contains("20 décembre 2017"));
}

#[test]
fn the_french_unit_pages_translate_their_heads() {
    let (_tmp, out) = build_shipped(&[]);
    let doc = parse(&out.join("fr/departments/dpa/index.html"));
    let heads: Vec<String> = doc.select(&sel("ul.heads li")).map(inner_text).collect();
    let feltman = heads
        .iter()
        .find(|h| h.starts_with("Jeffrey Feltman"))
        .expect("Feltman is a head of DPA");
    assert!(
        feltman.contains("(États-Unis), Secrétaire général adjoint aux affaires politiques"),
        "{feltman}"
    );
    assert!(feltman.contains("assermenté par Ban Ki-moon"), "{feltman}");
    assert!(
        !heads.iter().any(|h| h.contains("Under-Secretary-General")),
        "{heads:?}"
    );
}

#[test]
fn an_edition_links_to_the_default_editions_theme_files_instead_of_copying_them() {
    let p = bilingual().file(
        "content/fr/images/carte.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    let out = p.build(&[]);
    let all = files(&out);
    let theme = |f: &&String| {
        let name = f.rsplit('/').next().unwrap_or_default();
        ["style.", "search.", "favicon.", "highlight.", "social."]
            .iter()
            .any(|t| name.starts_with(t))
    };
    let top: Vec<&String> = all
        .iter()
        .filter(|f| !f.contains('/'))
        .filter(theme)
        .collect();
    assert_eq!(
        top.len(),
        5,
        "the default edition writes the theme's files: {all:?}"
    );
    let copied: Vec<&String> = all
        .iter()
        .filter(|f| f.starts_with("fr/"))
        .filter(theme)
        .collect();
    assert!(
        copied.is_empty(),
        "fr/ has copies of the theme's files: {copied:?}"
    );
    // The edition's own content files stay.
    assert!(all.contains("fr/images/carte.svg"), "{all:?}");
    // Its pages' stylesheet, icon and script are the default edition's files.
    for page in [
        "fr/index.html",
        "fr/departments/new/index.html",
        "fr/embed/timeline/index.html",
    ] {
        let doc = parse(&out.join(page));
        let links: Vec<&str> = (doc
            .select(&sel("link[rel=stylesheet], link[rel=icon], script[src]")))
        .filter_map(|e| e.value().attr("href").or(e.value().attr("src")))
        .collect();
        assert!(links.len() >= 2, "{page}: {links:?}");
        for link in links {
            let at = out.join(page).parent().unwrap().join(link);
            let at = at
                .canonicalize()
                .unwrap_or_else(|e| panic!("{page}: {link}: {e}"));
            assert_eq!(
                at.parent(),
                out.canonicalize().ok().as_deref(),
                "{page}: {link}"
            );
        }
    }
    assert!(broken_links(&out).is_empty(), "{:?}", broken_links(&out));
    let checked = pillar(&["check", "--root", p.root().to_str().unwrap()]);
    assert!(checked.status.success(), "{}", text(&checked.stderr));
}

#[test]
fn check_verifies_an_editions_links_up_into_the_default_edition() {
    let p = bilingual().file(
        "content/fr/seulement.md",
        "+++\ntitle = \"Seulement\"\n+++\n<a href=\"../../about/\">ici</a> et <a href=\"../../absent.css\">là</a>\n",
    );
    let out = pillar(&["check", "--root", p.root().to_str().unwrap()]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("broken link \"../../absent.css\": the default edition has no file absent.css (in the generated fr/seulement/index.html)"),
        "{err}"
    );
    // The other link leads to a page the default edition has.
    assert!(err.contains("1 problem found"), "{err}");
}

#[test]
fn a_reform_without_functions_has_no_function_map_embed_nor_its_snippet() {
    let p = Project::new()
        .file("content/reform.toml", DATA)
        .file("content/_index.md", "Hello [@s1].\n");
    let out = p.build(&[]);
    assert!(out.join("embed/org-chart/index.html").exists());
    assert!(!out.join("embed/function-map/index.html").exists());
    let doc = parse(&out.join("comparison/index.html"));
    let snippets: Vec<String> = doc
        .select(&sel("textarea.embed-snippet"))
        .map(inner_text)
        .collect();
    assert!(!snippets.is_empty());
    assert!(
        !snippets.iter().any(|s| s.contains("embed/function-map/")),
        "{snippets:?}"
    );
    assert!(broken_links(&out).is_empty(), "{:?}", broken_links(&out));
}
