//! The site as plain data: one [`Page`] per output page, real (from a Markdown file) or
//! generated (from the reform data), each with its URL. Sections are folders with
//! `_index.md`, as in Zola; a unit's optional prose in `content/<units>/ID.md` is joined to
//! its generated page.

use std::collections::HashMap;

use crate::config::Config;
use crate::date::PartialDate;
use crate::diag::{Diagnostic, Diagnostics};
use crate::ids::slugify;
use crate::load::{AssetFile, ContentFile, Loaded, SortBy};
use crate::model::reform::Reform;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    Home,
    Section,
    Page,
    Units,
    Unit(usize),
    Comparison,
    Timeline,
    Sources,
    Glossary,
}

impl PageKind {
    /// Whether the page lists what every other page cites, and so renders after them.
    pub fn needs_citations(self) -> bool {
        self == PageKind::Sources
    }

    pub fn name(self) -> &'static str {
        match self {
            PageKind::Home => "home",
            PageKind::Section => "section",
            PageKind::Page => "page",
            PageKind::Units => "units",
            PageKind::Unit(_) => "unit",
            PageKind::Comparison => "comparison",
            PageKind::Timeline => "timeline",
            PageKind::Sources => "sources",
            PageKind::Glossary => "glossary",
        }
    }

    fn default_template(self) -> &'static str {
        match self {
            PageKind::Home => "home.html",
            PageKind::Section => "section.html",
            PageKind::Page => "page.html",
            PageKind::Units => "units.html",
            PageKind::Unit(_) => "unit.html",
            PageKind::Comparison => "comparison.html",
            PageKind::Timeline => "timeline.html",
            PageKind::Sources => "sources.html",
            PageKind::Glossary => "glossary.html",
        }
    }

    pub fn is_section(self) -> bool {
        matches!(self, PageKind::Home | PageKind::Section | PageKind::Units)
    }
}

#[derive(Debug, Clone)]
pub struct Page {
    pub kind: PageKind,
    /// Content path, real or virtual: `_index.md`, `departments/dpo.md`, `comparison.md`.
    pub rel: String,
    /// Root-relative URL: `""` for the home page, otherwise ending in `/`.
    pub url: String,
    /// The Markdown file behind the page, if any (index into [`Site::files`]).
    pub file: Option<usize>,
    pub title: String,
    pub description: Option<String>,
    pub date: Option<PartialDate>,
    pub updated: Option<PartialDate>,
    pub weight: i64,
    pub template: String,
    /// The section page this page belongs to.
    pub section: Option<usize>,
    /// Sections only: their pages and subsections, in order.
    pub pages: Vec<usize>,
    pub subsections: Vec<usize>,
}

#[derive(Debug)]
pub struct Site {
    pub pages: Vec<Page>,
    pub files: Vec<ContentFile>,
    pub assets: Vec<AssetFile>,
    pub reform: Option<Reform>,
    /// Content path → page.
    pub by_rel: HashMap<String, usize>,
    /// URL → page.
    pub by_url: HashMap<String, usize>,
    /// Indices of the generated pages, when the site has reform data.
    pub special: Option<Special>,
    /// Content paths of draft pages left out of this build.
    pub drafts: std::collections::HashSet<String>,
    /// Content paths of the pages shown in the default edition's language, since this
    /// edition has no translation of them.
    pub untranslated: std::collections::BTreeSet<String>,
}

/// Where the generated pages are.
#[derive(Debug, Clone, Copy)]
pub struct Special {
    pub units: usize,
    pub comparison: usize,
    pub timeline: usize,
    pub sources: usize,
    pub glossary: usize,
}

impl Site {
    pub fn file(&self, page: &Page) -> Option<&ContentFile> {
        page.file.map(|i| &self.files[i])
    }

    /// The page for a content path such as `departments/dpo.md`.
    pub fn page_by_rel(&self, rel: &str) -> Option<usize> {
        self.by_rel.get(rel).copied()
    }
}

/// URL of a content path: `a/b.md` → `a/b/`, `a/_index.md` and `a/index.md` → `a/`.
pub fn url_of(rel: &str) -> Result<String, String> {
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    let mut parts: Vec<&str> = stem.split('/').collect();
    if matches!(parts.last(), Some(&"_index") | Some(&"index")) {
        parts.pop();
    }
    let mut url = String::new();
    for p in parts {
        let slug = slugify(p);
        if slug.is_empty() {
            return Err(format!("cannot make a URL from the name {p:?}"));
        }
        url.push_str(&slug);
        url.push('/');
    }
    Ok(url)
}

fn humanize(rel: &str) -> String {
    let stem = rel
        .rsplit('/')
        .next()
        .unwrap_or(rel)
        .trim_end_matches(".md");
    let mut s = stem.replace(['-', '_'], " ");
    if let Some(c) = s.get(..1) {
        let up = c.to_uppercase();
        s.replace_range(..1, &up);
    }
    s
}

/// Builds the page list, assigns URLs, joins prose to generated pages and files pages into
/// sections.
pub fn assemble(
    config: &Config,
    loaded: Loaded,
    reform: Option<Reform>,
    strings: &crate::i18n::Strings,
) -> Result<Site, Vec<Diagnostic>> {
    let mut diags = Diagnostics::default();
    let Loaded {
        files,
        assets,
        untranslated,
        started: _,
    } = loaded;
    let mut pages: Vec<Page> = Vec::new();
    let p = &config.paths;
    let units_dir = format!("{}/", p.units);

    let mut file_of: HashMap<&str, usize> = HashMap::new();
    for (i, f) in files.iter().enumerate() {
        if f.front.draft && !config.drafts {
            continue;
        }
        file_of.insert(f.rel.as_str(), i);
    }

    // A page of the given kind at `rel`, joined to the Markdown file of that path if any.
    let add =
        |pages: &mut Vec<Page>, kind: PageKind, rel: String, url: String, default_title: &str| {
            let file = file_of.get(rel.as_str()).copied();
            let fm = file.map(|i| &files[i].front);
            // A generated page keeps its title in this edition's language when its prose
            // is the default edition's.
            let own_title =
                matches!(kind, PageKind::Page | PageKind::Section) || !untranslated.contains(&rel);
            pages.push(Page {
                kind,
                url,
                file,
                title: fm
                    .and_then(|m| m.title.clone())
                    .filter(|_| own_title)
                    .unwrap_or_else(|| default_title.to_owned()),
                description: fm.and_then(|m| m.description.clone()),
                date: fm.and_then(|m| m.date),
                updated: fm.and_then(|m| m.updated),
                weight: fm.map_or(0, |m| m.weight),
                template: fm
                    .and_then(|m| m.template.clone())
                    .unwrap_or_else(|| kind.default_template().to_owned()),
                section: None,
                pages: Vec::new(),
                subsections: Vec::new(),
                rel,
            });
            pages.len() - 1
        };

    // The home page always exists.
    add(
        &mut pages,
        PageKind::Home,
        "_index.md".into(),
        String::new(),
        &config.title,
    );

    let mut special = None;
    if let Some(r) = &reform {
        let units = add(
            &mut pages,
            PageKind::Units,
            format!("{units_dir}_index.md"),
            units_dir.clone(),
            strings.get("title_units"),
        );
        for (i, u) in r.units.iter().enumerate() {
            add(
                &mut pages,
                PageKind::Unit(i),
                format!("{units_dir}{}.md", u.id),
                format!("{units_dir}{}/", u.id),
                &u.name,
            );
        }
        let mut generated = |kind, seg: &str, title: &str| {
            add(
                &mut pages,
                kind,
                format!("{seg}.md"),
                format!("{seg}/"),
                title,
            )
        };
        let comparison = generated(
            PageKind::Comparison,
            &p.comparison,
            strings.get("title_comparison"),
        );
        let timeline = generated(
            PageKind::Timeline,
            &p.timeline,
            strings.get("title_timeline"),
        );
        let sources = generated(PageKind::Sources, &p.sources, strings.get("title_sources"));
        let glossary = generated(
            PageKind::Glossary,
            &p.glossary,
            strings.get("title_glossary"),
        );
        special = Some(Special {
            units,
            comparison,
            timeline,
            sources,
            glossary,
        });
    }

    // Every other Markdown file is a page or a section.
    let taken: std::collections::HashSet<String> = pages.iter().map(|p| p.rel.clone()).collect();
    let mut hints = crate::diag::Hints::default();
    for f in &files {
        if !file_of.contains_key(f.rel.as_str()) || taken.contains(&f.rel) {
            continue;
        }
        if special.is_some() && f.rel.starts_with(&units_dir) {
            let id = f.rel[units_dir.len()..].trim_end_matches(".md");
            // `departments/dpko/_index.md` for the unit "dpko": the prose belongs in dpko.md.
            let folder = id.split('/').next().unwrap_or(id);
            if folder != id
                && let Some(r) = &reform
                && r.unit_ids.contains_key(folder)
            {
                diags.push(
                    Diagnostic::file(
                        &f.shown,
                        format!("{} does not match any unit in the data file", f.rel),
                    )
                    .with_hint(format!(
                        "the prose of unit \"{folder}\" goes in content/{units_dir}{folder}.md"
                    )),
                );
                continue;
            }
            let mut d = Diagnostic::file(
                &f.shown,
                format!("{} does not match any unit in the data file", f.rel),
            );
            if let Some(r) = &reform
                && let Some(h) = hints.suggestion(id, r.units.iter().map(|u| u.id.as_str()))
            {
                d = d.with_hint(format!("name the file after a unit id: {h}"));
            } else {
                d = d.with_hint(format!("files in content/{units_dir} hold the prose of a unit and are named after its id"));
            }
            diags.push(d);
            continue;
        }
        let kind = if f.rel.ends_with("_index.md") {
            PageKind::Section
        } else {
            PageKind::Page
        };
        match url_of(&f.rel) {
            Ok(url) => {
                add(
                    &mut pages,
                    kind,
                    f.rel.clone(),
                    url,
                    &humanize(&f.rel.replace("/_index.md", "")),
                );
            }
            Err(msg) => diags.push(
                Diagnostic::file(&f.shown, msg).with_hint("rename the file with letters or digits"),
            ),
        }
    }

    // Two pages may not share a URL.
    let mut by_url: HashMap<String, usize> = HashMap::new();
    for (i, page) in pages.iter().enumerate() {
        if let Some(prev) = by_url.insert(page.url.clone(), i) {
            let shown = |p: &Page| {
                p.file.map_or_else(
                    || format!("the generated page {}", p.rel),
                    |f| files[f].shown.display().to_string(),
                )
            };
            let at = page.file.map_or_else(
                || std::path::PathBuf::from(&page.rel),
                |f| files[f].shown.clone(),
            );
            diags.push(
                Diagnostic::file(
                    at,
                    format!(
                        "two pages have the URL /{}: this one and {}",
                        page.url,
                        shown(&pages[prev])
                    ),
                )
                .with_hint("rename one of the files"),
            );
        }
    }
    if diags.has_errors() {
        return Err(diags.sorted());
    }

    let by_rel: HashMap<String, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.rel.clone(), i))
        .collect();
    file_sections(&mut pages, &by_url);
    let drafts = files
        .iter()
        .filter(|f| !file_of.contains_key(f.rel.as_str()))
        .map(|f| f.rel.clone())
        .collect();
    let mut site = Site {
        pages,
        files,
        assets,
        reform,
        by_rel,
        by_url,
        special,
        drafts,
        untranslated,
    };
    sort_sections(&mut site);
    Ok(site)
}

/// Files each page into the nearest section above it (the home page at the top).
fn file_sections(pages: &mut [Page], by_url: &HashMap<String, usize>) {
    for i in 1..pages.len() {
        let mut url = pages[i].url.trim_end_matches('/').to_owned();
        let parent = loop {
            url = match url.rfind('/') {
                Some(cut) => url[..cut].to_owned(),
                None => String::new(),
            };
            let key = if url.is_empty() {
                String::new()
            } else {
                format!("{url}/")
            };
            if let Some(&s) = by_url.get(&key)
                && pages[s].kind.is_section()
            {
                break s;
            }
            if url.is_empty() {
                break 0;
            }
        };
        pages[i].section = Some(parent);
        if pages[i].kind.is_section() {
            pages[parent].subsections.push(i);
        } else {
            pages[parent].pages.push(i);
        }
    }
}

fn sort_sections(site: &mut Site) {
    let order: Vec<(usize, SortBy)> = site
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind.is_section())
        .map(|(i, p)| {
            (
                i,
                site.file(p)
                    .and_then(|f| f.front.sort_by)
                    .unwrap_or(SortBy::Weight),
            )
        })
        .collect();
    for (s, by) in order {
        let mut list = std::mem::take(&mut site.pages[s].pages);
        let mut subs = std::mem::take(&mut site.pages[s].subsections);
        let pages = &site.pages;
        let cmp_key = |&i: &usize| {
            (
                pages[i].weight,
                pages[i].title.to_lowercase(),
                pages[i].url.clone(),
            )
        };
        match by {
            SortBy::Weight => list.sort_by_key(cmp_key),
            SortBy::Title => {
                list.sort_by_key(|i| (pages[*i].title.to_lowercase(), pages[*i].url.clone()))
            }
            SortBy::Date => list.sort_by(|a, b| {
                pages[*b]
                    .date
                    .cmp(&pages[*a].date)
                    .then_with(|| cmp_key(a).cmp(&cmp_key(b)))
            }),
        }
        subs.sort_by_key(cmp_key);
        site.pages[s].pages = list;
        site.pages[s].subsections = subs;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_pretty_and_slugged() {
        assert_eq!(url_of("_index.md").unwrap(), "");
        assert_eq!(url_of("about.md").unwrap(), "about/");
        assert_eq!(url_of("blog/_index.md").unwrap(), "blog/");
        assert_eq!(url_of("blog/First Post.md").unwrap(), "blog/first-post/");
        assert_eq!(url_of("blog/bundle/index.md").unwrap(), "blog/bundle/");
        assert!(url_of("blog/!!!.md").is_err());
    }

    #[test]
    fn titles_default_to_the_file_name() {
        assert_eq!(humanize("blog/first-post.md"), "First post");
    }
}
