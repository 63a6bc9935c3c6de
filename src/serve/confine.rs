//! Confinement: no request is answered with a file outside the output directory. `ServeDir`
//! already refuses `..`, roots and odd components after percent-decoding, but it follows
//! symbolic links; this check decodes the path the same way and refuses any request whose
//! file (or directory index) resolves, links followed, to a place outside the directory.
//! It also refuses backslashes, NUL bytes and pillar's own bookkeeping files.

use std::path::{Component, Path, PathBuf};

use percent_encoding::percent_decode_str;

/// Whether `uri_path` (as sent, still percent-encoded) may be handed to `ServeDir`, which
/// serves from `out` (canonical). A path that names nothing passes: `ServeDir` answers 404.
pub fn allowed(out: &Path, uri_path: &str) -> bool {
    let Some(rel) = relative(uri_path) else {
        return false;
    };
    let candidate = out.join(rel);
    match std::fs::symlink_metadata(&candidate) {
        Ok(_) => {}
        // Nothing there, and nothing to follow: ServeDir will not find it either.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return parent_inside(out, &candidate);
        }
        Err(_) => return false,
    }
    let Ok(real) = candidate.canonicalize() else {
        // A dangling link, or a loop.
        return false;
    };
    if !real.starts_with(out) {
        return false;
    }
    if real.is_dir() {
        let index = real.join("index.html");
        if std::fs::symlink_metadata(&index).is_ok() {
            return index.canonicalize().is_ok_and(|p| p.starts_with(out));
        }
    }
    true
}

/// The path relative to the output directory, decoded once as `ServeDir` decodes it, or
/// `None` when it cannot name a file of the site.
fn relative(uri_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode_str(uri_path.trim_start_matches('/'))
        .decode_utf8()
        .ok()?;
    if decoded.contains(['\0', '\\']) {
        return None;
    }
    let mut rel = PathBuf::new();
    for c in Path::new(&*decoded).components() {
        match c {
            Component::Normal(name) => {
                if name.to_string_lossy().starts_with(".pillar") {
                    return None;
                }
                rel.push(name);
            }
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(rel)
}

/// For a path that does not exist: its nearest existing ancestor is inside `out` (a link to
/// a folder outside, followed by a name that does not exist there, is refused too).
fn parent_inside(out: &Path, missing: &Path) -> bool {
    missing
        .ancestors()
        .skip(1)
        .find(|a| std::fs::symlink_metadata(a).is_ok())
        .and_then(|a| a.canonicalize().ok())
        .is_some_and(|a| a.starts_with(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_climbing_and_odd_paths() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().canonicalize().unwrap();
        std::fs::write(out.join("a.html"), "a").unwrap();
        for bad in [
            "/../etc/passwd",
            "/..%2f..%2fetc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/..\\..\\etc\\passwd",
            "/%5c..%5cetc",
            "/%c0%ae%c0%ae/etc/passwd",
            "/a.html%00",
            "/.pillar-manifest",
            "/x/%2e%2e/%2e%2e/y",
        ] {
            assert!(!allowed(&out, bad), "{bad} is allowed");
        }
        for good in ["/", "/a.html", "/missing/page/", "//a.html", "/%252e%252e/"] {
            assert!(allowed(&out, good), "{good} is refused");
        }
    }

    #[cfg(unix)]
    #[test]
    fn refuses_links_that_lead_out() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        let out = base.join("out");
        let outside = base.join("outside");
        std::fs::create_dir_all(out.join("inner")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("secret.txt"), "secret").unwrap();
        std::fs::write(outside.join("index.html"), "secret").unwrap();
        std::fs::write(out.join("inner/page.html"), "ok").unwrap();
        let link = |target: &Path, name: &str| {
            std::os::unix::fs::symlink(target, out.join(name)).unwrap();
        };
        link(&outside.join("secret.txt"), "file-link");
        link(&outside, "dir-link");
        link(&out.join("inner/page.html"), "inside-link");
        link(&base.join("nowhere"), "dangling");
        std::fs::create_dir(out.join("idx")).unwrap();
        std::os::unix::fs::symlink(outside.join("index.html"), out.join("idx/index.html")).unwrap();
        for bad in [
            "/file-link",
            "/dir-link/",
            "/dir-link/secret.txt",
            "/dir-link/missing",
            "/dangling",
            "/idx/",
        ] {
            assert!(!allowed(&out, bad), "{bad} is allowed");
        }
        assert!(allowed(&out, "/inside-link"));
        assert!(allowed(&out, "/inner/page.html"));
    }
}
