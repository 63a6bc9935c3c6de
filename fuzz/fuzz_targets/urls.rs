//! Fuzzes the URL and slug builders: slugs stay URL-safe, content URLs and link paths never
//! climb out of the site.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let slug = pillar::ids::slugify(s);
    assert!(slug.chars().all(|c| c.is_alphanumeric() || c == '-'));
    assert_eq!(pillar::ids::slugify(&slug), slug);
    if let Ok(url) = pillar::model::site::url_of(s) {
        assert!(!url.split('/').any(|p| p == ".." || p == "."), "{url}");
    }
    if let Some(p) = pillar::markdown::links_normalize(s) {
        assert!(!p.split('/').any(|seg| seg == ".."), "{p}");
    }
    let _ = pillar::date::PartialDate::parse(s);
    let _ = pillar::config::parse_base_url(s);
});
