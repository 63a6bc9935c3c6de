//! Interface strings: every fixed word the theme and the generator print comes from a
//! translations file, `theme/i18n/LANG.toml` (English and French are built in; a project may
//! override keys or add a language). `language` in site-config.toml picks one; keys missing
//! from it fall back to English. Dates are written the language's way.

use std::collections::HashMap;
use std::path::Path;

use crate::date::PartialDate;
use crate::diag::Diagnostic;
use crate::theme::THEME;

/// The strings of one language.
#[derive(Debug, Clone)]
pub struct Strings {
    pub lang: String,
    map: HashMap<String, String>,
}

impl Strings {
    /// English, as built in (for tests and as the fallback).
    pub fn english() -> Self {
        let mut map = HashMap::new();
        if let Some(text) = THEME
            .get_file("i18n/en.toml")
            .and_then(|f| f.contents_utf8())
        {
            map = parse(text).unwrap_or_default();
        }
        Self {
            lang: "en".into(),
            map,
        }
    }

    /// Loads `lang` from the built-in files and the project's `theme/i18n/`.
    /// `at` locates the `language` setting for the error when the language is unknown.
    pub fn load(
        lang: &str,
        theme_dir: &Path,
        root: &Path,
        at: Option<crate::diag::Location>,
    ) -> Result<Self, Vec<Diagnostic>> {
        let mut strings = Self::english();
        strings.lang = lang.to_owned();
        let primary = lang
            .split(['-', '_'])
            .next()
            .unwrap_or(lang)
            .to_ascii_lowercase();
        let mut found = lang == "en" || primary == "en";
        let mut problems = Vec::new();
        // The language, then its regional variant (`fr`, then `fr-CA`) when it has one.
        let names = if primary == lang {
            vec![lang]
        } else {
            vec![primary.as_str(), lang]
        };
        for name in names {
            // `english()` already holds the built-in English.
            if let Some(text) = THEME
                .get_file(format!("i18n/{name}.toml"))
                .filter(|_| name != "en")
                .and_then(|f| f.contents_utf8())
            {
                strings.map.extend(parse(text).unwrap_or_default());
                found = true;
            }
            let user = theme_dir.join("i18n").join(format!("{name}.toml"));
            if user.exists() && !crate::project::stays_inside(root, &user) {
                let shown = crate::diag::display_path(root, &user);
                problems.push(
                    Diagnostic::file(shown, "a link to a file outside the project")
                        .with_hint("copy the file into the project instead of linking to it"),
                );
                continue;
            }
            if let Ok(bytes) = std::fs::read(&user) {
                let shown = crate::diag::display_path(root, &user);
                match crate::diag::decode(&bytes, &shown).and_then(|text| {
                    toml::from_str::<HashMap<String, String>>(&text)
                        .map_err(|e| crate::diag::toml_diagnostic(&shown, &text, 0, &e))
                }) {
                    Ok(map) => {
                        strings.map.extend(map);
                        found = true;
                    }
                    Err(d) => problems.push(d),
                }
            }
        }
        if !found {
            let at = at.unwrap_or_else(|| crate::diag::Location::file(crate::project::CONFIG_FILE));
            let d = at.error(format!("no translations for language {lang:?}")).with_hint(format!(
                "built-in languages: {}; add theme/i18n/{primary}.toml to translate the interface",
                builtin_languages().join(", ")
            ));
            problems.push(d);
        }
        if problems.is_empty() {
            Ok(strings)
        } else {
            Err(problems)
        }
    }

    /// The string for `key` (the key itself if no file has it, so a gap shows).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.map.get(key).map_or(key, String::as_str)
    }

    /// The string for `key` with `{name}` placeholders filled.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        let template = self.get(key);
        let mut s =
            String::with_capacity(template.len() + args.iter().map(|a| a.1.len()).sum::<usize>());
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            s.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after
                .find('}')
                .and_then(|close| Some((close, args.iter().find(|a| a.0 == &after[..close])?)))
            {
                Some((close, (_, value))) => {
                    s.push_str(value);
                    rest = &after[close + 1..];
                }
                None => {
                    s.push('{');
                    rest = after;
                }
            }
        }
        s.push_str(rest);
        s
    }

    /// A date for people, in this language: "17 June 1992", "17 juin 1992", "June 1992", "1992".
    pub fn date(&self, d: PartialDate) -> String {
        let year = d.year.to_string();
        match (d.month, d.day) {
            (Some(m), Some(day)) => {
                let month = self.get(MONTHS[usize::from(m - 1)]);
                let day_s = if day == 1 {
                    self.map.get("day_1").cloned().unwrap_or_else(|| "1".into())
                } else {
                    day.to_string()
                };
                self.fill(
                    "date_day",
                    &[("day", &day_s), ("month", month), ("year", &year)],
                )
            }
            (Some(m), None) => {
                let month = self.get(MONTHS[usize::from(m - 1)]);
                self.fill("date_month", &[("month", month), ("year", &year)])
            }
            _ => year,
        }
    }

    /// The words before a date that starts and one that ends a period (`period_from`,
    /// `period_to` before a day; `period_from_partial`, `period_to_partial` before a month or
    /// a year, `period_from_partial_vowel` when the date, `human`, starts with a vowel), each
    /// with a space after it unless it ends in an apostrophe (French "d’avril").
    pub fn period_words(&self, has_day: bool, human: &str) -> (String, String) {
        let vowel = human
            .chars()
            .next()
            .is_some_and(|c| "aeiouyàâäéèêëîïôöûü".contains(c.to_lowercase().next().unwrap_or(c)));
        let (from, to) = match (has_day, vowel) {
            (true, _) => ("period_from", "period_to"),
            (false, false) => ("period_from_partial", "period_to_partial"),
            (false, true) => ("period_from_partial_vowel", "period_to_partial"),
        };
        let spaced = |key: &str| {
            let word = self.get(key);
            if word.ends_with(['’', '\'']) {
                word.to_owned()
            } else {
                format!("{word} ")
            }
        };
        (spaced(from), spaced(to))
    }

    /// Every string, for templates (`{{ t.key }}`).
    pub fn all(&self) -> &HashMap<String, String> {
        &self.map
    }
}

const MONTHS: [&str; 12] = [
    "month_1", "month_2", "month_3", "month_4", "month_5", "month_6", "month_7", "month_8",
    "month_9", "month_10", "month_11", "month_12",
];

fn parse(text: &str) -> Option<HashMap<String, String>> {
    toml::from_str(text).ok()
}

/// The languages the built-in theme translates.
pub fn builtin_languages() -> Vec<String> {
    let mut v: Vec<String> = THEME
        .get_dir("i18n")
        .map(|d| {
            d.files()
                .filter_map(|f| f.path().file_stem()?.to_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(l: &str) -> Strings {
        Strings::load(l, Path::new("/nonexistent"), Path::new("/"), None).unwrap()
    }

    #[test]
    fn dates_follow_the_language() {
        let d = PartialDate::parse("2019-01-01").unwrap();
        assert_eq!(lang("en").date(d), "1 January 2019");
        assert_eq!(lang("fr").date(d), "1er janvier 2019");
        assert_eq!(
            lang("fr").date(PartialDate::parse("1992-06-17").unwrap()),
            "17 juin 1992"
        );
        assert_eq!(
            lang("fr").date(PartialDate::parse("1992-06").unwrap()),
            "juin 1992"
        );
    }

    #[test]
    fn a_period_reads_right_before_a_day_a_month_a_year_and_a_vowel() {
        let fr = lang("fr");
        let words = |day, human| fr.period_words(day, human);
        assert_eq!(
            words(true, "1er juillet 2012"),
            ("du ".into(), "au ".into())
        );
        assert_eq!(words(false, "juillet 2012"), ("de ".into(), "à ".into()));
        assert_eq!(words(false, "2021"), ("de ".into(), "à ".into()));
        assert_eq!(words(false, "avril 2012"), ("d’".into(), "à ".into()));
        assert_eq!(words(false, "octobre 2012").0, "d’");
        let en = lang("en");
        assert_eq!(
            en.period_words(false, "April 2012"),
            ("from ".into(), "to ".into())
        );
        assert_eq!(
            en.period_words(true, "1 April 2012"),
            ("from ".into(), "to ".into())
        );
    }

    #[test]
    fn every_language_translates_every_english_key() {
        let en = Strings::english();
        for l in builtin_languages() {
            let s = lang(&l);
            let raw: HashMap<String, String> = parse(
                THEME
                    .get_file(format!("i18n/{l}.toml"))
                    .unwrap()
                    .contents_utf8()
                    .unwrap(),
            )
            .unwrap();
            let missing: Vec<&String> = en.all().keys().filter(|k| !raw.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{l} lacks {missing:?}");
            assert_eq!(s.lang, l);
        }
    }

    #[test]
    fn an_unknown_language_is_refused_with_the_list() {
        let e = Strings::load("xx", Path::new("/nonexistent"), Path::new("/"), None).unwrap_err();
        assert!(e[0].message.contains("\"xx\""));
        assert!(e[0].hint.as_deref().unwrap_or("").contains("en, fr"));
    }

    #[test]
    fn placeholders_are_filled_once_and_unknown_ones_kept() {
        let mut s = lang("en");
        s.map.insert("k".into(), "{a} and {b} {c} {".into());
        // A value that looks like a placeholder is not filled again.
        assert_eq!(s.fill("k", &[("a", "{b}"), ("b", "B")]), "{b} and B {c} {");
        assert_eq!(s.fill("missing", &[]), "missing");
    }

    #[test]
    fn regional_tags_use_their_language() {
        assert_eq!(
            lang("fr-CA").date(PartialDate::parse("1992-06").unwrap()),
            "juin 1992"
        );
    }
}
