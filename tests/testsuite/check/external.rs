//! `pillar check --external` against a server on 127.0.0.1 that this test starts: a page
//! that works, one that is missing, a redirect loop, a server that refuses HEAD but answers
//! GET, and one that never answers in time (against a 3 s timeout, which the others meet
//! even on a loaded machine); then the cache (a second run fetches nothing) and the skip list.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{Project, pillar, text};

/// A tiny HTTP server: its address and the requests it has had (`"HEAD /ok"`).
fn serve() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                let mut header = String::new();
                while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                    header.clear();
                }
                let mut parts = line.split_whitespace();
                let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
                log.lock().unwrap().push(format!("{method} {path}"));
                let answer = match (method, path) {
                    (_, "/ok") => "200 OK\r\nContent-Length: 2\r\n\r\nok".to_owned(),
                    (_, "/loop-a") => {
                        "302 Found\r\nLocation: /loop-b\r\nContent-Length: 0\r\n\r\n".into()
                    }
                    (_, "/loop-b") => {
                        "302 Found\r\nLocation: /loop-a\r\nContent-Length: 0\r\n\r\n".into()
                    }
                    ("HEAD", "/no-head") => {
                        "405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n".into()
                    }
                    ("GET", "/no-head") => "200 OK\r\nContent-Length: 2\r\n\r\nok".into(),
                    (_, "/slow") => {
                        std::thread::sleep(Duration::from_secs(30));
                        "200 OK\r\nContent-Length: 0\r\n\r\n".into()
                    }
                    _ => "404 Not Found\r\nContent-Length: 0\r\n\r\n".into(),
                };
                // One request per connection, and said so: a client that kept the connection
                // for its next request (GET after a refused HEAD) would find it closed.
                let answer = answer.replacen("\r\n", "\r\nConnection: close\r\n", 1);
                let mut stream = stream;
                let _ = write!(stream, "HTTP/1.1 {answer}");
            });
        }
    });
    (base, seen)
}

fn project(base: &str, extra_config: &str) -> Project {
    Project::with_config(&format!(
        "title = \"T\"\nbase_url = \"https://example.org/\"\n\n[external_links]\ntimeout = 3\n{extra_config}"
    ))
    .file(
        "content/_index.md",
        &format!(
            "+++\ntitle = \"Home\"\n+++\n\nWorks: [ok]({base}/ok).\nMissing: [gone]({base}/missing#part).\nLoop: [loop]({base}/loop-a).\nHEAD refused: [nh]({base}/no-head).\nSlow: [slow]({base}/slow).\nAgain: [ok]({base}/ok).\n"
        ),
    )
}

fn check(p: &Project) -> (i32, String) {
    let out = pillar(&["check", "--external", "--root", p.root().to_str().unwrap()]);
    (out.status.code().unwrap_or(-1), text(&out.stderr))
}

#[test]
fn broken_external_links_are_reported_at_their_line() {
    let (base, seen) = serve();
    let p = project(&base, "");
    let (code, err) = check(&p);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!(
            "content/_index.md:6:17: broken external link {base}/missing: 404 Not Found"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "content/_index.md:7:14: broken external link {base}/loop-a: redirect loop"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "content/_index.md:9:14: broken external link {base}/slow: timed out"
        )),
        "{err}"
    );
    assert!(
        !err.contains("/no-head:"),
        "GET after a refused HEAD: {err}"
    );
    assert!(!err.contains("/ok:"), "{err}");
    assert!(err.contains("error: 3 problems found"), "{err}");
    let requests = seen.lock().unwrap().clone();
    assert_eq!(
        requests.iter().filter(|r| r.ends_with(" /ok")).count(),
        1,
        "each link is fetched once: {requests:?}"
    );
    assert!(
        requests.contains(&"GET /no-head".to_owned()),
        "{requests:?}"
    );
}

#[test]
fn links_found_working_are_not_fetched_again_and_skipped_prefixes_never() {
    let (base, seen) = serve();
    let p = project(
        &base,
        &format!("skip = [\"{base}/slow\", \"{base}/loop\", \"{base}/missing\"]\n"),
    );
    let (code, err) = check(&p);
    assert_eq!(code, 0, "{err}");
    let first = seen.lock().unwrap().clone();
    assert!(
        first
            .iter()
            .all(|r| !r.contains("/slow") && !r.contains("/loop") && !r.contains("/missing")),
        "{first:?}"
    );
    assert!(p.root().join(".pillar-cache/external-links.json").is_file());
    let (code, err) = check(&p);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        seen.lock().unwrap().len(),
        first.len(),
        "the second run made requests"
    );
}

#[test]
fn links_in_the_data_file_are_checked_too() {
    let (base, _seen) = serve();
    let fixture = crate::common::repo().join("tests/fixtures/serve-site/content/reform.toml");
    let data = std::fs::read_to_string(fixture).unwrap().replace(
        "publisher = \"Fixture Press\"\ndate = 2019-06-01\n",
        &format!("publisher = \"Fixture Press\"\ndate = 2019-06-01\nurl = \"{base}/missing\"\n"),
    );
    let line = data.lines().position(|l| l.starts_with("url = ")).unwrap() + 1;
    let p = Project::new()
        .file("content/_index.md", "Home.\n")
        .file("content/reform.toml", &data);
    let out = pillar(&["check", "--external", "--root", p.root().to_str().unwrap()]);
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!(
            "content/reform.toml:{line}:8: broken external link {base}/missing: 404 Not Found"
        )),
        "{err}"
    );
}

#[test]
fn a_zero_concurrency_is_a_located_config_error() {
    let p = Project::with_config("title = \"T\"\n[external_links]\nconcurrency = 0\n")
        .file("content/_index.md", "Home.\n");
    let (code, err) = check(&p);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("site-config.toml:3:15: external_links.concurrency must be at least 1"),
        "{err}"
    );
}

/// `check --base-url` checks the site as `build --base-url` builds it: the missing base_url
/// that `--strict` refuses is given.
#[test]
fn check_takes_the_base_url_build_takes() {
    let p = Project::with_config("title = \"T\"\n").file("content/_index.md", "Home.\n");
    let root = p.root().to_str().unwrap();
    let out = pillar(&["check", "--strict", "--root", root]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("base_url is not set"));
    let out = pillar(&[
        "check",
        "--strict",
        "--base-url",
        "https://example.org/x/",
        "--root",
        root,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = pillar(&["check", "--base-url", "ftp://x", "--root", root]);
    assert_eq!(out.status.code(), Some(2), "a usage error, as for build");
}

/// The check's warnings stay warnings: only the broken links count as problems.
#[test]
fn warnings_are_not_counted_among_the_broken_links() {
    let (base, _seen) = serve();
    let p = Project::with_config("title = \"T\"\n")
        .file("content/_index.md", &format!("[gone]({base}/missing)\n"));
    let (code, err) = check(&p);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("warning: base_url is not set"), "{err}");
    assert!(err.contains("error: 1 problem found"), "{err}");
}
