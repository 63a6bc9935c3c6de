//! Syntax highlighting behind one function, [`highlight`]. The grammars are syntect's with
//! those that two-face adds (TOML among them), split by `build.rs` into one dump per language
//! (with the grammars it embeds): a build loads only the languages its code blocks use, on
//! first use, so a site without code pays nothing and a site with TOML pays for TOML. Output
//! uses CSS classes (`hl-*`), which the theme's stylesheet colours for light and dark.

use std::sync::OnceLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

pub const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// One grammar of the full set: where `build.rs` put it.
struct Syntax {
    name: &'static str,
    extensions: &'static [&'static str],
    /// Its dump in `DUMPS`, and its place in that dump's syntax set.
    dump: usize,
    index: usize,
}

include!(concat!(env!("OUT_DIR"), "/grammars.rs"));

static LOADED: [OnceLock<SyntaxSet>; DUMP_COUNT] = [const { OnceLock::new() }; DUMP_COUNT];

/// The grammar for a fence token, as `SyntaxSet::find_syntax_by_token` finds it in the full
/// set: the last with that file extension, else the last with that name (ASCII case ignored).
fn find(token: &str) -> Option<&'static Syntax> {
    SYNTAXES
        .iter()
        .rev()
        .find(|s| s.extensions.iter().any(|e| e.eq_ignore_ascii_case(token)))
        .or_else(|| {
            SYNTAXES
                .iter()
                .rev()
                .find(|s| s.name.eq_ignore_ascii_case(token))
        })
}

fn load(dump: usize) -> Option<&'static SyntaxSet> {
    let slot = LOADED.get(dump)?;
    Some(slot.get_or_init(|| {
        syntect::dumps::from_uncompressed_data(DUMPS[dump]).unwrap_or_else(|_| SyntaxSet::new())
    }))
}

/// The longest line highlighted, in bytes: some grammars (JavaScript's) take time that grows
/// with the square of a line's length, so a long token could stall the build.
const MAX_LINE: usize = 1_000;

/// The most highlighting work for one block, counted as the sum of its lines' squared
/// lengths: about 200 KB of ordinary code, or 16 lines of [`MAX_LINE`] bytes.
const MAX_WORK: usize = 16_000_000;

/// What a warning about a block left plain says to do.
pub const BOUNDS_HINT: &str = "highlighting stops at lines over 1,000 characters and at about 200 KB of code per block: split the block, or drop its language";

/// Whether `code` is small enough to highlight (see [`MAX_LINE`] and [`MAX_WORK`]); a block
/// that is not is shown as plain escaped text.
pub fn within_bounds(code: &str) -> bool {
    let mut work = 0usize;
    code.split('\n').all(|line| {
        work = work.saturating_add(line.len().saturating_mul(line.len()));
        line.len() <= MAX_LINE && work <= MAX_WORK
    })
}

/// Highlights `code` written in `lang` (a fence token such as `rust`, `toml`, `json`) as HTML
/// spans. Returns `None` when the language is unknown; the caller then escapes the code.
pub fn highlight(code: &str, lang: &str) -> Option<String> {
    if lang.is_empty() || !within_bounds(code) {
        return None;
    }
    let found = find(lang)?;
    let ss = load(found.dump)?;
    let syntax = ss.syntaxes().get(found.index)?;
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

/// Loads the grammar for `lang` ahead of its first code block (benchmarks use it to time
/// highlighting alone).
pub fn preload(lang: &str) {
    if let Some(s) = find(lang) {
        load(s.dump);
    }
}

/// Whether any grammar has been loaded in this process (tests use it to prove laziness).
pub fn is_loaded() -> bool {
    LOADED.iter().any(|l| l.get().is_some())
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

    /// The split grammars highlight exactly as the whole set would, for every language and by
    /// every name and extension a fence may use.
    #[test]
    fn split_grammars_match_the_full_set() {
        let full = two_face::syntax::extra_newlines();
        let code = "fn main() { let x = \"a\"; } // note\n<div class=\"x\">y &amp; z</div>\n\
                    # Heading\n- [a](b) `c`\nkey = [1, 2.5, true]\nSELECT * FROM t;\n\
                    $x = @(1); echo $HOME\n";
        let mut tokens: Vec<String> = Vec::new();
        for s in full.syntaxes() {
            tokens.push(s.name.clone());
            tokens.extend(s.file_extensions.iter().cloned());
        }
        assert!(tokens.len() > 400, "{} tokens", tokens.len());
        for token in &tokens {
            let expected = full.find_syntax_by_token(token).map(|syntax| {
                let mut g = ClassedHTMLGenerator::new_with_class_style(syntax, &full, CLASS_STYLE);
                for line in LinesWithEndings::from(code) {
                    g.parse_html_for_line_which_includes_newline(line).unwrap();
                }
                g.finalize()
            });
            assert_eq!(highlight(code, token), expected, "fence token {token:?}");
        }
    }

    #[test]
    fn a_long_line_or_a_huge_block_is_left_plain() {
        // 50 KB of one JavaScript identifier took two minutes to highlight.
        assert!(highlight(&"a".repeat(50_000), "js").is_none());
        assert!(highlight(&format!("{}\n", "a".repeat(MAX_LINE)), "js").is_some());
        assert!(!within_bounds(&format!("{}\n", "x".repeat(900)).repeat(40)));
        assert!(within_bounds(&format!("{}\n", "x".repeat(80)).repeat(2000)));
    }

    #[test]
    fn unknown_languages_are_not_highlighted() {
        assert!(highlight("x", "no-such-language").is_none());
        assert!(highlight("x", "").is_none());
    }
}

/// The stylesheet for highlighted code (`theme/static/highlight.css`): the Coldark themes
/// (light, and dark under `prefers-color-scheme`), with every colour pushed, where needed, to
/// a contrast of at least 4.6:1 against the theme's code background. A test keeps the
/// committed file equal to this output (`PILLAR_BLESS=1 cargo test` rewrites it).
pub fn theme_css() -> String {
    use two_face::theme::EmbeddedThemeName;
    theme_css_of(
        EmbeddedThemeName::ColdarkCold,
        EmbeddedThemeName::ColdarkDark,
    )
}

/// The same stylesheet from the themes `light` and `dark` (a site's `[highlight]`).
pub fn theme_css_of(
    light: two_face::theme::EmbeddedThemeName,
    dark: two_face::theme::EmbeddedThemeName,
) -> String {
    use syntect::html::css_for_theme_with_class_style;
    use two_face::theme::EmbeddedThemeName;
    let themes = two_face::theme::extra();
    let css = |name, background: (u8, u8, u8)| {
        let raw = css_for_theme_with_class_style(themes.get(name), CLASS_STYLE).unwrap_or_default();
        accessible(&raw, background)
    };
    // The backgrounds of `pre.code` in theme/static/style.css (--soft), light and dark.
    let light_css = css(light, (0xf3, 0xf5, 0xf8));
    let dark_css = css(dark, (0x1b, 0x21, 0x29));
    let from = if (light, dark)
        == (
            EmbeddedThemeName::ColdarkCold,
            EmbeddedThemeName::ColdarkDark,
        ) {
        "the Coldark themes".to_owned()
    } else {
        format!("the themes {light} (light) and {dark} (dark)")
    };
    format!(
        "/* Generated by pillar (src/markdown/highlight.rs, theme_css) from {from}; do not edit. */\n{light_css}\n@media (prefers-color-scheme: dark) {{\n{dark_css}}}\n"
    )
}

/// Drops background colours (the theme's `pre` has its own) and raises every text colour to
/// a contrast of 4.6:1 against `background`.
fn accessible(css: &str, background: (u8, u8, u8)) -> String {
    let mut out = String::with_capacity(css.len());
    for line in css.lines() {
        let t = line.trim_start();
        if t.starts_with("background-color")
            || t.starts_with("/*")
            || t.starts_with("*")
            || t.starts_with(" *")
        {
            continue;
        }
        if let Some(hex) = t
            .strip_prefix("color: #")
            .map(|r| r.trim_end_matches(';').trim())
            && hex.len() >= 6
            && let Ok(v) = u32::from_str_radix(&hex[..6], 16)
        {
            let (r, g, b) = ((v >> 16) as u8, (v >> 8) as u8, v as u8);
            let (r, g, b) = with_contrast((r, g, b), background, 4.6);
            out.push_str(&format!(" color: #{r:02x}{g:02x}{b:02x};\n"));
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
}

/// WCAG contrast ratio of two colours.
pub fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Moves `fg` towards black or white (away from `bg`) until the contrast reaches `ratio`.
fn with_contrast(fg: (u8, u8, u8), bg: (u8, u8, u8), ratio: f64) -> (u8, u8, u8) {
    let target = if luminance(bg) > 0.5 { 0u8 } else { 255u8 };
    let mut c = fg;
    for step in 0..=20 {
        if contrast(c, bg) >= ratio {
            break;
        }
        let mix = |from: u8| {
            let t = f64::from(step + 1) / 20.0;
            (f64::from(from) * (1.0 - t) + f64::from(target) * t).round() as u8
        };
        c = (mix(fg.0), mix(fg.1), mix(fg.2));
    }
    c
}

#[cfg(test)]
mod css_tests {
    use super::*;

    #[test]
    fn the_committed_highlight_stylesheet_is_up_to_date() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/theme/static/highlight.css");
        let css = theme_css();
        if std::env::var_os("PILLAR_BLESS").is_some() {
            std::fs::write(path, &css).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == css,
            "theme/static/highlight.css is stale: run PILLAR_BLESS=1 cargo test"
        );
    }

    #[test]
    fn every_code_colour_has_enough_contrast_in_light_and_dark() {
        let css = theme_css();
        let (light, dark) = css.split_once("@media").unwrap();
        for (part, bg) in [(light, (0xf3, 0xf5, 0xf8)), (dark, (0x1b, 0x21, 0x29))] {
            for hex in part.split("color: #").skip(1).map(|s| &s[..6]) {
                let v = u32::from_str_radix(hex, 16).unwrap();
                let fg = ((v >> 16) as u8, (v >> 8) as u8, v as u8);
                assert!(contrast(fg, bg) >= 4.5, "#{hex} on {bg:?}");
            }
        }
    }
}
