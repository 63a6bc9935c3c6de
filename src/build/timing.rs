//! How long each phase took, printed when `PILLAR_TIMINGS` is set (for profiling).

/// Laps of the build's phases.
pub(super) struct Stopwatch(Option<std::time::Instant>);

impl Stopwatch {
    pub(super) fn new() -> Self {
        Self(std::env::var_os("PILLAR_TIMINGS").map(|_| std::time::Instant::now()))
    }

    pub(super) fn lap(&mut self, phase: &str) {
        if let Some(t) = self.0.as_mut() {
            eprintln!(
                "pillar: {phase}: {:.1} ms",
                t.elapsed().as_secs_f64() * 1000.0
            );
            *t = std::time::Instant::now();
        }
    }
}
