//! Inputs large on purpose (issue 17, review findings 10 and 21): thousands of problems in
//! one file, on one long line or in a big data file. The report stays bounded in lines,
//! width and memory, and the build ends; the time limits are guards against a hang, not
//! measurements.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Project, text};

/// `pillar ARGS…` under a limit of `memory_kb` of address space, stopped after `guard`.
fn run_bounded(args: &[&str], memory_kb: u64, guard: Duration) -> Output {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {memory_kb}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_pillar"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > guard {
            let _ = child.kill();
            panic!("pillar {args:?} still running after {guard:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

/// The printed problems: at most the cap, with a line counting the others and the total.
fn assert_bounded_report(stderr: &str, total: usize) {
    let shown = stderr
        .lines()
        .filter(|l| l.contains(": link to a") || l.contains(": unknown"))
        .count();
    assert_eq!(shown, 100, "{}", &stderr[..stderr.len().min(2000)]);
    assert!(stderr.contains(&format!("… and {} more problems, not shown", total - 100)));
    assert!(stderr.contains(&format!("error: {total} problems found")));
    let widest = stderr.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(widest < 260, "a line of {widest} characters");
}

#[test]
fn three_thousand_broken_links_on_one_long_line_give_a_short_report_in_little_memory() {
    // 3 MB on one line: each problem once copied the whole line (exit 134 under this limit).
    let body = format!("[x](@/nope.md) {}", "y".repeat(1000)).repeat(3000);
    let p = Project::new().file(
        "content/x.md",
        &format!("+++\ntitle = \"X\"\n+++\n{body}\n"),
    );
    let root = p.root().to_str().unwrap();
    let o = run_bounded(
        &["build", "--root", root, "-q"],
        1_500_000,
        Duration::from_secs(240),
    );
    let stderr = text(&o.stderr);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        &stderr[..stderr.len().min(2000)]
    );
    assert_bounded_report(&stderr, 3000);
    // The column of the 100th, the last one printed, is right far into the line.
    assert!(
        stderr.contains("content/x.md:4:100486: link to a missing page"),
        "{}",
        &stderr[stderr.len() - 3000..]
    );
}

#[test]
fn twenty_thousand_unknown_references_in_the_data_file_are_reported_not_compared_forever() {
    // Each unknown parent was located by a scan from the top of the file and compared with
    // every unit id for a hint: quadratic twice (15 minutes in a debug build).
    let mut data = String::from("[reform]\ntitle = \"T\"\nsummary = \"S\"\n");
    for i in 0..20_000 {
        data.push_str(&format!(
            "\n[[unit]]\nid = \"u{i}\"\nname = \"U\"\nera = \"after\"\nkind = \"office\"\n\
             parent = \"gone-{i}\"\nsummary = \"x\"\nsources = []\n"
        ));
    }
    let p = Project::new().file("content/reform.toml", &data);
    let root = p.root().to_str().unwrap();
    let o = run_bounded(
        &["check", "--root", root, "-q"],
        4_000_000,
        Duration::from_secs(300),
    );
    let stderr = text(&o.stderr);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        &stderr[..stderr.len().min(2000)]
    );
    let unknown = stderr
        .lines()
        .filter(|l| l.contains("unknown unit \"gone-"))
        .count();
    assert!(unknown > 0 && unknown <= 100, "{unknown} printed");
    assert!(stderr.contains("more problems, not shown"));
}

#[test]
fn a_long_identifier_in_a_js_block_is_shown_plain_with_a_located_warning() {
    // 30 KB of one identifier in ```js kept the build busy for minutes (review finding 11).
    let md = format!(
        "+++\ntitle = \"X\"\n+++\n```js\n{}\n```\n",
        "a".repeat(30_000)
    );
    let p = Project::new().file("content/x.md", &md);
    let root = p.root().to_str().unwrap();
    let out = p.root().join("site");
    let args = ["build", "--root", root, "--output", out.to_str().unwrap()];
    let o = run_bounded(&args, 4_000_000, Duration::from_secs(120));
    let stderr = text(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains("content/x.md:4:1: warning: this js code block is too large to highlight"),
        "{stderr}"
    );
    let page = std::fs::read_to_string(out.join("x/index.html")).unwrap();
    assert!(page.contains(&"a".repeat(30_000)) && !page.contains("hl-"));
}
