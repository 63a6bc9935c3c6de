//! Glossary abbreviations: the first use of a term in a page's prose becomes
//! `<abbr title="expansion">TERM</abbr>`. Terms are matched as whole words, case-sensitively
//! (acronyms are case-sensitive), outside code, links and headings.

use std::collections::{BTreeSet, HashMap};

use super::escape;

pub struct Terms {
    by_word: HashMap<String, (usize, String)>,
}

impl Terms {
    /// `(term, expansion)` pairs in glossary order; terms that are not one word are skipped.
    pub fn new<'a>(terms: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<Self> {
        let by_word: HashMap<String, (usize, String)> = terms
            .into_iter()
            .enumerate()
            .filter(|(_, (t, _))| !t.is_empty() && t.chars().all(char::is_alphanumeric))
            .map(|(i, (t, e))| (t.to_owned(), (i, escape(e))))
            .collect();
        (!by_word.is_empty()).then_some(Self { by_word })
    }

    /// Index of the glossary entry for a word, if any.
    pub fn lookup(&self, word: &str) -> Option<usize> {
        self.by_word.get(word).map(|(i, _)| *i)
    }

    /// Returns escaped HTML with first uses wrapped, or `None` when the text has none.
    pub fn wrap_first_uses(&self, text: &str, used: &mut BTreeSet<usize>) -> Option<String> {
        let mut out: Option<String> = None;
        let mut last = 0;
        let mut start = None;
        let bytes_len = text.len();
        let mut iter = text.char_indices().peekable();
        while let Some((i, c)) = iter.next() {
            let is_word = c.is_alphanumeric();
            if is_word && start.is_none() {
                start = Some(i);
            }
            let end_here = start.is_some() && (!is_word || iter.peek().is_none());
            if !end_here {
                continue;
            }
            let s = start.take().unwrap_or(i);
            let e = if is_word { bytes_len } else { i };
            let word = &text[s..e];
            if let Some((idx, expansion)) = self.by_word.get(word)
                && used.insert(*idx)
            {
                let buf = out.get_or_insert_with(|| String::with_capacity(text.len() + 64));
                buf.push_str(&escape(&text[last..s]));
                buf.push_str("<abbr title=\"");
                buf.push_str(expansion);
                buf.push_str("\">");
                buf.push_str(&escape(word));
                buf.push_str("</abbr>");
                last = e;
            }
        }
        let mut buf = out?;
        buf.push_str(&escape(&text[last..]));
        Some(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms() -> Terms {
        Terms::new([
            ("DPA", "Department of Political Affairs"),
            ("USG", "Under-Secretary-General"),
            ("two words", "x"),
        ])
        .unwrap()
    }

    #[test]
    fn wraps_only_the_first_use_of_each_term() {
        let mut used = BTreeSet::new();
        let html = terms()
            .wrap_first_uses("DPA and DPA's USG <b>", &mut used)
            .unwrap();
        assert_eq!(
            html,
            "<abbr title=\"Department of Political Affairs\">DPA</abbr> and DPA&#39;s <abbr title=\"Under-Secretary-General\">USG</abbr> &lt;b&gt;"
        );
        assert_eq!(terms().wrap_first_uses("DPA again", &mut used), None);
    }

    #[test]
    fn matches_whole_words_only() {
        let mut used = BTreeSet::new();
        assert_eq!(terms().wrap_first_uses("DPAX xDPA", &mut used), None);
        assert!(
            terms()
                .wrap_first_uses("end DPA", &mut used)
                .unwrap()
                .ends_with("DPA</abbr>")
        );
    }
}
