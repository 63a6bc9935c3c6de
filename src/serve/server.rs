//! The HTTP side: axum with tower-http's `ServeDir` over the output directory (never a
//! hand-written path join), the Host and Origin checks (`guard`) and the confinement check in
//! front of it, the site's own 404.html for anything missing or refused, the live-reload
//! routes, and a clean stop on SIGINT or SIGTERM.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::handler::HandlerWithoutStateExt;
use axum::http::{StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::watch;
use tower_http::services::ServeDir;

use super::confine;
use super::guard::{self, Allowed};
use super::reload::{self, Hub, Status};

/// How long open connections get to finish after a stop signal.
const GRACE: Duration = Duration::from_secs(3);

/// The runtime the server runs on: two workers are plenty on loopback.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("pillar-serve")
        .enable_all()
        .build()
}

/// Serves `out` (canonical) on `listener` until `stop` resolves, to browsers that opened
/// one of the `allowed` addresses.
pub async fn serve(
    listener: TcpListener,
    out: &Path,
    allowed: Allowed,
    status: watch::Receiver<Status>,
    stop: impl Future<Output = ()>,
) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let (closing_tx, closing) = watch::channel(false);
    let app = router(out, allowed, Hub { status, closing });
    let mut closed = closing_tx.subscribe();
    let server = tokio::spawn(
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = closed.wait_for(|&c| c).await;
            })
            .into_future(),
    );
    tokio::pin!(server);
    tokio::select! {
        () = stop => {}
        done = &mut server => return done.map_err(std::io::Error::other)?,
    }
    let _ = closing_tx.send(true);
    // Past the grace period, stop anyway: a client that keeps a connection open does not
    // keep the server alive.
    match tokio::time::timeout(GRACE, server).await {
        Ok(done) => done.map_err(std::io::Error::other)?,
        Err(_) => Ok(()),
    }
}

/// Resolves on the first SIGINT (Ctrl-C) or SIGTERM received after this call. Must be
/// called inside the runtime.
pub fn stop_signal() -> std::io::Result<impl Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        Ok(async move {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async move {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

#[derive(Clone)]
struct Site {
    out: Arc<PathBuf>,
    status: watch::Receiver<Status>,
}

fn router(out: &Path, allowed: Allowed, hub: Hub) -> Router {
    let site = Site {
        out: Arc::new(out.to_path_buf()),
        status: hub.status.clone(),
    };
    let missing = site.clone();
    let files = ServeDir::new(out)
        .append_index_html_on_directories(true)
        .fallback(
            (move || {
                let site = missing.clone();
                async move { not_found(&site) }
            })
            .into_service(),
        );
    Router::new()
        .route(reload::SOCKET_PATH, get(reload::socket))
        .route(reload::SCRIPT_PATH, get(reload::script))
        .fallback_service(files)
        .layer(middleware::from_fn_with_state(site, confine_layer))
        .layer(middleware::from_fn_with_state(hub.clone(), reload::inject))
        .layer(middleware::from_fn_with_state(
            Arc::new(allowed),
            guard::check,
        ))
        .with_state(hub)
}

/// Refuses, with the 404 page, any request `confine` does not allow. A path that starts with
/// several slashes is read as one slash first: `ServeDir` would answer `//departments` with
/// `Location: //departments/`, which a browser reads as another host.
async fn confine_layer(State(site): State<Site>, mut req: Request, next: Next) -> Response {
    collapse_leading_slashes(&mut req);
    let path = req.uri().path();
    let ours = path == reload::SOCKET_PATH || path == reload::SCRIPT_PATH;
    if ours || confine::allowed(&site.out, path) {
        next.run(req).await
    } else {
        not_found(&site)
    }
}

/// `//a//b?q` becomes `/a//b?q`; the rest of the path is left to `ServeDir`.
fn collapse_leading_slashes(req: &mut Request) {
    let Some(pq) = req.uri().path_and_query() else {
        return;
    };
    if !pq.as_str().starts_with("//") {
        return;
    }
    let fixed = format!("/{}", pq.as_str().trim_start_matches('/'));
    match Uri::builder().path_and_query(fixed).build() {
        Ok(uri) => *req.uri_mut() = uri,
        // Cannot happen (the parts came from a valid URI); `confine` refuses this name, so
        // the answer is a 404 rather than a redirect.
        Err(_) => *req.uri_mut() = Uri::from_static("/.pillar-refused"),
    }
}

/// The site's 404.html with status 404, or, when the site has none (no build has succeeded
/// yet), a page that says so: either way an HTML page, so that the overlay can show on it.
fn not_found(site: &Site) -> Response {
    let out = site.out.as_path();
    let page = out.join("404.html");
    let body = page
        .canonicalize()
        .ok()
        .filter(|p| p.starts_with(out))
        .and_then(|p| std::fs::read(p).ok())
        .unwrap_or_else(|| not_built_page(site.status.borrow().error.is_some()).into_bytes());
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        Body::from(body),
    )
        .into_response()
}

/// What a browser gets before there is a site: why, and what happens next.
fn not_built_page(failed: bool) -> String {
    let (title, text) = if failed {
        (
            "The site could not be built",
            "pillar serve could not build the site, so there is nothing to show yet. The \
             errors are listed over this page and in the terminal; fix them and save, and \
             this page reloads by itself.",
        )
    } else {
        (
            "Not found",
            "There is no page at this address, and the site has no 404 page.",
        )
    };
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         </head><body><h1>{title}</h1><p>{text}</p></body></html>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_slashes_are_collapsed_and_nothing_else_changes() {
        for (from, to) in [
            ("//departments", "/departments"),
            ("///a//b?q=//x", "/a//b?q=//x"),
            ("/a//b", "/a//b"),
            ("/", "/"),
        ] {
            let mut req = Request::builder().uri(from).body(Body::empty()).unwrap();
            collapse_leading_slashes(&mut req);
            assert_eq!(req.uri().to_string(), to, "{from}");
        }
    }
}
