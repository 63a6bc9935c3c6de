//! View models: what the templates receive for units, functions, events, sources, terms and
//! notes. Built here, from the model, with Markdown already rendered for the page at hand, so
//! that templates only lay out.

use serde::Serialize;

use crate::date::PartialDate;
use crate::i18n::Strings;
use crate::markdown::PageRenderer;
use crate::model::reform::{Event, Function, Note, Reform, Source, Term, Unit};

#[derive(Serialize, Clone)]
pub struct DateView {
    pub iso: String,
    pub human: String,
}

impl DateView {
    pub fn new(d: PartialDate, strings: &Strings) -> Self {
        Self {
            iso: d.iso(),
            human: strings.date(d),
        }
    }
}

pub fn date(d: Option<PartialDate>, strings: &Strings) -> Option<DateView> {
    d.map(|d| DateView::new(d, strings))
}

/// A link to a unit, as templates see it (`id`, `name`, `label`, `url`, `era`, `kind`,
/// `context`). Every page that shows a unit shows the same link, so each is made once per
/// site (see [`unit_refs`]) and a page only copies a pointer to it.
#[derive(Clone)]
pub struct UnitRef(tera::Value);

impl Serialize for UnitRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// The fields of a [`UnitRef`].
#[derive(Serialize)]
struct UnitLink<'a> {
    id: &'a str,
    name: &'a str,
    label: &'a str,
    url: String,
    era: crate::model::reform::Era,
    kind: &'a str,
    context: bool,
}

/// The links to every unit of the reform, in the data file's order.
pub fn unit_refs(r: &Reform, units_dir: &str) -> Vec<UnitRef> {
    r.units
        .iter()
        .map(|u| {
            UnitRef(tera::Value::from_serializable(&UnitLink {
                id: &u.id,
                name: &u.name,
                label: u.label(),
                url: format!("{units_dir}/{}/", u.id),
                era: u.era,
                kind: &u.kind,
                context: u.context,
            }))
        })
        .collect()
}

/// Everything the data says about one unit.
#[derive(Serialize)]
pub struct UnitView {
    #[serde(flatten)]
    pub unit: UnitRef,
    pub acronym: Option<String>,
    pub level: Option<String>,
    pub summary: String,
    pub established: Option<DateView>,
    pub ended: Option<DateView>,
    pub parent: Option<UnitRef>,
    pub children: Vec<UnitRef>,
    /// Units inside this one before the reform, when that differs from `children`.
    pub children_before: Vec<UnitRef>,
    pub becomes: Vec<UnitRef>,
    pub absorbs: Vec<UnitRef>,
    pub heads: Vec<HeadView>,
    pub functions_out: Vec<FunctionView>,
    pub functions_in: Vec<FunctionView>,
    pub events: Vec<EventView>,
    pub notes: Vec<NoteView>,
    pub cite: String,
    pub sources: Vec<SourceRef>,
    /// The row's `extra` table.
    pub extra: toml::Table,
}

#[derive(Serialize)]
pub struct HeadView {
    pub name: String,
    pub title: Option<String>,
    pub nationality: Option<String>,
    pub from: Option<DateView>,
    pub to: Option<DateView>,
    pub note: Option<String>,
    pub cite: String,
    /// The row's `extra` table.
    pub extra: toml::Table,
}

#[derive(Serialize)]
pub struct FunctionView {
    pub id: String,
    pub name: String,
    pub from: Vec<UnitRef>,
    pub to: Vec<UnitRef>,
    pub note: Option<String>,
    pub cite: String,
    /// The row's `extra` table.
    pub extra: toml::Table,
}

#[derive(Serialize)]
pub struct EventView {
    pub id: String,
    pub date: DateView,
    pub date_note: Option<String>,
    pub title: String,
    pub kind: String,
    pub summary: Option<String>,
    pub units: Vec<UnitRef>,
    pub cite: String,
    /// The row's `extra` table.
    pub extra: toml::Table,
}

#[derive(Serialize, Clone)]
pub struct SourceRef {
    pub id: String,
    pub number: usize,
    pub title: String,
    pub publisher: String,
}

#[derive(Serialize)]
pub struct SourceView {
    #[serde(flatten)]
    pub source: SourceRef,
    pub author: Option<String>,
    pub date: Option<DateView>,
    pub date_text: Option<String>,
    pub url: Option<String>,
    pub note: Option<String>,
    /// Pages that cite this source ([`crate::derive::PageLink`]s).
    pub cited_by: Vec<tera::Value>,
    /// The heading the sources page lists it under.
    pub group: Option<String>,
    /// The row's `extra` table.
    pub extra: toml::Table,
}

#[derive(Serialize)]
pub struct TermView {
    pub id: String,
    pub term: String,
    pub expansion: String,
    pub definition: Option<String>,
    /// The row's `extra` table.
    pub extra: toml::Table,
}

#[derive(Serialize)]
pub struct NoteView {
    pub id: String,
    pub title: String,
    pub body: String,
    pub units: Vec<UnitRef>,
    pub cite: String,
    /// The row's `extra` table.
    pub extra: toml::Table,
}

/// Builds views for one page, rendering Markdown through that page's renderer.
pub struct Views<'a, 'r> {
    pub reform: &'a Reform,
    /// What every page shares.
    pub shared: &'a super::Shared,
    pub md: &'a mut PageRenderer<'r>,
}

impl Views<'_, '_> {
    fn refs(&self, list: &[usize]) -> Vec<UnitRef> {
        list.iter().map(|&i| self.unit_ref(i)).collect()
    }

    pub fn unit_ref(&self, i: usize) -> UnitRef {
        self.shared.unit_refs[i].clone()
    }

    pub fn source_ref(s: &Source) -> SourceRef {
        SourceRef {
            id: s.id.clone(),
            number: s.number,
            title: s.title.clone(),
            publisher: s.publisher.clone(),
        }
    }

    pub fn unit(&mut self, i: usize, full: bool) -> UnitView {
        let r = self.reform;
        let strings = self.md.strings();
        let u: &Unit = &r.units[i];
        let summary = self.md.render_data(&u.summary.text, &u.summary.origin);
        let cite = self.md.cite(&u.sources);
        let (heads, functions_out, functions_in, events, notes) = if full {
            let heads = u
                .heads
                .iter()
                .map(|h| HeadView {
                    extra: h.extra.clone(),
                    name: h.name.clone(),
                    title: h.title.clone(),
                    nationality: h.nationality.clone(),
                    from: date(h.from, strings),
                    to: date(h.to, strings),
                    note: h
                        .note
                        .as_ref()
                        .map(|n| self.md.render_inline(&n.text, &n.origin)),
                    cite: self.md.cite(&h.sources),
                })
                .collect();
            let fo = u
                .functions_out
                .iter()
                .map(|&f| self.function(&r.functions[f]))
                .collect();
            let fi = u
                .functions_in
                .iter()
                .map(|&f| self.function(&r.functions[f]))
                .collect();
            // Notes and events come after the unit's prose on its page: see `unit_after_prose`.
            (heads, fo, fi, Vec::new(), Vec::new())
        } else {
            Default::default()
        };
        UnitView {
            extra: u.extra.clone(),
            unit: self.unit_ref(i),
            acronym: u.acronym.clone(),
            level: u.level.clone(),
            summary,
            established: date(u.established, strings),
            ended: date(u.ended, strings),
            parent: u.parent.map(|p| self.unit_ref(p)),
            children: self.refs(&u.children),
            children_before: if u.children_before == u.children {
                Vec::new()
            } else {
                self.refs(&u.children_before)
            },
            becomes: self.refs(&u.becomes),
            absorbs: self.refs(&u.absorbs),
            heads,
            functions_out,
            functions_in,
            events,
            notes,
            cite,
            sources: u
                .sources
                .iter()
                .map(|&s| Self::source_ref(&r.source_list[s]))
                .collect(),
        }
    }

    /// What a unit's page shows below its prose: its notes and its events (rendered after the
    /// prose so that first-use abbreviations follow reading order).
    pub fn unit_after_prose(&mut self, i: usize, view: &mut UnitView) {
        let r = self.reform;
        let u = &r.units[i];
        view.notes = u.notes.iter().map(|&n| self.note(&r.notes[n])).collect();
        view.events = u.events.iter().map(|&e| self.event(&r.events[e])).collect();
    }

    pub fn function(&mut self, f: &Function) -> FunctionView {
        FunctionView {
            extra: f.extra.clone(),
            id: f.id.clone(),
            name: f.name.clone(),
            from: self.refs(&f.from),
            to: self.refs(&f.to),
            note: f
                .note
                .as_ref()
                .map(|n| self.md.render_inline(&n.text, &n.origin)),
            cite: self.md.cite(&f.sources),
        }
    }

    pub fn event(&mut self, e: &Event) -> EventView {
        EventView {
            extra: e.extra.clone(),
            id: e.id.clone(),
            date: DateView::new(e.date, self.md.strings()),
            date_note: e.date_note.clone(),
            title: e.title.clone(),
            kind: e.kind.clone(),
            summary: e
                .summary
                .as_ref()
                .map(|s| self.md.render_data(&s.text, &s.origin)),
            units: self.refs(&e.units),
            cite: self.md.cite(&e.sources),
        }
    }

    pub fn note(&mut self, n: &Note) -> NoteView {
        NoteView {
            extra: n.extra.clone(),
            id: n.id.clone(),
            title: n.title.clone(),
            body: self.md.render_data(&n.body.text, &n.body.origin),
            units: self.refs(&n.units),
            cite: self.md.cite(&n.sources),
        }
    }

    pub fn term(&mut self, t: &Term) -> TermView {
        TermView {
            extra: t.extra.clone(),
            id: t.id.clone(),
            term: t.term.clone(),
            expansion: t.expansion.clone(),
            definition: t
                .definition
                .as_ref()
                .map(|d| self.md.render_inline(&d.text, &d.origin)),
        }
    }

    pub fn source(&mut self, s: &Source) -> SourceView {
        let strings = self.md.strings();
        SourceView {
            extra: s.extra.clone(),
            source: Self::source_ref(s),
            author: s.author.clone(),
            date: date(s.date, strings),
            date_text: s.date_text.clone(),
            url: s.url.clone(),
            note: s
                .note
                .as_ref()
                .map(|n| self.md.render_inline(&n.text, &n.origin)),
            cited_by: Vec::new(),
            group: s.group.clone(),
        }
    }
}
