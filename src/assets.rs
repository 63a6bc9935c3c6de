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
    let mut by_name: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    if let Some(dir) = crate::render::THEME.get_dir("static") {
        embedded(dir, &mut by_name);
    }
    let mut problems = Vec::new();
    let user = theme_dir.join("static");
    if user.is_dir() {
        for entry in walkdir::WalkDir::new(&user).sort_by_file_name() {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    problems.push(Diagnostic::error(
                        crate::diag::display_path(root, e.path().unwrap_or(&user)),
                        1,
                        1,
                        format!("cannot read: {e}"),
                    ));
                    continue;
                }
            };
            if !entry.file_type().is_file()
                || crate::load::is_ignored(&entry.file_name().to_string_lossy())
            {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(&user) else {
                continue;
            };
            match std::fs::read(entry.path()) {
                Ok(bytes) => {
                    by_name.insert(rel.to_string_lossy().replace('\\', "/"), bytes);
                }
                Err(e) => problems.push(Diagnostic::error(
                    crate::diag::display_path(root, entry.path()),
                    1,
                    1,
                    format!("cannot read: {e}"),
                )),
            }
        }
    }
    let mut files = Vec::new();
    let mut names = BTreeMap::new();
    for (name, bytes) in by_name {
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
            Err(e) => problems.push(Diagnostic::error(
                crate::diag::display_path(root, &a.abs),
                1,
                1,
                format!("cannot read: {e}"),
            )),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Assets { files, names })
}

fn embedded(dir: &include_dir::Dir<'static>, out: &mut BTreeMap<String, Vec<u8>>) {
    for f in dir.files() {
        if let Ok(rel) = f.path().strip_prefix("static") {
            out.insert(
                rel.to_string_lossy().replace('\\', "/"),
                f.contents().to_vec(),
            );
        }
    }
    for d in dir.dirs() {
        embedded(d, out);
    }
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
