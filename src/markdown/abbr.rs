//! Glossary abbreviations: the first use of a term in a page's prose becomes
//! `<abbr title="expansion">TERM</abbr>`. Terms are matched as whole words, case-sensitively
//! (acronyms are case-sensitive), outside code, links and headings. A term may be one word
//! (`DPKO`, looked up in a map) or several (`Co-op`, `Under-Secretary-General`, searched for).

use std::collections::{BTreeSet, HashMap};

use super::escape;

pub struct Terms {
    by_word: HashMap<String, (usize, String)>,
    /// The first bytes of the one-word terms: most words start with none of them and are not
    /// looked up at all (this runs on every word of every page).
    first_bytes: [bool; 256],
    /// Terms that are not a single word: (term, index, escaped expansion).
    phrases: Vec<(String, usize, String)>,
}

impl Terms {
    /// `(term, expansion)` pairs in glossary order.
    pub fn new<'a>(terms: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<Self> {
        let mut by_word = HashMap::new();
        let mut phrases = Vec::new();
        for (i, (t, e)) in terms.into_iter().enumerate() {
            let t = t.trim();
            if t.is_empty() {
                continue;
            }
            if t.chars().all(char::is_alphanumeric) {
                by_word.insert(t.to_owned(), (i, escape(e)));
            } else {
                phrases.push((t.to_owned(), i, escape(e)));
            }
        }
        // Longer phrases first, so that "Peacebuilding Support Office" wins over "Office".
        phrases.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
        let mut first_bytes = [false; 256];
        for w in by_word.keys() {
            first_bytes[usize::from(w.as_bytes()[0])] = true;
        }
        (!by_word.is_empty() || !phrases.is_empty()).then_some(Self {
            by_word,
            phrases,
            first_bytes,
        })
    }

    /// Returns escaped HTML with first uses wrapped, or `None` when the text has none.
    pub fn wrap_first_uses(&self, text: &str, used: &mut BTreeSet<usize>) -> Option<String> {
        self.wrap_first_uses_between(text, None, None, used)
    }

    /// [`wrap_first_uses`](Self::wrap_first_uses) for text that the rendered page continues
    /// on either side (across emphasis, entities, inline tags): `before` and `after` are the
    /// characters next to it there, and a word that runs on into them is not a whole word.
    pub fn wrap_first_uses_between(
        &self,
        text: &str,
        before: Option<char>,
        after: Option<char>,
        used: &mut BTreeSet<usize>,
    ) -> Option<String> {
        let runs_on = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        let starts_free = |s: usize| s > 0 || !runs_on(before);
        let ends_free = |e: usize| e < text.len() || !runs_on(after);
        // (start, end, index, expansion) of each first use, in text order, not overlapping.
        let mut hits: Vec<(usize, usize, usize, &str)> = Vec::new();
        for (phrase, idx, expansion) in &self.phrases {
            if used.contains(idx) {
                continue;
            }
            let mut from = 0;
            while let Some(pos) = text[from..].find(phrase.as_str()) {
                let (s, e) = (from + pos, from + pos + phrase.len());
                let free = hits.iter().all(|h| e <= h.0 || s >= h.1);
                if free
                    && boundary_before(text, s)
                    && boundary_after(text, e)
                    && starts_free(s)
                    && ends_free(e)
                {
                    used.insert(*idx);
                    hits.push((s, e, *idx, expansion));
                    break;
                }
                from = e;
            }
        }
        // Words are runs of alphanumeric characters, read byte by byte where the text is ASCII.
        let bytes = text.as_bytes();
        let mut start = None;
        let mut i = 0;
        loop {
            let (in_word, len) = match bytes.get(i) {
                None => (false, 0),
                Some(b) if b.is_ascii() => (b.is_ascii_alphanumeric(), 1),
                Some(_) => text[i..]
                    .chars()
                    .next()
                    .map_or((false, 1), |c| (c.is_alphanumeric(), c.len_utf8())),
            };
            if in_word {
                start.get_or_insert(i);
            } else if let Some(s) = start.take()
                && self.first_bytes[usize::from(bytes[s])]
                && let Some((idx, expansion)) = self.by_word.get(&text[s..i])
                && !used.contains(idx)
                && starts_free(s)
                && ends_free(i)
                && hits.iter().all(|h| i <= h.0 || s >= h.1)
            {
                used.insert(*idx);
                hits.push((s, i, *idx, expansion));
            }
            if len == 0 {
                break;
            }
            i += len;
        }
        if hits.is_empty() {
            return None;
        }
        hits.sort_by_key(|h| h.0);
        let mut out = String::with_capacity(text.len() + 64 * hits.len());
        let mut last = 0;
        for (s, e, _, expansion) in hits {
            out.push_str(&escape(&text[last..s]));
            out.push_str("<abbr title=\"");
            out.push_str(expansion);
            out.push_str("\">");
            out.push_str(&escape(&text[s..e]));
            out.push_str("</abbr>");
            last = e;
        }
        out.push_str(&escape(&text[last..]));
        Some(out)
    }
}

fn boundary_before(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric())
}

fn boundary_after(text: &str, at: usize) -> bool {
    text[at..]
        .chars()
        .next()
        .is_none_or(|c| !c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms() -> Terms {
        Terms::new([
            ("DPA", "Department of Political Affairs"),
            ("USG", "Under-Secretary-General"),
            ("Co-op", "Cooperative"),
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

    #[test]
    fn words_end_at_non_ascii_punctuation_but_not_at_non_ascii_letters() {
        let mut used = BTreeSet::new();
        // "é" and "Ü" are letters (part of the word); "—" and "«" are not.
        assert_eq!(terms().wrap_first_uses("éDPA DPAÜ DPA2", &mut used), None);
        let html = terms().wrap_first_uses("«DPA»—USG—", &mut used).unwrap();
        assert_eq!(
            html,
            "«<abbr title=\"Department of Political Affairs\">DPA</abbr>»—<abbr title=\"Under-Secretary-General\">USG</abbr>—"
        );
    }

    /// The word splitting as it was written before it read bytes: runs of characters that are
    /// alphanumeric. The byte-by-byte version must wrap exactly the same words.
    fn reference(t: &Terms, text: &str, used: &mut BTreeSet<usize>) -> Vec<(usize, usize)> {
        let mut hits = Vec::new();
        let mut start = None;
        for (i, c) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            if c.is_alphanumeric() {
                start.get_or_insert(i);
                continue;
            }
            let Some(s) = start.take() else { continue };
            if let Some((idx, _)) = t.by_word.get(&text[s..i])
                && used.insert(*idx)
            {
                hits.push((s, i));
            }
        }
        hits
    }

    proptest::proptest! {
        #[test]
        fn byte_scan_finds_the_words_a_char_scan_finds(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "DPA", "USG", "dpa", "x", "2", " ", ".", "'", "é", "Ü", "—", "«", "中", "\u{301}", "\n",
                ]),
                0..24,
            )
        ) {
            let text: String = parts.concat();
            let t = Terms::new([("DPA", "a"), ("USG", "b")]).unwrap();
            let expected = reference(&t, &text, &mut BTreeSet::new());
            let mut used = BTreeSet::new();
            let html = t.wrap_first_uses(&text, &mut used).unwrap_or_default();
            proptest::prop_assert_eq!(html.matches("<abbr").count(), expected.len(), "{:?} -> {}", text, html);
            for (s, e) in expected {
                let wrapped = format!(">{}</abbr>", &text[s..e]);
                proptest::prop_assert!(html.contains(&wrapped), "{:?} -> {}", text, html);
            }
        }
    }

    #[test]
    fn words_continue_into_the_text_around() {
        let mut used = BTreeSet::new();
        let t = terms();
        assert_eq!(
            t.wrap_first_uses_between("DPA", None, Some('A'), &mut used),
            None
        );
        assert_eq!(
            t.wrap_first_uses_between("DPA", Some('x'), None, &mut used),
            None
        );
        assert_eq!(
            t.wrap_first_uses_between("Co-op", None, Some('s'), &mut used),
            None
        );
        assert!(
            t.wrap_first_uses_between("DPA", Some(' '), Some('.'), &mut used)
                .is_some()
        );
    }

    #[test]
    fn terms_of_several_words_or_with_hyphens_are_found() {
        let mut used = BTreeSet::new();
        let html = terms()
            .wrap_first_uses("The Co-op met; two words here, Co-operation no.", &mut used)
            .unwrap();
        assert!(
            html.contains("<abbr title=\"Cooperative\">Co-op</abbr> met"),
            "{html}"
        );
        assert!(
            html.contains("<abbr title=\"x\">two words</abbr>"),
            "{html}"
        );
        assert!(used.contains(&2) && used.contains(&3));
        let mut fresh = BTreeSet::new();
        assert_eq!(
            terms().wrap_first_uses("Co-operation", &mut fresh),
            None,
            "not inside a longer word"
        );
    }
}
