//! Fuzzes the front-matter splitter and the front-matter parser with whole files.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let shown = std::path::Path::new("c.md");
    let Ok(text) = pillar::diag::decode(data, shown) else { return };
    if let Ok((Some(front), start, body)) = pillar::load::split_front_matter(&text) {
        assert!(start <= body && body <= text.len());
        if let Err(e) = toml::from_str::<pillar::load::FrontMatter>(front) {
            let d = pillar::diag::toml_diagnostic(shown, &text, start, &e);
            assert!(d.line >= 1 && d.line <= text.split('\n').count());
        }
    }
});
