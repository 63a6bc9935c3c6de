//! Where to point a reader for a problem found after Markdown: a page whose template does not
//! exist (its `template = …` line), and a broken link in the generated HTML (the page's
//! Markdown when the link is written there, else the template that printed it).

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::model::Site;

pub(super) fn missing_template(site: &Site, page: usize, template: &str) -> Diagnostic {
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
        Some(f) => Diagnostic::file(&f.shown, msg).with_hint(hint),
        None => Diagnostic::file(&page.rel, msg).with_hint(hint),
    }
}

/// Locates the broken links found in the generated files: each in the page's Markdown when
/// the link is written there, otherwise in the template that printed it (the project's
/// override, or the built-in), at the first line that mentions it. Each file is read once
/// however many links of it are broken.
pub(super) struct Links<'a> {
    site: &'a Site,
    config: &'a Config,
    /// Texts read so far, by path; `None` for a file that cannot be read.
    read: RefCell<HashMap<PathBuf, Option<Arc<str>>>>,
}

impl<'a> Links<'a> {
    pub(super) fn new(site: &'a Site, config: &'a Config) -> Self {
        Self {
            site,
            config,
            read: RefCell::default(),
        }
    }

    fn text(&self, path: &Path) -> Option<Arc<str>> {
        let mut read = self.read.borrow_mut();
        read.entry(path.to_path_buf())
            .or_insert_with(|| std::fs::read_to_string(path).ok().map(Arc::from))
            .clone()
    }

    /// The problem `message` about `link` in the generated file `path`, located.
    pub(super) fn source_of(&self, path: &str, link: &str, message: String) -> Diagnostic {
        let (site, config) = (self.site, self.config);
        let url = path.trim_end_matches("index.html");
        let Some(page) = site.by_url.get(url).map(|&i| &site.pages[i]) else {
            return Diagnostic::file(config.show(&config.output_dir.join(path)), message);
        };
        // memmem: thousands of broken links search one long page.
        let find = |text: &str, needle: &str| {
            memchr::memmem::find(text.as_bytes(), needle.as_bytes()).filter(|_| !needle.is_empty())
        };
        let content = site
            .file(page)
            .and_then(|f| Some((f, self.text(&config.content_dir.join(&f.rel))?)));
        if let Some((f, text)) = &content
            && let Some(at) = find(text, link).or_else(|| raw_attribute(text, link))
        {
            return crate::diag::locate(&f.shown, text, at).error(message);
        }
        let rel = format!("templates/{}", page.template);
        let user = config.theme_dir.join(&rel);
        let (shown, text) = match self.text(&user) {
            Some(text) => (config.show(&user), text),
            None => {
                let shown = crate::theme::builtin_shown(&rel);
                let text = self
                    .read
                    .borrow_mut()
                    .entry(shown.clone())
                    .or_insert_with(|| {
                        let bytes = crate::theme::builtin(&rel).unwrap_or_default();
                        Some(Arc::from(String::from_utf8_lossy(bytes)))
                    })
                    .clone()
                    .unwrap_or_default();
                (shown, text)
            }
        };
        // The template writes `{{ root }}x/`: look for the part after the climb to the root.
        let tail = link.trim_start_matches("./").trim_start_matches("../");
        match find(&text, tail) {
            Some(at) => crate::diag::locate(shown, &text, at).error(message),
            // Not in the template either: the page's own Markdown is what a reader can fix.
            None => match &content {
                Some((f, _)) => Diagnostic::file(&f.shown, message),
                None => Diagnostic::file(shown, message),
            },
        }
    }
}

/// Where raw HTML in `text` writes `link` as an `href` or `src` value with character
/// references (`&#109;issing/`), which the generated page holds decoded.
fn raw_attribute(text: &str, link: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find('=').map(|i| from + i) {
        from = i + 1;
        let name = text[..i].trim_end();
        if !(name.ends_with("href") || name.ends_with("src")) {
            continue;
        }
        let rest = text[i + 1..].trim_start();
        let start = text.len() - rest.len();
        let (value, at) = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => (rest[1..].split(q).next()?, start + 1),
            _ => (rest.split([' ', '>', '\n']).next()?, start),
        };
        if value.contains('&') && decode_references(value) == link {
            return Some(at);
        }
    }
    None
}

/// `&#109;`, `&#x6d;` and the five named references of XML, decoded.
fn decode_references(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|&e| e <= 10).and_then(|semi| {
            let c = match &rest[1..semi] {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                n => n.strip_prefix('#').and_then(|n| {
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => n.parse().ok(),
                    };
                    code.and_then(char::from_u32)
                }),
            };
            c.map(|c| (c, semi))
        });
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_written_with_character_references_is_found_where_it_is_written() {
        let text = "+++\ntitle = \"E\"\n+++\n<a href=\"&#109;issing-page/\">broken</a>\n";
        let at = raw_attribute(text, "missing-page/").unwrap();
        assert!(text[at..].starts_with("&#109;issing"));
        assert_eq!(decode_references("&#x6D;a&amp;b&nope;"), "ma&b&nope;");
    }
}
