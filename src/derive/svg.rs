//! Small helpers for the SVG pictures the derive stage draws: escaping, text measuring and
//! wrapping, and number formatting. No font is available at build time, so text is measured
//! with a table of advance widths of DejaVu Sans (regular and bold), the widest of the common
//! sans-serif fonts a browser falls back to: a label measured here fits in any of them.

use std::fmt::Write;

use unicode_width::UnicodeWidthChar;

/// Escapes text for SVG content and attributes.
pub fn esc(s: &str) -> String {
    crate::markdown::escape(s)
}

/// A font size and weight, as the stylesheet sets them for a class of labels.
#[derive(Clone, Copy, Debug)]
pub struct Font {
    pub size: f64,
    pub bold: bool,
}

impl Font {
    pub const fn regular(size: f64) -> Font {
        Font { size, bold: false }
    }
    pub const fn bold(size: f64) -> Font {
        Font { size, bold: true }
    }
    /// The distance between two lines of a wrapped label.
    pub fn line(self) -> f64 {
        self.size * 1.25
    }
}

// Advance widths of the printable ASCII characters (space to `~`) in thousandths of an em,
// measured in Chromium from DejaVu Sans and DejaVu Sans Bold.
const REGULAR: [u16; 95] = [
    318, 401, 460, 838, 637, 951, 780, 275, 391, 391, 500, 838, 318, 361, 318, 337, 637, 637, 637,
    637, 637, 637, 637, 637, 637, 637, 337, 337, 838, 838, 838, 531, 1000, 685, 687, 699, 771, 632,
    576, 775, 752, 295, 295, 656, 558, 863, 749, 788, 604, 788, 695, 635, 611, 732, 685, 989, 686,
    611, 686, 391, 337, 391, 838, 500, 500, 613, 635, 550, 635, 616, 353, 635, 634, 278, 278, 580,
    278, 975, 634, 612, 635, 635, 412, 521, 393, 634, 592, 818, 592, 592, 525, 637, 337, 637, 838,
];
const BOLD: [u16; 95] = [
    349, 457, 521, 838, 696, 1002, 873, 307, 458, 458, 523, 838, 380, 416, 380, 366, 696, 696, 696,
    696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 581, 1000, 774, 763, 734, 831, 684,
    684, 821, 837, 373, 373, 775, 638, 996, 837, 851, 733, 851, 771, 721, 683, 813, 774, 1104, 771,
    725, 726, 458, 366, 458, 838, 500, 500, 675, 716, 593, 716, 679, 436, 716, 712, 343, 343, 666,
    343, 1042, 712, 688, 716, 716, 494, 596, 479, 712, 652, 924, 646, 652, 583, 712, 366, 712, 838,
];

/// Width of one character in em.
fn char_em(c: char, bold: bool) -> f64 {
    let table = if bold { &BOLD } else { &REGULAR };
    let code = c as usize;
    if (32..127).contains(&code) {
        return f64::from(table[code - 32]) / 1000.0;
    }
    match c {
        '…' | '—' => 1.0,
        c => match c.width() {
            Some(0) => 0.0,
            // East Asian wide characters and emoji take a full em.
            Some(2) => 1.0,
            // Other letters (accented Latin, Greek, Cyrillic, …): as wide as the widest
            // lower-case letters.
            _ if bold => 0.78,
            _ => 0.72,
        },
    }
}

/// Width of `text` in `font`, in px (with 2% to spare for rounding in the browser).
pub fn text_width(text: &str, font: Font) -> f64 {
    text.chars().map(|c| char_em(c, font.bold)).sum::<f64>() * font.size * 1.02
}

/// Width of a heading the stylesheet sets in capitals with `spacing` em between letters.
pub fn caps_width(text: &str, font: Font, spacing: f64) -> f64 {
    let upper = text.to_uppercase();
    text_width(&upper, font) + upper.chars().count() as f64 * spacing * font.size
}

/// A label broken into lines.
#[derive(Debug, Default, Clone)]
pub struct Wrapped {
    pub lines: Vec<String>,
    /// True when the text did not fit and the last line ends with "…": the caller then gives
    /// the whole text as a tooltip.
    pub cut: bool,
}

/// One line being filled, with its width so far.
#[derive(Default)]
struct Line {
    text: String,
    width: f64,
}

impl Line {
    fn push(&mut self, c: char, font: Font) {
        self.text.push(c);
        self.width += char_em(c, font.bold) * font.size * 1.02;
    }
}

/// Wraps `text` into at most `max_lines` lines no wider than `width` px: at spaces, and
/// inside a word only when the word alone is wider than a line. When the text does not fit,
/// the last line ends with "…" and `cut` is set. Linear in the length of the text: each
/// character is measured once, and the reading stops at the last line that fits.
pub fn wrap(text: &str, font: Font, width: f64, max_lines: usize) -> Wrapped {
    let max_lines = max_lines.max(1);
    let space = text_width(" ", font);
    let mut lines: Vec<Line> = Vec::new();
    let mut cur = Line::default();
    let mut cut = false;
    'words: for word in text.split_whitespace() {
        let word_w = text_width(word, font);
        if !cur.text.is_empty() && cur.width + space + word_w <= width {
            cur.text.push(' ');
            cur.width += space;
        } else if !cur.text.is_empty() {
            lines.push(std::mem::take(&mut cur));
        }
        if lines.len() == max_lines {
            cut = true;
            break;
        }
        for c in word.chars() {
            let w = char_em(c, font.bold) * font.size * 1.02;
            if cur.width + w > width && !cur.text.is_empty() {
                lines.push(std::mem::take(&mut cur));
                if lines.len() == max_lines {
                    cut = true;
                    break 'words;
                }
            }
            cur.push(c, font);
        }
    }
    if !cur.text.is_empty() {
        lines.push(cur);
    }
    if cut && let Some(last) = lines.last_mut() {
        let ellipsis = text_width("…", font);
        while last.width + ellipsis > width || last.text.ends_with(' ') {
            let Some(c) = last.text.pop() else { break };
            last.width -= char_em(c, font.bold) * font.size * 1.02;
        }
        last.text.push('…');
    }
    Wrapped {
        lines: lines.into_iter().map(|l| l.text).collect(),
        cut,
    }
}

/// A number with at most one decimal, without a trailing `.0`.
pub fn n(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// Opens a picture: the `<svg>` element, `width` × `height` in its own units (never drawn
/// wider than that), named by its `<title>` and described by a `<desc>` the caller writes
/// next with the id `{id}-desc`.
pub fn open(out: &mut String, class: &str, id: &str, (width, height): (f64, f64), title: &str) {
    let _ = write!(
        out,
        "<svg class=\"{class}\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" style=\"max-width:{w}px\"><title id=\"{id}-title\">{}</title>",
        esc(title),
        w = n(width),
        h = n(height)
    );
}

/// `<text>` with one `<tspan>` per line, the first line's baseline at `y`. A label that was
/// cut is wrapped in a group whose `<title>` (a tooltip) holds `full`.
pub fn text_block(
    out: &mut String,
    class: &str,
    (x, y): (f64, f64),
    font: Font,
    label: &Wrapped,
    full: &str,
) {
    if label.cut {
        let _ = write!(out, "<g><title>{}</title>", esc(full));
    }
    let _ = write!(
        out,
        "<text class=\"{class}\" x=\"{}\" y=\"{}\" font-size=\"{}\">",
        n(x),
        n(y),
        n(font.size)
    );
    for (i, line) in label.lines.iter().enumerate() {
        if i == 0 {
            let _ = write!(out, "<tspan x=\"{}\">{}</tspan>", n(x), esc(line));
        } else {
            let _ = write!(
                out,
                "<tspan x=\"{}\" dy=\"{}\">{}</tspan>",
                n(x),
                n(font.line()),
                esc(line)
            );
        }
    }
    out.push_str("</text>");
    if label.cut {
        out.push_str("</g>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_on_words_and_ellipsizes() {
        let font = Font::regular(12.0);
        let w = wrap(
            "Department of Political and Peacebuilding Affairs",
            font,
            120.0,
            2,
        );
        assert_eq!(w.lines.len(), 2);
        assert!(w.cut && w.lines[1].ends_with('…'), "{w:?}");
        assert!(
            w.lines.iter().all(|l| text_width(l, font) <= 120.0),
            "{w:?}"
        );
        let short = wrap("DPO", font, 120.0, 2);
        assert_eq!(short.lines, ["DPO"]);
        assert!(!short.cut);
    }

    #[test]
    fn breaks_a_word_wider_than_the_line_instead_of_cutting_it() {
        let font = Font::bold(10.0);
        let w = wrap("Interdepartmentalcoordinationsecretariat", font, 60.0, 6);
        assert!(!w.cut, "{w:?}");
        assert_eq!(w.lines.concat(), "Interdepartmentalcoordinationsecretariat");
        assert!(w.lines.iter().all(|l| text_width(l, font) <= 60.0), "{w:?}");
    }

    #[test]
    fn a_100_kb_name_gives_a_few_short_lines() {
        let font = Font::regular(12.0);
        let words = "Directorate ".repeat(100_000 / 12);
        let one_word = "a".repeat(100_000);
        for name in [words.as_str(), one_word.as_str()] {
            let w = wrap(name, font, 150.0, 3);
            assert_eq!(w.lines.len(), 3);
            assert!(w.cut);
            assert!(w.lines.iter().all(|l| l.len() < 40), "{:?}", w.lines);
        }
    }

    #[test]
    fn bold_is_wider_than_regular() {
        let text = "Office of Operations";
        assert!(text_width(text, Font::bold(12.0)) > text_width(text, Font::regular(12.0)));
        assert!(text_width("日本", Font::regular(10.0)) >= 20.0);
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(n(12.0), "12");
        assert_eq!(n(12.34), "12.3");
    }
}
