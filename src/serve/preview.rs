//! The default preview folder, where `serve` builds when no `--output` is given. No other
//! local user can read it, plant anything in it or make pillar write elsewhere through it:
//!
//! - It lives in a folder of the user's own, `pillar-<uid>` in the system's temporary
//!   directory (`$TMPDIR`), created with mode 0700 and used only if it is a real folder (not a
//!   link) that this user owns and that no one else may enter. Nobody else can create
//!   anything inside it, so a name in it needs no randomness.
//! - Inside, each project has `serve-<hash of its path>`, which the running server locks
//!   (`serve-<hash>.lock`, an empty file left in place) and removes when it stops. A folder left by a killed run is
//!   reused by the next run for that project (its files are the user's own, and the first
//!   build only rewrites what changed); anything there that is not a private folder of ours
//!   is removed first.
//! - The project's folder holds the site, in `site/`, which is what is served, and the
//!   build's bookkeeping, in `cache/`, which is not.
//! - When that user folder cannot be used (someone else made one with that name, or it is a
//!   link or open to others) or the project's folder cannot be prepared in it (a file system
//!   without locks, say), or another server for the same project holds the lock, the
//!   preview goes to a fresh folder with a random name (`tempfile`), created with mode 0700,
//!   removed on exit too.

use std::fs::{self, File, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

/// The preview folder of one run of `serve`; dropping it removes the folder.
pub struct Preview {
    path: PathBuf,
    /// A folder with a random name, which removes itself.
    random: Option<tempfile::TempDir>,
    /// Held while this run uses `path`; released after the folder is removed.
    _lock: Option<File>,
}

impl Preview {
    /// Creates or reuses the preview folder for the project at `root` (canonical), with a
    /// note on standard error when the usual place cannot be used.
    pub fn open(root: &Path) -> io::Result<Self> {
        let tmp = std::env::temp_dir();
        let name = format!(
            "serve-{:016x}",
            xxhash_rust::xxh3::xxh3_64(root.as_os_str().as_encoded_bytes())
        );
        let why = match user_folder(&tmp) {
            Ok(base) => match in_user_folder(&base, &name) {
                Ok(p) => return Ok(p),
                Err(e) => format!("{}: {e}", base.join(&name).display()),
            },
            Err(why) => why,
        };
        super::warn(&format!(
            "note: not using {why}; the preview goes to a new private folder instead"
        ));
        random(&tmp)
    }

    /// The folder the preview belongs in, removed with it.
    #[cfg(test)]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where the site is built and what is served.
    pub fn site(&self) -> PathBuf {
        self.path.join("site")
    }

    /// Where the builds keep their bookkeeping, beside the site and never served.
    pub fn cache(&self) -> PathBuf {
        self.path.join("cache")
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        if self.random.is_none() {
            // Links inside are removed, never followed.
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// The project's folder inside the user's folder `base`, locked for this run.
fn in_user_folder(base: &Path, name: &str) -> io::Result<Preview> {
    let lock = File::options()
        .write(true)
        .create(true)
        .truncate(false)
        .open(base.join(format!("{name}.lock")))?;
    match lock.try_lock() {
        Ok(()) => {}
        // Another `serve` of this project is running: it keeps its folder.
        Err(TryLockError::WouldBlock) => return random(base),
        Err(TryLockError::Error(e)) => return Err(e),
    }
    let path = base.join(name);
    match fs::symlink_metadata(&path) {
        Ok(m) if private_folder_of_ours(&m) => {}
        Ok(m) => {
            if m.is_dir() {
                fs::remove_dir_all(&path)?;
            } else {
                fs::remove_file(&path)?;
            }
            create_private(&path)?;
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => create_private(&path)?,
        Err(e) => return Err(e),
    }
    Ok(Preview {
        path,
        random: None,
        _lock: Some(lock),
    })
}

/// A new folder with a random name in `parent`, mode 0700.
fn random(parent: &Path) -> io::Result<Preview> {
    let mut builder = tempfile::Builder::new();
    builder.prefix("pillar-serve-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o700));
    }
    let dir = builder.tempdir_in(parent)?;
    Ok(Preview {
        path: dir.path().to_path_buf(),
        random: Some(dir),
        _lock: None,
    })
}

/// The user's own folder in `tmp`, created if missing; `Err` says why it cannot be used.
#[cfg(unix)]
fn user_folder(tmp: &Path) -> Result<PathBuf, String> {
    let base = tmp.join(format!("pillar-{}", rustix::process::geteuid().as_raw()));
    match create_private(&base) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(format!("{}: {e}", base.display())),
    }
    let m = fs::symlink_metadata(&base).map_err(|e| format!("{}: {e}", base.display()))?;
    if private_folder_of_ours(&m) {
        Ok(base)
    } else {
        Err(format!(
            "{}: it is not a folder that only this user can enter",
            base.display()
        ))
    }
}

#[cfg(not(unix))]
fn user_folder(tmp: &Path) -> Result<PathBuf, String> {
    Err(format!("{}: the checks need a Unix system", tmp.display()))
}

/// A folder, not a link, owned by this user, that no one else may read, write or enter.
#[cfg(unix)]
fn private_folder_of_ours(m: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    m.file_type().is_dir()
        && m.uid() == rustix::process::geteuid().as_raw()
        && m.mode() & 0o077 == 0
}

#[cfg(not(unix))]
fn private_folder_of_ours(m: &fs::Metadata) -> bool {
    m.file_type().is_dir()
}

/// `mkdir` with mode 0700: fails if anything, a link included, is already there.
fn create_private(path: &Path) -> io::Result<()> {
    let mut b = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(path)
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};

    fn mode(p: &Path) -> u32 {
        fs::symlink_metadata(p).unwrap().mode() & 0o777
    }

    #[test]
    fn the_user_folder_and_the_project_folder_are_private() {
        let tmp = tempfile::tempdir().unwrap();
        let base = user_folder(tmp.path()).unwrap();
        assert_eq!(mode(&base), 0o700);
        let p = in_user_folder(&base, "serve-1").unwrap();
        assert_eq!(mode(p.path()), 0o700);
        assert!(p.path().starts_with(&base));
        let path = p.path().to_path_buf();
        drop(p);
        assert!(!path.exists(), "removed when the server stops");
    }

    #[test]
    fn a_user_folder_that_is_a_link_or_open_to_others_is_not_used() {
        let tmp = tempfile::tempdir().unwrap();
        let name = format!("pillar-{}", rustix::process::geteuid().as_raw());
        let elsewhere = tmp.path().join("elsewhere");
        create_private(&elsewhere).unwrap();
        symlink(&elsewhere, tmp.path().join(&name)).unwrap();
        assert!(user_folder(tmp.path()).is_err(), "a link is not followed");
        fs::remove_file(tmp.path().join(&name)).unwrap();
        fs::create_dir(tmp.path().join(&name)).unwrap();
        fs::set_permissions(tmp.path().join(&name), fs::Permissions::from_mode(0o777)).unwrap();
        assert!(user_folder(tmp.path()).is_err(), "a folder open to others");
    }

    #[test]
    fn a_stale_folder_is_reused_and_anything_else_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let base = user_folder(tmp.path()).unwrap();
        let stale = base.join("serve-2");
        create_private(&stale).unwrap();
        fs::write(stale.join("index.html"), "old").unwrap();
        let p = in_user_folder(&base, "serve-2").unwrap();
        assert!(p.path().join("index.html").is_file(), "reused");
        drop(p);

        let victim = tmp.path().join("victim");
        fs::create_dir(&victim).unwrap();
        fs::write(victim.join("precious.txt"), "precious").unwrap();
        symlink(&victim, base.join("serve-3")).unwrap();
        let p = in_user_folder(&base, "serve-3").unwrap();
        assert!(!fs::symlink_metadata(p.path()).unwrap().is_symlink());
        assert_eq!(mode(p.path()), 0o700);
        drop(p);
        assert!(
            victim.join("precious.txt").is_file(),
            "the link's target is kept"
        );
    }

    #[test]
    fn a_second_server_of_the_same_project_gets_a_folder_of_its_own() {
        let tmp = tempfile::tempdir().unwrap();
        let base = user_folder(tmp.path()).unwrap();
        let first = in_user_folder(&base, "serve-4").unwrap();
        let second = in_user_folder(&base, "serve-4").unwrap();
        assert_ne!(first.path(), second.path());
        assert_eq!(mode(second.path()), 0o700);
        let (a, b) = (first.path().to_path_buf(), second.path().to_path_buf());
        drop(second);
        assert!(a.is_dir() && !b.exists());
        drop(first);
        assert!(!a.exists());
    }
}
