//! `pillar serve` end to end: the real binary on a copy of tests/fixtures/serve-site, spoken
//! to over raw TCP so that every byte of a request is exactly what the test wrote (like
//! `curl --path-as-is`). Every wait is bounded by a deadline; the server is killed on drop.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::repo;

/// Generous: a loaded CI machine may be slow, but nothing here should take this long.
const DEADLINE: Duration = Duration::from_secs(60);

struct Server {
    child: Child,
    addr: SocketAddr,
    root: PathBuf,
    out: PathBuf,
    /// Output of the server, stdout and stderr interleaved.
    log: Arc<Mutex<String>>,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let target = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Polls `f` until it holds or the deadline passes.
fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn start() -> Server {
    start_with(&[], |_| {})
}

/// Starts the server, with `args` added, on a copy of the fixture that `prepare` may change
/// first.
fn start_with(args: &[&str], prepare: impl FnOnce(&Path)) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    copy_dir(&repo().join("tests/fixtures/serve-site"), &root);
    prepare(&root);
    let out = dir.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_pillar"))
        .args(["serve", "--port", "0", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(&out)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pillar serve starts");
    let log = Arc::new(Mutex::new(String::new()));
    let pipes: [Box<dyn Read + Send>; 2] = [
        Box::new(child.stdout.take().unwrap()),
        Box::new(child.stderr.take().unwrap()),
    ];
    for pipe in pipes {
        let log = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let mut l = log.lock().unwrap();
                l.push_str(&line);
                l.push('\n');
            }
        });
    }
    let mut server = Server {
        child,
        addr: "127.0.0.1:1".parse().unwrap(),
        root,
        out,
        log,
        _dir: dir,
    };
    let mut addr = None;
    wait_for("the server to print its address", || {
        if let Some(status) = server.child.try_wait().unwrap() {
            panic!("pillar serve exited with {status}:\n{}", server.log());
        }
        let log = server.log();
        addr = log
            .split_once("at http://")
            .and_then(|(_, rest)| rest.split_once('/'))
            .and_then(|(a, _)| a.parse().ok());
        addr.is_some()
    });
    server.addr = addr.unwrap();
    wait_for("the server to answer", || {
        request(server.addr, "/").is_ok_and(|r| r.status != 0)
    });
    server
}

impl Server {
    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    fn get(&self, path: &str) -> Response {
        request(self.addr, path).unwrap()
    }
}

struct Response {
    status: u16,
    head: String,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// Sends `GET {target}` exactly as written (HTTP/1.0: one response, then the server closes).
fn request(addr: SocketAddr, target: &str) -> std::io::Result<Response> {
    let raw = format!("GET {target} HTTP/1.0\r\nHost: {addr}\r\n\r\n");
    raw_request(addr, raw.as_bytes())
}

fn raw_request(addr: SocketAddr, raw: &[u8]) -> std::io::Result<Response> {
    let mut s = TcpStream::connect_timeout(&addr, DEADLINE)?;
    s.set_read_timeout(Some(DEADLINE))?;
    s.set_write_timeout(Some(DEADLINE))?;
    s.write_all(raw)?;
    let mut bytes = Vec::new();
    s.read_to_end(&mut bytes)?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Ok(Response {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    })
}

#[test]
fn serve_never_answers_with_a_file_outside_the_output_directory() {
    let server = start();
    let base = server.out.parent().unwrap();
    let canary = format!("pillar-canary-{}-{:?}", std::process::id(), Instant::now());
    std::fs::write(base.join("canary.txt"), &canary).unwrap();
    std::fs::create_dir(base.join("secret")).unwrap();
    std::fs::write(base.join("secret/index.html"), &canary).unwrap();
    std::os::unix::fs::symlink(base.join("canary.txt"), server.out.join("canary-link")).unwrap();
    std::os::unix::fs::symlink(base.join("secret"), server.out.join("secret-link")).unwrap();
    let passwd = std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|p| p.lines().next().map(str::to_owned))
        .filter(|l| !l.is_empty());
    let abs = base.join("canary.txt");
    let abs = abs.to_str().unwrap();
    let payloads: Vec<String> = [
        "/../../etc/passwd",
        "/../canary.txt",
        "/..%2f..%2fetc/passwd",
        "/..%2fcanary.txt",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2e%2e/canary.txt",
        "/%2E%2E%2Fcanary.txt",
        "/%252e%252e/",
        "/%252e%252e/canary.txt",
        "/%252e%252e%252fcanary.txt",
        "/..\\..\\etc\\passwd",
        "/..\\canary.txt",
        "/%5c..%5ccanary.txt",
        "/%c0%ae%c0%ae/",
        "/%c0%ae%c0%ae/canary.txt",
        "/%c0%ae%c0%ae%c0%afcanary.txt",
        "/%00",
        "/canary.txt%00.html",
        "/index.html%00/../../canary.txt",
        "//etc/passwd",
        "/canary-link",
        "/secret-link/",
        "/secret-link/index.html",
        "/./../canary.txt",
        "/.pillar-manifest",
        "/..;/canary.txt",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain([
        format!("/{abs}"),
        format!("/{}", abs.trim_start_matches('/')),
        format!("http://{}/../canary.txt", server.addr),
    ])
    .collect();
    for p in &payloads {
        let r = server.get(p);
        assert!(
            !r.body.contains(&canary),
            "{p}: answered with the canary outside the output directory"
        );
        if let Some(line) = &passwd {
            assert!(
                !r.body.contains(line.as_str()),
                "{p}: answered with /etc/passwd"
            );
        }
        assert!(
            matches!(r.status, 400 | 404),
            "{p}: status {} (expected 400 or 404)",
            r.status
        );
    }
    // curl itself, when the machine has it.
    let curl = Command::new("curl")
        .args(["--silent", "--path-as-is", "--max-time", "60"])
        .arg(format!("http://{}/../canary.txt", server.addr))
        .output();
    match curl {
        Ok(o) => {
            assert!(o.status.success(), "curl could not reach the server");
            let body = String::from_utf8_lossy(&o.stdout);
            assert!(!body.contains(&canary), "curl --path-as-is read the canary");
        }
        Err(_) => eprintln!("curl is not installed: its check is skipped"),
    }
    // A link that stays inside is served.
    std::os::unix::fs::symlink(
        server.out.join("about/index.html"),
        server.out.join("about-link.html"),
    )
    .unwrap();
    assert_eq!(server.get("/about-link.html").status, 200);
}

#[test]
fn serve_answers_with_the_sites_404_page_right_types_and_no_listings() {
    let server = start();
    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    let own_404 = std::fs::read_to_string(server.out.join("404.html")).unwrap();
    let title = own_404
        .split_once("<title>")
        .and_then(|(_, t)| t.split_once("</title>"))
        .unwrap()
        .0;
    assert!(missing.body.contains(title), "the site's 404.html");
    assert!(
        missing
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );

    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert!(
        home.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(home.body.contains("Marker: original home text"));
    assert!(
        home.body.contains("/__pillar/reload.js"),
        "the live-reload script is served"
    );
    let on_disk = std::fs::read_to_string(server.out.join("index.html")).unwrap();
    assert!(
        !on_disk.contains("__pillar"),
        "the script is never written to the site"
    );

    let mut css = None;
    let mut svg = None;
    for e in std::fs::read_dir(&server.out).unwrap() {
        let name = e.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".css") {
            css = Some(name);
        } else if name.ends_with(".svg") {
            svg = Some(name);
        }
    }
    for (file, ty) in [
        (css.unwrap(), "text/css"),
        (svg.unwrap(), "image/svg+xml"),
        ("about/index.html".into(), "text/html"),
        ("files/note.txt".into(), "text/plain"),
    ] {
        let r = server.get(&format!("/{file}"));
        assert_eq!(r.status, 200, "{file}");
        assert!(
            r.header("content-type").unwrap().starts_with(ty),
            "{file}: {:?}",
            r.header("content-type")
        );
    }

    // files/ holds a file but no index.html: not listed.
    let dir = server.get("/files/");
    assert_eq!(dir.status, 404);
    assert!(!dir.body.contains("note.txt"), "a folder is never listed");
}

/// A WebSocket client reading the live-reload messages, with bounded waits.
struct Live {
    stream: TcpStream,
}

impl Live {
    fn connect(addr: SocketAddr) -> Self {
        let mut stream = TcpStream::connect_timeout(&addr, DEADLINE).unwrap();
        write!(
            stream,
            "GET /__pillar/live HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\n\
             Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
             Sec-WebSocket-Version: 13\r\n\r\n"
        )
        .unwrap();
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        let mut head = Vec::new();
        let mut b = [0u8];
        while !head.ends_with(b"\r\n\r\n") {
            stream.read_exact(&mut b).unwrap();
            head.push(b[0]);
        }
        let head = String::from_utf8_lossy(&head);
        assert!(head.starts_with("HTTP/1.1 101"), "{head}");
        Self { stream }
    }

    /// The next text message as JSON; `None` when the server closed the socket.
    fn next(&mut self) -> Option<serde_json::Value> {
        loop {
            let mut h = [0u8; 2];
            if self.stream.read_exact(&mut h).is_err() {
                return None;
            }
            let opcode = h[0] & 0x0f;
            assert_eq!(h[1] & 0x80, 0, "server frames are not masked");
            let len = match h[1] & 0x7f {
                126 => {
                    let mut l = [0u8; 2];
                    self.stream.read_exact(&mut l).unwrap();
                    u64::from(u16::from_be_bytes(l))
                }
                127 => {
                    let mut l = [0u8; 8];
                    self.stream.read_exact(&mut l).unwrap();
                    u64::from_be_bytes(l)
                }
                n => u64::from(n),
            };
            let mut payload = vec![0u8; usize::try_from(len).unwrap()];
            self.stream.read_exact(&mut payload).unwrap();
            match opcode {
                1 => return Some(serde_json::from_slice(&payload).unwrap()),
                8 => return None,
                _ => {}
            }
        }
    }

    /// Reads messages until one satisfies `f`.
    fn until(&mut self, what: &str, f: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
        let start = Instant::now();
        loop {
            assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
            let m = self
                .next()
                .unwrap_or_else(|| panic!("socket closed waiting for {what}"));
            if f(&m) {
                return m;
            }
        }
    }
}

fn kind(m: &serde_json::Value) -> &str {
    m["kind"].as_str().unwrap_or("")
}

#[test]
fn serve_reloads_after_a_change_and_reports_a_broken_build_until_it_is_fixed() {
    let server = start();
    let mut live = Live::connect(server.addr);
    let hello = live.next().unwrap();
    assert_eq!(kind(&hello), "hello");
    assert!(hello["error"].is_null());
    let first = hello["build"].as_u64().unwrap();

    // A content change: a reload message, and the new text served.
    let about = server.root.join("content/about.md");
    let text = std::fs::read_to_string(&about).unwrap();
    std::fs::write(
        &about,
        text.replace("original about text", "edited about text"),
    )
    .unwrap();
    let m = live.until("a reload after the edit", |m| kind(m) == "reload");
    assert!(m["build"].as_u64().unwrap() > first);
    // A save in place may be seen half-done (truncated, then written): one more build.
    wait_for("the edited page", || {
        server.get("/about/").body.contains("edited about text")
    });

    // A broken data file: an error message with path:line:col, the last good site served.
    let data = server.root.join("content/reform.toml");
    let good = std::fs::read_to_string(&data).unwrap();
    std::fs::write(
        &data,
        good.replace("era = \"before\"", "era = \"sometime\""),
    )
    .unwrap();
    let m = live.until("an error after breaking the data file", |m| {
        kind(m) == "error" && m["error"].as_str().is_some_and(|e| e.contains("sometime"))
    });
    let error = m["error"].as_str().unwrap();
    let located = error.lines().any(|l| {
        l.strip_prefix("content/reform.toml:").is_some_and(|rest| {
            let mut it = rest.splitn(3, ':');
            it.next().is_some_and(|n| n.parse::<u32>().is_ok())
                && it.next().is_some_and(|n| n.parse::<u32>().is_ok())
        })
    });
    assert!(located, "the error is located as path:line:col:\n{error}");
    let page = server.get("/about/");
    assert_eq!(page.status, 200, "the last good build is still served");
    assert!(page.body.contains("edited about text"));
    assert!(
        page.body.contains("content/reform.toml:"),
        "a page loaded now carries the error for its overlay"
    );
    wait_for("the error in the terminal", || {
        server.log().contains("content/reform.toml:")
    });

    // Fixed: a reload, and no error any more.
    std::fs::write(&data, &good).unwrap();
    let m = live.until("a reload after the fix", |m| kind(m) == "reload");
    assert!(m["error"].is_null());
    assert!(!server.get("/about/").body.contains("content/reform.toml:"));
}

#[test]
fn serve_starts_after_a_failed_first_build_and_shows_the_error() {
    let data = |root: &Path| root.join("content/reform.toml");
    let server = start_with(&[], |root| {
        let text = std::fs::read_to_string(data(root)).unwrap();
        std::fs::write(data(root), text.replace("[reform]", "[reform\n")).unwrap();
    });
    let home = server.get("/");
    assert_eq!(home.status, 404, "nothing was built");
    assert!(
        home.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        home.body.contains("content/reform.toml:1:"),
        "the page carries the error for its overlay:\n{}",
        home.body
    );
    let mut live = Live::connect(server.addr);
    let hello = live.next().unwrap();
    assert!(
        hello["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("content/reform.toml:1:")),
        "{hello}"
    );
    assert!(server.log().contains("content/reform.toml:1:"));

    let fixed =
        std::fs::read_to_string(repo().join("tests/fixtures/serve-site/content/reform.toml"));
    std::fs::write(data(&server.root), fixed.unwrap()).unwrap();
    let m = live.until("a reload after the fix", |m| kind(m) == "reload");
    assert!(m["error"].is_null());
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Marker: original home text"));
}

#[test]
fn serve_ignores_editor_files_and_its_own_output() {
    let server = start();
    let mut live = Live::connect(server.addr);
    assert_eq!(kind(&live.next().unwrap()), "hello");
    // Changes no build reads, then one it does: the first message is for the last.
    std::fs::write(server.root.join("content/.about.md.swp"), "x").unwrap();
    std::fs::write(server.root.join("content/about.md~"), "x").unwrap();
    std::fs::write(server.root.join("content/#about.md#"), "x").unwrap();
    std::fs::write(server.out.join("extra.html"), "x").unwrap();
    std::fs::write(server.root.join("notes.txt"), "x").unwrap();
    // Saved as many editors do: a temporary file renamed over the original, so that the
    // change is one event whatever the machine's load.
    let about = server.root.join("content/about.md");
    let tmp = server.root.join("content/.about.md.tmp");
    let text = std::fs::read_to_string(&about).unwrap();
    std::fs::write(&tmp, text.replace("original", "changed")).unwrap();
    std::fs::rename(&tmp, &about).unwrap();
    live.until("a reload", |m| kind(m) == "reload");
    wait_for("the change in the terminal", || {
        server.log().contains("changed:")
    });
    let log = server.log();
    let changed: Vec<&str> = log.lines().filter(|l| l.starts_with("changed:")).collect();
    assert_eq!(changed, ["changed: content/about.md"], "{log}");
}

#[test]
fn serve_watches_a_theme_folder_created_while_it_runs_and_polls_on_request() {
    for args in [&[][..], &["--poll"][..]] {
        let server = start_with(args, |_| {});
        let mut live = Live::connect(server.addr);
        assert_eq!(kind(&live.next().unwrap()), "hello");
        let templates = server.root.join("theme/templates");
        std::fs::create_dir_all(&templates).unwrap();
        // Wait until the new folder is watched (its creation triggers a build) before
        // writing into it.
        live.until("a build for the new folder", |m| kind(m) == "reload");
        std::fs::write(
            templates.join("404.html"),
            "<!DOCTYPE html><html><body><p>Custom missing page</p></body></html>",
        )
        .unwrap();
        wait_for("the new 404 template", || {
            server.get("/nowhere/").body.contains("Custom missing page")
        });
    }
}

#[test]
fn serve_answers_many_concurrent_clients() {
    let server = start();
    let addr = server.addr;
    let paths = ["/", "/about/", "/departments/old/", "/files/note.txt"];
    let threads: Vec<_> = (0..32)
        .map(|t| {
            std::thread::spawn(move || {
                let mut statuses = Vec::new();
                for i in 0..63 {
                    let p = paths[(t + i) % paths.len()];
                    let r = request(addr, p).map(|r| (r.status, r.body.len()));
                    statuses.push((p, r.map_err(|e| e.to_string())));
                }
                statuses
            })
        })
        .collect();
    let mut total = 0;
    for t in threads {
        for (p, r) in t.join().unwrap() {
            total += 1;
            let (status, len) = r.unwrap_or_else(|e| panic!("{p}: {e}"));
            assert_eq!(status, 200, "{p}");
            assert!(len > 0, "{p}: empty body");
        }
    }
    assert!(total >= 2000);
}

#[test]
fn serve_stops_cleanly_on_sigterm_and_sigint() {
    for signal in ["TERM", "INT"] {
        let mut server = start();
        // An open page must not keep the server from stopping.
        let mut live = Live::connect(server.addr);
        assert_eq!(kind(&live.next().unwrap()), "hello");
        let killed = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(server.child.id().to_string())
            .status()
            .unwrap();
        assert!(killed.success());
        let mut code = None;
        wait_for("the server to exit", || {
            code = server.child.try_wait().unwrap();
            code.is_some()
        });
        assert_eq!(
            code.unwrap().code(),
            Some(0),
            "SIG{signal}: {}",
            server.log()
        );
        assert!(live.next().is_none(), "the page's socket is closed");
        assert!(server.out.join("index.html").is_file(), "the site is kept");
        assert!(server.root.join("content/about.md").is_file());
    }
}
