//! The reform as validated plain data: every reference resolved to an index, every id unique.
//! Built by `data::validate`; read by the Markdown, derive and render stages.

use std::collections::HashMap;
use std::sync::Arc;

use crate::date::PartialDate;

/// Where a piece of Markdown came from, so that problems inside it can be located.
#[derive(Debug, Clone)]
pub struct Origin {
    /// The file as shown in messages.
    pub shown: Arc<std::path::Path>,
    /// The whole file's text.
    pub text: Arc<str>,
    /// Byte offset of the Markdown inside `text`.
    pub base: usize,
    /// For Markdown that TOML decoded from a string with escapes: the offset in `text` (from
    /// `base`) of each byte of the decoded string, so that columns count the source text.
    pub map: Option<Arc<[usize]>>,
}

impl Origin {
    /// The offset in the file of a byte offset in the Markdown.
    pub fn offset(&self, md_offset: usize) -> usize {
        match &self.map {
            Some(map) => self.base + map.get(md_offset).or(map.last()).copied().unwrap_or(0),
            None => self.base + md_offset,
        }
    }
}

/// Where each byte of a TOML basic string's decoded value sits in its source (`raw` is the text
/// after the opening quotes). `None` when the two are the same.
pub fn decode_map(raw: &str, multi_line: bool) -> Option<Vec<usize>> {
    if !raw.contains('\\') {
        return None;
    }
    let mut map = Vec::with_capacity(raw.len());
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '"' && !multi_line {
            break;
        }
        if c != '\\' {
            map.extend(std::iter::repeat_n(i, c.len_utf8()));
            continue;
        }
        match chars.next() {
            Some((_, 'u')) | Some((_, 'U')) => {
                let len = if raw[i + 1..].starts_with('u') { 4 } else { 8 };
                let hex: String = (0..len)
                    .filter_map(|_| chars.next().map(|(_, h)| h))
                    .collect();
                let width = u32::from_str_radix(&hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .map_or(1, char::len_utf8);
                map.extend(std::iter::repeat_n(i, width));
            }
            Some((_, w)) if multi_line && w.is_whitespace() => {
                // A line-ending backslash: the newline and the whitespace after it vanish.
                while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
                    chars.next();
                }
            }
            Some(_) => map.push(i),
            None => {}
        }
    }
    map.push(raw.len());
    Some(map)
}

/// Markdown text with its origin.
#[derive(Debug, Clone)]
pub struct Md {
    pub text: String,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct Reform {
    /// The data file itself (base 0), for problems found after validation.
    pub file: Origin,
    pub title: String,
    pub summary: Md,
    pub organisation: Option<String>,
    pub proposed: Option<PartialDate>,
    pub approved: Option<PartialDate>,
    pub effective: Option<PartialDate>,
    /// Further labelled steps for the key facts, as written.
    pub steps: Vec<(String, PartialDate)>,
    pub sources: Vec<usize>,
    pub units: Vec<Unit>,
    pub functions: Vec<Function>,
    pub events: Vec<Event>,
    pub source_list: Vec<Source>,
    pub terms: Vec<Term>,
    pub notes: Vec<Note>,
    pub unit_ids: HashMap<String, usize>,
    pub source_ids: HashMap<String, usize>,
    /// Events in date order (stable for equal dates).
    pub timeline: Vec<usize>,
    /// Every link the data marks as less than confirmed, in file order.
    pub doubts: Vec<Doubt>,
}

impl Reform {
    /// Whether a glossary term is a unit's acronym (now or before the reform): tables and
    /// charts show it, so the term is in use even when no prose names it.
    pub fn names_term(&self, term: &str) -> bool {
        self.units.iter().any(|u| {
            u.acronym.as_deref() == Some(term) || u.acronym_before.as_deref() == Some(term)
        })
    }

    /// How sure the data is of one link (`None`: confirmed).
    pub fn doubt(&self, owner: Owner, relation: Relation, target: usize) -> Option<&Doubt> {
        self.doubts
            .iter()
            .find(|d| d.owner == owner && d.relation == relation && d.target == target)
    }
}

/// Which row a link belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Unit(usize),
    Function(usize),
}

/// Which field a link was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    Parent,
    ParentBefore,
    Becomes,
    From,
    To,
}

/// A link marked `reported` or `uncertain`.
#[derive(Debug, Clone)]
pub struct Doubt {
    pub owner: Owner,
    pub relation: Relation,
    /// The unit the link points to.
    pub target: usize,
    pub level: Confidence,
    pub reason: Option<String>,
    pub sources: Vec<usize>,
    /// Byte offset of the link's id in the data file.
    pub at: usize,
}

/// How sure the sources are of a link. `Confirmed` is what a bare id means; the order runs
/// from most to least sure.
#[derive(
    Debug,
    serde::Deserialize,
    serde::Serialize,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Default,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    #[default]
    Confirmed,
    /// Said by a source, not confirmed by an official one.
    Reported,
    /// The sources leave it open.
    Uncertain,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Confirmed => "confirmed",
            Confidence::Reported => "reported",
            Confidence::Uncertain => "uncertain",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Unit {
    pub id: String,
    pub name: String,
    pub acronym: Option<String>,
    pub era: Era,
    pub kind: String,
    pub level: Option<String>,
    /// The primary parent: the first of `parents`.
    pub parent: Option<usize>,
    /// Every unit it sits in (after the reform, or throughout), primary first.
    pub parents: Vec<usize>,
    /// Where a unit of era "both" sat before the reform (defaults to `parent`): the primary.
    pub parent_before: Option<usize>,
    /// Every unit a unit of era "both" sat in before, primary first (empty: as `parents`).
    pub parents_before: Vec<usize>,
    /// Its name and acronym before the reform, when it was renamed (era "both").
    pub name_before: Option<String>,
    pub acronym_before: Option<String>,
    /// Units whose primary parent this is.
    pub children: Vec<usize>,
    /// Units that sat inside this one before the reform (by primary parent).
    pub children_before: Vec<usize>,
    /// Units that report to this one as a second (or later) parent, after and before.
    pub shared_children: Vec<usize>,
    pub shared_children_before: Vec<usize>,
    pub becomes: Vec<usize>,
    /// Units whose `becomes` names this one.
    pub absorbs: Vec<usize>,
    pub established: Option<PartialDate>,
    pub ended: Option<PartialDate>,
    pub context: bool,
    pub summary: Md,
    pub sources: Vec<usize>,
    pub heads: Vec<Head>,
    /// Functions that leave this unit, and functions that arrive in it.
    pub functions_out: Vec<usize>,
    pub functions_in: Vec<usize>,
    pub events: Vec<usize>,
    pub notes: Vec<usize>,
    /// The row's `extra` table, as written.
    pub extra: toml::Table,
}

impl Unit {
    /// The unit it sits in during the era before the reform.
    pub fn parent_in_before(&self) -> Option<usize> {
        self.parent_before.or(self.parent)
    }

    /// Every unit it sits in during the era before the reform, primary first.
    pub fn parents_in_before(&self) -> &[usize] {
        if self.parents_before.is_empty() {
            &self.parents
        } else {
            &self.parents_before
        }
    }

    /// Its name in the era before the reform.
    pub fn name_in_before(&self) -> &str {
        self.name_before.as_deref().unwrap_or(&self.name)
    }

    /// Its short label in the era before the reform.
    pub fn label_in_before(&self) -> &str {
        match (&self.name_before, &self.acronym_before) {
            (_, Some(a)) => a,
            (Some(n), None) => n,
            (None, None) => self.label(),
        }
    }

    /// The short label: the acronym if there is one.
    pub fn label(&self) -> &str {
        self.acronym.as_deref().unwrap_or(&self.name)
    }
}

#[derive(Debug, Clone)]
pub struct Head {
    pub name: String,
    pub title: Option<String>,
    pub nationality: Option<String>,
    pub from: Option<PartialDate>,
    pub to: Option<PartialDate>,
    pub date_note: Option<String>,
    /// The data says the head is still in office.
    pub current: bool,
    pub note: Option<Md>,
    pub sources: Vec<usize>,
    /// The row's `extra` table, as written.
    pub extra: toml::Table,
}

#[derive(Debug, Clone)]
pub struct Function {
    pub id: String,
    pub name: String,
    /// Every unit it leaves, and every unit it reaches (from `from`/`to` or from `moves`).
    pub from: Vec<usize>,
    pub to: Vec<usize>,
    /// Which origin goes where: every origin with every destination unless the data says
    /// otherwise (`[[function.moves]]`). `None` is "not recorded" on either side.
    pub moves: Vec<Move>,
    /// The data pairs origins with destinations itself (`[[function.moves]]`).
    pub paired: bool,
    /// `[[note]]`s that name it.
    pub notes: Vec<usize>,
    pub note: Option<Md>,
    pub sources: Vec<usize>,
    /// The row's `extra` table, as written.
    pub extra: toml::Table,
}

/// One origin–destination pair of a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move {
    pub from: Option<usize>,
    pub to: Option<usize>,
    /// The lesser confidence of its two ends.
    pub level: Confidence,
}

#[derive(Debug, Clone)]
pub struct Event {
    pub id: String,
    /// The date, or the start of its range.
    pub date: PartialDate,
    /// The end of its range, when the data gives one.
    pub date_end: Option<PartialDate>,
    pub date_note: Option<String>,
    /// `[[note]]`s that name it.
    pub notes: Vec<usize>,
    pub title: String,
    pub kind: String,
    pub summary: Option<Md>,
    pub units: Vec<usize>,
    pub sources: Vec<usize>,
    /// The row's `extra` table, as written.
    pub extra: toml::Table,
}

#[derive(Debug, Clone)]
pub struct Source {
    pub id: String,
    /// Byte offset of the id in the data file.
    pub at: usize,
    /// 1-based number shown in citations.
    pub number: usize,
    pub title: String,
    pub publisher: String,
    pub author: Option<String>,
    pub date: Option<PartialDate>,
    pub date_text: Option<String>,
    pub url: Option<String>,
    pub note: Option<Md>,
    /// The heading the sources page lists it under; sources are numbered group by group.
    pub group: Option<String>,
    /// The row's `extra` table, as written.
    pub extra: toml::Table,
}

#[derive(Debug, Clone)]
pub struct Term {
    pub id: String,
    /// Byte offset of the term in the data file.
    pub at: usize,
    pub term: String,
    pub expansion: String,
    pub definition: Option<Md>,
    /// The row's `extra` table, as written.
    pub extra: toml::Table,
}

#[derive(Debug, Clone)]
pub struct Note {
    pub id: String,
    pub title: String,
    pub body: Md,
    pub units: Vec<usize>,
    pub functions: Vec<usize>,
    pub events: Vec<usize>,
    pub sources: Vec<usize>,
    /// The row's `extra` table, as written.
    pub extra: toml::Table,
}

/// Which side of the reform a unit belongs to.
#[derive(
    Debug, serde::Deserialize, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Era {
    Before,
    After,
    Both,
}

impl Era {
    pub fn before(self) -> bool {
        matches!(self, Era::Before | Era::Both)
    }
    pub fn after(self) -> bool {
        matches!(self, Era::After | Era::Both)
    }
}
