//! The site files: one table of what a site holds besides its pages, its static files and
//! the search index (in parts, see [`super::search_index`]). A new output is one row and one
//! function; its path is known to the link checker from the row.

use rayon::prelude::*;

use crate::derive::embed::View;
use crate::derive::{self, PageView, open_data};
use crate::diag::Diagnostic;
use crate::model::reform::Reform;
use crate::output::OutputFile;

use super::Failure;
use super::findings::Findings;
use super::pages::Cx;

/// What a product is made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Needs {
    /// The model and the theme: made while the last pages render.
    Model,
    /// What the pages found (their summaries): made after every page.
    Findings,
}

/// One file of the site that is not a page.
pub struct Product {
    /// Its path in the output.
    pub path: &'static str,
    needs: Needs,
    /// Made only when the project has a data file.
    with_data: bool,
    /// And only for a reform that has what it shows.
    shows: fn(&Reform) -> bool,
    make: Make,
}

impl Product {
    /// Whether the site holds this file.
    pub fn made_for(&self, site: &crate::model::Site) -> bool {
        match &site.reform {
            Some(r) => (self.shows)(r),
            None => !self.with_data,
        }
    }
}

/// Any reform shows it.
fn always(_: &Reform) -> bool {
    true
}

/// How a product is made: from the build's context, and what the pages found for
/// [`Needs::Findings`] (empty for [`Needs::Model`]).
type Make = fn(&Cx<'_>, &Findings) -> Result<String, Diagnostic>;

/// A row made from the model, and only when the project has a data file.
const fn with_data(path: &'static str, make: Make) -> Product {
    Product {
        path,
        needs: Needs::Model,
        with_data: true,
        shows: always,
        make,
    }
}

/// Every site file, in no particular order.
pub const PRODUCTS: &[Product] = &[
    Product {
        path: "404.html",
        needs: Needs::Model,
        with_data: false,
        shows: always,
        make: not_found,
    },
    Product {
        path: "sitemap.xml",
        needs: Needs::Model,
        with_data: false,
        shows: always,
        make: |cx, _| Ok(derive::site_files::sitemap(cx.site, cx.config)),
    },
    Product {
        path: "robots.txt",
        needs: Needs::Model,
        with_data: false,
        shows: always,
        make: |cx, _| Ok(derive::site_files::robots(cx.edition.sitemaps(cx.config))),
    },
    Product {
        path: derive::feed::FEED_FILE,
        needs: Needs::Findings,
        with_data: false,
        shows: always,
        make: |cx, found| {
            Ok(derive::feed::atom(
                cx.site,
                cx.config,
                cx.links,
                &found.summaries,
            ))
        },
    },
    with_data("data/units.csv", |cx, _| {
        from_data(cx, "data/units.csv", |r| open_data::units_csv(r, cx.config))
    }),
    with_data("data/functions.csv", |cx, _| {
        from_data(cx, "data/functions.csv", open_data::functions_csv)
    }),
    with_data("data/events.csv", |cx, _| {
        from_data(cx, "data/events.csv", open_data::events_csv)
    }),
    with_data("data/sources.csv", |cx, _| {
        from_data(cx, "data/sources.csv", open_data::sources_csv)
    }),
    with_data("data/reform.json", |cx, _| {
        from_data(cx, "data/reform.json", |r| open_data::json(r, cx.config))
    }),
    with_data("embed/org-chart/index.html", |cx, _| {
        embed(cx, View::OrgChart)
    }),
    // A reform without functions has no function map to embed.
    Product {
        shows: |r| !r.functions.is_empty(),
        ..with_data("embed/function-map/index.html", |cx, _| {
            embed(cx, View::FunctionMap)
        })
    },
    with_data("embed/comparison/index.html", |cx, _| {
        embed(cx, View::Comparison)
    }),
    with_data("embed/timeline/index.html", |cx, _| {
        embed(cx, View::Timeline)
    }),
];

/// The files a site has once, at its top, whatever its editions.
const TOP_ONLY: &[&str] = &["robots.txt"];

/// An embeddable view (`embed/…/`): its page, with the built-in `embed.html` template.
fn embed(cx: &Cx<'_>, view: View) -> Result<String, Diagnostic> {
    let Some(r) = &cx.site.reform else {
        return Ok(String::new());
    };
    let ctx = derive::embed::context(r, cx.config, &cx.shared, cx.links, view);
    cx.theme.templates.render("embed.html", ctx.tera())
}

/// A file of the reform's open data, made from the validated model.
fn from_data(
    cx: &Cx<'_>,
    path: &str,
    make: impl Fn(&Reform) -> Result<String, String>,
) -> Result<String, Diagnostic> {
    let Some(r) = &cx.site.reform else {
        return Ok(String::new());
    };
    make(r).map_err(|e| Diagnostic::file(path, format!("cannot write the data file: {e}")))
}

/// Refuses a file of `content/` that would land where pillar writes a file of its own: a page,
/// a site file or a static file of the theme.
pub(super) fn check_names(
    config: &crate::config::Config,
    site: &crate::model::Site,
    static_files: &[OutputFile],
) -> Result<(), Failure> {
    // How many static files each path has: the content's own files are among them, so a
    // second one at a path is the theme's.
    let mut at_path: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for f in static_files {
        *at_path.entry(f.path.as_str()).or_default() += 1;
    }
    let index: Vec<String> = super::search_index::paths(site).collect();
    let problems: Vec<Diagnostic> = (site.assets.iter())
        .filter_map(|a| {
            let page = (a.rel.strip_suffix("index.html"))
                .and_then(|url| site.by_url.get(url))
                .map(|&i| &site.pages[i]);
            let product = (PRODUCTS.iter()).find(|p| p.path == a.rel && p.made_for(site));
            let made = if let Some(p) = product {
                format!("{} itself", p.path)
            } else if index.contains(&a.rel) {
                format!("{} itself", a.rel)
            } else if let Some(page) = page {
                if page.url.is_empty() {
                    "the home page there".to_owned()
                } else {
                    format!("the page /{} there", page.url)
                }
            } else if at_path.get(a.rel.as_str()).is_some_and(|&n| n > 1) {
                "a static file of the theme there".to_owned()
            } else {
                return None;
            };
            let d = Diagnostic::file(config.show(&a.abs), format!("pillar writes {made}"));
            Some(d.with_hint("rename or remove this file; to change a generated page, override its template in theme/templates/"))
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::Site(problems))
    }
}

/// Makes the products that need only the model, in parallel, and puts them and the static
/// files into the sink. Returns the problems (a broken 404 template).
pub(super) fn make(cx: &Cx<'_>, static_files: Vec<OutputFile>) -> Vec<Diagnostic> {
    let problems = make_rows(cx, Needs::Model, &Findings::default());
    static_files.into_par_iter().for_each(|f| cx.sink.put(f));
    problems
}

/// Makes the products that need what the pages found.
pub(super) fn make_with(cx: &Cx<'_>, found: &Findings) -> Result<(), Failure> {
    let problems = make_rows(cx, Needs::Findings, found);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::Site(crate::diag::Diagnostics(problems).sorted()))
    }
}

/// Makes the products of `needs`. One keeps the last build's file when that build had the
/// same skeleton and, for the feed, the same summaries: a product of the model alone, or the
/// feed.
fn make_rows(cx: &Cx<'_>, needs: Needs, found: &Findings) -> Vec<Diagnostic> {
    let same = cx.reuse.same_skeleton();
    let feed = |path: &str| {
        path == derive::feed::FEED_FILE
            && cx
                .reuse
                .rendered_before(path, cx.reuse.feed_key(&found.summaries))
    };
    let keeps = |p: &Product| same && (p.needs == Needs::Model || feed(p.path));
    PRODUCTS
        .par_iter()
        .filter(|p| p.needs == needs && p.made_for(cx.site))
        .filter(|p| cx.edition.is_default() || !TOP_ONLY.contains(&p.path))
        .filter(|p| !(keeps(p) && cx.sink.keep(p.path)))
        .filter_map(|p| match (p.make)(cx, found) {
            Ok(text) => {
                cx.sink.put(OutputFile {
                    path: p.path.into(),
                    bytes: text.into_bytes(),
                });
                None
            }
            Err(d) => Some(d),
        })
        .collect()
}

/// `404.html`: served at any address, so its links start from the site's absolute base path.
fn not_found(cx: &Cx<'_>, _: &Findings) -> Result<String, Diagnostic> {
    let config = cx.config;
    let view = PageView {
        title: cx.theme.strings.get("not_found_title").to_owned(),
        description: None,
        kind: "404",
        url: "404.html".into(),
        permalink: config.permalink("404.html"),
        content: String::new(),
        summary: None,
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
    ctx.insert("root", &config.base_path);
    ctx.insert("page", &view);
    cx.theme.templates.render("404.html", &ctx)
}
