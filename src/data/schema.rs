//! The reform data file exactly as written (serde, unknown keys refused). Ids and references
//! keep their byte spans so that validation can point at them. `docs/data-file.md` documents
//! every field; keep the two in step.

use serde::Deserialize;
use toml::Spanned;

use crate::date::PartialDate;
pub use crate::model::reform::Era;

pub type Id = Spanned<String>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawData {
    pub reform: RawReform,
    #[serde(default)]
    pub unit: Vec<RawUnit>,
    #[serde(default)]
    pub function: Vec<RawFunction>,
    #[serde(default)]
    pub event: Vec<RawEvent>,
    #[serde(default)]
    pub source: Vec<RawSource>,
    #[serde(default)]
    pub term: Vec<RawTerm>,
    #[serde(default)]
    pub note: Vec<RawNote>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReform {
    pub title: String,
    pub summary: Spanned<String>,
    pub organisation: Option<String>,
    pub proposed: Option<PartialDate>,
    pub effective: Option<PartialDate>,
    #[serde(default)]
    pub sources: Vec<Id>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUnit {
    pub id: Id,
    pub name: String,
    pub acronym: Option<String>,
    pub era: Era,
    pub kind: Spanned<String>,
    pub level: Option<String>,
    pub parent: Option<Id>,
    /// For a unit that exists before and after: where it sat before, when not in `parent`.
    pub parent_before: Option<Id>,
    #[serde(default)]
    pub becomes: Vec<Id>,
    pub established: Option<PartialDate>,
    pub ended: Option<PartialDate>,
    #[serde(default)]
    pub context: bool,
    pub summary: Spanned<String>,
    #[serde(default)]
    pub sources: Vec<Id>,
    #[serde(default)]
    pub head: Vec<RawHead>,
    /// Anything else the author records, for templates (`extra.*`); pillar reads none of it.
    #[serde(default)]
    pub extra: toml::Table,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHead {
    pub name: String,
    pub title: Option<String>,
    pub nationality: Option<String>,
    pub from: Option<PartialDate>,
    pub to: Option<PartialDate>,
    pub note: Option<Spanned<String>>,
    #[serde(default)]
    pub sources: Vec<Id>,
    /// Anything else the author records, for templates (`extra.*`); pillar reads none of it.
    #[serde(default)]
    pub extra: toml::Table,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFunction {
    pub id: Id,
    pub name: String,
    pub from: Vec<Id>,
    #[serde(default)]
    pub to: Vec<Id>,
    pub note: Option<Spanned<String>>,
    #[serde(default)]
    pub sources: Vec<Id>,
    /// Anything else the author records, for templates (`extra.*`); pillar reads none of it.
    #[serde(default)]
    pub extra: toml::Table,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub id: Option<Id>,
    pub date: PartialDate,
    pub date_note: Option<String>,
    pub title: Spanned<String>,
    pub kind: Option<Spanned<String>>,
    pub summary: Option<Spanned<String>>,
    #[serde(default)]
    pub units: Vec<Id>,
    #[serde(default)]
    pub sources: Vec<Id>,
    /// Anything else the author records, for templates (`extra.*`); pillar reads none of it.
    #[serde(default)]
    pub extra: toml::Table,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub id: Id,
    pub title: String,
    pub publisher: String,
    pub author: Option<String>,
    pub date: Option<PartialDate>,
    pub date_text: Option<String>,
    pub url: Option<Spanned<String>>,
    pub note: Option<Spanned<String>>,
    /// The heading the sources page lists it under ("UN documents", "Analysis", …).
    pub group: Option<String>,
    /// Anything else the author records, for templates (`extra.*`); pillar reads none of it.
    #[serde(default)]
    pub extra: toml::Table,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTerm {
    pub id: Option<Id>,
    pub term: Spanned<String>,
    pub expansion: String,
    pub definition: Option<Spanned<String>>,
    /// Anything else the author records, for templates (`extra.*`); pillar reads none of it.
    #[serde(default)]
    pub extra: toml::Table,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNote {
    pub id: Id,
    pub title: String,
    pub body: Spanned<String>,
    #[serde(default)]
    pub units: Vec<Id>,
    #[serde(default)]
    pub sources: Vec<Id>,
    /// Anything else the author records, for templates (`extra.*`); pillar reads none of it.
    #[serde(default)]
    pub extra: toml::Table,
}
