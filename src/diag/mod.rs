//! Diagnostics: every problem pillar reports carries its file, line and column as data,
//! prints as `path:line:col: message` with the offending line beneath, and may carry a hint.

use std::fmt;
use std::path::{Path, PathBuf};

pub mod foreign;
pub mod toml;
pub use toml::{decode, nearby_file, toml_diagnostic};

/// How bad a problem is: errors stop a build, warnings stop only `check --strict`; notes
/// stop nothing and are shown only by `check --strict` (a listing, such as the data's
/// uncertain links).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Severity {
    Error,
    Warning,
    Note,
}

/// Where a problem is: a line and column of a file, or a whole file, or a command-line flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Path as shown to the user (relative to the project root where possible), or a flag.
    pub path: PathBuf,
    /// 1-based line and column (in characters); `None` for a whole file or a flag.
    pub pos: Option<(usize, usize)>,
    /// The text of the line, shown beneath the message.
    pub snippet: Option<String>,
}

impl Location {
    /// A whole file, or a command-line flag such as `--output`.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            pos: None,
            snippet: None,
        }
    }

    /// The place of byte `offset` in `text` (the whole file), with its line.
    pub fn at(path: impl Into<PathBuf>, text: &str, offset: usize) -> Self {
        let (line, col) = line_col(text, offset);
        Self {
            path: path.into(),
            pos: Some((line, col)),
            snippet: line_text(text, line).map(str::to_owned),
        }
    }

    /// An error here.
    pub fn error(self, message: impl Into<String>) -> Diagnostic {
        let (line, col) = self.pos.unwrap_or((0, 0));
        Diagnostic {
            severity: Severity::Error,
            path: self.path,
            line,
            col,
            message: message.into(),
            hint: None,
            snippet: self.snippet,
        }
    }
}

/// One located problem.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path as shown to the user (relative to the project root where possible).
    pub path: PathBuf,
    /// 1-based line; 0 when the problem is the whole file's (or a flag's).
    pub line: usize,
    /// 1-based column, in characters; 0 with line 0.
    pub col: usize,
    pub message: String,
    pub hint: Option<String>,
    /// The text of the offending line, shown beneath the message.
    pub snippet: Option<String>,
}

impl Diagnostic {
    /// An error at a known line and column, without a snippet.
    pub fn error(
        path: impl Into<PathBuf>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Error,
            path: path.into(),
            line: line.max(1),
            col: col.max(1),
            message: message.into(),
            hint: None,
            snippet: None,
        }
    }

    /// An error of a whole file, or of a command-line flag: printed `path: message`.
    pub fn file(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Location::file(path).error(message)
    }

    /// Where the problem is.
    pub fn location(&self) -> Location {
        Location {
            path: self.path.clone(),
            pos: (self.line > 0).then_some((self.line, self.col)),
            snippet: self.snippet.clone(),
        }
    }

    /// An error located by a byte offset into `text` (the whole file), with its line shown.
    pub fn at(
        path: impl Into<PathBuf>,
        text: &str,
        offset: usize,
        message: impl Into<String>,
    ) -> Self {
        let (line, col) = line_col(text, offset);
        let mut d = Self::error(path, line, col, message);
        d.snippet = line_text(text, line).map(str::to_owned);
        d
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    pub fn note(mut self) -> Self {
        self.severity = Severity::Note;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn is_note(&self) -> bool {
        self.severity == Severity::Note
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
            Severity::Note => "note: ",
        };
        if self.line == 0 {
            write!(f, "{}: {kind}{}", self.path.display(), self.message)?;
        } else {
            write!(
                f,
                "{}:{}:{}: {kind}{}",
                self.path.display(),
                self.line,
                self.col,
                self.message
            )?;
        }
        if let Some(snippet) = &self.snippet {
            let num = self.line.to_string();
            let pad = " ".repeat(num.len());
            let shown: String = snippet.chars().take(200).collect();
            let caret_pad: String = snippet
                .chars()
                .take(self.col.saturating_sub(1).min(200))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            write!(f, "\n {num} | {shown}\n {pad} | {caret_pad}^")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Line (1-based) and column (1-based, in characters) of a byte offset in `text`.
/// Offsets past the end, or inside a character, are clamped.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].trim_end_matches('\r').chars().count() + 1;
    (line, col)
}

/// The starts of the lines of a text, for locating many offsets in one text without
/// scanning it from the top each time.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Self { starts }
    }

    /// Like [`Diagnostic::at`], in O(log lines) plus the length of the line.
    pub fn at(
        &self,
        path: impl Into<PathBuf>,
        text: &str,
        offset: usize,
        message: impl Into<String>,
    ) -> Diagnostic {
        self.location(path, text, offset).error(message)
    }

    /// Like [`Location::at`], in O(log lines) plus the length of the line.
    pub fn location(&self, path: impl Into<PathBuf>, text: &str, offset: usize) -> Location {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let col = text[start..offset].trim_end_matches('\r').chars().count() + 1;
        let end = self.starts.get(line).map_or(text.len(), |&e| e - 1);
        Location {
            path: path.into(),
            pos: Some((line, col)),
            snippet: Some(
                text[start..end.max(start)]
                    .trim_end_matches('\r')
                    .to_owned(),
            ),
        }
    }
}

/// The text of a 1-based line, without its line ending.
pub fn line_text(text: &str, line: usize) -> Option<&str> {
    text.split('\n')
        .nth(line.checked_sub(1)?)
        .map(|l| l.trim_end_matches('\r'))
}

/// The closest candidate to `wanted`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(wanted, c), c))
        // Similar-sounding is not enough: at most half the longer name may need changing
        // (`port-office` is not a near miss of `oict`).
        .filter(|(score, c)| {
            *score > 0.8 && 2 * strsim::levenshtein(wanted, c) <= wanted.len().max(c.len()).max(4)
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// A hint string for an unknown name, if there is a near miss.
pub fn suggestion<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    did_you_mean(wanted, candidates).map(|c| format!("did you mean \"{c}\"?"))
}

/// Shows `path` relative to `root` when it lies inside it.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
}

/// A list of problems found so far; a stage returns it whole rather than stopping at the first.
#[derive(Debug, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    /// Sorted by path, line and column, so that output is stable whatever the thread order.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.0.sort_by(|a, b| {
            (&a.path, a.line, a.col, &a.message).cmp(&(&b.path, b.line, b.col, &b.message))
        });
        self.0.dedup();
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_suggests_only_near_misses() {
        assert_eq!(did_you_mean("dpk", ["dpko", "dpo"]), Some("dpko"));
        assert_eq!(
            did_you_mean("harbour-agency", ["health-agency"]),
            Some("health-agency")
        );
        assert_eq!(did_you_mean("port-office", ["oict", "dpo"]), None);
    }

    #[test]
    fn line_col_counts_from_one_in_characters() {
        let text = "ab\ncdé f\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        // "é" is two bytes; the space after it is column 4.
        assert_eq!(line_col(text, 3 + 4), (2, 4));
        assert_eq!(line_col(text, 999), (3, 1));
    }

    #[test]
    fn line_col_ignores_carriage_returns() {
        assert_eq!(line_col("a\r\nbc", 4), (2, 2));
        assert_eq!(line_text("a\r\nbc", 1), Some("a"));
    }

    #[test]
    fn a_line_index_locates_like_a_scan() {
        let text = "a\nbcé d\r\n\nlast";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() + 2 {
            let scanned = Diagnostic::at("f", text, offset, "m");
            assert_eq!(index.at("f", text, offset, "m"), scanned, "offset {offset}");
        }
    }

    #[test]
    fn a_whole_file_or_a_flag_prints_without_a_position() {
        let d = Diagnostic::file("--output", "refusing to use / as the output directory");
        assert_eq!(
            d.to_string(),
            "--output: refusing to use / as the output directory"
        );
        assert_eq!(d.location().pos, None);
        let at = Location::at("c/r.toml", "a\nbc", 3);
        assert_eq!(at.pos, Some((2, 2)));
        assert_eq!(at.clone().error("m").location(), at);
    }

    #[test]
    fn suggests_near_misses_only() {
        assert_eq!(did_you_mean("dpk", ["dpko", "dppa", "oma"]), Some("dpko"));
        assert_eq!(did_you_mean("zzz", ["dpko", "dppa"]), None);
    }

    #[test]
    fn prints_location_snippet_and_hint() {
        let d = Diagnostic::at(
            "c/r.toml",
            "a = 1\nfrom = [\"dpk\"]\n",
            14,
            "unknown unit \"dpk\"",
        )
        .with_hint("did you mean \"dpko\"?");
        assert_eq!(
            d.to_string(),
            "c/r.toml:2:9: unknown unit \"dpk\"\n 2 | from = [\"dpk\"]\n   |         ^\n  hint: did you mean \"dpko\"?"
        );
    }
}
