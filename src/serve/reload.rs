//! Live reload: the build status every open page follows, the WebSocket that carries it,
//! and the script that the HTTP layer adds to HTML responses (never to the files on disk).
//! A page knows which build it came from; when a newer good build exists it reloads, and
//! while the last build failed it shows the errors as an overlay. A WebSocket rather than
//! server-sent events: browsers allow only six HTTP/1.1 connections per host, and an event
//! stream per open tab would use them up.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::{Body, to_bytes};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tokio::sync::watch;

/// The WebSocket every page listens to.
pub const SOCKET_PATH: &str = "/__pillar/live";
/// The live-reload script.
pub const SCRIPT_PATH: &str = "/__pillar/reload.js";
const SCRIPT: &str = include_str!("reload.js");
/// Pages larger than this are served as they are, without the script.
const MAX_INJECT: usize = 64 << 20;

/// Where the builds stand.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Status {
    /// Differs between two runs of `pillar serve`, so that a page from an earlier run
    /// reloads when it reconnects even if the build numbers happen to match.
    pub server: u64,
    /// Counts good builds: a page from an older one reloads.
    pub build: u64,
    /// What the last build reported, when it failed.
    pub error: Option<String>,
}

/// The build loop's end of the status channel.
pub struct Publisher(watch::Sender<Status>);

impl Publisher {
    /// A good build was written: every open page reloads, and the overlay goes.
    pub fn built(&self) {
        self.0.send_modify(|s| {
            s.build += 1;
            s.error = None;
        });
    }

    /// Whether a build of this run has succeeded.
    pub fn has_built(&self) -> bool {
        self.0.borrow().build > 0
    }

    /// A build failed: every open page shows `text`; the last good site stays served.
    pub fn failed(&self, text: String) {
        self.0.send_modify(|s| s.error = Some(text));
    }
}

/// What the HTTP handlers read: the status, and whether the server is closing.
#[derive(Clone)]
pub struct Hub {
    pub status: watch::Receiver<Status>,
    pub closing: watch::Receiver<bool>,
}

pub fn channel() -> (Publisher, watch::Receiver<Status>) {
    let server = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let (tx, rx) = watch::channel(Status {
        server,
        ..Status::default()
    });
    (Publisher(tx), rx)
}

/// `GET /__pillar/live`: a WebSocket that sends the status now (`hello`), then after every
/// build (`reload` after a good one, `error` after a failed one), as JSON text messages:
/// `{"kind":"reload","server":…,"build":3,"error":null}`.
pub async fn socket(ws: WebSocketUpgrade, State(hub): State<Hub>) -> Response {
    ws.on_upgrade(move |socket| follow(socket, hub))
}

async fn follow(mut socket: WebSocket, hub: Hub) {
    let Hub {
        mut status,
        mut closing,
    } = hub;
    let now = status.borrow_and_update().clone();
    if socket.send(message("hello", &now)).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            changed = status.changed() => {
                if changed.is_err() {
                    break;
                }
                let s = status.borrow_and_update().clone();
                let kind = if s.error.is_some() { "error" } else { "reload" };
                if socket.send(message(kind, &s)).await.is_err() {
                    break;
                }
            }
            incoming = socket.recv() => match incoming {
                None | Some(Err(_) | Ok(Message::Close(_))) => break,
                Some(Ok(_)) => {}
            },
            // Closes the socket, so that shutdown does not wait for open pages.
            () = async { let _ = closing.wait_for(|&c| c).await; } => {
                let _ = socket.send(Message::Close(None)).await;
                break;
            }
        }
    }
}

fn message(kind: &'static str, s: &Status) -> Message {
    #[derive(Serialize)]
    struct Wire<'a> {
        kind: &'static str,
        #[serde(flatten)]
        status: &'a Status,
    }
    let text = serde_json::to_string(&Wire { kind, status: s }).unwrap_or_default();
    Message::Text(text.into())
}

/// `GET /__pillar/reload.js`.
pub async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        SCRIPT,
    )
}

/// Adds the live-reload script to HTML responses, and keeps browsers from caching anything:
/// a cached page would carry an old build number (and reload again).
pub async fn inject(State(hub): State<Hub>, mut req: Request, next: Next) -> Response {
    for h in [
        header::IF_MODIFIED_SINCE,
        header::IF_NONE_MATCH,
        header::IF_UNMODIFIED_SINCE,
        header::IF_RANGE,
    ] {
        req.headers_mut().remove(h);
    }
    let head = req.method() == Method::HEAD;
    let mut res = next.run(req).await;
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !html || !matches!(res.status(), StatusCode::OK | StatusCode::NOT_FOUND) || too_big(&res) {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::LAST_MODIFIED);
    parts.headers.remove(header::ETAG);
    parts.headers.remove(header::ACCEPT_RANGES);
    if head {
        return Response::from_parts(parts, Body::empty());
    }
    // Files come with their length, so only a body of unknown length can overflow here.
    let Ok(bytes) = to_bytes(body, MAX_INJECT).await else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "pillar serve: this page is too large to add the live-reload script to\n",
        )
            .into_response();
    };
    let tag = script_tag(&hub.status.borrow());
    Response::from_parts(parts, Body::from(insert_before_body_end(&bytes, &tag)))
}

/// Whether the body is known to be over `MAX_INJECT`: such a page is sent as it is.
fn too_big(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > MAX_INJECT as u64)
}

/// The script element, carrying the status the page was served with.
fn script_tag(s: &Status) -> String {
    let json = serde_json::to_string(s).unwrap_or_default();
    format!(
        "<script src=\"{SCRIPT_PATH}\" data-pillar-status=\"{}\"></script>",
        escape_attr(&json)
    )
}

fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Inserts `tag` before the last `</body>` (any case), or at the end when there is none.
fn insert_before_body_end(html: &[u8], tag: &str) -> Vec<u8> {
    let at = html
        .windows(6)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_last_closing_body_tag() {
        let html = b"<html><body><p>a</body> </BODY></html>";
        let out = insert_before_body_end(html, "<s>");
        assert_eq!(out, b"<html><body><p>a</body> <s></BODY></html>");
        assert_eq!(
            insert_before_body_end(b"<p>no body", "<s>"),
            b"<p>no body<s>"
        );
    }

    #[test]
    fn error_text_is_escaped_in_the_script_tag() {
        let s = Status {
            server: 1,
            build: 2,
            error: Some("a.md:1:2: bad \"<script>\" & 'x'".into()),
        };
        let tag = script_tag(&s);
        assert!(!tag.contains("<script>\""), "{tag}");
        assert_eq!(tag.matches('<').count(), 2, "{tag}");
        assert!(tag.contains("&lt;script&gt;"), "{tag}");
    }

    #[test]
    fn a_failed_build_keeps_the_build_number_and_a_good_one_clears_the_error() {
        let (p, rx) = channel();
        p.built();
        p.failed("x".into());
        assert_eq!(
            (rx.borrow().build, rx.borrow().error.clone()),
            (1, Some("x".into()))
        );
        p.built();
        assert_eq!((rx.borrow().build, rx.borrow().error.clone()), (2, None));
    }
}
