//! From a byte offset in a text to its line, its column and the part of the line printed
//! beneath a message, in time and memory that do not grow with the number of problems found
//! in one text: a line index built once per text, and at most a window of a long line kept.

use std::cell::{Cell, RefCell};
use std::path::PathBuf;
use std::sync::Arc;

use super::Location;

/// How many characters of the offending line are printed beneath a message.
pub const SHOWN_CHARS: usize = 200;

/// How many characters before the column are kept when the line is cut on the left.
const LEAD_CHARS: usize = 60;

/// The part of `line` printed beneath a message at 1-based column `col`: its first
/// [`SHOWN_CHARS`] characters, or, when the column lies beyond them, the window that starts
/// [`LEAD_CHARS`] before it. Returns the window and how many characters were cut on the left.
pub fn window(line: &str, col: usize) -> (String, usize) {
    let at = line
        .char_indices()
        .nth(col.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    window_at(line, at, col)
}

/// [`window`], with `at` the byte offset in `line` of column `col`: the cost is that of the
/// window, however far into a long line the column is.
fn window_at(line: &str, at: usize, col: usize) -> (String, usize) {
    let before = col.saturating_sub(1);
    let (start, from) = if before < SHOWN_CHARS - LEAD_CHARS {
        (0, 0)
    } else {
        let back = line[..at]
            .char_indices()
            .rev()
            .nth(LEAD_CHARS - 1)
            .map_or(0, |(i, _)| i);
        (back, before - LEAD_CHARS)
    };
    let rest = &line[start..];
    let end = rest
        .char_indices()
        .nth(SHOWN_CHARS)
        .map_or(rest.len(), |(i, _)| i);
    (rest[..end].to_owned(), from)
}

/// `offset` moved back to a character boundary of `text`, and not past its end.
fn clamp(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The place of `offset`, on the 1-based `line` that spans `text[start..end]`, with `chars`
/// the number of characters of `text[start..offset]`.
fn place(
    path: PathBuf,
    text: &str,
    (start, end): (usize, usize),
    line: usize,
    (offset, chars): (usize, usize),
) -> Location {
    let before = &text[start..offset];
    let col = chars - (before.len() - before.trim_end_matches('\r').len()) + 1;
    let shown = text[start..end.max(start)].trim_end_matches('\r');
    let (snippet, from) = window_at(shown, (offset - start).min(shown.len()), col);
    Location {
        path,
        pos: Some((line, col)),
        snippet: Some(snippet),
        snippet_from: u32::try_from(from).unwrap_or(u32::MAX),
    }
}

/// The place of one offset by a scan of `text` from its start: for a single problem.
pub(super) fn scan(path: PathBuf, text: &str, offset: usize) -> Location {
    let offset = clamp(text, offset);
    let before = &text[..offset];
    let line = memchr::memchr_iter(b'\n', before.as_bytes()).count() + 1;
    let start = memchr::memrchr(b'\n', before.as_bytes()).map_or(0, |i| i + 1);
    let end = memchr::memchr(b'\n', &text.as_bytes()[offset..]).map_or(text.len(), |i| offset + i);
    let chars = text[start..offset].chars().count();
    place(path, text, (start, end), line, (offset, chars))
}

/// The starts of the lines of a text, for locating many offsets in one text without
/// scanning it from the top each time.
pub struct LineIndex {
    starts: Vec<usize>,
    /// The last offset located, and how many characters its line holds before it: the next
    /// offset further along the same line counts on from there, so that many problems on one
    /// long line cost the line's length, not its length for each.
    last: Cell<(usize, usize)>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Self {
            starts,
            last: Cell::new((0, 0)),
        }
    }

    /// Like [`super::Diagnostic::at`], in O(log lines) plus the length of the line.
    pub fn at(
        &self,
        path: impl Into<PathBuf>,
        text: &str,
        offset: usize,
        message: impl Into<String>,
    ) -> super::Diagnostic {
        self.location(path, text, offset).error(message)
    }

    /// Like [`Location::at`], in O(log lines) plus the length of the line.
    pub fn location(&self, path: impl Into<PathBuf>, text: &str, offset: usize) -> Location {
        let offset = clamp(text, offset);
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let end = self.starts.get(line).map_or(text.len(), |&e| e - 1);
        let (last, last_chars) = self.last.get();
        let chars = if (start..=offset).contains(&last) {
            last_chars + text[last..offset].chars().count()
        } else {
            text[start..offset].chars().count()
        };
        self.last.set((offset, chars));
        place(path.into(), text, (start, end), line, (offset, chars))
    }

    /// The 1-based line of `offset`.
    pub fn line(&self, text: &str, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= clamp(text, offset))
    }
}

/// Runs `f` with the line index of `text`, kept per thread for the last few texts: one file
/// (the data file above all) may hold thousands of located problems, found by many callers.
pub fn indexed<R>(text: &Arc<str>, f: impl FnOnce(&LineIndex) -> R) -> R {
    type Cached = Vec<(Arc<str>, LineIndex)>;
    thread_local! {
        static INDEXES: RefCell<Cached> = const { RefCell::new(Vec::new()) };
    }
    INDEXES.with_borrow_mut(|cache| {
        let i = match cache.iter().position(|(t, _)| Arc::ptr_eq(t, text)) {
            Some(i) => i,
            None => {
                if cache.len() == 4 {
                    cache.remove(0);
                }
                cache.push((text.clone(), LineIndex::new(text)));
                cache.len() - 1
            }
        };
        f(&cache[i].1)
    })
}

/// The place of `offset` in `text`, through the text's shared line index ([`indexed`]).
pub fn locate(path: impl Into<PathBuf>, text: &Arc<str>, offset: usize) -> Location {
    indexed(text, |index| index.location(path, text, offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_is_kept_as_a_window_around_the_column() {
        let line = "x".repeat(1_000_000);
        let (shown, from) = window(&line, 500_000);
        assert_eq!(from, 500_000 - 1 - LEAD_CHARS);
        assert_eq!(shown.chars().count(), SHOWN_CHARS);
        let (shown, from) = window("short é line", 7);
        assert_eq!((shown.as_str(), from), ("short é line", 0));
    }

    #[test]
    fn the_shared_index_locates_like_a_scan() {
        let text: Arc<str> = Arc::from("a\nbcé d\r\n\nlast");
        for offset in 0..=text.len() + 2 {
            assert_eq!(
                locate("f", &text, offset),
                scan("f".into(), &text, offset),
                "offset {offset}"
            );
        }
    }
}
