//! Syntax highlighting behind one function, [`highlight`]. syntect's grammars (with the TOML
//! grammar that two-face adds) are loaded once, on the first code block of the build, so a
//! site without code never pays for them. Output uses CSS classes (`hl-*`), which the
//! theme's stylesheet colours for light and dark.

use std::sync::OnceLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

pub const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();

fn syntaxes() -> &'static SyntaxSet {
    SYNTAXES.get_or_init(two_face::syntax::extra_newlines)
}

/// Highlights `code` written in `lang` (a fence token such as `rust`, `toml`, `json`) as HTML
/// spans. Returns `None` when the language is unknown; the caller then escapes the code.
pub fn highlight(code: &str, lang: &str) -> Option<String> {
    if lang.is_empty() {
        return None;
    }
    let ss = syntaxes();
    let syntax = ss.find_syntax_by_token(lang)?;
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, ss, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        // A grammar that fails on some input must not fail the page: fall back to plain text.
        if generator
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            return None;
        }
    }
    Some(generator.finalize())
}

/// Whether the highlighter has been loaded in this process (tests use it to prove laziness).
pub fn is_loaded() -> bool {
    SYNTAXES.get().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_toml_with_classes() {
        let html = highlight("[[unit]]\nid = \"dpo\"\n", "toml").unwrap();
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(html.contains("dpo"));
    }

    #[test]
    fn unknown_languages_are_not_highlighted() {
        assert!(highlight("x", "no-such-language").is_none());
        assert!(highlight("x", "").is_none());
    }
}
