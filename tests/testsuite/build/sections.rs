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
