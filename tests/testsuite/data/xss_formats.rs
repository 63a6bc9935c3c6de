//! Hostile text in every field of the data file, the configuration and the front matter,
//! checked in every format the site is written in: HTML pages (JSON-LD, inline SVG and the
//! embeds included), atom.xml (and the HTML inside it), sitemap.xml, search-index.json and
//! the CSV and JSON downloads. Each payload family gets a build of its own; every format
//! must parse, hold the payload as text, and gain no element, attribute or script from it.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;

/// The payload families: each tries to open an element `x-pwn`, an attribute `data-pwn`, an
/// event handler or a `javascript:` link from inside a text, an attribute, a script, a
/// comment, CDATA or an entity.
const PAYLOADS: [&str; 8] = [
    r#""><img src=x onerror=alert(1) data-pwn>"#,
    r#"'><svg onload=alert(1) data-pwn>"#,
    r#"</script><script data-pwn>alert(1)</script>"#,
    r#"</title></textarea></style><x-pwn></x-pwn>"#,
    r#"<!--<script>--><x-pwn>"#,
    r#"]]><x-pwn/><![CDATA[<x-pwn>]]>"#,
    r#"&lt;x-pwn&gt; &#60;x-pwn data-pwn&#62; &amp;"#,
    r#"<a href=javascript:alert(1) data-pwn>x</a>"#,
];

/// The formats checked for each payload.
const FORMATS: [&str; 7] = [
    "HTML pages",
    "JSON-LD",
    "embeds",
    "atom.xml",
    "sitemap.xml",
    "search-index.json",
    "CSV and JSON downloads",
];

/// A TOML basic string holding `s`.
fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The project: every text field that pillar prints holds `p` (37 fields).
fn project(root: &Path, p: &str) -> usize {
    let v = |label: &str| q(&format!("{label} {p}"));
    let config = format!(
        "title = {}\ndescription = {}\nauthor = {}\nbase_url = \"https://example.org/\"\n",
        v("Site"),
        v("Desc"),
        v("Author")
    );
    let data = format!(
        r#"[reform]
title = {rt}
summary = {rs}
organisation = {ro}
proposed = "2017-10"
effective = "2019-01-01"
sources = ["s1"]

[[unit]]
id = "a"
name = {an}
acronym = {aa}
era = "before"
kind = "department"
level = {al}
becomes = ["b"]
summary = {as_}
sources = ["s1"]

[[unit.head]]
name = {hn}
title = {ht}
nationality = {hy}
from = "2017"
note = {ho}
sources = ["s1"]

[[unit]]
id = "b"
name = {bn}
acronym = {ba}
era = "after"
kind = "office"
level = {bl}
summary = {bs}
sources = ["s1"]

[[unit]]
id = "c"
name = {cn}
era = "after"
kind = "office"
context = true
summary = {cs}
sources = ["s1"]

[[function]]
id = "f"
name = {fname}
from = ["a"]
to = ["b"]
note = {fnote}
sources = ["s1"]

[[event]]
date = "2018-07-05"
date_note = {ed}
title = {et}
kind = "decision"
summary = {es}
units = ["a"]
sources = ["s1"]

[[source]]
id = "s1"
title = {st}
publisher = {sp}
author = {sa}
date_text = {sd}
url = "https://example.org/?q=%22%3E%3Cscript%3E"
note = {sn}

[[term]]
term = "XYZ"
expansion = {te}
definition = {td}

[[note]]
id = "n"
title = {nt}
body = {nb}
units = ["a"]
sources = ["s1"]
"#,
        rt = v("Reform"),
        rs = v("Summary"),
        ro = v("Org"),
        an = v("Unit A"),
        aa = v("A"),
        al = v("Level A"),
        as_ = v("Sum A"),
        hn = v("Head"),
        ht = v("Title"),
        hy = v("Nat"),
        ho = v("Hnote"),
        bn = v("Unit B"),
        ba = v("B"),
        bl = v("Level B"),
        bs = v("Sum B"),
        cn = v("Unit C"),
        cs = v("Sum C"),
        fname = v("Function"),
        fnote = v("Fnote"),
        ed = v("Dnote"),
        et = v("Event"),
        es = v("Esum"),
        st = v("Source"),
        sp = v("Pub"),
        sa = v("Auth"),
        sd = v("DT"),
        sn = v("Snote"),
        te = v("Exp"),
        td = v("Def"),
        nt = v("Ntitle"),
        nb = v("Nbody XYZ"),
    );
    let page = format!(
        "+++\ntitle = {}\ndescription = {}\ndate = 2018-01-02\n[extra]\nnav_title = {}\n+++\nAbout XYZ.\n",
        v("Page"),
        v("Pdesc"),
        v("Nav")
    );
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(root.join("site-config.toml"), config).unwrap();
    std::fs::write(root.join("content/reform.toml"), data).unwrap();
    std::fs::write(
        root.join("content/_index.md"),
        "+++\ntitle = \"Home\"\n+++\nXYZ here.\n",
    )
    .unwrap();
    std::fs::write(root.join("content/about.md"), page).unwrap();
    3 + 31 + 3
}

/// The problems an HTML document (or fragment) `doc` shows: injected elements, attributes,
/// handlers, links or scripts.
fn html_problems(doc: &scraper::Html, whole_page: bool) -> Vec<String> {
    let mut v = Vec::new();
    for el in doc
        .root_element()
        .descendants()
        .filter_map(scraper::ElementRef::wrap)
    {
        let name = el.value().name();
        if name == "x-pwn" {
            v.push("an <x-pwn> element".into());
        }
        for (attr, value) in el.value().attrs() {
            if attr == "data-pwn" || attr.starts_with("on") {
                v.push(format!("attribute {attr} on <{name}>"));
            }
            if matches!(attr, "href" | "src" | "action")
                && value.trim().to_ascii_lowercase().starts_with("javascript:")
            {
                v.push(format!("{attr}={value} on <{name}>"));
            }
        }
        if name == "script" && el.value().attr("src").is_none() {
            let body: String = el.text().collect();
            if el.value().attr("type") == Some("application/ld+json") {
                if let Err(e) = serde_json::from_str::<serde_json::Value>(&body) {
                    v.push(format!("JSON-LD does not parse: {e}"));
                }
                for bad in ["<!--", "<script", "</"] {
                    if body.contains(bad) {
                        v.push(format!("JSON-LD holds {bad:?}"));
                    }
                }
            } else if body.contains("alert(1)") || !whole_page {
                v.push("a script with the payload".into());
            }
        }
    }
    v
}

/// What a page's structure is: how many of the elements every page has once.
fn shape(doc: &scraper::Html) -> [usize; 4] {
    ["head > title", "main", "h1", "footer"].map(|s| doc.select(&sel(s)).count())
}

fn xml_texts(doc: &roxmltree::Document) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text().map(str::to_owned))
        .collect()
}

fn json_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| json_strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| json_strings(x, out)),
        _ => {}
    }
}

/// Builds the site with payload `p` and checks every format; returns the page shapes.
fn check(p: &str, baseline: Option<&BTreeMap<String, [usize; 4]>>) -> BTreeMap<String, [usize; 4]> {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    project(&root, p);
    let out = tmp.path().join("out");
    build_site(&root, &out, &[]);
    let all = files(&out);
    let mut shapes = BTreeMap::new();
    let (mut in_html, mut in_embed, mut ld) = (false, false, 0);
    let mut problems = Vec::new();
    for f in all.iter().filter(|f| f.ends_with(".html")) {
        let doc = parse(&out.join(f));
        problems.extend(
            html_problems(&doc, true)
                .into_iter()
                .map(|e| format!("{f}: {e}")),
        );
        let text: String = doc.root_element().text().collect();
        if text.contains(p) {
            in_html = true;
            in_embed |= f.starts_with("embed/");
        }
        ld += doc
            .select(&sel("script[type=\"application/ld+json\"]"))
            .count();
        shapes.insert(f.clone(), shape(&doc));
    }
    // Feeds and the sitemap are well-formed XML; the HTML of the feed's entries is clean too.
    let mut in_feed = false;
    for f in ["atom.xml", "sitemap.xml"] {
        let xml = std::fs::read_to_string(out.join(f)).unwrap();
        let doc = roxmltree::Document::parse(&xml)
            .unwrap_or_else(|e| panic!("{p}: {f} is not well-formed: {e}"));
        if doc.descendants().any(|n| n.tag_name().name() == "x-pwn") {
            problems.push(format!("{f}: an <x-pwn> element"));
        }
        for n in doc
            .descendants()
            .filter(|n| n.attribute("type") == Some("html"))
        {
            let frag = scraper::Html::parse_fragment(n.text().unwrap_or(""));
            problems.extend(
                html_problems(&frag, false)
                    .into_iter()
                    .map(|e| format!("{f}: {e}")),
            );
        }
        in_feed |= f == "atom.xml" && xml_texts(&doc).iter().any(|t| t.contains(p));
    }
    // JSON: parses, and holds the payload as a string.
    let mut strings = Vec::new();
    for f in ["search-index.json", "data/reform.json"] {
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join(f)).unwrap())
            .unwrap_or_else(|e| panic!("{p}: {f} does not parse: {e}"));
        let mut s = Vec::new();
        json_strings(&v, &mut s);
        assert!(s.iter().any(|s| s.contains(p)), "{p}: {f} lost the payload");
        strings.extend(s);
    }
    // CSV: parses, every row as wide as the header, the payload in a cell.
    for f in all.iter().filter(|f| f.ends_with(".csv")) {
        let mut r = csv::Reader::from_path(out.join(f)).unwrap();
        let width = r.headers().unwrap().len();
        let mut found = false;
        for rec in r.records() {
            let rec = rec.unwrap_or_else(|e| panic!("{p}: {f}: {e}"));
            assert_eq!(rec.len(), width, "{p}: {f}");
            found |= rec.iter().any(|c| c.contains(p));
        }
        assert!(found, "{p}: {f} lost the payload");
    }
    assert!(problems.is_empty(), "{p}:\n{}", problems.join("\n"));
    assert!(
        in_html && in_embed && in_feed,
        "{p}: printed, as text, in pages, embeds and the feed"
    );
    assert!(ld > 5, "{p}: JSON-LD on the pages");
    if let Some(base) = baseline {
        assert_eq!(
            &shapes, base,
            "{p}: a page lost or gained its title, main, h1 or footer"
        );
    }
    shapes
}

#[test]
fn every_payload_in_every_field_is_text_in_every_format() {
    let baseline = check("plain words", None);
    let tmp = tempfile::tempdir().unwrap();
    let fields = project(tmp.path(), "x");
    for p in PAYLOADS {
        check(p, Some(&baseline));
    }
    eprintln!(
        "{} payloads × {fields} fields × {} formats",
        PAYLOADS.len(),
        FORMATS.len()
    );
}

/// The checks see an injection when there is one: raw HTML in Markdown is passed through by
/// design (`allow_html`), so a payload there is an element of the page.
#[test]
fn the_checks_see_an_element_that_did_get_in() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    project(&root, "plain");
    std::fs::write(
        root.join("content/raw.md"),
        format!(
            "+++\ntitle = \"Raw\"\n+++\n{}\n\n{}\n",
            PAYLOADS[0], PAYLOADS[3]
        ),
    )
    .unwrap();
    let out = tmp.path().join("out");
    build_site(&root, &out, &[]);
    let problems = html_problems(&parse(&out.join("raw/index.html")), true);
    assert!(
        problems.iter().any(|p| p.contains("x-pwn"))
            && problems.iter().any(|p| p.contains("onerror")),
        "{problems:?}"
    );
}
