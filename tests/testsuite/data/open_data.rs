//! The reform as open data (`data/*.csv`, `data/reform.json`): read back with a CSV parser
//! and a JSON parser, and compared with the data file row by row.

use crate::common::*;

/// The rows of a CSV file of the site, as maps from header to cell.
fn csv_rows(out: &std::path::Path, file: &str) -> Vec<std::collections::HashMap<String, String>> {
    let bytes = std::fs::read(out.join("data").join(file)).unwrap();
    let text = String::from_utf8(bytes).expect("the CSV is UTF-8");
    assert!(
        text.ends_with("\r\n"),
        "{file}: RFC 4180 records end with CRLF"
    );
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(
                rec.len(),
                header.len(),
                "{file}: a row has as many cells as the header"
            );
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

fn joined(t: &toml::Table, key: &str) -> String {
    list(t, key).join(";")
}

/// A date of the data file as the CSV writes it (TOML dates and strings alike).
fn date_text(t: &toml::Table, key: &str) -> String {
    match t.get(key) {
        Some(toml::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => String::new(),
    }
}

#[test]
fn data_downloads_match_the_data_file_row_by_row() {
    let (_tmp, out) = build_shipped(&[]);
    let data = data();

    let units = csv_rows(&out, "units.csv");
    let written = table(&data, "unit");
    assert_eq!(units.len(), written.len());
    for (row, u) in units.iter().zip(&written) {
        for key in [
            "id", "name", "acronym", "era", "kind", "level", "parent", "summary",
        ] {
            assert_eq!(row[key], s(u, key), "unit {}: {key}", s(u, "id"));
        }
        assert_eq!(row["becomes"], joined(u, "becomes"), "unit {}", s(u, "id"));
        assert_eq!(row["sources"], joined(u, "sources"), "unit {}", s(u, "id"));
        assert_eq!(row["established"], date_text(u, "established"));
        assert_eq!(
            row["page"],
            format!("{}departments/{}/", base_url(), s(u, "id"))
        );
    }

    let functions = csv_rows(&out, "functions.csv");
    let written = table(&data, "function");
    assert_eq!(functions.len(), written.len());
    for (row, f) in functions.iter().zip(&written) {
        for key in ["id", "name", "note"] {
            assert_eq!(row[key], s(f, key), "function {}: {key}", s(f, "id"));
        }
        for key in ["from", "to", "sources"] {
            assert_eq!(row[key], joined(f, key), "function {}: {key}", s(f, "id"));
        }
    }

    let events = csv_rows(&out, "events.csv");
    let written = table(&data, "event");
    assert_eq!(events.len(), written.len());
    for (row, e) in events.iter().zip(&written) {
        assert_eq!(row["date"], date_text(e, "date"));
        for key in ["title", "summary", "date_note"] {
            assert_eq!(row[key], s(e, key), "event {}: {key}", s(e, "title"));
        }
        if e.contains_key("id") {
            assert_eq!(row["id"], s(e, "id"));
        }
        assert_eq!(row["units"], joined(e, "units"));
        assert_eq!(row["sources"], joined(e, "sources"));
    }

    let sources = csv_rows(&out, "sources.csv");
    let written = table(&data, "source");
    assert_eq!(sources.len(), written.len());
    for (n, (row, src)) in sources.iter().zip(&written).enumerate() {
        for key in [
            "id",
            "title",
            "publisher",
            "author",
            "url",
            "note",
            "date_text",
        ] {
            assert_eq!(row[key], s(src, key), "source {}: {key}", s(src, "id"));
        }
        assert_eq!(row["date"], date_text(src, "date"));
        assert_eq!(row["number"], (n + 1).to_string());
    }

    // The JSON holds every table, with the same rows.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("data/reform.json")).unwrap())
            .unwrap();
    assert_eq!(
        json["title"],
        s(data["reform"].as_table().unwrap(), "title")
    );
    for (key, rows) in [
        ("units", "unit"),
        ("functions", "function"),
        ("source_list", "source"),
        ("terms", "term"),
        ("notes", "note"),
    ] {
        let got = json[key].as_array().unwrap();
        let want = table(&data, rows);
        assert_eq!(got.len(), want.len(), "{key}");
        for (g, w) in got.iter().zip(&want) {
            if w.contains_key("id") {
                assert_eq!(g["id"], s(w, "id"), "{key}");
            }
        }
    }
    let dpa = &json["units"][0];
    let first = table(&data, "unit")[0];
    assert_eq!(dpa["becomes"], serde_json::json!(list(first, "becomes")));
    assert_eq!(
        dpa["heads"].as_array().unwrap().len(),
        table(first, "head").len()
    );
}

fn base_url() -> String {
    let config: toml::Table =
        toml::from_str(&std::fs::read_to_string(repo().join("site-config.toml")).unwrap()).unwrap();
    let mut b = s(&config, "base_url").to_owned();
    if !b.ends_with('/') {
        b.push('/');
    }
    b
}

const AWKWARD: &str = "Commas, \"quotes\" and\na newline; then ünïcödé";

fn small_project(config_extra: &str) -> Project {
    Project::with_config(&format!(
        "title = \"T\"\nbase_url = \"https://example.org/x/\"\n{config_extra}"
    ))
    .file("content/_index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n")
    .file(
        "content/reform.toml",
        &format!(
            r#"[reform]
title = "R"
summary = "S"

[[unit]]
id = "a"
name = {name}
era = "before"
kind = "department"
becomes = ["b", "c"]
summary = {name}
sources = ["s1", "s2"]
extra = {{ when = 2017-10-13, staff = 40 }}

[[unit]]
id = "b"
name = "B"
era = "after"
kind = "office"
summary = "B."
sources = ["s1"]

[[unit]]
id = "c"
name = "C"
era = "after"
kind = "office"
summary = "C."
sources = ["s1"]

[[source]]
id = "s1"
title = {name}
publisher = "P"

[[source]]
id = "s2"
title = "Two"
publisher = "P"
"#,
            name = toml::Value::from(AWKWARD)
        ),
    )
}

#[test]
fn a_field_with_commas_quotes_and_newlines_round_trips() {
    let p = small_project("");
    let out = p.build(&[]);
    let units = csv_rows(&out, "units.csv");
    assert_eq!(units[0]["name"], AWKWARD);
    assert_eq!(units[0]["summary"], AWKWARD);
    assert_eq!(units[0]["becomes"], "b;c");
    assert_eq!(units[0]["sources"], "s1;s2");
    assert_eq!(units[0]["page"], "https://example.org/x/departments/a/");
    assert_eq!(csv_rows(&out, "sources.csv")[0]["title"], AWKWARD);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("data/reform.json")).unwrap())
            .unwrap();
    assert_eq!(json["units"][0]["name"], AWKWARD);
    // A TOML date in `extra` is written as its text, not as TOML's internal form.
    assert_eq!(json["units"][0]["extra"]["when"], "2017-10-13");
    assert_eq!(json["units"][0]["extra"]["staff"], 40);
    assert!(json.get("licence").is_none());
}

#[test]
fn the_licence_line_comes_from_the_config() {
    let p = small_project("data_licence = \"CC BY 4.0 <b>\"\n");
    let out = p.build(&[]);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("data/reform.json")).unwrap())
            .unwrap();
    assert_eq!(json["licence"], "CC BY 4.0 <b>");
    let doc = parse(&out.join("sources/index.html"));
    let line = doc
        .select(&sel(".downloads .licence"))
        .next()
        .expect("a licence line");
    assert_eq!(inner_text(line), "Licence: CC BY 4.0 <b>");
}

#[test]
fn a_site_without_a_data_file_publishes_no_data() {
    let p = Project::new().file("content/_index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n");
    let out = p.build(&[]);
    assert!(!out.join("data").exists());
}

#[test]
fn markdown_may_link_to_the_data_files() {
    let p = small_project("").file(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\n[The units](data/units.csv) and [all](/data/reform.json).\n",
    );
    let o = pillar(&["check", "--root", p.root().to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
}

#[test]
fn a_content_file_where_a_data_file_goes_is_refused() {
    let p = small_project("").file("content/data/units.csv", "id\n");
    let o = pillar(&["check", "--root", p.root().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("content/data/units.csv"), "{err}");
    assert!(err.contains("pillar writes data/units.csv itself"), "{err}");
}
