//! `pillar init DIR`: writes a small, working, clearly fictional explainer that builds with the
//! built-in theme. It refuses a folder that already holds a site and never overwrites a file.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/init/starter");

/// Writes the starter into `dir`; returns the files written.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, String> {
    if dir.join(crate::project::CONFIG_FILE).exists() || dir.join("content").exists() {
        return Err(format!(
            "{} already holds a site (site-config.toml or content/); pillar init writes only into a new or empty folder",
            dir.display()
        ));
    }
    let mut files = Vec::new();
    collect(&STARTER, &mut files);
    // The schema that content/reform.toml's `#:schema` line names, for editors (Taplo).
    let schema = crate::data::json_schema::text();
    files.push((
        PathBuf::from(crate::data::json_schema::FILE),
        schema.as_bytes(),
    ));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    // Check first, write second: a refused init leaves the folder as it was.
    for (rel, _) in &files {
        if dir.join(rel).exists() {
            return Err(format!(
                "{} already exists; pillar init overwrites nothing",
                dir.join(rel).display()
            ));
        }
    }
    let mut written = Vec::new();
    for (rel, bytes) in files {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        // create_new: never replace a file that appeared in the meantime.
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        f.write_all(bytes)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

fn collect(dir: &Dir<'static>, out: &mut Vec<(PathBuf, &[u8])>) {
    for f in dir.files() {
        out.push((f.path().to_path_buf(), f.contents()));
    }
    for d in dir.dirs() {
        collect(d, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_folder_with_a_site_and_overwrites_nothing() {
        let dir = tempfile::tempdir().unwrap();
        init(dir.path()).unwrap();
        let before = fs::read(dir.path().join("content/reform.toml")).unwrap();
        assert!(init(dir.path()).is_err());
        assert_eq!(
            fs::read(dir.path().join("content/reform.toml")).unwrap(),
            before
        );

        let other = tempfile::tempdir().unwrap();
        fs::write(other.path().join("site-config.toml"), "title = \"mine\"").unwrap();
        assert!(init(other.path()).is_err());
        assert_eq!(
            fs::read_to_string(other.path().join("site-config.toml")).unwrap(),
            "title = \"mine\""
        );
    }
}
