//! Broken sites: each folder under `tests/broken/` is a project with one kind of bad input,
//! and an `expected.txt` whose lines must all appear in pillar's error output (the first line
//! is the exact `path:line:col: message`). An existing output directory must stay unchanged.

use std::path::Path;

use crate::common::*;

fn run_case(case: &Path) -> Result<(), String> {
    let expected = std::fs::read_to_string(case.join("expected.txt"))
        .map_err(|e| format!("expected.txt: {e}"))?;
    let want_code: i32 = std::fs::read_to_string(case.join("exit-code"))
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(1);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir_all(out.join("keep")).unwrap();
    std::fs::write(out.join("keep/index.html"), "previous site").unwrap();
    let before = files(&out);
    let extra = std::fs::read_to_string(case.join("args.txt")).unwrap_or_default();
    let mut args: Vec<String> = vec![
        "build".into(),
        "--root".into(),
        case.to_string_lossy().into_owned(),
        "--output".into(),
        out.to_string_lossy().into_owned(),
    ];
    args.extend(extra.split_whitespace().map(str::to_owned));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = pillar(&argv);
    let stderr = text(&o.stderr);
    let code = o.status.code().unwrap_or(-1);
    let mut problems = Vec::new();
    if code != want_code {
        problems.push(format!("exit code {code}, expected {want_code}"));
    }
    for line in expected.lines().filter(|l| !l.trim().is_empty()) {
        if !stderr.lines().any(|l| l == line) {
            problems.push(format!("missing line: {line}"));
        }
    }
    if files(&out) != before
        || std::fs::read_to_string(out.join("keep/index.html")).unwrap() != "previous site"
    {
        problems.push("the previous output changed".into());
    }
    if stderr.contains("panicked") {
        problems.push("pillar panicked".into());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\n--- stderr ---\n{stderr}", problems.join("\n")))
    }
}

#[test]
fn broken_sites_fail_with_located_messages_and_lose_nothing() {
    let dir = repo().join("tests/broken");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 12,
        "the broken-site folder covers every kind of bad input"
    );
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            run_case(c)
                .err()
                .map(|e| format!("== {}\n{e}", c.file_name().unwrap().to_string_lossy()))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
