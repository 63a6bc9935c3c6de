//! Content sections: which pages a build includes (drafts only with `--drafts`) and the order
//! a section lists them in (`sort_by`).

use crate::common::*;

/// A section `notes/` whose three pages differ in weight, date and title, one more a draft.
fn notes(sort_by: &str) -> Project {
    let page = |title: &str, weight: i32, date: &str| {
        format!("+++\ntitle = \"{title}\"\nweight = {weight}\ndate = {date}\n+++\nText.\n")
    };
    Project::new()
        .file("content/_index.md", "+++\ntitle = \"Home\"\n+++\n")
        .file(
            "content/notes/_index.md",
            &format!("+++\ntitle = \"Notes\"\nsort_by = \"{sort_by}\"\n+++\n"),
        )
        .file("content/notes/b.md", &page("Bravo", 1, "2020-05-01"))
        .file("content/notes/c.md", &page("alpha", 3, "2021-01-01"))
        .file("content/notes/a.md", &page("Charlie", 2, "2019-12-31"))
        .file(
            "content/notes/d.md",
            "+++\ntitle = \"Unfinished\"\ndraft = true\n+++\nNot yet.\n",
        )
}

/// The titles the section page lists, in order.
fn listed(out: &std::path::Path) -> Vec<String> {
    let html = parse(&out.join("notes/index.html"));
    html.select(&sel("main .page-list li > a"))
        .map(inner_text)
        .collect()
}

#[test]
fn a_section_sorts_by_weight_by_default_and_by_date_or_title_when_asked() {
    assert_eq!(
        listed(&notes("weight").build(&[])),
        ["Bravo", "Charlie", "alpha"]
    );
    // Newest first.
    assert_eq!(
        listed(&notes("date").build(&[])),
        ["alpha", "Bravo", "Charlie"]
    );
    // Case-insensitive.
    assert_eq!(
        listed(&notes("title").build(&[])),
        ["alpha", "Bravo", "Charlie"]
    );
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let p = notes("weight");
    let out = p.build(&[]);
    assert!(!out.join("notes/d/index.html").exists());
    assert!(!listed(&out).contains(&"Unfinished".to_owned()));
    assert!(!text(&std::fs::read(out.join("sitemap.xml")).unwrap()).contains("notes/d/"));

    let out = p.build(&["--drafts"]);
    assert!(out.join("notes/d/index.html").exists());
    assert!(listed(&out).contains(&"Unfinished".to_owned()));
    assert!(text(&std::fs::read(out.join("sitemap.xml")).unwrap()).contains("notes/d/"));
}

#[test]
fn a_content_file_named_like_a_file_pillar_makes_is_a_located_error() {
    for (name, made) in [
        ("robots.txt", "robots.txt"),
        ("sitemap.xml", "sitemap.xml"),
        ("index.html", "the home page"),
        ("notes/index.html", "the page /notes/"),
    ] {
        let p = notes("weight").file(&format!("content/{name}"), "the author's\n");
        let out = p.root().join("public");
        let o = pillar(&["build", "--root", p.root().to_str().unwrap()]);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{name}: {err}");
        assert!(
            err.starts_with(&format!("content/{name}: ")) && err.contains(made),
            "{name}: {err}"
        );
        assert!(!out.exists());
    }
}

#[test]
fn a_markdown_file_with_an_upper_case_extension_is_refused_not_published() {
    let p = notes("weight").file(
        "content/Notes.MD",
        "+++\ntitle = \"Private notes\"\ndraft = true\n+++\nDRAFT-ONLY-CANARY\n",
    );
    let o = pillar(&["build", "--root", p.root().to_str().unwrap()]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.starts_with("content/Notes.MD: Markdown files end in .md") && err.contains("Notes.md"),
        "{err}"
    );
    assert!(!p.root().join("public/Notes.MD").exists());
}

/// A site without a data file whose home page lists a page with a `<!-- more -->` summary and a
/// page with only a description; both pages are dated, so both are in the feed.
fn summaries() -> Project {
    Project::new()
        .file("content/_index.md", "+++\ntitle = \"Home\"\n+++\n")
        .file(
            "content/first.md",
            "+++\ntitle = \"First\"\ndate = 2020-01-02\n+++\n\
             The *opening* claim, see [the second](second.md).\n\n<!-- more -->\n\nThe rest.\n",
        )
        .file(
            "content/second.md",
            "+++\ntitle = \"Second\"\ndate = 2020-01-01\ndescription = \"Plain & short\"\n+++\nBody.\n",
        )
}

#[test]
fn the_home_page_lists_its_pages_with_their_summaries() {
    let p = summaries();
    let out = p.build(&[]);
    let home = parse(&out.join("index.html"));
    let items: Vec<String> = home.select(&sel(".page-list li")).map(inner_text).collect();
    assert_eq!(items.len(), 2, "{items:?}");
    let first = items.iter().find(|i| i.starts_with("First")).unwrap();
    assert!(first.contains("The opening claim"), "{first}");
    assert!(!first.contains("The rest"), "{first}");
    let second = items.iter().find(|i| i.starts_with("Second")).unwrap();
    assert!(second.contains("Plain & short"), "{second}");
    // The summary's link leads where it leads on the page.
    let link = home
        .select(&sel(".page-summary a"))
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_owned));
    assert_eq!(link.as_deref(), Some("second/"));
}

#[test]
fn the_feed_carries_a_page_summary_as_html_with_its_base() {
    let p = summaries();
    let out = p.build(&[]);
    let feed = std::fs::read_to_string(out.join("atom.xml")).unwrap();
    let doc = roxmltree::Document::parse(&feed).expect("the feed is well-formed XML");
    let summary = |title: &str| {
        let entry = doc
            .descendants()
            .find(|n| {
                n.has_tag_name("entry")
                    && n.children()
                        .any(|c| c.has_tag_name("title") && c.text() == Some(title))
            })
            .unwrap_or_else(|| panic!("no entry {title}"));
        entry
            .children()
            .find(|c| c.has_tag_name("summary"))
            .unwrap_or_else(|| panic!("no summary for {title}"))
    };
    let first = summary("First");
    assert_eq!(first.attribute("type"), Some("html"));
    assert_eq!(
        first.attribute(("http://www.w3.org/XML/1998/namespace", "base")),
        Some("https://example.org/first/")
    );
    let html = first.text().unwrap();
    assert!(html.contains("<em>opening</em>"), "{html}");
    assert!(html.contains("href=\"../second/\""), "{html}");
    assert!(!html.contains("The rest"), "{html}");
    let second = summary("Second");
    assert_eq!(second.attribute("type"), None);
    assert_eq!(second.text(), Some("Plain & short"));
}
