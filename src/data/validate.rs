//! Validation: turns the raw data file into a [`Reform`] whose references are all resolved.
//! Every problem is collected (ids, references with "did you mean", cycles, sources, URLs);
//! missing citations are warnings, which `check --strict` turns into failures.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use toml::Spanned;

use super::schema::*;
use crate::diag::Diagnostic;
use crate::ids::is_valid_id;
use crate::model::reform::*;

/// What validation produced: the model (when there were no errors) and every diagnostic.
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
        hints: crate::diag::Hints::default(),
    };
    let reform = v.validate(raw);
    let failed = v.diags.iter().any(Diagnostic::is_error);
    Validated {
        reform: if failed { None } else { Some(reform) },
        diagnostics: v.diags,
    }
}

struct Validator {
    shown: Arc<Path>,
    text: Arc<str>,
    diags: Vec<Diagnostic>,
    hints: crate::diag::Hints,
}

type Index = HashMap<String, usize>;

impl Validator {
    fn at(&self, offset: usize, msg: impl Into<String>) -> Diagnostic {
        crate::diag::locate(self.shown.to_path_buf(), &self.text, offset).error(msg)
    }

    /// The 1-based line of `offset`, for a hint such as "first defined on line 12".
    fn line(&self, offset: usize) -> usize {
        crate::diag::indexed(&self.text, |index| index.line(&self.text, offset))
    }

    fn md(&self, s: &Spanned<String>) -> Md {
        // Point inside the string literal: past its opening quotes (and the newline that
        // a multi-line string may start with).
        let raw = &self.text[s.span()];
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
                shown: self.shown.clone(),
                text: self.text.clone(),
                base: s.span().start + skip,
                map,
            },
        }
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
        for r in refs {
            if let Some(i) = self.resolve(what, index, r, owner)
                && !out.contains(&i)
            {
                out.push(i);
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
        self.index("function", raw.function.iter().map(|f| &f.id));
        self.index("note", raw.note.iter().map(|n| &n.id));

        let source_list = self.sources(&raw.source);
        let reform_sources =
            self.resolve_all("source", &source_ids, &raw.reform.sources, "[reform]");
        let mut units = self.units(&raw.unit, &unit_ids, &source_ids);
        let functions = self.functions(&raw.function, &unit_ids, &source_ids);
        let events = self.events(&raw.event, &unit_ids, &source_ids);
        let terms = self.terms(&raw.term);
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
        }
        let mut timeline: Vec<usize> = (0..events.len()).collect();
        timeline.sort_by_key(|&i| events[i].date);

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
            effective: raw.reform.effective,
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
        }
    }

    fn sources(&mut self, raw: &[RawSource]) -> Vec<Source> {
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
                    number: i + 1,
                    title: s.title.clone(),
                    publisher: s.publisher.clone(),
                    author: s.author.clone(),
                    date: s.date,
                    date_text: s.date_text.clone(),
                    url,
                    note: s.note.as_ref().map(|n| self.md(n)),
                }
            })
            .collect()
    }

    fn units(&mut self, raw: &[RawUnit], ids: &Index, sources: &Index) -> Vec<Unit> {
        let mut units: Vec<Unit> = raw
            .iter()
            .map(|u| {
                let owner = format!("unit \"{}\"", u.id.get_ref());
                if !is_valid_id(u.kind.get_ref()) {
                    let d = self.at(
                        u.kind.span().start,
                        format!("invalid kind {:?} in {owner}", u.kind.get_ref()),
                    );
                    self.diags.push(d.with_hint(
                        "kinds use lower-case letters, digits and '-', e.g. \"department\"",
                    ));
                }
                let parent = u
                    .parent
                    .as_ref()
                    .and_then(|p| self.resolve("unit", ids, p, &owner));
                let parent_before = u
                    .parent_before
                    .as_ref()
                    .and_then(|p| self.resolve("unit", ids, p, &owner));
                if let Some(p) = &u.parent_before
                    && u.era != Era::Both
                {
                    let d = self
                        .at(p.span().start, format!("`parent_before` in {owner}, whose era is not \"both\""))
                        .with_hint("`parent_before` says where a unit that lives on sat before the reform; use `parent` otherwise");
                    self.diags.push(d);
                }
                let becomes = self.resolve_all("unit", ids, &u.becomes, &owner);
                if let (Some(p), Some(&me)) = (&u.parent, ids.get(u.id.get_ref()))
                    && parent == Some(me)
                {
                    let d = self.at(p.span().start, format!("{owner} is its own parent"));
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
                    .map(|h| Head {
                        extra: h.extra.clone(),
                        name: h.name.clone(),
                        title: h.title.clone(),
                        nationality: h.nationality.clone(),
                        from: h.from,
                        to: h.to,
                        note: h.note.as_ref().map(|n| self.md(n)),
                        sources: self.cite(
                            sources,
                            &h.sources,
                            &format!("head \"{}\" of {owner}", h.name),
                            u.id.span().start,
                        ),
                    })
                    .collect();
                Unit {
                    extra: u.extra.clone(),
                    id: u.id.get_ref().clone(),
                    name: u.name.clone(),
                    acronym: u.acronym.clone(),
                    era: u.era,
                    kind: u.kind.get_ref().clone(),
                    level: u.level.clone(),
                    parent,
                    parent_before,
                    children: Vec::new(),
                    children_before: Vec::new(),
                    becomes,
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
            })
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
                .map_or(u.id.span().start, |p| p.span().start);
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
            if let Some(p) = units[i].parent
                && p != i
            {
                units[p].children.push(i);
            }
            if let Some(p) = units[i].parent_in_before()
                && p != i
                && units[i].era.before()
                && units[p].era.before()
            {
                units[p].children_before.push(i);
            }
            for b in units[i].becomes.clone() {
                if !units[b].absorbs.contains(&i) {
                    units[b].absorbs.push(i);
                }
            }
        }
        units
    }

    fn functions(&mut self, raw: &[RawFunction], units: &Index, sources: &Index) -> Vec<Function> {
        raw.iter()
            .map(|f| {
                let owner = format!("function \"{}\"", f.id.get_ref());
                Function {
                    extra: f.extra.clone(),
                    id: f.id.get_ref().clone(),
                    name: f.name.clone(),
                    from: self.resolve_all("unit", units, &f.from, &owner),
                    to: self.resolve_all("unit", units, &f.to, &owner),
                    note: f.note.as_ref().map(|n| self.md(n)),
                    sources: self.cite(sources, &f.sources, &owner, f.id.span().start),
                }
            })
            .collect()
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
                        format!("{}-{}", e.date.iso(), slug.trim_end_matches('-'))
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
                    date: e.date,
                    date_note: e.date_note.clone(),
                    title: e.title.get_ref().clone(),
                    kind,
                }
            })
            .collect()
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
}
