//! The deep data model as a reader meets it: several parents, links marked less than
//! confirmed, renamed units, functions that say which origin goes where, gaps, loose dates and
//! notes on anything — built from `examples/harbour-ministry`, and the located errors of each
//! form written wrong.

use std::path::PathBuf;
use std::sync::OnceLock;

use crate::common::*;

fn example() -> PathBuf {
    repo().join("examples/harbour-ministry")
}

/// The example, built once for every test here.
fn site() -> &'static PathBuf {
    static SITE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &SITE.get_or_init(|| build_into_temp(&example(), &[])).1
}

fn page(path: &str) -> scraper::Html {
    parse(&site().join(path).join("index.html"))
}

/// The text of the `<dd>` after the `<dt>` that reads `term`.
fn fact(html: &scraper::Html, term: &str) -> Option<String> {
    let dts: Vec<_> = html.select(&sel(".facts dt")).collect();
    let dds: Vec<_> = html.select(&sel(".facts dd")).collect();
    dts.iter()
        .position(|dt| inner_text(*dt) == term)
        .map(|i| inner_text(dds[i]))
}

#[test]
fn a_unit_with_two_parents_names_both_and_each_parent_lists_it_once() {
    let desks = page("offices/regional-desks");
    assert_eq!(
        fact(&desks, "Sits inside").as_deref(),
        Some("MMP, MOA"),
        "both parents, primary first"
    );
    let moa = page("offices/moa");
    let contains = fact(&moa, "Contains").unwrap();
    assert_eq!(contains.matches("Regional Coordination Desks").count(), 1);
    assert!(
        contains.contains("Regional Coordination Desks (also reports elsewhere)"),
        "{contains}"
    );
    let mmp = fact(&page("offices/mmp"), "Contains").unwrap();
    assert!(mmp.contains("Regional Coordination Desks"), "{mmp}");
    assert!(!mmp.contains("Regional Coordination Desks (also"), "{mmp}");
}

#[test]
fn links_marked_uncertain_or_reported_say_so_with_their_reason() {
    let science = page("offices/fish-science");
    let becomes = fact(&science, "Becomes").unwrap();
    assert!(
        becomes.starts_with("Fish Stocks Unit (uncertain: The white paper names no home"),
        "{becomes}"
    );
    let comparison = std::fs::read_to_string(site().join("comparison/index.html")).unwrap();
    assert!(
        comparison.contains("(reported: A trade newsletter says so; no official document does."),
        "the reported move is marked in the function table"
    );
}

#[test]
fn a_renamed_unit_shows_its_old_name_and_where_it_sat_before() {
    let records = page("offices/records");
    assert_eq!(
        fact(&records, "Name before the reform").as_deref(),
        Some("Harbour Records Office (HRO)")
    );
    assert_eq!(
        fact(&records, "Sat inside, before the reform").as_deref(),
        Some("Ports Directorate")
    );
    assert_eq!(
        fact(&records, "Sits inside").as_deref(),
        Some("Port Operations Directorate")
    );
    let rows = comparison_rows(&site().join("comparison/index.html"));
    assert!(
        rows.iter()
            .any(|(before, _)| before == "MRO (then Harbour Records Office)"),
        "{rows:?}"
    );
}

#[test]
fn a_function_with_moves_lists_each_origin_with_its_own_destinations() {
    let html = page("comparison");
    let row = html
        .select(&sel("#function-map tr"))
        .find(|tr| inner_text(*tr).starts_with("Finance and personnel"))
        .map(inner_text)
        .unwrap();
    assert!(
        row.contains("Finance Office (MHF) → Finance Office"),
        "{row}"
    );
    assert!(
        row.contains("Personnel Office (MHF) → People Office"),
        "{row}"
    );
    assert!(
        !row.contains("Finance Office (MHF) → People Office"),
        "{row}"
    );
}

#[test]
fn no_successor_recorded_is_not_outside_the_reform() {
    let rows = comparison_rows(&site().join("comparison/index.html"));
    let strategy = rows.iter().find(|(b, _)| b == "Strategy Office").unwrap();
    assert!(strategy.1.is_empty());
    let html = page("comparison");
    let cell = html
        .select(&sel("#comparison-units tr"))
        .find(|tr| inner_text(*tr).starts_with("Strategy Office"))
        .map(inner_text)
        .unwrap();
    assert!(cell.contains("No successor recorded"), "{cell}");
    assert!(!cell.contains("Outside the reform"), "{cell}");
    let stats = rows
        .iter()
        .find(|(b, _)| b == "Transport Statistics Unit")
        .unwrap();
    assert_eq!(
        stats.1,
        ["NSB"],
        "work that leaves the reform names the context unit"
    );
}

#[test]
fn loose_dates_sort_after_the_dated_events_of_their_period_unless_placed() {
    let html = page("timeline");
    let titles: Vec<String> = html.select(&sel(".event-title")).map(inner_text).collect();
    let at = |t: &str| titles.iter().position(|x| x.starts_with(t)).unwrap();
    assert!(
        at("Parliament debates") < at("The government proposes"),
        "2019-03-14 before 2019-03: {titles:?}"
    );
    assert!(
        at("The government proposes") < at("A public consultation"),
        "{titles:?}"
    );
    assert!(
        at("The MMP and the MOA open") + 1 == at("A trade weekly"),
        "`after` places it: {titles:?}"
    );
    let range = html
        .select(&sel(".event-date"))
        .map(inner_text)
        .find(|d| d.contains("May 2019"))
        .unwrap();
    assert!(range.starts_with("2 May 2019–28 June 2019"), "{range}");
}

#[test]
fn heads_without_an_end_do_not_read_as_in_office_unless_current() {
    let mhf = std::fs::read_to_string(site().join("offices/mmp/index.html")).unwrap();
    assert!(
        mhf.contains("since <time datetime=\"2021-07-01\">"),
        "{mhf}"
    );
}

#[test]
fn notes_show_beside_the_functions_and_events_they_name() {
    let comparison = std::fs::read_to_string(site().join("comparison/index.html")).unwrap();
    assert!(comparison.contains(
        "#note-fish-science-home\">See the note: Where did the fisheries scientists go?</a>"
    ));
    let timeline = std::fs::read_to_string(site().join("timeline/index.html")).unwrap();
    assert!(timeline.contains("#note-fish-science-home\">See the note"));
}

/// No citation is followed, with nothing but punctuation between, by a citation of the same
/// source (a function's note ended "… [4, 5]." and the row then printed the function's
/// sources, "[4, 5]", again).
#[test]
fn no_source_is_cited_twice_in_a_row() {
    let found: Vec<String> = [
        "comparison",
        "offices/ferry-contracts",
        "offices/mct-strategy",
    ]
    .iter()
    .flat_map(|page| repeated_citations(&site().join(page).join("index.html")))
    .collect();
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// A department's page gathers the functions that land in its units, at every depth, by
/// unit, each with the origins whose move ends there (not every origin of the function).
#[test]
fn a_department_page_rolls_up_the_functions_of_its_units() {
    let html = page("offices/moa");
    let section = html
        .select(&sel("section.sub-functions"))
        .next()
        .expect("MOA's page has a section of its units' functions");
    assert_eq!(
        inner_text(section.select(&sel("h2")).next().unwrap()),
        "Functions in the units of MOA"
    );
    let items: Vec<String> = section
        .select(&sel(":scope > ul > li"))
        .map(|li| {
            inner_text(li)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    // Third level (a unit inside a directorate), and a unit reporting to MOA as second parent.
    assert!(
        items
            .iter()
            .any(|t| t.starts_with("Port Services Unit Allocating berths (from Port Office)")),
        "{items:?}"
    );
    assert!(
        items
            .iter()
            .any(|t| t.starts_with("Regional Coordination Desks")),
        "{items:?}"
    );
    let ferries = items
        .iter()
        .find(|t| t.starts_with("Ferry Services Unit"))
        .expect("the ferry unit");
    assert!(
        ferries.contains(
            "Ferry contracts and terminals (from Ferry Contracts Office, Terminals Unit)"
        ),
        "{ferries}"
    );
    // The Strategy Office's part of that function went to the ministry, not here.
    assert!(!ferries.contains("Strategy Office"), "{ferries}");
    // A unit with no units inside it has no such section.
    assert!(
        page("offices/port-services")
            .select(&sel("section.sub-functions"))
            .next()
            .is_none()
    );
}

#[test]
fn the_home_page_counts_only_the_units_of_the_reform() {
    let html = page("");
    let facts: Vec<String> = html
        .select(&sel(".key-facts div"))
        .map(inner_text)
        .collect();
    assert!(
        facts.contains(&"Units in the reform41".to_owned()),
        "{facts:?}"
    );
    assert!(
        facts.contains(&"Approved26 November 2020".to_owned()),
        "{facts:?}"
    );
    assert!(
        facts.contains(&"Bill introduced4 February 2020".to_owned()),
        "{facts:?}"
    );
}

#[test]
fn kinds_read_as_words() {
    let html = page("offices/pilotage");
    assert_eq!(fact(&html, "Kind").as_deref(), Some("Service centre"));
}

#[test]
fn check_strict_lists_every_uncertain_link_as_a_note_and_passes() {
    let o = pillar(&["check", "--strict", "--root", example().to_str().unwrap()]);
    let err = text(&o.stderr);
    assert!(o.status.success(), "{err}");
    let notes: Vec<&str> = err.lines().filter(|l| l.contains(": note: ")).collect();
    assert_eq!(notes.len(), 3, "{err}");
    assert!(
        notes.iter().any(|l| l.starts_with("content/reform.toml:")
            && l.contains("unit \"fish-science\" `becomes` \"fish-stocks\" is uncertain")),
        "{err}"
    );
    assert!(!err.contains("warning"), "{err}");
    let plain = pillar(&["check", "--root", example().to_str().unwrap()]);
    assert!(
        !text(&plain.stderr).contains("note:"),
        "only --strict lists them"
    );
}

/// Errors of the new forms, each located.
fn check_data(data: &str) -> String {
    let p = Project::new().file("content/reform.toml", data);
    let o = pillar(&["check", "--root", p.root().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    text(&o.stderr)
}

const HEAD: &str = "[reform]\ntitle = \"T\"\nsummary = \"S\"\n\n";

#[test]
fn a_parent_of_the_wrong_type_names_every_accepted_form() {
    let err = check_data(&format!(
        "{HEAD}[[unit]]\nid = \"a\"\nname = \"A\"\nera = \"after\"\nkind = \"office\"\nparent = 5\nsummary = \"s\"\n"
    ));
    assert!(err.contains("content/reform.toml:10:10: "), "{err}");
    assert!(
        err.contains("a unit id, or a table such as { id = "),
        "{err}"
    );
    assert!(err.contains("or a list of them"), "{err}");
}

#[test]
fn a_head_who_leaves_before_arriving_is_a_located_error() {
    let err = check_data(&format!(
        "{HEAD}[[unit]]\nid = \"a\"\nname = \"A\"\nera = \"after\"\nkind = \"office\"\nsummary = \"s\"\n\n[[unit.head]]\nname = \"N\"\nfrom = \"2020\"\nto = \"2019\"\n"
    ));
    assert!(
        err.contains("content/reform.toml:13:8: head \"N\" of unit \"a\" leaves office (2019) before taking it (2020)"),
        "{err}"
    );
}

#[test]
fn a_far_miss_gets_no_suggestion() {
    let err = check_data(&format!(
        "{HEAD}[[unit]]\nid = \"oict\"\nname = \"A\"\nera = \"after\"\nkind = \"office\"\nsummary = \"s\"\n\n[[unit]]\nid = \"b\"\nname = \"B\"\nera = \"after\"\nkind = \"office\"\nparent = \"port-office\"\nsummary = \"s\"\n"
    ));
    assert!(
        err.contains("unknown unit \"port-office\" in unit \"b\""),
        "{err}"
    );
    assert!(!err.contains("did you mean"), "{err}");
}
