//! The build as a script of its stages: config → load → data → model → templates and assets →
//! markdown and derive (per page, in parallel) → checks → render (in parallel) → site files.
//! Everything happens in memory; the caller decides whether to write.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::{Config, Overrides};
use crate::derive::{self, PageLink, PageView};
use crate::diag::{Diagnostic, Diagnostics};
use crate::i18n::Strings;
use crate::markdown::{Resolver, Terms};
use crate::model::{self, Site};
use crate::output::{OutputFile, Staging};
use crate::{Checks, Failure, Generated, check, config, data, load, render};

/// The `site` variable of every template.
#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    /// Whether `base_url` names a real address (absolute URLs in metadata need one).
    has_base_url: bool,
    language: &'a str,
    author: Option<&'a str>,
    extra: &'a toml::Table,
    nav: Vec<PageLink>,
    paths: &'a config::Paths,
    has_reform: bool,
    /// Whether the sources page has a section on where sources disagree (`#notes`).
    has_notes: bool,
    generator: &'static str,
    /// `extra.social_image`: the picture shown when a page is shared (a site-relative path).
    social_image: Option<&'a str>,
}

/// Runs the pipeline. With `stage`, pages go straight into the output directory's staging
/// area as they render (see [`crate::output::Staging`]) instead of being kept in memory.
pub fn generate(
    root: &Path,
    overrides: &Overrides,
    checks: Checks,
    stage: bool,
) -> Result<Generated, Failure> {
    let mut clock = Stopwatch::new();
    let config = config::load(root, overrides)?;
    let Inputs {
        loaded,
        validated,
        templates,
        strings,
    } = read_inputs(&config);
    let loaded = match (loaded, &validated) {
        (Err(mut diags), Err(d)) => {
            diags.push(d.clone());
            return Err(Failure::Site(Diagnostics(diags).sorted()));
        }
        (loaded, _) => loaded?,
    };
    let validated = validated.map_err(|d| Failure::Site(vec![d]))?;
    let mut templates = templates?;
    clock.lap("load + templates");
    let mut warnings = Vec::new();
    if config.base_url == "/" && config.data_file.is_some() {
        warnings.push(
            Diagnostic::error(config::CONFIG_FILE, 1, 1, "base_url is not set: the sitemap, the feed and links shared on social media need the site's address")
                .with_hint("add base_url = \"https://…/\" to site-config.toml, or pass --base-url")
                .warning(),
        );
    }
    let reform = match validated {
        Some(v) => {
            let (errors, warns): (Vec<_>, Vec<_>) =
                v.diagnostics.into_iter().partition(Diagnostic::is_error);
            if !errors.is_empty() {
                return Err(Failure::Site(errors));
            }
            warnings.extend(warns);
            v.reform
        }
        None => None,
    };
    let strings = strings?;
    let site = model::assemble(&config, loaded, reform, &strings)?;
    clock.lap("model");
    let assets = crate::assets::collect(&config.theme_dir, &config.root, &site.assets)?;
    clock.lap("assets");

    let site_view = SiteView {
        title: &config.title,
        description: &config.description,
        base_url: &config.base_url,
        base_path: &config.base_path,
        has_base_url: config.base_url != "/",
        language: &config.language,
        author: config.author.as_deref(),
        extra: &config.extra,
        nav: nav(&site),
        paths: &config.paths,
        has_reform: site.reform.is_some(),
        has_notes: site.reform.as_ref().is_some_and(|r| !r.notes.is_empty()),
        social_image: config
            .extra
            .get("social_image")
            .and_then(|v| v.as_str())
            .map(|p| p.trim_start_matches('/')),
        generator: concat!("pillar ", env!("CARGO_PKG_VERSION")),
    };
    templates.global().insert("site", &site_view);
    templates.global().insert("assets", &assets.names);
    templates.global().insert("t", strings.all());

    let mut files: HashSet<String> = assets.files.iter().map(|f| f.path.clone()).collect();
    files.extend(
        [
            "sitemap.xml",
            "robots.txt",
            "404.html",
            derive::feed::FEED_FILE,
            derive::search::INDEX_FILE,
        ]
        .map(String::from),
    );
    let resolver = Resolver {
        by_rel: &site.by_rel,
        by_url: &site.by_url,
        page_urls: site.pages.iter().map(|p| p.url.as_str()).collect(),
        files,
        source_ids: site.reform.as_ref().map(|r| &r.source_ids),
        citations: crate::markdown::Citations::new(
            site.reform
                .as_ref()
                .map_or(&[], |r| r.source_list.as_slice()),
            &format!("{}/", config.paths.sources),
        ),
        drafts: Some(&site.drafts),
        strings: &strings,
        search_cap: crate::markdown::search_text_cap(site.pages.len()),
        terms: site.reform.as_ref().and_then(|r| {
            Terms::new(
                r.terms
                    .iter()
                    .map(|t| (t.term.as_str(), t.expansion.as_str())),
            )
        }),
    };

    let shared = derive::Shared::new(&site, &config);
    let staging = if stage {
        let out = &config.output_dir;
        std::fs::create_dir_all(out).map_err(|e| {
            Failure::Tool(format!(
                "{}: cannot create the output directory: {e}",
                out.display()
            ))
        })?;
        Some(Staging::begin(out).map_err(|e| Failure::Tool(format!("{}: {e}", out.display())))?)
    } else {
        None
    };
    let write_error: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
    // Keeps a file in memory, or stages it; the first write error is kept.
    let keep = |f: OutputFile| -> Option<OutputFile> {
        let Some(st) = &staging else { return Some(f) };
        if let Err(e) = st.put(&f.path, &f.bytes)
            && let Ok(mut slot) = write_error.lock()
        {
            slot.get_or_insert_with(|| {
                format!(
                    "{}: cannot write {}: {e}",
                    config.output_dir.display(),
                    f.path
                )
            });
        }
        None
    };

    // Each page goes through Markdown, its views and its template in one pass, so that its
    // source and its context are freed as soon as its HTML exists.
    let prepare_page = |i: usize| {
        // Located before the Markdown stage takes the page's text.
        let missing = (!templates.has(&site.pages[i].template))
            .then(|| missing_template(&site, i, &site.pages[i].template));
        (
            derive::prepare(&site, &config, &shared, &resolver, i),
            missing,
        )
    };
    let finish_page = |prepared: derive::Prepared, missing: Option<Diagnostic>| -> Done {
        let i = prepared.page;
        let mut notes = prepared.notes;
        let mut scan = None;
        let file = match missing {
            Some(d) => {
                notes.diags.push(d);
                None
            }
            None => match templates.render_sized(
                &prepared.template,
                &prepared.context,
                prepared.size_hint + 12 * 1024,
            ) {
                Ok(html) => {
                    // Links may point at ids the template prints, not only those the Markdown made.
                    check::collect_ids(html.as_bytes(), &mut notes.anchors);
                    // Read now, in parallel, while the page is at hand.
                    if checks.html_links {
                        scan = Some(check::scan(&html));
                    }
                    keep(OutputFile {
                        path: format!("{}index.html", site.pages[i].url),
                        bytes: html.into_bytes(),
                    })
                }
                Err(d) => {
                    notes.diags.push(d);
                    None
                }
            },
        };
        notes.toc = Vec::new();
        let search = derive::search::entry(&site.pages[i], &std::mem::take(&mut notes.text));
        Done {
            page: i,
            file,
            search,
            notes,
            scan,
        }
    };
    // The sources page lists who cites what: it is prepared with the others, and its template
    // waits for their citations.
    let sources_page = site.special.map(|s| s.sources);
    type Held = Box<(derive::Prepared, Option<Diagnostic>)>;
    let pass = |i: usize| -> Result<Done, Held> {
        let (prepared, missing) = prepare_page(i);
        if Some(i) == sources_page {
            Err(Box::new((prepared, missing)))
        } else {
            Ok(finish_page(prepared, missing))
        }
    };
    // Every worker takes the next page from one queue, the longest first, so that they finish
    // together rather than one waiting on another's last big page.
    let order = longest_first(&site);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut passes: Vec<Result<Done, Held>> = (0..rayon::current_num_threads())
        .into_par_iter()
        .flat_map_iter(|_| {
            std::iter::from_fn(|| {
                let i = *order.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))?;
                Some(pass(i))
            })
            .collect::<Vec<_>>()
        })
        .collect();
    passes.sort_unstable_by_key(|p| match p {
        Ok(d) => d.page,
        Err(h) => h.0.page,
    });
    let mut done = Vec::with_capacity(passes.len());
    let mut held = None;
    for p in passes {
        match p {
            Ok(d) => done.push(d),
            Err(h) => held = Some(h),
        }
    }
    // The sources page renders while the files that do not depend on it are made and staged.
    let asset_count = assets.files.len();
    let (sources_done, (not_found, sitemap, feed, kept_assets)) = rayon::join(
        || {
            held.map(|h| {
                let (mut prepared, missing) = *h;
                let cited = derive::cited_by(&site, done.iter().map(|d| (d.page, &d.notes)));
                derive::cite_sources(&mut prepared, &cited, &site, &shared);
                finish_page(prepared, missing)
            })
        },
        || {
            let not_found = not_found_page(&templates, &config, &strings).map(&keep);
            let (sitemap, feed) = rayon::join(
                || derive::site_files::sitemap(&site, &config),
                || derive::feed::atom(&site, &config, &resolver),
            );
            let kept: Vec<OutputFile> = assets.files.into_par_iter().filter_map(&keep).collect();
            (not_found, sitemap, feed, kept)
        },
    );
    done.extend(sources_done);
    clock.lap("markdown+render");

    let mut diags = Diagnostics::default();
    for d in &mut done {
        diags.extend(std::mem::take(&mut d.notes.diags));
    }
    diags.extend(check::markdown_anchors(
        &site,
        done.iter().map(|d| (d.page, &d.notes)),
    ));
    if let Some(r) = &site.reform {
        warnings.extend(unused(r, done.iter().map(|d| &d.notes)));
    }
    let pages_done = done.len();
    let search_entries: Vec<String> = done
        .iter_mut()
        .map(|d| std::mem::take(&mut d.search))
        .collect();
    let mut out: Vec<OutputFile> = Vec::with_capacity(if staging.is_some() {
        0
    } else {
        pages_done + asset_count + 5
    });
    let mut scans = HashMap::new();
    for d in done {
        if let (Some(f), Some(scan)) = (&d.file, d.scan) {
            scans.insert(f.path.clone(), scan);
        }
        out.extend(d.file);
    }
    match not_found {
        Ok(f) => out.extend(f),
        Err(d) => diags.push(d),
    }
    if diags.has_errors() {
        return Err(Failure::Site(diags.sorted()));
    }
    let site_files = [
        ("sitemap.xml", sitemap),
        ("robots.txt", derive::site_files::robots(&config)),
        (derive::feed::FEED_FILE, feed),
        (
            derive::search::INDEX_FILE,
            derive::search::index(search_entries),
        ),
    ]
    .map(|(path, text)| OutputFile {
        path: path.into(),
        bytes: text.into_bytes(),
    });
    let file_count = pages_done + 1 + site_files.len() + asset_count;
    let kept: Vec<OutputFile> = site_files.into_par_iter().filter_map(&keep).collect();
    out.extend(kept);
    out.extend(kept_assets);
    if let Some(e) = write_error.lock().ok().and_then(|mut e| e.take()) {
        return Err(Failure::Tool(e));
    }
    // A stable order makes output, manifests and reports reproducible.
    out.sort_by(|a, b| a.path.cmp(&b.path));
    clock.lap("site files");

    if checks.html_links {
        let problems = check::html_links(&out, scans, &|path, link, msg| {
            source_of(&site, &config, path, link, msg)
        });
        if !problems.is_empty() {
            return Err(Failure::Site(Diagnostics(problems).sorted()));
        }
    }
    Ok(Generated {
        config,
        files: out,
        file_count,
        staging,
        pages: site.pages.len(),
        warnings: Diagnostics(warnings).sorted(),
    })
}

/// What the build reads before anything is derived, each part with its own problems.
struct Inputs {
    loaded: Result<load::Loaded, Vec<Diagnostic>>,
    validated: Result<Option<data::validate::Validated>, Diagnostic>,
    templates: Result<render::Templates, Vec<Diagnostic>>,
    strings: Result<Strings, Vec<Diagnostic>>,
}

/// Reads the inputs on two threads: a new one reads and parses the data file, this one reads
/// the content (starting rayon's pool for the page stage) and the interface strings, and
/// whichever is free first parses the templates. Without a second thread, the data file is
/// read here afterwards.
fn read_inputs(config: &Config) -> Inputs {
    let claimed = std::sync::atomic::AtomicBool::new(false);
    let templates_if_free = || {
        (!claimed.swap(true, std::sync::atomic::Ordering::Relaxed))
            .then(|| render::load(&config.theme_dir, &config.root))
    };
    std::thread::scope(|s| {
        let data_work = || {
            let data =
                load::data_file(config).map(|f| f.map(|(shown, text)| data::parse(&shown, &text)));
            (data, templates_if_free())
        };
        let spawned = std::thread::Builder::new()
            .name("pillar-data".into())
            .spawn_scoped(s, data_work)
            .ok();
        let loaded = load::load(config);
        let strings = Strings::load(
            &config.language,
            &config.theme_dir,
            &config.root,
            config.language_at.clone(),
        );
        let here = templates_if_free();
        let (validated, there) = match spawned {
            Some(h) => h
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            None => data_work(),
        };
        // Exactly one of the two parsed them.
        let templates = here
            .or(there)
            .unwrap_or_else(|| render::load(&config.theme_dir, &config.root));
        Inputs {
            loaded,
            validated,
            templates,
            strings,
        }
    })
}

/// A page after its pass: its HTML (unless it failed) and what its Markdown found.
struct Done {
    page: usize,
    file: Option<OutputFile>,
    /// The page's entry in the search index (JSON).
    search: String,
    notes: crate::markdown::PageNotes,
    /// The page's ids and links, read for `pillar check`.
    scan: Option<check::Scan>,
}

/// Prints how long each stage took when `PILLAR_TIMINGS` is set (for profiling).
struct Stopwatch(Option<std::time::Instant>);

impl Stopwatch {
    fn new() -> Self {
        Self(std::env::var_os("PILLAR_TIMINGS").map(|_| std::time::Instant::now()))
    }

    fn lap(&mut self, stage: &str) {
        if let Some(t) = self.0.as_mut() {
            eprintln!(
                "pillar: {stage}: {:.1} ms",
                t.elapsed().as_secs_f64() * 1000.0
            );
            *t = std::time::Instant::now();
        }
    }
}

/// The pages in the order their passes start: the generated pages that gather the whole
/// reform, then the home page and sections, then the rest by the length of their Markdown.
fn longest_first(site: &Site) -> Vec<usize> {
    use model::PageKind;
    let rank = |i: usize| {
        let p = &site.pages[i];
        let class = match p.kind {
            PageKind::Sources => 0,
            PageKind::Comparison => 1,
            PageKind::Timeline => 2,
            PageKind::Units => 3,
            PageKind::Home => 4,
            PageKind::Glossary => 5,
            PageKind::Section => 6,
            PageKind::Page | PageKind::Unit(_) => 7,
        };
        (
            class,
            std::cmp::Reverse(site.file(p).map_or(0, |f| f.len)),
            i,
        )
    };
    let mut order: Vec<usize> = (0..site.pages.len()).collect();
    order.sort_by_cached_key(|&i| rank(i));
    order
}

/// The main navigation: the generated pages, then the top-level content pages and sections.
fn nav(site: &Site) -> Vec<PageLink> {
    let link = |i: usize| {
        let p = &site.pages[i];
        let title = site
            .file(p)
            .and_then(|f| f.front.extra.get("nav_title"))
            .and_then(|v| v.as_str())
            .map_or_else(|| p.title.clone(), str::to_owned);
        PageLink {
            title,
            url: p.url.clone(),
        }
    };
    let home = &site.pages[0];
    let special: Vec<usize> = site
        .special
        .map_or_else(Vec::new, |s| vec![s.units, s.comparison, s.timeline]);
    let tail: Vec<usize> = site
        .special
        .map_or_else(Vec::new, |s| vec![s.sources, s.glossary]);
    let mut content: Vec<usize> = home
        .subsections
        .iter()
        .chain(&home.pages)
        .copied()
        .filter(|i| !special.contains(i) && !tail.contains(i))
        .collect();
    content.sort_by_key(|&i| (site.pages[i].weight, site.pages[i].title.to_lowercase()));
    special
        .into_iter()
        .chain(content)
        .chain(tail)
        .map(link)
        .collect()
}

fn missing_template(site: &Site, page: usize, template: &str) -> Diagnostic {
    let page = &site.pages[page];
    let msg = format!("template {template:?} not found");
    let hint = "templates live in theme/templates/ (docs/templates.md lists the built-in ones)";
    match site.file(page) {
        Some(f) if let Some(text) = f.text() => {
            // Point at the value of `template = "…"` in the front matter.
            let key = text[..f.body_start].find("template").unwrap_or(0);
            let offset = text[key..f.body_start]
                .find(['"', '\''])
                .map_or(key, |q| key + q);
            Diagnostic::at(&f.shown, &text, offset, msg).with_hint(hint)
        }
        Some(f) => Diagnostic::error(&f.shown, 1, 1, msg).with_hint(hint),
        None => Diagnostic::error(&page.rel, 1, 1, msg).with_hint(hint),
    }
}

/// Sources and glossary terms that nothing cites or uses: warnings (errors under `--strict`).
fn unused<'a>(
    r: &crate::model::reform::Reform,
    pages: impl Iterator<Item = &'a crate::markdown::PageNotes>,
) -> Vec<Diagnostic> {
    let mut cited: BTreeSet<usize> = BTreeSet::new();
    let mut used: BTreeSet<usize> = BTreeSet::new();
    for notes in pages {
        cited.extend(&notes.cites);
        used.extend(&notes.terms);
    }
    let file = &r.file;
    let mut out = Vec::new();
    for (i, s) in r.source_list.iter().enumerate() {
        if !cited.contains(&i) {
            out.push(
                Diagnostic::at(
                    file.shown.to_path_buf(),
                    &file.text,
                    s.at,
                    format!("source \"{}\" is never cited", s.id),
                )
                .warning(),
            );
        }
    }
    for (i, t) in r.terms.iter().enumerate() {
        if !used.contains(&i) {
            out.push(
                Diagnostic::at(
                    file.shown.to_path_buf(),
                    &file.text,
                    t.at,
                    format!("glossary term \"{}\" is never used in the prose", t.term),
                )
                .warning(),
            );
        }
    }
    out
}

fn not_found_page(
    templates: &render::Templates,
    config: &Config,
    strings: &Strings,
) -> Result<OutputFile, Diagnostic> {
    let view = PageView {
        title: strings.get("not_found_title").to_owned(),
        description: None,
        kind: "404",
        url: "404.html".into(),
        permalink: config.permalink("404.html"),
        content: String::new(),
        toc: Vec::new(),
        date: None,
        updated: None,
        weight: 0,
        extra: toml::Table::new(),
        section: None,
        pages: Vec::new(),
        subsections: Vec::new(),
        jsonld: String::from("{}"),
        has_code: false,
    };
    let mut ctx = tera::Context::new();
    // Served at any address, so its links start from the site's absolute base path.
    ctx.insert("root", &config.base_path);
    ctx.insert("page", &view);
    let html = templates.render("404.html", &ctx)?;
    Ok(OutputFile {
        path: "404.html".into(),
        bytes: html.into_bytes(),
    })
}

/// The file to fix for a problem found in a generated HTML file.
/// Locates a broken link found in a generated HTML file: in the page's Markdown when the link
/// is written there, otherwise in the template that printed it (the project's override, or
/// the built-in), at the first line that mentions it.
fn source_of(site: &Site, config: &Config, path: &str, link: &str, message: String) -> Diagnostic {
    let url = path.trim_end_matches("index.html");
    let Some(page) = site.by_url.get(url).map(|&i| &site.pages[i]) else {
        return Diagnostic::error(config.show(&config.output_dir.join(path)), 1, 1, message);
    };
    let find = |text: &str, needle: &str| text.find(needle).filter(|_| !needle.is_empty());
    if let Some(f) = site.file(page)
        && let Ok(text) = std::fs::read_to_string(config.content_dir.join(&f.rel))
        && let Some(at) = find(&text, link)
    {
        return Diagnostic::at(&f.shown, &text, at, message);
    }
    let user = config.theme_dir.join("templates").join(&page.template);
    let (shown, text) = match std::fs::read_to_string(&user) {
        Ok(text) => (config.show(&user), text),
        Err(_) => (
            std::path::PathBuf::from(format!("<built-in theme>/templates/{}", page.template)),
            render::THEME
                .get_file(format!("templates/{}", page.template))
                .and_then(|f| f.contents_utf8())
                .unwrap_or_default()
                .to_owned(),
        ),
    };
    // The template writes `{{ root }}x/`: look for the part after the climb to the root.
    let tail = link.trim_start_matches("./").trim_start_matches("../");
    match find(&text, tail) {
        Some(at) => Diagnostic::at(shown, &text, at, message),
        None => Diagnostic::error(shown, 1, 1, message),
    }
}
