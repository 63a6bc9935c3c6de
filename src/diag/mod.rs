//! Diagnostics: every problem pillar reports carries its file, line and column as data,
//! prints as `path:line:col: message` with the offending line beneath, and may carry a hint.

use std::fmt;
use std::path::{Path, PathBuf};

pub mod foreign;
mod lines;
pub mod toml;
pub use lines::{LineIndex, indexed, locate};
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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Location {
    /// Path as shown to the user (relative to the project root where possible), or a flag.
    pub path: PathBuf,
    /// 1-based line and column (in characters); `None` for a whole file or a flag.
    pub pos: Option<(usize, usize)>,
    /// The text of the line, shown beneath the message (a window of a long line).
    pub snippet: Option<String>,
    /// How many characters of the line the snippet leaves out on its left.
    pub snippet_from: u32,
}

impl Location {
    /// A whole file, or a command-line flag such as `--output`.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            pos: None,
            snippet: None,
            snippet_from: 0,
        }
    }

    /// The place of byte `offset` in `text` (the whole file), with its line, by a scan from
    /// the top: for one problem. Many problems in one text are located with a [`LineIndex`]
    /// or [`locate`].
    pub fn at(path: impl Into<PathBuf>, text: &str, offset: usize) -> Self {
        lines::scan(path.into(), text, offset)
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
            snippet_from: self.snippet_from,
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
    /// The text of the offending line, shown beneath the message (a window of a long line).
    pub snippet: Option<String>,
    /// How many characters of the line the snippet leaves out on its left.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub snippet_from: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
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
            snippet_from: 0,
        }
    }

    /// The same, with line `self.line` of `text` shown beneath it.
    pub fn with_line_of(mut self, text: &str) -> Self {
        if let Some(line) = line_text(text, self.line) {
            let (snippet, from) = lines::window(line, self.col);
            self.snippet = Some(snippet);
            self.snippet_from = u32::try_from(from).unwrap_or(u32::MAX);
        }
        self
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
            snippet_from: self.snippet_from,
        }
    }

    /// An error located by a byte offset into `text` (the whole file), with its line shown:
    /// for one problem (see [`Location::at`]).
    pub fn at(
        path: impl Into<PathBuf>,
        text: &str,
        offset: usize,
        message: impl Into<String>,
    ) -> Self {
        Location::at(path, text, offset).error(message)
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
            let (cut, lead) = if self.snippet_from > 0 {
                ("…", " ")
            } else {
                ("", "")
            };
            let shown: String = snippet.chars().take(lines::SHOWN_CHARS).collect();
            let before = self.col.saturating_sub(1 + self.snippet_from as usize);
            let caret_pad: String = snippet
                .chars()
                .take(before.min(lines::SHOWN_CHARS))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            write!(f, "\n {num} | {cut}{shown}\n {pad} | {lead}{caret_pad}^")?;
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
        // On a tie the name first in alphabetical order wins, so that candidates given in
        // any order (the keys of a hash map) always give the same hint.
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// A hint string for an unknown name, if there is a near miss.
pub fn suggestion<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    did_you_mean(wanted, candidates).map(|c| format!("did you mean \"{c}\"?"))
}

/// A budget of "did you mean" searches. Each search compares one unknown name with every
/// known one, so thousands of unknown names against thousands of known ones would cost their
/// product; past [`PRINTED`] searches, problems come without the hint. Each budget belongs to
/// one pass that runs in a fixed order (the data file's validation, one page's rendering), so
/// the same input always gets the same hints.
#[derive(Debug)]
pub struct Hints {
    left: usize,
}

impl Default for Hints {
    fn default() -> Self {
        Self { left: PRINTED }
    }
}

impl Hints {
    /// [`suggestion`], while the budget lasts.
    pub fn suggestion<'a>(
        &mut self,
        wanted: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Option<String> {
        self.left = self.left.checked_sub(1)?;
        suggestion(wanted, candidates)
    }
}

/// Shows `path` relative to `root` when it lies inside it.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
}

/// How many problems are printed in full; the others are only counted, so that a file with
/// thousands of problems gives a readable list (and the first fix often clears the rest).
pub const PRINTED: usize = 100;

/// The problems as printed, one string each: all of them up to [`PRINTED`], else the first
/// [`PRINTED`] (errors before warnings, kept in their order) and a line counting the others.
pub fn printed(diags: &[Diagnostic]) -> Vec<String> {
    if diags.len() <= PRINTED {
        return diags.iter().map(ToString::to_string).collect();
    }
    let mut chosen: Vec<usize> = (0..diags.len())
        .filter(|&i| diags[i].is_error())
        .chain((0..diags.len()).filter(|&i| !diags[i].is_error()))
        .take(PRINTED)
        .collect();
    chosen.sort_unstable();
    let mut out: Vec<String> = chosen.iter().map(|&i| diags[i].to_string()).collect();
    out.push(format!(
        "… and {} more problems, not shown",
        diags.len() - PRINTED
    ));
    out
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
    fn did_you_mean_breaks_ties_the_same_way_whatever_the_order() {
        assert_eq!(did_you_mean("s02", ["s01", "s00"]), Some("s00"));
        assert_eq!(did_you_mean("s02", ["s00", "s01"]), Some("s00"));
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
        // Forwards, backwards and jumping about: the index counts on from its last offset.
        let offsets = (0..=text.len() + 2)
            .chain((0..=text.len()).rev())
            .chain([3, 9, 4, 14, 5]);
        for offset in offsets {
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
    fn a_long_line_prints_the_part_around_the_column() {
        let text = format!("{}ERR{}", "a".repeat(5000), "b".repeat(5000));
        let d = Diagnostic::at("f", &text, 5000, "m");
        assert_eq!(d.col, 5001);
        let printed = d.to_string();
        let lines: Vec<&str> = printed.lines().collect();
        let shown = lines[1].split_once(" | ").unwrap().1;
        let caret = lines[2].split_once(" | ").unwrap().1;
        assert!(
            shown.starts_with('…') && shown.chars().count() == 201,
            "{shown}"
        );
        let at = caret.chars().count() - 1;
        assert_eq!(shown.chars().skip(at).take(3).collect::<String>(), "ERR");
    }

    #[test]
    fn many_problems_print_the_first_errors_and_a_count() {
        let mut diags: Vec<Diagnostic> = (0..50)
            .map(|i| Diagnostic::error("w", i + 1, 1, "w").warning())
            .collect();
        diags.extend((0..200).map(|i| Diagnostic::error("x", i + 1, 1, "e")));
        let printed = printed(&diags);
        assert_eq!(printed.len(), PRINTED + 1);
        assert!(printed[..PRINTED].iter().all(|p| p.starts_with("x:")));
        assert_eq!(printed[PRINTED], "… and 150 more problems, not shown");
        assert_eq!(super::printed(&diags[..3]).len(), 3);
    }

    #[test]
    fn hints_stop_when_their_budget_is_spent() {
        let mut hints = Hints::default();
        let given = (0..PRINTED + 5)
            .filter(|_| hints.suggestion("dpk", ["dpko"]).is_some())
            .count();
        assert_eq!(given, PRINTED);
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
