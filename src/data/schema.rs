//! The reform data file exactly as written (serde, unknown keys refused). Ids and references
//! keep their byte spans so that validation can point at them. `docs/data-file.md` documents
//! every field; keep the two in step.

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

pub use super::links::{Link, Links};
use crate::date::{DateSpan, PartialDate};
pub use crate::model::reform::Era;

pub type Id = Spanned<String>;

#[derive(Debug, Deserialize, JsonSchema)]
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

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReform {
    pub title: String,
    #[schemars(with = "String")]
    pub summary: Spanned<String>,
    pub organisation: Option<String>,
    pub proposed: Option<PartialDate>,
    /// When it was decided (adopted, approved, voted).
    pub approved: Option<PartialDate>,
    pub effective: Option<PartialDate>,
    /// Further dated steps for the key facts, in order (several proposal stages, a vote…).
    #[serde(default)]
    pub steps: Vec<RawStep>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub sources: Vec<Id>,
}

/// A labelled, dated step of the reform, shown among the key facts.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub label: String,
    pub date: PartialDate,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawUnit {
    #[schemars(with = "String")]
    pub id: Id,
    pub name: String,
    pub acronym: Option<String>,
    pub era: Era,
    #[schemars(with = "String")]
    pub kind: Spanned<String>,
    pub level: Option<String>,
    /// Where it sits: one unit, or several for a unit that reports to more than one (the
    /// first is the primary parent).
    #[schemars(with = "Option<super::links::LinksSchema>")]
    pub parent: Option<Links>,
    /// For a unit that exists before and after: where it sat before, when not in `parent`.
    #[schemars(with = "Option<super::links::LinksSchema>")]
    pub parent_before: Option<Links>,
    /// For a unit that exists before and after under another name: its name before.
    pub name_before: Option<String>,
    pub acronym_before: Option<String>,
    #[serde(default)]
    #[schemars(with = "super::links::LinksSchema")]
    pub becomes: Links,
    pub established: Option<PartialDate>,
    pub ended: Option<PartialDate>,
    #[serde(default)]
    pub context: bool,
    #[schemars(with = "String")]
    pub summary: Spanned<String>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub sources: Vec<Id>,
    #[serde(default)]
    pub head: Vec<RawHead>,
    /// Anything else the author records, for templates (`extra.*`); pillar reads none of it.
    #[serde(default)]
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    pub extra: toml::Table,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHead {
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    pub title: Option<String>,
    pub nationality: Option<String>,
    pub from: Option<PartialDate>,
    pub to: Option<PartialDate>,
    /// When a date is loose or disputed.
    pub date_note: Option<String>,
    /// Still in office: without it, a head with no `to` reads "end of term not recorded".
    #[serde(default)]
    pub current: bool,
    #[schemars(with = "Option<String>")]
    pub note: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub sources: Vec<Id>,
    /// Anything else the author records, for templates (`extra.*`); pillar reads none of it.
    #[serde(default)]
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    pub extra: toml::Table,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFunction {
    #[schemars(with = "String")]
    pub id: Id,
    pub name: String,
    /// Required unless `moves` says where the function goes.
    #[schemars(with = "Option<super::links::LinksSchema>")]
    pub from: Option<Links>,
    #[serde(default)]
    #[schemars(with = "super::links::LinksSchema")]
    pub to: Links,
    /// Which origin goes where, when `from` and `to` would pair every origin with every
    /// destination.
    #[serde(default)]
    pub moves: Vec<RawMove>,
    #[schemars(with = "Option<String>")]
    pub note: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub sources: Vec<Id>,
    /// Anything else the author records, for templates (`extra.*`); pillar reads none of it.
    #[serde(default)]
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    pub extra: toml::Table,
}

/// One leg of a function's move: from these units to those.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMove {
    #[serde(default)]
    #[schemars(with = "super::links::LinksSchema")]
    pub from: Links,
    #[serde(default)]
    #[schemars(with = "super::links::LinksSchema")]
    pub to: Links,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    #[schemars(with = "Option<String>")]
    pub id: Option<Id>,
    /// A date, or a range `START/END` that places a loosely known event.
    pub date: DateSpan,
    /// Place it right after this event on the timeline, whatever its date.
    #[schemars(with = "Option<String>")]
    pub after: Option<Id>,
    pub date_note: Option<String>,
    #[schemars(with = "String")]
    pub title: Spanned<String>,
    #[schemars(with = "Option<String>")]
    pub kind: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub summary: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub units: Vec<Id>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub sources: Vec<Id>,
    /// Anything else the author records, for templates (`extra.*`); pillar reads none of it.
    #[serde(default)]
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    pub extra: toml::Table,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    #[schemars(with = "String")]
    pub id: Id,
    pub title: String,
    pub publisher: String,
    pub author: Option<String>,
    pub date: Option<PartialDate>,
    pub date_text: Option<String>,
    #[schemars(with = "Option<String>")]
    pub url: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub note: Option<Spanned<String>>,
    /// The heading the sources page lists it under ("UN documents", "Analysis", …).
    pub group: Option<String>,
    /// Anything else the author records, for templates (`extra.*`); pillar reads none of it.
    #[serde(default)]
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    pub extra: toml::Table,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTerm {
    #[schemars(with = "Option<String>")]
    pub id: Option<Id>,
    #[schemars(with = "String")]
    pub term: Spanned<String>,
    pub expansion: String,
    #[schemars(with = "Option<String>")]
    pub definition: Option<Spanned<String>>,
    /// Anything else the author records, for templates (`extra.*`); pillar reads none of it.
    #[serde(default)]
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    pub extra: toml::Table,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawNote {
    #[schemars(with = "String")]
    pub id: Id,
    pub title: String,
    #[schemars(with = "String")]
    pub body: Spanned<String>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub units: Vec<Id>,
    /// Functions and events it concerns: it is shown beside them too.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub functions: Vec<Id>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub events: Vec<Id>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub sources: Vec<Id>,
    /// Anything else the author records, for templates (`extra.*`); pillar reads none of it.
    #[serde(default)]
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    pub extra: toml::Table,
}
