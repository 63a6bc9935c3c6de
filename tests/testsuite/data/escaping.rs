//! Data from the data file is text, never markup: a hostile value in every field that a
//! template prints must come out escaped on every page, and `javascript:` URLs are refused.

use crate::common::*;

const EVIL: &str =
    r#"<script>alert(1)</script>\" onmouseover=\"alert(2)\" '><img src=x onerror=alert(3)>"#;

fn hostile_data() -> String {
    let e = EVIL;
    format!(
        r#"[reform]
title = "T {e}"
summary = "S {e}"
organisation = "O {e}"
proposed = "2017-10"
effective = "2019-01-01"
sources = ["s1"]

[[unit]]
id = "a"
name = "Unit A {e}"
acronym = "A{e}"
era = "before"
kind = "department"
level = "L {e}"
becomes = ["b"]
summary = "Summary {e} [@s1]"
sources = ["s1"]

[[unit.head]]
name = "Head {e}"
title = "Title {e}"
nationality = "N {e}"
from = "2017"
note = "Note {e}"
sources = ["s1"]

[[unit]]
id = "b"
name = "Unit B {e}"
era = "after"
kind = "office"
summary = "B {e}"
sources = ["s1"]

[[function]]
id = "f"
name = "Function {e}"
from = ["a"]
to = ["b"]
note = "Fnote {e}"
sources = ["s1"]

[[event]]
date = "2018-07-05"
date_note = "Dnote {e}"
title = "Event {e}"
kind = "decision"
summary = "Esum {e}"
units = ["a"]
sources = ["s1"]

[[source]]
id = "s1"
title = "Source {e}"
publisher = "Pub {e}"
author = "Auth {e}"
date_text = "DT {e}"
url = "https://example.org/?q=\"><script>alert(4)</script>"
note = "Snote {e}"

[[term]]
term = "XYZ"
expansion = "Exp {e}"
definition = "Def {e}"

[[note]]
id = "n"
title = "Ntitle {e}"
body = "Nbody {e} XYZ"
units = ["a"]
sources = ["s1"]
"#
    )
}

#[test]
fn hostile_data_is_escaped_on_every_page() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(
        root.join("site-config.toml"),
        "title = \"Site\"\nbase_url = \"https://example.org/\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("content/_index.md"),
        "+++\ntitle = \"Home\"\n+++\nXYZ here.\n",
    )
    .unwrap();
    std::fs::write(root.join("content/reform.toml"), hostile_data()).unwrap();
    let out = tmp.path().join("out");
    build_site(&root, &out, &[]);

    let pages: Vec<String> = files(&out)
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .collect();
    assert!(pages.len() >= 8);
    let mut seen_payload = 0;
    for page in &pages {
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        let doc = parse(&out.join(page));
        // Every script is one of the theme's: none carries the payload.
        for s in doc.select(&sel("script")) {
            let body: String = s.text().collect();
            assert!(
                !body.contains("alert(1)") || s.value().attr("type") == Some("application/ld+json"),
                "{page}: {body}"
            );
        }
        // No element got an event handler, and no <img src=x> was injected.
        for el in doc.select(&sel("*")) {
            for (name, _) in el.value().attrs() {
                assert!(
                    !name.starts_with("on"),
                    "{page}: attribute {name} on <{}>",
                    el.value().name()
                );
            }
        }
        assert!(doc.select(&sel("img[src=x]")).next().is_none(), "{page}");
        for a in doc.select(&sel("a[href]")) {
            let href = a.value().attr("href").unwrap().to_ascii_lowercase();
            assert!(
                !href.trim_start().starts_with("javascript:"),
                "{page}: {href}"
            );
        }
        if html.contains("&lt;script&gt;alert(1)") {
            seen_payload += 1;
        }
    }
    assert!(
        seen_payload >= 6,
        "the payload is printed, escaped, on the pages that show data ({seen_payload})"
    );
}

#[test]
fn a_javascript_url_in_a_source_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("content")).unwrap();
    std::fs::write(tmp.path().join("site-config.toml"), "").unwrap();
    std::fs::write(
        tmp.path().join("content/reform.toml"),
        "[reform]\ntitle = \"T\"\nsummary = \"S [@s]\"\n\n[[source]]\nid = \"s\"\ntitle = \"t\"\npublisher = \"p\"\nurl = \"JaVaScRiPt:alert(1)\"\n",
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
    assert!(
        text(&o.stderr).starts_with("content/reform.toml:9:7: source \"s\" has an invalid url"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn a_comment_opener_in_a_name_does_not_swallow_the_page_into_its_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("s");
    assert!(pillar(&["init", root.to_str().unwrap()]).status.success());
    let data = root.join("content/reform.toml");
    let text = std::fs::read_to_string(&data).unwrap();
    let text = text
        .replacen(
            "name = \"Coast Watch\"",
            "name = \"Coast Watch <!--<script>\"",
            1,
        )
        .replacen(
            "title = \"The council proposes the merger\"",
            "title = \"The council\\u0001 proposes the merger\"",
            1,
        );
    assert!(text.contains("<!--<script>") && text.contains("\\u0001"));
    std::fs::write(&data, text).unwrap();
    let out = dir.path().join("site");
    build_site(&root, &out, &[]);
    let page = parse(&out.join("departments/coast-watch/index.html"));
    assert_eq!(page.select(&sel("h1")).count(), 1);
    assert_eq!(page.select(&sel("main")).count(), 1);
    let json = page
        .select(&sel("script[type=\"application/ld+json\"]"))
        .next()
        .map(inner_text)
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(v["headline"].as_str().unwrap().contains("<!--<script>"));
    // The feed stays well-formed XML: no control character but tab and line breaks.
    let feed = std::fs::read_to_string(out.join("atom.xml")).unwrap();
    assert!(feed.contains("The council proposes the merger"), "{feed}");
    roxmltree::Document::parse(&feed).expect("atom.xml is well-formed");
    assert!(
        !feed
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
    );
}
