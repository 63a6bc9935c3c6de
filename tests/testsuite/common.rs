//! Helpers shared by the integration tests: running the binary, reading a built site.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Output;

use scraper::{Html, Selector};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn pillar(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_pillar"))
        .args(args)
        .output()
        .expect("the pillar binary runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `pillar build --quiet --root ROOT --output OUT EXTRA…`, which must succeed.
pub fn build_site(root: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec![
        "build",
        "--quiet",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = pillar(&args);
    assert!(o.status.success(), "build failed:\n{}", text(&o.stderr));
}

/// Builds the project at `root` into a fresh temporary folder.
pub fn build_into_temp(root: &Path, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    build_site(root, &out, extra);
    (dir, out)
}

/// Builds the shipped explainer into a fresh temporary folder.
pub fn build_shipped(extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    build_into_temp(&repo(), extra)
}

pub fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

pub fn parse(path: &Path) -> Html {
    Html::parse_document(
        &std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
}

/// All text inside an element, whitespace collapsed.
pub fn inner_text(el: scraper::ElementRef<'_>) -> String {
    el.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every file of a built site, relative to its root, with `/` separators.
pub fn files(out: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(out)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

/// Every `id` of every HTML page.
pub fn ids(out: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let id = sel("[id]");
    files(out)
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .map(|f| {
            let doc = parse(&out.join(&f));
            let set = doc
                .select(&id)
                .filter_map(|e| e.value().attr("id").map(str::to_owned))
                .collect();
            (f, set)
        })
        .collect()
}

/// Checks that every relative `href` and `src` of every page resolves to a file of the site
/// and every `#anchor` to an id on its page. Returns the problems.
pub fn broken_links(out: &Path) -> Vec<String> {
    let all = files(out);
    let ids = ids(out);
    let links = sel("[href], [src]");
    let mut problems = Vec::new();
    for page in all
        .iter()
        // A 404 page (one per edition) is served at any address: its links are absolute.
        .filter(|f| f.ends_with(".html") && f.as_str() != "404.html" && !f.ends_with("/404.html"))
    {
        let doc = parse(&out.join(page));
        for el in doc.select(&links) {
            for attr in ["href", "src"] {
                let Some(link) = el.value().attr(attr) else {
                    continue;
                };
                if link.starts_with("http:")
                    || link.starts_with("https:")
                    || link.starts_with("mailto:")
                    || link.starts_with("//")
                {
                    continue;
                }
                if link.starts_with('/') {
                    problems.push(format!(
                        "{page}: root-relative link {link} breaks under a sub-path"
                    ));
                    continue;
                }
                let (path, anchor) = link
                    .split_once('#')
                    .map_or((link, None), |(p, a)| (p, Some(a)));
                let dir = page.rfind('/').map_or("", |i| &page[..=i]);
                let target = if path.is_empty() {
                    page.clone()
                } else {
                    resolve(dir, path)
                };
                let file = if target.is_empty() || target.ends_with('/') {
                    format!("{target}index.html")
                } else {
                    target
                };
                if !all.contains(&file) {
                    problems.push(format!("{page}: {link} -> missing {file}"));
                    continue;
                }
                let anchor =
                    anchor.map(|a| percent_encoding::percent_decode_str(a).decode_utf8_lossy());
                if let Some(a) = anchor.filter(|a| !a.is_empty())
                    && !ids.get(&file).is_some_and(|s| s.contains(a.as_ref()))
                {
                    problems.push(format!("{page}: {link} -> {file} has no id {a}"));
                }
            }
        }
    }
    problems
}

fn resolve(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                assert!(
                    parts.pop().is_some(),
                    "{rel} climbs out of the site from {dir}"
                );
            }
            s => parts.push(s),
        }
    }
    let mut s = parts.join("/");
    if rel.ends_with('/') && !s.is_empty() {
        s.push('/');
    }
    s
}

/// The data file, read independently of pillar.
pub fn data() -> toml::Table {
    toml::from_str(&std::fs::read_to_string(repo().join("content/reform.toml")).unwrap()).unwrap()
}

pub fn table<'a>(data: &'a toml::Table, key: &str) -> Vec<&'a toml::Table> {
    data.get(key)
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_table()).collect())
        .unwrap_or_default()
}

pub fn s<'a>(t: &'a toml::Table, key: &str) -> &'a str {
    t.get(key).and_then(|v| v.as_str()).unwrap_or("")
}

pub fn list<'a>(t: &'a toml::Table, key: &str) -> Vec<&'a str> {
    t.get(key)
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default()
}

/// Unit id → the label pages show (the acronym, or the name).
pub fn label_map(data: &toml::Table) -> std::collections::HashMap<String, String> {
    table(data, "unit")
        .iter()
        .map(|u| {
            let label = if s(u, "acronym").is_empty() {
                s(u, "name")
            } else {
                s(u, "acronym")
            };
            (s(u, "id").to_owned(), label.to_owned())
        })
        .collect()
}

/// The rows the comparison table must have, worked out from the data file alone: each unit
/// that exists before the reform with what it becomes (itself too when it lives on), then
/// each new unit that nothing becomes, as "New".
pub fn expected_comparison_rows(data: &toml::Table) -> Vec<(String, Vec<String>)> {
    let labels = label_map(data);
    let units = table(data, "unit");
    let ctx = |u: &toml::Table| u.get("context").and_then(|v| v.as_bool()).unwrap_or(false);
    let mut expected: Vec<(String, Vec<String>)> = Vec::new();
    for u in &units {
        let era = s(u, "era");
        if ctx(u) || era == "after" {
            continue;
        }
        let mut after: Vec<String> = if era == "both" {
            vec![labels[s(u, "id")].clone()]
        } else {
            vec![]
        };
        after.extend(list(u, "becomes").iter().map(|b| labels[*b].clone()));
        expected.push((labels[s(u, "id")].clone(), after));
    }
    for u in &units {
        let id = s(u, "id");
        let has_predecessor = units.iter().any(|o| list(o, "becomes").contains(&id));
        if !ctx(u) && s(u, "era") == "after" && !has_predecessor {
            expected.push(("New".into(), vec![labels[id].clone()]));
        }
    }
    expected
}

/// Checks the function map of a built comparison page against the data: a row per function,
/// headed by its name, with the units it leaves and the units it joins.
pub fn assert_function_map(page: &Path, data: &toml::Table) {
    let labels = label_map(data);
    let doc = parse(page);
    for f in table(data, "function") {
        let row = doc
            .select(&sel(&format!("tr#function-{}", s(f, "id"))))
            .next()
            .unwrap_or_else(|| panic!("no row for function {}", s(f, "id")));
        assert_eq!(
            inner_text(row.select(&sel("th")).next().unwrap()),
            s(f, "name")
        );
        let cells: Vec<_> = row.select(&sel("td")).collect();
        let got = |i: usize| {
            cells[i]
                .select(&sel("a.unit-link"))
                .map(inner_text)
                .collect::<Vec<_>>()
        };
        let want = |k: &str| {
            list(f, k)
                .iter()
                .map(|u| labels[*u].clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(got(0), want("from"), "function {} before", s(f, "id"));
        assert_eq!(got(1), want("to"), "function {} after", s(f, "id"));
    }
}

/// The rows of a built comparison page: each row's header and the unit links of its "after" cell.
pub fn comparison_rows(page: &Path) -> Vec<(String, Vec<String>)> {
    let doc = parse(page);
    let table_el = doc
        .select(&sel("table#comparison-units"))
        .next()
        .expect("the comparison table");
    assert!(
        table_el.select(&sel("caption")).next().is_some(),
        "the table has a caption"
    );
    assert_eq!(
        table_el.select(&sel("thead th[scope=col]")).count(),
        3,
        "three column headers"
    );
    table_el
        .select(&sel("tbody tr"))
        .map(|tr| {
            let th = inner_text(
                tr.select(&sel("th[scope=row]"))
                    .next()
                    .expect("a row header"),
            );
            let after_cell = tr.select(&sel("td")).next().expect("an after cell");
            (
                th,
                after_cell
                    .select(&sel("a.unit-link"))
                    .map(inner_text)
                    .collect(),
            )
        })
        .collect()
}

/// A project written into a temporary folder, file by file: the one harness for tests that
/// need a site of their own. `Project::new().file(…).build(&[…])` builds it.
pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    /// A project with a `site-config.toml` that names an address.
    pub fn new() -> Self {
        Self::with_config("title = \"T\"\nbase_url = \"https://example.org/\"\n")
    }

    pub fn with_config(config: &str) -> Self {
        let p = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        p.file("site-config.toml", config)
    }

    /// Writes `text` at `path` inside the project.
    pub fn file(self, path: &str, text: &str) -> Self {
        let p = self.dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Builds it into `site/` beside it; the build must succeed.
    pub fn build(&self, extra: &[&str]) -> PathBuf {
        let out = self.dir.path().join("site");
        build_site(self.root(), &out, extra);
        out
    }
}

/// Each place in the page at `path` where a citation is followed, with nothing but
/// punctuation and tags between, by a citation of a source it cites already.
pub fn repeated_citations(path: &Path) -> Vec<String> {
    let html = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // Each citation as (start, end, the sources it links to).
    let mut cites: Vec<(usize, usize, Vec<&str>)> = Vec::new();
    let mut from = 0;
    while let Some(at) = html[from..].find("<sup class=\"cite\">") {
        let start = from + at;
        let Some(len) = html[start..].find("</sup>") else {
            break;
        };
        let end = start + len + "</sup>".len();
        let ids = html[start..end]
            .split("#source-")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .collect();
        cites.push((start, end, ids));
        from = end;
    }
    let mut found = Vec::new();
    for pair in cites.windows(2) {
        let between = &html[pair[0].1..pair[1].0];
        let words: String = Html::parse_fragment(between)
            .root_element()
            .text()
            .collect();
        if words.trim().len() <= 2 && pair[0].2.iter().any(|id| pair[1].2.contains(id)) {
            found.push(format!(
                "{}: {}",
                path.display(),
                &html[pair[0].0..pair[1].1]
            ));
        }
    }
    found
}

/// Every entry of a folder, hidden ones and folders included, with the bytes of each file: two
/// trees are equal when they hold the same names and the same bytes.
pub fn whole_tree(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            let bytes = e
                .file_type()
                .is_file()
                .then(|| std::fs::read(e.path()).unwrap());
            (rel, bytes)
        })
        .collect()
}
