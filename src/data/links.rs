//! References between rows as the data file writes them: a bare id (`"dpko"`), a list of
//! them, or a table that also says how certain the link is
//! (`{ id = "dpko", confidence = "uncertain", reason = "…", sources = ["s1"] }`). Every
//! form keeps the byte span of each id, so that validation can point at it.

use std::fmt;

use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use toml::Spanned;

use super::schema::Id;

pub use crate::model::reform::Confidence;

/// One link as written, with the span of its id.
#[derive(Debug, Clone)]
pub struct Link {
    pub id: Id,
    pub confidence: Option<Spanned<Confidence>>,
    pub reason: Option<String>,
    pub sources: Vec<Id>,
}

/// The table form of a link.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkTable {
    id: Id,
    confidence: Option<Spanned<Confidence>>,
    reason: Option<String>,
    #[serde(default)]
    sources: Vec<Id>,
}

/// A link's value before its span is known: an id or a table.
enum LinkBody {
    Bare(String),
    Full(LinkTable),
}

const LINK_EXPECTED: &str =
    "a unit id, or a table such as { id = \"…\", confidence = \"uncertain\", reason = \"…\" }";

struct LinkBodyVisitor;

impl<'de> Visitor<'de> for LinkBodyVisitor {
    type Value = LinkBody;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(LINK_EXPECTED)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<LinkBody, E> {
        Ok(LinkBody::Bare(v.to_owned()))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<LinkBody, A::Error> {
        LinkTable::deserialize(de::value::MapAccessDeserializer::new(map)).map(LinkBody::Full)
    }
}

impl<'de> Deserialize<'de> for LinkBody {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LinkBodyVisitor)
    }
}

impl Link {
    fn from_body(body: LinkBody, span: std::ops::Range<usize>) -> Self {
        match body {
            LinkBody::Bare(s) => Link {
                id: Spanned::new(span, s),
                confidence: None,
                reason: None,
                sources: Vec::new(),
            },
            LinkBody::Full(t) => Link {
                id: t.id,
                confidence: t.confidence,
                reason: t.reason,
                sources: t.sources,
            },
        }
    }

    /// The confidence written, or `Confirmed`.
    pub fn level(&self) -> Confidence {
        self.confidence
            .as_ref()
            .map_or(Confidence::Confirmed, |c| *c.get_ref())
    }
}

impl<'de> Deserialize<'de> for Link {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s: Spanned<LinkBody> = Spanned::deserialize(d)?;
        let span = s.span();
        Ok(Link::from_body(s.into_inner(), span))
    }
}

/// One link or several: `"a"`, `["a", "b"]`, `{ id = "a", … }` or a list mixing the forms.
#[derive(Debug, Clone, Default)]
pub struct Links(pub Vec<Link>);

enum LinksBody {
    One(LinkBody),
    Many(Vec<Link>),
}

struct LinksVisitor;

impl<'de> Visitor<'de> for LinksVisitor {
    type Value = LinksBody;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{LINK_EXPECTED}, or a list of them")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<LinksBody, E> {
        Ok(LinksBody::One(LinkBody::Bare(v.to_owned())))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<LinksBody, A::Error> {
        LinkBodyVisitor.visit_map(map).map(LinksBody::One)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<LinksBody, A::Error> {
        let mut out = Vec::new();
        while let Some(l) = seq.next_element::<Link>()? {
            out.push(l);
        }
        Ok(LinksBody::Many(out))
    }
}

impl<'de> Deserialize<'de> for LinksBody {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LinksVisitor)
    }
}

impl<'de> Deserialize<'de> for Links {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s: Spanned<LinksBody> = Spanned::deserialize(d)?;
        let span = s.span();
        Ok(Links(match s.into_inner() {
            LinksBody::One(b) => vec![Link::from_body(b, span)],
            LinksBody::Many(v) => v,
        }))
    }
}

impl Links {
    pub fn iter(&self) -> std::slice::Iter<'_, Link> {
        self.0.iter()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Row {
        parent: Links,
    }

    fn ids(text: &str) -> Vec<(String, usize, Confidence)> {
        let r: Row = toml::from_str(text).unwrap();
        r.parent
            .iter()
            .map(|l| (l.id.get_ref().clone(), l.id.span().start, l.level()))
            .collect()
    }

    #[test]
    fn a_bare_id_keeps_its_span() {
        assert_eq!(
            ids("parent = \"a\""),
            [("a".into(), 9, Confidence::Confirmed)]
        );
    }

    #[test]
    fn a_list_mixes_ids_and_tables() {
        let got = ids("parent = [\"a\", { id = \"b\", confidence = \"uncertain\" }]");
        assert_eq!(
            got,
            [
                ("a".into(), 10, Confidence::Confirmed),
                ("b".into(), 22, Confidence::Uncertain)
            ]
        );
    }

    #[test]
    fn a_single_table_is_one_link() {
        let got = ids("parent = { id = \"b\", confidence = \"reported\", reason = \"r\" }");
        assert_eq!(got, [("b".into(), 16, Confidence::Reported)]);
    }

    #[test]
    fn a_wrong_type_names_every_accepted_form() {
        let e = toml::from_str::<Row>("parent = 5")
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("a unit id, or a table such as"), "{e}");
        assert!(e.contains("or a list of them"), "{e}");
    }

    #[test]
    fn an_unknown_confidence_is_refused() {
        let e = toml::from_str::<Row>("parent = { id = \"b\", confidence = \"maybe\" }")
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("reported"), "{e}");
    }
}

/// The forms of [`Links`], for the data file's JSON Schema only (`pillar schema`): one link or
/// a list of them.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum LinksSchema {
    One(LinkSchema),
    Many(Vec<LinkSchema>),
}

/// One link: a bare unit id, or a table that says how certain the link is.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum LinkSchema {
    Id(String),
    Table(LinkTableSchema),
}

/// The table form of a link.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct LinkTableSchema {
    id: String,
    confidence: Option<Confidence>,
    reason: Option<String>,
    #[serde(default)]
    sources: Vec<String>,
}
