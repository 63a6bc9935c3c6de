//! Static files: the theme's `static/` folder (built in, overridable file by file from the
//! project's `theme/static/`), copied with a content hash in their names so that hosts can
//! cache them forever, and the non-Markdown files under `content/`, copied as they are.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diag::Diagnostic;
use crate::output::OutputFile;

/// The static files and the map from their plain names to their hashed names.
pub struct Assets {
    pub files: Vec<OutputFile>,
    /// `style.css` → `style.1a2b3c4d5e6f.css`
    pub names: BTreeMap<String, String>,
}

pub fn collect(
    theme_dir: &Path,
    root: &Path,
    content_assets: &[crate::load::AssetFile],
) -> Result<Assets, Vec<Diagnostic>> {
    let (by_name, mut problems) = match crate::theme::overlay(theme_dir, root, "static") {
        Ok(files) => (files, Vec::new()),
        Err(problems) => (BTreeMap::new(), problems),
    };
    let mut files = Vec::new();
    let mut names = BTreeMap::new();
    for (name, file) in by_name {
        let bytes = file.bytes.into_owned();
        let hashed = hashed_name(&name, &bytes);
        names.insert(name, hashed.clone());
        files.push(OutputFile {
            path: hashed,
            bytes,
        });
    }
    for a in content_assets {
        match std::fs::read(&a.abs) {
            Ok(bytes) => files.push(OutputFile {
                path: a.rel.clone(),
                bytes,
            }),
            Err(e) => problems.push(crate::theme::cannot_read(root, &a.abs, &e)),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Assets { files, names })
}

/// `css/style.css` → `css/style.<12 hex digits>.css`.
pub fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let hash = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes));
    let hash = &hash[..12];
    let (dir, file) = match name.rfind('/') {
        Some(i) => (&name[..=i], &name[i + 1..]),
        None => ("", name),
    };
    match file.rfind('.') {
        Some(dot) if dot > 0 => format!("{dir}{}.{hash}{}", &file[..dot], &file[dot..]),
        _ => format!("{dir}{file}.{hash}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_goes_before_the_extension() {
        let h = hashed_name("css/style.css", b"body{}");
        assert!(
            h.starts_with("css/style.")
                && h.ends_with(".css")
                && h.len() == "css/style.".len() + 12 + 4,
            "{h}"
        );
        assert_ne!(h, hashed_name("css/style.css", b"body{ }"));
        assert!(hashed_name("LICENSE", b"x").starts_with("LICENSE."));
    }
}
