//! Where to point a reader for a problem found after Markdown: a page whose template does not
//! exist (its `template = …` line), and a broken link in the generated HTML (the page's
//! Markdown when the link is written there, else the template that printed it).

use std::path::PathBuf;

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

/// Locates a broken link found in the generated file `path`: in the page's Markdown when the
/// link is written there, otherwise in the template that printed it (the project's override,
/// or the built-in), at the first line that mentions it.
pub(super) fn source_of(
    site: &Site,
    config: &Config,
    path: &str,
    link: &str,
    message: String,
) -> Diagnostic {
    let url = path.trim_end_matches("index.html");
    let Some(page) = site.by_url.get(url).map(|&i| &site.pages[i]) else {
        return Diagnostic::file(config.show(&config.output_dir.join(path)), message);
    };
    let find = |text: &str, needle: &str| text.find(needle).filter(|_| !needle.is_empty());
    if let Some(f) = site.file(page)
        && let Ok(text) = std::fs::read_to_string(config.content_dir.join(&f.rel))
        && let Some(at) = find(&text, link)
    {
        return Diagnostic::at(&f.shown, &text, at, message);
    }
    let rel = format!("templates/{}", page.template);
    let user = config.theme_dir.join(&rel);
    let (shown, text) = match std::fs::read_to_string(&user) {
        Ok(text) => (config.show(&user), text),
        Err(_) => (
            PathBuf::from(format!("<built-in theme>/{rel}")),
            crate::theme::builtin(&rel)
                .map(String::from_utf8_lossy)
                .unwrap_or_default()
                .into_owned(),
        ),
    };
    // The template writes `{{ root }}x/`: look for the part after the climb to the root.
    let tail = link.trim_start_matches("./").trim_start_matches("../");
    match find(&text, tail) {
        Some(at) => Diagnostic::at(shown, &text, at, message),
        None => Diagnostic::file(shown, message),
    }
}
