//! The static search index (`search-index.json`): every page's title, URL, description and
//! first words (for the snippet), and an inverted index of every word of every page's whole
//! text (each word once, lower-cased, with the pages that hold it). A site of more than 512
//! pages has it in parts, one per 512 pages (`search-index.1.json` and on, listed by the
//! first), so that a rebuild remakes only the part of the page that changed (see
//! `build::search_index`). The theme's `search.js` loads it, every part, when the search box is
//! first used; without scripts the search box is a plain link to the glossary. Each page's
//! entry is made in the page's own (parallel) pass; a part only joins them.
//!
//! Why not Pagefind or elasticlunr-rs: Pagefind splits its index into chunks fetched per query
//! (it quotes under 300 kB of transfer for a 10,000-page site) and stems words, but it runs as
//! a separate binary over the built HTML after the build, which `build` and `serve` would have
//! to run or ship; elasticlunr-rs (Zola's) writes one JSON index with stemming and stop words,
//! fetched whole like this one, and its own scripts. This index keeps pillar one binary with no
//! post-build step, finds parts of words (which a stemmed index does not) and measured 0.75 MB
//! (79 KB gzipped) for 1,000 pages of 790 words. Its parts are fetched together, not per
//! query: they follow the pages, not the words, so that a change to one page changes one part.

use std::collections::BTreeSet;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::model::Page;

pub const INDEX_FILE: &str = "search-index.json";

/// Bytes of a page's text kept whole, for the snippet under its title; a match further on
/// gets its snippet from the page itself.
const LEAD: usize = 200;

#[derive(Serialize)]
struct Meta<'a> {
    /// Title.
    t: &'a str,
    /// Root-relative URL.
    u: &'a str,
    /// Description, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    d: Option<&'a str>,
    /// The first words of the text.
    s: &'a str,
}

/// One page's part of the index: its metadata (as JSON) and its words, sorted, each once,
/// one per line (one string rather than a set of them: an incremental build records and
/// reads back every page's entry, and 400 allocations a page cost more than the rest).
#[derive(Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    meta: String,
    words: String,
}

/// The words of `text` as the index keeps them: runs of letters and digits, lower-cased, of
/// two characters or more (the search box ignores single letters).
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().nth(1).is_some())
        .map(str::to_lowercase)
}

/// One page's entry, from its whole search text.
pub fn entry(page: &Page, text: &str) -> Entry {
    entry_of(&page.title, &page.url, page.description.as_deref(), text)
}

pub(crate) fn entry_of(title: &str, url: &str, description: Option<&str>, text: &str) -> Entry {
    let text = text.trim_end();
    let mut end = text.len().min(LEAD);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let meta = Meta {
        t: title,
        u: url,
        d: description,
        s: &text[..end],
    };
    let head = [title, description.unwrap_or("")];
    let words: BTreeSet<String> = head.into_iter().chain([text]).flat_map(words).collect();
    let mut joined = String::with_capacity(words.iter().map(|w| w.len() + 1).sum());
    for w in &words {
        joined.push_str(w);
        joined.push('\n');
    }
    Entry {
        meta: serde_json::to_string(&meta).unwrap_or_default(),
        words: joined,
    }
}

/// The file of part `n` of the index: the first is `search-index.json`, the one the search box
/// asks for; the others are beside it, `search-index.1.json` and on.
pub fn part_path(n: usize) -> String {
    match n {
        0 => INDEX_FILE.to_owned(),
        n => format!("search-index.{n}.json"),
    }
}

/// One part of the index, `{"p": [pages], "w": {word: [pages]}}`: its pages in order, and
/// each word with the pages of the part that hold it as gaps between page numbers (the first
/// is the first page's number within the part): small numbers, for a small file. The first
/// part also lists the files of the others, `"more": [...]`, when there are any (`parts`,
/// counting the first): the search box fetches them too and numbers their pages after its
/// own, part by part. This is part `n`.
pub fn part(entries: &[&Entry], (n, parts): (usize, usize)) -> String {
    let kept: Vec<&Entry> = entries
        .iter()
        .copied()
        .filter(|e| !e.meta.is_empty())
        .collect();
    let mut postings: Vec<(&str, Vec<u32>)> = gather(&kept).into_iter().collect();
    postings.par_sort_unstable_by_key(|(w, _)| *w);
    for (_, pages) in &mut postings {
        let mut last = 0;
        for p in pages.iter_mut() {
            (*p, last) = (*p - last, *p);
        }
    }
    let postings = JsonMap(&postings);
    let words = serde_json::to_string(&postings).unwrap_or_default();
    let more: Vec<String> = (1..parts).map(part_path).collect();
    let more = serde_json::to_string(&more).unwrap_or_default();
    let metas = kept.iter().map(|e| e.meta.len() + 1).sum::<usize>();
    let mut out = String::with_capacity(metas + words.len() + more.len() + 24);
    out.push_str("{\"p\":[");
    for (n, e) in kept.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(&e.meta);
    }
    out.push_str("],\"w\":");
    out.push_str(&words);
    if n == 0 && parts > 1 {
        out.push_str(",\"more\":");
        out.push_str(&more);
    }
    out.push('}');
    out
}

/// Each word of `kept` with the pages that hold it, in page order. Millions of insertions on a
/// big site: gathered in parallel, a map per run of pages, with a fast hash (the words are
/// the site's own, not an attacker's keys), and the maps joined in page order.
fn gather<'a>(kept: &[&'a Entry]) -> FxHashMap<&'a str, Vec<u32>> {
    let run = kept.len().div_ceil(rayon::current_num_threads()).max(256);
    let maps: Vec<FxHashMap<&str, Vec<u32>>> = (kept.par_chunks(run).enumerate())
        .map(|(c, entries)| {
            let mut map: FxHashMap<&str, Vec<u32>> = FxHashMap::default();
            for (n, e) in entries.iter().enumerate() {
                for w in e.words.lines() {
                    map.entry(w)
                        .or_default()
                        .push(u32::try_from(c * run + n).unwrap_or(u32::MAX));
                }
            }
            map
        })
        .collect();
    let mut maps = maps.into_iter();
    let mut all = maps.next().unwrap_or_default();
    for map in maps {
        for (w, pages) in map {
            all.entry(w).or_default().extend(pages);
        }
    }
    all
}

/// Sorted pairs written as a JSON object, in their order.
struct JsonMap<'a>(&'a [(&'a str, Vec<u32>)]);

impl Serialize for JsonMap<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(w, p)| (w, p)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(title: &str, text: &str) -> Entry {
        entry_of(title, &format!("{}/", title.to_lowercase()), None, text)
    }

    #[test]
    fn every_word_of_a_long_text_is_indexed_once() {
        let long = format!("{} zebrafish.", "filler words again. ".repeat(2000));
        let index = part(
            &[&entry("Long", &long), &entry("Short", "A zebrafish")],
            (0, 1),
        );
        let v: serde_json::Value = serde_json::from_str(&index).unwrap();
        assert_eq!(v["w"]["zebrafish"], serde_json::json!([0, 1]));
        assert_eq!(v["w"]["filler"], serde_json::json!([0]));
        assert!(v["w"].get("a").is_none(), "single letters are left out");
        assert!(index.len() < 1000, "{} bytes", index.len());
        assert_eq!(v["p"][0]["s"].as_str().unwrap().len(), LEAD);
    }

    #[test]
    fn pages_gathered_in_parallel_runs_keep_their_order() {
        // More pages than one run holds, so that several maps are joined.
        let pages: Vec<Entry> = (0..2000)
            .map(|i| entry(&format!("P{i}"), &format!("common w{} only{i}", i % 7)))
            .collect();
        let pages: Vec<&Entry> = pages.iter().collect();
        let v: serde_json::Value = serde_json::from_str(&part(&pages, (0, 1))).unwrap();
        let gaps = |w: &str| -> Vec<u64> {
            let mut at = 0;
            (v["w"][w].as_array().unwrap().iter())
                .map(|g| {
                    at += g.as_u64().unwrap();
                    at
                })
                .collect()
        };
        assert_eq!(gaps("common"), (0..2000).collect::<Vec<u64>>());
        assert_eq!(
            gaps("w3"),
            (0..2000).filter(|i| i % 7 == 3).collect::<Vec<u64>>()
        );
        assert_eq!(gaps("only1999"), [1999]);
        let keys: Vec<&String> = v["w"].as_object().unwrap().keys().collect();
        assert!(keys.windows(2).all(|k| k[0] < k[1]), "words in order");
    }

    #[test]
    fn the_first_part_lists_the_others_and_each_numbers_its_own_pages() {
        let (a, b) = (entry("A", "shared alpha"), entry("B", "shared beta"));
        let first: serde_json::Value = serde_json::from_str(&part(&[&a], (0, 3))).unwrap();
        assert_eq!(
            first["more"],
            serde_json::json!(["search-index.1.json", "search-index.2.json"])
        );
        let second: serde_json::Value = serde_json::from_str(&part(&[&b], (1, 3))).unwrap();
        assert!(second.get("more").is_none(), "only the first lists them");
        assert_eq!(second["w"]["shared"], serde_json::json!([0]));
        assert_eq!(second["p"][0]["t"], "B");
        let alone: serde_json::Value = serde_json::from_str(&part(&[&a, &b], (0, 1))).unwrap();
        assert!(alone.get("more").is_none(), "one part lists no others");
        assert_eq!(alone["w"]["shared"], serde_json::json!([0, 1]));
        assert_eq!(part_path(0), INDEX_FILE);
    }

    #[test]
    fn words_are_lower_cased_and_split_at_punctuation() {
        let got: Vec<String> = words("Ünïcödé-Text, DPO's 2017").collect();
        assert_eq!(got, ["ünïcödé", "text", "dpo", "2017"]);
    }
}
