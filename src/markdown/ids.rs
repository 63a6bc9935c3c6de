//! The ids the Markdown stage gives headings and footnotes: unique on the page, never one that
//! pillar's templates or its footnotes print, and written percent-encoded into `href="#…"`.

use std::collections::HashSet;

/// Ids the built-in templates print (`theme/templates`): a generated heading id never takes
/// one, and an explicit `{#id}` that names one is an error.
pub const RESERVED_IDS: &[&str] = &[
    "after-heading",
    "before-heading",
    "comparison-units",
    "context-heading",
    "events-heading",
    "facts-heading",
    "function-flow",
    "function-map",
    "functions-caption",
    "functions-heading",
    "heads-heading",
    "list-heading",
    "main",
    "notes",
    "notes-heading",
    "org-chart",
    "sources-heading",
    "story-heading",
    "units-caption",
    "units-heading",
];

/// Prefixes of the ids pillar prints for footnotes (`fn-1`, `fnref-1`) and for the items of
/// its generated pages (`source-ID`, `event-ID`, …). A generated heading id that would start
/// with one gets `section-` in front.
pub const RESERVED_PREFIXES: &[&str] = &[
    "fn-",
    "fnref-",
    "event-",
    "function-",
    "note-",
    "source-",
    "term-",
    "year-",
];

/// Whether pillar itself prints `id` (or ids like it) on some page.
pub fn is_reserved(id: &str) -> bool {
    RESERVED_IDS.contains(&id) || RESERVED_PREFIXES.iter().any(|p| id.starts_with(p))
}

/// The ids taken on one page so far.
#[derive(Default)]
pub struct Ids {
    taken: HashSet<String>,
}

impl Ids {
    /// Takes `id` as written (`{#id}`); `false` when the page already has it.
    pub fn take(&mut self, id: &str) -> bool {
        self.taken.insert(id.to_owned())
    }

    /// `base`, else the first of `base-1`, `base-2`, … that is free (and not reserved), taken.
    pub fn claim(&mut self, base: &str) -> String {
        let mut id = base.to_owned();
        let mut n = 0;
        while self.taken.contains(&id) || RESERVED_IDS.contains(&id.as_str()) {
            n += 1;
            id = format!("{base}-{n}");
        }
        self.taken.insert(id.clone());
        id
    }

    /// A heading's id from its slug: `section` for an empty slug, `section-SLUG` for one that
    /// starts like pillar's own ids, made unique.
    pub fn heading(&mut self, slug: &str) -> String {
        if slug.is_empty() {
            self.claim("section")
        } else if RESERVED_PREFIXES.iter().any(|p| slug.starts_with(p)) {
            self.claim(&format!("section-{slug}"))
        } else {
            self.claim(slug)
        }
    }

    /// The stem of a footnote's ids (`fn-STEM`, `fnref-STEM`), both free: the label's slug, or
    /// the note's number when the label has no letters or digits.
    pub fn footnote(&mut self, slug: &str, number: usize) -> String {
        let base = if slug.is_empty() {
            number.to_string()
        } else {
            slug.to_owned()
        };
        let mut stem = base.clone();
        let mut n = 0;
        while self.taken.contains(&format!("fn-{stem}"))
            || self.taken.contains(&format!("fnref-{stem}"))
        {
            n += 1;
            stem = format!("{base}-{n}");
        }
        self.taken.insert(format!("fn-{stem}"));
        self.taken.insert(format!("fnref-{stem}"));
        stem
    }
}

/// The URL fragment percent-encode set (WHATWG URL), with `%` so that an id is never decoded
/// into another.
const FRAGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'%');

/// `#id` for an `href`: percent-encoded, then HTML-escaped.
pub fn href(id: &str) -> String {
    format!("#{}", super::escape(&fragment(id)))
}

/// `id` percent-encoded for a URL's fragment (`a"b` gives `a%22b`).
pub fn fragment(id: &str) -> String {
    percent_encoding::utf8_percent_encode(id, FRAGMENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_skip_ids_already_taken() {
        let mut ids = Ids::default();
        assert_eq!(ids.heading("a"), "a");
        assert_eq!(ids.heading("a"), "a-1");
        assert_eq!(ids.heading("a-1"), "a-1-1");
        assert_eq!(ids.heading("main"), "main-1");
        assert_eq!(ids.heading("fn-1"), "section-fn-1");
        assert_eq!(ids.heading(""), "section");
        assert_eq!(ids.heading(""), "section-1");
    }

    #[test]
    fn footnote_stems_are_distinct_and_never_empty() {
        let mut ids = Ids::default();
        assert_eq!(ids.footnote("a-b", 1), "a-b");
        assert_eq!(ids.footnote("a-b", 2), "a-b-1");
        assert_eq!(ids.footnote("", 3), "3");
        assert_eq!(ids.footnote("", 4), "4");
    }

    #[test]
    fn hrefs_are_encoded_then_escaped() {
        assert_eq!(href("a\"b"), "#a%22b");
        assert_eq!(href("a b&c"), "#a%20b&amp;c");
        assert_eq!(href("café"), "#caf%C3%A9");
    }
}
