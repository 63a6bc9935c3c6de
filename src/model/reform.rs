//! The reform as validated plain data: every reference resolved to an index, every id unique.
//! Built by `data::validate`; read by the Markdown, derive and render stages.

use std::collections::HashMap;
use std::sync::Arc;

use crate::data::date::PartialDate;
use crate::data::schema::Era;

/// Where a piece of Markdown came from, so that problems inside it can be located.
#[derive(Debug, Clone)]
pub struct Origin {
    /// The file as shown in messages.
    pub shown: Arc<std::path::Path>,
    /// The whole file's text.
    pub text: Arc<str>,
    /// Byte offset of the Markdown inside `text`.
    pub base: usize,
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
    pub effective: Option<PartialDate>,
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
}

#[derive(Debug, Clone)]
pub struct Unit {
    pub id: String,
    pub name: String,
    pub acronym: Option<String>,
    pub era: Era,
    pub kind: String,
    pub level: Option<String>,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
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
}

impl Unit {
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
    pub note: Option<Md>,
    pub sources: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Function {
    pub id: String,
    pub name: String,
    pub from: Vec<usize>,
    pub to: Vec<usize>,
    pub note: Option<Md>,
    pub sources: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Event {
    pub id: String,
    pub date: PartialDate,
    pub date_note: Option<String>,
    pub title: String,
    pub kind: String,
    pub summary: Option<Md>,
    pub units: Vec<usize>,
    pub sources: Vec<usize>,
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
}

#[derive(Debug, Clone)]
pub struct Term {
    pub id: String,
    /// Byte offset of the term in the data file.
    pub at: usize,
    pub term: String,
    pub expansion: String,
    pub definition: Option<Md>,
}

#[derive(Debug, Clone)]
pub struct Note {
    pub id: String,
    pub title: String,
    pub body: Md,
    pub units: Vec<usize>,
    pub sources: Vec<usize>,
}
