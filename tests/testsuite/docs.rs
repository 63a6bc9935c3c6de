//! Every `pillar` command line quoted in README.md and docs/ runs, and a quoted transcript
//! still matches what the command prints, so that the docs cannot drift from the tool.
//!
//! The conventions (also in docs/development.md, "Commands quoted in the docs"):
//! - In a fenced block, `$ CMD` starts a transcript: the lines after it, up to the next `$ ` or
//!   the end of the block, are what CMD prints (standard error, then standard output). `…`
//!   stands for any text within a line, and figures before ` ms` may differ.
//! - In a ```sh block, every line whose command (after `VAR=value` settings) is `pillar` is run,
//!   and must exit with 0; a `# comment` after it is ignored. Other programs are not run.
//! - `<!-- doc-test: skip REASON -->` on the line before a fence leaves the block out.
//! - Each command runs in a fresh scratch copy of the repository's content, in which
//!   `pillar init my-reform` has already run (an `init` of a folder that exists starts without
//!   it). `serve` is given `--port 0`, is stopped once it prints `serving …`, and its
//!   transcript is compared up to that line.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

/// One command quoted in a doc, with where it is and, for a transcript, what it prints.
struct Quoted {
    at: String,
    line: String,
    output: Option<Vec<String>>,
}

#[test]
fn every_command_quoted_in_the_docs_runs_and_prints_what_the_docs_say() {
    let mut docs: Vec<_> = std::fs::read_dir(repo().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    docs.insert(0, repo().join("README.md"));
    let quoted: Vec<Quoted> = docs.iter().flat_map(|d| quoted_in(d)).collect();
    assert!(quoted.len() >= 10, "only {} commands found", quoted.len());
    let failures: Vec<String> = quoted.iter().filter_map(run).collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

/// The commands of one Markdown file, in order.
fn quoted_in(doc: &Path) -> Vec<Quoted> {
    let text = std::fs::read_to_string(doc).unwrap();
    let name = doc.strip_prefix(repo()).unwrap().display().to_string();
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(info) = lines[i].strip_prefix("```") else {
            i += 1;
            continue;
        };
        let end = (i + 1..lines.len())
            .find(|&j| lines[j].starts_with("```"))
            .unwrap_or(lines.len());
        let skip = i > 0 && lines[i - 1].starts_with("<!-- doc-test: skip");
        if !skip {
            found.extend(block(&lines[i + 1..end], info.trim(), &name, i + 2));
        }
        i = end + 1;
    }
    found
}

fn block(body: &[&str], info: &str, doc: &str, first: usize) -> Vec<Quoted> {
    let at = |k: usize| format!("{doc}:{}", first + k);
    if body.iter().any(|l| l.starts_with("$ ")) {
        let starts: Vec<usize> = (0..body.len())
            .filter(|&k| body[k].starts_with("$ "))
            .collect();
        return starts
            .iter()
            .enumerate()
            .map(|(n, &k)| {
                let next = starts.get(n + 1).copied().unwrap_or(body.len());
                Quoted {
                    at: at(k),
                    line: body[k][2..].to_string(),
                    output: Some(body[k + 1..next].iter().map(|s| s.to_string()).collect()),
                }
            })
            .collect();
    }
    if info != "sh" {
        return Vec::new();
    }
    (0..body.len())
        .filter_map(|k| {
            let line = body[k].split(" #").next().unwrap().trim();
            let program = line.split_whitespace().find(|w| !w.contains('='));
            (program == Some("pillar")).then(|| Quoted {
                at: at(k),
                line: line.to_string(),
                output: None,
            })
        })
        .collect()
}

/// Runs one command in a scratch copy; the problem, if any.
fn run(q: &Quoted) -> Option<String> {
    assert!(
        !q.line.contains(['"', '\'', '$', '|', '>', '<', '*']),
        "{}: `{}` needs a shell; quote it in a block without `$ ` or mark it skipped",
        q.at,
        q.line
    );
    let scratch = scratch();
    let words: Vec<&str> = q.line.split_whitespace().collect();
    let program = words.iter().position(|w| !w.contains('=')).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pillar"));
    cmd.current_dir(scratch.path()).args(&words[program + 1..]);
    for env in &words[..program] {
        let (k, v) = env.split_once('=').unwrap();
        cmd.env(k, v);
    }
    if words.get(program + 1) == Some(&"init")
        && let Some(dir) = words.get(program + 2)
    {
        let _ = std::fs::remove_dir_all(scratch.path().join(dir));
    }
    let serve = words.get(program + 1) == Some(&"serve");
    let (ok, printed) = if serve {
        run_serve(cmd)
    } else {
        let o = cmd.output().unwrap();
        (
            o.status.success(),
            format!("{}{}", text(&o.stderr), text(&o.stdout)),
        )
    };
    let printed = printed.replace(&scratch.path().display().to_string(), "/home/me");
    let wanted_ok = q
        .output
        .as_ref()
        .is_none_or(|o| !o.iter().any(|l| l.starts_with("error:")));
    if ok != wanted_ok {
        return Some(format!(
            "{}: `{}` exited with {}:\n{printed}",
            q.at,
            q.line,
            if ok { "success" } else { "failure" }
        ));
    }
    let expected = q.output.as_ref()?;
    let actual: Vec<&str> = printed.lines().collect();
    let compared = if serve {
        actual.len().min(expected.len())
    } else {
        expected.len()
    };
    let same = actual.len() >= compared
        && (serve || actual.len() == expected.len())
        && expected[..compared]
            .iter()
            .zip(&actual)
            .all(|(e, a)| matches(e, a));
    (!same).then(|| {
        format!(
            "{}: `{}` no longer prints what the doc says.\n--- doc\n{}\n--- pillar\n{printed}",
            q.at,
            q.line,
            expected.join("\n")
        )
    })
}

/// Starts `serve` on a free port and stops it once it serves: whether it got there, and what it
/// printed up to then (standard output only: its warnings are not part of a transcript).
fn run_serve(mut cmd: Command) -> (bool, String) {
    let mut child = cmd
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut printed = String::new();
    let mut served = false;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        let Ok(line) = rx.recv_timeout(left) else {
            break;
        };
        printed.push_str(&line);
        printed.push('\n');
        if line.starts_with("serving ") {
            served = true;
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    (served, printed)
}

/// A line of a transcript against a printed line: `…` is any text, and so is a figure before
/// ` ms`; the port of a local address may differ.
fn matches(expected: &str, actual: &str) -> bool {
    let norm = |s: &str| {
        let mut out = String::new();
        let mut words = s.split(' ').peekable();
        while let Some(w) = words.next() {
            let timed = words.peek().is_some_and(|n| n.starts_with("ms"))
                && w.chars().all(|c| c.is_ascii_digit() || c == '.');
            out.push_str(if timed { "…" } else { w });
            out.push(' ');
        }
        match out.find("127.0.0.1:") {
            Some(i) => {
                let port_end = out[i + 10..]
                    .find(|c: char| !c.is_ascii_digit())
                    .map_or(out.len(), |n| i + 10 + n);
                format!("{}127.0.0.1:…{}", &out[..i], &out[port_end..])
            }
            None => out,
        }
    };
    let (expected, actual) = (norm(expected), norm(actual));
    let mut parts = expected.split('…');
    let first = parts.next().unwrap();
    let Some(mut rest) = actual.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (n, part) in parts.iter().enumerate() {
        if n + 1 == parts.len() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// The repository's project files and an `init`ed `my-reform`, in a temporary folder.
fn scratch() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for part in ["content", "examples", "theme", "site-config.toml"] {
        let from = repo().join(part);
        for entry in walkdir::WalkDir::new(&from) {
            let entry = entry.unwrap();
            let inside = entry.path().strip_prefix(&from).unwrap();
            let to = match inside.as_os_str().is_empty() {
                true => tmp.path().join(part),
                false => tmp.path().join(part).join(inside),
            };
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(entry.path(), &to).unwrap();
            }
        }
    }
    let my = tmp.path().join("my-reform");
    assert!(pillar(&["init", my.to_str().unwrap()]).status.success());
    tmp
}
