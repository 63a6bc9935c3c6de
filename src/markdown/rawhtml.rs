//! Raw HTML written in Markdown, as the glossary pass reads it: whether the text at hand is
//! inside an element whose words must not get an `<abbr>` (a link, code, an abbreviation, a
//! script…). Tags are read with html5gum, as a browser's tokenizer reads them.

/// Elements whose text is never marked.
const NO_TERMS: &[&[u8]] = &[
    b"a",
    b"abbr",
    b"code",
    b"kbd",
    b"math",
    b"pre",
    b"samp",
    b"script",
    b"style",
    b"svg",
    b"textarea",
    b"title",
    b"var",
];

/// How deep the text is in elements of [`NO_TERMS`].
#[derive(Default)]
pub struct RawHtml {
    depth: usize,
}

impl RawHtml {
    /// Reads the tags of a piece of raw HTML (one inline tag or a whole HTML block).
    pub fn read(&mut self, html: &str) {
        use html5gum::{DefaultEmitter, Token, Tokenizer};
        let mut emitter = DefaultEmitter::default();
        emitter.naively_switch_states(true);
        for token in Tokenizer::new_with_emitter(html, emitter).flatten() {
            match token {
                Token::StartTag(t) if !t.self_closing && NO_TERMS.contains(&t.name.as_slice()) => {
                    self.depth += 1;
                }
                Token::EndTag(t) if NO_TERMS.contains(&t.name.as_slice()) => {
                    self.depth = self.depth.saturating_sub(1);
                }
                _ => {}
            }
        }
    }

    /// Whether the text that follows is inside such an element.
    pub fn inside(&self) -> bool {
        self.depth > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_open_elements_whose_text_is_left_alone() {
        let mut r = RawHtml::default();
        r.read("<A HREF=x>");
        assert!(r.inside());
        r.read("<b>");
        r.read("</a>");
        assert!(!r.inside());
        r.read("<code/>");
        assert!(!r.inside());
        r.read("<script>if (a<b) {}</script><abbr title=x>");
        assert!(r.inside());
    }
}
