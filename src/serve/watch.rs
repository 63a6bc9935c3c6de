//! Watching: notify (inotify and friends, or polling with `--poll`) behind a short debouncer,
//! on what a build reads — `content/`, `theme/`, `site-config.toml` and the data file — and
//! nothing else. Events become [`Change`]s; the output directory, editor temporary files and
//! anything else in the project (target/, .git/) are ignored, and so are reads (the build's
//! own reads must not start another build).

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify_debouncer_full::notify::event::{AccessKind, AccessMode, ModifyKind};
use notify_debouncer_full::notify::{
    self, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode,
};
use notify_debouncer_full::{
    DebounceEventResult, DebouncedEvent, Debouncer, NoCache, RecommendedCache, new_debouncer,
    new_debouncer_opt,
};

use crate::project::CONFIG_FILE;

/// Quiet time after the last event before a rebuild: long enough to gather the events of
/// one save (editors write, rename and touch), short enough not to be felt.
const DEBOUNCE: Duration = Duration::from_millis(10);
/// How often `--poll` looks at the files.
const POLL: Duration = Duration::from_millis(250);

/// What kind of input changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Config,
    Data,
    Content,
    Theme,
}

/// What a build reads, and where it writes.
#[derive(Debug, Clone)]
pub struct Scope {
    /// The project root, canonical.
    pub root: PathBuf,
    /// The output directory, canonical.
    pub output: PathBuf,
    /// The data file; `None` means the default, `content/reform.toml`.
    pub data: Option<PathBuf>,
}

impl Scope {
    fn data_file(&self) -> PathBuf {
        self.data
            .clone()
            .unwrap_or_else(|| self.root.join("content").join("reform.toml"))
    }

    /// The kind of change an event on `path` is, or `None` when no build reads it.
    pub fn classify(&self, path: &Path) -> Option<Change> {
        if path.starts_with(&self.output) {
            return None;
        }
        let rel = path.strip_prefix(&self.root).ok()?;
        let ignored = rel
            .components()
            .any(|c| crate::project::is_ignored(&c.as_os_str().to_string_lossy()));
        if ignored {
            return None;
        }
        if path == self.data_file() {
            return Some(Change::Data);
        }
        if rel == Path::new(CONFIG_FILE) {
            return Some(Change::Config);
        }
        match rel.components().next()?.as_os_str().to_str()? {
            "content" => Some(Change::Content),
            "theme" => Some(Change::Theme),
            _ => None,
        }
    }
}

enum Inner {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, NoCache>),
}

/// The running watcher. Debounced events go to the channel given to [`Watcher::start`].
pub struct Watcher {
    inner: Inner,
    scope: Scope,
    watched: Vec<PathBuf>,
}

impl Watcher {
    pub fn start(
        scope: Scope,
        poll: bool,
        tx: Sender<DebounceEventResult>,
    ) -> notify::Result<Self> {
        let inner = if poll {
            let config = notify::Config::default().with_poll_interval(POLL);
            Inner::Poll(new_debouncer_opt::<_, PollWatcher, NoCache>(
                DEBOUNCE, None, tx, NoCache, config,
            )?)
        } else {
            Inner::Native(new_debouncer(DEBOUNCE, None, tx)?)
        };
        let mut w = Self {
            inner,
            scope,
            watched: Vec::new(),
        };
        w.watch_existing()?;
        Ok(w)
    }

    /// Watches the folders a build reads that exist and are not watched yet: the root
    /// itself only for its files (site-config.toml, a data file, content/ and theme/
    /// appearing), `content/` and `theme/` with everything below them.
    fn watch_existing(&mut self) -> notify::Result<()> {
        let root = self.scope.root.clone();
        let content = root.join("content");
        let mut wanted = vec![
            (root.clone(), RecursiveMode::NonRecursive),
            (content.clone(), RecursiveMode::Recursive),
            (root.join("theme"), RecursiveMode::Recursive),
        ];
        if let Some(parent) = self.scope.data_file().parent()
            && parent != root
            && !parent.starts_with(&content)
        {
            wanted.push((parent.to_path_buf(), RecursiveMode::NonRecursive));
        }
        for (dir, mode) in wanted {
            if dir.is_dir() && !self.watched.contains(&dir) {
                match &mut self.inner {
                    Inner::Native(d) => d.watch(&dir, mode)?,
                    Inner::Poll(d) => d.watch(&dir, mode)?,
                }
                self.watched.push(dir);
            }
        }
        Ok(())
    }

    /// The changes in a batch of events that a build would see, each once, in order.
    pub fn changes(&mut self, events: &[DebouncedEvent]) -> Vec<(Change, PathBuf)> {
        let mut out: Vec<(Change, PathBuf)> = Vec::new();
        for e in events.iter().filter(|e| matters(e.kind)) {
            for p in &e.paths {
                // A folder "modified" only means its entries changed (polling reports that
                // too); the entries have events of their own, and may be ignored ones.
                if matches!(
                    e.kind,
                    EventKind::Modify(
                        ModifyKind::Any | ModifyKind::Data(_) | ModifyKind::Metadata(_)
                    )
                ) && p.is_dir()
                {
                    continue;
                }
                if let Some(c) = self.scope.classify(p)
                    && !out.iter().any(|(_, q)| q == p)
                {
                    out.push((c, p.clone()));
                }
            }
        }
        // content/ or theme/ removed or (re)created: watch what is there now.
        let root = &self.scope.root;
        if out.iter().any(|(_, p)| p.parent() == Some(root)) {
            self.watched.retain(|d| d == root || d.is_dir());
            if let Err(e) = self.watch_existing() {
                super::warn(&format!("warning: cannot watch a new folder: {e}"));
            }
        }
        out
    }
}

/// Writes, creations, removals and renames matter; reads do not.
fn matters(kind: EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Other => false,
        EventKind::Any | EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> Scope {
        Scope {
            root: PathBuf::from("/p"),
            output: PathBuf::from("/p/public"),
            data: None,
        }
    }

    #[test]
    fn classifies_what_a_build_reads() {
        let s = scope();
        let c = |p: &str| s.classify(Path::new(p));
        assert_eq!(c("/p/site-config.toml"), Some(Change::Config));
        assert_eq!(c("/p/content/reform.toml"), Some(Change::Data));
        assert_eq!(c("/p/content/about.md"), Some(Change::Content));
        assert_eq!(c("/p/content/a/b.png"), Some(Change::Content));
        assert_eq!(c("/p/theme/templates/base.html"), Some(Change::Theme));
        assert_eq!(c("/p/content"), Some(Change::Content));
    }

    #[test]
    fn ignores_output_editor_files_and_the_rest_of_the_project() {
        let s = scope();
        for p in [
            "/p/public/index.html",
            "/p/content/.about.md.swp",
            "/p/content/about.md~",
            "/p/content/#about.md#",
            "/p/content/x.tmp",
            "/p/content/.git/HEAD",
            "/p/target/debug/pillar",
            "/p/README.md",
            "/elsewhere/content/a.md",
        ] {
            assert_eq!(s.classify(Path::new(p)), None, "{p}");
        }
        let inside = Scope {
            output: PathBuf::from("/p/content/out"),
            ..scope()
        };
        assert_eq!(inside.classify(Path::new("/p/content/out/a.html")), None);
    }

    #[test]
    fn a_data_file_elsewhere_is_data() {
        let s = Scope {
            data: Some(PathBuf::from("/p/data/reform.toml")),
            ..scope()
        };
        assert_eq!(
            s.classify(Path::new("/p/data/reform.toml")),
            Some(Change::Data)
        );
        assert_eq!(s.classify(Path::new("/p/data/notes.txt")), None);
        assert_eq!(
            s.classify(Path::new("/p/content/reform.toml")),
            Some(Change::Content)
        );
    }

    #[test]
    fn reads_do_not_matter() {
        use notify::event::CreateKind;
        assert!(!matters(EventKind::Access(AccessKind::Open(
            notify::event::AccessMode::Any
        ))));
        assert!(!matters(EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(matters(EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(matters(EventKind::Create(CreateKind::File)));
        assert!(matters(EventKind::Modify(ModifyKind::Any)));
    }
}
