//! The theme: the built-in one compiled into the binary, and the project's `theme/` folder,
//! whose files override the built-in files of the same name. Templates, static files and
//! interface strings are all found through the one overlay walk here.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::diag::{Diagnostic, display_path};

/// The default theme, compiled into the binary.
pub static THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/theme");

/// How a built-in file is named in messages: `<built-in theme>/templates/unit.html`.
pub fn builtin_shown(rel: &str) -> PathBuf {
    PathBuf::from(format!("<built-in theme>/{rel}"))
}

/// The bytes of a built-in file, by its path inside the theme (`templates/unit.html`).
pub fn builtin(rel: &str) -> Option<&'static [u8]> {
    THEME.get_file(rel).map(include_dir::File::contents)
}

/// One file of a theme folder after the overlay: the project's, or the built-in.
pub struct ThemeFile {
    /// The path shown in messages.
    pub shown: PathBuf,
    pub bytes: Cow<'static, [u8]>,
}

/// Every file of the theme folder `sub` (`templates`, `static`), by its path inside that
/// folder: the built-in files, each replaced by the project's file of the same name under
/// `theme_dir/sub/`. Every unreadable file is reported.
pub fn overlay(
    theme_dir: &Path,
    root: &Path,
    sub: &str,
) -> Result<BTreeMap<String, ThemeFile>, Vec<Diagnostic>> {
    let mut files = BTreeMap::new();
    if let Some(dir) = THEME.get_dir(sub) {
        embedded(dir, sub, &mut files);
    }
    let mut problems = Vec::new();
    let user = theme_dir.join(sub);
    if user.is_dir() {
        for entry in walkdir::WalkDir::new(&user).sort_by_file_name() {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    problems.push(cannot_read(root, e.path().unwrap_or(&user), &e));
                    continue;
                }
            };
            if !entry.file_type().is_file()
                || crate::project::is_ignored(&entry.file_name().to_string_lossy())
            {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(&user) else {
                continue;
            };
            let shown = display_path(root, entry.path());
            match std::fs::read(entry.path()) {
                Ok(bytes) => {
                    let name = rel.to_string_lossy().replace('\\', "/");
                    let bytes = Cow::Owned(bytes);
                    files.insert(name, ThemeFile { shown, bytes });
                }
                Err(e) => problems.push(cannot_read(root, entry.path(), &e)),
            }
        }
    }
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(problems)
    }
}

/// "cannot read: …" for a file of the project.
pub fn cannot_read(root: &Path, path: &Path, e: &dyn std::fmt::Display) -> Diagnostic {
    Diagnostic::file(display_path(root, path), format!("cannot read: {e}"))
}

fn embedded(dir: &'static Dir<'static>, sub: &str, out: &mut BTreeMap<String, ThemeFile>) {
    for f in dir.files() {
        if let Ok(rel) = f.path().strip_prefix(sub) {
            let name = rel.to_string_lossy().replace('\\', "/");
            let shown = builtin_shown(&format!("{sub}/{name}"));
            let bytes = Cow::Borrowed(f.contents());
            out.insert(name, ThemeFile { shown, bytes });
        }
    }
    for d in dir.dirs() {
        embedded(d, sub, out);
    }
}
