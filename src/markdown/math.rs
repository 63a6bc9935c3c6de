//! Math (`$…$`, `$$…$$`, with the site's `math = true`) as MathML, which browsers typeset
//! without JavaScript; the TeX is kept beside it, in the MathML's annotation.

use pulldown_latex::config::DisplayMode;
use pulldown_latex::{Parser, RenderConfig, Storage, push_mathml};

use super::escape;

/// The MathML of `tex`: a `<math>` element, `display="block"` for display math. TeX the
/// renderer cannot read is shown as written, in `<code class="math">`.
pub fn mathml(tex: &str, display: bool) -> String {
    let storage = Storage::new();
    let config = RenderConfig {
        display_mode: if display {
            DisplayMode::Block
        } else {
            DisplayMode::Inline
        },
        ..RenderConfig::default()
    };
    let mut out = String::with_capacity(tex.len() * 8);
    if push_mathml(&mut out, Parser::new(tex, &storage), config).is_err() {
        return format!("<code class=\"math\">{}</code>", escape(tex));
    }
    // The renderer writes `<` and `&` of the TeX as they are (`<mo><</mo>`): escape them, and
    // add the TeX (escaped) as the annotation the renderer would write raw.
    let mut html = escape_stray(&out);
    let annotation = format!(
        "</mrow><annotation encoding=\"application/x-tex\">{}</annotation></semantics></math>",
        escape(tex)
    );
    if let Some(body) = html.strip_prefix("<math")
        && let Some(body) = body.strip_suffix("</math>")
    {
        html = format!("<math{body}");
        let open = html.find('>').map_or(html.len(), |i| i + 1);
        html.insert_str(open, "<semantics><mrow>");
        html.push_str(&annotation);
    }
    html
}

/// `html` with each `<` that opens no tag and each `&` that starts no character reference
/// escaped.
fn escape_stray(html: &str) -> String {
    let b = html.as_bytes();
    let mut out = String::with_capacity(html.len() + 16);
    for (i, c) in html.char_indices() {
        let next = b.get(i + 1).copied().unwrap_or(b' ');
        match c {
            '<' if !(next.is_ascii_alphabetic() || next == b'/') => out.push_str("&lt;"),
            '&' if !starts_reference(&html[i + 1..]) => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

/// Whether `s` (after an `&`) is a character reference: `name;`, `#123;` or `#x1F;`.
fn starts_reference(s: &str) -> bool {
    let body = s
        .strip_prefix('#')
        .map_or(s, |r| r.strip_prefix(['x', 'X']).unwrap_or(r));
    let n = body.bytes().take_while(u8::is_ascii_alphanumeric).count();
    n > 0 && body.as_bytes().get(n) == Some(&b';')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tex_is_escaped_in_the_mathml_and_its_annotation() {
        let html = mathml("a<b \\& c", false);
        assert!(
            html.starts_with("<math display=\"inline\"><semantics><mrow>"),
            "{html}"
        );
        assert!(html.ends_with("</mrow><annotation encoding=\"application/x-tex\">a&lt;b \\&amp; c</annotation></semantics></math>"), "{html}");
        assert!(!html.contains("><<") && html.contains("&lt;"), "{html}");
        assert_eq!(
            escape_stray("<mo>&amp;</mo><mo>&</mo><mo><</mo>"),
            "<mo>&amp;</mo><mo>&amp;</mo><mo>&lt;</mo>"
        );
    }
}
