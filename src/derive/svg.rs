//! Small helpers for the SVG pictures the derive stage draws: escaping, text measuring and
//! wrapping (estimated, since no fonts are available at build time), and number formatting.

use std::fmt::Write;

/// Escapes text for SVG content and attributes.
pub fn esc(s: &str) -> String {
    crate::markdown::escape(s)
}

/// Estimated width of `text` at `size` px in a sans-serif font (average glyph ≈ 0.56 em,
/// capitals and wide letters more).
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '.' | ',' | '\'' | ':' | ';' | '|' | '!' => 0.28,
            'f' | 't' | 'r' | ' ' | '(' | ')' | '-' => 0.36,
            'm' | 'w' | 'M' | 'W' | '@' => 0.86,
            c if c.is_uppercase() => 0.68,
            _ => 0.55,
        })
        .sum::<f64>()
        * size
        // Wide system fonts (DejaVu Sans) run about 12% wider than the averages above.
        * 1.12
}

/// Wraps `text` into lines no wider than `width` at `size` px; at most `max_lines`, the last
/// ending with an ellipsis when the text does not fit.
pub fn wrap(text: &str, size: f64, width: f64, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if text_width(&candidate, size) <= width || current.is_empty() {
            current = candidate;
        } else {
            lines.push(std::mem::take(&mut current));
            current = word.to_owned();
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    let cut = lines.len() > max_lines;
    lines.truncate(max_lines);
    for (i, line) in lines.iter_mut().enumerate() {
        // A word wider than the box, or the last line of a text that did not fit, ends in "…".
        if text_width(line, size) > width || (cut && i + 1 == max_lines) {
            while !line.is_empty() && text_width(&format!("{line}…"), size) > width {
                line.pop();
            }
            line.push('…');
        }
    }
    lines
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

/// `<text>` with one `<tspan>` per line.
pub fn text_block(out: &mut String, class: &str, x: f64, y: f64, size: f64, lines: &[String]) {
    let _ = write!(
        out,
        "<text class=\"{class}\" x=\"{}\" y=\"{}\" font-size=\"{}\">",
        n(x),
        n(y),
        n(size)
    );
    for (i, line) in lines.iter().enumerate() {
        if i == 0 {
            let _ = write!(out, "<tspan x=\"{}\">{}</tspan>", n(x), esc(line));
        } else {
            let _ = write!(
                out,
                "<tspan x=\"{}\" dy=\"{}\">{}</tspan>",
                n(x),
                n(size * 1.25),
                esc(line)
            );
        }
    }
    out.push_str("</text>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_on_words_and_ellipsizes() {
        let lines = wrap(
            "Department of Political and Peacebuilding Affairs",
            12.0,
            120.0,
            2,
        );
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'), "{lines:?}");
        assert!(
            lines.iter().all(|l| text_width(l, 12.0) <= 120.0),
            "{lines:?}"
        );
        assert_eq!(wrap("DPO", 12.0, 120.0, 2), ["DPO"]);
        let long = wrap("Office of Operations (DPKO)", 10.0, 60.0, 1);
        assert!(
            long[0].ends_with('…') && text_width(&long[0], 10.0) <= 60.0,
            "{long:?}"
        );
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(n(12.0), "12");
        assert_eq!(n(12.34), "12.3");
    }
}
