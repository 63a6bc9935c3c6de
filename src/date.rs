//! Dates of varying precision (`1992`, `1992-06`, `1992-06-17`), as timelines need them:
//! parsed from a TOML string or a TOML date, checked against the calendar, ordered, and
//! printed for people and for `<time datetime>`.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

/// A calendar date known to the year, the month or the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    pub year: u16,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

/// English month names, for error messages (pages use the site's language).
const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl PartialDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, refusing dates that do not exist.
    pub fn parse(s: &str) -> Result<Self, String> {
        let bad = || format!("invalid date {s:?}: expected YYYY, YYYY-MM or YYYY-MM-DD");
        let parts: Vec<&str> = s.split('-').collect();
        let num = |p: &str, len: usize| -> Result<u16, String> {
            if p.len() != len || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            p.parse().map_err(|_| bad())
        };
        let (year, month, day) = match parts.as_slice() {
            [y] => (num(y, 4)?, None, None),
            [y, m] => (num(y, 4)?, Some(num(m, 2)?), None),
            [y, m, d] => (num(y, 4)?, Some(num(m, 2)?), Some(num(d, 2)?)),
            _ => return Err(bad()),
        };
        Self::new(year, month, day).map_err(|why| format!("invalid date {s:?}: {why}"))
    }

    pub fn new(year: u16, month: Option<u16>, day: Option<u16>) -> Result<Self, String> {
        if year == 0 {
            return Err("year 0 does not exist".into());
        }
        if let Some(m) = month
            && !(1..=12).contains(&m)
        {
            return Err(format!("month {m} does not exist"));
        }
        if let (Some(m), Some(d)) = (month, day) {
            let max = days_in_month(year, m as u8);
            if d == 0 || d > u16::from(max) {
                return Err(format!(
                    "{} {year} has {max} days",
                    MONTH_NAMES[usize::from(m - 1)]
                ));
            }
        }
        Ok(Self {
            year,
            month: month.map(|m| m as u8),
            day: day.map(|d| d as u8),
        })
    }

    /// The ISO form, valid in `<time datetime>`: `1992`, `1992-06`, `1992-06-17`.
    pub fn iso(&self) -> String {
        self.to_string()
    }

    /// Sort key: a less precise date sorts before more precise ones of the same period.
    pub fn sort_key(&self) -> (u16, u8, u8) {
        (self.year, self.month.unwrap_or(0), self.day.unwrap_or(0))
    }

    /// RFC 3339 timestamp at midnight UTC of the first day the date covers (for feeds).
    pub fn rfc3339(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T00:00:00Z",
            self.year,
            self.month.unwrap_or(1),
            self.day.unwrap_or(1)
        )
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

impl PartialOrd for PartialDate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PartialDate {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl Serialize for PartialDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DateVisitor)
    }
}

/// In the JSON Schema of the data file (`pillar schema`): the text of a date. Editors that
/// check TOML against a schema (Taplo) and `tomllib` read a TOML date as that text too.
impl schemars::JsonSchema for PartialDate {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PartialDate".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A date known to the year, the month or the day: \"2017\", \"2017-10\" or 2017-10-13 (a TOML date).",
            "type": "string",
            "pattern": "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
        })
    }
}

struct DateVisitor;

impl<'de> Visitor<'de> for DateVisitor {
    type Value = PartialDate;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date: \"YYYY\", \"YYYY-MM\", \"YYYY-MM-DD\" or a TOML date")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<PartialDate, E> {
        PartialDate::parse(v).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<PartialDate, E> {
        Err(E::custom(format!(
            "invalid date {v}: write it as a string, e.g. \"{v}\""
        )))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<PartialDate, A::Error> {
        let dt = toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
        if dt.time.is_some() || dt.offset.is_some() {
            return Err(de::Error::custom(
                "a date cannot carry a time; write YYYY-MM-DD",
            ));
        }
        let Some(date) = dt.date else {
            return Err(de::Error::custom("expected a date"));
        };
        PartialDate::new(
            date.year,
            Some(u16::from(date.month)),
            Some(u16::from(date.day)),
        )
        .map_err(de::Error::custom)
    }
}

impl PartialDate {
    /// Sort key for a timeline: a less precise date sorts *after* the more precise ones of its
    /// period (`2017-12` after `2017-12-31`, `2019` after every dated day of 2019), since it
    /// says only that the event happened at some point in it.
    pub fn loose_key(&self) -> (u16, u8, u8) {
        (self.year, self.month.unwrap_or(13), self.day.unwrap_or(32))
    }
}

/// An event's date: one date, or a range `START/END` that places a loosely known event
/// (`2017-12-21/2017-12-24`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateSpan {
    pub start: PartialDate,
    pub end: Option<PartialDate>,
}

/// In the JSON Schema of the data file: a date, or a range `START/END` of two dates.
impl schemars::JsonSchema for DateSpan {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "DateSpan".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A date known to the year, the month or the day (\"2017\", \"2017-10\", 2017-10-13), or a range of two such dates \"START/END\".",
            "type": "string",
            "pattern": "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?(/[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?)?$"
        })
    }
}

impl<'de> Deserialize<'de> for DateSpan {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SpanVisitor)
    }
}

struct SpanVisitor;

impl<'de> Visitor<'de> for SpanVisitor {
    type Value = DateSpan;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "a date: \"YYYY\", \"YYYY-MM\", \"YYYY-MM-DD\", a TOML date or a range \"START/END\"",
        )
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<DateSpan, E> {
        let (start, end) = match v.split_once('/') {
            Some((a, b)) => (a, Some(b)),
            None => (v, None),
        };
        let start = PartialDate::parse(start).map_err(E::custom)?;
        let end = end
            .map(|b| PartialDate::parse(b).map_err(E::custom))
            .transpose()?;
        if let Some(b) = end
            && b < start
        {
            return Err(E::custom(format!(
                "invalid date range {v:?}: it ends before it starts"
            )));
        }
        Ok(DateSpan { start, end })
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<DateSpan, E> {
        DateVisitor.visit_i64(v).map(DateSpan::from)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DateSpan, A::Error> {
        DateVisitor.visit_map(map).map(DateSpan::from)
    }
}

impl From<PartialDate> for DateSpan {
    fn from(start: PartialDate) -> Self {
        DateSpan { start, end: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loose_dates_sort_after_the_days_of_their_period() {
        let mut v: Vec<PartialDate> = ["2017", "2017-10", "2017-10-13", "2017-12-31", "2018-01-01"]
            .iter()
            .map(|s| PartialDate::parse(s).unwrap())
            .collect();
        v.sort_by_key(PartialDate::loose_key);
        let s: Vec<String> = v.iter().map(PartialDate::iso).collect();
        assert_eq!(
            s,
            ["2017-10-13", "2017-10", "2017-12-31", "2017", "2018-01-01"]
        );
    }

    #[test]
    fn a_range_is_two_dates_in_order() {
        #[derive(Deserialize)]
        struct Row {
            date: DateSpan,
        }
        let r: Row = toml::from_str("date = \"2017-12-21/2017-12-24\"").unwrap();
        assert_eq!(r.date.start.iso(), "2017-12-21");
        assert_eq!(r.date.end.map(|d| d.iso()).as_deref(), Some("2017-12-24"));
        let e = toml::from_str::<Row>("date = \"2017-12-24/2017-12-21\"")
            .err()
            .unwrap();
        assert!(e.to_string().contains("ends before it starts"), "{e}");
        let r: Row = toml::from_str("date = 2017-12-21").unwrap();
        assert_eq!(r.date.end, None);
    }

    #[test]
    fn parses_three_precisions() {
        let en = crate::i18n::Strings::english();
        let human = |s: &str| en.date(PartialDate::parse(s).unwrap());
        assert_eq!(human("1992"), "1992");
        assert_eq!(human("1992-06"), "June 1992");
        assert_eq!(human("1992-06-17"), "17 June 1992");
    }

    #[test]
    fn refuses_days_that_do_not_exist() {
        assert!(PartialDate::parse("2017-02-29").is_err());
        assert!(PartialDate::parse("2016-02-29").is_ok());
        assert!(PartialDate::parse("2017-13").is_err());
        assert!(PartialDate::parse("17-01-01").is_err());
        assert!(PartialDate::parse("2017-1-1").is_err());
        assert!(PartialDate::parse("").is_err());
    }

    #[test]
    fn less_precise_dates_sort_first() {
        let mut v: Vec<PartialDate> = ["2017-10-13", "2017", "2017-10", "2016-12-31"]
            .iter()
            .map(|s| PartialDate::parse(s).unwrap())
            .collect();
        v.sort();
        let s: Vec<String> = v.iter().map(PartialDate::iso).collect();
        assert_eq!(s, ["2016-12-31", "2017", "2017-10", "2017-10-13"]);
    }

    #[test]
    fn reads_toml_strings_and_dates() {
        #[derive(Deserialize, Debug)]
        struct T {
            a: PartialDate,
            b: PartialDate,
        }
        let t: T = toml::from_str("a = 2017-10-13\nb = \"2017-10\"").unwrap();
        assert_eq!(
            (t.a.iso(), t.b.iso()),
            ("2017-10-13".into(), "2017-10".into())
        );
        // TOML dates are checked by the TOML parser, strings by ours.
        assert!(toml::from_str::<T>("a = 2017-02-30\nb = \"2017\"").is_err());
        let e = toml::from_str::<T>("a = \"2017-02-30\"\nb = \"2017\"").unwrap_err();
        assert!(
            e.message().contains("February 2017 has 28 days"),
            "{}",
            e.message()
        );
    }
}
