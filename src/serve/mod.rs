//! `pillar serve`: build the site, serve the output directory on 127.0.0.1, rebuild on every
//! change and reload the open pages. This file wires the parts together and owns the order
//! of start-up (bind, preview folder, first build, watcher, server) and of shutdown (stop
//! serving, let a build that is writing finish, remove the preview folder, exit 0), and the
//! address pages are built for (`--base-url`). The parts: `server` (HTTP), `guard` (which
//! Host and Origin may ask), `confine` (no file outside the output directory), `reload`
//! (build status, events, injected script), `watch` (which changes matter), `rebuild` (the
//! build loop) and `preview` (the private folder a preview is built in).

mod confine;
mod guard;
mod preview;
mod rebuild;
mod reload;
mod server;
mod watch;

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, mpsc};

use crate::config;
use crate::project::{self, CONFIG_FILE};
use crate::{Failure, Overrides};

/// What `pillar serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    /// The output directory (default: a private preview folder, removed on exit).
    pub output: Option<PathBuf>,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// The address pages are built for: a URL, or a host name or address that the port is
    /// added to (default: the address served on).
    pub base_url: Option<String>,
    /// Poll the file system instead of relying on notifications.
    pub poll: bool,
    /// Open the site in the default browser once it is served.
    pub open: bool,
    pub drafts: bool,
    /// Print only errors.
    pub quiet: bool,
}

impl From<&crate::cli::ServeArgs> for ServeOptions {
    fn from(a: &crate::cli::ServeArgs) -> Self {
        Self {
            root: a.project.root.clone(),
            output: a.output.clone(),
            bind: a.bind,
            port: a.port,
            base_url: a.base_url.clone(),
            poll: a.poll,
            open: a.open,
            drafts: a.project.drafts,
            quiet: a.project.quiet,
        }
    }
}

/// A line on standard output. One that cannot be written (`serve | head`, a closed
/// terminal, a full disk) is dropped: serving and rebuilding go on.
fn say(line: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// A line on standard error, dropped likewise when it cannot be written.
fn warn(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Serves the site until SIGINT or SIGTERM. A failed build never stops the server: it shows
/// in the terminal and in the browser. Errors here mean the server could not start.
pub fn run(opts: &ServeOptions) -> Result<(), Failure> {
    let tool = |what: &str, e: &dyn std::fmt::Display| Failure::Tool(format!("{what}: {e}"));
    // Signal handlers before anything else: Ctrl-C during the first build is a clean stop too.
    let runtime = server::runtime().map_err(|e| tool("cannot start the server", &e))?;
    let stop = {
        let _in_runtime = runtime.enter();
        server::stop_signal().map_err(|e| tool("cannot handle signals", &e))?
    };
    let root = opts
        .root
        .canonicalize()
        .map_err(|e| tool(&format!("{}", opts.root.display()), &e))?;
    project::require_config(&root).map_err(Failure::Tool)?;

    let listener = TcpListener::bind((opts.bind, opts.port)).map_err(|e| {
        tool(
            &format!("cannot listen on {}:{}", opts.bind, opts.port),
            &format!("{e} (`--port 0` picks a free port)"),
        )
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| tool("cannot read the listening address", &e))?;
    let url = site_url(addr, opts.base_url.as_deref()).map_err(Failure::Tool)?;
    let allowed = guard::Allowed::new(addr, &url);

    // Dropped last: the folder goes when the server has stopped (or failed to start).
    let (preview, output) = match &opts.output {
        Some(o) => (None, o.clone()),
        None => {
            let p = preview::Preview::open(&root)
                .map_err(|e| tool("cannot create the preview folder", &e))?;
            let site = p.site();
            (Some(p), site)
        }
    };
    let project = Project::read(&root, &output)?;

    let overrides = Overrides {
        output_dir: Some(project.output.clone()),
        // The preview's bookkeeping stays in its private folder, beside what is served.
        cache_dir: preview.as_ref().map(preview::Preview::cache),
        base_url: Some(url.to_string()),
        drafts: opts.drafts,
    };
    let (publisher, status) = reload::channel();
    let busy = Arc::new(Mutex::new(false));
    let builder = rebuild::Builder {
        root: root.clone(),
        overrides,
        publisher,
        busy: Arc::clone(&busy),
        quiet: opts.quiet,
    };
    // The folder exists even when the first build fails, so there is something to serve
    // (the overlay on a 404 page) and a fixed place to confine requests to.
    std::fs::create_dir_all(&project.output)
        .map_err(|e| tool(&format!("{}", project.output.display()), &e))?;
    let out = project
        .output
        .canonicalize()
        .map_err(|e| tool(&format!("{}", project.output.display()), &e))?;

    // Watching starts before the first build, so that a save during it is not lost.
    let (tx, rx) = mpsc::channel();
    let scope = watch::Scope {
        root: root.clone(),
        output: out.clone(),
        data: project.data,
    };
    let watcher = watch::Watcher::start(scope, opts.poll, tx)
        .map_err(|e| tool("cannot watch the project for changes", &e))?;
    builder.build(None);
    std::thread::Builder::new()
        .name("pillar-rebuild".into())
        .spawn(move || builder.run(&rx, watcher))
        .map_err(|e| tool("cannot start the rebuild thread", &e))?;

    say(&format!(
        "serving {} at {url} ({}Ctrl-C to stop)",
        root.display(),
        listening(addr, &url)
    ));
    warn_about_reach(addr, &url);
    if opts.open {
        open_browser(url.as_str());
    }

    let served = runtime.block_on(server::serve(listener, &out, allowed, status, stop));
    // A build that is writing finishes before the process exits; none starts after this,
    // and the preview folder goes while no build can write to it.
    let mut stopped = busy.lock().unwrap_or_else(PoisonError::into_inner);
    *stopped = true;
    drop(preview);
    served.map_err(|e| tool("the server stopped", &e))?;
    if !opts.quiet {
        say("stopped");
    }
    Ok(())
}

/// What serve needs to know about the project before the first build, read even when the
/// configuration has errors (the build reports those).
struct Project {
    output: PathBuf,
    /// The data file when site-config.toml names one outside `content/`.
    data: Option<PathBuf>,
}

impl Project {
    /// `output`: `--output`, or the preview folder (a preview is built for another address
    /// than the published site: it must never replace what `pillar build` made).
    fn read(root: &Path, output: &Path) -> Result<Self, Failure> {
        let raw = std::fs::read_to_string(root.join(CONFIG_FILE))
            .ok()
            .and_then(|text| config::parse(&text, Path::new(CONFIG_FILE)).ok());
        let output = if output.is_absolute() {
            output.to_path_buf()
        } else {
            std::env::current_dir()
                .map_err(|e| Failure::Tool(format!("cannot read the current folder: {e}")))?
                .join(output)
        };
        let output = project::normalize(&output);
        project::check_output_dir(root, &output).map_err(Failure::Tool)?;
        let data = raw
            .and_then(|r| r.data)
            .map(|d| project::normalize(&root.join(d.get_ref())))
            .filter(|d| d.starts_with(root));
        Ok(Self { output, data })
    }
}

/// The address pages are built for: `--base-url` when given (a bare host gets `http://` and
/// the port), else the address served on. An unspecified address (0.0.0.0, ::) is not one
/// a browser can open, so the loopback address of the same family stands in for it.
fn site_url(addr: SocketAddr, base_url: Option<&str>) -> Result<url::Url, String> {
    let bad = |e: &dyn std::fmt::Display| format!("--base-url {}: {e}", base_url.unwrap_or(""));
    let raw = match base_url {
        Some(b) if b.contains("://") => b.to_owned(),
        Some(host) => match host.parse::<Ipv6Addr>() {
            Ok(v6) => format!("http://[{v6}]:{}/", addr.port()),
            Err(_) if host.contains(':') => format!("http://{host}/"),
            Err(_) => format!("http://{host}:{}/", addr.port()),
        },
        None => {
            let ip = match addr.ip() {
                IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
                ip => ip,
            };
            format!("http://{}/", SocketAddr::new(ip, addr.port()))
        }
    };
    config::parse_base_url(&raw).map_err(|e| bad(&e))?;
    let url = url::Url::parse(&raw).map_err(|e| bad(&e))?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad(&"it names no host"));
    }
    if url.path() != "/" {
        return Err(bad(&format!(
            "serve answers at the root of the address, so it cannot have a path ({}); give the host, e.g. --base-url {}",
            url.path(),
            url.host_str().unwrap_or("192.168.1.20")
        )));
    }
    Ok(url)
}

/// `listening on ADDR; ` when the server listens elsewhere than at the address to open
/// (`--bind 0.0.0.0`, or a `--base-url` with another port), else nothing.
fn listening(addr: SocketAddr, url: &url::Url) -> String {
    let ip = url
        .host_str()
        .and_then(|h| h.trim_matches(['[', ']']).parse::<IpAddr>().ok());
    if url.port_or_known_default() == Some(addr.port()) && ip.is_none_or(|ip| ip == addr.ip()) {
        String::new()
    } else {
        format!("listening on {addr}; ")
    }
}

/// Says who can reach the server, when that is not only this machine or not who the pages
/// are built for.
fn warn_about_reach(addr: SocketAddr, url: &url::Url) {
    if !addr.ip().is_loopback() {
        let how = if addr.ip().is_unspecified() && is_loopback_host(url) {
            "; add --base-url with this machine's address (e.g. --base-url 192.168.1.20) so that the pages' own links point there"
        } else {
            ""
        };
        warn(&format!(
            "warning: listening on {}: other machines on the network can read the site{how}",
            addr.ip()
        ));
    } else if !is_loopback_host(url) {
        warn(&format!(
            "note: pages are built for {url}, but only this machine can reach the server; add --bind 0.0.0.0 (or this machine's address) for other devices"
        ));
    }
}

fn is_loopback_host(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Opens the site in a browser, if the machine has one; serving goes on either way.
fn open_browser(url: &str) {
    let url = url.to_owned();
    std::thread::spawn(move || {
        if let Err(e) = opener::open_browser(&url) {
            warn(&format!(
                "note: could not open a browser ({e}); open {url} yourself"
            ));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(addr: &str, base: Option<&str>) -> Result<String, String> {
        site_url(addr.parse().unwrap(), base).map(|u| u.to_string())
    }

    #[test]
    fn site_url_uses_loopback_for_unspecified_addresses() {
        assert_eq!(url("0.0.0.0:1111", None).unwrap(), "http://127.0.0.1:1111/");
        assert_eq!(url("[::]:8000", None).unwrap(), "http://[::1]:8000/");
        assert_eq!(
            url("127.0.0.1:4000", None).unwrap(),
            "http://127.0.0.1:4000/"
        );
        assert_eq!(
            url("192.168.1.20:4000", None).unwrap(),
            "http://192.168.1.20:4000/"
        );
    }

    #[test]
    fn base_url_is_a_host_the_port_is_added_to_or_a_whole_url() {
        let a = "0.0.0.0:1111";
        assert_eq!(
            url(a, Some("192.168.1.20")).unwrap(),
            "http://192.168.1.20:1111/"
        );
        assert_eq!(
            url(a, Some("laptop.local")).unwrap(),
            "http://laptop.local:1111/"
        );
        assert_eq!(url(a, Some("fe80::1")).unwrap(), "http://[fe80::1]:1111/");
        assert_eq!(url(a, Some("laptop:8080")).unwrap(), "http://laptop:8080/");
        assert_eq!(
            url(a, Some("https://preview.example")).unwrap(),
            "https://preview.example/"
        );
        for bad in [
            "http://laptop/explainer/",
            "ftp://laptop/",
            "http://",
            "lap top",
            "",
        ] {
            assert!(url(a, Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn refuses_to_serve_the_project_itself() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        assert!(Project::read(dir.path(), dir.path()).is_err());
        assert!(Project::read(dir.path(), Path::new("/")).is_err());
        let elsewhere = tempfile::tempdir().unwrap();
        let p = Project::read(dir.path(), elsewhere.path()).unwrap();
        assert_eq!(p.output, elsewhere.path());
    }
}
