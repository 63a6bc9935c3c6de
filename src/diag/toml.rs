//! Reading a project file as text and reporting TOML problems in the user's words: UTF-8
//! decoding located at the first bad byte, serde's wording turned into TOML's, and "did you
//! mean" hints for a misspelt file name. Every stage that reads a file uses these.

use std::path::{Path, PathBuf};

use super::Diagnostic;

/// A file in the same folder whose name is close to `path`'s, for "did you mean" hints.
pub fn nearby_file(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let entries = std::fs::read_dir(path.parent()?).ok()?;
    let names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    super::did_you_mean(name, names.iter().map(String::as_str)).map(|n| path.with_file_name(n))
}

/// Bytes to text: UTF-8 only, with a byte-order mark removed. The error points at the first
/// invalid byte.
pub fn decode(bytes: &[u8], shown: &Path) -> Result<String, Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let text = String::from_utf8_lossy(valid);
            let (line, col) = super::line_col(&text, text.len());
            Err(
                Diagnostic::error(shown, line, col, "the file is not valid UTF-8")
                    .with_hint("save the file as UTF-8"),
            )
        }
    }
}

/// A TOML error as a located diagnostic; `base` is the offset of the TOML inside `text`.
pub fn toml_diagnostic(shown: &Path, text: &str, base: usize, e: &toml::de::Error) -> Diagnostic {
    let offset = base + e.span().map_or(0, |s| s.start);
    let raw = e.message().trim();
    let (message, hint) = explain_toml(raw.lines().next().unwrap_or(raw).trim_end_matches('.'));
    let d = Diagnostic::at(shown, text, offset, message);
    match hint {
        Some(h) => d.with_hint(h),
        None => d,
    }
}

/// Turns serde's wording into the user's: "unknown field `nmae`, expected one of …" becomes
/// "unknown key `nmae`" with a "did you mean" hint; Rust type names become TOML ones.
pub(crate) fn explain_toml(message: &str) -> (String, Option<String>) {
    let choices = |rest: &str| -> Vec<String> {
        rest.split(", ")
            .map(|c| c.trim().trim_matches('`').to_owned())
            .collect()
    };
    let suggest = |wanted: &str, options: &[String], noun: &str| -> String {
        let list = options
            .iter()
            .map(|o| format!("`{o}`"))
            .collect::<Vec<_>>()
            .join(", ");
        match super::did_you_mean(wanted, options.iter().map(String::as_str)) {
            Some(m) => format!("did you mean `{m}`?"),
            None => format!("valid {noun}: {list}"),
        }
    };
    for (prefix, noun, what) in [
        ("unknown field `", "keys", "unknown key"),
        ("unknown variant `", "values", "invalid value"),
    ] {
        if let Some(rest) = message.strip_prefix(prefix)
            && let Some((name, tail)) = rest.split_once('`')
        {
            let hint = tail
                .split_once("expected one of ")
                .map(|(_, list)| suggest(name, &choices(list), noun))
                .or_else(|| {
                    tail.contains("there are no fields")
                        .then(|| "this table takes no keys".to_owned())
                });
            return (format!("{what} `{name}`"), hint);
        }
    }
    let mut m = message.to_owned();
    for (rust, toml) in [
        ("expected i64", "expected an integer"),
        ("expected u64", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a sequence", "expected a list"),
        ("expected a map", "expected a table"),
        ("expected struct", "expected a table for"),
        ("invalid type: sequence", "invalid type: list"),
        ("invalid type: map", "invalid type: table"),
        ("invalid type: integer", "invalid type: number"),
    ] {
        m = m.replace(rust, toml);
    }
    if let Some(field) = m
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
    {
        return (
            format!("missing key `{field}`"),
            Some(format!("this table needs `{field}`")),
        );
    }
    (m, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_wording_is_the_users() {
        let (m, h) = explain_toml("unknown field `nmae`, expected one of `id`, `name`, `era`");
        assert_eq!(m, "unknown key `nmae`");
        assert_eq!(h.unwrap(), "did you mean `name`?");
        let (_, h) = explain_toml("unknown field `zzz`, expected one of `id`, `name`");
        assert_eq!(h.unwrap(), "valid keys: `id`, `name`");
        let (m, h) =
            explain_toml("unknown variant `during`, expected one of `before`, `after`, `both`");
        assert_eq!(m, "invalid value `during`");
        assert_eq!(h.unwrap(), "valid values: `before`, `after`, `both`");
        assert_eq!(
            explain_toml("invalid type: string \"x\", expected i64").0,
            "invalid type: string \"x\", expected an integer"
        );
    }

    #[test]
    fn invalid_utf8_points_at_the_bad_byte() {
        let d = decode(b"ok\nab\xFFc", Path::new("x.md")).unwrap_err();
        assert_eq!((d.line, d.col), (2, 3));
    }

    #[test]
    fn byte_order_mark_is_removed() {
        assert_eq!(decode(b"\xEF\xBB\xBFhi", Path::new("x")).unwrap(), "hi");
    }
}
