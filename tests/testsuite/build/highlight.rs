//! `[highlight]` in site-config.toml: the themes of highlighted code, light and dark.

use crate::common::{Project, parse, pillar, sel, text};

const CODE: &str = "+++\ntitle = \"Code\"\n+++\n\n```toml\nkey = \"value\"\n```\n";

/// The stylesheet for highlighted code that the page links to.
fn highlight_css(out: &std::path::Path) -> String {
    let page = parse(&out.join("index.html"));
    let href = page
        .select(&sel("link[rel=stylesheet]"))
        .filter_map(|l| l.value().attr("href"))
        .find(|h| h.starts_with("highlight."))
        .expect("a page with code links highlight.css")
        .to_owned();
    std::fs::read_to_string(out.join(href)).unwrap()
}

#[test]
fn the_configured_themes_colour_the_code_in_light_and_dark_mode() {
    let default = highlight_css(&Project::new().file("content/_index.md", CODE).build(&[]));
    let p = Project::with_config(
        "title = \"T\"\nbase_url = \"https://example.org/\"\n\n[highlight]\ntheme = \"InspiredGitHub\"\ndark_theme = \"base16-ocean.dark\"\n",
    )
    .file("content/_index.md", CODE);
    let css = highlight_css(&p.build(&[]));
    assert_ne!(css, default);
    assert!(
        css.contains("from the themes InspiredGitHub (light) and base16-ocean.dark (dark)"),
        "{}",
        &css[..200]
    );
    let (light, dark) = css
        .split_once("@media (prefers-color-scheme: dark)")
        .expect("a dark block");
    let (default_light, default_dark) = default.split_once("@media").unwrap();
    assert_ne!(light, default_light);
    assert_ne!(
        dark,
        default_dark.trim_start_matches(" (prefers-color-scheme: dark)")
    );
}

#[test]
fn an_unknown_theme_is_a_located_error_that_lists_the_themes() {
    let p =
        Project::with_config("title = \"T\"\n[highlight]\ndark_theme = \"base16-ocean-dark\"\n")
            .file("content/_index.md", CODE);
    let out = pillar(&["build", "--root", p.root().to_str().unwrap()]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("site-config.toml:3:14: highlight.dark_theme = \"base16-ocean-dark\" is not a highlighting theme"),
        "{err}"
    );
    assert!(err.contains("did you mean \"base16-ocean.dark\"?"), "{err}");
    assert!(err.contains("\"InspiredGitHub\""), "the choices: {err}");
}
