//! pillar: a static-site generator for reform explainers.
//!
//! A site is Markdown content, one TOML data file describing the reform (units before and
//! after, functions and where they move, dated events, sources, glossary) and Tera templates.
//! [`generate`] runs the pipeline in memory — config → load → model → markdown → derive →
//! render — and [`build`] writes the result; `check` runs the same pipeline and writes nothing.

pub mod assets;
pub mod check;
pub mod cli;
pub mod config;
pub mod data;
pub mod derive;
pub mod diag;
pub mod fingerprint;
pub mod i18n;
pub mod init;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
mod pipeline;
pub mod render;
pub mod serve;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use config::Overrides;
pub use diag::{Diagnostic, Severity};
pub use output::{OutputFile, WriteReport};
pub use serve::ServeOptions;

/// Why a run failed.
#[derive(Debug)]
pub enum Failure {
    /// The site has problems (exit code 1).
    Site(Vec<Diagnostic>),
    /// The tool could not run: unreadable root, unwritable output (exit code 2).
    Tool(String),
}

impl From<Vec<Diagnostic>> for Failure {
    fn from(d: Vec<Diagnostic>) -> Self {
        Failure::Site(d)
    }
}

/// A site generated in memory.
pub struct Generated {
    pub config: config::Config,
    /// The site's files, when generated in memory (empty when staged for writing).
    pub files: Vec<OutputFile>,
    pub file_count: usize,
    /// The files staged in the output directory, waiting for [`output::Staging::commit`].
    pub staging: Option<output::Staging>,
    pub pages: usize,
    pub warnings: Vec<Diagnostic>,
}

/// How far to go.
#[derive(Debug, Clone, Copy, Default)]
pub struct Checks {
    /// Also read the generated HTML and verify every internal link and anchor.
    pub html_links: bool,
    /// Treat warnings as errors.
    pub strict: bool,
}

/// What a build did.
#[derive(Debug)]
pub struct Report {
    pub pages: usize,
    pub files: usize,
    pub output_dir: PathBuf,
    pub write: Option<WriteReport>,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
}

fn check_root(root: &Path) -> Result<PathBuf, Failure> {
    let root = root.canonicalize().map_err(|e| {
        Failure::Tool(format!(
            "{}: cannot open the project folder: {e}",
            root.display()
        ))
    })?;
    if !root.is_dir() {
        return Err(Failure::Tool(format!("{}: not a folder", root.display())));
    }
    std::fs::read_dir(&root).map_err(|e| {
        Failure::Tool(format!(
            "{}: cannot read the project folder: {e}",
            root.display()
        ))
    })?;
    Ok(root)
}

/// Runs the whole pipeline in memory.
pub fn generate(root: &Path, overrides: &Overrides, checks: Checks) -> Result<Generated, Failure> {
    let root = check_root(root)?;
    let g = pipeline::generate(&root, overrides, checks, false)?;
    if checks.strict && !g.warnings.is_empty() {
        return Err(Failure::Site(g.warnings));
    }
    Ok(g)
}

/// Builds the site and writes it to the output directory.
pub fn build(root: &Path, overrides: &Overrides) -> Result<Report, Failure> {
    let start = Instant::now();
    let root = check_root(root)?;
    // Nothing changed since the last build into this output: its files are already right.
    let config = config::load(&root, overrides)?;
    let fingerprint = fingerprint::inputs(&config, overrides);
    if let Some((stamp, files)) = output::unchanged(&config.output_dir, fingerprint) {
        return Ok(Report {
            pages: stamp.pages,
            files,
            output_dir: config.output_dir,
            write: Some(WriteReport {
                unchanged: files,
                ..WriteReport::default()
            }),
            warnings: serde_json::from_str(&stamp.warnings).unwrap_or_default(),
            elapsed: start.elapsed(),
        });
    }
    let mut g = pipeline::generate(&root, overrides, Checks::default(), true)?;
    let shown = g.config.output_dir.display().to_string();
    let staging = g
        .staging
        .take()
        .ok_or_else(|| Failure::Tool("nothing was staged".into()))?;
    let stamp = output::Stamp {
        fingerprint,
        pages: g.pages,
        warnings: serde_json::to_string(&g.warnings).unwrap_or_else(|_| "[]".into()),
    };
    let write = staging
        .commit_with(Some(&stamp))
        .map_err(|e| Failure::Tool(format!("{shown}: cannot write the site: {e}")))?;
    Ok(Report {
        pages: g.pages,
        files: g.file_count,
        output_dir: g.config.output_dir.clone(),
        write: Some(write),
        warnings: g.warnings,
        elapsed: start.elapsed(),
    })
}

/// Runs everything `build` verifies, plus every link and anchor in the generated HTML, and
/// writes nothing.
pub fn check(root: &Path, overrides: &Overrides, strict: bool) -> Result<Report, Failure> {
    let start = Instant::now();
    let g = generate(
        root,
        overrides,
        Checks {
            html_links: true,
            strict,
        },
    )?;
    Ok(Report {
        pages: g.pages,
        files: g.file_count,
        output_dir: g.config.output_dir.clone(),
        write: None,
        warnings: g.warnings,
        elapsed: start.elapsed(),
    })
}
