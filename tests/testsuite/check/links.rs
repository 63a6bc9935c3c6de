//! `pillar check`: everything build verifies plus every link and anchor of the generated HTML,
//! located in the source file (or template), and nothing written.

use std::path::Path;

use crate::common::*;

fn project(files: &[(&str, &str)]) -> Project {
    (files.iter()).fold(Project::new(), |p, (path, text)| p.file(path, text))
}

fn check(root: &Path, strict: bool) -> (i32, String) {
    let mut args = vec!["check", "--root", root.to_str().unwrap()];
    if strict {
        args.push("--strict");
    }
    let o = pillar(&args);
    (o.status.code().unwrap_or(-1), text(&o.stderr))
}

const ABOUT: (&str, &str) = (
    "content/about.md",
    "+++\ntitle = \"About\"\n+++\n## Method\n\nText.\n",
);

#[test]
fn a_link_to_a_missing_page_is_located() {
    let p = project(&[
        ABOUT,
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\nSee [x](@/nope.md).\n",
        ),
    ]);
    let (code, err) = check(p.root(), false);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("content/_index.md:4:5: link to a missing page: @/nope.md"),
        "{err}"
    );
}

#[test]
fn a_link_to_a_missing_anchor_is_located_with_a_suggestion() {
    let p = project(&[
        ABOUT,
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\nSee [x](@/about.md#methd).\n",
        ),
    ]);
    let (code, err) = check(p.root(), false);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("content/_index.md:4:5: link to a missing anchor #methd on /about/"),
        "{err}"
    );
    assert!(err.contains("hint: did you mean \"method\"?"), "{err}");
}

#[test]
fn a_link_into_the_output_directory_is_not_a_link_into_the_site() {
    let p = project(&[
        ABOUT,
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\nSee [x](../public/about/index.html).\n",
        ),
    ]);
    std::fs::create_dir_all(p.root().join("public/about")).unwrap();
    std::fs::write(p.root().join("public/about/index.html"), "old build").unwrap();
    let (code, err) = check(p.root(), false);
    assert_eq!(code, 1);
    assert!(
        err.starts_with(
            "content/_index.md:4:5: link to a missing page or file: ../public/about/index.html"
        ),
        "{err}"
    );
}

#[test]
fn a_broken_link_in_a_template_is_found_by_check_only_and_blamed_on_the_template() {
    let p = project(&[
        ABOUT,
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n"),
        (
            "theme/templates/page.html",
            "{% extends \"base.html\" %}{% block content %}<a href=\"{{ root }}nowhere/\">x</a>{% endblock content %}",
        ),
    ]);
    let out = p.root().join("out");
    let build = pillar(&[
        "build",
        "--root",
        p.root().to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(
        build.status.success(),
        "build does not read the HTML it writes"
    );
    let (code, err) = check(p.root(), false);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("theme/templates/page.html:1:64: broken link \"../nowhere/\""),
        "{err}"
    );
}

#[test]
fn strict_fails_on_warnings_and_check_writes_nothing() {
    let p = project(&[
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\nA claim [@used].\n",
        ),
        (
            "content/reform.toml",
            "[reform]\ntitle = \"R\"\nsummary = \"S\"\n\n[[source]]\nid = \"used\"\ntitle = \"U\"\npublisher = \"P\"\n\n[[source]]\nid = \"unused\"\ntitle = \"N\"\npublisher = \"P\"\n",
        ),
    ]);
    let (code, err) = check(p.root(), false);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("content/reform.toml:11:6: warning: source \"unused\" is never cited"),
        "{err}"
    );
    let (code, err) = check(p.root(), true);
    assert_eq!(code, 1);
    assert!(err.contains("source \"unused\" is never cited"), "{err}");
    assert!(!p.root().join("public").exists(), "check writes nothing");
}

#[test]
fn the_shipped_explainer_passes_a_strict_check() {
    let (code, err) = check(&repo(), true);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_raw_link_written_with_character_references_is_blamed_on_its_markdown() {
    let p = project(&[(
        "content/e.md",
        "+++\ntitle = \"E\"\n+++\n<a href=\"&#109;issing-page/\">broken</a>\n",
    )]);
    let (code, err) = check(p.root(), false);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with("content/e.md:4:10: broken link \"missing-page/\""),
        "{err}"
    );
}

#[test]
fn a_link_to_an_id_that_only_the_template_prints_resolves_and_a_wrong_one_is_located() {
    let ok = project(&[
        ABOUT,
        (
            "content/b.md",
            "+++\ntitle = \"B\"\n+++\nSee [it](@/about.md#main).\n",
        ),
    ]);
    let (code, err) = check(ok.root(), false);
    assert_eq!(code, 0, "{err}");
    let bad = project(&[
        ABOUT,
        (
            "content/b.md",
            "+++\ntitle = \"B\"\n+++\nSee [it](@/about.md#mian).\n",
        ),
    ]);
    let (code, err) = check(bad.root(), false);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with("content/b.md:4:5: link to a missing anchor #mian on /about/"),
        "{err}"
    );
    // `build` finds it too, before anything is written.
    let o = pillar(&["build", "--root", bad.root().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!bad.root().join("public").exists());
}
