//! The reform data file exactly as written (serde, unknown keys refused). Ids and references
//! keep their byte spans so that validation can point at them. `docs/data-file.md` documents
//! every field; keep the two in step.

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use crate::date::PartialDate;
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
    pub effective: Option<PartialDate>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub sources: Vec<Id>,
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
    #[schemars(with = "Option<String>")]
    pub parent: Option<Id>,
    /// For a unit that exists before and after: where it sat before, when not in `parent`.
    #[schemars(with = "Option<String>")]
    pub parent_before: Option<Id>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub becomes: Vec<Id>,
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
    pub name: String,
    pub title: Option<String>,
    pub nationality: Option<String>,
    pub from: Option<PartialDate>,
    pub to: Option<PartialDate>,
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
    #[schemars(with = "Vec<String>")]
    pub from: Vec<Id>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub to: Vec<Id>,
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
pub struct RawEvent {
    #[schemars(with = "Option<String>")]
    pub id: Option<Id>,
    pub date: PartialDate,
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
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub sources: Vec<Id>,
    /// Anything else the author records, for templates (`extra.*`); pillar reads none of it.
    #[serde(default)]
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    pub extra: toml::Table,
}
