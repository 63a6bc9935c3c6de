//! `pillar check --external`: every link to another site (http and https, in the Markdown
//! files and the data file) fetched once, concurrently, and each broken one reported at every
//! line that holds it. Finding the links is here; fetching is [`fetch`], remembering what
//! worked is [`cache`].

mod cache;
mod fetch;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::{Config, Overrides};
use crate::diag::{Diagnostic, Location, display_path};

pub use cache::CACHE_FILE;
pub use fetch::Verdict;

/// Where a link is written: the file (as shown) and the byte offset of the URL in its text.
struct Place {
    path: PathBuf,
    offset: usize,
}

/// Every external link of the project, each with the places that hold it.
struct Links {
    /// Link (without its fragment) → where it is written.
    places: BTreeMap<String, Vec<Place>>,
    /// The text of each file that holds a link, to locate and show the line.
    texts: BTreeMap<PathBuf, String>,
}

/// Checks the external links of the project at `root`: the problems found (errors), or a
/// failure when the project cannot be read.
pub fn check(root: &Path, overrides: &Overrides) -> Result<Vec<Diagnostic>, crate::Failure> {
    let config = crate::config::load(root, overrides).map_err(crate::Failure::Site)?;
    let links = find(&config);
    let settings = &config.external_links;
    let todo: Vec<&str> = links
        .places
        .keys()
        .map(String::as_str)
        .filter(|u| !settings.skip.iter().any(|p| u.starts_with(p.as_str())))
        .collect();
    let cache_path = config.root.join(crate::project::CACHE_DIR).join(CACHE_FILE);
    let mut cache = cache::Cache::read(&cache_path, settings.cache_hours);
    let fresh: Vec<&str> = todo
        .iter()
        .copied()
        .filter(|u| !cache.is_fresh(u))
        .collect();
    let verdicts = fetch::all(&fresh, settings);
    for (url, verdict) in fresh.iter().zip(&verdicts) {
        if verdict.is_ok() {
            cache.worked(url);
        }
    }
    cache
        .write(&cache_path)
        .map_err(|e| crate::Failure::Tool(format!("{}: {e}", cache_path.display())))?;
    let mut problems = Vec::new();
    for (url, verdict) in fresh.iter().zip(verdicts) {
        let Verdict::Broken(why) = verdict else {
            continue;
        };
        for place in &links.places[*url] {
            let text = &links.texts[&place.path];
            problems.push(
                Location::at(&place.path, text, place.offset)
                    .error(format!("broken external link {url}: {why}"))
                    .with_hint("fix or remove the link, or add its address to external_links.skip in site-config.toml"),
            );
        }
    }
    problems.sort_by(|a, b| (&a.path, a.line, a.col).cmp(&(&b.path, b.line, b.col)));
    Ok(problems)
}

/// The external links of the Markdown files under `content/` and of the data file.
fn find(config: &Config) -> Links {
    let mut links = Links {
        places: BTreeMap::new(),
        texts: BTreeMap::new(),
    };
    let markdown = walkdir::WalkDir::new(&config.content_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path());
    for path in markdown {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let found = in_markdown(&text);
        links.add(display_path(&config.root, &path), text, found);
    }
    if let Some(path) = &config.data_file
        && let Ok(text) = std::fs::read_to_string(path)
    {
        let found = in_data(&text);
        links.add(display_path(&config.root, path), text, found);
    }
    links
}

impl Links {
    fn add(&mut self, path: PathBuf, text: String, found: Vec<(usize, String)>) {
        if found.is_empty() {
            return;
        }
        for (offset, url) in found {
            let url = url.split('#').next().unwrap_or_default().to_owned();
            self.places.entry(url).or_default().push(Place {
                path: path.clone(),
                offset,
            });
        }
        self.texts.insert(path, text);
    }
}

fn is_external(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// The http(s) links and images of a Markdown text, with the offset of each URL.
fn in_markdown(text: &str) -> Vec<(usize, String)> {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let body = match crate::load::split_front_matter(text) {
        Ok((_, _, body)) => body,
        Err(_) => 0,
    };
    let mut found = Vec::new();
    let parser = Parser::new_ext(&text[body..], Options::all()).into_offset_iter();
    for (event, range) in parser {
        let (Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. })) =
            event
        else {
            continue;
        };
        if !is_external(&dest_url) {
            continue;
        }
        let span = &text[body + range.start..body + range.end];
        // The URL itself where it is written out; else (a reference link) the link's start.
        let at = span.find(dest_url.as_ref()).unwrap_or(0);
        found.push((body + range.start + at, dest_url.into_string()));
    }
    found
}

/// The http(s) addresses in the strings of a data file (TOML), with the offset of each: a
/// whole string (`url = "https://…"`) or an address inside one (Markdown such as
/// `[report](https://…)`); comment lines are left out.
fn in_data(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        if !line.trim_start().starts_with('#') {
            for (i, _) in line.match_indices("http") {
                let rest = &line[i..];
                let before = line[..i].chars().next_back();
                if !is_external(rest) || !matches!(before, Some('"' | '\'' | '(' | '<' | ' ')) {
                    continue;
                }
                let end = rest
                    .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ')' | '>' | ']'))
                    .unwrap_or(rest.len());
                let url = rest[..end].trim_end_matches(['.', ',', ';', ':']);
                found.push((line_start + i, url.to_owned()));
            }
        }
        line_start += line.len();
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_links_and_images_are_found_at_their_url() {
        let text = "+++\ntitle = \"[x](https://front.example/)\"\n+++\nSee [a](https://a.example/x#top), ![i](http://i.example/p.png), [r][ref], <https://auto.example/> and [in](/local/).\n\n[ref]: https://ref.example/\n";
        let found = in_markdown(text);
        let urls: Vec<&str> = found.iter().map(|(_, u)| u.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://a.example/x#top",
                "http://i.example/p.png",
                "https://ref.example/",
                "https://auto.example/"
            ]
        );
        assert!(text[found[0].0..].starts_with("https://a.example/"));
    }

    #[test]
    fn data_file_addresses_are_found_in_both_kinds_of_string() {
        let text = "url = \"https://a.example/r\"\nother = 'http://b.example/'\n# see https://comment.example/\nnote = \"In [a report](https://c.example/x), see https://d.example/.\"\nname = \"nothttps://e\"\n";
        let found = in_data(text);
        let urls: Vec<&str> = found.iter().map(|(_, u)| u.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://a.example/r",
                "http://b.example/",
                "https://c.example/x",
                "https://d.example/"
            ]
        );
        assert_eq!(&text[found[0].0..found[0].0 + 5], "https");
        assert!(text[found[2].0..].starts_with("https://c.example/x)"));
    }
}
