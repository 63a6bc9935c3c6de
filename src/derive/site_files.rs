//! Site-wide files computed from the page list: `sitemap.xml` and `robots.txt`.

use crate::config::Config;
use crate::markdown::escape;
use crate::model::Site;

/// `sitemap.xml` listing every page, with its date where it has one.
pub fn sitemap(site: &Site, config: &Config) -> String {
    let mut urls: Vec<(String, Option<String>)> = site
        .pages
        .iter()
        .map(|p| {
            (
                config.permalink(&p.url),
                p.updated.or(p.date).map(|d| d.iso()),
            )
        })
        .collect();
    urls.sort();
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (loc, lastmod) in urls {
        s.push_str("  <url>\n    <loc>");
        s.push_str(&escape(&loc));
        s.push_str("</loc>\n");
        // lastmod must be a full W3C date; a year or month alone is not accepted by crawlers.
        if let Some(d) = lastmod.filter(|d| d.len() == 10) {
            s.push_str(&format!("    <lastmod>{d}</lastmod>\n"));
        }
        s.push_str("  </url>\n");
    }
    s.push_str("</urlset>\n");
    s
}

/// `robots.txt`, naming the sitemap of each edition (`bases`: the address of each edition,
/// the site's own when it has one).
pub fn robots<'a>(bases: impl IntoIterator<Item = &'a str>) -> String {
    let mut s = String::from("User-agent: *\nAllow: /\n");
    for base in bases {
        s.push_str(&format!("Sitemap: {base}sitemap.xml\n"));
    }
    s
}
