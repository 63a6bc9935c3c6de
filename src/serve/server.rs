//! The HTTP side: axum with tower-http's `ServeDir` over the output directory (never a
//! hand-written path join), the confinement check in front of it, the site's own 404.html
//! for anything missing or refused, the live-reload routes, and a clean stop on SIGINT or
//! SIGTERM.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::handler::HandlerWithoutStateExt;
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::watch;
use tower_http::services::ServeDir;

use super::confine;
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

/// Serves `out` (canonical) on `listener` until `stop` resolves.
pub async fn serve(
    listener: TcpListener,
    out: &Path,
    status: watch::Receiver<Status>,
    stop: impl Future<Output = ()>,
) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let (closing_tx, closing) = watch::channel(false);
    let app = router(out, Hub { status, closing });
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
}

fn router(out: &Path, hub: Hub) -> Router {
    let site = Site {
        out: Arc::new(out.to_path_buf()),
    };
    let missing = site.clone();
    let files = ServeDir::new(out)
        .append_index_html_on_directories(true)
        .fallback(
            (move || {
                let site = missing.clone();
                async move { not_found(&site.out) }
            })
            .into_service(),
        );
    Router::new()
        .route(reload::SOCKET_PATH, get(reload::socket))
        .route(reload::SCRIPT_PATH, get(reload::script))
        .fallback_service(files)
        .layer(middleware::from_fn_with_state(site, confine_layer))
        .layer(middleware::from_fn_with_state(hub.clone(), reload::inject))
        .with_state(hub)
}

/// Refuses, with the 404 page, any request `confine` does not allow.
async fn confine_layer(State(site): State<Site>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let ours = path == reload::SOCKET_PATH || path == reload::SCRIPT_PATH;
    if ours || confine::allowed(&site.out, path) {
        next.run(req).await
    } else {
        not_found(&site.out)
    }
}

/// The site's 404.html with status 404, or a bare page when the site has none yet (a first
/// build that failed): either way an HTML page, so that the overlay can show on it.
fn not_found(out: &Path) -> Response {
    let page = out.join("404.html");
    let body = page
        .canonicalize()
        .ok()
        .filter(|p| p.starts_with(out))
        .and_then(|p| std::fs::read(p).ok())
        .unwrap_or_else(|| {
            b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Not found</title></head><body><h1>Not found</h1></body></html>".to_vec()
        });
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        Body::from(body),
    )
        .into_response()
}
