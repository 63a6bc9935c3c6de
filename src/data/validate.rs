//! Validation: turns the raw data file into a [`Reform`] whose references are all resolved.
//! Every problem is collected (ids, references with "did you mean", cycles, sources, URLs);
//! missing citations are warnings, which `check --strict` turns into failures.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use toml::Spanned;

use super::schema::*;
use crate::diag::Diagnostic;
use crate::ids::is_valid_id;
use crate::model::reform::*;

/// What validation produced: the model (when there were no errors) and every diagnostic.
#[derive(Clone)]
pub struct Validated {
    pub reform: Option<Reform>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses and validates the data file's text.
pub fn parse(shown: &Path, text: &str) -> Validated {
    let raw: RawData = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            return Validated {
                reform: None,
                diagnostics: vec![crate::diag::toml_diagnostic(shown, text, 0, &e)],
            };
        }
    };
    let mut v = Validator {
        shown: Arc::from(shown),
        text: Arc::from(text),
        diags: Vec::new(),
        doubts: Vec::new(),
        hints: crate::diag::Hints::default(),
    };
    let reform = v.validate(raw);
    let failed = v.diags.iter().any(Diagnostic::is_error);
    Validated {
        reform: if failed { None } else { Some(reform) },
        diagnostics: v.diags,
    }
}

/// The Markdown of a string of the TOML file `text`, located in it.
pub fn md_at(shown: &Arc<Path>, text: &Arc<str>, s: &Spanned<String>) -> Md {
    // Point inside the string literal: past its opening quotes (and the newline that
    // a multi-line string may start with).
    let raw = &text[s.span()];
    let skip = [
        "\"\"\"\r\n",
        "\"\"\"\n",
        "'''\r\n",
        "'''\n",
        "\"\"\"",
        "'''",
        "\"",
        "'",
    ]
    .iter()
    .find(|p| raw.starts_with(**p))
    .map_or(0, |p| p.len());
    let multi_line = raw.starts_with("\"\"\"");
    let map = if raw.starts_with('"') {
        decode_map(&raw[skip..], multi_line).map(Arc::from)
    } else {
        None
    };
    Md {
        text: s.get_ref().clone(),
        origin: Origin {
            shown: shown.clone(),
            text: text.clone(),
            base: s.span().start + skip,
            map,
        },
    }
}

struct Validator {
    shown: Arc<Path>,
    text: Arc<str>,
    diags: Vec<Diagnostic>,
    doubts: Vec<Doubt>,
    hints: crate::diag::Hints,
}

/// Where a list of links sits: which row, which field, and the row's name for messages.
struct LinkSite<'a> {
    owner: Owner,
    relation: Relation,
    name: &'a str,
}

type Index = HashMap<String, usize>;

/// A resolved link: the unit, and how sure the data is of it.
type Tied = (usize, Confidence);

impl Validator {
    fn at(&self, offset: usize, msg: impl Into<String>) -> Diagnostic {
        crate::diag::locate(self.shown.to_path_buf(), &self.text, offset).error(msg)
    }

    /// The 1-based line of `offset`, for a hint such as "first defined on line 12".
    fn line(&self, offset: usize) -> usize {
        crate::diag::indexed(&self.text, |index| index.line(&self.text, offset))
    }

    fn md(&self, s: &Spanned<String>) -> Md {
        md_at(&self.shown, &self.text, s)
    }

    /// Checks ids of one table: format and uniqueness. Returns id → index.
    fn index<'a>(&mut self, table: &str, ids: impl Iterator<Item = &'a Id>) -> Index {
        let mut map = Index::new();
        let mut first: HashMap<String, usize> = HashMap::new();
        for (i, id) in ids.enumerate() {
            let s = id.get_ref();
            if !is_valid_id(s) {
                let d = self
                    .at(id.span().start, format!("invalid {table} id {s:?}"))
                    .with_hint(
                        "ids use lower-case letters, digits and '-' (they become URLs and anchors)",
                    );
                self.diags.push(d);
                continue;
            }
            if let Some(prev) = first.get(s) {
                let line = self.line(*prev);
                let d = self
                    .at(id.span().start, format!("duplicate {table} id {s:?}"))
                    .with_hint(format!("first defined on line {line}"));
                self.diags.push(d);
                continue;
            }
            first.insert(s.clone(), id.span().start);
            map.insert(s.clone(), i);
        }
        map
    }

    fn resolve(&mut self, what: &str, index: &Index, r: &Id, owner: &str) -> Option<usize> {
        let s = r.get_ref();
        if let Some(&i) = index.get(s) {
            return Some(i);
        }
        let mut d = self.at(r.span().start, format!("unknown {what} {s:?} in {owner}"));
        if let Some(h) = self.hints.suggestion(s, index.keys().map(String::as_str)) {
            d = d.with_hint(h);
        }
        self.diags.push(d);
        None
    }

    fn resolve_all(&mut self, what: &str, index: &Index, refs: &[Id], owner: &str) -> Vec<usize> {
        let mut out = Vec::with_capacity(refs.len());
        // A set beside the list: a long list of references stays linear.
        let mut seen = HashSet::with_capacity(refs.len());
        for r in refs {
            if let Some(i) = self.resolve(what, index, r, owner)
                && seen.insert(i)
            {
                out.push(i);
            }
        }
        out
    }

    /// Resolves links to units, recording those marked less than confirmed. Returns each
    /// unit once, in the order written, with the confidence written for it.
    fn links(
        &mut self,
        units: &Index,
        sources: &Index,
        links: &Links,
        site: &LinkSite<'_>,
    ) -> Vec<(usize, Confidence)> {
        let mut out: Vec<(usize, Confidence)> = Vec::new();
        let mut seen = HashSet::new();
        for l in links.iter() {
            let Some(target) = self.resolve("unit", units, &l.id, site.name) else {
                continue;
            };
            let srcs = self.resolve_all("source", sources, &l.sources, site.name);
            let level = l.level();
            if level != Confidence::Confirmed {
                if l.reason.is_none() && srcs.is_empty() {
                    let d = self
                        .at(
                            l.id.span().start,
                            format!(
                                "{} marks {:?} as {} without saying why",
                                site.name,
                                l.id.get_ref(),
                                level.as_str()
                            ),
                        )
                        .with_hint("add `reason = \"…\"` and the `sources` that leave it open")
                        .warning();
                    self.diags.push(d);
                }
                let field = match site.relation {
                    Relation::Parent => "parent",
                    Relation::ParentBefore => "parent_before",
                    Relation::Becomes => "becomes",
                    Relation::From => "from",
                    Relation::To => "to",
                };
                let why = l
                    .reason
                    .as_deref()
                    .map_or(String::new(), |r| format!(": {r}"));
                let d = self
                    .at(
                        l.id.span().start,
                        format!(
                            "{} `{field}` {:?} is {}{why}",
                            site.name,
                            l.id.get_ref(),
                            level.as_str()
                        ),
                    )
                    .note();
                self.diags.push(d);
                self.doubts.push(Doubt {
                    owner: site.owner,
                    relation: site.relation,
                    target,
                    level,
                    reason: l.reason.clone(),
                    sources: srcs,
                    at: l.id.span().start,
                });
            }
            if seen.insert(target) {
                out.push((target, level));
            }
        }
        out
    }

    fn cite(&mut self, index: &Index, refs: &[Id], owner: &str, owner_offset: usize) -> Vec<usize> {
        if refs.is_empty() {
            let d = self
                .at(owner_offset, format!("{owner} cites no source"))
                .with_hint("add `sources = [\"…\"]` naming at least one [[source]]")
                .warning();
            self.diags.push(d);
        }
        self.resolve_all("source", index, refs, owner)
    }

    fn validate(&mut self, raw: RawData) -> Reform {
        let source_ids = self.index("source", raw.source.iter().map(|s| &s.id));
        let unit_ids = self.index("unit", raw.unit.iter().map(|u| &u.id));
        // Functions and notes are not referenced from the data, but their ids are anchors.
        let function_ids = self.index("function", raw.function.iter().map(|f| &f.id));
        self.index("note", raw.note.iter().map(|n| &n.id));

        let source_list = self.sources(&raw.source);
        let reform_sources =
            self.resolve_all("source", &source_ids, &raw.reform.sources, "[reform]");
        let mut units = self.units(&raw.unit, &unit_ids, &source_ids);
        let mut functions = self.functions(&raw.function, &unit_ids, &source_ids);
        let mut events = self.events(&raw.event, &unit_ids, &source_ids);
        let terms = self.terms(&raw.term);
        let event_ids: Index = events
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        let notes: Vec<Note> = raw
            .note
            .iter()
            .map(|n| {
                let owner = format!("note \"{}\"", n.id.get_ref());
                Note {
                    extra: n.extra.clone(),
                    id: n.id.get_ref().clone(),
                    title: n.title.clone(),
                    body: self.md(&n.body),
                    units: self.resolve_all("unit", &unit_ids, &n.units, &owner),
                    functions: self.resolve_all("function", &function_ids, &n.functions, &owner),
                    events: self.resolve_all("event", &event_ids, &n.events, &owner),
                    sources: self.cite(&source_ids, &n.sources, &owner, n.id.span().start),
                }
            })
            .collect();

        // Inverse relations, computed once here so that templates never compute.
        for (fi, f) in functions.iter().enumerate() {
            for &u in &f.from {
                units[u].functions_out.push(fi);
            }
            for &u in &f.to {
                units[u].functions_in.push(fi);
            }
        }
        for (ei, e) in events.iter().enumerate() {
            for &u in &e.units {
                units[u].events.push(ei);
            }
        }
        for (ni, n) in notes.iter().enumerate() {
            for &u in &n.units {
                units[u].notes.push(ni);
            }
            for &f in &n.functions {
                functions[f].notes.push(ni);
            }
            for &e in &n.events {
                events[e].notes.push(ni);
            }
        }
        let timeline = self.timeline(&raw.event, &events);

        Reform {
            file: Origin {
                shown: self.shown.clone(),
                text: self.text.clone(),
                base: 0,
                map: None,
            },
            title: raw.reform.title.clone(),
            summary: self.md(&raw.reform.summary),
            organisation: raw.reform.organisation.clone(),
            proposed: raw.reform.proposed,
            approved: raw.reform.approved,
            effective: raw.reform.effective,
            steps: raw
                .reform
                .steps
                .iter()
                .map(|s| (s.label.clone(), s.date))
                .collect(),
            sources: reform_sources,
            units,
            functions,
            events,
            source_list,
            terms,
            notes,
            unit_ids,
            source_ids,
            timeline,
            doubts: {
                let mut d = std::mem::take(&mut self.doubts);
                d.sort_by_key(|d| d.at);
                d
            },
        }
    }

    fn sources(&mut self, raw: &[RawSource]) -> Vec<Source> {
        let numbers = numbers_by_group(raw);
        raw.iter()
            .enumerate()
            .map(|(i, s)| {
                let url = s.url.as_ref().and_then(|u| {
                    let ok = url::Url::parse(u.get_ref())
                        .map(|p| matches!(p.scheme(), "http" | "https"))
                        .unwrap_or(false);
                    if !ok {
                        let d = self
                            .at(
                                u.span().start,
                                format!(
                                    "source \"{}\" has an invalid url {:?}",
                                    s.id.get_ref(),
                                    u.get_ref()
                                ),
                            )
                            .with_hint("source URLs must be absolute http: or https: addresses");
                        self.diags.push(d);
                    }
                    ok.then(|| u.get_ref().clone())
                });
                Source {
                    extra: s.extra.clone(),
                    id: s.id.get_ref().clone(),
                    at: s.id.span().start,
                    number: numbers[i],
                    title: s.title.clone(),
                    publisher: s.publisher.clone(),
                    author: s.author.clone(),
                    date: s.date,
                    date_text: s.date_text.clone(),
                    url,
                    note: s.note.as_ref().map(|n| self.md(n)),
                    group: s.group.clone(),
                }
            })
            .collect()
    }

    fn units(&mut self, raw: &[RawUnit], ids: &Index, sources: &Index) -> Vec<Unit> {
        let mut units: Vec<Unit> = raw
            .iter()
            .enumerate()
            .map(|(i, u)| self.unit(i, u, ids, sources))
            .collect();
        // Cycles in `parent`: each loop once, at its first unit, in one walk over the units.
        for first in parent_loops(&units) {
            let u = &raw[first];
            let mut names = vec![units[first].id.as_str()];
            let mut at = units[first].parent;
            while let Some(p) = at {
                names.push(units[p].id.as_str());
                if p == first {
                    break;
                }
                at = units[p].parent;
            }
            let offset = u
                .parent
                .as_ref()
                .and_then(|l| l.0.first())
                .map_or(u.id.span().start, |p| p.id.span().start);
            let d = self
                .at(
                    offset,
                    format!(
                        "unit \"{}\" is its own ancestor: {}",
                        u.id.get_ref(),
                        names.join(" → ")
                    ),
                )
                .with_hint("`parent` must form a tree: break the loop");
            self.diags.push(d);
        }
        for i in 0..units.len() {
            for (k, p) in units[i].parents.clone().into_iter().enumerate() {
                if p == i {
                    continue;
                }
                if k == 0 {
                    units[p].children.push(i);
                } else {
                    units[p].shared_children.push(i);
                }
            }
            for (k, p) in units[i]
                .parents_in_before()
                .to_vec()
                .into_iter()
                .enumerate()
            {
                if p == i || !units[i].era.before() || !units[p].era.before() {
                    continue;
                }
                if k == 0 {
                    units[p].children_before.push(i);
                } else {
                    units[p].shared_children_before.push(i);
                }
            }
            for b in units[i].becomes.clone() {
                if !units[b].absorbs.contains(&i) {
                    units[b].absorbs.push(i);
                }
            }
        }
        units
    }

    /// One unit, with its links resolved (the inverse relations come later).
    fn unit(&mut self, i: usize, u: &RawUnit, ids: &Index, sources: &Index) -> Unit {
        let owner = format!("unit \"{}\"", u.id.get_ref());
        if !is_valid_id(u.kind.get_ref()) {
            let d = self.at(
                u.kind.span().start,
                format!("invalid kind {:?} in {owner}", u.kind.get_ref()),
            );
            self.diags.push(
                d.with_hint("kinds use lower-case letters, digits and '-', e.g. \"department\""),
            );
        }
        let site = |relation| LinkSite {
            owner: Owner::Unit(i),
            relation,
            name: &owner,
        };
        let none = Links::default();
        let parents = self.links(
            ids,
            sources,
            u.parent.as_ref().unwrap_or(&none),
            &site(Relation::Parent),
        );
        let parents_before = self.links(
            ids,
            sources,
            u.parent_before.as_ref().unwrap_or(&none),
            &site(Relation::ParentBefore),
        );
        let becomes = self.links(ids, sources, &u.becomes, &site(Relation::Becomes));
        let only_both = [
            (
                "parent_before",
                u.parent_before
                    .as_ref()
                    .and_then(|l| l.0.first())
                    .map(|l| l.id.span().start),
                "`parent_before` says where a unit that lives on sat before the reform; use `parent` otherwise",
            ),
            (
                "name_before",
                u.name_before.is_some().then_some(u.id.span().start),
                "`name_before` names a unit that lives on under a new name; a unit of one era has one name",
            ),
            (
                "acronym_before",
                u.acronym_before.is_some().then_some(u.id.span().start),
                "`acronym_before` gives the old acronym of a unit that lives on under a new one",
            ),
        ];
        for (field, at, hint) in only_both {
            if let Some(at) = at
                && u.era != Era::Both
            {
                let d = self
                    .at(
                        at,
                        format!("`{field}` in {owner}, whose era is not \"both\""),
                    )
                    .with_hint(hint);
                self.diags.push(d);
            }
        }
        let me = ids.get(u.id.get_ref()).copied();
        let own =
            |list: &[(usize, Confidence)]| me.is_some_and(|m| list.iter().any(|(p, _)| *p == m));
        for (field, links, list) in [
            ("its own parent", u.parent.as_ref(), &parents),
            (
                "its own parent before the reform",
                u.parent_before.as_ref(),
                &parents_before,
            ),
        ] {
            if own(list)
                && let Some(l) = links.and_then(|l| {
                    l.iter()
                        .find(|l| Some(l.id.get_ref()) == Some(u.id.get_ref()))
                })
            {
                self.diags
                    .push(self.at(l.id.span().start, format!("{owner} is {field}")));
            }
        }
        if own(&becomes)
            && let Some(l) = u.becomes.iter().find(|l| l.id.get_ref() == u.id.get_ref())
        {
            let d = self
                .at(l.id.span().start, format!("{owner} `becomes` itself"))
                .with_hint("a unit that lives on through the reform has `era = \"both\"`; `becomes` names its successors");
            self.diags.push(d);
        }
        if let (Some(a), Some(b)) = (u.established, u.ended)
            && b < a
        {
            let d = self.at(
                u.id.span().start,
                format!("{owner} ends ({b}) before it is established ({a})"),
            );
            self.diags.push(d);
        }
        let heads = u
            .head
            .iter()
            .map(|h| self.head(h, &owner, u.id.span().start, sources))
            .collect();
        let firsts = |l: &[(usize, Confidence)]| l.iter().map(|(u, _)| *u).collect::<Vec<_>>();
        Unit {
            extra: u.extra.clone(),
            id: u.id.get_ref().clone(),
            name: u.name.clone(),
            acronym: u.acronym.clone(),
            era: u.era,
            kind: u.kind.get_ref().clone(),
            level: u.level.clone(),
            parent: parents.first().map(|p| p.0),
            parents: firsts(&parents),
            parent_before: parents_before.first().map(|p| p.0),
            parents_before: firsts(&parents_before),
            name_before: u.name_before.clone(),
            acronym_before: u.acronym_before.clone(),
            children: Vec::new(),
            children_before: Vec::new(),
            shared_children: Vec::new(),
            shared_children_before: Vec::new(),
            becomes: firsts(&becomes),
            absorbs: Vec::new(),
            established: u.established,
            ended: u.ended,
            context: u.context,
            summary: self.md(&u.summary),
            sources: self.cite(sources, &u.sources, &owner, u.id.span().start),
            heads,
            functions_out: Vec::new(),
            functions_in: Vec::new(),
            events: Vec::new(),
            notes: Vec::new(),
        }
    }

    fn head(&mut self, h: &RawHead, owner: &str, owner_at: usize, sources: &Index) -> Head {
        let who = format!("head \"{}\" of {owner}", h.name.get_ref());
        if let (Some(a), Some(b)) = (h.from, h.to)
            && b < a
        {
            let d = self
                .at(
                    h.name.span().start,
                    format!("{who} leaves office ({b}) before taking it ({a})"),
                )
                .with_hint("`from` is when the term began, `to` when it ended");
            self.diags.push(d);
        }
        if h.current && h.to.is_some() {
            let d = self
                .at(
                    h.name.span().start,
                    format!("{who} is `current` but has a `to` date"),
                )
                .with_hint("a head still in office has no `to`; remove one of the two");
            self.diags.push(d);
        }
        Head {
            extra: h.extra.clone(),
            name: h.name.get_ref().clone(),
            title: h.title.clone(),
            nationality: h.nationality.clone(),
            from: h.from,
            to: h.to,
            date_note: h.date_note.clone(),
            current: h.current,
            note: h.note.as_ref().map(|n| self.md(n)),
            sources: self.cite(sources, &h.sources, &who, owner_at),
        }
    }

    fn functions(&mut self, raw: &[RawFunction], units: &Index, sources: &Index) -> Vec<Function> {
        raw.iter()
            .enumerate()
            .map(|(i, f)| self.function(i, f, units, sources))
            .collect()
    }

    fn function(&mut self, i: usize, f: &RawFunction, units: &Index, sources: &Index) -> Function {
        let owner = format!("function \"{}\"", f.id.get_ref());
        let site = |relation| LinkSite {
            owner: Owner::Function(i),
            relation,
            name: &owner,
        };
        let mut legs: Vec<(Vec<Tied>, Vec<Tied>)> = Vec::new();
        if f.moves.is_empty() {
            if f.from.is_none() {
                let d = self
                    .at(f.id.span().start, format!("{owner} has no `from`"))
                    .with_hint("name the units it leaves (`from = []` when none is recorded), or say which origin goes where with [[function.moves]]");
                self.diags.push(d);
            }
            let from = f.from.clone().unwrap_or_default();
            legs.push((
                self.links(units, sources, &from, &site(Relation::From)),
                self.links(units, sources, &f.to, &site(Relation::To)),
            ));
        } else {
            if f.from.is_some() || !f.to.is_empty() {
                let d = self
                    .at(f.id.span().start, format!("{owner} has both `moves` and `from`/`to`"))
                    .with_hint("with [[function.moves]], leave out `from` and `to`: each move names its own");
                self.diags.push(d);
            }
            for m in &f.moves {
                let from = self.links(units, sources, &m.from, &site(Relation::From));
                let to = self.links(units, sources, &m.to, &site(Relation::To));
                if m.from.is_empty() && m.to.is_empty() {
                    let d = self.at(
                        f.id.span().start,
                        format!("a move of {owner} names neither `from` nor `to`"),
                    );
                    self.diags.push(d);
                }
                legs.push((from, to));
            }
        }
        let mut function = Function {
            extra: f.extra.clone(),
            id: f.id.get_ref().clone(),
            name: f.name.clone(),
            from: Vec::new(),
            to: Vec::new(),
            moves: Vec::new(),
            paired: !f.moves.is_empty(),
            notes: Vec::new(),
            note: f.note.as_ref().map(|n| self.md(n)),
            sources: self.cite(sources, &f.sources, &owner, f.id.span().start),
        };
        for (from, to) in legs {
            add_moves(&mut function, &from, &to);
        }
        function
    }

    fn events(&mut self, raw: &[RawEvent], units: &Index, sources: &Index) -> Vec<Event> {
        let mut seen: HashMap<String, usize> = HashMap::new();
        raw.iter()
            .map(|e| {
                let id = match &e.id {
                    Some(id) => {
                        if !is_valid_id(id.get_ref()) {
                            let d = self.at(
                                id.span().start,
                                format!("invalid event id {:?}", id.get_ref()),
                            );
                            self.diags
                                .push(d.with_hint("ids use lower-case letters, digits and '-'"));
                        }
                        id.get_ref().clone()
                    }
                    None => {
                        let slug: String = crate::ids::slugify(e.title.get_ref())
                            .chars()
                            .take(40)
                            .collect();
                        format!("{}-{}", e.date.start.iso(), slug.trim_end_matches('-'))
                    }
                };
                let offset =
                    e.id.as_ref()
                        .map_or(e.title.span().start, |i| i.span().start);
                if let Some(prev) = seen.insert(id.clone(), offset) {
                    let line = self.line(prev);
                    let d = self
                        .at(offset, format!("duplicate event id {id:?}"))
                        .with_hint(format!(
                            "first used on line {line}; give one of the events an `id`"
                        ));
                    self.diags.push(d);
                }
                let owner = format!("event \"{id}\"");
                let kind = match &e.kind {
                    Some(k) if !is_valid_id(k.get_ref()) => {
                        let d = self.at(
                            k.span().start,
                            format!("invalid kind {:?} in {owner}", k.get_ref()),
                        );
                        self.diags.push(d);
                        String::new()
                    }
                    Some(k) => k.get_ref().clone(),
                    None => "context".to_owned(),
                };
                Event {
                    extra: e.extra.clone(),
                    units: self.resolve_all("unit", units, &e.units, &owner),
                    sources: self.cite(sources, &e.sources, &owner, offset),
                    summary: e.summary.as_ref().map(|s| self.md(s)),
                    id,
                    date: e.date.start,
                    date_end: e.date.end,
                    notes: Vec::new(),
                    date_note: e.date_note.clone(),
                    title: e.title.get_ref().clone(),
                    kind,
                }
            })
            .collect()
    }

    /// Events in timeline order: by date, a loose date after the precise ones of its period
    /// (a range by its start), the file's order for equal dates; then each event with
    /// `after` moved to just behind the event it names.
    fn timeline(&mut self, raw: &[RawEvent], events: &[Event]) -> Vec<usize> {
        let mut timeline: Vec<usize> = (0..events.len()).collect();
        timeline.sort_by_key(|&i| {
            let e = &events[i];
            match e.date_end {
                Some(_) => {
                    let d = e.date;
                    (d.year, d.month.unwrap_or(1), d.day.unwrap_or(1))
                }
                None => e.date.loose_key(),
            }
        });
        let ids: HashMap<&str, usize> = events
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.as_str(), i))
            .collect();
        for (i, e) in raw.iter().enumerate() {
            let Some(anchor) = &e.after else { continue };
            let Some(&a) = ids.get(anchor.get_ref().as_str()) else {
                let mut d = self.at(
                    anchor.span().start,
                    format!(
                        "unknown event {:?} in `after` of event \"{}\"",
                        anchor.get_ref(),
                        events[i].id
                    ),
                );
                if let Some(h) = self.hints.suggestion(anchor.get_ref(), ids.keys().copied()) {
                    d = d.with_hint(h);
                }
                self.diags.push(d);
                continue;
            };
            if a == i {
                self.diags.push(self.at(
                    anchor.span().start,
                    format!("event \"{}\" is placed after itself", events[i].id),
                ));
                continue;
            }
            timeline.retain(|&x| x != i);
            let at = timeline
                .iter()
                .position(|&x| x == a)
                .map_or(timeline.len(), |p| p + 1);
            timeline.insert(at, i);
        }
        timeline
    }

    fn terms(&mut self, raw: &[RawTerm]) -> Vec<Term> {
        let mut seen: HashMap<String, usize> = HashMap::new();
        raw.iter()
            .map(|t| {
                let (id, offset) = match &t.id {
                    Some(id) => (id.get_ref().clone(), id.span().start),
                    None => (crate::ids::slugify(t.term.get_ref()), t.term.span().start),
                };
                if !is_valid_id(&id) {
                    let d = self.at(
                        offset,
                        format!("term {:?} gives an invalid id {id:?}", t.term.get_ref()),
                    );
                    self.diags
                        .push(d.with_hint("add an `id` of lower-case letters, digits and '-'"));
                }
                if t.term.get_ref().trim().is_empty() {
                    self.diags
                        .push(self.at(t.term.span().start, "empty glossary term"));
                }
                if let Some(prev) = seen.insert(id.clone(), offset) {
                    let line = self.line(prev);
                    let d = self
                        .at(offset, format!("duplicate term id {id:?}"))
                        .with_hint(format!("first defined on line {line}"));
                    self.diags.push(d);
                }
                Term {
                    extra: t.extra.clone(),
                    id,
                    at: offset,
                    term: t.term.get_ref().clone(),
                    expansion: t.expansion.clone(),
                    definition: t.definition.as_ref().map(|d| self.md(d)),
                }
            })
            .collect()
    }
}

/// Adds one leg's pairs to a function: every origin of the leg with every destination of it
/// (`None` for a side left empty), each pair as sure as its less sure end.
fn add_moves(f: &mut Function, from: &[(usize, Confidence)], to: &[(usize, Confidence)]) {
    let side = |l: &[(usize, Confidence)]| -> Vec<(Option<usize>, Confidence)> {
        if l.is_empty() {
            vec![(None, Confidence::Confirmed)]
        } else {
            l.iter().map(|&(u, c)| (Some(u), c)).collect()
        }
    };
    for &(a, ca) in &side(from) {
        for &(b, cb) in &side(to) {
            let m = Move {
                from: a,
                to: b,
                level: ca.max(cb),
            };
            if !f.moves.iter().any(|x| x.from == a && x.to == b) {
                f.moves.push(m);
            }
        }
    }
    for &(u, _) in from {
        if !f.from.contains(&u) {
            f.from.push(u);
        }
    }
    for &(u, _) in to {
        if !f.to.contains(&u) {
            f.to.push(u);
        }
    }
}

/// The first unit (in data-file order) of every loop of two or more units in `parent`, in
/// that order. Each unit is walked once: a walk stops at a unit already known to lead to a
/// root or to a loop, so a chain of any length costs its length (a unit that is its own
/// parent is reported where `parent` is read).
fn parent_loops(units: &[Unit]) -> Vec<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum Seen {
        No,
        OnWalk,
        Done,
    }
    let mut seen = vec![Seen::No; units.len()];
    let mut firsts = Vec::new();
    for start in 0..units.len() {
        let mut walk = Vec::new();
        let mut at = Some(start);
        while let Some(i) = at {
            match seen[i] {
                Seen::Done => break,
                Seen::OnWalk => {
                    // The loop is the walk from `i` on.
                    let from = walk.iter().position(|&w| w == i).unwrap_or(0);
                    let member = &walk[from..];
                    if member.len() > 1
                        && let Some(&first) = member.iter().min()
                    {
                        firsts.push(first);
                    }
                    break;
                }
                Seen::No => {
                    seen[i] = Seen::OnWalk;
                    walk.push(i);
                    at = units[i].parent;
                }
            }
        }
        for i in walk {
            seen[i] = Seen::Done;
        }
    }
    firsts.sort_unstable();
    firsts
}

/// The number of each source: the sources page lists them group by group (groups in the order
/// of their first source, ungrouped sources as one group), in file order within a group, and
/// numbers them in that order. Without groups this is file order.
fn numbers_by_group(raw: &[RawSource]) -> Vec<usize> {
    let mut groups: HashMap<Option<&str>, usize> = HashMap::new();
    for s in raw {
        let next = groups.len();
        groups.entry(s.group.as_deref()).or_insert(next);
    }
    let mut order: Vec<usize> = (0..raw.len()).collect();
    order.sort_by_key(|&i| groups[&raw[i].group.as_deref()]);
    let mut numbers = vec![0; raw.len()];
    for (n, i) in order.into_iter().enumerate() {
        numbers[i] = n + 1;
    }
    numbers
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[reform]
title = "T"
summary = "S"

[[unit]]
id = "dpko"
name = "Department of Peacekeeping Operations"
era = "before"
kind = "department"
becomes = ["dpo"]
summary = "x"
sources = ["s1"]

[[unit]]
id = "dpo"
name = "Department of Peace Operations"
era = "after"
kind = "department"
summary = "y"
sources = ["s1"]

[[function]]
id = "mediation"
name = "Mediation"
from = ["dpk"]
to = ["dpo"]
sources = ["s1"]

[[source]]
id = "s1"
title = "A"
publisher = "P"
"#;

    fn messages(text: &str) -> Vec<String> {
        parse(Path::new("r.toml"), text)
            .diagnostics
            .iter()
            .map(|d| {
                format!(
                    "{}:{}: {} | {}",
                    d.line,
                    d.col,
                    d.message,
                    d.hint.clone().unwrap_or_default()
                )
            })
            .collect()
    }

    #[test]
    fn unknown_reference_points_at_it_with_a_suggestion() {
        assert_eq!(
            messages(GOOD),
            ["26:9: unknown unit \"dpk\" in function \"mediation\" | did you mean \"dpko\"?"]
        );
    }

    #[test]
    fn valid_data_resolves_inverse_relations() {
        let text = GOOD.replace("\"dpk\"", "\"dpko\"");
        let v = parse(Path::new("r.toml"), &text);
        assert!(v.diagnostics.is_empty(), "{:?}", v.diagnostics);
        let r = v.reform.unwrap();
        assert_eq!(r.units[1].absorbs, vec![0]);
        assert_eq!(r.units[0].functions_out, vec![0]);
        assert_eq!(r.units[1].functions_in, vec![0]);
    }

    #[test]
    fn duplicate_ids_name_the_first_definition() {
        let text = GOOD
            .replace("id = \"dpo\"", "id = \"dpko\"")
            .replace("\"dpk\"", "\"dpko\"");
        let m = messages(&text);
        assert!(
            m.iter().any(
                |m| m.starts_with("16:6: duplicate unit id \"dpko\" | first defined on line 7")
            ),
            "{m:?}"
        );
    }

    /// Review case 21: a chain of `parent` links took 46 s for 10,000 units (a walk up from
    /// every unit). 30,000 here, and one unit citing 30,000 sources (a list `contains` per
    /// reference would be quadratic): both linear now, well inside the bound.
    #[test]
    fn a_long_parent_chain_and_a_long_source_list_take_linear_time() {
        let n = 20_000;
        let mut text = String::from("[reform]\ntitle = \"C\"\nsummary = \"S\"\n");
        let all: Vec<String> = (0..n).map(|i| format!("\"s{i}\"")).collect();
        for i in 0..n {
            let parent = if i > 0 {
                format!("parent = \"u{}\"\n", i - 1)
            } else {
                String::new()
            };
            let sources = if i == 0 {
                all.join(", ")
            } else {
                "\"s0\"".into()
            };
            text.push_str(&format!(
                "[[unit]]\nid = \"u{i}\"\nname = \"U\"\nera = \"after\"\nkind = \"office\"\n\
                 summary = \"x\"\nsources = [{sources}]\n{parent}"
            ));
        }
        for i in 0..n {
            text.push_str(&format!(
                "[[source]]\nid = \"s{i}\"\ntitle = \"T\"\npublisher = \"P\"\n"
            ));
        }
        let started = std::time::Instant::now();
        let parsed = parse(Path::new("r.toml"), &text);
        let took = started.elapsed();
        let errors: Vec<_> = (parsed.diagnostics.iter())
            .filter(|d| d.severity == crate::diag::Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        assert!(took < std::time::Duration::from_secs(20), "{took:?}");
    }

    #[test]
    fn parent_cycles_are_found() {
        let text = GOOD
            .replace("\"dpk\"", "\"dpko\"")
            .replace("becomes = [\"dpo\"]", "parent = \"dpo\"")
            .replace(
                "kind = \"department\"\nsummary = \"y\"",
                "kind = \"department\"\nparent = \"dpko\"\nsummary = \"y\"",
            );
        let m = messages(&text);
        assert!(m.iter().any(|m| m.contains("is its own ancestor")), "{m:?}");
    }

    #[test]
    fn missing_sources_are_warnings() {
        let text = GOOD
            .replace("\"dpk\"", "\"dpko\"")
            .replacen("sources = [\"s1\"]\n", "", 1);
        let v = parse(Path::new("r.toml"), &text);
        assert!(v.reform.is_some());
        assert_eq!(v.diagnostics.len(), 1);
        assert!(!v.diagnostics[0].is_error());
        assert!(
            v.diagnostics[0]
                .message
                .contains("unit \"dpko\" cites no source")
        );
    }

    #[test]
    fn javascript_urls_are_refused() {
        let text = GOOD.replace("\"dpk\"", "\"dpko\"") + "url = \"javascript:alert(1)\"\n";
        let m = messages(&text);
        assert!(m.iter().any(|m| m.contains("invalid url")), "{m:?}");
    }

    const DEEP: &str = r#"
[reform]
title = "T"
summary = "S"

[[unit]]
id = "a"
name = "Old A"
era = "before"
kind = "department"
becomes = ["x", { id = "y", confidence = "reported", reason = "one newspaper" }]
summary = "s"
sources = ["s1"]

[[unit]]
id = "x"
name = "X"
era = "after"
kind = "department"
summary = "s"
sources = ["s1"]

[[unit]]
id = "y"
name = "Y"
era = "after"
kind = "department"
summary = "s"
sources = ["s1"]

[[unit]]
id = "hub"
name = "Hub"
era = "both"
name_before = "Old hub"
acronym_before = "OH"
kind = "office"
parent = ["x", { id = "y", confidence = "uncertain", reason = "r", sources = ["s1"] }]
parent_before = "a"
summary = "s"
sources = ["s1"]

[[function]]
id = "f"
name = "F"
sources = ["s1"]

[[function.moves]]
from = "a"
to = "x"

[[function.moves]]
from = "hub"
to = ["x", "y"]

[[source]]
id = "s1"
title = "A"
publisher = "P"
"#;

    fn deep() -> Reform {
        let v = parse(Path::new("r.toml"), DEEP);
        assert!(
            v.diagnostics.iter().all(Diagnostic::is_note),
            "{:?}",
            v.diagnostics
        );
        v.reform.unwrap()
    }

    #[test]
    fn every_doubt_is_listed_as_a_located_note() {
        let notes: Vec<String> = messages(DEEP);
        assert_eq!(
            notes,
            [
                "11:24: unit \"a\" `becomes` \"y\" is reported: one newspaper | ",
                "38:23: unit \"hub\" `parent` \"y\" is uncertain: r | ",
            ]
        );
    }

    #[test]
    fn a_unit_may_have_several_parents_the_first_primary() {
        let r = deep();
        let hub = &r.units[3];
        assert_eq!(hub.parents, vec![1, 2]);
        assert_eq!(hub.parent, Some(1));
        assert_eq!(hub.parent_before, Some(0));
        assert_eq!(r.units[1].children, vec![3]);
        assert_eq!(r.units[2].shared_children, vec![3]);
        assert!(r.units[2].children.is_empty());
        assert_eq!(r.units[0].children_before, vec![3]);
    }

    #[test]
    fn links_marked_less_than_confirmed_are_recorded_in_file_order() {
        let r = deep();
        let got: Vec<_> = r
            .doubts
            .iter()
            .map(|d| (d.owner, d.relation, d.target, d.level, d.reason.clone()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    Owner::Unit(0),
                    Relation::Becomes,
                    2,
                    Confidence::Reported,
                    Some("one newspaper".into())
                ),
                (
                    Owner::Unit(3),
                    Relation::Parent,
                    2,
                    Confidence::Uncertain,
                    Some("r".into())
                ),
            ]
        );
        assert_eq!(r.doubts[1].sources, vec![0]);
        assert!(r.doubt(Owner::Unit(0), Relation::Becomes, 1).is_none());
    }

    #[test]
    fn a_renamed_unit_keeps_its_old_name_and_acronym() {
        let r = deep();
        let hub = &r.units[3];
        assert_eq!(hub.name_in_before(), "Old hub");
        assert_eq!(hub.label_in_before(), "OH");
        assert_eq!(hub.label(), "Hub");
    }

    #[test]
    fn moves_pair_only_the_origins_and_destinations_they_name() {
        let r = deep();
        let f = &r.functions[0];
        let pairs: Vec<_> = f.moves.iter().map(|m| (m.from, m.to)).collect();
        assert_eq!(
            pairs,
            [(Some(0), Some(1)), (Some(3), Some(1)), (Some(3), Some(2))]
        );
        assert_eq!(f.from, vec![0, 3]);
        assert_eq!(f.to, vec![1, 2]);
        assert!(f.paired);
    }

    #[test]
    fn from_and_to_pair_every_origin_with_every_destination() {
        let text = GOOD.replace("\"dpk\"", "\"dpko\", \"dpo\"");
        let v = parse(Path::new("r.toml"), &text);
        let f = &v.reform.unwrap().functions[0];
        assert_eq!(f.moves.len(), 2);
        assert!(!f.paired);
    }

    #[test]
    fn a_move_is_as_sure_as_its_less_sure_end() {
        let text = DEEP.replace(
            "from = \"a\"\nto = \"x\"",
            "from = \"a\"\nto = { id = \"x\", confidence = \"uncertain\", reason = \"r\" }",
        );
        let v = parse(Path::new("r.toml"), &text);
        let f = &v.reform.unwrap().functions[0];
        assert_eq!(f.moves[0].level, Confidence::Uncertain);
        assert_eq!(f.moves[1].level, Confidence::Confirmed);
    }

    #[test]
    fn moves_beside_from_and_a_missing_from_are_located_errors() {
        let both = DEEP.replace("name = \"F\"\n", "name = \"F\"\nfrom = [\"a\"]\n");
        assert!(
            messages(&both)
                .iter()
                .any(|m| m.starts_with("44:6: function \"f\" has both `moves` and `from`/`to`")),
            "{:?}",
            messages(&both)
        );
        let none = GOOD.replace("from = [\"dpk\"]\n", "");
        assert_eq!(
            messages(&none)[0].split(" | ").next().unwrap(),
            "24:6: function \"mediation\" has no `from`"
        );
    }

    #[test]
    fn a_doubt_without_a_reason_is_a_warning() {
        let text = DEEP.replace(", reason = \"one newspaper\"", "");
        let v = parse(Path::new("r.toml"), &text);
        assert!(v.reform.is_some());
        let warnings: Vec<_> = v.diagnostics.iter().filter(|d| !d.is_note()).collect();
        assert_eq!(warnings.len(), 1);
        assert!(!warnings[0].is_error());
        assert!(
            warnings[0]
                .message
                .contains("marks \"y\" as reported without saying why")
        );
    }

    #[test]
    fn a_unit_that_becomes_itself_is_a_located_error() {
        let text = DEEP.replace("becomes = [\"x\",", "becomes = [\"a\", \"x\",");
        let m = messages(&text);
        assert!(
            m.iter()
                .any(|m| m.starts_with("11:12: unit \"a\" `becomes` itself")),
            "{m:?}"
        );
    }

    #[test]
    fn a_new_name_outside_era_both_is_refused() {
        let text = DEEP
            .replace("era = \"both\"", "era = \"after\"")
            .replace("parent_before = \"a\"\n", "");
        let m = messages(&text);
        assert!(
            m.iter()
                .any(|m| m.contains("`name_before` in unit \"hub\", whose era is not \"both\"")),
            "{m:?}"
        );
    }
}
