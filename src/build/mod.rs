//! The build as a script of its phases: inputs → model → theme → pages (the sources page as a
//! second phase, since it lists every other page's citations) → findings → site files →
//! checks. Each phase is a file of its own here; the parallel schedule lives inside them.
//! Every file goes into an [`output::Sink`](crate::output::Sink): memory for `check`, the
//! staging area for `build` and `serve`.

mod edition;
mod findings;
mod inputs;
pub mod interrupt;
mod locate;
mod pages;
mod products;
mod project;
mod queue;
mod reuse;
mod search_index;
mod site_view;
mod timing;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::output::Sink;

pub use edition::Edition;
pub use products::{PRODUCTS, Product};
pub use project::{Generated, Report, build, check, generate};

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

/// How far to go.
#[derive(Debug, Clone, Copy, Default)]
pub struct Checks {
    /// Also read the generated HTML and verify every internal link and anchor.
    pub html_links: bool,
    /// Treat warnings as errors.
    pub strict: bool,
    /// Keep the files of pages whose inputs did not change since the last build into the
    /// same output, and record what the next build may keep (see [`reuse`]).
    pub incremental: bool,
}

/// What a build made.
#[derive(Debug)]
pub struct Built {
    pub pages: usize,
    /// The pages that went through their template (the others kept their file).
    pub rendered: usize,
    /// What the next build may reuse: records in the cache folder, written under a name
    /// of their own until the site is in place (see `reuse::put_in_place`).
    pub records: Vec<std::path::PathBuf>,
    /// The files it put into its sink.
    pub files: usize,
    pub warnings: Vec<Diagnostic>,
}

/// What a build shares with each edition: the edition, what another parsed, the walk.
type Parts<'a> = (
    &'a Edition,
    Option<&'a inputs::Parsed>,
    Option<&'a crate::fingerprint::Walk>,
);

/// Builds one edition of the site into `sink`; `parsed` holds what another edition of the
/// same build parsed that this one may copy (`None`: the site has one edition), `walk` the
/// build's walk of its inputs (`None`: it made none).
fn run(
    config: &Config,
    (edition, parsed, walk): Parts<'_>,
    checks: Checks,
    sink: &dyn Sink,
) -> Result<Built, Failure> {
    let mut clock = timing::Stopwatch::new();
    let config = &edition.config(config);
    let cache = checks.incremental.then_some(config.cache_dir.as_path());
    let last_reads = reuse::last_reads(cache, &edition.prefix);
    let inputs = inputs::read(config, &last_reads, parsed)?;
    let started = inputs.content.started;
    clock.lap("inputs");
    let site = crate::model::assemble(config, inputs.content, inputs.reform, &inputs.strings)?;
    clock.lap("model");
    let static_home = edition.static_home();
    let (theme, static_files) =
        site_view::Theme::prepare(config, &site, inputs.templates, inputs.strings, static_home)?;
    products::check_names(config, &site, &static_files)?;
    clock.lap("theme");
    let links = pages::links(config, &site, &theme, &static_files);
    let sink = &edition.sink(sink, checks);
    let recorded = (edition.prefix.as_str(), cache, walk);
    let mut reuse = reuse::Reuse::new(config, &site, recorded, sink.can_keep());
    let kept = reuse.kept(&site, sink);
    clock.lap("last build's record");
    let cx = pages::Cx::new(config, &site, &theme, &links, sink, (edition, &reuse));
    let (first, waiting) = pages::render_independent(&cx, kept);
    // The waiting pages render while the site files that do not depend on them are made.
    let (last, made) = rayon::join(
        || pages::render_waiting(&cx, waiting, &first),
        || products::make(&cx, static_files),
    );
    clock.lap("pages");
    interrupt::check()?;
    // Pages in the order of the site, the sources page last, as the search index lists them.
    let mut done: Vec<_> = first.into_iter().chain(last).collect();
    done.sort_by_key(|d| (site.pages[d.page].kind.needs_citations(), d.page));
    let index = search_index::Plan::new(&site, &done, &reuse, sink);
    reuse
        .fill_entries(&mut done, index.needs())
        .map_err(Failure::Tool)?;
    let records = (reuse.record(&site, &done, (started, index.keys(&reuse))))
        .map_err(|e| Failure::Tool(format!("cannot record the build for the next: {e}")))?;
    clock.lap("record");
    let warned = (inputs.warnings, edition.is_default());
    let found = findings::gather(&site, sink, done.into_iter(), made, warned)?;
    products::make_with(&cx, &found)?;
    index.make(&found.search, sink).map_err(Failure::Tool)?;
    sink.written()?;
    clock.lap("findings + site files");
    let links = locate::Links::new(&site, config);
    sink.check_links(&|path, link, msg| links.source_of(path, link, msg))?;
    if checks.html_links {
        clock.lap("link check");
    }
    let warnings = found.warnings(checks.strict)?;
    let files = sink.len();
    Ok(Built {
        pages: site.pages.len(),
        rendered: cx.rendered.into_inner(),
        records,
        files,
        warnings,
    })
}
