//! The theme phase: the static files with their hashed names, and the values every template
//! sees (`site`, `assets`, `t`), set once in the templates' global context. An edition other
//! than the default writes no theme files of its own: its `assets` lead to the default's.

use std::hash::Hasher;

use serde::Serialize;

use crate::assets::Assets;
use crate::config::{self, Config};
use crate::derive::PageLink;
use crate::i18n::Strings;
use crate::model::Site;
use crate::output::OutputFile;
use crate::render::Templates;

/// The templates, ready for every page, and the interface strings.
pub(super) struct Theme {
    pub templates: Templates,
    pub strings: Strings,
    /// The hash of all a template sees besides a page's own context: the program, the
    /// templates' texts and the global context.
    pub render_key: u64,
}

impl Theme {
    /// Collects the static files and fills the templates' global context. Returns the static
    /// files to write beside the theme. With `shared` (the way up to the default edition's
    /// root and its address), the theme's files are the default edition's: only the
    /// content's own files are returned, and `assets` leads up to the theme's.
    pub(super) fn prepare(
        config: &Config,
        site: &Site,
        mut templates: Templates,
        strings: Strings,
        shared: Option<(String, &str)>,
    ) -> Result<(Self, Vec<OutputFile>), Vec<crate::diag::Diagnostic>> {
        let Assets {
            mut files,
            mut names,
        } = crate::assets::collect(&config.theme_dir, &config.root, &site.assets)?;
        if config.highlight != crate::config::Highlight::default() {
            highlight_themes(config.highlight, &mut files, &mut names);
        }
        let theme_url = shared.as_ref().map_or(config.base_url.as_str(), |s| s.1);
        let mut view = SiteView::new(config, site);
        view.social_image_url = social_image_url(config, &view, theme_url, &names);
        if let Some((up, _)) = &shared {
            borrow_theme(up, &mut files, &mut names);
        }
        templates.global().insert("site", &view);
        templates.global().insert("assets", &names);
        templates.global().insert("t", strings.all());
        let render_key = render_key(&templates, (&view, &names, &strings));
        Ok((
            Self {
                templates,
                strings,
                render_key,
            },
            files,
        ))
    }
}

/// The hash of what every template sees but a page's own context. A global context that
/// cannot be written as JSON makes a key no other build has (the time), so nothing is reused.
fn render_key(
    templates: &Templates,
    (view, names, strings): (
        &SiteView,
        &std::collections::BTreeMap<String, String>,
        &Strings,
    ),
) -> u64 {
    let mut key = crate::fingerprint::program();
    key.write_u64(templates.source_hash());
    let sorted: std::collections::BTreeMap<&String, &String> = strings.all().iter().collect();
    match serde_json::to_vec(&(view, names, sorted)) {
        Ok(json) => key.update(&json),
        Err(_) => key.write_u128(
            (std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH))
                .map_or(0, |d| d.as_nanos()),
        ),
    }
    key.digest()
}

/// Leaves out the theme's files, which the default edition writes, and leads `names` up to
/// them (`style.css` → `../style.1a2b3c4d5e6f.css`).
fn borrow_theme(
    up: &str,
    files: &mut Vec<OutputFile>,
    names: &mut std::collections::BTreeMap<String, String>,
) {
    let theirs: std::collections::HashSet<&str> = names.values().map(String::as_str).collect();
    files.retain(|f| !theirs.contains(f.path.as_str()));
    for hashed in names.values_mut() {
        hashed.insert_str(0, up);
    }
}

/// The address of the picture shown when a page is shared: `extra.social_image` (a file of
/// the content, at this edition's address), else the theme's `social.png` at `theme_url`.
fn social_image_url(
    config: &Config,
    view: &SiteView<'_>,
    theme_url: &str,
    names: &std::collections::BTreeMap<String, String>,
) -> String {
    match (view.social_image, names.get("social.png")) {
        (Some(own), _) => format!("{}{own}", config.base_url),
        (None, Some(theirs)) => format!("{theme_url}{theirs}"),
        (None, None) => String::new(),
    }
}

/// Replaces `highlight.css` with the stylesheet of the site's `[highlight]` themes.
fn highlight_themes(
    themes: crate::config::Highlight,
    files: &mut Vec<OutputFile>,
    names: &mut std::collections::BTreeMap<String, String>,
) {
    const NAME: &str = "highlight.css";
    let bytes = crate::markdown::highlight::theme_css_of(themes.light, themes.dark).into_bytes();
    let hashed = crate::assets::hashed_name(NAME, &bytes);
    if let Some(old) = names.insert(NAME.to_owned(), hashed.clone()) {
        files.retain(|f| f.path != old);
    }
    files.push(OutputFile {
        path: hashed,
        bytes,
    });
}

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
    /// The reform's open data (`data/`), for the "Download the data" section.
    downloads: Vec<Download>,
    /// `data_licence`: the licence of those files.
    data_licence: Option<&'a str>,
    /// `extra.social_image`: the picture shown when a page is shared (a site-relative path).
    social_image: Option<&'a str>,
    /// That picture's address, or the theme's `social.png`'s (the default edition's copy).
    social_image_url: String,
}

impl<'a> SiteView<'a> {
    fn new(config: &'a Config, site: &Site) -> Self {
        SiteView {
            title: &config.title,
            description: &config.description,
            base_url: &config.base_url,
            base_path: &config.base_path,
            has_base_url: config.base_url != "/",
            language: &config.language,
            author: config.author.as_deref(),
            extra: &config.extra,
            nav: nav(site),
            paths: &config.paths,
            has_reform: site.reform.is_some(),
            has_notes: site.reform.as_ref().is_some_and(|r| !r.notes.is_empty()),
            social_image: config
                .extra
                .get("social_image")
                .and_then(|v| v.as_str())
                .map(|p| p.trim_start_matches('/')),
            social_image_url: String::new(),
            generator: concat!("pillar ", env!("CARGO_PKG_VERSION")),
            downloads: downloads(site),
            data_licence: config.data_licence.as_deref(),
        }
    }
}

/// A file of the reform's open data, as the templates list it.
#[derive(Serialize)]
struct Download {
    /// Its path from the site's root, e.g. `data/units.csv`.
    url: &'static str,
    /// The key of its label in the interface strings, e.g. `download_units`.
    label: String,
    /// `CSV` or `JSON`.
    format: String,
}

/// The files of [`super::PRODUCTS`] made from the data file, when the site has one.
fn downloads(site: &Site) -> Vec<Download> {
    (super::PRODUCTS.iter())
        .filter(|p| p.path.starts_with(crate::derive::open_data::DIR) && p.made_for(site))
        .filter_map(|p| {
            let name = std::path::Path::new(p.path);
            Some(Download {
                url: p.path,
                label: format!("download_{}", name.file_stem()?.to_str()?),
                format: name.extension()?.to_str()?.to_uppercase(),
            })
        })
        .collect()
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
