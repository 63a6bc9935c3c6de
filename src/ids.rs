//! Identifiers: which strings are valid ids and URL segments, and the slug of any text for
//! URLs and anchors. A leaf: the configuration, the data file and Markdown all use these.

/// Ids and URL segments: lower-case ASCII letters, digits and `-`, not starting or ending with `-`.
pub fn is_valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// A URL- and anchor-safe slug of any text: letters and digits kept (lower-cased, Unicode
/// included), everything else collapsed into single dashes.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            // Lower-casing may add combining marks ("İ" becomes "i" and U+0307): keep letters.
            out.extend(c.to_lowercase().filter(|l| l.is_alphanumeric()));
        } else if c != '\'' && c != '’' {
            dash = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_url_safe() {
        assert!(is_valid_id("dpko"));
        assert!(is_valid_id("s00"));
        assert!(is_valid_id("us-share"));
        for bad in [
            "", "DPKO", "a b", "a/b", "..", "a\\b", "a\0b", "é", "-a", "a-",
        ] {
            assert!(!is_valid_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn slugs_keep_letters_and_collapse_the_rest() {
        assert_eq!(slugify("Why it matters?"), "why-it-matters");
        assert_eq!(slugify("  DPA → DPPA  "), "dpa-dppa");
        assert_eq!(slugify("Guterres’s plan"), "guterress-plan");
        assert_eq!(slugify("Café au lait"), "café-au-lait");
        assert_eq!(slugify("../../etc"), "etc");
        assert_eq!(slugify("///"), "");
        // Found by cargo-fuzz (fuzz/fuzz_targets/urls.rs): lower-casing "İ" adds U+0307.
        assert_eq!(slugify("wss://E:İE://E:İ"), "wss-e-ie-e-i");
        assert!(slugify("İ").chars().all(char::is_alphanumeric));
    }
}
