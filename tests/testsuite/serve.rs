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
    /// The output directory (`--output`), or `tmp` when serve picks its own.
    out: PathBuf,
    /// `TMPDIR` for the server: a fresh folder of the test's.
    tmp: PathBuf,
    /// Output of the server, stdout and stderr interleaved.
    log: Arc<Mutex<String>>,
    /// What it was started with, for `restart`.
    args: Vec<String>,
    output: bool,
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
    Launch::new(args).prepare(prepare).start()
}

/// Where the server's standard output goes.
#[derive(Clone, Copy, PartialEq)]
enum Stdout {
    /// Into the log.
    Log,
    /// A pipe closed once the `serving` line is read, as `pillar serve | head -n 1` does.
    ClosedAfterFirstLine,
    /// /dev/full: every write fails.
    Full,
}

/// How to start one server.
struct Launch {
    args: Vec<String>,
    /// Pass `--output` (the default); without it serve uses its own preview folder.
    output: bool,
    stdout: Stdout,
    dir: tempfile::TempDir,
}

impl Launch {
    fn new(args: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(
            &repo().join("tests/fixtures/serve-site"),
            &dir.path().join("site"),
        );
        std::fs::create_dir(dir.path().join("tmp")).unwrap();
        Self {
            args: args.iter().map(|a| (*a).to_owned()).collect(),
            output: true,
            stdout: Stdout::Log,
            dir,
        }
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    fn tmp(&self) -> PathBuf {
        self.dir.path().join("tmp")
    }

    fn prepare(self, f: impl FnOnce(&Path)) -> Self {
        f(&self.root());
        self
    }

    fn stdout(mut self, s: Stdout) -> Self {
        self.stdout = s;
        self
    }

    fn preview(mut self) -> Self {
        self.output = false;
        self
    }

    /// Starts again in the folder of a server that has exited, with the same arguments.
    fn again(dir: tempfile::TempDir, args: Vec<String>, output: bool) -> Self {
        Self {
            args,
            output,
            stdout: Stdout::Log,
            dir,
        }
    }

    fn start(self) -> Server {
        let root = self.root();
        let tmp = self.tmp();
        let out = if self.output {
            self.dir.path().join("out")
        } else {
            tmp.clone()
        };
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_pillar"));
        cmd.arg("serve").arg("--root").arg(&root);
        if self.output {
            cmd.arg("--output").arg(&out);
        }
        // With stdout gone the address cannot be read: a port picked here instead.
        let port = if self.stdout == Stdout::Full {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        } else {
            0
        };
        cmd.arg("--port")
            .arg(port.to_string())
            .args(&self.args)
            .env("TMPDIR", &tmp)
            .env_remove("XDG_RUNTIME_DIR")
            .stdin(Stdio::null())
            .stdout(match self.stdout {
                Stdout::Full => std::fs::File::create("/dev/full").unwrap().into(),
                _ => Stdio::piped(),
            })
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("pillar serve starts");
        let log = Arc::new(Mutex::new(String::new()));
        let mut pipes: Vec<(Box<dyn Read + Send>, bool)> =
            vec![(Box::new(child.stderr.take().unwrap()), false)];
        if let Some(o) = child.stdout.take() {
            pipes.push((Box::new(o), self.stdout == Stdout::ClosedAfterFirstLine));
        }
        for (pipe, close_early) in pipes {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    let mut l = log.lock().unwrap();
                    l.push_str(&line);
                    l.push('\n');
                    if close_early && line.starts_with("serving") {
                        break;
                    }
                }
            });
        }
        let mut server = Server {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            root,
            out,
            tmp,
            log,
            args: self.args,
            output: self.output,
            _dir: self.dir,
        };
        if port == 0 {
            let mut found = None;
            wait_for("the server to print its address", || {
                if let Some(status) = server.child.try_wait().unwrap() {
                    panic!("pillar serve exited with {status}:\n{}", server.log());
                }
                found = printed_addr(&server.log());
                found.is_some()
            });
            server.addr = found.unwrap();
        }
        wait_for("the server to answer", || {
            if let Some(status) = server.child.try_wait().unwrap() {
                panic!("pillar serve exited with {status}:\n{}", server.log());
            }
            request(server.addr, "/").is_ok_and(|r| r.status != 0)
        });
        server
    }
}

/// Where the server listens, from its `serving … at http://HOST:PORT/` line: that address,
/// or the one it adds as `(listening on ADDR; …)` when `--base-url` names another; a name
/// (`localhost`) stands for 127.0.0.1.
fn printed_addr(log: &str) -> Option<SocketAddr> {
    let line = log.lines().find(|l| l.starts_with("serving "))?;
    if let Some((_, rest)) = line.split_once("(listening on ") {
        return rest.split_once(';')?.0.parse().ok();
    }
    let (_, rest) = line.split_once(" at http://")?;
    let (authority, _) = rest.split_once('/')?;
    authority.parse().ok().or_else(|| {
        let port = authority.rsplit_once(':')?.1.parse().ok()?;
        Some(SocketAddr::from(([127, 0, 0, 1], port)))
    })
}

impl Server {
    /// Waits for this server to exit, then starts it again on the same project and folders.
    fn restart(mut self) -> Server {
        let _ = self.child.wait();
        let dir = std::mem::replace(&mut self._dir, tempfile::tempdir().unwrap());
        let args = std::mem::take(&mut self.args);
        Launch::again(dir, args, self.output).start()
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    fn child_alive(&self) -> bool {
        std::process::Command::new("kill")
            .args(["-0", &self.child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success())
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
    assert!(
        home.body.contains("could not be built"),
        "the page says there is no site yet:\n{}",
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
    assert_eq!(hello["build"], 0, "no good build: the overlay says so");
    wait_for("the error in the terminal", || {
        server.log().contains("content/reform.toml:1:")
    });
    let log = server.log();
    assert!(!log.contains("last good build"), "there is none:\n{log}");
    assert!(log.contains("could not be built"), "{log}");

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

/// `GET {target}` with the given `Host` and any other header lines.
fn request_as(addr: SocketAddr, target: &str, host: &str, extra: &str) -> Response {
    let raw = format!("GET {target} HTTP/1.0\r\nHost: {host}\r\n{extra}\r\n");
    raw_request(addr, raw.as_bytes()).unwrap()
}

/// The status line and headers of a WebSocket upgrade of the live-reload socket, and what
/// the server sent next (read for a moment: a refused upgrade sends no message).
fn upgrade(addr: SocketAddr, host: &str, origin: Option<&str>) -> (String, Vec<u8>) {
    let mut s = TcpStream::connect_timeout(&addr, DEADLINE).unwrap();
    let origin = origin.map_or(String::new(), |o| format!("Origin: {o}\r\n"));
    write!(
        s,
        "GET /__pillar/live HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
         Sec-WebSocket-Version: 13\r\n{origin}\r\n"
    )
    .unwrap();
    s.set_read_timeout(Some(Duration::from_millis(1500)))
        .unwrap();
    let mut bytes = Vec::new();
    let mut buf = [0u8; 4096];
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(3) {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
        }
    }
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(bytes.len(), |i| i + 4);
    let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
    (head, bytes[end..].to_vec())
}

#[test]
fn serve_refuses_a_live_socket_opened_by_another_sites_page() {
    // The last build failed, so the socket's first message would quote the source line.
    let server = start_with(&[], |root| {
        let about = root.join("content/about.md");
        let text = std::fs::read_to_string(&about).unwrap();
        std::fs::write(&about, text + "\nSECRET-KEY-123 [x](@/nope.md)\n").unwrap();
    });
    let host = server.addr.to_string();
    for evil in [
        "https://evil.example",
        "http://evil.example",
        "http://127.0.0.1:1",
        "null",
    ] {
        let (head, rest) = upgrade(server.addr, &host, Some(evil));
        assert!(head.starts_with("HTTP/1.1 403"), "Origin {evil}: {head}");
        let rest = String::from_utf8_lossy(&rest);
        assert!(
            !rest.contains("SECRET-KEY-123") && !rest.contains("hello"),
            "Origin {evil}: {rest}"
        );
    }
    let port = server.addr.port();
    for ours in [
        format!("http://127.0.0.1:{port}"),
        format!("http://localhost:{port}"),
        format!("http://[::1]:{port}"),
    ] {
        let (head, rest) = upgrade(server.addr, &host, Some(&ours));
        assert!(head.starts_with("HTTP/1.1 101"), "Origin {ours}: {head}");
        assert!(String::from_utf8_lossy(&rest).contains("SECRET-KEY-123"));
    }
}

#[test]
fn serve_refuses_requests_for_another_host_name() {
    let server = start_with(&["--drafts"], |root| {
        std::fs::write(
            root.join("content/unpublished.md"),
            "+++\ntitle = \"Unpublished\"\ndraft = true\n+++\nDRAFT-CANARY-77\n",
        )
        .unwrap();
    });
    let port = server.addr.port();
    let ours = server.get("/unpublished/");
    assert_eq!(ours.status, 200);
    assert!(ours.body.contains("DRAFT-CANARY-77"));
    for evil in [
        format!("attacker.example:{port}"),
        "attacker.example".to_owned(),
        format!("127.0.0.1.attacker.example:{port}"),
        format!("localhost:{}", port.wrapping_add(1)),
    ] {
        for path in ["/unpublished/", "/", "/__pillar/reload.js", "/nope"] {
            let r = request_as(server.addr, path, &evil, "");
            assert!(
                matches!(r.status, 403 | 421),
                "Host {evil} {path}: {}",
                r.status
            );
            assert!(!r.body.contains("DRAFT-CANARY-77"), "Host {evil} {path}");
            assert!(!r.body.contains("<html"), "Host {evil} {path}: no page");
        }
    }
    let (head, _) = upgrade(server.addr, &format!("attacker.example:{port}"), None);
    assert!(head.starts_with("HTTP/1.1 403"), "{head}");
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        format!("[::1]:{port}"),
    ] {
        let r = request_as(server.addr, "/unpublished/", &host, "");
        assert_eq!(r.status, 200, "Host {host}");
    }
}

#[test]
fn serve_never_redirects_to_another_host() {
    let server = start();
    assert_eq!(server.get("/departments").status, 307, "the usual redirect");
    for path in [
        "//departments",
        "///departments",
        "//departments?x=1",
        "/departments",
    ] {
        let r = server.get(path);
        if let Some(to) = r.header("location") {
            assert!(
                to.starts_with('/') && !to.starts_with("//") && !to.starts_with("/\\"),
                "{path}: Location {to}"
            );
        }
        assert!(matches!(r.status, 307 | 308 | 404), "{path}: {}", r.status);
    }
    assert_eq!(
        server.get("//departments").header("location"),
        Some("/departments/")
    );
}

#[test]
fn serve_sends_a_page_too_big_for_the_reload_script_as_it_is() {
    let server = start();
    let mut page = b"<!DOCTYPE html><html><body><p>".to_vec();
    page.resize(65 << 20, b'a');
    page.extend_from_slice(b"</p>BIG-PAGE-END</body></html>");
    std::fs::write(server.out.join("big.html"), &page).unwrap();
    let r = server.get("/big.html");
    assert_eq!(r.status, 200);
    assert_eq!(r.body.len(), page.len(), "the page as it is");
    assert!(r.body.ends_with("BIG-PAGE-END</body></html>"));
    // A page under the limit still gets the script.
    assert!(server.get("/").body.contains("/__pillar/reload.js"));
}

/// Replaces `from` with `to` in a content file, as an editor saves (a rename over it).
fn edit(server: &Server, file: &str, from: &str, to: &str) {
    let path = server.root.join(file);
    let tmp = server.root.join("content/.edit.tmp");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} holds {from}");
    std::fs::write(&tmp, text.replace(from, to)).unwrap();
    std::fs::rename(&tmp, &path).unwrap();
}

#[test]
fn serve_keeps_rebuilding_after_its_stdout_is_closed() {
    let server = Launch::new(&[])
        .stdout(Stdout::ClosedAfterFirstLine)
        .start();
    // `head` has gone: every line serve prints from now on fails to be written.
    edit(
        &server,
        "content/about.md",
        "original about text",
        "first edit",
    );
    wait_for("the first edit", || {
        server.get("/about/").body.contains("first edit")
    });
    edit(&server, "content/about.md", "first edit", "second edit");
    wait_for("the second edit", || {
        server.get("/about/").body.contains("second edit")
    });
    std::thread::sleep(Duration::from_millis(200));
    assert!(!server.log().contains("panicked"), "{}", server.log());
}

#[test]
fn serve_starts_and_rebuilds_with_stdout_on_a_full_disk() {
    let mut server = Launch::new(&[]).stdout(Stdout::Full).start();
    assert_eq!(server.get("/").status, 200);
    edit(&server, "content/about.md", "original about text", "edited");
    wait_for("the edit", || server.get("/about/").body.contains("edited"));
    assert!(server.child.try_wait().unwrap().is_none(), "still running");
    assert!(!server.log().contains("panicked"), "{}", server.log());
}

/// This process's user id, as the owner of a file it creates.
fn my_uid(dir: &Path) -> u32 {
    use std::os::unix::fs::MetadataExt;
    let probe = dir.join(".uid-probe");
    std::fs::write(&probe, "").unwrap();
    let uid = std::fs::metadata(&probe).unwrap().uid();
    std::fs::remove_file(probe).unwrap();
    uid
}

fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(p).unwrap().mode() & 0o777
}

/// The preview folders of this server's project: `serve-*` folders anywhere under its TMPDIR.
fn preview_folders(server: &Server) -> Vec<PathBuf> {
    walkdir::WalkDir::new(&server.tmp)
        .min_depth(1)
        .max_depth(2)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_dir())
        .filter(|e| {
            e.file_name().to_string_lossy().starts_with("serve-")
                || e.file_name().to_string_lossy().starts_with("pillar-serve-")
        })
        .map(walkdir::DirEntry::into_path)
        .collect()
}

fn stop(server: &mut Server, signal: &str) {
    let killed = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(server.child.id().to_string())
        .status()
        .unwrap();
    assert!(killed.success());
    wait_for("the server to exit", || {
        server.child.try_wait().unwrap().is_some()
    });
}

#[test]
fn serve_previews_in_a_private_folder_removed_on_exit_and_reused_after_a_kill() {
    let mut server = Launch::new(&[]).preview().start();
    let folders = preview_folders(&server);
    assert_eq!(folders.len(), 1, "{folders:?}");
    let preview = &folders[0];
    assert!(preview.join("site/index.html").is_file());
    // What is served holds only the site; the bookkeeping is beside it, never served.
    let dotted: Vec<_> = walkdir::WalkDir::new(preview.join("site"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".pillar"))
        .map(walkdir::DirEntry::into_path)
        .collect();
    assert!(dotted.is_empty(), "{dotted:?}");
    assert!(preview.join("cache/manifest").is_file());
    assert!(
        !server.root.join(".pillar-cache").exists(),
        "a preview writes nothing into the project"
    );
    // Every folder from TMPDIR down to the site is this user's and closed to others.
    let uid = my_uid(&server.tmp);
    for dir in preview.ancestors().take_while(|d| *d != server.tmp) {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::symlink_metadata(dir).unwrap();
        assert!(m.is_dir() && !m.is_symlink(), "{}", dir.display());
        assert_eq!(m.uid(), uid, "{}", dir.display());
        assert_eq!(mode(dir) & 0o077, 0, "{} is open to others", dir.display());
    }

    // Killed: the folder stays, and the next run reuses it (it is ours and private).
    stop(&mut server, "KILL");
    assert!(preview.join("site/index.html").is_file());
    std::fs::write(preview.join("left-by-the-killed-run.txt"), "x").unwrap();
    let mut server = server.restart();
    assert_eq!(preview_folders(&server), folders, "the same folder");
    assert!(
        preview.join("left-by-the-killed-run.txt").is_file(),
        "reused, not made anew"
    );

    // Stopped: the folder is gone, whichever the signal.
    stop(&mut server, "TERM");
    assert_eq!(server.child.try_wait().unwrap().unwrap().code(), Some(0));
    assert_eq!(preview_folders(&server), Vec::<PathBuf>::new());
    let mut server = server.restart();
    assert_eq!(preview_folders(&server).len(), 1);
    stop(&mut server, "INT");
    assert_eq!(preview_folders(&server), Vec::<PathBuf>::new());
}

#[test]
fn serve_never_adopts_a_preview_folder_planted_by_someone_else() {
    use std::os::unix::fs::symlink;
    let launch = Launch::new(&[]).preview();
    let tmp = launch.tmp();
    let root = launch.root().canonicalize().unwrap();
    let uid = my_uid(&tmp);
    let victim = |name: &str| {
        let v = launch.dir.path().join(name);
        std::fs::create_dir(&v).unwrap();
        std::fs::write(v.join("precious.txt"), "precious").unwrap();
        v
    };
    // Where earlier versions built (a name anyone could compute), and the user's folder,
    // each planted as a link to the victim's files.
    let old = format!(
        "pillar-serve-{:016x}",
        xxhash_rust::xxh3::xxh3_64(root.as_os_str().as_encoded_bytes())
    );
    symlink(victim("victim-1"), tmp.join(old)).unwrap();
    symlink(victim("victim-2"), tmp.join(format!("pillar-{uid}"))).unwrap();
    let server = launch.start();
    assert_eq!(server.get("/").status, 200, "serves anyway");
    assert!(
        server.log().contains("note: not using"),
        "says why: {}",
        server.log()
    );
    for v in ["victim-1", "victim-2"] {
        let names: Vec<_> = std::fs::read_dir(server._dir.path().join(v))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["precious.txt"], "{v} untouched");
    }
    let folders = preview_folders(&server);
    assert_eq!(folders.len(), 1, "{folders:?}");
    assert_eq!(mode(&folders[0]), 0o700);
    drop(server);

    // A real folder with that name, but open to others, or (when the tests run as root,
    // who can give it away) owned by another user.
    let launch = Launch::new(&[]).preview();
    let planted = launch.tmp().join(format!("pillar-{uid}"));
    std::fs::create_dir(&planted).unwrap();
    std::fs::set_permissions(
        &planted,
        std::os::unix::fs::PermissionsExt::from_mode(0o777),
    )
    .unwrap();
    if uid == 0 {
        std::os::unix::fs::chown(&planted, Some(65534), Some(65534)).unwrap();
        std::fs::set_permissions(
            &planted,
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .unwrap();
    }
    let server = launch.start();
    assert_eq!(server.get("/").status, 200);
    assert_eq!(
        std::fs::read_dir(&planted).unwrap().count(),
        0,
        "nothing written into the planted folder"
    );
}

/// The `href` of the page's canonical link.
fn canonical(html: &str) -> Option<&str> {
    let (_, rest) = html.split_once("<link rel=\"canonical\" href=\"")?;
    rest.split_once('"').map(|(h, _)| h)
}

#[test]
fn serve_builds_pages_for_the_base_url_and_answers_to_its_host() {
    let server = start_with(&["--base-url", "localhost"], |_| {});
    let port = server.addr.port();
    let base = format!("http://localhost:{port}/");
    assert!(
        server.log().contains(&format!("at {base}")),
        "{}",
        server.log()
    );
    let home = request_as(server.addr, "/about/", &format!("localhost:{port}"), "");
    assert_eq!(home.status, 200);
    assert_eq!(canonical(&home.body), Some(&*format!("{base}about/")));
    let (head, _) = upgrade(
        server.addr,
        &format!("localhost:{port}"),
        Some(&base[..base.len() - 1]),
    );
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    drop(server);

    // A whole URL, with a name the server answers to because it was given.
    let server = start_with(&["--base-url", "http://preview.test:8080"], |_| {});
    let r = request_as(server.addr, "/about/", "preview.test:8080", "");
    assert_eq!(r.status, 200);
    assert_eq!(canonical(&r.body), Some("http://preview.test:8080/about/"));
    let r = request_as(server.addr, "/about/", "other.test:8080", "");
    assert_eq!(r.status, 403);
    drop(server);

    // serve answers at the root, so a path is refused, as is anything but http(s).
    for bad in ["http://localhost/explainer/", "ftp://localhost/", "http://"] {
        let dir = tempfile::tempdir().unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_pillar"))
            .args(["serve", "--port", "0", "--base-url", bad, "--root"])
            .arg(repo().join("tests/fixtures/serve-site"))
            .arg("--output")
            .arg(dir.path().join("out"))
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("--base-url"),
            "{bad}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

#[test]
fn serve_answers_at_the_bound_address() {
    // 127.0.0.2 is a loopback address on Linux that stands in for a LAN address here.
    let server = start_with(&["--bind", "127.0.0.2"], |_| {});
    let port = server.addr.port();
    let lan = SocketAddr::from(([127, 0, 0, 2], port));
    let r = request_as(lan, "/about/", &lan.to_string(), "");
    assert_eq!(r.status, 200);
    assert_eq!(
        canonical(&r.body),
        Some(&*format!("http://127.0.0.2:{port}/about/"))
    );
    let (head, _) = upgrade(lan, &lan.to_string(), Some(&format!("http://{lan}")));
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    let r = request_as(lan, "/about/", &format!("evil.example:{port}"), "");
    assert_eq!(r.status, 403);
}

/// Every spelling of "climb out" the review tried, combined: a dot pair in 12 encodings, a
/// separator in 8, 3 depths and 4 targets (1,152 requests), plus the spellings of pillar's
/// old bookkeeping files. Not one answers with a file outside the output, or with anything
/// but 400 or 404.
#[test]
fn serve_refuses_every_traversal_variant() {
    let server = start();
    let base = server.out.parent().unwrap();
    let canary = format!("pillar-canary-{}", std::process::id());
    std::fs::write(base.join("canary.txt"), &canary).unwrap();
    std::fs::create_dir_all(base.join("secret")).unwrap();
    std::fs::write(base.join("secret/index.html"), &canary).unwrap();
    let dots = [
        "..",
        "%2e%2e",
        "%2E%2E",
        ".%2e",
        "%2e.",
        "%252e%252e",
        "%c0%ae%c0%ae",
        "%e0%80%ae%e0%80%ae",
        "%uff0e%uff0e",
        "%ef%bc%8e%ef%bc%8e",
        "..;",
        "..%00",
    ];
    let seps = ["/", "%2f", "%2F", "\\", "%5c", "%255c", "//", "/./"];
    let targets = ["canary.txt", "etc/passwd", "secret/index.html", "secret/"];
    let mut variants: Vec<String> = Vec::new();
    for d in dots {
        for s in seps {
            for depth in [1, 2, 8] {
                for t in targets {
                    variants.push(format!("/{}{t}", format!("{d}{s}").repeat(depth)));
                }
            }
        }
    }
    for name in [
        ".pillar-manifest",
        ".pillar-warnings.json",
        ".pillar-writing",
    ] {
        for spelled in [
            name.to_owned(),
            name.replace('.', "%2e"),
            format!("about/../{name}"),
            format!("./{name}"),
            format!("{name}%00"),
        ] {
            variants.push(format!("/{spelled}"));
        }
    }
    // An old output folder's bookkeeping, should one be served with --output.
    std::fs::write(server.out.join(".pillar-manifest"), &canary).unwrap();
    let passwd = std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|p| p.lines().next().map(str::to_owned))
        .filter(|l| !l.is_empty());
    let mut statuses = std::collections::BTreeMap::new();
    for v in &variants {
        let r = server.get(v);
        assert!(!r.body.contains(&canary), "{v}: leaked the canary");
        if let Some(line) = &passwd {
            assert!(!r.body.contains(line.as_str()), "{v}: leaked /etc/passwd");
        }
        assert!(matches!(r.status, 400 | 404), "{v}: status {}", r.status);
        *statuses.entry(r.status).or_insert(0) += 1;
    }
    assert!(variants.len() > 1000, "{}", variants.len());
    eprintln!("{} traversal variants: {statuses:?}", variants.len());
}

/// Requests from many clients while the site is rebuilt again and again: every answer is
/// whole (a complete page of one version), none is a server error, and the server stays up.
#[test]
fn serve_answers_whole_pages_of_one_version_during_rebuilds() {
    let server = start();
    let addr = server.addr;
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let paths = ["/", "/about/", "/departments/old/", "/missing/"];
    let clients: Vec<_> = (0..16)
        .map(|t| {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut seen = Vec::new();
                let mut i = t;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) || seen.len() < 50 {
                    let p = paths[i % paths.len()];
                    i += 1;
                    let r = request(addr, p).map_err(|e| format!("{p}: {e}"));
                    seen.push((p, r.map(|r| (r.status, r.body))));
                }
                seen
            })
        })
        .collect();
    let config = server.root.join("site-config.toml");
    let original = std::fs::read_to_string(&config).unwrap();
    let rebuilds = 20;
    for n in 1..=rebuilds {
        let text = original.replace(
            "title = \"Serve fixture\"",
            &format!("title = \"Site ver-{n}-end\""),
        );
        let tmp = server.root.join(".site-config.toml.tmp");
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, &config).unwrap();
        wait_for("the rebuild", || {
            server.get("/").body.contains(&format!("ver-{n}-end"))
        });
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut total = 0;
    for c in clients {
        for (p, r) in c.join().unwrap() {
            total += 1;
            let (status, body) = r.unwrap_or_else(|e| panic!("{e}"));
            assert!(
                status == 200 || (status == 404 && p == "/missing/"),
                "{p}: status {status}"
            );
            assert!(body.trim_end().ends_with("</html>"), "{p}: cut short");
            let versions: std::collections::BTreeSet<&str> = body
                .split("ver-")
                .skip(1)
                .filter_map(|rest| rest.split_once("-end").map(|(v, _)| v))
                .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                .collect();
            assert!(
                versions.len() <= 1,
                "{p}: a page of two versions: {versions:?}"
            );
        }
    }
    assert!(server.child_alive(), "the server is still up");
    assert!(!server.log().contains("panicked"), "{}", server.log());
    eprintln!("{total} requests from 16 clients during {rebuilds} rebuilds");
}

/// Slowloris: 200 connections that send half a request and then a byte now and then do not
/// keep anyone else from being answered, promptly.
#[test]
fn serve_answers_others_while_slow_clients_trickle_their_headers() {
    let server = start();
    let mut slow: Vec<TcpStream> = (0..200)
        .filter_map(|_| TcpStream::connect(server.addr).ok())
        .collect();
    for s in &mut slow {
        let _ = s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a");
    }
    assert!(slow.len() >= 150, "{} connections", slow.len());
    let mut worst = Duration::ZERO;
    for round in 0..10 {
        for s in &mut slow {
            let _ = s.write_all(b"a");
        }
        let started = Instant::now();
        let r = server.get(if round % 2 == 0 { "/" } else { "/about/" });
        worst = worst.max(started.elapsed());
        assert_eq!(r.status, 200);
        assert!(r.body.trim_end().ends_with("</html>"));
    }
    assert!(
        worst < Duration::from_secs(2),
        "worst answer took {worst:?}"
    );
    eprintln!("10 of 10 answered beside 200 slow clients, worst {worst:?}");
}
