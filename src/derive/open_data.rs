//! The reform as open data: one CSV file per table (units, functions, events, sources) and the
//! whole validated model as JSON, with every reference written as the id it points at.
//! `docs/data-file.md` ("The data as open data") documents the columns; keep the two in step.

use serde::Serialize;

use crate::config::Config;
use crate::date::PartialDate;
use crate::model::reform::{Era, Event, Function, Head, Md, Note, Reform, Source, Term, Unit};

/// The folder of the data files in the output.
pub const DIR: &str = "data/";
/// How the ids of a list field are joined in a CSV cell (ids never hold it).
pub const LIST_SEPARATOR: &str = ";";

/// `data/units.csv`: one row per unit, in the data file's order.
pub fn units_csv(r: &Reform, config: &Config) -> Result<String, String> {
    let ids = |list: &[usize]| join(list.iter().map(|&i| r.units[i].id.as_str()));
    write_csv(
        &[
            "id",
            "name",
            "acronym",
            "era",
            "kind",
            "level",
            "parent",
            "parent_before",
            "becomes",
            "established",
            "ended",
            "context",
            "summary",
            "sources",
            "page",
        ],
        r.units.iter().map(|u| {
            vec![
                u.id.clone(),
                u.name.clone(),
                opt(u.acronym.as_deref()),
                era(u.era).to_owned(),
                u.kind.clone(),
                opt(u.level.as_deref()),
                ids(u.parent.as_slice()),
                ids(u.parent_before.as_slice()),
                ids(&u.becomes),
                date(u.established),
                date(u.ended),
                u.context.to_string(),
                u.summary.text.clone(),
                sources(r, &u.sources),
                config.permalink(&format!("{}/{}/", config.paths.units, u.id)),
            ]
        }),
    )
}

/// `data/functions.csv`: one row per function.
pub fn functions_csv(r: &Reform) -> Result<String, String> {
    let ids = |list: &[usize]| join(list.iter().map(|&i| r.units[i].id.as_str()));
    write_csv(
        &["id", "name", "from", "to", "note", "sources"],
        r.functions.iter().map(|f| {
            vec![
                f.id.clone(),
                f.name.clone(),
                ids(&f.from),
                ids(&f.to),
                md(f.note.as_ref()),
                sources(r, &f.sources),
            ]
        }),
    )
}

/// `data/events.csv`: one row per event, in the data file's order.
pub fn events_csv(r: &Reform) -> Result<String, String> {
    let ids = |list: &[usize]| join(list.iter().map(|&i| r.units[i].id.as_str()));
    write_csv(
        &[
            "id",
            "date",
            "date_note",
            "title",
            "kind",
            "summary",
            "units",
            "sources",
        ],
        r.events.iter().map(|e| {
            vec![
                e.id.clone(),
                e.date.iso(),
                opt(e.date_note.as_deref()),
                e.title.clone(),
                e.kind.clone(),
                md(e.summary.as_ref()),
                ids(&e.units),
                sources(r, &e.sources),
            ]
        }),
    )
}

/// `data/sources.csv`: one row per source, with the number citations show.
pub fn sources_csv(r: &Reform) -> Result<String, String> {
    write_csv(
        &[
            "id",
            "number",
            "title",
            "publisher",
            "author",
            "date",
            "date_text",
            "url",
            "note",
        ],
        r.source_list.iter().map(|s| {
            vec![
                s.id.clone(),
                s.number.to_string(),
                s.title.clone(),
                s.publisher.clone(),
                opt(s.author.as_deref()),
                date(s.date),
                opt(s.date_text.as_deref()),
                opt(s.url.as_deref()),
                md(s.note.as_ref()),
            ]
        }),
    )
}

/// `data/reform.json`: the whole validated model, references as ids, Markdown as written.
pub fn json(r: &Reform, config: &Config) -> Result<String, String> {
    let model = Model::new(r, config);
    serde_json::to_string(&model)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| e.to_string())
}

fn write_csv(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<String, String> {
    // RFC 4180 ends every record with CRLF.
    let mut w = (csv::WriterBuilder::new())
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(header).map_err(|e| e.to_string())?;
    for row in rows {
        w.write_record(&row).map_err(|e| e.to_string())?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

fn join<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    ids.collect::<Vec<_>>().join(LIST_SEPARATOR)
}

fn sources(r: &Reform, list: &[usize]) -> String {
    join(list.iter().map(|&i| r.source_list[i].id.as_str()))
}

fn opt(s: Option<&str>) -> String {
    s.unwrap_or_default().to_owned()
}

fn md(m: Option<&Md>) -> String {
    m.map(|m| m.text.clone()).unwrap_or_default()
}

fn date(d: Option<PartialDate>) -> String {
    d.map(|d| d.iso()).unwrap_or_default()
}

fn era(e: Era) -> &'static str {
    match e {
        Era::Before => "before",
        Era::After => "after",
        Era::Both => "both",
    }
}

/// The JSON document: the data file's tables, validated.
#[derive(Serialize)]
struct Model<'a> {
    title: &'a str,
    summary: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    organisation: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    proposed: Option<PartialDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    effective: Option<PartialDate>,
    sources: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    licence: Option<&'a str>,
    units: Vec<UnitJson<'a>>,
    functions: Vec<FunctionJson<'a>>,
    events: Vec<EventJson<'a>>,
    source_list: Vec<SourceJson<'a>>,
    terms: Vec<TermJson<'a>>,
    notes: Vec<NoteJson<'a>>,
}

impl<'a> Model<'a> {
    fn new(r: &'a Reform, config: &'a Config) -> Self {
        let cx = Ids(r);
        Model {
            title: &r.title,
            summary: &r.summary.text,
            organisation: r.organisation.as_deref(),
            proposed: r.proposed,
            effective: r.effective,
            sources: cx.sources(&r.sources),
            licence: config.data_licence.as_deref(),
            units: r.units.iter().map(|u| cx.unit(u)).collect(),
            functions: r.functions.iter().map(|f| cx.function(f)).collect(),
            events: r.events.iter().map(|e| cx.event(e)).collect(),
            source_list: r.source_list.iter().map(source).collect(),
            terms: r.terms.iter().map(term).collect(),
            notes: r.notes.iter().map(|n| cx.note(n)).collect(),
        }
    }
}

#[derive(Serialize)]
struct UnitJson<'a> {
    id: &'a str,
    name: &'a str,
    acronym: Option<&'a str>,
    era: Era,
    kind: &'a str,
    level: Option<&'a str>,
    parent: Option<&'a str>,
    parent_before: Option<&'a str>,
    becomes: Vec<&'a str>,
    absorbs: Vec<&'a str>,
    established: Option<PartialDate>,
    ended: Option<PartialDate>,
    context: bool,
    summary: &'a str,
    sources: Vec<&'a str>,
    heads: Vec<HeadJson<'a>>,
    extra: serde_json::Value,
}

#[derive(Serialize)]
struct HeadJson<'a> {
    name: &'a str,
    title: Option<&'a str>,
    nationality: Option<&'a str>,
    from: Option<PartialDate>,
    to: Option<PartialDate>,
    note: Option<&'a str>,
    sources: Vec<&'a str>,
    extra: serde_json::Value,
}

#[derive(Serialize)]
struct FunctionJson<'a> {
    id: &'a str,
    name: &'a str,
    from: Vec<&'a str>,
    to: Vec<&'a str>,
    note: Option<&'a str>,
    sources: Vec<&'a str>,
    extra: serde_json::Value,
}

#[derive(Serialize)]
struct EventJson<'a> {
    id: &'a str,
    date: PartialDate,
    date_note: Option<&'a str>,
    title: &'a str,
    kind: &'a str,
    summary: Option<&'a str>,
    units: Vec<&'a str>,
    sources: Vec<&'a str>,
    extra: serde_json::Value,
}

#[derive(Serialize)]
struct SourceJson<'a> {
    id: &'a str,
    number: usize,
    title: &'a str,
    publisher: &'a str,
    author: Option<&'a str>,
    date: Option<PartialDate>,
    date_text: Option<&'a str>,
    url: Option<&'a str>,
    note: Option<&'a str>,
    extra: serde_json::Value,
}

#[derive(Serialize)]
struct TermJson<'a> {
    id: &'a str,
    term: &'a str,
    expansion: &'a str,
    definition: Option<&'a str>,
    extra: serde_json::Value,
}

#[derive(Serialize)]
struct NoteJson<'a> {
    id: &'a str,
    title: &'a str,
    body: &'a str,
    units: Vec<&'a str>,
    sources: Vec<&'a str>,
    extra: serde_json::Value,
}

/// Turns the model's indices back into ids.
struct Ids<'a>(&'a Reform);

impl<'a> Ids<'a> {
    fn units(&self, list: &[usize]) -> Vec<&'a str> {
        list.iter().map(|&i| self.0.units[i].id.as_str()).collect()
    }

    fn sources(&self, list: &[usize]) -> Vec<&'a str> {
        (list.iter())
            .map(|&i| self.0.source_list[i].id.as_str())
            .collect()
    }

    fn unit(&self, u: &'a Unit) -> UnitJson<'a> {
        let one = |i: Option<usize>| i.map(|i| self.0.units[i].id.as_str());
        UnitJson {
            id: &u.id,
            name: &u.name,
            acronym: u.acronym.as_deref(),
            era: u.era,
            kind: &u.kind,
            level: u.level.as_deref(),
            parent: one(u.parent),
            parent_before: one(u.parent_before),
            becomes: self.units(&u.becomes),
            absorbs: self.units(&u.absorbs),
            established: u.established,
            ended: u.ended,
            context: u.context,
            summary: &u.summary.text,
            sources: self.sources(&u.sources),
            heads: u.heads.iter().map(|h| self.head(h)).collect(),
            extra: extra(&u.extra),
        }
    }

    fn head(&self, h: &'a Head) -> HeadJson<'a> {
        HeadJson {
            name: &h.name,
            title: h.title.as_deref(),
            nationality: h.nationality.as_deref(),
            from: h.from,
            to: h.to,
            note: h.note.as_ref().map(|m| m.text.as_str()),
            sources: self.sources(&h.sources),
            extra: extra(&h.extra),
        }
    }

    fn function(&self, f: &'a Function) -> FunctionJson<'a> {
        FunctionJson {
            id: &f.id,
            name: &f.name,
            from: self.units(&f.from),
            to: self.units(&f.to),
            note: f.note.as_ref().map(|m| m.text.as_str()),
            sources: self.sources(&f.sources),
            extra: extra(&f.extra),
        }
    }

    fn event(&self, e: &'a Event) -> EventJson<'a> {
        EventJson {
            id: &e.id,
            date: e.date,
            date_note: e.date_note.as_deref(),
            title: &e.title,
            kind: &e.kind,
            summary: e.summary.as_ref().map(|m| m.text.as_str()),
            units: self.units(&e.units),
            sources: self.sources(&e.sources),
            extra: extra(&e.extra),
        }
    }

    fn note(&self, n: &'a Note) -> NoteJson<'a> {
        NoteJson {
            id: &n.id,
            title: &n.title,
            body: &n.body.text,
            units: self.units(&n.units),
            sources: self.sources(&n.sources),
            extra: extra(&n.extra),
        }
    }
}

fn source(s: &Source) -> SourceJson<'_> {
    SourceJson {
        id: &s.id,
        number: s.number,
        title: &s.title,
        publisher: &s.publisher,
        author: s.author.as_deref(),
        date: s.date,
        date_text: s.date_text.as_deref(),
        url: s.url.as_deref(),
        note: s.note.as_ref().map(|m| m.text.as_str()),
        extra: extra(&s.extra),
    }
}

fn term(t: &Term) -> TermJson<'_> {
    TermJson {
        id: &t.id,
        term: &t.term,
        expansion: &t.expansion,
        definition: t.definition.as_ref().map(|m| m.text.as_str()),
        extra: extra(&t.extra),
    }
}

/// A row's `extra` table as JSON; TOML dates and times become their text.
fn extra(t: &toml::Table) -> serde_json::Value {
    serde_json::Value::Object(t.iter().map(|(k, v)| (k.clone(), value(v))).collect())
}

fn value(v: &toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s.clone()),
        toml::Value::Integer(i) => J::from(*i),
        // JSON has no NaN or infinity: they become null.
        toml::Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.iter().map(value).collect()),
        toml::Value::Table(t) => extra(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_cells_that_hold_commas_quotes_and_newlines() {
        let text = write_csv(
            &["a", "b"],
            [vec!["x, \"y\"\nz".to_owned(), "plain".to_owned()]].into_iter(),
        )
        .unwrap();
        assert_eq!(text, "a,b\r\n\"x, \"\"y\"\"\nz\",plain\r\n");
    }

    #[test]
    fn toml_dates_in_extra_become_text() {
        let t: toml::Table = toml::from_str("d = 2017-10-13\nn = [1, 2.5]").unwrap();
        assert_eq!(extra(&t).to_string(), r#"{"d":"2017-10-13","n":[1,2.5]}"#);
    }
}
