//! Fetching external links: HEAD, then GET when HEAD fails or is refused; redirects followed
//! by hand up to a limit, so that a loop is reported as one; a bounded number of requests at
//! once, each with a timeout.

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ureq::Agent;

use crate::config::ExternalLinks;

/// What fetching a link found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    /// Why the link is broken, e.g. "404 Not Found".
    Broken(String),
}

impl Verdict {
    pub fn is_ok(&self) -> bool {
        matches!(self, Verdict::Ok)
    }
}

/// Fetches every URL of `urls`, `settings.concurrency` at a time: a verdict for each, in order.
pub fn all(urls: &[&str], settings: &ExternalLinks) -> Vec<Verdict> {
    let agent: Agent = Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(u64::from(
            *settings.timeout.get_ref(),
        ))))
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(concat!(
            "pillar/",
            env!("CARGO_PKG_VERSION"),
            " (link check)"
        ))
        .build()
        .into();
    let verdicts = Mutex::new(vec![Verdict::Ok; urls.len()]);
    let next = AtomicUsize::new(0);
    let workers = (*settings.concurrency.get_ref() as usize).clamp(1, urls.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(url) = urls.get(i) else { break };
                    let v = one(&agent, url, settings.max_redirects);
                    if let Ok(mut all) = verdicts.lock() {
                        all[i] = v;
                    }
                }
            });
        }
    });
    verdicts.into_inner().unwrap_or_default()
}

/// One link, its redirects followed.
fn one(agent: &Agent, url: &str, max_redirects: u32) -> Verdict {
    let mut seen = HashSet::new();
    let mut current = url.to_owned();
    loop {
        if !seen.insert(current.clone()) {
            return Verdict::Broken(format!("redirect loop (back to {current})"));
        }
        match status(agent, &current) {
            Err(why) => return Verdict::Broken(why),
            Ok((code, _)) if code < 300 => return Verdict::Ok,
            Ok((code, Some(location))) if code < 400 => {
                if seen.len() > max_redirects as usize {
                    return Verdict::Broken(format!("more than {max_redirects} redirects"));
                }
                match url::Url::parse(&current).and_then(|base| base.join(&location)) {
                    Ok(next) => current = next.to_string(),
                    Err(e) => return Verdict::Broken(format!("bad redirect to {location:?}: {e}")),
                }
            }
            Ok((code, _)) => return Verdict::Broken(reason(code)),
        }
    }
}

/// The status of `url` and its `Location`: by HEAD, or by GET when HEAD fails or the server
/// refuses it (405, 501, or any error status: some servers answer HEAD wrongly).
fn status(agent: &Agent, url: &str) -> Result<(u16, Option<String>), String> {
    let head = agent.head(url).call();
    match head {
        Ok(r) if r.status().as_u16() < 400 => return Ok(answer(&r)),
        Err(ureq::Error::Timeout(_)) => return Err("timed out".into()),
        _ => {}
    }
    // A server that closes the connection after refusing HEAD, without saying so, makes the
    // GET on the kept connection fail: one more try opens a new one.
    let mut tries = 0;
    loop {
        tries += 1;
        match agent.get(url).call() {
            Ok(r) => return Ok(answer(&r)),
            Err(ureq::Error::Timeout(_)) => return Err("timed out".into()),
            Err(ureq::Error::Io(_)) if tries < 2 => {}
            Err(e) => return Err(e.to_string()),
        }
    }
}

fn answer(r: &ureq::http::Response<ureq::Body>) -> (u16, Option<String>) {
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (r.status().as_u16(), location)
}

/// "404 Not Found".
fn reason(code: u16) -> String {
    match ureq::http::StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(r) => format!("{code} {r}"),
        None => code.to_string(),
    }
}
