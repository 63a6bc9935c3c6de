//! The data file's display text in another language (`content/reform.fr.toml`): names,
//! acronyms, summaries and labels keyed by the ids of the data file, laid over the validated
//! model. A unit's heads, which have no id, are keyed by their name within the unit
//! (`[unit.dpa.head."Jeffrey Feltman"]`). Ids, dates and structure stay in the data file; an
//! id or a head's name the data file lacks, or a key that is not display text, is a located
//! error; text the overlay lacks is a warning that groups the missing fields by kind.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::validate::md_at;
use crate::diag::Diagnostic;
use crate::model::reform::{Head, Md, Reform};

type Text = Option<Spanned<String>>;
type Rows<T> = BTreeMap<Spanned<String>, T>;

/// The overlay as written: one table per kind of row, keyed by id.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawOverlay {
    reform: Option<ReformText>,
    #[serde(default)]
    unit: Rows<UnitText>,
    #[serde(default)]
    function: Rows<FunctionText>,
    #[serde(default)]
    event: Rows<EventText>,
    #[serde(default)]
    term: Rows<TermText>,
    #[serde(default)]
    note: Rows<NoteText>,
    #[serde(default)]
    source: Rows<SourceText>,
    /// The headings of the sources page: each group name of the data file, translated.
    #[serde(default)]
    source_groups: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ReformText {
    title: Text,
    summary: Text,
    organisation: Text,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct UnitText {
    name: Text,
    acronym: Text,
    summary: Text,
    level: Text,
    name_before: Text,
    acronym_before: Text,
    /// The unit's heads, keyed by their `name` in the data file.
    #[serde(default)]
    head: Rows<HeadText>,
}

#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
struct HeadText {
    title: Text,
    nationality: Text,
    date_note: Text,
    note: Text,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FunctionText {
    name: Text,
    note: Text,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct EventText {
    title: Text,
    summary: Text,
    date_note: Text,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TermText {
    term: Text,
    expansion: Text,
    definition: Text,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct NoteText {
    title: Text,
    body: Text,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SourceText {
    note: Text,
}

/// Reads the overlay at `path` (shown as `shown`) and lays it over `reform`. Returns the
/// problems: errors for what the overlay may not say, warnings for what it leaves out.
pub fn apply(reform: &mut Reform, shown: &Path, text: &str, language: &str) -> Vec<Diagnostic> {
    let raw: RawOverlay = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let d = crate::diag::toml_diagnostic(shown, text, 0, &e);
            return vec![d.with_hint(
                "the overlay holds only display text (names, acronyms, summaries, labels); ids, dates and links stay in the data file",
            )];
        }
    };
    let mut o = Overlay {
        shown: Arc::from(shown),
        text: Arc::from(text),
        problems: Vec::new(),
        missing: BTreeMap::new(),
    };
    o.lay(reform, raw);
    let mut problems = o.problems;
    for (kind, fields) in o.missing {
        problems.push(missing_warning(shown, kind, &fields, language));
    }
    problems
}

/// The warning for a data file with no overlay in `language` at all.
pub fn no_overlay(shown: &Path, language: &str) -> Diagnostic {
    Diagnostic::file(
        shown,
        format!("the data file has no text in {language:?}: names, summaries and labels are shown in the default language"),
    )
    .with_hint("write the translated display fields in this file, keyed by id (see docs/editions.md)")
    .warning()
}

/// One warning for all the missing fields of one kind of row, naming the first few.
fn missing_warning(shown: &Path, kind: &str, fields: &[String], language: &str) -> Diagnostic {
    const NAMED: usize = 8;
    let mut list = fields[..fields.len().min(NAMED)].join(", ");
    if fields.len() > NAMED {
        list.push_str(&format!(" and {} more", fields.len() - NAMED));
    }
    let (n, s) = (fields.len(), if fields.len() == 1 { "" } else { "s" });
    Diagnostic::file(
        shown,
        format!("{n} {kind} field{s} have no {language:?} text: {list}"),
    )
    .with_hint("they are shown in the default language until translated here")
    .warning()
}

struct Overlay {
    shown: Arc<Path>,
    text: Arc<str>,
    problems: Vec<Diagnostic>,
    /// Kind of row → `id.field` of each field the overlay leaves out.
    missing: BTreeMap<&'static str, Vec<String>>,
}

impl Overlay {
    fn lay(&mut self, r: &mut Reform, raw: RawOverlay) {
        let top = raw.reform.unwrap_or_default();
        self.plain(&mut r.title, top.title, "reform", "reform.title");
        self.md(&mut r.summary, top.summary, "reform", "reform.summary");
        if let Some(org) = &mut r.organisation {
            self.plain(org, top.organisation, "reform", "reform.organisation");
        }
        let units = self.rows(raw.unit, r.units.iter().map(|u| u.id.as_str()), "unit");
        for (u, t) in r.units.iter_mut().zip(units) {
            let f = |field: &str| format!("{}.{field}", u.id);
            self.plain(&mut u.name, t.name, "unit", &f("name"));
            self.opt(&mut u.acronym, t.acronym, "unit", &f("acronym"));
            self.md(&mut u.summary, t.summary, "unit", &f("summary"));
            self.opt(&mut u.level, t.level, "unit", &f("level"));
            self.opt(&mut u.name_before, t.name_before, "unit", &f("name_before"));
            self.opt(
                &mut u.acronym_before,
                t.acronym_before,
                "unit",
                &f("acronym_before"),
            );
            self.heads(&u.id, &mut u.heads, t.head);
        }
        let ids = r.functions.iter().map(|x| x.id.as_str());
        let functions = self.rows(raw.function, ids, "function");
        for (x, t) in r.functions.iter_mut().zip(functions) {
            let f = |field: &str| format!("{}.{field}", x.id);
            self.plain(&mut x.name, t.name, "function", &f("name"));
            self.opt_md(&mut x.note, t.note, "function", &f("note"));
        }
        let events = self.rows(raw.event, r.events.iter().map(|x| x.id.as_str()), "event");
        for (x, t) in r.events.iter_mut().zip(events) {
            let f = |field: &str| format!("{}.{field}", x.id);
            self.plain(&mut x.title, t.title, "event", &f("title"));
            self.opt_md(&mut x.summary, t.summary, "event", &f("summary"));
            self.opt(&mut x.date_note, t.date_note, "event", &f("date_note"));
        }
        let terms = self.rows(raw.term, r.terms.iter().map(|x| x.id.as_str()), "term");
        for (x, t) in r.terms.iter_mut().zip(terms) {
            let f = |field: &str| format!("{}.{field}", x.id);
            // The abbreviation may stay as it is: only a changed one is taken.
            if let Some(term) = t.term {
                x.term = term.into_inner();
            }
            self.plain(&mut x.expansion, t.expansion, "term", &f("expansion"));
            self.opt_md(&mut x.definition, t.definition, "term", &f("definition"));
        }
        let notes = self.rows(raw.note, r.notes.iter().map(|x| x.id.as_str()), "note");
        for (x, t) in r.notes.iter_mut().zip(notes) {
            let f = |field: &str| format!("{}.{field}", x.id);
            self.plain(&mut x.title, t.title, "note", &f("title"));
            self.md(&mut x.body, t.body, "note", &f("body"));
        }
        let ids = r.source_list.iter().map(|x| x.id.as_str());
        let sources = self.rows(raw.source, ids, "source");
        for (x, t) in r.source_list.iter_mut().zip(sources) {
            // A source keeps its title: it names a document in its own language.
            let f = |field: &str| format!("{}.{field}", x.id);
            self.opt_md(&mut x.note, t.note, "source", &f("note"));
        }
        self.groups(r, raw.source_groups);
    }

    /// The heads of the unit `unit`, each found by its name; a name the unit lacks is an error.
    fn heads(&mut self, unit: &str, heads: &mut [Head], texts: Rows<HeadText>) {
        let names: Vec<&str> = heads.iter().map(|h| h.name.as_str()).collect();
        let mut hints = crate::diag::Hints::default();
        for name in texts
            .keys()
            .filter(|k| !names.contains(&k.get_ref().as_str()))
        {
            let d = Diagnostic::at(
                self.shown.to_path_buf(),
                &self.text,
                name.span().start,
                format!("the unit {unit:?} has no head {:?}", name.get_ref()),
            );
            self.problems.push(
                match hints.suggestion(name.get_ref(), names.iter().copied()) {
                    Some(h) => d.with_hint(h),
                    None => d.with_hint(
                        "a head is keyed by its `name` in the data file, within its unit",
                    ),
                },
            );
        }
        for h in heads {
            let t = texts.get(h.name.as_str()).cloned().unwrap_or_default();
            let f = |field: &str| format!("{unit}.head.{:?}.{field}", h.name);
            self.opt(&mut h.title, t.title, "head", &f("title"));
            self.opt(&mut h.nationality, t.nationality, "head", &f("nationality"));
            self.opt(&mut h.date_note, t.date_note, "head", &f("date_note"));
            self.opt_md(&mut h.note, t.note, "head", &f("note"));
        }
    }

    /// The sources' group names, translated once each.
    fn groups(&mut self, r: &mut Reform, mut names: BTreeMap<Spanned<String>, Spanned<String>>) {
        let mut known: Vec<String> = Vec::new();
        for s in &r.source_list {
            if let Some(g) = &s.group
                && !known.contains(g)
            {
                known.push(g.clone());
            }
        }
        let mut hints = crate::diag::Hints::default();
        let unknown: Vec<_> = names
            .keys()
            .filter(|k| !known.contains(k.get_ref()))
            .cloned()
            .collect();
        for k in unknown {
            let mut d = Diagnostic::at(
                self.shown.to_path_buf(),
                &self.text,
                k.span().start,
                format!(
                    "no source of the data file is in the group {:?}",
                    k.get_ref()
                ),
            );
            if let Some(h) = hints.suggestion(k.get_ref(), known.iter().map(String::as_str)) {
                d = d.with_hint(h);
            }
            self.problems.push(d);
        }
        for g in &known {
            match names.remove(g.as_str()) {
                Some(t) => {
                    let t = t.into_inner();
                    for s in &mut r.source_list {
                        if s.group.as_deref() == Some(g.as_str()) {
                            s.group = Some(t.clone());
                        }
                    }
                }
                None => self.lack("source group", g),
            }
        }
    }

    /// The overlay's rows of one kind, in the order of the data file's `ids` (a default for
    /// a row it lacks); an id the data file lacks is an error.
    fn rows<'a, T: Default>(
        &mut self,
        mut rows: Rows<T>,
        ids: impl Iterator<Item = &'a str> + Clone,
        kind: &str,
    ) -> Vec<T> {
        let ordered = ids
            .clone()
            .map(|id| rows.remove(id).unwrap_or_default())
            .collect();
        let mut hints = crate::diag::Hints::default();
        for (id, _) in rows {
            let mut d = Diagnostic::at(
                self.shown.to_path_buf(),
                &self.text,
                id.span().start,
                format!("the data file has no {kind} {:?}", id.get_ref()),
            );
            d = match hints.suggestion(id.get_ref(), ids.clone()) {
                Some(h) => d.with_hint(h),
                None => d.with_hint(format!(
                    "the overlay translates the rows of the data file, keyed by their ids; add the {kind} to the data file first"
                )),
            };
            self.problems.push(d);
        }
        ordered
    }

    fn lack(&mut self, kind: &'static str, field: &str) {
        self.missing.entry(kind).or_default().push(field.to_owned());
    }

    fn plain(&mut self, value: &mut String, text: Text, kind: &'static str, field: &str) {
        match text {
            Some(t) => *value = t.into_inner(),
            None => self.lack(kind, field),
        }
    }

    fn opt(&mut self, value: &mut Option<String>, text: Text, kind: &'static str, field: &str) {
        match (value.is_some(), text) {
            (_, Some(t)) => *value = Some(t.into_inner()),
            (true, None) => self.lack(kind, field),
            (false, None) => {}
        }
    }

    fn md(&mut self, value: &mut Md, text: Text, kind: &'static str, field: &str) {
        match text {
            Some(t) => *value = md_at(&self.shown, &self.text, &t),
            None => self.lack(kind, field),
        }
    }

    fn opt_md(&mut self, value: &mut Option<Md>, text: Text, kind: &'static str, field: &str) {
        match (value.is_some(), text) {
            (_, Some(t)) => *value = Some(md_at(&self.shown, &self.text, &t)),
            (true, None) => self.lack(kind, field),
            (false, None) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATA: &str = r#"[reform]
title = "T"
summary = "S"

[[unit]]
id = "dpa"
name = "Department of Political Affairs"
era = "before"
kind = "department"
summary = "x"

[[unit.head]]
name = "Jeffrey Feltman"
title = "Under-Secretary-General for Political Affairs"
nationality = "United States"
note = "Named in 2012."
"#;

    const OVERLAY: &str = r#"[unit.dpa]
name = "Département des affaires politiques"
summary = "x"

[unit.dpa.head."Jeffrey Feltman"]
title = "Secrétaire général adjoint aux affaires politiques"
nationality = "États-Unis"
note = "Nommé en 2012."
"#;

    fn laid(overlay: &str) -> (Reform, Vec<Diagnostic>) {
        let mut reform = super::super::parse(Path::new("r.toml"), DATA)
            .reform
            .expect("valid data");
        let problems = apply(&mut reform, Path::new("r.fr.toml"), overlay, "fr");
        (reform, problems)
    }

    fn errors(problems: &[Diagnostic]) -> Vec<String> {
        (problems.iter())
            .filter(|d| d.severity == crate::diag::Severity::Error)
            .map(|d| format!("{}:{}: {}", d.line, d.col, d.message))
            .collect()
    }

    #[test]
    fn a_heads_translated_title_and_note_reach_the_model() {
        let (r, problems) = laid(OVERLAY);
        let h = &r.units[0].heads[0];
        assert_eq!(
            h.title.as_deref(),
            Some("Secrétaire général adjoint aux affaires politiques")
        );
        assert_eq!(h.nationality.as_deref(), Some("États-Unis"));
        assert_eq!(
            h.note.as_ref().map(|n| n.text.trim()),
            Some("Nommé en 2012.")
        );
        // The name is the key, not display text: it stays as the data file has it.
        assert_eq!(h.name, "Jeffrey Feltman");
        assert!(errors(&problems).is_empty(), "{problems:?}");
        assert!(
            !problems.iter().any(|d| d.message.contains("head")),
            "{problems:?}"
        );
    }

    #[test]
    fn a_head_name_the_unit_lacks_is_an_error_at_its_key_with_a_suggestion() {
        let (r, problems) = laid(&OVERLAY.replace("Jeffrey Feltman", "Jeffrey Feltmann"));
        assert_eq!(
            errors(&problems),
            ["5:16: the unit \"dpa\" has no head \"Jeffrey Feltmann\""]
        );
        let hint = problems
            .iter()
            .find_map(|d| d.hint.clone())
            .unwrap_or_default();
        assert!(hint.contains("\"Jeffrey Feltman\""), "{hint}");
        // The head keeps its English text.
        let title = r.units[0].heads[0].title.as_deref();
        assert_eq!(title, Some("Under-Secretary-General for Political Affairs"));
    }

    #[test]
    fn a_head_the_overlay_lacks_is_one_grouped_warning() {
        let (_, problems) = laid(OVERLAY.split("[unit.dpa.head").next().unwrap_or(""));
        let heads: Vec<&Diagnostic> = (problems.iter())
            .filter(|d| d.message.contains("head field"))
            .collect();
        assert_eq!(heads.len(), 1, "{problems:?}");
        assert_eq!(heads[0].severity, crate::diag::Severity::Warning);
        assert!(
            heads[0].message.starts_with(
                "3 head fields have no \"fr\" text: dpa.head.\"Jeffrey Feltman\".title"
            ),
            "{}",
            heads[0].message
        );
    }
}
