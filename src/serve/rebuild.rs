//! The build loop: one full build per batch of changes (the default the style asks for: a
//! partial rebuild would have to prove it gives the same bytes), its outcome printed in the
//! terminal and published to the open pages. A failed build writes nothing, so the last
//! good site stays served beneath the overlay. Printing never fails a build: a terminal
//! that went away (`serve | head`, a closed window, a full disk) is ignored.

use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex, PoisonError};

use notify_debouncer_full::DebounceEventResult;

use super::reload::Publisher;
use super::watch::{Change, Watcher};
use crate::{Failure, Overrides};

pub struct Builder {
    pub root: PathBuf,
    pub overrides: Overrides,
    pub publisher: Publisher,
    /// Held while a build runs; shutdown takes it so that no write is cut short, and sets
    /// it to `true` so that no build starts after it.
    pub busy: Arc<Mutex<bool>>,
    pub quiet: bool,
}

impl Builder {
    /// Rebuilds after each batch of relevant changes until the watcher stops.
    pub fn run(self, events: &Receiver<DebounceEventResult>, mut watcher: Watcher) {
        while let Ok(first) = events.recv() {
            // Whatever else arrived meanwhile goes into the same build.
            let mut changes = Vec::new();
            for batch in std::iter::once(first).chain(events.try_iter()) {
                match batch {
                    Ok(evs) => changes.extend(watcher.changes(&evs)),
                    Err(errors) => {
                        for e in errors {
                            super::warn(&format!("warning: watching for changes: {e}"));
                        }
                    }
                }
            }
            if !changes.is_empty() {
                self.build(Some(&changes));
            }
        }
    }

    /// One build, reported. `changes` is `None` for the first.
    pub fn build(&self, changes: Option<&[(Change, PathBuf)]>) {
        let stopped = self.busy.lock().unwrap_or_else(PoisonError::into_inner);
        if *stopped {
            return;
        }
        if let Some(changes) = changes
            && !self.quiet
        {
            let shown: Vec<String> = changes
                .iter()
                .take(3)
                .map(|(_, p)| {
                    crate::diag::display_path(&self.root, p)
                        .display()
                        .to_string()
                })
                .collect();
            let more = changes.len().saturating_sub(3);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            super::say(&format!("changed: {}{more}", shown.join(", ")));
        }
        match crate::build(&self.root, &self.overrides) {
            Ok(report) => {
                if !self.quiet {
                    // Warnings in full once; after that, only how many there are.
                    if changes.is_none() {
                        for w in crate::diag::printed(&report.warnings) {
                            super::warn(&w);
                        }
                    }
                    let w = report.write.unwrap_or_default();
                    let warn = match report.warnings.len() {
                        0 => String::new(),
                        1 => ", 1 warning".into(),
                        n => format!(", {n} warnings"),
                    };
                    super::say(&format!(
                        "built {} pages ({} rendered, {} written, {} unchanged, {} removed){warn} in {} ms",
                        report.pages,
                        report.rendered,
                        w.written,
                        w.unchanged,
                        w.removed,
                        report.elapsed.as_millis()
                    ));
                }
                self.publisher.built();
            }
            Err(failure) => {
                let text = match failure {
                    Failure::Site(diags) => crate::diag::printed(&diags).join("\n"),
                    Failure::Tool(msg) => format!("error: {msg}"),
                };
                super::warn(&text);
                super::warn(if self.publisher.has_built() {
                    "error: the build failed; still serving the last good build"
                } else {
                    "error: the site could not be built; the browser shows these errors until a save fixes them"
                });
                self.publisher.failed(text);
            }
        }
        let _ = std::io::stdout().flush();
    }
}
