//! The Atom feed (`atom.xml`): the reform's dated events and the site's dated pages, newest
//! first, each linking to its place on the site.

use std::fmt::Write;

use crate::config::Config;
use crate::markdown::{PageRenderer, Resolver, escape};

/// Escapes text for XML, leaving out the characters XML 1.0 does not allow (the control
/// characters but tab, line feed and carriage return; U+FFFE, U+FFFF), which a data file may
/// hold and which would make a feed reader drop the whole feed.
fn xml(s: &str) -> String {
    let allowed = |c: char| !matches!(c, '\0'..='\x08' | '\x0B' | '\x0C' | '\x0E'..='\x1F' | '\u{FFFE}' | '\u{FFFF}');
    if s.chars().all(allowed) {
        escape(s)
    } else {
        escape(&s.chars().filter(|&c| allowed(c)).collect::<String>())
    }
}
use crate::model::Site;

pub const FEED_FILE: &str = "atom.xml";

struct Entry {
    title: String,
    link: String,
    updated: String,
    sort: (u16, u8, u8),
    summary: Summary,
}

/// An entry's summary: plain text (an event's summary, a page's description), or a page's
/// summary as HTML (what comes before its `<!-- more -->`), whose relative links resolve
/// against the page's address through `xml:base`.
enum Summary {
    Text(String),
    Html(String),
}

/// Builds the feed. Event summaries are Markdown; the feed carries their plain text. A page
/// carries its summary (`summaries`, by page index) when it has one, else its description.
pub fn atom(
    site: &Site,
    config: &Config,
    resolver: &Resolver<'_>,
    summaries: &[Option<String>],
) -> String {
    let mut entries: Vec<Entry> = Vec::new();
    if let (Some(r), Some(special)) = (&site.reform, site.special) {
        let timeline = &site.pages[special.timeline].url;
        for e in &r.events {
            let summary = e.summary.as_ref().map_or_else(String::new, |s| {
                let mut md = PageRenderer::new(resolver, timeline, "", false);
                md.render_data(&s.text, &s.origin);
                md.notes.text.trim().to_owned()
            });
            let date = resolver.strings.date(e.date);
            entries.push(Entry {
                title: format!("{date}: {}", e.title),
                link: format!("{}#event-{}", config.permalink(timeline), e.id),
                updated: e.date.rfc3339(),
                sort: e.date.sort_key(),
                summary: Summary::Text(summary),
            });
        }
    }
    for (i, p) in site.pages.iter().enumerate() {
        if let Some(d) = p.updated.or(p.date) {
            let summary = match summaries.get(i).cloned().flatten() {
                Some(html) => Summary::Html(html),
                None => Summary::Text(p.description.clone().unwrap_or_default()),
            };
            entries.push(Entry {
                title: p.title.clone(),
                link: config.permalink(&p.url),
                updated: d.rfc3339(),
                sort: d.sort_key(),
                summary,
            });
        }
    }
    entries.sort_by(|a, b| b.sort.cmp(&a.sort).then_with(|| a.link.cmp(&b.link)));
    let updated = entries
        .first()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_owned(), |e| e.updated.clone());
    let mut s = String::with_capacity(4096 + entries.len() * 512);
    s.push_str(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"",
    );
    let _ = writeln!(s, " xml:lang=\"{}\">", xml(&config.language));
    let _ = writeln!(s, "  <title>{}</title>", xml(&config.title));
    if !config.description.is_empty() {
        let _ = writeln!(s, "  <subtitle>{}</subtitle>", xml(&config.description));
    }
    let _ = writeln!(
        s,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        xml(&config.permalink(FEED_FILE))
    );
    let _ = writeln!(
        s,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml(&config.base_url)
    );
    let _ = writeln!(s, "  <id>{}</id>", xml(&config.base_url));
    let _ = writeln!(s, "  <updated>{updated}</updated>");
    let _ = writeln!(
        s,
        "  <author><name>{}</name></author>",
        xml(config.author.as_deref().unwrap_or(&config.title))
    );
    let _ = writeln!(s, "  <generator>pillar</generator>");
    for e in &entries {
        s.push_str("  <entry>\n");
        let _ = writeln!(s, "    <title>{}</title>", xml(&e.title));
        let _ = writeln!(
            s,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            xml(&e.link)
        );
        let _ = writeln!(s, "    <id>{}</id>", xml(&e.link));
        let _ = writeln!(s, "    <updated>{}</updated>", e.updated);
        match &e.summary {
            Summary::Text(t) if t.is_empty() => {}
            Summary::Text(t) => {
                let _ = writeln!(s, "    <summary>{}</summary>", xml(t));
            }
            Summary::Html(h) => {
                let _ = writeln!(
                    s,
                    "    <summary type=\"html\" xml:base=\"{}\">{}</summary>",
                    xml(&e.link),
                    xml(h.trim_end())
                );
            }
        }
        s.push_str("  </entry>\n");
    }
    s.push_str("</feed>\n");
    s
}

#[cfg(test)]
mod xml_tests {
    use super::xml;

    #[test]
    fn characters_xml_does_not_allow_are_left_out() {
        assert_eq!(
            xml("The council\u{1} proposes <it>\tnow"),
            "The council proposes &lt;it&gt;\tnow"
        );
        assert_eq!(xml("\u{FFFE}a\u{0}"), "a");
    }
}
