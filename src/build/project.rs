//! A whole run over a project: open its folder, read its configuration, and build, check or
//! generate its site into the sink each needs — the staging area of the output directory,
//! or memory. `build` stops at once when nothing changed since the last build.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::{self, Config, Overrides};
use crate::diag::Diagnostic;
use crate::output::{self, Memory, OutputFile, Staging, WriteReport};

use super::{Checks, Edition, Failure};

/// What a build did.
#[derive(Debug)]
pub struct Report {
    pub pages: usize,
    /// The pages that went through their template; the others kept the file the last build
    /// wrote, since nothing they show changed.
    pub rendered: usize,
    pub files: usize,
    pub output_dir: PathBuf,
    pub write: Option<WriteReport>,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
}

/// A site generated in memory.
pub struct Generated {
    pub config: Config,
    /// Its files, sorted by path.
    pub files: Vec<OutputFile>,
    pub pages: usize,
    pub warnings: Vec<Diagnostic>,
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
    crate::project::require_config(&root).map_err(Failure::Tool)?;
    Ok(root)
}

/// Builds every edition of the site into `sink`, one after the other; a warning that two
/// editions share (the data file's) is given once.
/// `walk` is the fingerprint's walk of the inputs, when the build made one.
fn run_editions(
    config: &Config,
    (checks, walk): (Checks, Option<&crate::fingerprint::Walk>),
    sink: &dyn output::Sink,
) -> Result<super::Built, Failure> {
    let mut all: Option<super::Built> = None;
    let editions = Edition::all(config)?;
    let parsed = super::inputs::Parsed::default();
    let parsed = (editions.len() > 1).then_some(&parsed);
    for edition in editions {
        let built = super::run(config, (&edition, parsed, walk), checks, sink)?;
        all = Some(match all {
            None => built,
            Some(mut a) => {
                a.pages += built.pages;
                a.rendered += built.rendered;
                a.records.extend(built.records);
                a.files = built.files;
                for w in built.warnings {
                    if !a.warnings.contains(&w) {
                        a.warnings.push(w);
                    }
                }
                a
            }
        });
    }
    all.ok_or_else(|| Failure::Tool("the site has no edition".into()))
}

/// Runs the whole build in memory.
pub fn generate(root: &Path, overrides: &Overrides, checks: Checks) -> Result<Generated, Failure> {
    let root = check_root(root)?;
    let config = config::load(&root, overrides)?;
    let sink = Memory::default();
    let built = run_editions(&config, (checks, None), &sink)?;
    Ok(Generated {
        config,
        files: sink.into_files(),
        pages: built.pages,
        warnings: built.warnings,
    })
}

/// Builds the site and writes it to the output directory.
pub fn build(root: &Path, overrides: &Overrides) -> Result<Report, Failure> {
    let start = Instant::now();
    let root = check_root(root)?;
    let config = config::load(&root, overrides)?;
    // Nothing changed since the last build into this output: its files are already right.
    let walk = crate::fingerprint::inputs(&config, overrides);
    let fingerprint = walk.inputs;
    if let Some((stamp, files)) =
        output::unchanged(&config.output_dir, &config.cache_dir, fingerprint)
    {
        return Ok(Report {
            pages: stamp.pages,
            rendered: 0,
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
    let fresh = !config.output_dir.exists();
    let staging = begin(&config)?;
    let checks = Checks {
        incremental: true,
        ..Checks::default()
    };
    let built = match run_editions(&config, (checks, Some(&walk)), &staging)
        .and_then(|b| super::interrupt::check().map(|()| b))
    {
        Ok(built) => built,
        Err(e) => {
            staging.abort();
            let _ = super::reuse::remove_records(&config.cache_dir, true);
            // A failed first build leaves no empty output folder behind.
            if fresh {
                let _ = std::fs::remove_dir(&config.output_dir);
                let _ = std::fs::remove_dir_all(&config.cache_dir);
            }
            return Err(e);
        }
    };
    let stamp = output::Stamp {
        fingerprint,
        pages: built.pages,
        warnings: serde_json::to_string(&built.warnings).unwrap_or_else(|_| "[]".into()),
    };
    let shown = config.output_dir.display();
    let write = commit(staging, &stamp, &config.cache_dir, &built.records)
        .map_err(|e| Failure::Tool(format!("{shown}: cannot write the site: {e}")))?;
    Ok(Report {
        pages: built.pages,
        rendered: built.rendered,
        files: built.files,
        output_dir: config.output_dir.clone(),
        write: Some(write),
        warnings: built.warnings,
        elapsed: start.elapsed(),
    })
}

/// Moves the staged site into place. The records of what the next build may keep are removed
/// first and written after, so that a record never describes a site other than the one in
/// the output.
fn commit(
    staging: Staging,
    stamp: &output::Stamp,
    cache: &Path,
    records: &[PathBuf],
) -> std::io::Result<WriteReport> {
    super::reuse::remove_records(cache, false)?;
    let write = staging.commit_with(Some(stamp))?;
    super::reuse::put_in_place(records)?;
    Ok(write)
}

/// Creates the output directory and the cache folder, and starts staging into the first.
fn begin(config: &Config) -> Result<Staging, Failure> {
    let out = &config.output_dir;
    std::fs::create_dir_all(out).map_err(|e| {
        Failure::Tool(format!(
            "{}: cannot create the output directory: {e}",
            out.display()
        ))
    })?;
    let cache = &config.cache_dir;
    prepare_cache(&config.root, cache, out).map_err(|e| {
        Failure::Tool(format!(
            "{}: cannot create the cache folder: {e}",
            cache.display()
        ))
    })?;
    Staging::begin(out, cache).map_err(|e| Failure::Tool(format!("{}: {e}", out.display())))
}

/// Where an entry of the project's cache folder records the output folder it is for.
const CACHE_OUTPUT: &str = "output";

/// Creates the cache folder `cache` of builds into `out`. When it is in the project's cache
/// folder, that folder gets a `.gitignore` that keeps it out of git, the entry records `out`,
/// and entries for output folders that no longer exist (a temporary folder, say) are removed.
fn prepare_cache(root: &Path, cache: &Path, out: &Path) -> std::io::Result<()> {
    let top = root.join(crate::project::CACHE_DIR);
    if !cache.starts_with(&top) {
        return Ok(());
    }
    std::fs::create_dir_all(cache)?;
    let ignore = top.join(".gitignore");
    if std::fs::symlink_metadata(&ignore).is_err() {
        std::fs::write(
            ignore,
            "# pillar's cache: what a build records for the next one\n*\n",
        )?;
    }
    // A path that is not Unicode is not recorded, so its entry is never removed; the record
    // is renamed into place, so that a build pruning at the same time never reads half of it.
    if let Some(out) = out.canonicalize()?.to_str() {
        output::write_atomic(&cache.join(CACHE_OUTPUT), out.as_bytes())?;
    }
    for entry in std::fs::read_dir(&top)?.filter_map(Result::ok) {
        let gone = std::fs::read_to_string(entry.path().join(CACHE_OUTPUT))
            .is_ok_and(|o| std::fs::symlink_metadata(o).is_err());
        if gone && entry.path() != cache && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    Ok(())
}

/// Runs everything `build` verifies, plus every link and anchor in the generated HTML, and
/// writes nothing.
pub fn check(root: &Path, overrides: &Overrides, strict: bool) -> Result<Report, Failure> {
    let start = Instant::now();
    let root = check_root(root)?;
    let config = config::load(&root, overrides)?;
    let checks = Checks {
        html_links: true,
        strict,
        ..Checks::default()
    };
    let built = run_editions(&config, (checks, None), &Memory::default())?;
    Ok(Report {
        pages: built.pages,
        rendered: built.rendered,
        files: built.files,
        output_dir: config.output_dir,
        write: None,
        warnings: built.warnings,
        elapsed: start.elapsed(),
    })
}
