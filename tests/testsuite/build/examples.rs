//! The fictional example in `examples/river-authority/`: a reform of another shape (one body
//! split into three) with its unit pages under `bodies/`, built and checked against its own
//! data file (read independently with the `toml` crate). Proves that nothing in the generator
//! is tied to the shipped UN explainer or to the word "departments".

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::common::*;

fn root() -> PathBuf {
    repo().join("examples/river-authority")
}

/// The example's data file, read independently of pillar.
fn example_data() -> toml::Table {
    let path = root().join("content/reform.toml");
    toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn build_example() -> (tempfile::TempDir, PathBuf) {
    build_into_temp(&root(), &[])
}

#[test]
fn example_passes_check_strict() {
    let root = root();
    let o = pillar(&["check", "--strict", "--root", root.to_str().unwrap()]);
    assert!(
        o.status.success(),
        "check --strict failed:\n{}",
        text(&o.stderr)
    );
    assert!(!text(&o.stderr).contains("warning"), "{}", text(&o.stderr));
}

#[test]
fn example_data_has_the_promised_shape() {
    let data = example_data();
    let units = table(&data, "unit");
    let era = |e: &str| units.iter().filter(|u| s(u, "era") == e).count();
    assert!(era("before") >= 4, "at least 4 units before");
    assert!(era("after") >= 4, "at least 4 units after");
    assert!(
        units.iter().any(|u| s(u, "era") == "both"
            && !s(u, "parent").is_empty()
            && !s(u, "parent_before").is_empty()
            && s(u, "parent") != s(u, "parent_before")),
        "one unit continues across the reform under a new parent"
    );
    let functions = table(&data, "function");
    assert!(functions.len() >= 8);
    assert!(functions.iter().any(|f| list(f, "to").len() >= 2));
    assert!(functions.iter().any(|f| list(f, "to").is_empty()));
    let events = table(&data, "event");
    assert!(events.len() >= 10);
    let precisions: BTreeSet<usize> = events
        .iter()
        .map(|e| {
            e.get("date")
                .unwrap()
                .to_string()
                .trim_matches('"')
                .split('-')
                .count()
        })
        .collect();
    assert_eq!(
        precisions,
        BTreeSet::from([1, 2, 3]),
        "years, months and days"
    );
    let sources = table(&data, "source");
    assert!(sources.len() >= 6);
    for src in &sources {
        assert!(
            s(src, "publisher").ends_with("(fictional)"),
            "{}",
            s(src, "id")
        );
        assert!(
            s(src, "url").starts_with("https://example.org/"),
            "{}",
            s(src, "id")
        );
    }
    assert!(table(&data, "term").len() >= 5);
    assert!(table(&data, "note").len() >= 2);
}

#[test]
fn example_has_one_page_per_unit_under_bodies() {
    let (_tmp, out) = build_example();
    let data = example_data();
    let units = table(&data, "unit");
    for u in &units {
        let page = out.join(format!("bodies/{}/index.html", s(u, "id")));
        let doc = parse(&page);
        let h1 = inner_text(doc.select(&sel("h1")).next().expect("an h1"));
        assert!(
            h1.starts_with(s(u, "name")),
            "{}: h1 is {h1:?}",
            page.display()
        );
    }
    let all = files(&out);
    let unit_pages: BTreeSet<String> = all
        .iter()
        .filter_map(|f| f.strip_prefix("bodies/"))
        .filter_map(|f| f.strip_suffix("/index.html"))
        .map(str::to_owned)
        .collect();
    let ids: BTreeSet<String> = units.iter().map(|u| s(u, "id").to_owned()).collect();
    assert_eq!(unit_pages, ids, "one page per unit, and no other");
    assert!(
        !all.iter().any(|f| f.starts_with("departments/")),
        "nothing is written under departments/"
    );
    let index = parse(&out.join("bodies/index.html"));
    assert_eq!(
        index.select(&sel(".unit-card")).count(),
        units.len(),
        "the index lists every unit"
    );
}

#[test]
fn example_comparison_table_rows_match_the_data() {
    let (_tmp, out) = build_example();
    let data = example_data();
    let labels = label_map(&data);
    let units = table(&data, "unit");
    let rows = comparison_rows(&out.join("comparison/index.html"));
    assert_eq!(rows, expected_comparison_rows(&data));
    // The split itself: the old board's row names all three successors.
    let board = units
        .iter()
        .find(|u| s(u, "era") == "before" && list(u, "becomes").len() == 3)
        .expect("a unit split into three");
    let row = rows
        .iter()
        .find(|(th, _)| *th == labels[s(board, "id")])
        .unwrap();
    assert_eq!(row.1.len(), 3, "{row:?}");
}

#[test]
fn example_function_map_lists_every_function_with_its_units() {
    let (_tmp, out) = build_example();
    assert_function_map(&out.join("comparison/index.html"), &example_data());
}

#[test]
fn example_internal_links_resolve() {
    let (_tmp, out) = build_example();
    let problems = broken_links(&out);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn example_is_fictional_and_has_nothing_of_the_un_explainer() {
    let (_tmp, out) = build_example();
    let pages: Vec<String> = files(&out)
        .into_iter()
        .filter(|f| {
            f.ends_with(".html")
                || f.ends_with(".xml")
                || f.ends_with(".json")
                || f.ends_with(".txt")
        })
        .collect();
    assert!(pages.len() >= 10, "{pages:?}");
    for f in &pages {
        let body = std::fs::read_to_string(out.join(f)).unwrap();
        for word in ["United Nations", "Guterres"] {
            assert!(
                !body.to_lowercase().contains(&word.to_lowercase()),
                "{f} mentions {word:?}"
            );
        }
        if f.ends_with(".html") {
            let doc = parse(&out.join(f));
            let title = inner_text(doc.select(&sel("title")).next().expect("a <title>"));
            assert!(
                title.to_lowercase().contains("fictional"),
                "{f}: title {title:?}"
            );
        }
    }
    for f in ["index.html", "about/index.html"] {
        let doc = parse(&out.join(f));
        let main = inner_text(doc.select(&sel("main")).next().expect("a <main>"));
        assert!(
            main.to_lowercase().contains("fictional"),
            "{f} says it is fictional in its content"
        );
    }
}

/// The deep fictional example in `examples/harbour-ministry/` (three levels, a three-way
/// split, dual reporting, a rename, uncertain moves): it passes `check --strict`, every
/// internal link resolves, and it has the promised shape. What its pages say is tested in
/// `data/model.rs`.
mod harbour_ministry {
    use super::*;

    fn root() -> PathBuf {
        repo().join("examples/harbour-ministry")
    }

    #[test]
    fn passes_check_strict_without_warnings() {
        let o = pillar(&["check", "--strict", "--root", root().to_str().unwrap()]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        assert!(!text(&o.stderr).contains("warning"), "{}", text(&o.stderr));
    }

    #[test]
    fn has_the_deep_shape() {
        let path = root().join("content/reform.toml");
        let data: toml::Table = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let units = table(&data, "unit");
        assert!(units.len() >= 35, "{} units", units.len());
        assert!(
            units.iter().any(|u| list(u, "parent").len() == 2),
            "dual reporting"
        );
        assert!(
            units.iter().any(|u| list(u, "becomes").len() == 3),
            "a three-way split"
        );
        assert!(
            units.iter().any(|u| !s(u, "name_before").is_empty()),
            "a rename"
        );
        assert!(units.iter().filter(|u| u.get("context").is_some()).count() >= 2);
        let src = std::fs::read_to_string(root().join("content/reform.toml")).unwrap();
        assert!(
            src.matches("confidence = ").count() >= 2,
            "two uncertain moves"
        );
    }

    #[test]
    fn internal_links_resolve() {
        let (_tmp, out) = build_into_temp(&root(), &[]);
        let problems = broken_links(&out);
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
