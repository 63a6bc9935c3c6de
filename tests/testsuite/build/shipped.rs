//! The shipped explainer, built from this repository, checked against its own data file
//! (read independently with the `toml` crate).

use std::collections::BTreeSet;

use crate::common::*;

#[test]
fn every_unit_has_its_page_with_its_name() {
    let (_tmp, out) = build_shipped(&[]);
    let data = data();
    let units = table(&data, "unit");
    assert!(
        units.len() >= 10,
        "the shipped data has every unit of the reform"
    );
    for u in units {
        let page = out.join(format!("departments/{}/index.html", s(u, "id")));
        let doc = parse(&page);
        let h1 = inner_text(doc.select(&sel("h1")).next().expect("an h1"));
        assert!(
            h1.starts_with(s(u, "name")),
            "{}: h1 is {h1:?}",
            page.display()
        );
    }
    let index = parse(&out.join("departments/index.html"));
    assert_eq!(
        index.select(&sel(".unit-card")).count(),
        table(&data, "unit").len(),
        "the index lists every unit"
    );
}

/// A note's body that ends with a citation is not followed by the same sources again (the
/// unit pages printed each note's whole source list right under its body).
#[test]
fn no_page_cites_a_source_twice_in_a_row() {
    let (_tmp, out) = build_shipped(&[]);
    let found: Vec<String> = walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .flat_map(|e| repeated_citations(e.path()))
        .collect();
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn comparison_table_rows_match_the_data() {
    let (_tmp, out) = build_shipped(&[]);
    let rows = comparison_rows(&out.join("comparison/index.html"));
    assert_eq!(rows, expected_comparison_rows(&data()));
}

#[test]
fn function_map_lists_every_function_with_its_units() {
    let (_tmp, out) = build_shipped(&[]);
    let data = data();
    assert!(table(&data, "function").len() >= 15);
    assert_function_map(&out.join("comparison/index.html"), &data);
}

#[test]
fn timeline_lists_every_event_in_date_order_with_a_source() {
    let (_tmp, out) = build_shipped(&[]);
    let data = data();
    let events = table(&data, "event");
    assert!(events.len() >= 25);
    let doc = parse(&out.join("timeline/index.html"));
    let items: Vec<_> = doc.select(&sel("li.event")).collect();
    assert_eq!(items.len(), events.len(), "one entry per event");
    let dates: Vec<String> = items
        .iter()
        .map(|li| {
            li.select(&sel("time[datetime]"))
                .next()
                .expect("a <time datetime>")
                .value()
                .attr("datetime")
                .unwrap()
                .to_owned()
        })
        .collect();
    let key = |d: &str| {
        let mut p = d.split('-').map(|x| x.parse::<u32>().unwrap());
        (
            // A date known only to the month or year sorts after the days of its period.
            p.next().unwrap(),
            p.next().unwrap_or(13),
            p.next().unwrap_or(32),
        )
    };
    for pair in dates.windows(2) {
        assert!(
            key(&pair[0]) <= key(&pair[1]),
            "{} comes before {}",
            pair[0],
            pair[1]
        );
    }
    let mut want: Vec<String> = events
        .iter()
        .map(|e| {
            e.get("date")
                .unwrap()
                .to_string()
                .trim_matches('"')
                .to_owned()
        })
        .collect();
    want.sort_by_key(|d| key(d));
    assert_eq!(dates, want, "every event's date, in order");
    let in_range = dates
        .iter()
        .filter(|d| ("1992".."2019-02").contains(&d.as_str()))
        .count();
    assert!(
        in_range >= 25,
        "at least 25 events from 1992 to January 2019, got {in_range}"
    );
    for li in &items {
        assert!(
            li.select(&sel("sup.cite a[href*='sources/#source-']"))
                .next()
                .is_some(),
            "every event cites a source"
        );
    }
}

#[test]
fn every_internal_link_and_anchor_resolves() {
    let (_tmp, out) = build_shipped(&[]);
    let problems = broken_links(&out);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn sitemap_lists_every_page() {
    let (_tmp, out) = build_shipped(&[]);
    let base = "https://example.org/un-peace-security-reform/";
    let robots = std::fs::read_to_string(out.join("robots.txt")).unwrap();
    // One sitemap per edition, each listing that edition's pages.
    for edition in ["", "fr/"] {
        let sitemap = std::fs::read_to_string(out.join(edition).join("sitemap.xml")).unwrap();
        let locs: BTreeSet<String> = sitemap
            .split("<loc>")
            .skip(1)
            .map(|s| s.split("</loc>").next().unwrap().to_owned())
            .collect();
        let pages: BTreeSet<String> = files(&out)
            .into_iter()
            .filter(|f| f.ends_with("index.html") && f.starts_with(edition))
            .filter(|f| !edition.is_empty() || !f.starts_with("fr/"))
            // The embeddable views are not pages to find (tests/testsuite/build/embeds.rs).
            .filter(|f| !f[edition.len()..].starts_with("embed/"))
            .map(|f| format!("{base}{}", f.trim_end_matches("index.html")))
            .collect();
        assert_eq!(locs, pages, "the sitemap of /{edition}");
        assert!(robots.contains(&format!("Sitemap: {base}{edition}sitemap.xml")));
    }
}

#[test]
fn a_sub_path_base_url_keeps_every_link_working() {
    let (_tmp, out) = build_shipped(&["--base-url", "https://example.org/explainer/"]);
    let problems = broken_links(&out);
    assert!(problems.is_empty(), "{problems:#?}");
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://example.org/explainer/departments/dpo/</loc>"));
    let dpo = parse(&out.join("departments/dpo/index.html"));
    let canonical = dpo
        .select(&sel("link[rel=canonical]"))
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    assert_eq!(canonical, "https://example.org/explainer/departments/dpo/");
    // The 404 page is served at any depth, so its links carry the sub-path.
    let not_found = parse(&out.join("404.html"));
    let css = not_found
        .select(&sel("link[rel=stylesheet]"))
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    assert!(css.starts_with("/explainer/style."), "{css}");
}

#[test]
fn static_files_carry_a_content_hash() {
    let (_tmp, out) = build_shipped(&[]);
    let statics: Vec<String> = std::fs::read_dir(repo().join("theme/static"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(statics.len() >= 4);
    let built = files(&out);
    for name in statics {
        let (stem, ext) = name.rsplit_once('.').unwrap();
        let hashed: Vec<&String> = built
            .iter()
            .filter(|f| {
                f.starts_with(&format!("{stem}."))
                    && f.ends_with(&format!(".{ext}"))
                    && !f.contains('/')
            })
            .collect();
        assert_eq!(hashed.len(), 1, "{name}: {hashed:?}");
        let hash = &hashed[0][stem.len() + 1..hashed[0].len() - ext.len() - 1];
        assert!(
            hash.len() == 12 && hash.chars().all(|c| c.is_ascii_hexdigit()),
            "{name} -> {}",
            hashed[0]
        );
    }
}

#[test]
fn a_second_build_rewrites_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let root = repo();
    let args = [
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ];
    assert!(pillar(&args).status.success());
    let o = pillar(&args);
    let stdout = text(&o.stdout);
    assert!(stdout.contains("(0 written,"), "{stdout}");
    assert!(stdout.contains(" 0 removed)"), "{stdout}");
}

/// A function that leaves a unit for somewhere its unit does not go (DPA's share in leading the
/// pillar goes to the principals' group, not to DPPA) says where in the comparison table; the
/// others do not.
#[test]
fn comparison_rows_say_where_a_function_goes_when_it_leaves_its_units_successors() {
    let (_dir, out) = build_shipped(&[]);
    let data = data();
    let labels = label_map(&data);
    let doc = parse(&out.join("comparison/index.html"));
    let mut marked = 0;
    for u in table(&data, "unit") {
        let (id, era) = (s(u, "id"), s(u, "era"));
        if u.get("context").and_then(|v| v.as_bool()) == Some(true) || era == "after" {
            continue;
        }
        let mut after: Vec<&str> = list(u, "becomes");
        if era == "both" {
            after.push(id);
        }
        let row = doc
            .select(&sel("table#comparison-units tbody tr"))
            .find(|tr| {
                tr.select(&sel("th[scope=row] a.unit-link"))
                    .next()
                    .is_some_and(|a| inner_text(a) == labels[id])
            })
            .unwrap_or_else(|| panic!("a row for {id}"));
        let items: Vec<String> = row.select(&sel("td li")).map(inner_text).collect();
        for f in table(&data, "function") {
            if !list(f, "from").contains(&id) {
                continue;
            }
            let elsewhere: Vec<&str> = list(f, "to")
                .into_iter()
                .filter(|t| !after.contains(t))
                .collect();
            let item = items
                .iter()
                .find(|i| i.starts_with(s(f, "name")))
                .unwrap_or_else(|| panic!("{id}'s row lists {}", s(f, "name")));
            if elsewhere.is_empty() {
                assert!(!item.contains("goes to"), "{id}: {item}");
            } else {
                marked += 1;
                for t in elsewhere {
                    assert!(
                        item.contains(&format!("goes to {}", labels[t])),
                        "{id}: {item}"
                    );
                }
            }
        }
    }
    assert!(
        marked > 0,
        "the shipped data has functions that go elsewhere"
    );
}

/// In the org chart's text alternative, a new unit that takes on functions says where they
/// came from, rather than only "new".
#[test]
fn the_chart_text_says_where_a_new_units_work_came_from() {
    let (_dir, out) = build_shipped(&[]);
    let data = data();
    let labels = label_map(&data);
    let doc = parse(&out.join("comparison/index.html"));
    let items: Vec<String> = doc
        .select(&sel("figure.org-chart .chart-alt li"))
        .map(inner_text)
        .collect();
    let mut checked = 0;
    for u in table(&data, "unit") {
        let id = s(u, "id");
        let absorbs = table(&data, "unit")
            .iter()
            .any(|o| list(o, "becomes").contains(&id));
        if s(u, "era") != "after" || absorbs || u.get("context").is_some() {
            continue;
        }
        let from: Vec<&str> = table(&data, "function")
            .into_iter()
            .filter(|f| list(f, "to").contains(&id))
            .flat_map(|f| list(f, "from"))
            .collect();
        if from.is_empty() {
            continue;
        }
        let name = s(u, "name");
        let item = items
            .iter()
            .find(|i| i.starts_with(name))
            .unwrap_or_else(|| panic!("the chart text names {name}: {items:?}"));
        assert!(item.contains("with work that came from"), "{item}");
        for f in from {
            assert!(item.contains(&labels[f]), "{item} names {f}");
        }
        checked += 1;
    }
    assert!(
        checked > 0,
        "the shipped data has a new unit that takes on work"
    );
}
