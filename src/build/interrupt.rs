//! Ctrl-C and SIGTERM during `build`: the first asks the build to stop at the next page, so
//! that the staging area is discarded and the previous site stays exactly as it was; a
//! second one ends the process at once (the next build cleans up after it).

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Exit code of a build stopped by a signal (128 + SIGINT).
pub const EXIT_CODE: u8 = 130;

/// Takes over SIGINT and SIGTERM for the rest of the process.
pub fn on_signals() -> Result<(), String> {
    ctrlc::set_handler(|| {
        if REQUESTED.swap(true, Ordering::SeqCst) {
            std::process::exit(i32::from(EXIT_CODE));
        }
    })
    .map_err(|e| format!("cannot handle signals: {e}"))
}

/// Whether a signal asked the build to stop.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}

/// Fails when a signal asked the build to stop.
pub(super) fn check() -> Result<(), super::Failure> {
    if requested() {
        Err(super::Failure::Tool(
            "interrupted: nothing was written".into(),
        ))
    } else {
        Ok(())
    }
}
