//! `pillar serve`: build the site, serve the output directory on 127.0.0.1, rebuild on every
//! change and reload the open pages. This file wires the parts together and owns the order
//! of start-up (bind, first build, watcher, server) and of shutdown (stop serving, let a
//! build that is writing finish, exit 0). The parts: `server` (HTTP), `confine` (no file
//! outside the output directory), `reload` (build status, events, injected script),
//! `watch` (which changes matter) and `rebuild` (the build loop).

mod confine;
mod rebuild;
mod reload;
mod server;
mod watch;

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
    /// The output directory (default: a preview folder in the system's temporary directory).
    pub output: Option<PathBuf>,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
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
            poll: a.poll,
            open: a.open,
            drafts: a.project.drafts,
            quiet: a.project.quiet,
        }
    }
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
    let project = Project::read(&root, opts.output.as_deref())?;

    let listener = TcpListener::bind((opts.bind, opts.port)).map_err(|e| {
        tool(
            &format!("cannot listen on {}:{}", opts.bind, opts.port),
            &format!("{e} (`--port 0` picks a free port)"),
        )
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| tool("cannot read the listening address", &e))?;
    let url = site_url(addr);

    let overrides = Overrides {
        output_dir: Some(project.output.clone()),
        base_url: Some(url.clone()),
        drafts: opts.drafts,
    };
    let (publisher, status) = reload::channel();
    let busy = Arc::new(Mutex::new(()));
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

    println!("serving {} at {url} (Ctrl-C to stop)", root.display());
    if !addr.ip().is_loopback() {
        eprintln!(
            "warning: listening on {}: other machines on the network can read the site",
            addr.ip()
        );
    }
    if opts.open {
        open_browser(&url);
    }

    let served = runtime.block_on(server::serve(listener, &out, status, stop));
    // A build that is writing finishes before the process exits; none starts after this.
    let _idle = busy.lock().unwrap_or_else(PoisonError::into_inner);
    served.map_err(|e| tool("the server stopped", &e))?;
    if !opts.quiet {
        println!("stopped");
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
    fn read(root: &Path, output: Option<&Path>) -> Result<Self, Failure> {
        let raw = std::fs::read_to_string(root.join(CONFIG_FILE))
            .ok()
            .and_then(|text| config::parse(&text, Path::new(CONFIG_FILE)).ok());
        let output = match output {
            Some(p) if p.is_absolute() => p.to_path_buf(),
            Some(p) => std::env::current_dir()
                .map_err(|e| Failure::Tool(format!("cannot read the current folder: {e}")))?
                .join(p),
            // A preview is built for http://127.0.0.1/: it must never replace the site that
            // `pillar build` made for publishing, so it goes to its own folder.
            None => preview_dir(root),
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

/// Where `serve` builds by default: a folder of its own in the system's temporary directory,
/// one per project.
pub fn preview_dir(root: &Path) -> PathBuf {
    let id = xxhash_rust::xxh3::xxh3_64(root.as_os_str().as_encoded_bytes());
    std::env::temp_dir().join(format!("pillar-serve-{id:016x}"))
}

/// The address pages are built for. An unspecified address (0.0.0.0, ::) is not one a
/// browser can open, so the loopback address of the same family stands in for it.
fn site_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}/", SocketAddr::new(ip, addr.port()))
}

/// Opens the site in a browser, if the machine has one; serving goes on either way.
fn open_browser(url: &str) {
    let url = url.to_owned();
    std::thread::spawn(move || {
        if let Err(e) = opener::open_browser(&url) {
            eprintln!("note: could not open a browser ({e}); open {url} yourself");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_url_uses_loopback_for_unspecified_addresses() {
        let v4: SocketAddr = "0.0.0.0:1111".parse().unwrap();
        assert_eq!(site_url(v4), "http://127.0.0.1:1111/");
        let v6: SocketAddr = "[::]:8000".parse().unwrap();
        assert_eq!(site_url(v6), "http://[::1]:8000/");
        let lo: SocketAddr = "127.0.0.1:4000".parse().unwrap();
        assert_eq!(site_url(lo), "http://127.0.0.1:4000/");
    }

    #[test]
    fn refuses_to_serve_the_project_itself() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        assert!(Project::read(dir.path(), Some(dir.path())).is_err());
        assert!(Project::read(dir.path(), Some(Path::new("/"))).is_err());
        let p = Project::read(dir.path(), None).unwrap();
        assert_eq!(
            p.output,
            preview_dir(dir.path()),
            "a preview never overwrites public/"
        );
        assert!(!p.output.starts_with(dir.path()));
    }
}
