//! Incremental builds give the bytes of a clean build, always: random sequences of edits to a
//! copy of the shipped project (page bodies and front matter, pages added, renamed and
//! deleted, the data file and its French overlay, templates, the configuration, interface
//! strings, static files), each followed by a build into the same output and a clean build
//! into a new one, whose trees must be equal. And a page edited alone, or a data field shown
//! on a few pages, renders only those pages again.

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use crate::common::{repo, whole_tree};

/// One edit; the numbers pick what it touches and what it writes.
#[derive(Debug, Clone)]
enum Edit {
    /// A sentence (with a citation, a glossary term or a heading) added to a page's body.
    Body(usize, usize),
    /// A word of a page's body changed.
    Word(usize),
    /// A page's title changed.
    Title(usize),
    /// A summary marked in a page (`<!-- more -->` after its first paragraph).
    Summary(usize),
    /// An added page made a draft.
    Draft(usize),
    /// A page added to the default or the French edition.
    Add(usize, bool),
    /// An added page renamed, or deleted.
    Rename(usize),
    Delete(usize),
    /// A display name changed in the data file or its French overlay.
    Data(usize, bool),
    /// A comment added to a template, or to the style sheet.
    Template(usize),
    Style,
    /// The site's title changed.
    Config,
    /// An interface string changed, in English or French.
    Strings(usize, bool),
    /// Nothing changed.
    Nothing,
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Body(a, b)),
        2 => any::<usize>().prop_map(Edit::Word),
        1 => any::<usize>().prop_map(Edit::Title),
        1 => any::<usize>().prop_map(Edit::Summary),
        1 => any::<usize>().prop_map(Edit::Draft),
        2 => (any::<usize>(), any::<bool>()).prop_map(|(a, b)| Edit::Add(a, b)),
        1 => any::<usize>().prop_map(Edit::Rename),
        1 => any::<usize>().prop_map(Edit::Delete),
        2 => (any::<usize>(), any::<bool>()).prop_map(|(a, b)| Edit::Data(a, b)),
        1 => any::<usize>().prop_map(Edit::Template),
        1 => Just(Edit::Style),
        1 => Just(Edit::Config),
        1 => (any::<usize>(), any::<bool>()).prop_map(|(a, b)| Edit::Strings(a, b)),
        1 => Just(Edit::Nothing),
    ]
}

/// A copy of the shipped project: its configuration, content and theme.
fn shipped_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo().join("site-config.toml"),
        dir.path().join("site-config.toml"),
    )
    .unwrap();
    for top in ["content", "theme"] {
        for e in walkdir::WalkDir::new(repo().join(top)) {
            let e = e.unwrap();
            let to = dir.path().join(e.path().strip_prefix(repo()).unwrap());
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(e.path(), &to).unwrap();
            }
        }
    }
    dir
}

/// The files under `dir` (relative to `root`) whose name ends in `ext`, sorted.
fn files(root: &Path, dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(root.join(dir))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().to_string_lossy().ends_with(ext))
        .map(|e| e.into_path())
        .collect();
    found.sort();
    found
}

fn pick<T: Clone>(items: &[T], n: usize) -> Option<T> {
    (!items.is_empty()).then(|| items[n % items.len()].clone())
}

/// Rewrites the `n`th line of the file at `path` that `changes` changes.
fn change_line(path: &Path, n: usize, changes: impl Fn(&str) -> Option<String>) {
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<&str> = text.split('\n').collect();
    let candidates: Vec<usize> = (0..lines.len())
        .filter(|&i| changes(lines[i]).is_some())
        .collect();
    let Some(at) = pick(&candidates, n) else {
        return;
    };
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    out[at] = changes(lines[at]).unwrap();
    std::fs::write(path, out.join("\n")).unwrap();
}

/// Adds `text` at the end of the file at `path`.
fn append(path: &Path, text: &str) {
    let mut all = std::fs::read_to_string(path).unwrap();
    all.push_str(text);
    std::fs::write(path, all).unwrap();
}

/// Appends `text` to the quoted value of a `key = "value"` line.
fn append_to_value(line: &str, key_prefix: &str, text: &str) -> Option<String> {
    (line.starts_with(key_prefix) && line.ends_with('"') && line.contains(" = \""))
        .then(|| format!("{}{text}\"", &line[..line.len() - 1]))
}

fn apply(root: &Path, edit: &Edit, step: usize) {
    let pages = files(root, "content", ".md");
    let added: Vec<PathBuf> = (pages.iter())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("added-")
        })
        .cloned()
        .collect();
    match edit {
        Edit::Body(page, kind) => {
            let Some(page) = pick(&pages, *page) else {
                return;
            };
            let sentence = match kind % 4 {
                0 => format!("\n\nA sentence added in step {step} [@s01].\n"),
                1 => format!("\n\nThe DPPA, in step {step}.\n"),
                2 => format!("\n\n## Added in step {step}\n\nWords under it.\n"),
                _ => format!("\n\nPlain words of step {step}, *emphasised*.\n"),
            };
            append(&page, &sentence);
        }
        Edit::Word(page) => {
            let Some(page) = pick(&pages, *page) else {
                return;
            };
            let text = std::fs::read_to_string(&page).unwrap();
            std::fs::write(page, text.replacen(" the ", &format!(" the{step} "), 1)).unwrap();
        }
        Edit::Title(page) => {
            let Some(page) = pick(&pages, *page) else {
                return;
            };
            change_line(&page, 0, |l| {
                append_to_value(l, "title = ", &format!(" {step}"))
            });
        }
        Edit::Summary(page) => {
            let Some(page) = pick(&pages, *page) else {
                return;
            };
            let text = std::fs::read_to_string(&page).unwrap();
            if let Some(at) = text
                .find("\n\n")
                .filter(|_| !text.contains("<!-- more -->"))
            {
                let marked = format!("{}\n\n<!-- more -->{}", &text[..at], &text[at..]);
                std::fs::write(page, marked).unwrap();
            }
        }
        Edit::Draft(n) => {
            if let Some(page) = pick(&added, *n) {
                let text = std::fs::read_to_string(&page).unwrap();
                std::fs::write(page, text.replacen("+++\n", "+++\ndraft = true\n", 1)).unwrap();
            }
        }
        Edit::Add(n, french) => {
            let dir = if *french { "content/fr" } else { "content" };
            let path = root.join(dir).join(format!("added-{step}-{}.md", n % 3));
            let body =
                format!("+++\ntitle = \"Added {step}\"\n+++\nA page added in step {step}.\n");
            std::fs::write(path, body).unwrap();
        }
        Edit::Rename(n) => {
            if let Some(page) = pick(&added, *n) {
                std::fs::rename(
                    &page,
                    page.with_file_name(format!("added-renamed-{step}.md")),
                )
                .unwrap();
            }
        }
        Edit::Delete(n) => {
            if let Some(page) = pick(&added, *n) {
                std::fs::remove_file(page).unwrap();
            }
        }
        Edit::Data(n, french) => {
            let file = if *french {
                "content/reform.fr.toml"
            } else {
                "content/reform.toml"
            };
            change_line(&root.join(file), *n, |l| {
                append_to_value(l, "name = ", &format!(" {step}"))
            });
        }
        Edit::Template(n) => {
            let Some(t) = pick(&files(root, "theme/templates", ".html"), *n) else {
                return;
            };
            append(
                &t,
                &format!("\n{{# edited in step {step} #}}<!-- step {step} -->\n"),
            );
        }
        Edit::Style => {
            append(
                &root.join("theme/static/style.css"),
                &format!("\n/* step {step} */\n"),
            );
        }
        Edit::Config => {
            change_line(&root.join("site-config.toml"), 0, |l| {
                append_to_value(l, "title = ", &format!(" {step}"))
            });
        }
        Edit::Strings(n, french) => {
            let file = if *french {
                "theme/i18n/fr.toml"
            } else {
                "theme/i18n/en.toml"
            };
            change_line(&root.join(file), *n, |l| {
                (!l.starts_with('#') && !l.contains('{'))
                    .then(|| append_to_value(l, "", &format!(" {step}")))
                    .flatten()
            });
        }
        Edit::Nothing => {}
    }
}

/// Builds `root` into `out` in this process; the outcome, as a word, for failures to agree.
fn build(root: &Path, out: &Path) -> Result<pillar::Report, String> {
    let overrides = pillar::Overrides {
        output_dir: Some(out.to_path_buf()),
        ..pillar::Overrides::default()
    };
    // The output's lock is a file lock: a test of another module that starts a `pillar`
    // process at the same moment holds a copy of it between its fork and its exec, and this
    // build then finds the output locked. That is the harness, not the build: try again.
    for _ in 0..50 {
        match pillar::build(root, &overrides) {
            Err(pillar::Failure::Tool(m)) if m.contains("another pillar build is writing") => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => {
                return other.map_err(|e| match e {
                    pillar::Failure::Site(d) => format!("site problems: {}", d.len()),
                    pillar::Failure::Tool(m) => format!("tool: {m}"),
                });
            }
        }
    }
    Err("the output stayed locked for a second".into())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(6),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn an_incremental_build_writes_the_bytes_of_a_clean_one(edits in prop::collection::vec(edit(), 1..7)) {
        let project = shipped_copy();
        let root = project.path();
        let out = root.join("site");
        // Old enough that the next builds take the unedited files from the record of reads.
        until_trusted();
        build(root, &out).unwrap();
        for (step, e) in edits.iter().enumerate() {
            apply(root, e, step);
            let incremental = build(root, &out);
            let clean_out = root.join(format!("clean-{step}"));
            let clean = build(root, &clean_out);
            match (&incremental, &clean) {
                (Ok(_), Ok(_)) => {
                    let (a, b) = (whole_tree(&out), whole_tree(&clean_out));
                    let differ: Vec<&String> = (a.keys().chain(b.keys()))
                        .filter(|k| a.get(*k) != b.get(*k))
                        .collect();
                    prop_assert!(differ.is_empty(), "after {e:?} (step {step} of {edits:?}): {differ:?} differ");
                }
                (Err(x), Err(y)) => prop_assert_eq!(x, y),
                _ => prop_assert!(false, "after {e:?}: incremental {incremental:?}, clean {clean:?}"),
            }
            let _ = std::fs::remove_dir_all(&clean_out);
        }
    }
}

#[test]
fn an_edited_page_or_data_field_renders_only_the_pages_that_show_it() {
    let project = shipped_copy();
    let root = project.path();
    let out = root.join("site");
    let first = build(root, &out).unwrap();
    assert_eq!(
        first.rendered, first.pages,
        "a first build renders every page"
    );
    let page = root.join("content/departments/dppa.md");
    append(&page, "\n\nOne more sentence.\n");
    let second = build(root, &out).unwrap();
    assert_eq!(second.pages, first.pages);
    // The page itself: the home page, the sections and the sources page are prepared again,
    // but what their templates see did not change (the page has no summary and cites nothing
    // new).
    assert_eq!(
        second.rendered, 1,
        "{} of {} pages rendered",
        second.rendered, second.pages
    );
    let html = std::fs::read_to_string(out.join("departments/dppa/index.html")).unwrap();
    assert!(html.contains("One more sentence."));
    // A field of the data file shown on one unit page (DPA's level) and in the list of units:
    // the pages that show it render, no other.
    let data = root.join("content/reform.toml");
    change_line(&data, 0, |l| append_to_value(l, "level = ", " (edited)"));
    let third = build(root, &out).unwrap();
    let shown: Vec<String> = walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .filter(|e| {
            std::fs::read_to_string(e.path())
                .unwrap()
                .contains("(edited)")
        })
        .map(|e| e.path().strip_prefix(&out).unwrap().display().to_string())
        .collect();
    assert!(
        shown.contains(&"departments/dpa/index.html".to_string()),
        "{shown:?}"
    );
    assert_eq!(
        third.rendered,
        shown.len(),
        "rendered {} pages; {shown:?} show the field",
        third.rendered
    );
}

/// Asserts that `out`, built incrementally, holds the bytes of a clean build of `root` (into
/// a fresh folder `clean` beside it, made again each time).
fn assert_as_clean(root: &Path, out: &Path) {
    let clean = root.join("clean");
    let _ = std::fs::remove_dir_all(&clean);
    build(root, &clean).unwrap();
    assert_eq!(whole_tree(out), whole_tree(&clean));
}

/// Waits until the files just written are older than the margin within which a build reads
/// a file whatever the last build recorded of it (see `load::snapshot`).
fn until_trusted() {
    std::thread::sleep(std::time::Duration::from_millis(2100));
}

#[test]
fn a_file_is_read_again_once_it_changed_even_to_the_same_length() {
    let project = shipped_copy();
    let root = project.path();
    let out = root.join("site");
    until_trusted();
    build(root, &out).unwrap();
    // The next build would take every page's file from the record. A page changes at once, to
    // the same length: it is read, and renders.
    let page = root.join("content/departments/dppa.md");
    let text = std::fs::read_to_string(&page).unwrap();
    let edited = text.replacen(" the ", " THE ", 1);
    assert_eq!(edited.len(), text.len());
    std::fs::write(&page, &edited).unwrap();
    let second = build(root, &out).unwrap();
    assert_eq!(second.rendered, 1);
    let html = std::fs::read_to_string(out.join("departments/dppa/index.html")).unwrap();
    assert!(html.contains(" THE "), "the page shows its new text");
    // A template changes: every page renders, those not edited from what was recorded of them.
    append(
        &root.join("theme/templates/base.html"),
        "\n{# edited #}<!-- edited -->\n",
    );
    let third = build(root, &out).unwrap();
    assert_eq!(third.rendered, third.pages, "a template changed");
    assert_as_clean(root, &out);
}

#[test]
fn a_citation_added_to_one_page_renders_the_sources_page_again() {
    let project = shipped_copy();
    let root = project.path();
    let out = root.join("site");
    build(root, &out).unwrap();
    let sources = out.join("sources/index.html");
    let before = std::fs::read_to_string(&sources).unwrap();
    // A body edit that cites nothing new: the sources page keeps its file, unprepared.
    append(
        &root.join("content/departments/dppa.md"),
        "\n\nOne more sentence.\n",
    );
    let second = build(root, &out).unwrap();
    assert_eq!(second.rendered, 1);
    assert_eq!(std::fs::read_to_string(&sources).unwrap(), before);
    // A source the page did not cite: the sources page lists the page under it.
    append(
        &root.join("content/departments/dppa.md"),
        "\n\nAnd one more [@s103].\n",
    );
    let third = build(root, &out).unwrap();
    assert!(third.rendered >= 2, "{} rendered", third.rendered);
    assert_ne!(std::fs::read_to_string(&sources).unwrap(), before);
    assert_as_clean(root, &out);
}

#[test]
fn the_feed_is_kept_after_a_body_edit_and_made_again_when_a_summary_changes() {
    let dir = notes_site();
    let root = dir.path();
    let page = root.join("content/notes/one.md");
    let text = "+++\ntitle = \"One\"\ndate = 2020-01-02\n+++\n\nFirst words.\n\nMore words.\n";
    std::fs::write(&page, text).unwrap();
    let out = root.join("site");
    build(root, &out).unwrap();
    let feed = || std::fs::read_to_string(out.join("atom.xml")).unwrap();
    let before = feed();
    append(&page, "\nA body edit.\n");
    build(root, &out).unwrap();
    assert_eq!(feed(), before, "the summaries did not change");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        text.replacen("\n\nMore", "\n\n<!-- more -->\n\nMore", 1),
    )
    .unwrap();
    build(root, &out).unwrap();
    assert!(feed().contains("First words"), "{}", feed());
    assert_as_clean(root, &out);
}

/// The names of the files in the project's cache folders.
fn cache_files(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = walkdir::WalkDir::new(root.join(".pillar-cache"))
        .min_depth(2)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_failed_build_keeps_the_last_records_and_leaves_no_half_written_ones() {
    let project = shipped_copy();
    let root = project.path();
    let out = root.join("site");
    build(root, &out).unwrap();
    let before = cache_files(root);
    assert!(before.contains(&"pages.bin".to_string()), "{before:?}");
    let page = root.join("content/departments/dpo.md");
    let text = std::fs::read_to_string(&page).unwrap();
    append(&page, "\n\nA [link](@/no-such-page.md).\n");
    assert!(
        build(root, &out).is_err(),
        "a link to a missing page fails the build"
    );
    assert_eq!(cache_files(root), before);
    std::fs::write(&page, text).unwrap();
    let again = build(root, &out).unwrap();
    assert!(
        again.rendered < again.pages,
        "the records of the last good build still serve"
    );
    assert_as_clean(root, &out);
}

/// A site of a home page and a section, `notes/`, with no pages yet.
fn notes_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let config = "title = \"T\"\nbase_url = \"https://example.org/\"\n";
    std::fs::write(root.join("site-config.toml"), config).unwrap();
    std::fs::create_dir_all(root.join("content/notes")).unwrap();
    std::fs::write(
        root.join("content/_index.md"),
        "+++\ntitle = \"Home\"\n+++\n",
    )
    .unwrap();
    let section = "+++\ntitle = \"Notes\"\n+++\n";
    std::fs::write(root.join("content/notes/_index.md"), section).unwrap();
    dir
}

/// A site of `n` pages in one section, each with a word of its own (`onlyN`).
fn many_pages(n: usize) -> tempfile::TempDir {
    let dir = notes_site();
    let root = dir.path();
    for i in 0..n {
        let page = format!("+++\ntitle = \"Note {i}\"\n+++\n\nSome words and only{i}.\n");
        std::fs::write(root.join(format!("content/notes/n{i:04}.md")), page).unwrap();
    }
    dir
}

/// The files of the search index in `out`, the first first, each parsed.
fn index_parts(out: &Path) -> Vec<serde_json::Value> {
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(out.join(name)).unwrap()).unwrap()
    };
    let first = read("search-index.json");
    let more: Vec<String> = (first["more"].as_array().into_iter().flatten())
        .map(|m| m.as_str().unwrap().to_owned())
        .collect();
    std::iter::once(first)
        .chain(more.iter().map(|m| read(m)))
        .collect()
}

/// Flips the last byte of the run of the record of pages under `root`'s cache that holds the
/// page at `url` (each run a file, `pages.HASH.run`: its pages, then their search entries,
/// where the page's URL is written as it is; see `build::reuse`).
fn damage_entries_of_run_with(root: &Path, url: &str) {
    let runs: Vec<PathBuf> = walkdir::WalkDir::new(root.join(".pillar-cache"))
        .into_iter()
        .filter_map(Result::ok)
        .map(walkdir::DirEntry::into_path)
        .filter(|p| p.extension().is_some_and(|x| x == "run"))
        .collect();
    let holds = |bytes: &[u8]| bytes.windows(url.len()).any(|w| w == url.as_bytes());
    let run = (runs.iter())
        .find(|r| holds(&std::fs::read(r).unwrap()))
        .unwrap_or_else(|| panic!("no run holds {url}: {runs:?}"));
    let mut bytes = std::fs::read(run).unwrap();
    *bytes.last_mut().unwrap() ^= 0x55;
    std::fs::write(run, bytes).unwrap();
}

#[test]
fn a_rebuild_makes_again_only_the_parts_of_the_search_index_that_hold_a_changed_page() {
    let project = many_pages(1100);
    let root = project.path();
    let out = root.join("site");
    until_trusted();
    build(root, &out).unwrap();
    let parts = index_parts(&out);
    assert_eq!(parts.len(), 3, "1,102 pages in parts of 512");
    let pages: usize = parts.iter().map(|p| p["p"].as_array().unwrap().len()).sum();
    assert_eq!(pages, 1102);
    // Each part numbers its own pages: a word of the second part's first page is at 0 there.
    let first_of_second = parts[1]["p"][0]["u"].as_str().unwrap().to_owned();
    let number: usize = (first_of_second.trim_end_matches('/').rsplit('n').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    let word = format!("only{number}");
    assert_eq!(parts[1]["w"][&word], serde_json::json!([0]), "{word}");
    assert!(parts[0]["w"].get(&word).is_none());
    assert!(
        parts[1].get("more").is_none(),
        "only the first part lists the others"
    );
    // A page of the first part gains a word, while the record of the third part's entries
    // is damaged: the build neither makes that part again nor reads its entries.
    append(&root.join("content/notes/n0003.md"), "\nA zanzibar.\n");
    damage_entries_of_run_with(root, "notes/n1090/");
    build(root, &out).unwrap();
    let parts = index_parts(&out);
    assert!(parts[0]["w"].get("zanzibar").is_some());
    assert_as_clean(root, &out);
    // A page of the third part changes: its entries are wanted, and the damage is found. The
    // build fails and drops the record; the next prepares every page again.
    append(&root.join("content/notes/n1090.md"), "\nA quokka.\n");
    let failed = build(root, &out).unwrap_err();
    assert!(failed.contains("build again"), "{failed}");
    build(root, &out).unwrap();
    assert!(index_parts(&out)[2]["w"].get("quokka").is_some());
    assert_as_clean(root, &out);
}
