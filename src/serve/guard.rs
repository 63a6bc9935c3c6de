//! Who may talk to the server: a browser that opened one of the addresses `serve` answers on,
//! and nobody through another name. A request whose `Host` is not one of those addresses
//! gets 403 (DNS rebinding: a page of attacker.example whose name now points at 127.0.0.1
//! would otherwise read the preview, drafts included), and so does a request whose `Origin`
//! is another site (a page elsewhere opening the live-reload socket would read the build
//! errors, which quote source lines). The addresses: `127.0.0.1`, `localhost` and `[::1]`
//! with the port, the `--bind` address with the port, and the host of `--base-url`. When
//! bound to every interface (`--bind 0.0.0.0` or `::`), any IP address with the port is
//! accepted too, since the machine's LAN address is not known in advance; an IP address
//! cannot be rebound, only a name can.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::uri::Authority;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The addresses a browser may have opened to reach this server.
#[derive(Debug, Clone)]
pub struct Allowed {
    /// Lower-case host (IPv6 in brackets) and port.
    hosts: Vec<(String, u16)>,
    /// Any IP address with this port (bound to every interface).
    any_ip_on: Option<u16>,
}

impl Allowed {
    /// For a server listening on `addr`, whose pages are built for `base_url`.
    pub fn new(addr: SocketAddr, base_url: &url::Url) -> Self {
        let port = addr.port();
        let mut hosts: Vec<(String, u16)> = ["127.0.0.1", "localhost", "[::1]"]
            .iter()
            .map(|h| ((*h).to_owned(), port))
            .collect();
        let ip = addr.ip();
        if !ip.is_unspecified() {
            hosts.push((host_of(ip), port));
        }
        if let (Some(h), Some(p)) = (base_url.host_str(), base_url.port_or_known_default()) {
            hosts.push((h.to_ascii_lowercase(), p));
        }
        Self {
            hosts,
            any_ip_on: ip.is_unspecified().then_some(port),
        }
    }

    /// Whether `authority` (`host[:port]`, as in `Host`) names this server.
    fn authority(&self, authority: &str, default_port: u16) -> bool {
        let Ok(a) = authority.parse::<Authority>() else {
            return false;
        };
        if a.as_str().contains('@') {
            return false;
        }
        let host = a.host().to_ascii_lowercase();
        let port = a.port_u16().unwrap_or(default_port);
        self.host(&host, port)
    }

    fn host(&self, host: &str, port: u16) -> bool {
        let ip = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>();
        self.hosts.iter().any(|(h, p)| h == host && *p == port)
            || (ip.is_ok() && self.any_ip_on == Some(port))
    }

    /// Whether an `Origin` value is a page of this server.
    fn origin(&self, origin: &str) -> bool {
        let Ok(url) = url::Url::parse(origin) else {
            return false;
        };
        if !matches!(url.scheme(), "http" | "https") {
            return false;
        }
        match (url.host_str(), url.port_or_known_default()) {
            (Some(h), Some(p)) => self.host(&h.to_ascii_lowercase(), p),
            _ => false,
        }
    }

    /// Why a request with these headers is refused, if it is.
    fn refuse(&self, headers: &HeaderMap, uri_authority: Option<&str>) -> Option<String> {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .or(uri_authority);
        match host {
            None => return Some("the request has no Host header".into()),
            Some(h) if !self.authority(h, 80) => {
                return Some(format!("the host {h:?} is not an address of this server"));
            }
            Some(_) => {}
        }
        // Browsers send Origin with every WebSocket and every cross-site request that could
        // read the answer; tools that send none are not a web page.
        let origin = headers.get(header::ORIGIN)?;
        match origin.to_str() {
            Ok(o) if self.origin(o) => None,
            Ok(o) => Some(format!("a page of {o:?} may not read this server")),
            Err(_) => Some("the Origin header is not readable".into()),
        }
    }
}

/// How an IP address is written in `Host`.
fn host_of(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

/// The middleware: 403 with a short text, before anything of the site is read.
pub async fn check(State(allowed): State<Arc<Allowed>>, req: Request, next: Next) -> Response {
    let authority = req.uri().authority().map(Authority::as_str);
    match allowed.refuse(req.headers(), authority) {
        None => next.run(req).await,
        Some(why) => (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!(
                "pillar serve refused this request: {why}.\nOpen the site at the address \
                 `pillar serve` prints; to reach it by another name, start it with --base-url \
                 (and --bind for other devices).\n"
            ),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(host: Option<&str>, origin: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(v) = host {
            h.insert(header::HOST, HeaderValue::from_str(v).unwrap());
        }
        if let Some(v) = origin {
            h.insert(header::ORIGIN, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn loopback() -> Allowed {
        let base = url::Url::parse("http://127.0.0.1:1111/").unwrap();
        Allowed::new("127.0.0.1:1111".parse().unwrap(), &base)
    }

    #[test]
    fn only_the_servers_own_addresses_pass_as_host() {
        let a = loopback();
        for ok in [
            "127.0.0.1:1111",
            "localhost:1111",
            "LOCALHOST:1111",
            "[::1]:1111",
        ] {
            assert_eq!(a.refuse(&headers(Some(ok), None), None), None, "{ok}");
        }
        for bad in [
            "evil.example:1111",
            "127.0.0.1:2222",
            "127.0.0.1",
            "localhost.evil.example:1111",
            "user@127.0.0.1:1111",
            "10.0.0.5:1111",
            "",
        ] {
            assert!(a.refuse(&headers(Some(bad), None), None).is_some(), "{bad}");
        }
        assert!(a.refuse(&headers(None, None), None).is_some());
        assert_eq!(a.refuse(&headers(None, None), Some("127.0.0.1:1111")), None);
    }

    #[test]
    fn only_the_servers_own_pages_pass_as_origin() {
        let a = loopback();
        let host = Some("127.0.0.1:1111");
        for ok in [
            "http://127.0.0.1:1111",
            "http://localhost:1111",
            "http://[::1]:1111",
        ] {
            assert_eq!(a.refuse(&headers(host, Some(ok)), None), None, "{ok}");
        }
        for bad in [
            "http://evil.example",
            "https://evil.example:1111",
            "http://127.0.0.1:2222",
            "null",
            "file://",
        ] {
            assert!(a.refuse(&headers(host, Some(bad)), None).is_some(), "{bad}");
        }
    }

    #[test]
    fn bind_and_base_url_addresses_pass_too() {
        let base = url::Url::parse("http://laptop.local:1111/").unwrap();
        let lan = Allowed::new("192.168.1.20:1111".parse().unwrap(), &base);
        for ok in ["192.168.1.20:1111", "laptop.local:1111", "localhost:1111"] {
            assert_eq!(lan.refuse(&headers(Some(ok), None), None), None, "{ok}");
        }
        assert!(
            lan.refuse(&headers(Some("10.0.0.5:1111"), None), None)
                .is_some()
        );

        let any = Allowed::new("0.0.0.0:1111".parse().unwrap(), &base);
        for ok in ["10.0.0.5:1111", "[fe80::1]:1111", "laptop.local:1111"] {
            assert_eq!(any.refuse(&headers(Some(ok), None), None), None, "{ok}");
        }
        for bad in [
            "evil.example:1111",
            "10.0.0.5:2222",
            "0.0.0.0.evil.example:1111",
        ] {
            assert!(
                any.refuse(&headers(Some(bad), None), None).is_some(),
                "{bad}"
            );
        }
        let h = Some("10.0.0.5:1111");
        assert_eq!(
            any.refuse(&headers(h, Some("http://10.0.0.5:1111")), None),
            None
        );
        assert!(
            any.refuse(&headers(h, Some("http://evil.example:1111")), None)
                .is_some()
        );
    }
}
