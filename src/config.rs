//! Site configuration in two steps: [`RawConfig`] is exactly what the user wrote in
//! `site-config.toml` (unknown keys are errors), [`Config`] is the checked, resolved form the
//! pipeline uses (absolute paths, parsed base URL, command-line overrides applied).

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::diag::{Diagnostic, Location, display_path, toml_diagnostic};
use crate::project::{self, CONFIG_FILE, normalize};

/// `site-config.toml` as written.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub title: Option<String>,
    pub description: Option<String>,
    pub base_url: Option<Spanned<String>>,
    pub language: Option<Spanned<String>>,
    pub author: Option<String>,
    pub output_dir: Option<Spanned<String>>,
    pub data: Option<Spanned<String>>,
    /// Raw HTML in Markdown content files: passed through (true, the default) or escaped.
    pub allow_html: Option<bool>,
    /// `$…$` and `$$…$$` in Markdown are math (off by default: prices such as `$5-$10`).
    pub math: Option<bool>,
    /// The licence of the data downloads (`data/`), shown beside them and in `reform.json`.
    pub data_licence: Option<String>,
    #[serde(default)]
    pub paths: RawPaths,
    /// Editions in other languages, each built under `/LANG/` from `content/LANG/`.
    #[serde(default)]
    pub edition: Vec<RawEdition>,
    /// How `pillar check --external` fetches links to other sites.
    #[serde(default)]
    pub external_links: ExternalLinks,
    /// The colours of highlighted code.
    #[serde(default)]
    pub highlight: RawHighlight,
    #[serde(default)]
    pub extra: toml::Table,
}

/// An `[[edition]]` table as written.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct RawEdition {
    pub language: Spanned<String>,
    pub title: Option<String>,
    pub description: Option<String>,
}

/// An edition in another language than the site's: its language (also its folder in
/// `content/` and its prefix in the output), and its own title and description.
#[derive(Debug, Clone)]
pub struct EditionSpec {
    pub language: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// Where `language` is set, for an error if it has no interface strings.
    pub at: Location,
}

/// What an edition in another language reads of the default one: the pages it has not
/// translated, from the default content folder, and the data file's text in its language.
#[derive(Debug, Clone)]
pub struct Translation {
    /// The default edition's content folder, whose pages stand in for missing ones.
    pub fallback_dir: PathBuf,
    /// The default edition's language, set on the text of those pages.
    pub fallback_language: String,
    /// The data file's display text in this language, e.g. `content/reform.fr.toml`.
    pub overlay: Option<PathBuf>,
}

/// `[highlight]`: the syntax-highlighting themes, by name.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct RawHighlight {
    pub theme: Option<Spanned<String>>,
    pub dark_theme: Option<Spanned<String>>,
}

/// The highlighting themes for light and dark mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Highlight {
    pub light: ThemeName,
    pub dark: ThemeName,
}

pub use two_face::theme::EmbeddedThemeName as ThemeName;

impl Default for Highlight {
    fn default() -> Self {
        Self {
            light: ThemeName::ColdarkCold,
            dark: ThemeName::ColdarkDark,
        }
    }
}

/// The theme called `name` (ignoring case), or a located error listing the choices.
fn theme_named(key: &str, name: &Spanned<String>, text: &str) -> Result<ThemeName, Diagnostic> {
    let all = two_face::theme::EmbeddedLazyThemeSet::theme_names();
    let wanted = name.get_ref();
    if let Some(t) = all
        .iter()
        .find(|t| t.as_name().eq_ignore_ascii_case(wanted))
    {
        return Ok(*t);
    }
    let names: Vec<&str> = all.iter().map(|t| t.as_name()).collect();
    let choices = names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let hint = match crate::diag::suggestion(wanted, names.iter().copied()) {
        Some(s) => format!("{s} The themes: {choices}"),
        None => format!("the themes: {choices}"),
    };
    Err(Diagnostic::at(
        CONFIG_FILE,
        text,
        name.span().start,
        format!("highlight.{key} = {wanted:?} is not a highlighting theme"),
    )
    .with_hint(hint))
}

/// `[external_links]`: how `pillar check --external` fetches links to other sites.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields, default)]
pub struct ExternalLinks {
    /// How many requests run at once.
    pub concurrency: Spanned<u32>,
    /// Seconds a request may take, redirects included.
    pub timeout: Spanned<u32>,
    /// Hours a link found working is not fetched again.
    pub cache_hours: u32,
    /// Redirects followed before the link counts as broken.
    pub max_redirects: u32,
    /// Links that start with any of these are not fetched.
    pub skip: Vec<String>,
}

impl Default for ExternalLinks {
    fn default() -> Self {
        Self {
            concurrency: Spanned::new(0..0, 8),
            timeout: Spanned::new(0..0, 10),
            cache_hours: 24,
            max_redirects: 10,
            skip: Vec::new(),
        }
    }
}

/// Where the generated pages live (URL segments), so another reform can say "agencies".
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct RawPaths {
    pub units: Option<Spanned<String>>,
    pub comparison: Option<Spanned<String>>,
    pub timeline: Option<Spanned<String>>,
    pub sources: Option<Spanned<String>>,
    pub glossary: Option<Spanned<String>>,
}

/// Options given on the command line, which override the file.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub output_dir: Option<PathBuf>,
    /// Where the build keeps its bookkeeping (default: in the project's cache folder, see
    /// [`project::cache_dir`]).
    pub cache_dir: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
}

/// The URL segments of the generated pages.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Paths {
    pub units: String,
    pub comparison: String,
    pub timeline: String,
    pub sources: String,
    pub glossary: String,
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub root: PathBuf,
    pub content_dir: PathBuf,
    pub theme_dir: PathBuf,
    pub output_dir: PathBuf,
    /// The folder of what a build records for the next one into `output_dir`.
    pub cache_dir: PathBuf,
    /// The data file, if the project has one.
    pub data_file: Option<PathBuf>,
    pub title: String,
    pub description: String,
    pub author: Option<String>,
    pub language: String,
    /// Always ends with `/`, e.g. `https://example.org/explainer/`.
    pub base_url: String,
    /// The path part of `base_url`, e.g. `/explainer/`.
    pub base_path: String,
    /// Where `language` is set, for an error if it has no translations.
    pub language_at: Option<Location>,
    pub allow_html: bool,
    pub math: bool,
    /// The licence of the data downloads, e.g. "CC BY 4.0".
    pub data_licence: Option<String>,
    pub drafts: bool,
    pub paths: Paths,
    pub external_links: ExternalLinks,
    pub highlight: Highlight,
    pub extra: toml::Table,
    /// The editions in other languages (`[[edition]]`), in the order written.
    pub editions: Vec<EditionSpec>,
    /// Folders of `content/` that are not pages of this edition (the other editions').
    pub content_skip: Vec<String>,
    /// Set for an edition in another language than the site's.
    pub translation: Option<Translation>,
}

impl Config {
    /// What the configuration leaves out that a published site needs: warnings.
    pub fn warnings(&self) -> impl Iterator<Item = Diagnostic> {
        let base_url = (self.base_url == "/").then(|| {
            Diagnostic::file(CONFIG_FILE, "base_url is not set: sitemap.xml and atom.xml hold paths instead of addresses, and pages have no canonical link")
                .with_hint("add base_url = \"https://…/\" to site-config.toml, or pass --base-url")
                .warning()
        });
        base_url.into_iter()
    }

    /// Whether `path` is the data file's text in one of the editions' languages
    /// (`content/reform.fr.toml`), which is read with the data file, not published.
    pub fn is_data_overlay(&self, path: &Path) -> bool {
        let Some(data) = &self.data_file else {
            return false;
        };
        let stem = data.file_stem().unwrap_or_default().to_string_lossy();
        self.content_skip.iter().any(|l| {
            path.parent() == data.parent()
                && path.file_name().and_then(|n| n.to_str()) == Some(&format!("{stem}.{l}.toml"))
        })
    }

    /// The absolute URL of a root-relative path such as `departments/dpo/`.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// A path shown to the user: relative to the project root when inside it.
    pub fn show(&self, path: &Path) -> PathBuf {
        display_path(&self.root, path)
    }
}

/// Reads and resolves `ROOT/site-config.toml`. A missing file gives every key its default
/// (the commands refuse such a root first: see `project::require_config`).
pub fn load(root: &Path, overrides: &Overrides) -> Result<Config, Vec<Diagnostic>> {
    let path = root.join(CONFIG_FILE);
    let shown = Path::new(CONFIG_FILE);
    let text = match std::fs::read(&path) {
        Ok(bytes) => crate::diag::decode(&bytes, shown).map_err(|d| vec![d])?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(vec![Diagnostic::file(shown, format!("cannot read: {e}"))]);
        }
    };
    let raw = parse(&text, shown).map_err(|d| vec![d])?;
    resolve(root, raw, overrides, &text)
}

/// Parses the text of a config file.
pub fn parse(text: &str, shown: &Path) -> Result<RawConfig, Diagnostic> {
    toml::from_str(text).map_err(|e| toml_diagnostic(shown, text, 0, &e))
}

fn resolve(
    root: &Path,
    raw: RawConfig,
    o: &Overrides,
    text: &str,
) -> Result<Config, Vec<Diagnostic>> {
    let at =
        |s: &Spanned<String>, msg: String| Diagnostic::at(CONFIG_FILE, text, s.span().start, msg);
    let mut problems = Vec::new();

    // The command line's --base-url is checked by the command line parser.
    let base_raw = o
        .base_url
        .clone()
        .or_else(|| raw.base_url.as_ref().map(|b| b.get_ref().clone()))
        .unwrap_or_else(|| "/".to_owned());
    let (base_url, base_path) = match parse_base_url(&base_raw) {
        Ok(v) => v,
        Err(msg) => {
            let d = match (&o.base_url, &raw.base_url) {
                (None, Some(b)) => at(b, format!("invalid base_url {base_raw:?}: {msg}")),
                _ => Diagnostic::file(
                    "--base-url",
                    format!("invalid base URL {base_raw:?}: {msg}"),
                ),
            };
            problems.push(d.with_hint("use an absolute URL such as \"https://example.org/\" or \"https://example.org/explainer/\""));
            (String::new(), String::new())
        }
    };

    let rp = &raw.paths;
    let seg = |v: &Option<Spanned<String>>, default: &str| {
        v.as_ref()
            .map_or_else(|| default.to_owned(), |s| s.get_ref().clone())
    };
    let paths = Paths {
        units: seg(&rp.units, "departments"),
        comparison: seg(&rp.comparison, "comparison"),
        timeline: seg(&rp.timeline, "timeline"),
        sources: seg(&rp.sources, "sources"),
        glossary: seg(&rp.glossary, "glossary"),
    };
    let keyed = [
        ("units", &rp.units, &paths.units),
        ("comparison", &rp.comparison, &paths.comparison),
        ("timeline", &rp.timeline, &paths.timeline),
        ("sources", &rp.sources, &paths.sources),
        ("glossary", &rp.glossary, &paths.glossary),
    ];
    for (i, (key, spanned, value)) in keyed.iter().enumerate() {
        let Some(spanned) = spanned else { continue };
        if !crate::ids::is_valid_id(value) {
            problems.push(
                at(
                    spanned,
                    format!("paths.{key} = {value:?} is not a valid URL segment"),
                )
                .with_hint("use lower-case letters, digits and '-'"),
            );
        } else if let Some((other, _, _)) = keyed
            .iter()
            .enumerate()
            .find(|(j, (_, _, v))| *j != i && v == value)
            .map(|(_, k)| k)
        {
            problems.push(
                at(
                    spanned,
                    format!("paths.{key} = {value:?} is also the URL segment of paths.{other}"),
                )
                .with_hint("give every generated page its own segment"),
            );
        }
    }

    let output_dir = match (&o.output_dir, &raw.output_dir) {
        (Some(p), _) if p.is_absolute() => p.clone(),
        (Some(p), _) => std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.clone()),
        (None, Some(d)) => root.join(d.get_ref()),
        (None, None) => root.join(project::DEFAULT_OUTPUT_DIR),
    };
    let output_dir = normalize(&output_dir);
    let cache_dir = (o.cache_dir.clone()).unwrap_or_else(|| project::cache_dir(root, &output_dir));
    let content_dir = root.join(project::CONTENT_DIR);
    let theme_dir = root.join(project::THEME_DIR);

    let data_file = match &raw.data {
        Some(d) => {
            let p = normalize(&root.join(d.get_ref()));
            if !p.starts_with(root) {
                problems.push(at(
                    d,
                    format!("data file {:?} is outside the project", d.get_ref()),
                ));
            } else if !project::stays_inside(root, &p) {
                problems.push(
                    at(
                        d,
                        format!(
                            "data file {:?} is a link to a file outside the project",
                            d.get_ref()
                        ),
                    )
                    .with_hint("copy the file into the project instead of linking to it"),
                );
            } else if !p.is_file() {
                let mut diag = at(d, format!("data file {:?} does not exist", d.get_ref()));
                diag = match crate::diag::nearby_file(&p) {
                    Some(near) => diag.with_hint(format!(
                        "did you mean \"{}\"?",
                        display_path(root, &near).display()
                    )),
                    None => diag.with_hint("remove the `data` key to build without a data file"),
                };
                problems.push(diag);
            }
            Some(p)
        }
        None => {
            let p = content_dir.join(project::DEFAULT_DATA_FILE);
            if p.is_file() && !project::stays_inside(root, &p) {
                problems.push(
                    Diagnostic::file(
                        display_path(root, &p),
                        "the data file is a link to a file outside the project",
                    )
                    .with_hint("copy the file into the project instead of linking to it"),
                );
            }
            p.is_file().then_some(p)
        }
    };

    let language = raw
        .language
        .as_ref()
        .map_or_else(|| "en".to_owned(), |l| l.get_ref().clone());
    let mut editions: Vec<EditionSpec> = Vec::new();
    for e in &raw.edition {
        let lang = e.language.get_ref();
        let problem = if !crate::ids::is_valid_id(lang) {
            Some(format!(
                "edition language {lang:?} is not a language code such as \"fr\""
            ))
        } else if *lang == language {
            Some(format!(
                "edition language {lang:?} is the site's own language"
            ))
        } else if editions.iter().any(|o| o.language == *lang) {
            Some(format!("there are two editions in {lang:?}"))
        } else {
            None
        };
        if let Some(msg) = problem {
            problems.push(at(&e.language, msg).with_hint(
                "each [[edition]] names another language, once: its pages are in content/LANG/",
            ));
            continue;
        }
        editions.push(EditionSpec {
            language: lang.clone(),
            title: e.title.clone(),
            description: e.description.clone(),
            at: Location::at(CONFIG_FILE, text, e.language.span().start),
        });
    }

    if let Err(msg) = project::check_output_dir(root, &output_dir) {
        problems.push(match (&o.output_dir, &raw.output_dir) {
            (None, Some(d)) => at(d, msg),
            (Some(_), _) => Diagnostic::file("--output", msg),
            (None, None) => Diagnostic::file(CONFIG_FILE, msg),
        });
    }

    let ext = &raw.external_links;
    for (key, n) in [("concurrency", &ext.concurrency), ("timeout", &ext.timeout)] {
        if *n.get_ref() == 0 {
            problems.push(
                Diagnostic::at(
                    CONFIG_FILE,
                    text,
                    n.span().start,
                    format!("external_links.{key} must be at least 1"),
                )
                .with_hint(if key == "timeout" {
                    "seconds a request may take, e.g. 10"
                } else {
                    "how many requests run at once, e.g. 8"
                }),
            );
        }
    }

    let mut highlight = Highlight::default();
    for (key, name, slot) in [
        ("theme", &raw.highlight.theme, &mut highlight.light),
        ("dark_theme", &raw.highlight.dark_theme, &mut highlight.dark),
    ] {
        match name.as_ref().map(|n| theme_named(key, n, text)) {
            Some(Ok(t)) => *slot = t,
            Some(Err(d)) => problems.push(d),
            None => {}
        }
    }

    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Config {
        root: root.to_path_buf(),
        content_dir,
        theme_dir,
        output_dir,
        cache_dir,
        data_file,
        title: raw.title.unwrap_or_else(|| "Untitled explainer".into()),
        description: raw.description.unwrap_or_default(),
        author: raw.author,
        language_at: (raw.language.as_ref())
            .map(|l| Location::at(CONFIG_FILE, text, l.span().start)),
        language,
        base_url,
        base_path,
        allow_html: raw.allow_html.unwrap_or(true),
        math: raw.math.unwrap_or(false),
        data_licence: raw.data_licence.filter(|l| !l.trim().is_empty()),
        drafts: o.drafts,
        paths,
        external_links: raw.external_links,
        highlight,
        extra: raw.extra,
        content_skip: editions.iter().map(|e| e.language.clone()).collect(),
        editions,
        translation: None,
    })
}

/// `https://example.org/a/b` → (`https://example.org/a/b/`, `/a/b/`); a bare `/` is allowed
/// for sites that do not know their address yet.
pub fn parse_base_url(raw: &str) -> Result<(String, String), String> {
    if raw == "/" {
        return Ok(("/".into(), "/".into()));
    }
    let url = url::Url::parse(raw).map_err(|e| e.to_string())?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "the scheme must be http or https, not {:?}",
            url.scheme()
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("a base URL cannot have a query or a fragment".into());
    }
    let mut s = url.to_string();
    if !s.ends_with('/') {
        s.push('/');
    }
    let mut path = url.path().to_owned();
    if !path.ends_with('/') {
        path.push('/');
    }
    Ok((s, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_keeps_its_sub_path_with_a_trailing_slash() {
        assert_eq!(
            parse_base_url("https://example.org/explainer").unwrap(),
            (
                "https://example.org/explainer/".into(),
                "/explainer/".into()
            )
        );
        assert_eq!(parse_base_url("https://example.org").unwrap().1, "/");
        assert!(parse_base_url("ftp://example.org").is_err());
        assert!(parse_base_url("not a url").is_err());
    }

    #[test]
    fn unknown_keys_are_refused_with_their_location() {
        let err = parse(
            "title = \"x\"\ntitel = \"y\"\n",
            Path::new("site-config.toml"),
        )
        .unwrap_err();
        assert_eq!((err.line, err.col), (2, 1));
        assert!(err.message.contains("titel"), "{}", err.message);
    }
}
