//! The build as a script of its stages: config → load → data → model → templates and assets →
//! markdown and derive (per page, in parallel) → checks → render (in parallel) → site files.
//! Everything happens in memory; the caller decides whether to write.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::{Config, Overrides};
use crate::derive::{self, PageLink, PageView, Prepared};
use crate::diag::{Diagnostic, Diagnostics};
use crate::markdown::{Resolver, Terms};
use crate::model::{self, PageKind, Site};
use crate::output::OutputFile;
use crate::{Checks, Failure, Generated, check, config, data, load, render};

/// The `site` variable of every template.
#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    language: &'a str,
    author: Option<&'a str>,
    extra: &'a toml::Table,
    nav: Vec<PageLink>,
    paths: &'a config::Paths,
    has_reform: bool,
    generator: &'static str,
}

pub fn generate(root: &Path, overrides: &Overrides, checks: Checks) -> Result<Generated, Failure> {
    let config = config::load(root, overrides)?;
    let loaded = load::load(&config)?;
    let mut warnings = Vec::new();
    let reform = match &loaded.data {
        Some((shown, text)) => {
            let v = data::parse(shown, text);
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
    let site = model::assemble(&config, loaded, reform)?;
    let mut templates = render::load(&config.theme_dir, &config.root)?;
    let assets = crate::assets::collect(&config.theme_dir, &config.root, &site.assets)?;

    let site_view = SiteView {
        title: &config.title,
        description: &config.description,
        base_url: &config.base_url,
        base_path: &config.base_path,
        language: &config.language,
        author: config.author.as_deref(),
        extra: &config.extra,
        nav: nav(&site),
        paths: &config.paths,
        has_reform: site.reform.is_some(),
        generator: concat!("pillar ", env!("CARGO_PKG_VERSION")),
    };
    templates.global().insert("site", &site_view);
    templates.global().insert("assets", &assets.names);

    let mut files: HashSet<String> = assets.files.iter().map(|f| f.path.clone()).collect();
    files.extend(["sitemap.xml", "robots.txt", "404.html"].map(String::from));
    let resolver = Resolver {
        by_rel: &site.by_rel,
        by_url: &site.by_url,
        page_urls: site.pages.iter().map(|p| p.url.as_str()).collect(),
        files,
        source_ids: site.reform.as_ref().map(|r| &r.source_ids),
        sources: site
            .reform
            .as_ref()
            .map_or(&[], |r| r.source_list.as_slice()),
        sources_url: format!("{}/", config.paths.sources),
        drafts: Some(&site.drafts),
        terms: site.reform.as_ref().and_then(|r| {
            Terms::new(
                r.terms
                    .iter()
                    .map(|t| (t.term.as_str(), t.expansion.as_str())),
            )
        }),
    };

    // Markdown and views for every page; the sources page last, as it lists who cites what.
    let sources_page = site.special.map(|s| s.sources);
    let mut prepared: Vec<Prepared> = (0..site.pages.len())
        .into_par_iter()
        .filter(|&i| Some(i) != sources_page)
        .map(|i| derive::prepare(&site, &config, &resolver, i, None))
        .collect();
    if let Some(s) = sources_page {
        let cited = derive::cited_by(&site, &prepared);
        prepared.push(derive::prepare(&site, &config, &resolver, s, Some(&cited)));
    }

    let mut diags = Diagnostics::default();
    for p in &mut prepared {
        diags.extend(std::mem::take(&mut p.notes.diags));
        if !templates.has(&p.template) {
            diags.push(missing_template(&site, p));
        }
    }
    diags.extend(check::markdown_anchors(&site, &prepared));
    if let Some(r) = &site.reform {
        warnings.extend(unused(r, &prepared));
    }
    if diags.has_errors() {
        return Err(Failure::Site(diags.sorted()));
    }

    let rendered: Vec<Result<OutputFile, Diagnostic>> = prepared
        .par_iter()
        .map(|p| {
            let html = templates.render(&p.template, &p.context)?;
            Ok(OutputFile {
                path: format!("{}index.html", site.pages[p.page].url),
                bytes: html.into_bytes(),
            })
        })
        .collect();
    let mut out = Vec::with_capacity(rendered.len() + assets.files.len() + 3);
    for r in rendered {
        match r {
            Ok(f) => out.push(f),
            Err(d) => diags.push(d),
        }
    }
    match not_found_page(&templates, &config) {
        Ok(f) => out.push(f),
        Err(d) => diags.push(d),
    }
    if diags.has_errors() {
        return Err(Failure::Site(diags.sorted()));
    }
    out.push(OutputFile {
        path: "sitemap.xml".into(),
        bytes: derive::site_files::sitemap(&site, &config).into_bytes(),
    });
    out.push(OutputFile {
        path: "robots.txt".into(),
        bytes: derive::site_files::robots(&config).into_bytes(),
    });
    out.extend(assets.files);
    // A stable order makes output, manifests and reports reproducible.
    out.sort_by(|a, b| a.path.cmp(&b.path));

    if checks.html_links {
        let problems = check::html_links(&out, &|path| source_of(&site, &config, path));
        if !problems.is_empty() {
            return Err(Failure::Site(Diagnostics(problems).sorted()));
        }
    }
    Ok(Generated {
        config,
        files: out,
        pages: site.pages.len(),
        warnings: Diagnostics(warnings).sorted(),
    })
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

fn missing_template(site: &Site, p: &Prepared) -> Diagnostic {
    let page = &site.pages[p.page];
    let msg = format!("template {:?} not found", p.template);
    let hint = "templates live in theme/templates/ (docs/templates.md lists the built-in ones)";
    match site.file(page) {
        Some(f) => {
            // Point at the value of `template = "…"` in the front matter.
            let key = f.text[..f.body_start].find("template").unwrap_or(0);
            let offset = f.text[key..f.body_start]
                .find(['"', '\''])
                .map_or(key, |q| key + q);
            Diagnostic::at(&f.shown, &f.text, offset, msg).with_hint(hint)
        }
        None => Diagnostic::error(&page.rel, 1, 1, msg).with_hint(hint),
    }
}

/// Sources and glossary terms that nothing cites or uses: warnings (errors under `--strict`).
fn unused(r: &crate::model::reform::Reform, prepared: &[Prepared]) -> Vec<Diagnostic> {
    let mut cited: BTreeSet<usize> = BTreeSet::new();
    let mut used: BTreeSet<usize> = BTreeSet::new();
    for p in prepared {
        cited.extend(&p.notes.cites);
        used.extend(&p.notes.terms);
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
) -> Result<OutputFile, Diagnostic> {
    let view = PageView {
        title: "Page not found".into(),
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
fn source_of(site: &Site, config: &Config, path: &str) -> std::path::PathBuf {
    let url = path.trim_end_matches("index.html");
    match site.by_url.get(url).map(|&i| &site.pages[i]) {
        Some(p) => match site.file(p) {
            Some(f) if matches!(p.kind, PageKind::Page | PageKind::Section | PageKind::Home) => {
                f.shown.clone()
            }
            _ => std::path::PathBuf::from(format!("theme/templates/{}", p.template)),
        },
        None => config.show(&config.output_dir.join(path)),
    }
}
