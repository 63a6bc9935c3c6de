//! Sources with a `group`: the sources page lists them under one heading per group, and every
//! citation's number follows that list.

use crate::common::*;

/// A fresh `pillar init` project with a third source, in the group of the first: the list
/// shows the minutes, the log (their group), then the charter, and numbers them 1, 2, 3 — in
/// file order the charter would be 2.
fn grouped_starter() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("p");
    let o = pillar(&["init", root.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let data = root.join("content/reform.toml");
    let t = std::fs::read_to_string(&data).unwrap();
    let log = "[[source]]\nid = \"harbour-log\"\ngroup = \"Minutes & <records>\"\n\
               title = \"Harbour log (fictional)\"\npublisher = \"Example Bay harbour\"\n\n[[term]]";
    let t = t
        .replacen(
            "id = \"council-minutes\"\n",
            "id = \"council-minutes\"\ngroup = \"Minutes & <records>\"\n",
            1,
        )
        .replacen(
            "id = \"agency-charter\"\n",
            "id = \"agency-charter\"\ngroup = \"Charters\"\n",
            1,
        )
        .replacen("[[term]]", log, 1);
    std::fs::write(&data, t).unwrap();
    (dir, root)
}

#[test]
fn grouped_sources_are_listed_under_their_headings_and_numbered_in_list_order() {
    let (_dir, root) = grouped_starter();
    let (_out_dir, out) = build_into_temp(&root, &[]);
    let page = parse(&out.join("sources/index.html"));
    let headings: Vec<String> = page
        .select(&sel("h3.source-group"))
        .map(inner_text)
        .collect();
    assert_eq!(headings, ["Minutes & <records>", "Charters"]);
    let html = std::fs::read_to_string(out.join("sources/index.html")).unwrap();
    assert!(
        html.contains("Minutes &amp; &lt;records&gt;"),
        "group titles are escaped"
    );
    let items: Vec<(String, String)> = page
        .select(&sel("ol.sources > li"))
        .map(|li| {
            let v = li.value();
            (
                v.id().unwrap().to_string(),
                v.attr("value").unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        ("source-council-minutes", "1"),
        ("source-harbour-log", "2"),
        ("source-agency-charter", "3"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(items, expected);
    // The agency's page cites the charter: its citation shows the charter's new number.
    let unit = parse(&out.join("departments/harbour-agency/index.html"));
    let cite = unit
        .select(&sel("a[href$='#source-agency-charter']"))
        .next()
        .expect("the agency's page cites the charter");
    assert_eq!(inner_text(cite), "3");
}

#[test]
fn without_groups_the_list_has_no_headings_and_file_order_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("p");
    assert!(pillar(&["init", root.to_str().unwrap()]).status.success());
    let (_out_dir, out) = build_into_temp(&root, &[]);
    let page = parse(&out.join("sources/index.html"));
    assert_eq!(page.select(&sel("h3.source-group")).count(), 0);
    let first = page.select(&sel("ol.sources > li")).next().unwrap();
    assert_eq!(first.value().id(), Some("source-council-minutes"));
    assert_eq!(first.value().attr("value"), Some("1"));
}
