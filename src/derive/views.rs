//! View models: what the templates receive for units, functions, events, sources, terms and
//! notes. Built here, from the model, with Markdown already rendered for the page at hand, so
//! that templates only lay out.

use serde::Serialize;

use crate::date::PartialDate;
use crate::i18n::Strings;
use crate::markdown::PageRenderer;
use crate::model::reform::{Event, Note, Owner, Reform, Relation, Source, Term, Unit};

#[derive(Serialize, Clone)]
pub struct DateView {
    pub iso: String,
    pub human: String,
    /// The words that lead into the date as the start and the end of a period, with the
    /// space after them when one belongs there: "from ", or in French "du " before a day, "de "
    /// before a month or a year, "d’" before a vowel (`{{ d.from_word }}{{ d.human }}`).
    pub from_word: String,
    pub to_word: String,
}

impl DateView {
    pub fn new(d: PartialDate, strings: &Strings) -> Self {
        let human = strings.date(d);
        let (from_word, to_word) = strings.period_words(d.day.is_some(), &human);
        Self {
            iso: d.iso(),
            human,
            from_word,
            to_word,
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
    /// The kind as words: `service-centre` reads "Service centre".
    kind_label: String,
    context: bool,
    /// Its name and short label before the reform, when it was renamed.
    name_before: Option<&'a str>,
    label_before: Option<&'a str>,
}

/// A kind as people read it: `service-centre` → "Service centre".
pub fn kind_label(kind: &str) -> String {
    let words = kind.replace('-', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
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
                kind_label: kind_label(&u.kind),
                context: u.context,
                name_before: u.name_before.as_deref(),
                label_before: u
                    .name_before
                    .is_some()
                    .then(|| u.label_in_before())
                    .or(u.acronym_before.as_deref()),
            }))
        })
        .collect()
}

/// How sure the data is of a link that is not confirmed.
#[derive(Serialize, Clone)]
pub struct CertaintyView {
    /// `reported` or `uncertain`.
    pub confidence: &'static str,
    pub reason: Option<String>,
    pub cite: String,
}

/// A link to a unit together with how sure the data is of it (`certainty` is absent for a
/// confirmed link). Templates read it as a [`UnitRef`] with one more field.
#[derive(Serialize, Clone)]
pub struct LinkView {
    #[serde(flatten)]
    pub unit: UnitRef,
    pub certainty: Option<CertaintyView>,
}

/// A unit inside another, listed once, with the eras in which it sits there.
#[derive(Serialize)]
pub struct MemberView {
    #[serde(flatten)]
    pub unit: UnitRef,
    pub before: bool,
    pub after: bool,
    /// It reports here as a second (or later) parent.
    pub shared: bool,
}

/// The units a function leaves for the destinations of one origin (when the data pairs them).
#[derive(Serialize)]
pub struct LegView {
    pub from: Option<LinkView>,
    pub to: Vec<LinkView>,
}

/// The functions that arrive in one unit inside a department.
#[derive(Serialize)]
pub struct SubFunctions {
    pub unit: UnitRef,
    /// How deep inside the department it sits (1 for a unit directly inside it).
    pub depth: usize,
    pub functions: Vec<FunctionBrief>,
}

/// A function by name, with the units it comes from.
#[derive(Serialize)]
pub struct FunctionBrief {
    pub id: String,
    pub name: String,
    pub from: Vec<LinkView>,
}

/// Everything the data says about one unit.
#[derive(Serialize)]
pub struct UnitView {
    #[serde(flatten)]
    pub unit: UnitRef,
    pub acronym: Option<String>,
    /// Its acronym before the reform, when it was renamed (`name_before` is in `unit`).
    pub acronym_before: Option<String>,
    pub level: Option<String>,
    pub summary: String,
    pub established: Option<DateView>,
    pub ended: Option<DateView>,
    /// The primary parent.
    pub parent: Option<LinkView>,
    /// Every parent, primary first (more than one for a unit that reports to several).
    pub parents: Vec<LinkView>,
    /// Where a unit of era "both" sat before the reform, when that differs from `parents`.
    pub parents_before: Vec<LinkView>,
    pub children: Vec<UnitRef>,
    /// Units inside this one before the reform, when that differs from `children`.
    pub children_before: Vec<UnitRef>,
    /// Every unit inside this one, in either era or as a second parent, each once.
    pub members: Vec<MemberView>,
    pub becomes: Vec<LinkView>,
    pub absorbs: Vec<LinkView>,
    pub heads: Vec<HeadView>,
    pub functions_out: Vec<FunctionView>,
    pub functions_in: Vec<FunctionView>,
    /// The functions that arrive in the units inside this one (at any depth, after the
    /// reform), grouped by that unit, in the order of the chart.
    pub sub_functions: Vec<SubFunctions>,
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
    pub date_note: Option<String>,
    /// Still in office, as the data says.
    pub current: bool,
    pub note: Option<String>,
    pub cite: String,
    /// The row's `extra` table.
    pub extra: toml::Table,
}

#[derive(Serialize)]
pub struct FunctionView {
    pub id: String,
    pub name: String,
    pub from: Vec<LinkView>,
    pub to: Vec<LinkView>,
    /// Which origin goes where, when the data says (`[[function.moves]]`); empty otherwise.
    pub legs: Vec<LegView>,
    /// The `[[note]]`s that concern it.
    pub notes: Vec<NoteRef>,
    pub note: Option<String>,
    pub cite: String,
    /// The row's `extra` table.
    pub extra: toml::Table,
}

#[derive(Serialize)]
pub struct EventView {
    pub id: String,
    pub date: DateView,
    /// The end of the event's date range, when it has one.
    pub date_end: Option<DateView>,
    pub date_note: Option<String>,
    /// The `[[note]]`s that concern it.
    pub notes: Vec<NoteRef>,
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

/// A link to a `[[note]]` (on the sources page), from a row it concerns.
#[derive(Serialize)]
pub struct NoteRef {
    pub id: String,
    pub title: String,
}

#[derive(Serialize)]
pub struct NoteView {
    pub id: String,
    pub title: String,
    pub body: String,
    pub units: Vec<UnitRef>,
    /// The functions and events it concerns, as `(id, name)` links.
    pub functions: Vec<NoteRef>,
    pub events: Vec<NoteRef>,
    pub cite: String,
    /// The same, without the sources its body cites already (for a list printed right after it).
    pub cite_rest: String,
    /// The row's `extra` table.
    pub extra: toml::Table,
}

/// The sources of `list` that `cited` does not hold, in order.
fn not_in(list: &[usize], cited: &std::collections::BTreeSet<usize>) -> Vec<usize> {
    list.iter()
        .copied()
        .filter(|s| !cited.contains(s))
        .collect()
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

    /// The link from `owner` to unit `target` written in `relation`, with its certainty.
    pub fn link(&mut self, owner: Owner, relation: Relation, target: usize) -> LinkView {
        let certainty = self
            .reform
            .doubt(owner, relation, target)
            .map(|d| CertaintyView {
                confidence: d.level.as_str(),
                reason: d.reason.clone(),
                cite: self.md.cite(&d.sources),
            });
        LinkView {
            unit: self.unit_ref(target),
            certainty,
        }
    }

    fn links(&mut self, owner: Owner, relation: Relation, list: &[usize]) -> Vec<LinkView> {
        list.iter()
            .map(|&t| self.link(owner, relation, t))
            .collect()
    }

    fn note_refs(&self, list: &[usize]) -> Vec<NoteRef> {
        list.iter()
            .map(|&n| NoteRef {
                id: self.reform.notes[n].id.clone(),
                title: self.reform.notes[n].title.clone(),
            })
            .collect()
    }

    /// The functions arriving in each unit inside unit `i` after the reform (its own
    /// children at every depth, then the units that report to it as a second parent).
    fn sub_functions(&mut self, i: usize) -> Vec<SubFunctions> {
        let r = self.reform;
        let mut inside: Vec<(usize, usize)> = Vec::new();
        let mut stack: Vec<(usize, usize)> =
            r.units[i].children.iter().rev().map(|&c| (c, 1)).collect();
        while let Some((u, depth)) = stack.pop() {
            // A loop is refused by validation; the depth bound is a guard.
            if inside.iter().any(|&(v, _)| v == u) || depth > 64 {
                continue;
            }
            inside.push((u, depth));
            stack.extend(r.units[u].children.iter().rev().map(|&c| (c, depth + 1)));
        }
        for &c in &r.units[i].shared_children {
            if !inside.iter().any(|&(v, _)| v == c) {
                inside.push((c, 1));
            }
        }
        inside
            .into_iter()
            .filter(|&(u, _)| r.units[u].era.after() && !r.units[u].functions_in.is_empty())
            .map(|(u, depth)| SubFunctions {
                unit: self.unit_ref(u),
                depth,
                functions: r.units[u]
                    .functions_in
                    .iter()
                    .map(|&f| {
                        // Only the origins whose move ends here.
                        let mut from: Vec<usize> = Vec::new();
                        for m in &r.functions[f].moves {
                            if let (Some(o), Some(true)) = (m.from, m.to.map(|t| t == u))
                                && !from.contains(&o)
                            {
                                from.push(o);
                            }
                        }
                        FunctionBrief {
                            id: r.functions[f].id.clone(),
                            name: r.functions[f].name.clone(),
                            from: self.links(Owner::Function(f), Relation::From, &from),
                        }
                    })
                    .collect(),
            })
            .collect()
    }

    /// Every unit inside unit `i`, each once, in the data file's order.
    fn members(&self, i: usize) -> Vec<MemberView> {
        let u = &self.reform.units[i];
        let mut all: Vec<usize> = [
            &u.children,
            &u.children_before,
            &u.shared_children,
            &u.shared_children_before,
        ]
        .into_iter()
        .flatten()
        .copied()
        .collect();
        all.sort_unstable();
        all.dedup();
        all.into_iter()
            .map(|c| MemberView {
                unit: self.unit_ref(c),
                before: u.children_before.contains(&c) || u.shared_children_before.contains(&c),
                after: u.children.contains(&c) || u.shared_children.contains(&c),
                shared: u.shared_children.contains(&c) || u.shared_children_before.contains(&c),
            })
            .collect()
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
                    date_note: h.date_note.clone(),
                    current: h.current,
                    note: h
                        .note
                        .as_ref()
                        .map(|n| self.md.render_inline(&n.text, &n.origin)),
                    cite: self.md.cite(&h.sources),
                })
                .collect();
            let fo = u.functions_out.iter().map(|&f| self.function(f)).collect();
            let fi = u.functions_in.iter().map(|&f| self.function(f)).collect();
            // Notes and events come after the unit's prose on its page: see `unit_after_prose`.
            (heads, fo, fi, Vec::new(), Vec::new())
        } else {
            Default::default()
        };
        let sub_functions = if full {
            self.sub_functions(i)
        } else {
            Vec::new()
        };
        UnitView {
            extra: u.extra.clone(),
            unit: self.unit_ref(i),
            acronym: u.acronym.clone(),
            acronym_before: u.acronym_before.clone(),
            level: u.level.clone(),
            summary,
            established: date(u.established, strings),
            ended: date(u.ended, strings),
            parent: u
                .parent
                .map(|p| self.link(Owner::Unit(i), Relation::Parent, p)),
            parents: self.links(Owner::Unit(i), Relation::Parent, &u.parents),
            parents_before: if u.era == crate::model::reform::Era::Both
                && !u.parents_before.is_empty()
                && u.parents_before != u.parents
            {
                self.links(Owner::Unit(i), Relation::ParentBefore, &u.parents_before)
            } else {
                Vec::new()
            },
            members: self.members(i),
            children: self.refs(&u.children),
            children_before: if u.children_before == u.children {
                Vec::new()
            } else {
                self.refs(&u.children_before)
            },
            becomes: self.links(Owner::Unit(i), Relation::Becomes, &u.becomes),
            absorbs: u
                .absorbs
                .iter()
                .map(|&a| {
                    let mut l = self.link(Owner::Unit(a), Relation::Becomes, i);
                    l.unit = self.unit_ref(a);
                    l
                })
                .collect(),
            heads,
            functions_out,
            functions_in,
            sub_functions,
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

    pub fn function(&mut self, fi: usize) -> FunctionView {
        let r = self.reform;
        let f = &r.functions[fi];
        let owner = Owner::Function(fi);
        let legs = if f.paired {
            let mut origins: Vec<Option<usize>> = Vec::new();
            for m in &f.moves {
                if !origins.contains(&m.from) {
                    origins.push(m.from);
                }
            }
            origins
                .into_iter()
                .map(|o| LegView {
                    from: o.map(|o| self.link(owner, Relation::From, o)),
                    to: f
                        .moves
                        .iter()
                        .filter(|m| m.from == o)
                        .filter_map(|m| m.to)
                        .map(|t| self.link(owner, Relation::To, t))
                        .collect(),
                })
                .collect()
        } else {
            Vec::new()
        };
        // The row prints the note, then the function's sources: leave out those the note
        // has just cited, so that no citation is printed twice in a row.
        let (note, cited) = match &f.note {
            Some(n) => {
                let (html, cited) = self.md.render_inline_cited(&n.text, &n.origin);
                (Some(html), cited)
            }
            None => (None, Default::default()),
        };
        let rest = not_in(&f.sources, &cited);
        FunctionView {
            extra: f.extra.clone(),
            id: f.id.clone(),
            name: f.name.clone(),
            from: self.links(owner, Relation::From, &f.from),
            to: self.links(owner, Relation::To, &f.to),
            legs,
            notes: self.note_refs(&f.notes),
            note,
            cite: self.md.cite(&rest),
        }
    }

    pub fn event(&mut self, e: &Event) -> EventView {
        EventView {
            extra: e.extra.clone(),
            id: e.id.clone(),
            date: DateView::new(e.date, self.md.strings()),
            date_end: date(e.date_end, self.md.strings()),
            notes: self.note_refs(&e.notes),
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
        let (body, cited) = self.md.render_data_cited(&n.body.text, &n.body.origin);
        let rest = not_in(&n.sources, &cited);
        NoteView {
            extra: n.extra.clone(),
            id: n.id.clone(),
            title: n.title.clone(),
            body,
            units: self.refs(&n.units),
            functions: n
                .functions
                .iter()
                .map(|&f| NoteRef {
                    id: self.reform.functions[f].id.clone(),
                    title: self.reform.functions[f].name.clone(),
                })
                .collect(),
            events: n
                .events
                .iter()
                .map(|&e| NoteRef {
                    id: self.reform.events[e].id.clone(),
                    title: self.reform.events[e].title.clone(),
                })
                .collect(),
            cite: self.md.cite(&n.sources),
            cite_rest: self.md.cite(&rest),
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
