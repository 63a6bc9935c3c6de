//! The shape of a project on disk: the names of its files and folders, which files are never
//! content, path normalisation, and the guard that keeps the output directory away from the
//! project. Every stage that needs to know where things are asks here.

use std::path::{Path, PathBuf};

/// The project's configuration file, at its root.
pub const CONFIG_FILE: &str = "site-config.toml";
/// The folder of Markdown content and, by default, the data file.
pub const CONTENT_DIR: &str = "content";
/// The folder whose `templates/`, `static/` and `i18n/` override the built-in theme.
pub const THEME_DIR: &str = "theme";
/// The data file read when the configuration names none.
pub const DEFAULT_DATA_FILE: &str = "reform.toml";
/// The output directory when neither the configuration nor the command line names one.
pub const DEFAULT_OUTPUT_DIR: &str = "public";

/// The folder, at the root, where builds keep what they record for the next build into
/// each output directory (ignored by git through the `.gitignore` inside it).
pub const CACHE_DIR: &str = ".pillar-cache";

/// The cache folder of builds of the project at `root` into `out`: in [`CACHE_DIR`], named
/// after the output folder and a hash of where it is, relative to the project when it is
/// inside (so that a moved or copied project keeps its cache), absolute otherwise.
pub fn cache_dir(root: &Path, out: &Path) -> PathBuf {
    let root_c = root.canonicalize().unwrap_or_else(|_| normalize(root));
    let out_c = canon_existing_prefix(&normalize(out));
    let key = out_c.strip_prefix(&root_c).unwrap_or(&out_c);
    let hash = xxhash_rust::xxh3::xxh3_64(key.as_os_str().as_encoded_bytes());
    let name: String = out_c.file_name().map_or_else(
        || "site".into(),
        |n| n.to_string_lossy().chars().take(64).collect(),
    );
    root_c.join(CACHE_DIR).join(format!("{name}-{hash:016x}"))
}

/// Refuses a root without [`CONFIG_FILE`]: the message, with hints naming the nearest folder
/// above that has one and the settings file of another generator found instead.
pub fn require_config(root: &Path) -> Result<(), String> {
    if root.join(CONFIG_FILE).is_file() {
        return Ok(());
    }
    let mut msg = format!(
        "{}: there is no {CONFIG_FILE} here, so this is not the root of a pillar project",
        root.display()
    );
    let nearest = root
        .ancestors()
        .skip(1)
        .find(|a| a.join(CONFIG_FILE).is_file());
    if let Some(up) = nearest {
        msg.push_str(&format!(
            "\n  hint: {} has one: give --root {}",
            up.join(CONFIG_FILE).display(),
            up.display()
        ));
    }
    if let Some(hint) = crate::diag::foreign::config_file_hint(root) {
        msg.push_str(&format!("\n  hint: {hint}"));
    }
    if nearest.is_none() {
        msg.push_str("\n  hint: `pillar init DIR` makes a new project with one");
    }
    Err(msg)
}

/// Removes `.` and `..` components without touching the file system (the path may not exist).
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Whether `path`, with every link on its way followed, is still inside `root` (a path that
/// does not exist stays where it is named).
pub fn stays_inside(root: &Path, path: &Path) -> bool {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    match path.canonicalize() {
        Ok(real) => real.starts_with(&root),
        Err(_) => normalize(path).starts_with(&root),
    }
}

/// Editor droppings and hidden files are never content.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
}

/// Refuses output directories that would overwrite or delete the project.
pub fn check_output_dir(root: &Path, out: &Path) -> Result<(), String> {
    let root = normalize(root);
    let out = normalize(out);
    let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let (root_c, out_c) = (canon(&root), canon_existing_prefix(&out));
    if out_c.parent().is_none() {
        return Err(format!(
            "refusing to use {} as the output directory: it is the file-system root",
            out.display()
        ));
    }
    if out_c == root_c || root_c.starts_with(&out_c) {
        return Err(format!(
            "refusing to use {} as the output directory: it holds the project (content, theme, configuration)",
            out.display()
        ));
    }
    for protected in [CONTENT_DIR, THEME_DIR, CACHE_DIR] {
        if out_c.starts_with(root_c.join(protected)) {
            return Err(format!(
                "refusing to use {} as the output directory: it is inside {protected}/",
                out.display()
            ));
        }
    }
    if out.is_dir()
        && (out.join(CONTENT_DIR).is_dir()
            || out.join(THEME_DIR).is_dir()
            || out.join(CONFIG_FILE).is_file())
    {
        return Err(format!(
            "refusing to use {} as the output directory: it holds another project",
            out.display()
        ));
    }
    Ok(())
}

/// Canonicalizes the longest existing prefix of `p` (the rest may not exist yet).
fn canon_existing_prefix(p: &Path) -> PathBuf {
    let mut existing = p.to_path_buf();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(ToOwned::to_owned),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        out.push(name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_resolves_parent_components() {
        assert_eq!(
            normalize(Path::new("/a/b/../c/./d")),
            PathBuf::from("/a/c/d")
        );
    }

    #[test]
    fn refuses_the_project_and_its_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        assert!(check_output_dir(root, root).is_err());
        assert!(check_output_dir(root, &root.join("content")).is_err());
        assert!(check_output_dir(root, &root.join("content/x")).is_err());
        assert!(check_output_dir(root, root.parent().unwrap()).is_err());
        assert!(check_output_dir(root, Path::new("/")).is_err());
        assert!(check_output_dir(root, &root.join("public")).is_ok());
    }
}
